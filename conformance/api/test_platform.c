/* clGetPlatformIDs, clGetPlatformInfo and the cl_khr_icd entry points,
 * reached through the ICD loader only. */
#include "cl_util.h"
#include "harness.h"

#include <CL/cl_ext.h>
#include <CL/cl_icd.h>

/* Each platform query with its value size (0: a string). */
static const struct {
	cl_platform_info param;
	const char *name;
	size_t size;
} queries[] = {
    {CL_PLATFORM_PROFILE, "PROFILE", 0},
    {CL_PLATFORM_VERSION, "VERSION", 0},
    {CL_PLATFORM_NAME, "NAME", 0},
    {CL_PLATFORM_VENDOR, "VENDOR", 0},
    {CL_PLATFORM_EXTENSIONS, "EXTENSIONS", 0},
    {CL_PLATFORM_HOST_TIMER_RESOLUTION, "HOST_TIMER_RESOLUTION",
     sizeof(cl_ulong)},
    {CL_PLATFORM_NUMERIC_VERSION, "NUMERIC_VERSION", sizeof(cl_version)},
    {CL_PLATFORM_EXTENSIONS_WITH_VERSION, "EXTENSIONS_WITH_VERSION", 1},
    {CL_PLATFORM_ICD_SUFFIX_KHR, "ICD_SUFFIX_KHR", 0},
};
#define NQUERIES (sizeof(queries) / sizeof(queries[0]))

static void get_str(cl_platform_id p, cl_platform_info param, char *buf,
		    size_t size)
{
	size_t n = 0;

	CHECK_CL(clGetPlatformInfo(p, param, size, buf, &n));
	CHECK(n >= 1 && n <= size);
	CHECK_EQ(strlen(buf) + 1, n);
}

/* True when word is one of the space-separated names in list. */
static int has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *s = list;

	while ((s = strstr(s, word))) {
		if ((s == list || s[-1] == ' ') &&
		    (s[len] == ' ' || s[len] == '\0'))
			return 1;
		s += len;
	}
	return 0;
}

TEST(ids_lists_hmmcl)
{
	cl_platform_id ids[16], p = hx_test_platform();
	cl_uint n = 0, i, found = 0;

	CHECK_CL(clGetPlatformIDs(0, NULL, &n));
	CHECK(n >= 1 && n <= 16);
	CHECK_CL(clGetPlatformIDs(n, ids, NULL));
	for (i = 0; i < n; i++)
		found += ids[i] == p;
	CHECK_EQ(found, 1);
}

TEST(ids_invalid_args)
{
	cl_platform_id p;

	CHECK_ERR(clGetPlatformIDs(0, &p, NULL), CL_INVALID_VALUE);
	CHECK_ERR(clGetPlatformIDs(1, NULL, NULL), CL_INVALID_VALUE);
}

/* The loader's way in, called directly: the same rules as
 * clGetPlatformIDs, checked by hmmcl itself rather than the loader. */
TEST(icd_get_platform_ids)
{
	cl_platform_id p = hx_test_platform(), got[2] = {NULL, NULL};
	clIcdGetPlatformIDsKHR_fn fn =
	    (clIcdGetPlatformIDsKHR_fn)clGetExtensionFunctionAddressForPlatform(
		p, "clIcdGetPlatformIDsKHR");
	cl_uint n = 0;

	CHECK(fn != NULL);
	CHECK_CL(fn(0, NULL, &n));
	CHECK_EQ(n, 1);
	CHECK_CL(fn(2, got, &n));
	CHECK(got[0] == p);
	CHECK(got[1] == NULL);
	CHECK_ERR(fn(0, got, NULL), CL_INVALID_VALUE);
	CHECK_ERR(fn(1, NULL, NULL), CL_INVALID_VALUE);
}

TEST(info_identity)
{
	cl_platform_id p = hx_test_platform();
	char buf[1024];

	get_str(p, CL_PLATFORM_NAME, buf, sizeof(buf));
	CHECK(strcmp(buf, "hmmcl") == 0);
	get_str(p, CL_PLATFORM_PROFILE, buf, sizeof(buf));
	CHECK(strcmp(buf, "FULL_PROFILE") == 0);
	/* "OpenCL<space><major.minor><space><platform-specific>" */
	get_str(p, CL_PLATFORM_VERSION, buf, sizeof(buf));
	CHECK(strncmp(buf, "OpenCL 3.0 ", 11) == 0);
	get_str(p, CL_PLATFORM_VENDOR, buf, sizeof(buf));
	CHECK(buf[0] != '\0');
	get_str(p, CL_PLATFORM_ICD_SUFFIX_KHR, buf, sizeof(buf));
	CHECK(strcmp(buf, "HMM") == 0);
}

TEST(info_numeric_version)
{
	cl_platform_id p = hx_test_platform();
	cl_version v = 0;
	size_t n = 0;

	CHECK_CL(clGetPlatformInfo(p, CL_PLATFORM_NUMERIC_VERSION, sizeof(v),
				   &v, &n));
	CHECK_EQ(n, sizeof(cl_version));
	CHECK_EQ(CL_VERSION_MAJOR(v), 3);
	CHECK_EQ(CL_VERSION_MINOR(v), 0);
}

/* The ICD loader requires cl_khr_icd in the extension string. */
TEST(info_extensions_icd)
{
	cl_platform_id p = hx_test_platform();
	char buf[4096];

	get_str(p, CL_PLATFORM_EXTENSIONS, buf, sizeof(buf));
	CHECK(has_word(buf, "cl_khr_icd"));
	CHECK(buf[0] != ' ');
}

/* The string and the versioned list name the same extensions. */
TEST(info_extensions_with_version_agree)
{
	cl_platform_id p = hx_test_platform();
	cl_name_version nv[64];
	char list[4096];
	size_t n = 0, i, words = 0;
	const char *s;

	get_str(p, CL_PLATFORM_EXTENSIONS, list, sizeof(list));
	CHECK_CL(clGetPlatformInfo(p, CL_PLATFORM_EXTENSIONS_WITH_VERSION, 0,
				   NULL, &n));
	CHECK(n % sizeof(cl_name_version) == 0);
	CHECK(n <= sizeof(nv));
	CHECK_CL(clGetPlatformInfo(p, CL_PLATFORM_EXTENSIONS_WITH_VERSION, n,
				   nv, NULL));
	for (i = 0; i < n / sizeof(cl_name_version); i++) {
		CHECK(memchr(nv[i].name, '\0', sizeof(nv[i].name)) != NULL);
		CHECK(has_word(list, nv[i].name));
		CHECK(nv[i].version != 0);
	}
	for (s = list; *s; s++)
		if (*s != ' ' && (s == list || s[-1] == ' '))
			words++;
	CHECK_EQ(words, n / sizeof(cl_name_version));
}

/* clGetHostTimer is implemented, so the resolution is not 0. */
TEST(info_host_timer_resolution)
{
	cl_platform_id p = hx_test_platform();
	cl_ulong res = 0;
	size_t n = 0;

	CHECK_CL(clGetPlatformInfo(p, CL_PLATFORM_HOST_TIMER_RESOLUTION,
				   sizeof(res), &res, &n));
	CHECK_EQ(n, sizeof(cl_ulong));
	CHECK(res > 0);
}

/* Every query: the size alone, the value with exactly that size, and
 * a buffer one byte short. */
TEST(info_sizes)
{
	cl_platform_id p = hx_test_platform();
	unsigned char buf[8192];
	size_t i, n, n2;

	for (i = 0; i < NQUERIES; i++) {
		n = 0;
		CHECK_CL(clGetPlatformInfo(p, queries[i].param, 0, NULL, &n));
		if (queries[i].size == 1)
			CHECK(n % sizeof(cl_name_version) == 0);
		else if (queries[i].size)
			CHECK_EQ(n, queries[i].size);
		CHECK(n > 0 && n <= sizeof(buf));
		n2 = 0;
		CHECK_CL(clGetPlatformInfo(p, queries[i].param, n, buf, &n2));
		CHECK_EQ(n2, n);
		if (!queries[i].size)
			CHECK_EQ(strlen((char *)buf) + 1, n);
		CHECK_ERR(
		    clGetPlatformInfo(p, queries[i].param, n - 1, buf, NULL),
		    CL_INVALID_VALUE);
		/* A NULL value with a size: the size query still works. */
		CHECK_CL(clGetPlatformInfo(p, queries[i].param, sizeof(buf),
					   NULL, &n2));
		CHECK_EQ(n2, n);
	}
}

TEST(info_invalid_param)
{
	cl_platform_id p = hx_test_platform();
	char buf[64];
	size_t n = 12345;

	CHECK_ERR(clGetPlatformInfo(p, 0x0AFF, sizeof(buf), buf, &n),
		  CL_INVALID_VALUE);
	CHECK_EQ(n, 12345);
	CHECK_ERR(clGetPlatformInfo(p, CL_DEVICE_NAME, sizeof(buf), buf, NULL),
		  CL_INVALID_VALUE);
}

/* A handle of another type, dispatched to hmmcl by the loader. */
TEST(info_wrong_object_type)
{
	cl_device_id dev = hx_test_device(0);
	char buf[64];

	CHECK_ERR(clGetPlatformInfo((cl_platform_id)dev, CL_PLATFORM_NAME,
				    sizeof(buf), buf, NULL),
		  CL_INVALID_PLATFORM);
	CHECK_ERR(clGetDeviceIDs((cl_platform_id)dev, CL_DEVICE_TYPE_ALL, 0,
				 NULL, &(cl_uint){0}),
		  CL_INVALID_PLATFORM);
}

TEST(extension_function_address)
{
	cl_platform_id p = hx_test_platform();

	CHECK(clGetExtensionFunctionAddressForPlatform(
		  p, "clIcdGetPlatformIDsKHR") != NULL);
	CHECK(clGetExtensionFunctionAddressForPlatform(
		  p, "clNoSuchFunctionHMM") == NULL);
	/* Core functions are not extension functions. */
	CHECK(clGetExtensionFunctionAddressForPlatform(p, "clFinish") == NULL);
}

TEST(extension_function_address_wrong_platform)
{
	cl_device_id dev = hx_test_device(0);

	CHECK(clGetExtensionFunctionAddressForPlatform(
		  (cl_platform_id)dev, "clIcdGetPlatformIDsKHR") == NULL);
}
