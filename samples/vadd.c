/* Vector add through the ICD loader: buffers, a kernel, a blocking read,
 * and the result checked against the host. Exit 0 when every element is
 * right. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *source =
	"kernel void vadd(global const float *a, global const float *b,\n"
	"                 global float *c)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	c[i] = a[i] + b[i];\n"
	"}\n";

#define CHECK(call)                                                         \
	do {                                                                \
		cl_int e_ = (call);                                         \
		if (e_ != CL_SUCCESS) {                                     \
			fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__, \
				__LINE__, #call, e_);                       \
			exit(1);                                            \
		}                                                           \
	} while (0)

static cl_platform_id find_platform(const char *want)
{
	cl_platform_id ids[8];
	cl_uint n = 0, i;
	char name[128];

	CHECK(clGetPlatformIDs(8, ids, &n));
	for (i = 0; i < n && i < 8; i++) {
		CHECK(clGetPlatformInfo(ids[i], CL_PLATFORM_NAME, sizeof(name),
					name, NULL));
		if (strstr(name, want))
			return ids[i];
	}
	fprintf(stderr, "no platform named %s\n", want);
	exit(1);
}

int main(int argc, char **argv)
{
	const size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1 << 20;
	float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
	float *c = malloc(n * sizeof(float));
	cl_platform_id platform = find_platform(getenv("HMMCL_SAMPLE_PLATFORM")
							? getenv("HMMCL_SAMPLE_PLATFORM")
							: "hmmcl");
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
	cl_kernel k;
	cl_mem ba, bb, bc;
	cl_int err;
	size_t i, bad = 0;
	char log[4096];

	for (i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = 2.0f * (float)i;
	}
	CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &dev, NULL));
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CHECK(err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CHECK(err);
	prog = clCreateProgramWithSource(ctx, 1, &source, NULL, &err);
	CHECK(err);
	err = clBuildProgram(prog, 1, &dev, "", NULL, NULL);
	if (err != CL_SUCCESS) {
		clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG,
				      sizeof(log), log, NULL);
		fprintf(stderr, "build failed (%d):\n%s\n", err, log);
		return 1;
	}
	k = clCreateKernel(prog, "vadd", &err);
	CHECK(err);
	ba = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
			    n * sizeof(float), a, &err);
	CHECK(err);
	bb = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
			    n * sizeof(float), b, &err);
	CHECK(err);
	bc = clCreateBuffer(ctx, CL_MEM_WRITE_ONLY, n * sizeof(float), NULL,
			    &err);
	CHECK(err);
	CHECK(clSetKernelArg(k, 0, sizeof(cl_mem), &ba));
	CHECK(clSetKernelArg(k, 1, sizeof(cl_mem), &bb));
	CHECK(clSetKernelArg(k, 2, sizeof(cl_mem), &bc));
	CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, NULL));
	CHECK(clEnqueueReadBuffer(q, bc, CL_TRUE, 0, n * sizeof(float), c, 0,
				  NULL, NULL));
	for (i = 0; i < n; i++)
		bad += c[i] != 3.0f * (float)i;
	printf("vadd: %zu elements, %zu wrong\n", n, bad);
	clReleaseMemObject(ba);
	clReleaseMemObject(bb);
	clReleaseMemObject(bc);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	free(a);
	free(b);
	free(c);
	return bad != 0;
}
