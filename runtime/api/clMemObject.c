/* Memory object lifetime, queries and destructor callbacks. */
#include "api.h"

#include "../core/mem.h"

CL_API_ENTRY cl_int CL_API_CALL clRetainMemObject(cl_mem memobj)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(memobj, MEM), CL_INVALID_MEM_OBJECT);
	hx_retain(memobj);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseMemObject(cl_mem memobj)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(memobj, MEM), CL_INVALID_MEM_OBJECT);
	hx_release(memobj);
	HX_API_EXIT();
}

static cl_int mem_properties(cl_mem m, size_t size, void *value,
			     size_t *size_ret)
{
	static const cl_mem_properties none = 0;

	/* Created without a property list: nothing to return. */
	if (!m->props)
		return hx_info(size, value, size_ret, &none, 0);
	return hx_info(size, value, size_ret, m->props,
		       m->nprops * sizeof(cl_mem_properties));
}

static cl_int mem_info(cl_mem m, cl_mem_info param, size_t size, void *value,
		       size_t *size_ret)
{
	switch (param) {
	case CL_MEM_TYPE:
		HX_INFO_VAL(cl_mem_object_type, m->type);
	case CL_MEM_FLAGS:
		HX_INFO_VAL(cl_mem_flags, m->flags);
	case CL_MEM_SIZE:
		HX_INFO_VAL(size_t, m->size);
	case CL_MEM_HOST_PTR:
		HX_INFO_VAL(void *, m->host_ptr);
	case CL_MEM_MAP_COUNT:
		HX_INFO_VAL(cl_uint, hx_mem_map_count(m));
	case CL_MEM_REFERENCE_COUNT:
		HX_INFO_VAL(cl_uint, hx_refcount(m));
	case CL_MEM_CONTEXT:
		HX_INFO_VAL(cl_context, m->ctx);
	case CL_MEM_ASSOCIATED_MEMOBJECT:
		HX_INFO_VAL(cl_mem, m->parent);
	case CL_MEM_OFFSET:
		HX_INFO_VAL(size_t, m->offset);
	case CL_MEM_USES_SVM_POINTER:
		HX_INFO_VAL(cl_bool, m->uses_svm);
	case CL_MEM_PROPERTIES:
		return mem_properties(m, size, value, size_ret);
	default:
		return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetMemObjectInfo(cl_mem memobj,
						   cl_mem_info param_name,
						   size_t param_value_size,
						   void *param_value,
						   size_t *param_value_size_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(memobj, MEM), CL_INVALID_MEM_OBJECT);
	HX_TRY(mem_info(memobj, param_name, param_value_size, param_value,
			param_value_size_ret));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetMemObjectDestructorCallback(
    cl_mem memobj, void(CL_CALLBACK *pfn_notify)(cl_mem, void *),
    void *user_data)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(memobj, MEM), CL_INVALID_MEM_OBJECT);
	/* pfn_notify must not be NULL. */
	HX_CHECK(pfn_notify, CL_INVALID_VALUE);
	HX_TRY(hx_mem_add_destructor(memobj, pfn_notify, user_data));
	HX_API_EXIT();
}
