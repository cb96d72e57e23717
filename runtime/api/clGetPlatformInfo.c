#include "api.h"

#include "../core/extensions.h"

static cl_int platform_info(cl_platform_info param, size_t size, void *value,
			    size_t *size_ret)
{
	cl_name_version ext[HX_MAX_EXTENSIONS];
	char list[1024];
	size_t n;

	switch (param) {
	case CL_PLATFORM_PROFILE:
		return hx_info_str(size, value, size_ret, "FULL_PROFILE");
	case CL_PLATFORM_VERSION:
		return hx_info_str(size, value, size_ret,
				   "OpenCL 3.0 hmmcl " HX_VERSION_STRING);
	case CL_PLATFORM_NUMERIC_VERSION:
		HX_INFO_VAL(cl_version, CL_MAKE_VERSION(3, 0, 0));
	case CL_PLATFORM_NAME:
		return hx_info_str(size, value, size_ret, HX_PLATFORM_NAME);
	case CL_PLATFORM_VENDOR:
		return hx_info_str(size, value, size_ret, HX_PLATFORM_VENDOR);
	case CL_PLATFORM_EXTENSIONS:
		hx_extensions_string(HX_EXT_PLATFORM, list, sizeof(list));
		return hx_info_str(size, value, size_ret, list);
	case CL_PLATFORM_EXTENSIONS_WITH_VERSION:
		n = hx_extensions_versioned(HX_EXT_PLATFORM, ext);
		return hx_info(size, value, size_ret, ext, n * sizeof(ext[0]));
	case CL_PLATFORM_HOST_TIMER_RESOLUTION:
		HX_INFO_VAL(cl_ulong, 1);
	case CL_PLATFORM_ICD_SUFFIX_KHR:
		return hx_info_str(size, value, size_ret, "HMM");
	default:
		return CL_INVALID_VALUE;
	}
}

HX_EXPORT CL_API_ENTRY cl_int CL_API_CALL
clGetPlatformInfo(cl_platform_id platform, cl_platform_info param_name,
		  size_t param_value_size, void *param_value,
		  size_t *param_value_size_ret)
{
	HX_API_ENTER();
	/* A NULL platform selects ours: the behaviour is
	 * implementation-defined and we have only one. */
	if (!platform)
		platform = hx_platform_get();
	HX_CHECK(HX_VALID(platform, PLATFORM), CL_INVALID_PLATFORM);
	HX_TRY(platform_info(param_name, param_value_size, param_value,
			     param_value_size_ret));
	HX_API_EXIT();
}
