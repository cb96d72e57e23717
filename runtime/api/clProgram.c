/* Program creation and reference counting. */
#include "api.h"

#include "../core/context.h"
#include "../core/program.h"
#include "compiler/compiler.h"

#include <stdlib.h>

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithSource(
	cl_context context, cl_uint count, const char **strings,
	const size_t *lengths, cl_int *errcode_ret)
{
	cl_program p = NULL;
	size_t total = 0, len, off = 0;
	cl_uint i;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	/* count is zero or strings or any entry in strings is NULL. */
	HX_CHECK(count > 0 && strings, CL_INVALID_VALUE);
	for (i = 0; i < count; i++) {
		HX_CHECK(strings[i], CL_INVALID_VALUE);
		total += lengths && lengths[i] ? lengths[i] : strlen(strings[i]);
	}
	HX_TRY(hx_program_create(context, 0, NULL, &p));
	p->source = malloc(total + 1);
	if (!p->source) {
		hx_release(p);
		p = NULL;
		HX_CHECK(0, CL_OUT_OF_HOST_MEMORY);
	}
	for (i = 0; i < count; i++) {
		len = lengths && lengths[i] ? lengths[i] : strlen(strings[i]);
		memcpy(p->source + off, strings[i], len);
		off += len;
	}
	p->source[off] = '\0';
	HX_API_EXIT_ERRCODE(errcode_ret);
	return p;
}

static cl_int check_devices(cl_context ctx, cl_uint n, const cl_device_id *d)
{
	cl_uint i;

	/* device_list is NULL or num_devices is zero. */
	if (!n || !d)
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++)
		if (!hx_device_valid(d[i]) || !hx_context_has_device(ctx, d[i]))
			return CL_INVALID_DEVICE;
	return CL_SUCCESS;
}

/* Every device gets the same program (all devices are one CPU model), so
 * the binaries must agree; the first one is loaded. */
static cl_int load_binaries(cl_program p, cl_uint n, const size_t *lengths,
			    const unsigned char **binaries, cl_int *status)
{
	cl_int err = CL_SUCCESS, e;
	cl_uint i;
	hx_cprog *cp;

	for (i = 0; i < n; i++) {
		if (!lengths[i] || !binaries[i]) {
			if (status)
				status[i] = CL_INVALID_VALUE;
			err = CL_INVALID_VALUE;
			continue;
		}
		cp = NULL;
		e = hx_compiler_load_binary(binaries[i], lengths[i], &cp);
		if (status)
			status[i] = e;
		if (e) {
			if (!err)
				err = CL_INVALID_BINARY;
			continue;
		}
		if (!p->cprog)
			p->cprog = cp;
		else
			hx_compiler_release(cp);
	}
	return err;
}

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithBinary(
	cl_context context, cl_uint num_devices, const cl_device_id *device_list,
	const size_t *lengths, const unsigned char **binaries,
	cl_int *binary_status, cl_int *errcode_ret)
{
	cl_program p = NULL;
	cl_int err;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_TRY(check_devices(context, num_devices, device_list));
	/* lengths or binaries is NULL. */
	HX_CHECK(lengths && binaries, CL_INVALID_VALUE);
	HX_TRY(hx_program_create(context, num_devices, device_list, &p));
	err = load_binaries(p, num_devices, lengths, binaries, binary_status);
	if (err) {
		hx_release(p);
		p = NULL;
		HX_CHECK(0 && "a binary is empty or not an hmmcl binary", err);
	}
	HX_API_EXIT_ERRCODE(errcode_ret);
	return p;
}

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithIL(
	cl_context context, const void *il, size_t length, cl_int *errcode_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_CHECK(il && length, CL_INVALID_VALUE);
	/* No device supports intermediate languages (CL_DEVICE_IL_VERSION
	 * is empty). */
	HX_CHECK(0 && "no device supports IL programs", CL_INVALID_OPERATION);
	HX_API_EXIT_ERRCODE(errcode_ret);
	return NULL;
}

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithBuiltInKernels(
	cl_context context, cl_uint num_devices, const cl_device_id *device_list,
	const char *kernel_names, cl_int *errcode_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_TRY(check_devices(context, num_devices, device_list));
	HX_CHECK(kernel_names, CL_INVALID_VALUE);
	/* kernel_names names a kernel no device has: none has any. */
	HX_CHECK(0 && "no built-in kernels", CL_INVALID_VALUE);
	HX_API_EXIT_ERRCODE(errcode_ret);
	return NULL;
}

CL_API_ENTRY cl_int CL_API_CALL clRetainProgram(cl_program program)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	hx_retain(program);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseProgram(cl_program program)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	hx_release(program);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetProgramReleaseCallback(
	cl_program program, void(CL_CALLBACK *pfn_notify)(cl_program, void *),
	void *user_data)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	HX_CHECK(pfn_notify, CL_INVALID_VALUE);
	/* Program-scope global destructors do not exist in OpenCL C, and no
	 * device supports them (CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT). */
	HX_CHECK(0 && "no program-scope global destructors",
		 CL_INVALID_OPERATION);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetProgramSpecializationConstant(
	cl_program program, cl_uint spec_id, size_t spec_size,
	const void *spec_value)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	/* Only IL programs have specialization constants. */
	HX_CHECK(0 && "program was not created from IL", CL_INVALID_PROGRAM);
	HX_API_EXIT();
}
