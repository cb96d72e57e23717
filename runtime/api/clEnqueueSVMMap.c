/* clEnqueueSVMMap and clEnqueueSVMUnmap: the synchronization points of
 * coarse-grain SVM. The host reaches SVM memory in place, so the commands
 * carry no data; their effect is their place in the queue's order. */
#include "api.h"

#include "../core/event.h"
#include "../core/svm.h"

#include <stdlib.h>

struct svm_map_cmd {
	void *ptr;
	size_t size;
	cl_map_flags flags;
};

static cl_int svm_map_run(cl_event ev)
{
	struct svm_map_cmd *c = ev->payload;

	return hx_svm_map(ev->queue, c->ptr, c->size, c->flags);
}

static cl_int svm_unmap_run(cl_event ev)
{
	struct svm_map_cmd *c = ev->payload;

	return hx_svm_unmap(ev->queue, c->ptr);
}

static void svm_map_cleanup(cl_event ev)
{
	free(ev->payload);
	ev->payload = NULL;
}

static cl_int check_map_flags(cl_map_flags flags)
{
	const cl_map_flags rw = CL_MAP_READ | CL_MAP_WRITE;

	/* Values in map_flags must be those of the map flags table. */
	if (flags & ~(rw | CL_MAP_WRITE_INVALIDATE_REGION))
		return CL_INVALID_VALUE;
	/* CL_MAP_READ or CL_MAP_WRITE and CL_MAP_WRITE_INVALIDATE_REGION are
	 * mutually exclusive. */
	if ((flags & rw) && (flags & CL_MAP_WRITE_INVALIDATE_REGION))
		return CL_INVALID_VALUE;
	return CL_SUCCESS;
}

static cl_int enqueue(cl_command_queue q, cl_command_type type,
		      cl_bool blocking, void *ptr, size_t size,
		      cl_map_flags flags, cl_uint nwait, const cl_event *wait,
		      cl_event *event)
{
	struct svm_map_cmd *c;
	cl_event ev;
	cl_int err;

	err = hx_event_create(q->ctx, q, type, &ev);
	if (err)
		return err;
	c = malloc(sizeof(*c));
	if (!c) {
		hx_release(ev);
		return CL_OUT_OF_HOST_MEMORY;
	}
	c->ptr = ptr;
	c->size = size;
	c->flags = flags;
	ev->run = type == CL_COMMAND_SVM_MAP ? svm_map_run : svm_unmap_run;
	ev->cleanup = svm_map_cleanup;
	ev->payload = c;
	return hx_submit(ev, nwait, wait, blocking, event);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMap(cl_command_queue command_queue,
						cl_bool blocking_map,
						cl_map_flags map_flags,
						void *svm_ptr, size_t size,
						cl_uint num_events_in_wait_list,
						const cl_event *event_wait_list,
						cl_event *event)
{
	HX_API_ENTER();
	HX_TRY(hx_svm_check_queue(command_queue));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* CL_INVALID_VALUE if svm_ptr is NULL. */
	HX_CHECK(svm_ptr, CL_INVALID_VALUE);
	/* CL_INVALID_VALUE if size is 0 or map_flags are not valid. */
	HX_CHECK(size != 0, CL_INVALID_VALUE);
	HX_TRY(check_map_flags(map_flags));
	HX_TRY(enqueue(command_queue, CL_COMMAND_SVM_MAP, blocking_map, svm_ptr,
		       size, map_flags, num_events_in_wait_list,
		       event_wait_list, event));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL
clEnqueueSVMUnmap(cl_command_queue command_queue, void *svm_ptr,
		  cl_uint num_events_in_wait_list,
		  const cl_event *event_wait_list, cl_event *event)
{
	HX_API_ENTER();
	HX_TRY(hx_svm_check_queue(command_queue));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* CL_INVALID_VALUE if svm_ptr is NULL. */
	HX_CHECK(svm_ptr, CL_INVALID_VALUE);
	HX_TRY(enqueue(command_queue, CL_COMMAND_SVM_UNMAP, CL_FALSE, svm_ptr,
		       0, 0, num_events_in_wait_list, event_wait_list, event));
	HX_API_EXIT();
}
