/* clEnqueueSVMMemcpy: a copy between any two host or SVM addresses. */
#include "api.h"

#include "../core/event.h"
#include "../core/svm.h"

#include <stdlib.h>

struct svm_copy_cmd {
	void *dst;
	const void *src;
	size_t size;
};

static cl_int svm_copy_run(cl_event ev)
{
	struct svm_copy_cmd *c = ev->payload;

	return hx_svm_copy(ev->queue, c->dst, c->src, c->size);
}

static void svm_copy_cleanup(cl_event ev)
{
	free(ev->payload);
	ev->payload = NULL;
}

static int overlap(const void *a, const void *b, size_t size)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return size && (x < y ? y - x < size : x - y < size);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMemcpy(
    cl_command_queue command_queue, cl_bool blocking_copy, void *dst_ptr,
    const void *src_ptr, size_t size, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	struct svm_copy_cmd *c;
	cl_event ev;

	HX_API_ENTER();
	HX_TRY(hx_svm_check_queue(command_queue));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* CL_INVALID_VALUE if dst_ptr or src_ptr is NULL. */
	HX_CHECK(dst_ptr && src_ptr, CL_INVALID_VALUE);
	/* CL_MEM_COPY_OVERLAP if dst_ptr, src_ptr and size overlap. */
	HX_CHECK(!overlap(dst_ptr, src_ptr, size), CL_MEM_COPY_OVERLAP);
	HX_TRY(hx_event_create(command_queue->ctx, command_queue,
			       CL_COMMAND_SVM_MEMCPY, &ev));
	c = malloc(sizeof(*c));
	if (!c) {
		hx_release(ev);
		HX_CHECK(0, CL_OUT_OF_HOST_MEMORY);
	}
	c->dst = dst_ptr;
	c->src = src_ptr;
	c->size = size;
	ev->run = svm_copy_run;
	ev->cleanup = svm_copy_cleanup;
	ev->payload = c;
	HX_TRY(hx_submit(ev, num_events_in_wait_list, event_wait_list,
			 blocking_copy, event));
	HX_API_EXIT();
}
