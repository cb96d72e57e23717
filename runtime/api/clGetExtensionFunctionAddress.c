/* Extension entry points, looked up by name. Only functions of
 * extensions we advertise are returned. */
#include "api.h"

#include <CL/cl_ext_hmm.h>

#include <string.h>

CL_API_ENTRY cl_int CL_API_CALL clIcdGetPlatformIDsKHR(cl_uint, cl_platform_id *,
						       cl_uint *);

#define HX_EXT(name) {#name, (void *)name},
static const struct {
	const char *name;
	void *fn;
} table[] = {
	{"clIcdGetPlatformIDsKHR", (void *)clIcdGetPlatformIDsKHR},
#include "../../icd/extensions.def"
};
#undef HX_EXT

static void *lookup(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].fn;
	HX_DEBUG(HX_DBG_API, "api", "no extension function %s", name);
	return NULL;
}

HX_EXPORT CL_API_ENTRY void *CL_API_CALL
clGetExtensionFunctionAddress(const char *func_name)
{
	return lookup(func_name);
}

HX_EXPORT CL_API_ENTRY void *CL_API_CALL
clGetExtensionFunctionAddressForPlatform(cl_platform_id platform,
					 const char *func_name)
{
	if (!hx_object_valid(platform, HX_TYPE_PLATFORM))
		return NULL;
	return lookup(func_name);
}
