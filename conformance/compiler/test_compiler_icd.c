/* The compiler inside libhmmcl.so, reached only through the ICD loader,
 * in a process that does not link libm (the loader dlopen()s hmmcl with
 * RTLD_LOCAL): builtins that call libm must still resolve. */
#include <stdio.h>
#include <string.h>

#include "cl_util.h"
#include "harness.h"

static cl_int build_and_run(const char *src, const char *opts, float *data,
			    size_t n, char *log, size_t log_size)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_int err;
	cl_program prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);

	CHECK_CL(err);
	err = clBuildProgram(prog, 1, &dev, opts, NULL, NULL);
	clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, log_size, log,
			      NULL);
	if (err == CL_SUCCESS) {
		cl_kernel k = clCreateKernel(prog, "k", &err);
		CHECK_CL(err);
		cl_mem buf = clCreateBuffer(
		    ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
		    n * sizeof(float), data, &err);
		CHECK_CL(err);
		CHECK_CL(clSetKernelArg(k, 0, sizeof(buf), &buf));
		for (int launch = 0; launch < 2; launch++)
			CHECK_CL(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL,
							0, NULL, NULL));
		CHECK_CL(clEnqueueReadBuffer(q, buf, CL_TRUE, 0,
					     n * sizeof(float), data, 0, NULL,
					     NULL));
		clReleaseMemObject(buf);
		clReleaseKernel(k);
	}
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return err;
}

TEST(libm_builtins_via_loader)
{
	const char *src =
	    "kernel void k(global float *a) {\n"
	    "  size_t i = get_global_id(0);\n"
	    "  a[i] = tanh(a[i]) * 0.0f + cbrt(a[i] * a[i] * a[i]);\n"
	    "}\n";
	float a[64];
	char log[4096] = "";

	for (int i = 0; i < 64; i++)
		a[i] = (float)i;
	CHECK_CL(build_and_run(src, "", a, 64, log, sizeof(log)));
	for (int i = 0; i < 64; i++)
		CHECK(a[i] > (float)i - 1e-3f && a[i] < (float)i + 1e-3f);
}

TEST(build_log_via_loader)
{
	const char *src = "kernel void k(global float *a) { a[0] = nope; }\n";
	float a[1] = {0};
	char log[4096] = "";

	CHECK_ERR(build_and_run(src, "", a, 1, log, sizeof(log)),
		  CL_BUILD_PROGRAM_FAILURE);
	printf("%s", log);
	CHECK(strstr(log, "nope") != NULL);
	CHECK_ERR(
	    build_and_run(src, "-cl-no-such-option", a, 1, log, sizeof(log)),
	    CL_INVALID_BUILD_OPTIONS);
}

TEST(program_globals_via_loader)
{
	const char *src =
	    "global float acc = 1.0f;\n"
	    "kernel void k(global float *a) {\n"
	    "  if (get_global_id(0) == 0) { acc *= 2.0f; a[0] = acc; }\n"
	    "}\n";
	float a[4] = {0};
	char log[4096] = "";

	/* Two launches in one program: 2 then 4. */
	CHECK_CL(build_and_run(src, "-cl-std=CL3.0", a, 4, log, sizeof(log)));
	CHECK_EQ(a[0], 4.0f);
}
