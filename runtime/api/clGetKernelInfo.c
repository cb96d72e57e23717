/* Kernel queries: kernel, work-group, argument and sub-group info. */
#include "api.h"

#include "../core/kernel.h"
#include "../core/program.h"
#include "compiler/compiler.h"
#include "engine/engine.h"

static cl_int kernel_info(cl_kernel k, cl_kernel_info param, size_t size,
			  void *value, size_t *size_ret)
{
	switch (param) {
	case CL_KERNEL_FUNCTION_NAME:
		return hx_info_str(size, value, size_ret, k->meta->name);
	case CL_KERNEL_NUM_ARGS: HX_INFO_VAL(cl_uint, k->meta->num_args);
	case CL_KERNEL_REFERENCE_COUNT: HX_INFO_VAL(cl_uint, hx_refcount(k));
	case CL_KERNEL_CONTEXT: HX_INFO_VAL(cl_context, k->program->ctx);
	case CL_KERNEL_PROGRAM: HX_INFO_VAL(cl_program, k->program);
	case CL_KERNEL_ATTRIBUTES:
		return hx_info_str(size, value, size_ret,
				   k->meta->attributes ? k->meta->attributes
						       : "");
	default: return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelInfo(cl_kernel kernel,
						cl_kernel_info param_name,
						size_t param_value_size,
						void *param_value,
						size_t *param_value_size_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	HX_TRY(kernel_info(kernel, param_name, param_value_size, param_value,
			   param_value_size_ret));
	HX_API_EXIT();
}

static cl_int wg_info(cl_kernel k, cl_kernel_work_group_info param,
		      size_t size, void *value, size_t *size_ret)
{
	const uint64_t *r = k->meta->reqd_work_group_size;
	size_t reqd[3] = {r[0], r[1], r[2]};

	switch (param) {
	case CL_KERNEL_WORK_GROUP_SIZE:
		HX_INFO_VAL(size_t, r[0] ? r[0] * r[1] * r[2]
					 : HX_MAX_WORK_GROUP_SIZE);
	case CL_KERNEL_COMPILE_WORK_GROUP_SIZE:
		return hx_info(size, value, size_ret, reqd, sizeof(reqd));
	case CL_KERNEL_LOCAL_MEM_SIZE:
		HX_INFO_VAL(cl_ulong, hx_kernel_local_bytes(k));
	case CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE:
		HX_INFO_VAL(size_t, 8);
	case CL_KERNEL_PRIVATE_MEM_SIZE:
		HX_INFO_VAL(cl_ulong, k->meta->private_size);
	case CL_KERNEL_GLOBAL_WORK_SIZE:
		/* Only for custom devices and built-in kernels. */
		return CL_INVALID_VALUE;
	default: return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelWorkGroupInfo(
	cl_kernel kernel, cl_device_id device,
	cl_kernel_work_group_info param_name, size_t param_value_size,
	void *param_value, size_t *param_value_size_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	/* device may be NULL only when the kernel has a single device. */
	if (!device && kernel->program->ndevices == 1)
		device = kernel->program->devices[0];
	HX_CHECK(hx_device_valid(device) &&
			 hx_program_device_index(kernel->program, device) >= 0,
		 CL_INVALID_DEVICE);
	HX_TRY(wg_info(kernel, param_name, param_value_size, param_value,
		       param_value_size_ret));
	HX_API_EXIT();
}

static cl_int arg_info(const hx_arg_meta *a, cl_kernel_arg_info param,
		       size_t size, void *value, size_t *size_ret)
{
	switch (param) {
	case CL_KERNEL_ARG_ADDRESS_QUALIFIER:
		HX_INFO_VAL(cl_kernel_arg_address_qualifier,
			    a->address_qualifier);
	case CL_KERNEL_ARG_ACCESS_QUALIFIER:
		HX_INFO_VAL(cl_kernel_arg_access_qualifier, a->access_qualifier);
	case CL_KERNEL_ARG_TYPE_NAME:
		return hx_info_str(size, value, size_ret, a->type_name);
	case CL_KERNEL_ARG_TYPE_QUALIFIER:
		HX_INFO_VAL(cl_kernel_arg_type_qualifier, a->type_qualifier);
	case CL_KERNEL_ARG_NAME:
		return hx_info_str(size, value, size_ret, a->name);
	default: return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelArgInfo(
	cl_kernel kernel, cl_uint arg_index, cl_kernel_arg_info param_name,
	size_t param_value_size, void *param_value,
	size_t *param_value_size_ret)
{
	const hx_arg_meta *a;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	HX_CHECK(arg_index < kernel->meta->num_args, CL_INVALID_ARG_INDEX);
	a = &kernel->meta->args[arg_index];
	/* Argument information needs -cl-kernel-arg-info. */
	HX_CHECK(a->name, CL_KERNEL_ARG_INFO_NOT_AVAILABLE);
	HX_TRY(arg_info(a, param_name, param_value_size, param_value,
			param_value_size_ret));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelSubGroupInfo(
	cl_kernel kernel, cl_device_id device, cl_kernel_sub_group_info param,
	size_t input_size, const void *input, size_t size, void *value,
	size_t *size_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	/* No device supports sub-groups (CL_DEVICE_MAX_NUM_SUB_GROUPS 0). */
	HX_CHECK(0 && "sub-groups are not supported", CL_INVALID_OPERATION);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelSubGroupInfoKHR(
	cl_kernel kernel, cl_device_id device, cl_kernel_sub_group_info param,
	size_t input_size, const void *input, size_t size, void *value,
	size_t *size_ret)
{
	return clGetKernelSubGroupInfo(kernel, device, param, input_size, input,
				       size, value, size_ret);
}
