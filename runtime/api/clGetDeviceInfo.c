#include "api.h"

#include "../core/extensions.h"

#include <stdio.h>

/* What a part returns for a param_name it does not answer (positive:
 * never an OpenCL code). */
#define NOT_A_QUERY 1

#define STR(s) return hx_info_str(size, value, size_ret, (s))
#define VAL(type, v) HX_INFO_VAL(type, v)
#define ARR(a) return hx_info(size, value, size_ret, (a), sizeof(a))

/* OpenCL C 3.0 features, reported only with a working compiler. */
static const char *const c_features[] = {
	"__opencl_c_int64",
	"__opencl_c_fp64",
	"__opencl_c_generic_address_space",
	"__opencl_c_program_scope_global_variables",
	"__opencl_c_atomic_order_acq_rel",
	"__opencl_c_atomic_order_seq_cst",
	"__opencl_c_atomic_scope_device",
	"__opencl_c_atomic_scope_all_devices",
	"__opencl_c_work_group_collective_functions",
};
#define NFEATURES (sizeof(c_features) / sizeof(c_features[0]))

static cl_int c_features_info(cl_device_id dev, size_t size, void *value,
			      size_t *size_ret)
{
	cl_name_version nv[NFEATURES];
	size_t i, n = dev->compiler_available ? NFEATURES : 0;

	memset(nv, 0, sizeof(nv));
	for (i = 0; i < n; i++) {
		nv[i].version = CL_MAKE_VERSION(3, 0, 0);
		snprintf(nv[i].name, sizeof(nv[i].name), "%s", c_features[i]);
	}
	return hx_info(size, value, size_ret, nv, n * sizeof(nv[0]));
}

static cl_int c_versions_info(size_t size, void *value, size_t *size_ret)
{
	static const cl_version v[] = {
		CL_MAKE_VERSION(1, 0, 0), CL_MAKE_VERSION(1, 1, 0),
		CL_MAKE_VERSION(1, 2, 0), CL_MAKE_VERSION(3, 0, 0)};
	cl_name_version nv[4];
	size_t i;

	memset(nv, 0, sizeof(nv));
	for (i = 0; i < 4; i++) {
		nv[i].version = v[i];
		snprintf(nv[i].name, sizeof(nv[i].name), "OpenCL C");
	}
	ARR(nv);
}

static cl_int extensions_info(cl_device_info param, size_t size, void *value,
			      size_t *size_ret)
{
	cl_name_version ext[HX_MAX_EXTENSIONS];
	char list[2048];
	size_t n;

	if (param == CL_DEVICE_EXTENSIONS) {
		hx_extensions_string(HX_EXT_DEVICE, list, sizeof(list));
		STR(list);
	}
	n = hx_extensions_versioned(HX_EXT_DEVICE, ext);
	return hx_info(size, value, size_ret, ext, n * sizeof(ext[0]));
}

/* Sizes, limits and identity. */
static cl_int limits_info(cl_device_id dev, cl_device_info param, size_t size,
			  void *value, size_t *size_ret)
{
	const size_t wi_sizes[3] = {HX_MAX_WORK_GROUP_SIZE,
				    HX_MAX_WORK_GROUP_SIZE,
				    HX_MAX_WORK_GROUP_SIZE};

	switch (param) {
	case CL_DEVICE_TYPE: VAL(cl_device_type, dev->type);
	case CL_DEVICE_VENDOR_ID: VAL(cl_uint, 0x6c6d6d68);
	case CL_DEVICE_MAX_COMPUTE_UNITS: VAL(cl_uint, dev->compute_units);
	case CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS: VAL(cl_uint, 3);
	case CL_DEVICE_MAX_WORK_GROUP_SIZE: VAL(size_t, HX_MAX_WORK_GROUP_SIZE);
	case CL_DEVICE_MAX_WORK_ITEM_SIZES: ARR(wi_sizes);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR: VAL(cl_uint, 16);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT: VAL(cl_uint, 8);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_INT:
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT: VAL(cl_uint, 4);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG: VAL(cl_uint, 2);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE:
		VAL(cl_uint, dev->compiler_available ? 2 : 0);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF: VAL(cl_uint, 0);
	case CL_DEVICE_MAX_CLOCK_FREQUENCY: VAL(cl_uint, dev->clock_mhz);
	case CL_DEVICE_ADDRESS_BITS: VAL(cl_uint, 64);
	case CL_DEVICE_MAX_MEM_ALLOC_SIZE: VAL(cl_ulong, dev->max_alloc_size);
	case CL_DEVICE_MAX_PARAMETER_SIZE: VAL(size_t, 1024);
	case CL_DEVICE_MEM_BASE_ADDR_ALIGN:
		VAL(cl_uint, HX_MEM_BASE_ADDR_ALIGN_BITS);
	case CL_DEVICE_MIN_DATA_TYPE_ALIGN_SIZE: VAL(cl_uint, 128);
	case CL_DEVICE_GLOBAL_MEM_CACHE_TYPE:
		VAL(cl_device_mem_cache_type, CL_READ_WRITE_CACHE);
	case CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE:
		VAL(cl_uint, dev->cacheline_size);
	case CL_DEVICE_GLOBAL_MEM_CACHE_SIZE: VAL(cl_ulong, dev->cache_size);
	case CL_DEVICE_GLOBAL_MEM_SIZE: VAL(cl_ulong, dev->global_mem_size);
	case CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE: VAL(cl_ulong, 64ull << 20);
	case CL_DEVICE_MAX_CONSTANT_ARGS: VAL(cl_uint, 16);
	case CL_DEVICE_LOCAL_MEM_TYPE: VAL(cl_device_local_mem_type, CL_GLOBAL);
	case CL_DEVICE_LOCAL_MEM_SIZE: VAL(cl_ulong, dev->local_mem_size);
	case CL_DEVICE_ERROR_CORRECTION_SUPPORT: VAL(cl_bool, CL_FALSE);
	case CL_DEVICE_PROFILING_TIMER_RESOLUTION: VAL(size_t, 1);
	case CL_DEVICE_ENDIAN_LITTLE: VAL(cl_bool, CL_TRUE);
	case CL_DEVICE_AVAILABLE: VAL(cl_bool, CL_TRUE);
	case CL_DEVICE_HOST_UNIFIED_MEMORY: VAL(cl_bool, CL_FALSE);
	case CL_DEVICE_PRINTF_BUFFER_SIZE: VAL(size_t, HX_PRINTF_BUFFER_SIZE);
	case CL_DEVICE_PREFERRED_INTEROP_USER_SYNC: VAL(cl_bool, CL_TRUE);
	case CL_DEVICE_REFERENCE_COUNT: VAL(cl_uint, 1);
	case CL_DEVICE_PLATFORM: VAL(cl_platform_id, dev->platform);
	case CL_DEVICE_NAME: STR(dev->name);
	case CL_DEVICE_VENDOR: STR(HX_PLATFORM_VENDOR);
	case CL_DRIVER_VERSION: STR(HX_VERSION_STRING);
	case CL_DEVICE_PROFILE: STR("FULL_PROFILE");
	case CL_DEVICE_VERSION: STR("OpenCL 3.0 hmmcl " HX_VERSION_STRING);
	case CL_DEVICE_NUMERIC_VERSION: VAL(cl_version, CL_MAKE_VERSION(3, 0, 0));
	case CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED: STR("v0000-01-01-00");
	default: return NOT_A_QUERY;
	}
}

/* Features that stand or fall with the compiler and engine. */
static cl_int kernel_info(cl_device_id dev, cl_device_info param, size_t size,
			  void *value, size_t *size_ret)
{
	const cl_bool cc = dev->compiler_available;
	const cl_device_fp_config dbl =
		CL_FP_FMA | CL_FP_ROUND_TO_NEAREST | CL_FP_ROUND_TO_ZERO |
		CL_FP_ROUND_TO_INF | CL_FP_INF_NAN | CL_FP_DENORM;
	const cl_device_atomic_capabilities atomics =
		CL_DEVICE_ATOMIC_ORDER_RELAXED | CL_DEVICE_ATOMIC_ORDER_ACQ_REL |
		CL_DEVICE_ATOMIC_ORDER_SEQ_CST | CL_DEVICE_ATOMIC_SCOPE_WORK_ITEM |
		CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP | CL_DEVICE_ATOMIC_SCOPE_DEVICE |
		CL_DEVICE_ATOMIC_SCOPE_ALL_DEVICES;
	const cl_device_atomic_capabilities atomics_min =
		CL_DEVICE_ATOMIC_ORDER_RELAXED | CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP;
	/* Fences have a higher mandated minimum: acq_rel as well. */
	const cl_device_atomic_capabilities fence_min =
		atomics_min | CL_DEVICE_ATOMIC_ORDER_ACQ_REL;

	switch (param) {
	case CL_DEVICE_COMPILER_AVAILABLE:
	case CL_DEVICE_LINKER_AVAILABLE: VAL(cl_bool, cc);
	case CL_DEVICE_EXECUTION_CAPABILITIES:
		VAL(cl_device_exec_capabilities, CL_EXEC_KERNEL);
	case CL_DEVICE_SINGLE_FP_CONFIG:
		VAL(cl_device_fp_config, CL_FP_FMA | CL_FP_ROUND_TO_NEAREST |
						 CL_FP_INF_NAN | CL_FP_DENORM);
	case CL_DEVICE_DOUBLE_FP_CONFIG: VAL(cl_device_fp_config, cc ? dbl : 0);
	case CL_DEVICE_OPENCL_C_VERSION: STR("OpenCL C 1.2 ");
	case CL_DEVICE_OPENCL_C_NUMERIC_VERSION_KHR:
		VAL(cl_version, CL_MAKE_VERSION(1, 2, 0));
	case CL_DEVICE_OPENCL_C_ALL_VERSIONS:
		return c_versions_info(size, value, size_ret);
	case CL_DEVICE_OPENCL_C_FEATURES:
		return c_features_info(dev, size, value, size_ret);
	case CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE:
	case CL_DEVICE_GLOBAL_VARIABLE_PREFERRED_TOTAL_SIZE:
		VAL(size_t, cc ? 65536 : 0);
	case CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES:
		VAL(cl_device_atomic_capabilities, cc ? atomics : atomics_min);
	case CL_DEVICE_ATOMIC_FENCE_CAPABILITIES:
		VAL(cl_device_atomic_capabilities, cc ? atomics : fence_min);
	case CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT:
	case CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT:
	case CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT: VAL(cl_bool, cc);
	case CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE: VAL(size_t, 8);
	case CL_DEVICE_SVM_CAPABILITIES:
		VAL(cl_device_svm_capabilities, dev->svm_caps);
	case CL_DEVICE_PREFERRED_PLATFORM_ATOMIC_ALIGNMENT:
	case CL_DEVICE_PREFERRED_GLOBAL_ATOMIC_ALIGNMENT:
	case CL_DEVICE_PREFERRED_LOCAL_ATOMIC_ALIGNMENT: VAL(cl_uint, 0);
	case CL_DEVICE_BUILT_IN_KERNELS: STR("");
	case CL_DEVICE_IL_VERSION: STR("");
	case CL_DEVICE_ILS_WITH_VERSION:
	case CL_DEVICE_BUILT_IN_KERNELS_WITH_VERSION:
		return hx_info(size, value, size_ret, NULL, 0);
	case CL_DEVICE_EXTENSIONS:
	case CL_DEVICE_EXTENSIONS_WITH_VERSION:
		return extensions_info(param, size, value, size_ret);
	default: return NOT_A_QUERY;
	}
}

/* What this device does not have: images, pipes, device queues,
 * sub-groups, partitioning. Each reports the spec's "none" value. */
static cl_int absent_info(cl_device_id dev, cl_device_info param, size_t size,
			  void *value, size_t *size_ret)
{
	const cl_device_partition_property none = 0;

	switch (param) {
	case CL_DEVICE_IMAGE_SUPPORT: VAL(cl_bool, CL_FALSE);
	case CL_DEVICE_MAX_READ_IMAGE_ARGS:
	case CL_DEVICE_MAX_WRITE_IMAGE_ARGS:
	case CL_DEVICE_MAX_READ_WRITE_IMAGE_ARGS:
	case CL_DEVICE_IMAGE_PITCH_ALIGNMENT:
	case CL_DEVICE_IMAGE_BASE_ADDRESS_ALIGNMENT:
	case CL_DEVICE_MAX_SAMPLERS: VAL(cl_uint, 0);
	case CL_DEVICE_IMAGE2D_MAX_WIDTH:
	case CL_DEVICE_IMAGE2D_MAX_HEIGHT:
	case CL_DEVICE_IMAGE3D_MAX_WIDTH:
	case CL_DEVICE_IMAGE3D_MAX_HEIGHT:
	case CL_DEVICE_IMAGE3D_MAX_DEPTH:
	case CL_DEVICE_IMAGE_MAX_BUFFER_SIZE:
	case CL_DEVICE_IMAGE_MAX_ARRAY_SIZE: VAL(size_t, 0);
	case CL_DEVICE_QUEUE_ON_HOST_PROPERTIES:
		VAL(cl_command_queue_properties,
		    CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE |
			    CL_QUEUE_PROFILING_ENABLE);
	case CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES:
		VAL(cl_command_queue_properties, 0);
	case CL_DEVICE_QUEUE_ON_DEVICE_PREFERRED_SIZE:
	case CL_DEVICE_QUEUE_ON_DEVICE_MAX_SIZE:
	case CL_DEVICE_MAX_ON_DEVICE_QUEUES:
	case CL_DEVICE_MAX_ON_DEVICE_EVENTS:
	case CL_DEVICE_MAX_PIPE_ARGS:
	case CL_DEVICE_PIPE_MAX_ACTIVE_RESERVATIONS:
	case CL_DEVICE_PIPE_MAX_PACKET_SIZE:
	case CL_DEVICE_MAX_NUM_SUB_GROUPS:
	case CL_DEVICE_PARTITION_MAX_SUB_DEVICES: VAL(cl_uint, 0);
	case CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES:
		VAL(cl_device_device_enqueue_capabilities, 0);
	case CL_DEVICE_PIPE_SUPPORT:
	case CL_DEVICE_SUB_GROUP_INDEPENDENT_FORWARD_PROGRESS:
		VAL(cl_bool, CL_FALSE);
	case CL_DEVICE_PARENT_DEVICE: VAL(cl_device_id, NULL);
	case CL_DEVICE_PARTITION_PROPERTIES:
		VAL(cl_device_partition_property, none);
	case CL_DEVICE_PARTITION_AFFINITY_DOMAIN:
		VAL(cl_device_affinity_domain, 0);
	case CL_DEVICE_PARTITION_TYPE:
		/* A root device: an empty list. */
		return hx_info(size, value, size_ret, NULL, 0);
	default: return NOT_A_QUERY;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetDeviceInfo(cl_device_id device,
						cl_device_info param_name,
						size_t param_value_size,
						void *param_value,
						size_t *param_value_size_ret)
{
	cl_int (*const parts[])(cl_device_id, cl_device_info, size_t, void *,
				size_t *) = {limits_info, kernel_info,
					     absent_info};
	size_t i;

	HX_API_ENTER();
	HX_CHECK(hx_device_valid(device), CL_INVALID_DEVICE);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		hx_err_ = parts[i](device, param_name, param_value_size,
				   param_value, param_value_size_ret);
		if (hx_err_ != NOT_A_QUERY)
			break;
	}
	/* param_name is not one of the supported values. */
	HX_CHECK(hx_err_ != NOT_A_QUERY, CL_INVALID_VALUE);
	/* The part's error: a buffer too small (hx_info logs it). */
	HX_CHECK(hx_err_ == CL_SUCCESS, hx_err_);
	HX_API_EXIT();
}
