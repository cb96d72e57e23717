/* clGetDeviceIDs, clGetDeviceInfo (every OpenCL 3.0 query, its value size
 * and the spec's rules on the values), device retain/release, partitioning
 * and timers. */
#include "cl_util.h"
#include "harness.h"

#include <CL/cl_ext.h>
#include <sched.h>
#include <unistd.h>

enum kind { UINT, ULONG, SIZE, BOOL, BITS, STR, PTR, SIZES, PROPS, NV };

#define Q(name, kind)                                                          \
	{                                                                      \
		name, #name, kind                                              \
	}
static const struct {
	cl_device_info param;
	const char *name;
	enum kind kind;
} queries[] = {
    Q(CL_DEVICE_TYPE, BITS),
    Q(CL_DEVICE_VENDOR_ID, UINT),
    Q(CL_DEVICE_MAX_COMPUTE_UNITS, UINT),
    Q(CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, UINT),
    Q(CL_DEVICE_MAX_WORK_GROUP_SIZE, SIZE),
    Q(CL_DEVICE_MAX_WORK_ITEM_SIZES, SIZES),
    Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR, UINT),
    Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT, UINT),
    Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT, UINT),
    Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG, UINT),
    Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, UINT),
    Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE, UINT),
    Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF, UINT),
    Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR, UINT),
    Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT, UINT),
    Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_INT, UINT),
    Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG, UINT),
    Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, UINT),
    Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE, UINT),
    Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF, UINT),
    Q(CL_DEVICE_MAX_CLOCK_FREQUENCY, UINT),
    Q(CL_DEVICE_ADDRESS_BITS, UINT),
    Q(CL_DEVICE_MAX_MEM_ALLOC_SIZE, ULONG),
    Q(CL_DEVICE_IMAGE_SUPPORT, BOOL),
    Q(CL_DEVICE_MAX_READ_IMAGE_ARGS, UINT),
    Q(CL_DEVICE_MAX_WRITE_IMAGE_ARGS, UINT),
    Q(CL_DEVICE_MAX_READ_WRITE_IMAGE_ARGS, UINT),
    Q(CL_DEVICE_IL_VERSION, STR),
    Q(CL_DEVICE_ILS_WITH_VERSION, NV),
    Q(CL_DEVICE_IMAGE2D_MAX_WIDTH, SIZE),
    Q(CL_DEVICE_IMAGE2D_MAX_HEIGHT, SIZE),
    Q(CL_DEVICE_IMAGE3D_MAX_WIDTH, SIZE),
    Q(CL_DEVICE_IMAGE3D_MAX_HEIGHT, SIZE),
    Q(CL_DEVICE_IMAGE3D_MAX_DEPTH, SIZE),
    Q(CL_DEVICE_IMAGE_MAX_BUFFER_SIZE, SIZE),
    Q(CL_DEVICE_IMAGE_MAX_ARRAY_SIZE, SIZE),
    Q(CL_DEVICE_MAX_SAMPLERS, UINT),
    Q(CL_DEVICE_IMAGE_PITCH_ALIGNMENT, UINT),
    Q(CL_DEVICE_IMAGE_BASE_ADDRESS_ALIGNMENT, UINT),
    Q(CL_DEVICE_MAX_PIPE_ARGS, UINT),
    Q(CL_DEVICE_PIPE_MAX_ACTIVE_RESERVATIONS, UINT),
    Q(CL_DEVICE_PIPE_MAX_PACKET_SIZE, UINT),
    Q(CL_DEVICE_MAX_PARAMETER_SIZE, SIZE),
    Q(CL_DEVICE_MEM_BASE_ADDR_ALIGN, UINT),
    Q(CL_DEVICE_MIN_DATA_TYPE_ALIGN_SIZE, UINT),
    Q(CL_DEVICE_SINGLE_FP_CONFIG, BITS),
    Q(CL_DEVICE_DOUBLE_FP_CONFIG, BITS),
    Q(CL_DEVICE_GLOBAL_MEM_CACHE_TYPE, UINT),
    Q(CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE, UINT),
    Q(CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, ULONG),
    Q(CL_DEVICE_GLOBAL_MEM_SIZE, ULONG),
    Q(CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE, ULONG),
    Q(CL_DEVICE_MAX_CONSTANT_ARGS, UINT),
    Q(CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE, SIZE),
    Q(CL_DEVICE_GLOBAL_VARIABLE_PREFERRED_TOTAL_SIZE, SIZE),
    Q(CL_DEVICE_LOCAL_MEM_TYPE, UINT),
    Q(CL_DEVICE_LOCAL_MEM_SIZE, ULONG),
    Q(CL_DEVICE_ERROR_CORRECTION_SUPPORT, BOOL),
    Q(CL_DEVICE_HOST_UNIFIED_MEMORY, BOOL),
    Q(CL_DEVICE_PROFILING_TIMER_RESOLUTION, SIZE),
    Q(CL_DEVICE_ENDIAN_LITTLE, BOOL),
    Q(CL_DEVICE_AVAILABLE, BOOL),
    Q(CL_DEVICE_COMPILER_AVAILABLE, BOOL),
    Q(CL_DEVICE_LINKER_AVAILABLE, BOOL),
    Q(CL_DEVICE_EXECUTION_CAPABILITIES, BITS),
    Q(CL_DEVICE_QUEUE_ON_HOST_PROPERTIES, BITS),
    Q(CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES, BITS),
    Q(CL_DEVICE_QUEUE_ON_DEVICE_PREFERRED_SIZE, UINT),
    Q(CL_DEVICE_QUEUE_ON_DEVICE_MAX_SIZE, UINT),
    Q(CL_DEVICE_MAX_ON_DEVICE_QUEUES, UINT),
    Q(CL_DEVICE_MAX_ON_DEVICE_EVENTS, UINT),
    Q(CL_DEVICE_BUILT_IN_KERNELS, STR),
    Q(CL_DEVICE_BUILT_IN_KERNELS_WITH_VERSION, NV),
    Q(CL_DEVICE_PLATFORM, PTR),
    Q(CL_DEVICE_NAME, STR),
    Q(CL_DEVICE_VENDOR, STR),
    Q(CL_DRIVER_VERSION, STR),
    Q(CL_DEVICE_PROFILE, STR),
    Q(CL_DEVICE_VERSION, STR),
    Q(CL_DEVICE_NUMERIC_VERSION, UINT),
    Q(CL_DEVICE_OPENCL_C_VERSION, STR),
    Q(CL_DEVICE_OPENCL_C_ALL_VERSIONS, NV),
    Q(CL_DEVICE_OPENCL_C_FEATURES, NV),
    Q(CL_DEVICE_EXTENSIONS, STR),
    Q(CL_DEVICE_EXTENSIONS_WITH_VERSION, NV),
    Q(CL_DEVICE_PRINTF_BUFFER_SIZE, SIZE),
    Q(CL_DEVICE_PREFERRED_INTEROP_USER_SYNC, BOOL),
    Q(CL_DEVICE_PARENT_DEVICE, PTR),
    Q(CL_DEVICE_PARTITION_MAX_SUB_DEVICES, UINT),
    Q(CL_DEVICE_PARTITION_PROPERTIES, PROPS),
    Q(CL_DEVICE_PARTITION_AFFINITY_DOMAIN, BITS),
    Q(CL_DEVICE_PARTITION_TYPE, PROPS),
    Q(CL_DEVICE_REFERENCE_COUNT, UINT),
    Q(CL_DEVICE_SVM_CAPABILITIES, BITS),
    Q(CL_DEVICE_PREFERRED_PLATFORM_ATOMIC_ALIGNMENT, UINT),
    Q(CL_DEVICE_PREFERRED_GLOBAL_ATOMIC_ALIGNMENT, UINT),
    Q(CL_DEVICE_PREFERRED_LOCAL_ATOMIC_ALIGNMENT, UINT),
    Q(CL_DEVICE_MAX_NUM_SUB_GROUPS, UINT),
    Q(CL_DEVICE_SUB_GROUP_INDEPENDENT_FORWARD_PROGRESS, BOOL),
    Q(CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES, BITS),
    Q(CL_DEVICE_ATOMIC_FENCE_CAPABILITIES, BITS),
    Q(CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT, BOOL),
    Q(CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT, BOOL),
    Q(CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT, BOOL),
    Q(CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES, BITS),
    Q(CL_DEVICE_PIPE_SUPPORT, BOOL),
    Q(CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, SIZE),
    Q(CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED, STR),
};
#define NQUERIES (sizeof(queries) / sizeof(queries[0]))

static const size_t elem_size[] = {
    [UINT] = sizeof(cl_uint),
    [ULONG] = sizeof(cl_ulong),
    [SIZE] = sizeof(size_t),
    [BOOL] = sizeof(cl_bool),
    [BITS] = sizeof(cl_bitfield),
    [STR] = 1,
    [PTR] = sizeof(void *),
    [SIZES] = sizeof(size_t),
    [PROPS] = sizeof(cl_device_partition_property),
    [NV] = sizeof(cl_name_version),
};

static cl_uint get_uint(cl_device_id d, cl_device_info p)
{
	cl_uint v = 0;
	size_t n = 0;

	CHECK_CL(clGetDeviceInfo(d, p, sizeof(v), &v, &n));
	CHECK_EQ(n, sizeof(v));
	return v;
}

static cl_ulong get_ulong(cl_device_id d, cl_device_info p)
{
	cl_ulong v = 0;
	size_t n = 0;

	CHECK_CL(clGetDeviceInfo(d, p, sizeof(v), &v, &n));
	CHECK_EQ(n, sizeof(v));
	return v;
}

static size_t get_size(cl_device_id d, cl_device_info p)
{
	size_t v = 0, n = 0;

	CHECK_CL(clGetDeviceInfo(d, p, sizeof(v), &v, &n));
	CHECK_EQ(n, sizeof(v));
	return v;
}

static void get_str(cl_device_id d, cl_device_info p, char *buf, size_t size)
{
	size_t n = 0;

	CHECK_CL(clGetDeviceInfo(d, p, size, buf, &n));
	CHECK(n >= 1 && n <= size);
	CHECK_EQ(strlen(buf) + 1, n);
}

/* Fills nv (room for max) and returns the number of entries. */
static size_t get_nv(cl_device_id d, cl_device_info p, cl_name_version *nv,
		     size_t max)
{
	size_t n = 0;

	CHECK_CL(clGetDeviceInfo(d, p, 0, NULL, &n));
	CHECK(n % sizeof(cl_name_version) == 0);
	CHECK(n <= max * sizeof(cl_name_version));
	if (n)
		CHECK_CL(clGetDeviceInfo(d, p, n, nv, NULL));
	return n / sizeof(cl_name_version);
}

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

static int has_nv(const cl_name_version *nv, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(nv[i].name, name) == 0)
			return 1;
	return 0;
}

TEST(ids_default_one_device)
{
	cl_platform_id p = hx_test_platform();
	cl_device_id devs[4], def;
	cl_uint n = 0;

	CHECK_CL(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, NULL, &n));
	CHECK_EQ(n, 1);
	CHECK_CL(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 4, devs, &n));
	CHECK_EQ(n, 1);
	CHECK_CL(clGetDeviceIDs(p, CL_DEVICE_TYPE_DEFAULT, 1, &def, &n));
	CHECK_EQ(n, 1);
	CHECK(def == devs[0]);
}

/* The device is found by its own type and not by the others. */
TEST(ids_by_type)
{
	cl_platform_id p = hx_test_platform();
	cl_device_id dev = hx_test_device(0), got = NULL;
	cl_device_type type = 0, t;
	const cl_device_type types[] = {CL_DEVICE_TYPE_CPU, CL_DEVICE_TYPE_GPU,
					CL_DEVICE_TYPE_ACCELERATOR,
					CL_DEVICE_TYPE_CUSTOM};
	cl_uint n, i;

	CHECK_CL(
	    clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(type), &type, NULL));
	/* One of the four, possibly with DEFAULT. */
	t = type & ~(cl_device_type)CL_DEVICE_TYPE_DEFAULT;
	CHECK(t == CL_DEVICE_TYPE_CPU || t == CL_DEVICE_TYPE_GPU ||
	      t == CL_DEVICE_TYPE_ACCELERATOR || t == CL_DEVICE_TYPE_CUSTOM);
	for (i = 0; i < 4; i++) {
		n = 0;
		if (types[i] == t) {
			CHECK_CL(clGetDeviceIDs(p, types[i], 1, &got, &n));
			CHECK_EQ(n, 1);
			CHECK(got == dev);
		} else {
			CHECK_ERR(clGetDeviceIDs(p, types[i], 1, &got, &n),
				  CL_DEVICE_NOT_FOUND);
		}
	}
}

TEST(ids_invalid_args)
{
	cl_platform_id p = hx_test_platform();
	cl_device_id dev;
	cl_uint n;

	CHECK_ERR(clGetDeviceIDs(p, (cl_device_type)1 << 40, 1, &dev, &n),
		  CL_INVALID_DEVICE_TYPE);
	CHECK_ERR(clGetDeviceIDs(p, 0, 1, &dev, &n), CL_INVALID_DEVICE_TYPE);
	CHECK_ERR(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, &dev, &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, NULL, NULL),
		  CL_INVALID_VALUE);
}

/* Every OpenCL 3.0 query answers, with a size that fits its type; a
 * buffer one element short fails; a NULL value gives the size only. */
TEST(info_every_query)
{
	cl_device_id dev = hx_test_device(0);
	unsigned char buf[16384];
	size_t i, n, n2, es;

	for (i = 0; i < NQUERIES; i++) {
		n = 12345;
		es = elem_size[queries[i].kind];
		if (clGetDeviceInfo(dev, queries[i].param, 0, NULL, &n))
			hx_test_fail(__FILE__, __LINE__, "%s fails",
				     queries[i].name);
		if (queries[i].kind < STR || queries[i].kind == PTR) {
			if (n != es)
				hx_test_fail(__FILE__, __LINE__,
					     "%s: size %zu, want %zu",
					     queries[i].name, n, es);
		} else if (n % es || n > sizeof(buf) ||
			   (queries[i].kind == STR && n == 0)) {
			hx_test_fail(__FILE__, __LINE__, "%s: size %zu",
				     queries[i].name, n);
		}
		memset(buf, 0xcc, sizeof(buf));
		n2 = 0;
		CHECK_CL(clGetDeviceInfo(dev, queries[i].param, n, buf, &n2));
		CHECK_EQ(n2, n);
		/* Nothing is written past the value. */
		CHECK_EQ(buf[n], 0xcc);
		if (queries[i].kind == STR && strlen((char *)buf) + 1 != n)
			hx_test_fail(__FILE__, __LINE__,
				     "%s: string length %zu, size %zu",
				     queries[i].name, strlen((char *)buf), n);
		if (queries[i].kind == BOOL)
			CHECK(*(cl_bool *)buf == CL_TRUE ||
			      *(cl_bool *)buf == CL_FALSE);
		if (n && clGetDeviceInfo(dev, queries[i].param, n - 1, buf,
					 NULL) != CL_INVALID_VALUE)
			hx_test_fail(__FILE__, __LINE__,
				     "%s: short buffer accepted",
				     queries[i].name);
	}
}

TEST(info_invalid_param)
{
	cl_device_id dev = hx_test_device(0);
	char buf[256];
	size_t n = 777;

	CHECK_ERR(clGetDeviceInfo(dev, 0x0FFF, sizeof(buf), buf, &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetDeviceInfo(dev, 0x10FF, sizeof(buf), buf, &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetDeviceInfo(dev, CL_PLATFORM_NAME, sizeof(buf), buf, &n),
		  CL_INVALID_VALUE);
	CHECK_EQ(n, 777);
}

TEST(info_wrong_object_type)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_uint v;

	CHECK_ERR(clGetDeviceInfo((cl_device_id)ctx, CL_DEVICE_VENDOR_ID,
				  sizeof(v), &v, NULL),
		  CL_INVALID_DEVICE);
	CHECK_ERR(clGetDeviceInfo((cl_device_id)hx_test_platform(),
				  CL_DEVICE_VENDOR_ID, sizeof(v), &v, NULL),
		  CL_INVALID_DEVICE);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(info_identity_strings)
{
	cl_device_id dev = hx_test_device(0);
	cl_platform_id plat = NULL;
	char buf[1024];
	cl_version v;
	unsigned y, mo, d, x;

	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_PLATFORM, sizeof(plat), &plat,
				 NULL));
	CHECK(plat == hx_test_platform());
	get_str(dev, CL_DEVICE_PROFILE, buf, sizeof(buf));
	CHECK(strcmp(buf, "FULL_PROFILE") == 0);
	get_str(dev, CL_DEVICE_VERSION, buf, sizeof(buf));
	CHECK(strncmp(buf, "OpenCL 3.0 ", 11) == 0);
	v = get_uint(dev, CL_DEVICE_NUMERIC_VERSION);
	CHECK_EQ(v, CL_MAKE_VERSION(3, 0, 0));
	get_str(dev, CL_DEVICE_NAME, buf, sizeof(buf));
	CHECK(buf[0]);
	get_str(dev, CL_DEVICE_VENDOR, buf, sizeof(buf));
	CHECK(buf[0]);
	get_str(dev, CL_DRIVER_VERSION, buf, sizeof(buf));
	CHECK(buf[0]);
	/* "vYYYY-MM-DD-XX" */
	get_str(dev, CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED, buf,
		sizeof(buf));
	CHECK_EQ(strlen(buf), 14);
	CHECK_EQ(sscanf(buf, "v%4u-%2u-%2u-%2u", &y, &mo, &d, &x), 4);
}

/* CL_DEVICE_OPENCL_C_VERSION, its numeric twin and the list of all
 * versions agree. */
TEST(info_opencl_c_versions)
{
	cl_device_id dev = hx_test_device(0);
	cl_name_version nv[16];
	char buf[256];
	unsigned major = 0, minor = 0;
	size_t n, i;
	int found = 0;

	get_str(dev, CL_DEVICE_OPENCL_C_VERSION, buf, sizeof(buf));
	CHECK_EQ(sscanf(buf, "OpenCL C %u.%u", &major, &minor), 2);
	CHECK(major == 1 ? minor == 2 : major == 2 || major == 3);
	CHECK_EQ(get_uint(dev, CL_DEVICE_OPENCL_C_NUMERIC_VERSION_KHR),
		 CL_MAKE_VERSION(major, minor, 0));
	n = get_nv(dev, CL_DEVICE_OPENCL_C_ALL_VERSIONS, nv, 16);
	CHECK(n >= 1);
	for (i = 0; i < n; i++) {
		CHECK(strcmp(nv[i].name, "OpenCL C") == 0);
		if (nv[i].version == CL_MAKE_VERSION(major, minor, 0))
			found = 1;
	}
	CHECK(found);
}

/* Sizes and limits against the full-profile minimums. */
TEST(info_full_profile_minimums)
{
	cl_device_id dev = hx_test_device(0);
	cl_uint dims = get_uint(dev, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS);
	size_t wg = get_size(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE);
	size_t sizes[8], n = 0, i;
	cl_ulong global = get_ulong(dev, CL_DEVICE_GLOBAL_MEM_SIZE);
	cl_ulong alloc = get_ulong(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
	cl_ulong min_alloc =
	    global / 4 > (128ull << 20) ? global / 4 : (128ull << 20);

	CHECK(get_uint(dev, CL_DEVICE_MAX_COMPUTE_UNITS) >= 1);
	CHECK(dims >= 3 && dims <= 8);
	/* One entry per dimension. */
	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_ITEM_SIZES,
				 sizeof(sizes), sizes, &n));
	CHECK_EQ(n, dims * sizeof(size_t));
	for (i = 0; i < dims; i++)
		CHECK(sizes[i] >= 1 && sizes[i] <= wg);
	CHECK(wg >= 1);
	CHECK(alloc >= min_alloc && alloc <= global);
	CHECK(get_ulong(dev, CL_DEVICE_LOCAL_MEM_SIZE) >= 32 * 1024);
	CHECK(get_ulong(dev, CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE) >= 64 * 1024);
	CHECK(get_uint(dev, CL_DEVICE_MAX_CONSTANT_ARGS) >= 8);
	CHECK(get_size(dev, CL_DEVICE_MAX_PARAMETER_SIZE) >= 1024);
	/* Bits, at least the size of long16. */
	CHECK(get_uint(dev, CL_DEVICE_MEM_BASE_ADDR_ALIGN) >= 1024);
	CHECK(get_size(dev, CL_DEVICE_PRINTF_BUFFER_SIZE) >= 1024 * 1024);
	CHECK(get_uint(dev, CL_DEVICE_ADDRESS_BITS) == 32 ||
	      get_uint(dev, CL_DEVICE_ADDRESS_BITS) == 64);
	CHECK(get_size(dev, CL_DEVICE_PROFILING_TIMER_RESOLUTION) >= 1);
	CHECK(get_size(dev, CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE) >= 1);
	CHECK_EQ(get_uint(dev, CL_DEVICE_REFERENCE_COUNT), 1);
}

TEST(info_capabilities)
{
	cl_device_id dev = hx_test_device(0);
	cl_ulong fp = get_ulong(dev, CL_DEVICE_SINGLE_FP_CONFIG);
	cl_ulong mem = get_ulong(dev, CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES);
	cl_ulong fence = get_ulong(dev, CL_DEVICE_ATOMIC_FENCE_CAPABILITIES);
	cl_ulong q = get_ulong(dev, CL_DEVICE_QUEUE_ON_HOST_PROPERTIES);
	cl_ulong svm = get_ulong(dev, CL_DEVICE_SVM_CAPABILITIES);
	const cl_ulong mem_min =
	    CL_DEVICE_ATOMIC_ORDER_RELAXED | CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP;
	const cl_ulong fence_min = CL_DEVICE_ATOMIC_ORDER_RELAXED |
				   CL_DEVICE_ATOMIC_ORDER_ACQ_REL |
				   CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP;

	CHECK((fp & (CL_FP_ROUND_TO_NEAREST | CL_FP_INF_NAN)) ==
	      (CL_FP_ROUND_TO_NEAREST | CL_FP_INF_NAN));
	CHECK(get_ulong(dev, CL_DEVICE_EXECUTION_CAPABILITIES) &
	      CL_EXEC_KERNEL);
	CHECK((mem & mem_min) == mem_min);
	CHECK((fence & fence_min) == fence_min);
	CHECK(q & CL_QUEUE_PROFILING_ENABLE);
	CHECK(!(q & ~(cl_ulong)(CL_QUEUE_PROFILING_ENABLE |
				CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE)));
	/* SVM is optional; when present, coarse-grain buffers are. */
	CHECK(svm == 0 || (svm & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER));
	CHECK_EQ(get_uint(dev, CL_DEVICE_AVAILABLE), CL_TRUE);
	CHECK_EQ(get_uint(dev, CL_DEVICE_ENDIAN_LITTLE), CL_TRUE);
	/* A linker exists exactly when a compiler does. */
	CHECK_EQ(get_uint(dev, CL_DEVICE_LINKER_AVAILABLE),
		 get_uint(dev, CL_DEVICE_COMPILER_AVAILABLE));
}

/* The extension string, the versioned list and the values that depend
 * on an extension (fp64, fp16) agree. */
TEST(info_extensions_agree)
{
	cl_device_id dev = hx_test_device(0);
	cl_name_version nv[64];
	char list[8192];
	size_t n, i, words = 0;
	const char *s;
	int fp64, fp16;

	get_str(dev, CL_DEVICE_EXTENSIONS, list, sizeof(list));
	n = get_nv(dev, CL_DEVICE_EXTENSIONS_WITH_VERSION, nv, 64);
	for (i = 0; i < n; i++) {
		CHECK(has_word(list, nv[i].name));
		CHECK(nv[i].version != 0);
	}
	for (s = list; *s; s++)
		if (*s != ' ' && (s == list || s[-1] == ' '))
			words++;
	CHECK_EQ(words, n);
	/* cl_khr_extended_versioning gives the OpenCL C numeric query. */
	CHECK(has_word(list, "cl_khr_extended_versioning"));
	fp64 = has_word(list, "cl_khr_fp64");
	fp16 = has_word(list, "cl_khr_fp16");
	CHECK_EQ(get_ulong(dev, CL_DEVICE_DOUBLE_FP_CONFIG) != 0, fp64);
	/* The minimum double support of a device with cl_khr_fp64. */
	if (fp64) {
		const cl_ulong dbl_min =
		    CL_FP_FMA | CL_FP_ROUND_TO_NEAREST | CL_FP_ROUND_TO_ZERO |
		    CL_FP_ROUND_TO_INF | CL_FP_INF_NAN | CL_FP_DENORM;

		CHECK((get_ulong(dev, CL_DEVICE_DOUBLE_FP_CONFIG) & dbl_min) ==
		      dbl_min);
	}
	CHECK_EQ(get_uint(dev, CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE) != 0,
		 fp64);
	CHECK_EQ(get_uint(dev, CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE) != 0,
		 fp64);
	CHECK_EQ(get_uint(dev, CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF) != 0,
		 fp16);
	CHECK_EQ(get_uint(dev, CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF) != 0, fp16);
}

/* Each OpenCL C feature macro matches the query that enables it. */
TEST(info_c_features_agree)
{
	cl_device_id dev = hx_test_device(0);
	cl_name_version nv[64];
	char list[8192];
	size_t n = get_nv(dev, CL_DEVICE_OPENCL_C_FEATURES, nv, 64), i;
	cl_ulong mem = get_ulong(dev, CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES);

	get_str(dev, CL_DEVICE_EXTENSIONS, list, sizeof(list));
	for (i = 0; i < n; i++)
		CHECK(strncmp(nv[i].name, "__opencl_c_", 11) == 0);
	CHECK_EQ(has_nv(nv, n, "__opencl_c_generic_address_space"),
		 get_uint(dev, CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT));
	CHECK_EQ(
	    has_nv(nv, n, "__opencl_c_work_group_collective_functions"),
	    get_uint(dev, CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT));
	CHECK_EQ(has_nv(nv, n, "__opencl_c_program_scope_global_variables"),
		 get_size(dev, CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE) != 0);
	CHECK_EQ(has_nv(nv, n, "__opencl_c_images"),
		 get_uint(dev, CL_DEVICE_IMAGE_SUPPORT));
	CHECK_EQ(has_nv(nv, n, "__opencl_c_pipes"),
		 get_uint(dev, CL_DEVICE_PIPE_SUPPORT));
	CHECK_EQ(has_nv(nv, n, "__opencl_c_fp64"),
		 has_word(list, "cl_khr_fp64"));
	CHECK_EQ(has_nv(nv, n, "__opencl_c_atomic_order_acq_rel"),
		 (mem & CL_DEVICE_ATOMIC_ORDER_ACQ_REL) != 0);
	CHECK_EQ(has_nv(nv, n, "__opencl_c_atomic_order_seq_cst"),
		 (mem & CL_DEVICE_ATOMIC_ORDER_SEQ_CST) != 0);
	CHECK_EQ(has_nv(nv, n, "__opencl_c_atomic_scope_device"),
		 (mem & CL_DEVICE_ATOMIC_SCOPE_DEVICE) != 0);
	CHECK_EQ(has_nv(nv, n, "__opencl_c_atomic_scope_all_devices"),
		 (mem & CL_DEVICE_ATOMIC_SCOPE_ALL_DEVICES) != 0);
}

/* What the device lacks reports the spec's "none" values. */
TEST(info_absent_features)
{
	cl_device_id dev = hx_test_device(0), parent = (cl_device_id)1;
	cl_device_partition_property props[8];
	size_t n = 0;

	if (!get_uint(dev, CL_DEVICE_IMAGE_SUPPORT)) {
		CHECK_EQ(get_uint(dev, CL_DEVICE_MAX_READ_IMAGE_ARGS), 0);
		CHECK_EQ(get_uint(dev, CL_DEVICE_MAX_SAMPLERS), 0);
		CHECK_EQ(get_size(dev, CL_DEVICE_IMAGE2D_MAX_WIDTH), 0);
	}
	if (!get_uint(dev, CL_DEVICE_PIPE_SUPPORT))
		CHECK_EQ(get_uint(dev, CL_DEVICE_MAX_PIPE_ARGS), 0);
	if (!get_ulong(dev, CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES)) {
		CHECK_EQ(get_ulong(dev, CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES),
			 0);
		CHECK_EQ(get_uint(dev, CL_DEVICE_MAX_ON_DEVICE_QUEUES), 0);
	}
	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_PARENT_DEVICE, sizeof(parent),
				 &parent, NULL));
	CHECK(parent == NULL);
	if (get_uint(dev, CL_DEVICE_PARTITION_MAX_SUB_DEVICES) == 0) {
		CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_PARTITION_PROPERTIES,
					 sizeof(props), props, &n));
		CHECK(n == 0 || (n == sizeof(props[0]) && props[0] == 0));
	}
	/* A root device: an empty list or one 0. */
	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_PARTITION_TYPE, sizeof(props),
				 props, &n));
	CHECK(n == 0 || (n == sizeof(props[0]) && props[0] == 0));
}

TEST(retain_release)
{
	cl_device_id dev = hx_test_device(0);
	cl_context ctx;

	CHECK_CL(clRetainDevice(dev));
	CHECK_CL(clReleaseDevice(dev));
	/* Root devices are not counted: releasing more is harmless. */
	CHECK_CL(clReleaseDevice(dev));
	CHECK_EQ(get_uint(dev, CL_DEVICE_REFERENCE_COUNT), 1);
	ctx = hx_test_context(NULL);
	CHECK_ERR(clRetainDevice((cl_device_id)ctx), CL_INVALID_DEVICE);
	CHECK_ERR(clReleaseDevice((cl_device_id)ctx), CL_INVALID_DEVICE);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_sub_devices_unsupported)
{
	cl_device_id dev = hx_test_device(0), out[4];
	cl_device_partition_property eq[] = {CL_DEVICE_PARTITION_EQUALLY, 1, 0};
	cl_device_partition_property bad[] = {0x7777, 1, 0};
	cl_uint n = 0;
	cl_context ctx = hx_test_context(NULL);

	CHECK_ERR(clCreateSubDevices(dev, eq, 4, out, &n), CL_INVALID_VALUE);
	CHECK_ERR(clCreateSubDevices(dev, bad, 4, out, &n), CL_INVALID_VALUE);
	CHECK_ERR(clCreateSubDevices(dev, NULL, 4, out, &n), CL_INVALID_VALUE);
	CHECK_ERR(clCreateSubDevices((cl_device_id)ctx, eq, 4, out, &n),
		  CL_INVALID_DEVICE);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(timers)
{
	cl_device_id dev = hx_test_device(0);
	cl_ulong d0 = 0, h0 = 0, d1 = 0, h1 = 0, h2 = 0;

	CHECK_CL(clGetDeviceAndHostTimer(dev, &d0, &h0));
	CHECK_CL(clGetHostTimer(dev, &h1));
	CHECK_CL(clGetDeviceAndHostTimer(dev, &d1, &h2));
	CHECK(d0 > 0 && h0 > 0);
	CHECK(h0 <= h1 && h1 <= h2);
	CHECK(d0 <= d1);
	CHECK_ERR(clGetDeviceAndHostTimer(dev, NULL, &h0), CL_INVALID_VALUE);
	CHECK_ERR(clGetDeviceAndHostTimer(dev, &d0, NULL), CL_INVALID_VALUE);
	CHECK_ERR(clGetHostTimer(dev, NULL), CL_INVALID_VALUE);
	CHECK_ERR(clGetHostTimer((cl_device_id)hx_test_platform(), &h0),
		  CL_INVALID_DEVICE);
}

/* HMMCL_DEVICE_TYPE chooses the reported type; the platform reads it
 * when it is created, at this process's first OpenCL call. */
TEST(env_device_type)
{
	cl_device_id dev, got = NULL;
	cl_device_type type = 0;
	cl_uint n = 0;

	setenv("HMMCL_DEVICE_TYPE", "cpu", 1);
	dev = hx_test_device(0);
	CHECK_CL(
	    clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(type), &type, NULL));
	CHECK_EQ(type & ~(cl_device_type)CL_DEVICE_TYPE_DEFAULT,
		 CL_DEVICE_TYPE_CPU);
	CHECK_CL(clGetDeviceIDs(hx_test_platform(), CL_DEVICE_TYPE_CPU, 1, &got,
				&n));
	CHECK(got == dev);
	CHECK_ERR(
	    clGetDeviceIDs(hx_test_platform(), CL_DEVICE_TYPE_GPU, 1, &got, &n),
	    CL_DEVICE_NOT_FOUND);
}

/* HMMCL_DEVICE_MEMORY sets the global memory size; the largest
 * allocation follows the full-profile rule max(size / 4, 128 MiB). */
TEST(env_device_memory)
{
	cl_device_id dev;

	setenv("HMMCL_DEVICE_MEMORY", "8G", 1);
	dev = hx_test_device(0);
	CHECK_EQ(get_ulong(dev, CL_DEVICE_GLOBAL_MEM_SIZE), 8ull << 30);
	CHECK_EQ(get_ulong(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE), 2ull << 30);
}

TEST(env_device_memory_small)
{
	cl_device_id dev;

	setenv("HMMCL_DEVICE_MEMORY", "512M", 1);
	dev = hx_test_device(0);
	CHECK_EQ(get_ulong(dev, CL_DEVICE_GLOBAL_MEM_SIZE), 512ull << 20);
	CHECK_EQ(get_ulong(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE), 128ull << 20);
}

/* Compute units are the cores the process may run on (hwloc): bound to
 * one CPU before the platform exists, the device has one. */
TEST(compute_units_follow_cpu_binding)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	cl_uint cu;

	CPU_ZERO(&set);
	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
	if (CPU_COUNT(&set) < 2)
		SKIP("the process may run on one CPU only");
	CHECK(online >= 2);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CHECK(sched_setaffinity(0, sizeof(set), &set) == 0);
	cu = get_uint(hx_test_device(0), CL_DEVICE_MAX_COMPUTE_UNITS);
	CHECK_EQ(cu, 1);
}

TEST(compute_units_within_online_cpus)
{
	cl_uint cu = get_uint(hx_test_device(0), CL_DEVICE_MAX_COMPUTE_UNITS);

	CHECK(cu >= 1 && cu <= (cl_uint)sysconf(_SC_NPROCESSORS_ONLN));
}

static cl_uint count_devices(void)
{
	cl_uint n = 0;

	CHECK_CL(clGetDeviceIDs(hx_test_platform(), CL_DEVICE_TYPE_ALL, 0, NULL,
				&n));
	return n;
}

/* HMMCL_DEVICES=N gives N devices on the one platform. */
TEST(env_devices_three)
{
	cl_uint n, nplat = 0;

	setenv("HMMCL_DEVICES", "3", 1);
	n = count_devices();
	CHECK_EQ(n, 3);
	CHECK_CL(clGetPlatformIDs(0, NULL, &nplat));
	CHECK_EQ(nplat, 1);
}

/* A value that names no devices falls back to one. */
TEST(env_devices_invalid)
{
	setenv("HMMCL_DEVICES", "0", 1);
	CHECK_EQ(count_devices(), 1);
}
