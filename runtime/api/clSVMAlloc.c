/* clSVMAlloc and clSVMFree: the API has no error code to return, so the
 * reason of a NULL result is traced (HMMCL_DEBUG=api,svm). */
#include "api.h"

#include "../core/svm.h"

CL_API_ENTRY void *CL_API_CALL clSVMAlloc(cl_context context,
					  cl_svm_mem_flags flags, size_t size,
					  cl_uint alignment)
{
	cl_int err;
	void *p = hx_svm_alloc(context, flags, size, alignment, &err);

	if (!p)
		hx_api_fail(__func__, "hx_svm_alloc", err);
	return p;
}

/* clSVMFree ignores NULL, an invalid context, and any pointer that is not
 * the base of a live clSVMAlloc allocation of this context: it never
 * hands such a pointer to free(). */
CL_API_ENTRY void CL_API_CALL clSVMFree(cl_context context, void *svm_pointer)
{
	HX_DEBUG(HX_DBG_API, "api", "%s", __func__);
	if (!svm_pointer)
		return;
	if (!hx_object_valid(context, HX_TYPE_CONTEXT)) {
		hx_api_fail(__func__, "valid context", CL_INVALID_CONTEXT);
		return;
	}
	if (!hx_svm_free(context, svm_pointer))
		hx_api_fail(__func__, "svm_pointer from clSVMAlloc",
			    CL_INVALID_VALUE);
}
