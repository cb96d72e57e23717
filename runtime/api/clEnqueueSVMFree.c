/* clEnqueueSVMFree: frees SVM pointers once the command runs, through the
 * application's callback or, without one, the runtime. */
#include "api.h"

#include "../core/event.h"
#include "../core/svm.h"

#include <stdlib.h>

typedef void(CL_CALLBACK *svm_free_fn)(cl_command_queue queue,
				       cl_uint num_svm_pointers,
				       void *svm_pointers[], void *user_data);

struct svm_free_cmd {
	svm_free_fn fn;
	void *user_data;
	cl_uint n;
	void *ptrs[]; /* a copy: the caller may reuse its array */
};

static cl_int svm_free_run(cl_event ev)
{
	struct svm_free_cmd *c = ev->payload;
	cl_uint i;

	if (c->fn) {
		c->fn(ev->queue, c->n, c->n ? c->ptrs : NULL, c->user_data);
		return CL_COMPLETE;
	}
	/* Pointers that are not clSVMAlloc's are the application's error;
	 * hx_svm_free ignores them instead of corrupting the heap. */
	for (i = 0; i < c->n; i++)
		hx_svm_free(ev->ctx, c->ptrs[i]);
	return CL_COMPLETE;
}

static void svm_free_cleanup(cl_event ev)
{
	free(ev->payload);
	ev->payload = NULL;
}

CL_API_ENTRY cl_int CL_API_CALL
clEnqueueSVMFree(cl_command_queue command_queue, cl_uint num_svm_pointers,
		 void *svm_pointers[], svm_free_fn pfn_free_func,
		 void *user_data, cl_uint num_events_in_wait_list,
		 const cl_event *event_wait_list, cl_event *event)
{
	struct svm_free_cmd *c;
	cl_event ev;
	cl_uint i;

	HX_API_ENTER();
	HX_TRY(hx_svm_check_queue(command_queue));
	/* num_svm_pointers 0 with svm_pointers non-NULL, or svm_pointers
	 * NULL with num_svm_pointers not 0. */
	HX_CHECK((num_svm_pointers == 0) == (svm_pointers == NULL),
		 CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	HX_TRY(hx_event_create(command_queue->ctx, command_queue,
			       CL_COMMAND_SVM_FREE, &ev));
	c = malloc(sizeof(*c) + num_svm_pointers * sizeof(void *));
	if (!c) {
		hx_release(ev);
		HX_CHECK(0, CL_OUT_OF_HOST_MEMORY);
	}
	c->fn = pfn_free_func;
	c->user_data = user_data;
	c->n = num_svm_pointers;
	for (i = 0; i < num_svm_pointers; i++)
		c->ptrs[i] = svm_pointers[i];
	ev->run = svm_free_run;
	ev->cleanup = svm_free_cleanup;
	ev->payload = c;
	HX_TRY(hx_submit(ev, num_events_in_wait_list, event_wait_list, CL_FALSE,
			 event));
	HX_API_EXIT();
}
