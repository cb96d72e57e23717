/* Building, compiling and linking programs. Builds run synchronously;
 * a notify callback is called before the call returns. */
#include "api.h"

#include "../core/context.h"
#include "../core/program.h"
#include "compiler/compiler.h"

#include <stdlib.h>

typedef void(CL_CALLBACK *build_notify_fn)(cl_program, void *);

/* device_list/num_devices agree and name devices of the program. */
static cl_int check_build_devices(cl_program p, cl_uint n,
				  const cl_device_id *d)
{
	cl_uint i;

	if ((n == 0) != (d == NULL))
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++)
		if (!hx_device_valid(d[i]) || hx_program_device_index(p, d[i]) < 0)
			return CL_INVALID_DEVICE;
	return CL_SUCCESS;
}

static cl_int check_compiler(cl_program p)
{
	cl_uint i;

	for (i = 0; i < p->ndevices; i++)
		if (!p->devices[i]->compiler_available)
			return CL_COMPILER_NOT_AVAILABLE;
	return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clBuildProgram(
	cl_program program, cl_uint num_devices, const cl_device_id *device_list,
	const char *options, build_notify_fn pfn_notify, void *user_data)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	HX_TRY(check_build_devices(program, num_devices, device_list));
	/* user_data may be given only with pfn_notify. */
	HX_CHECK(pfn_notify || !user_data, CL_INVALID_VALUE);
	HX_TRY(check_compiler(program));
	/* Options are checked before anything is built. */
	HX_TRY(hx_compiler_check_options(options));
	hx_err_ = hx_program_build(program, num_devices, device_list, options);
	if (pfn_notify && hx_err_ != CL_INVALID_OPERATION)
		pfn_notify(program, user_data);
	HX_CHECK(hx_err_ == CL_SUCCESS, hx_err_);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clCompileProgram(
	cl_program program, cl_uint num_devices, const cl_device_id *device_list,
	const char *options, cl_uint num_input_headers,
	const cl_program *input_headers, const char **header_include_names,
	build_notify_fn pfn_notify, void *user_data)
{
	struct hx_cl_header *hdrs = NULL;
	cl_uint i;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(program, PROGRAM), CL_INVALID_PROGRAM);
	HX_TRY(check_build_devices(program, num_devices, device_list));
	HX_CHECK(pfn_notify || !user_data, CL_INVALID_VALUE);
	/* num_input_headers, input_headers and names agree. */
	HX_CHECK((num_input_headers == 0) ==
			 (input_headers == NULL && header_include_names == NULL),
		 CL_INVALID_VALUE);
	HX_CHECK(!num_input_headers || (input_headers && header_include_names),
		 CL_INVALID_VALUE);
	/* Only programs created from source can be compiled. */
	HX_CHECK(program->source, CL_INVALID_OPERATION);
	HX_TRY(check_compiler(program));
	HX_CHECK(hx_compiler_check_options(options) == CL_SUCCESS,
		 CL_INVALID_COMPILER_OPTIONS);
	hdrs = calloc(num_input_headers + 1, sizeof(*hdrs));
	HX_CHECK(hdrs, CL_OUT_OF_HOST_MEMORY);
	for (i = 0; i < num_input_headers; i++) {
		HX_CHECK(HX_VALID(input_headers[i], PROGRAM) &&
				 input_headers[i]->source,
			 CL_INVALID_PROGRAM);
		HX_CHECK(header_include_names[i], CL_INVALID_VALUE);
		hdrs[i].name = header_include_names[i];
		hdrs[i].source = input_headers[i]->source;
	}
	hx_err_ = hx_program_compile(program, num_devices, device_list, options,
				     hdrs, num_input_headers);
	if (pfn_notify && hx_err_ != CL_INVALID_OPERATION)
		pfn_notify(program, user_data);
	HX_CHECK(hx_err_ == CL_SUCCESS, hx_err_);
hx_exit:
	free(hdrs);
	return hx_err_;
}

static cl_int check_link_inputs(cl_context ctx, cl_uint n,
				const cl_program *in)
{
	cl_uint i;

	if (!n || !in)
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++) {
		if (!hx_object_valid(in[i], HX_TYPE_PROGRAM))
			return CL_INVALID_PROGRAM;
		if (in[i]->ctx != ctx)
			return CL_INVALID_CONTEXT;
		/* Inputs are compiled objects or libraries. */
		if (!in[i]->cprog)
			return CL_INVALID_OPERATION;
	}
	return CL_SUCCESS;
}

CL_API_ENTRY cl_program CL_API_CALL clLinkProgram(
	cl_context context, cl_uint num_devices, const cl_device_id *device_list,
	const char *options, cl_uint num_input_programs,
	const cl_program *input_programs, build_notify_fn pfn_notify,
	void *user_data, cl_int *errcode_ret)
{
	cl_program p = NULL;
	cl_uint i;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_CHECK((num_devices == 0) == (device_list == NULL), CL_INVALID_VALUE);
	for (i = 0; i < num_devices; i++)
		HX_CHECK(hx_device_valid(device_list[i]) &&
				 hx_context_has_device(context, device_list[i]),
			 CL_INVALID_DEVICE);
	HX_CHECK(pfn_notify || !user_data, CL_INVALID_VALUE);
	HX_TRY(check_link_inputs(context, num_input_programs, input_programs));
	for (i = 0; i < context->ndevices; i++)
		HX_CHECK(context->devices[i]->compiler_available,
			 CL_LINKER_NOT_AVAILABLE);
	hx_err_ = hx_program_link(context, num_devices, device_list, options,
				  num_input_programs, input_programs, &p);
	if (pfn_notify && p)
		pfn_notify(p, user_data);
	HX_CHECK(hx_err_ == CL_SUCCESS, hx_err_);
	HX_API_EXIT_ERRCODE(errcode_ret);
	return p;
}

CL_API_ENTRY cl_int CL_API_CALL clUnloadPlatformCompiler(cl_platform_id platform)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(platform, PLATFORM), CL_INVALID_PLATFORM);
	/* The compiler is a subprocess plus LLVM in this process: nothing
	 * stays loaded between builds that could be given back. */
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clUnloadCompiler(void)
{
	return CL_SUCCESS;
}
