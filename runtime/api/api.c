#include "api.h"

#include "../core/context.h"
#include "../core/event.h"

void hx_api_fail(const char *func, const char *cond, cl_int err)
{
	HX_DEBUG(HX_DBG_API, "api", "%s fails with %d: %s", func, err, cond);
}

cl_int hx_info(size_t size, void *value, size_t *size_ret, const void *src,
	       size_t n)
{
	if (value) {
		if (size < n) {
			hx_api_fail("info query", "param_value_size < size of value",
				    CL_INVALID_VALUE);
			return CL_INVALID_VALUE;
		}
		/* Empty values (no properties, no ILs) have src NULL. */
		if (n)
			memcpy(value, src, n);
	}
	if (size_ret)
		*size_ret = n;
	return CL_SUCCESS;
}

cl_int hx_info_str(size_t size, void *value, size_t *size_ret, const char *s)
{
	return hx_info(size, value, size_ret, s, strlen(s) + 1);
}

cl_int hx_check_wait_list(cl_context ctx, cl_uint n, const cl_event *list)
{
	cl_uint i;

	/* num_events_in_wait_list and event_wait_list must agree. */
	if ((n == 0) != (list == NULL))
		return CL_INVALID_EVENT_WAIT_LIST;
	for (i = 0; i < n; i++) {
		if (!hx_object_valid(list[i], HX_TYPE_EVENT))
			return CL_INVALID_EVENT_WAIT_LIST;
		if (ctx && list[i]->ctx != ctx)
			return CL_INVALID_CONTEXT;
	}
	return CL_SUCCESS;
}
