#include "api.h"

#include "../core/event.h"
#include "../core/kernel.h"
#include "../core/ndrange.h"
#include "../core/program.h"
#include "compiler/compiler.h"
#include "engine/engine.h"

#include <stdint.h>

/* global/offset/local rules of clEnqueueNDRangeKernel. */
/* With uniform work-groups, every global size must be a multiple of the
 * local size in use (given, or required by the kernel). */
static cl_int check_uniform(cl_kernel k, cl_uint dim, const size_t *global,
			    const size_t *local)
{
	const uint64_t *reqd = k->meta->reqd_work_group_size;
	size_t l;
	cl_uint d;

	if (!hx_program_uniform_wg(k->program))
		return CL_SUCCESS;
	for (d = 0; d < dim; d++) {
		l = local ? local[d] : reqd[0] ? reqd[d] : 0;
		/* the work-group size must be uniform and the global_work_size
		 * is not evenly divisible by the local_work_size. */
		if (l && global[d] % l)
			return CL_INVALID_WORK_GROUP_SIZE;
	}
	return CL_SUCCESS;
}

static cl_int check_sizes(cl_kernel k, cl_uint dim, const size_t *offset,
			  const size_t *global, const size_t *local)
{
	const uint64_t *reqd = k->meta->reqd_work_group_size;
	size_t items = 1;
	cl_uint d;

	if (dim < 1 || dim > 3)
		return CL_INVALID_WORK_DIMENSION;
	if (!global)
		return CL_INVALID_GLOBAL_WORK_SIZE;
	for (d = 0; d < dim; d++) {
		/* offset + global must not overflow size_t. */
		if (offset && global[d] > SIZE_MAX - offset[d])
			return CL_INVALID_GLOBAL_OFFSET;
		if (!local)
			continue;
		if (local[d] == 0)
			return CL_INVALID_WORK_GROUP_SIZE;
		if (local[d] > HX_MAX_WORK_GROUP_SIZE)
			return CL_INVALID_WORK_ITEM_SIZE;
		/* reqd_work_group_size must match local_work_size. */
		if (reqd[0] && local[d] != reqd[d])
			return CL_INVALID_WORK_GROUP_SIZE;
		items *= local[d];
	}
	if (local && items > HX_MAX_WORK_GROUP_SIZE)
		return CL_INVALID_WORK_GROUP_SIZE;
	/* With a required size, local_work_size may not be left out either
	 * in a way that contradicts it: NULL picks the required size. */
	return check_uniform(k, dim, global, local);
}

static cl_int enqueue(cl_command_queue q, cl_kernel k, cl_uint dim,
		      const size_t *offset, const size_t *global,
		      const size_t *local, cl_uint nwait, const cl_event *wait,
		      cl_event *event, cl_command_type type)
{
	struct hx_ndrange_spec spec = {0};
	hx_cprog *exe = NULL;
	cl_event ev = NULL;
	cl_uint d;
	cl_int err;

	if (!hx_object_valid(q, HX_TYPE_QUEUE))
		return CL_INVALID_COMMAND_QUEUE;
	if (!hx_object_valid(k, HX_TYPE_KERNEL))
		return CL_INVALID_KERNEL;
	if (k->program->ctx != q->ctx)
		return CL_INVALID_CONTEXT;
	/* No executable for the queue's device. */
	err = hx_program_executable(k->program, q->dev, &exe);
	if (err)
		return err;
	hx_compiler_release(exe);
	err = check_sizes(k, dim, offset, global, local);
	if (!err && hx_kernel_local_bytes(k) > q->dev->local_mem_size)
		err = CL_OUT_OF_RESOURCES;
	if (!err)
		err = hx_check_wait_list(q->ctx, nwait, wait);
	if (err)
		return err;
	spec.work_dim = dim;
	spec.local_given = local != NULL;
	for (d = 0; d < dim; d++) {
		spec.offset[d] = offset ? offset[d] : 0;
		spec.global[d] = global[d];
		spec.local[d] = local ? local[d] : 1;
	}
	err = hx_event_create(q->ctx, q, type, &ev);
	if (err)
		return err;
	err = hx_ndrange_command(ev, k, &spec);
	if (err) {
		hx_release(ev);
		return err;
	}
	return hx_submit(ev, nwait, wait, CL_FALSE, event);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueNDRangeKernel(
	cl_command_queue command_queue, cl_kernel kernel, cl_uint work_dim,
	const size_t *global_work_offset, const size_t *global_work_size,
	const size_t *local_work_size, cl_uint num_events_in_wait_list,
	const cl_event *event_wait_list, cl_event *event)
{
	HX_API_ENTER();
	HX_TRY(enqueue(command_queue, kernel, work_dim, global_work_offset,
		       global_work_size, local_work_size,
		       num_events_in_wait_list, event_wait_list, event,
		       CL_COMMAND_NDRANGE_KERNEL));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueTask(cl_command_queue command_queue,
					      cl_kernel kernel,
					      cl_uint num_events_in_wait_list,
					      const cl_event *event_wait_list,
					      cl_event *event)
{
	const size_t one = 1;

	HX_API_ENTER();
	HX_TRY(enqueue(command_queue, kernel, 1, NULL, &one, &one,
		       num_events_in_wait_list, event_wait_list, event,
		       CL_COMMAND_TASK));
	HX_API_EXIT();
}
