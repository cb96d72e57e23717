#include "api.h"

CL_API_ENTRY cl_int CL_API_CALL clGetPlatformIDs(cl_uint num_entries,
						 cl_platform_id *platforms,
						 cl_uint *num_platforms)
{
	HX_API_ENTER();
	/* num_entries is 0 and platforms is not NULL, or both are NULL. */
	HX_CHECK(!(num_entries == 0 && platforms), CL_INVALID_VALUE);
	HX_CHECK(platforms || num_platforms, CL_INVALID_VALUE);
	if (platforms)
		platforms[0] = hx_platform_get();
	if (num_platforms)
		*num_platforms = 1;
	HX_API_EXIT();
}

/* cl_khr_icd: the loader's way in. Same rules, but no platform is
 * CL_PLATFORM_NOT_FOUND_KHR (we always have one). */
HX_EXPORT CL_API_ENTRY cl_int CL_API_CALL
clIcdGetPlatformIDsKHR(cl_uint num_entries, cl_platform_id *platforms,
		       cl_uint *num_platforms)
{
	HX_API_ENTER();
	HX_CHECK(!(num_entries == 0 && platforms), CL_INVALID_VALUE);
	HX_CHECK(platforms || num_platforms, CL_INVALID_VALUE);
	if (platforms)
		platforms[0] = hx_platform_get();
	if (num_platforms)
		*num_platforms = 1;
	HX_API_EXIT();
}
