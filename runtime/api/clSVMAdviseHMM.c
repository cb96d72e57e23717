/* cl_hmm_svm_advise: clEnqueueSVMAdviseMemHMM (placement advice, in queue
 * order) and clGetSVMResidencyHMM (where each page is). Validation here;
 * the policy that acts on the advice is the SVM manager's
 * (runtime/svm/svm_policy.c). */
#include "api.h"

#include "../core/context.h"
#include "../core/event.h"
#include "../core/svm.h"

#ifdef HMMCL_HAVE_HX_SVM
#include "hmm_door.h"
#include "svm/svm_hostmir.h"
#include "svm/svm_mgr.h"
#include "svm/svm_policy.h"

/* advice_op's numbers are the policy's operations. */
_Static_assert(HX_ADV_PREFER_DEVICE == 1 && HX_ADV_NOT_READ_MOSTLY == 7,
	       "advice numbering");
#endif

#include <CL/cl_ext_hmm.h>
#include <stdlib.h>
#include <unistd.h>

struct advise_cmd {
	struct hx_svm_range r;
	int op;
};

static int advice_op(cl_svm_advice_hmm a)
{
	switch (a) {
	case CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM:
		return 1;
	case CL_SVM_ADVICE_UNSET_PREFERRED_LOCATION_HMM:
		return 2;
	case CL_SVM_ADVICE_SET_PREFERRED_LOCATION_HOST_HMM:
		return 3;
	case CL_SVM_ADVICE_SET_ACCESSED_BY_HMM:
		return 4;
	case CL_SVM_ADVICE_UNSET_ACCESSED_BY_HMM:
		return 5;
	case CL_SVM_ADVICE_SET_READ_MOSTLY_HMM:
		return 6;
	case CL_SVM_ADVICE_UNSET_READ_MOSTLY_HMM:
		return 7;
	default:
		return 0;
	}
}

#ifdef HMMCL_HAVE_HX_SVM
/* The pages the advice covers, as clEnqueueSVMMigrateMem rounds them: an
 * SVM allocation's range outward (it owns whole pages), a host range
 * inward. 0 when the allocation was freed under the queued command. */
static int advise_span(const struct hx_svm_range *r, uintptr_t *start,
		       size_t *size)
{
	size_t page = hx_svm_mgr_page_size();
	uintptr_t a = (uintptr_t)r->base, b = a + r->size;
	struct hx_svm_alloc al;
	unsigned long s;

	if (r->alloc_id) {
		if (!hx_svm_find(NULL, r->base, &al) || al.id != r->alloc_id)
			return 0;
		*start = a & ~(page - 1);
		*size = ((b + page - 1) & ~(page - 1)) - *start;
		return 1;
	}
	hx_hmm_round_inward(r->base, r->size, page, &s, size);
	*start = s;
	return *size != 0;
}
#endif

static cl_int advise_run(cl_event ev)
{
	struct advise_cmd *c = ev->payload;
#ifdef HMMCL_HAVE_HX_SVM
	uintptr_t start;
	size_t size;

	if (!advise_span(&c->r, &start, &size))
		return CL_COMPLETE;
	/* A host range a device may fault in (and migrate on first touch)
	 * is mirrored now: device faults reach only mirrored memory. */
	if (!c->r.alloc_id &&
	    (c->op == HX_ADV_PREFER_DEVICE || c->op == HX_ADV_ACCESSED_BY))
		hx_svm_hostmir_cover((uintptr_t)c->r.base, c->r.size);
	/* Advice is a hint too: a table that cannot grow keeps the old. */
	if (hx_svm_policy_advise(start, size, (enum hx_svm_advice_op)c->op,
				 ev->queue->dev->index))
		HX_DEBUG(HX_DBG_SVM, "svm", "advice on %p: out of memory",
			 c->r.base);
#else
	(void)c; /* every page is in system memory and stays there */
#endif
	return CL_COMPLETE;
}

static void advise_cleanup(cl_event ev)
{
	free(ev->payload);
	ev->payload = NULL;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMAdviseMemHMM(
    cl_command_queue command_queue, const void *ptr, size_t size,
    cl_svm_advice_hmm advice, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	struct advise_cmd *c = NULL;
	cl_event ev;

	HX_API_ENTER();
	HX_TRY(hx_svm_check_queue(command_queue));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* CL_INVALID_VALUE if ptr is NULL, size is 0 or advice is not one
	 * of the CL_SVM_ADVICE_*_HMM values. */
	HX_CHECK(ptr && size, CL_INVALID_VALUE);
	HX_CHECK(advice_op(advice), CL_INVALID_VALUE);
	c = calloc(1, sizeof(*c));
	HX_CHECK(c, CL_OUT_OF_HOST_MEMORY);
	c->op = advice_op(advice);
	/* [ptr, ptr + size) lies in an SVM allocation of the queue's
	 * context, or is host memory with fine-grain system SVM. */
	hx_err_ = hx_svm_resolve_range(command_queue->ctx, ptr, size, &c->r);
	if (!hx_err_)
		hx_err_ = hx_event_create(command_queue->ctx, command_queue,
					  CL_COMMAND_SVM_ADVISE_HMM, &ev);
	if (hx_err_) {
		free(c);
		HX_TRY(hx_err_);
	}
	ev->run = advise_run;
	ev->cleanup = advise_cleanup;
	ev->payload = c;
	HX_TRY(hx_submit(ev, num_events_in_wait_list, event_wait_list, CL_FALSE,
			 event));
	HX_API_EXIT();
}

/* hmm device index -> the platform's OpenCL device (the same index). */
static cl_device_id device_of(int d)
{
	cl_platform_id p = hx_platform_get();

	return d >= 0 && (cl_uint)d < p->ndevices ? &p->devices[d] : NULL;
}

static cl_int residency(uintptr_t start, size_t n, cl_device_id *out)
{
#ifdef HMMCL_HAVE_HX_SVM
	int *d = malloc(n * sizeof(*d));
	cl_int err = CL_SUCCESS;

	if (!d)
		return CL_OUT_OF_HOST_MEMORY;
	/* A page that is not mapped is no SVM memory. */
	if (hx_svm_policy_residency(start, n, d))
		err = CL_INVALID_VALUE;
	for (size_t i = 0; !err && i < n; i++)
		out[i] = device_of(d[i]);
	free(d);
	return err;
#else
	(void)start;
	memset(out, 0, n * sizeof(*out));
	return CL_SUCCESS;
#endif
}

CL_API_ENTRY cl_int CL_API_CALL clGetSVMResidencyHMM(
    cl_context context, const void *ptr, size_t size, size_t num_pages,
    cl_device_id *locations, size_t *num_pages_ret)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n;
	struct hx_svm_range r;
	uintptr_t s;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	/* CL_INVALID_VALUE if ptr is NULL or size is 0, or if nothing is
	 * asked (locations and num_pages_ret both NULL). */
	HX_CHECK(ptr && size, CL_INVALID_VALUE);
	HX_CHECK(locations || num_pages_ret, CL_INVALID_VALUE);
	HX_TRY(hx_svm_resolve_range(context, ptr, size, &r));
	/* Every page the range touches. */
	s = (uintptr_t)ptr & ~(page - 1);
	n = (((uintptr_t)ptr + size + page - 1) & ~(page - 1)) - s;
	n /= page;
	/* CL_INVALID_VALUE if locations cannot hold one entry per page. */
	HX_CHECK(!locations || num_pages >= n, CL_INVALID_VALUE);
	if (locations) {
		cl_device_id *tmp = malloc(n * sizeof(*tmp));

		HX_CHECK(tmp, CL_OUT_OF_HOST_MEMORY);
		hx_err_ = residency(s, n, tmp);
		if (!hx_err_)
			memcpy(locations, tmp, n * sizeof(*tmp));
		free(tmp);
		HX_TRY(hx_err_);
	}
	if (num_pages_ret)
		*num_pages_ret = n;
	HX_API_EXIT();
}
