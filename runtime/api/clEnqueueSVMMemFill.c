/* clEnqueueSVMMemFill: repeats a pattern over an SVM (or host) range. */
#include "api.h"

#include "../core/event.h"
#include "../core/svm.h"

#include <stdlib.h>

/* The largest pattern: a 16-component vector of 8-byte elements. */
#define MAX_PATTERN 128

struct svm_fill_cmd {
	void *dst;
	size_t size;
	size_t pattern_size;
	unsigned char pattern[MAX_PATTERN];
};

static cl_int svm_fill_run(cl_event ev)
{
	struct svm_fill_cmd *c = ev->payload;

	return hx_svm_fill(ev->queue, c->dst, c->pattern, c->pattern_size, c->size);
}

static void svm_fill_cleanup(cl_event ev)
{
	free(ev->payload);
	ev->payload = NULL;
}

static cl_int check_fill(void *svm_ptr, const void *pattern,
			 size_t pattern_size, size_t size)
{
	/* CL_INVALID_VALUE if svm_ptr is NULL. */
	if (!svm_ptr)
		return CL_INVALID_VALUE;
	/* ... if pattern is NULL, pattern_size is 0 or not one of
	 * {1, 2, 4, 8, 16, 32, 64, 128}. */
	if (!pattern || pattern_size == 0 || pattern_size > MAX_PATTERN ||
	    (pattern_size & (pattern_size - 1)))
		return CL_INVALID_VALUE;
	/* ... if svm_ptr is not aligned to pattern_size bytes. */
	if ((uintptr_t)svm_ptr % pattern_size)
		return CL_INVALID_VALUE;
	/* ... if size is not a multiple of pattern_size. */
	if (size % pattern_size)
		return CL_INVALID_VALUE;
	return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMemFill(
    cl_command_queue command_queue, void *svm_ptr, const void *pattern,
    size_t pattern_size, size_t size, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	struct svm_fill_cmd *c;
	cl_event ev;

	HX_API_ENTER();
	HX_TRY(hx_svm_check_queue(command_queue));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	HX_TRY(check_fill(svm_ptr, pattern, pattern_size, size));
	HX_TRY(hx_event_create(command_queue->ctx, command_queue,
			       CL_COMMAND_SVM_MEMFILL, &ev));
	c = malloc(sizeof(*c));
	if (!c) {
		hx_release(ev);
		HX_CHECK(0, CL_OUT_OF_HOST_MEMORY);
	}
	c->dst = svm_ptr;
	c->size = size;
	c->pattern_size = pattern_size;
	memcpy(c->pattern, pattern, pattern_size);
	ev->run = svm_fill_run;
	ev->cleanup = svm_fill_cleanup;
	ev->payload = c;
	HX_TRY(hx_submit(ev, num_events_in_wait_list, event_wait_list, CL_FALSE,
			 event));
	HX_API_EXIT();
}
