/* Program and program build queries. */
#include "api.h"

#include "../core/program.h"
#include "compiler/compiler.h"

#include <stdlib.h>

static cl_int kernel_names(hx_cprog *cp, size_t size, void *value,
			   size_t *size_ret)
{
	size_t n = hx_compiler_num_kernels(cp), i, len = 0;
	char *names;
	cl_int err;

	for (i = 0; i < n; i++)
		len += strlen(hx_compiler_kernel(cp, i)->name) + 1;
	names = calloc(1, len + 1);
	if (!names)
		return CL_OUT_OF_HOST_MEMORY;
	for (i = 0; i < n; i++) {
		if (i)
			strcat(names, ";");
		strcat(names, hx_compiler_kernel(cp, i)->name);
	}
	err = hx_info_str(size, value, size_ret, names);
	free(names);
	return err;
}

/* CL_PROGRAM_BINARIES: an array of pointers the application provides,
 * one per device; NULL entries are skipped. */
static cl_int binaries(cl_program p, hx_cprog *cp, size_t size, void *value,
		       size_t *size_ret, int sizes_only)
{
	size_t n = p->ndevices, i, bytes = 0;
	void *data = NULL;
	size_t *sizes = sizes_only ? value : NULL;
	unsigned char **dst = sizes_only ? NULL : value;

	if (cp && hx_compiler_binary(cp, &data, &bytes) != CL_SUCCESS)
		return CL_OUT_OF_HOST_MEMORY;
	if (size_ret)
		*size_ret = n * (sizes_only ? sizeof(size_t) : sizeof(void *));
	if (value && size < n * (sizes_only ? sizeof(size_t) : sizeof(void *))) {
		free(data);
		return CL_INVALID_VALUE;
	}
	for (i = 0; value && i < n; i++) {
		if (sizes)
			sizes[i] = bytes;
		else if (dst[i] && data)
			memcpy(dst[i], data, bytes);
	}
	free(data);
	return CL_SUCCESS;
}

static cl_int program_info(cl_program p, hx_cprog *cp, int built,
			   cl_program_info param, size_t size, void *value,
			   size_t *size_ret)
{
	switch (param) {
	case CL_PROGRAM_REFERENCE_COUNT: HX_INFO_VAL(cl_uint, hx_refcount(p));
	case CL_PROGRAM_CONTEXT: HX_INFO_VAL(cl_context, p->ctx);
	case CL_PROGRAM_NUM_DEVICES: HX_INFO_VAL(cl_uint, p->ndevices);
	case CL_PROGRAM_DEVICES:
		return hx_info(size, value, size_ret, p->devices,
			       p->ndevices * sizeof(cl_device_id));
	case CL_PROGRAM_SOURCE:
		return hx_info_str(size, value, size_ret,
				   p->source ? p->source : "");
	case CL_PROGRAM_IL: return hx_info(size, value, size_ret, NULL, 0);
	case CL_PROGRAM_BINARY_SIZES:
		return binaries(p, cp, size, value, size_ret, 1);
	case CL_PROGRAM_BINARIES:
		return binaries(p, cp, size, value, size_ret, 0);
	case CL_PROGRAM_NUM_KERNELS:
	case CL_PROGRAM_KERNEL_NAMES:
		/* Only once an executable was built for some device: a
		 * binary loaded but not yet built does not count. */
		if (!cp || !built || hx_compiler_binary_type(cp) !=
					     CL_PROGRAM_BINARY_TYPE_EXECUTABLE)
			return CL_INVALID_PROGRAM_EXECUTABLE;
		if (param == CL_PROGRAM_NUM_KERNELS)
			HX_INFO_VAL(size_t, hx_compiler_num_kernels(cp));
		return kernel_names(cp, size, value, size_ret);
	case CL_PROGRAM_SCOPE_GLOBAL_CTORS_PRESENT:
	case CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT:
		HX_INFO_VAL(cl_bool, CL_FALSE);
	default: return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetProgramInfo(cl_program program,
						 cl_program_info param_name,
						 size_t param_value_size,
						 void *param_value,
						 size_t *param_value_size_ret)
{
	hx_cprog *cp = NULL;
	int built = 0;
	cl_uint i;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	pthread_mutex_lock(&program->lock);
	cp = program->cprog;
	if (cp)
		hx_compiler_retain(cp);
	for (i = 0; i < program->ndevices; i++)
		built |= program->status[i] == CL_BUILD_SUCCESS;
	pthread_mutex_unlock(&program->lock);
	HX_TRY(program_info(program, cp, built, param_name, param_value_size,
			    param_value, param_value_size_ret));
hx_exit:
	if (cp)
		hx_compiler_release(cp);
	return hx_err_;
}

static cl_int build_info(cl_program p, int idx, cl_program_build_info param,
			 size_t size, void *value, size_t *size_ret)
{
	cl_program_binary_type type = CL_PROGRAM_BINARY_TYPE_NONE;

	switch (param) {
	case CL_PROGRAM_BUILD_STATUS:
		HX_INFO_VAL(cl_build_status, p->status[idx]);
	case CL_PROGRAM_BUILD_OPTIONS:
		return hx_info_str(size, value, size_ret,
				   p->options ? p->options : "");
	case CL_PROGRAM_BUILD_LOG:
		return hx_info_str(size, value, size_ret, p->log ? p->log : "");
	case CL_PROGRAM_BINARY_TYPE:
		if (p->cprog && (p->status[idx] == CL_BUILD_SUCCESS ||
				 !p->source))
			type = hx_compiler_binary_type(p->cprog);
		HX_INFO_VAL(cl_program_binary_type, type);
	case CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE:
		HX_INFO_VAL(size_t, p->cprog && p->status[idx] == CL_BUILD_SUCCESS
					    ? hx_compiler_globals_size(p->cprog)
					    : 0);
	default: return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetProgramBuildInfo(
	cl_program program, cl_device_id device,
	cl_program_build_info param_name, size_t param_value_size,
	void *param_value, size_t *param_value_size_ret)
{
	int idx;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	HX_CHECK(hx_device_valid(device), CL_INVALID_DEVICE);
	idx = hx_program_device_index(program, device);
	/* device is not in the program's device list. */
	HX_CHECK(idx >= 0, CL_INVALID_DEVICE);
	pthread_mutex_lock(&program->lock);
	hx_err_ = build_info(program, idx, param_name, param_value_size,
			     param_value, param_value_size_ret);
	pthread_mutex_unlock(&program->lock);
	HX_CHECK(hx_err_ == CL_SUCCESS, hx_err_);
	HX_API_EXIT();
}
