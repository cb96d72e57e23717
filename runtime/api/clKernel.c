/* Kernel objects and their arguments. */
#include "api.h"

#include "../core/kernel.h"
#include "../core/program.h"
#include "../core/svm.h"
#include "compiler/compiler.h"

#include <stdlib.h>

CL_API_ENTRY cl_kernel CL_API_CALL clCreateKernel(cl_program program,
						  const char *kernel_name,
						  cl_int *errcode_ret)
{
	cl_kernel k = NULL;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	HX_CHECK(kernel_name, CL_INVALID_VALUE);
	HX_TRY(hx_kernel_create(program, kernel_name, &k));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return k;
}

CL_API_ENTRY cl_int CL_API_CALL clCreateKernelsInProgram(
	cl_program program, cl_uint num_kernels, cl_kernel *kernels,
	cl_uint *num_kernels_ret)
{
	hx_cprog *cp = NULL;
	cl_uint n, i, j;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	HX_TRY(hx_program_any_executable(program, &cp));
	n = (cl_uint)hx_compiler_num_kernels(cp);
	/* kernels is not NULL and num_kernels is less than the count. */
	HX_CHECK(!kernels || num_kernels >= n, CL_INVALID_VALUE);
	for (i = 0; kernels && i < n; i++) {
		hx_err_ = hx_kernel_create(program,
					   hx_compiler_kernel(cp, i)->name,
					   &kernels[i]);
		if (hx_err_) {
			for (j = 0; j < i; j++)
				hx_release(kernels[j]);
			HX_CHECK(0 && "kernel creation failed", hx_err_);
		}
	}
	if (num_kernels_ret)
		*num_kernels_ret = n;
hx_exit:
	if (cp)
		hx_compiler_release(cp);
	return hx_err_;
}

CL_API_ENTRY cl_int CL_API_CALL clRetainKernel(cl_kernel kernel)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	hx_retain(kernel);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseKernel(cl_kernel kernel)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	hx_release(kernel);
	HX_API_EXIT();
}

CL_API_ENTRY cl_kernel CL_API_CALL clCloneKernel(cl_kernel source_kernel,
						 cl_int *errcode_ret)
{
	cl_kernel k = NULL;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(source_kernel, KERNEL), CL_INVALID_KERNEL);
	HX_TRY(hx_kernel_clone(source_kernel, &k));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return k;
}

CL_API_ENTRY cl_int CL_API_CALL clSetKernelArg(cl_kernel kernel,
					       cl_uint arg_index,
					       size_t arg_size,
					       const void *arg_value)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	HX_TRY(hx_kernel_set_arg(kernel, arg_index, arg_size, arg_value));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetKernelArgSVMPointer(cl_kernel kernel,
							 cl_uint arg_index,
							 const void *arg_value)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	/* arg_value must be an SVM pointer of the kernel's context, or any
	 * address once the devices report fine-grain system SVM. */
	HX_TRY(hx_svm_check_kernel_arg(kernel->program->ctx, arg_value));
	HX_TRY(hx_kernel_set_arg_svm(kernel, arg_index, arg_value));
	HX_API_EXIT();
}

static cl_int device_has_system_svm(cl_kernel k)
{
	cl_uint i;

	for (i = 0; i < k->program->ndevices; i++)
		if (k->program->devices[i]->svm_caps &
		    CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)
			return 1;
	return 0;
}

CL_API_ENTRY cl_int CL_API_CALL clSetKernelExecInfo(cl_kernel kernel,
						    cl_kernel_exec_info param,
						    size_t size,
						    const void *value)
{
	void **ptrs = NULL;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(kernel, KERNEL), CL_INVALID_KERNEL);
	HX_CHECK(value && size, CL_INVALID_VALUE);
	switch (param) {
	case CL_KERNEL_EXEC_INFO_SVM_PTRS:
		/* size is a whole number of pointers. */
		HX_CHECK(size % sizeof(void *) == 0, CL_INVALID_VALUE);
		ptrs = malloc(size);
		HX_CHECK(ptrs, CL_OUT_OF_HOST_MEMORY);
		memcpy(ptrs, value, size);
		pthread_mutex_lock(&kernel->lock);
		free(kernel->svm_ptrs);
		kernel->svm_ptrs = ptrs;
		kernel->nsvm_ptrs = size / sizeof(void *);
		pthread_mutex_unlock(&kernel->lock);
		break;
	case CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM:
		HX_CHECK(size == sizeof(cl_bool), CL_INVALID_VALUE);
		/* CL_TRUE needs a device with fine-grain system SVM. */
		HX_CHECK(!*(const cl_bool *)value || device_has_system_svm(kernel),
			 CL_INVALID_OPERATION);
		pthread_mutex_lock(&kernel->lock);
		kernel->fine_grain_system = *(const cl_bool *)value;
		pthread_mutex_unlock(&kernel->lock);
		break;
	default:
		HX_CHECK(0 && "unknown exec info", CL_INVALID_VALUE);
	}
	HX_API_EXIT();
}
