/* Kernels on two devices of one context (HMMCL_DEVICES=2): one program
 * built for both, launches on one buffer ordered by events, and programs
 * built for one device only. */
#include "prog_util.h"

struct two {
	cl_device_id dev[2];
	cl_context ctx;
	cl_command_queue q[2];
};

static struct two two_open(void)
{
	struct two t;
	cl_int err;
	cl_uint n = 0;

	CHECK_CL(clGetDeviceIDs(hx_test_platform(), CL_DEVICE_TYPE_ALL, 2,
				t.dev, &n));
	if (n < 2)
		SKIP("needs HMMCL_DEVICES=2");
	t.ctx = clCreateContext(NULL, 2, t.dev, NULL, NULL, &err);
	CHECK_CL(err);
	t.q[0] = hx_test_queue(t.ctx, t.dev[0], 0);
	t.q[1] = hx_test_queue(t.ctx, t.dev[1], 0);
	return t;
}

static void two_close(struct two *t)
{
	clReleaseCommandQueue(t->q[0]);
	clReleaseCommandQueue(t->q[1]);
	clReleaseContext(t->ctx);
}

static const char *src =
	"kernel void inc(global int *a) { a[get_global_id(0)] += 1; }\n"
	"kernel void dbl(global int *a) { a[get_global_id(0)] *= 2; }\n";

TEST(two_devices_in_sequence)
{
	struct two t = two_open();
	cl_program p = build(t.ctx, t.dev[0], src, NULL);
	cl_kernel inc = kernel(p, "inc"), dbl = kernel(p, "dbl");
	enum { N = 1024 };
	int *a = calloc(N, sizeof(int)), i, r;
	cl_mem m = buffer(t.ctx, N * sizeof(int), a);
	cl_event prev = NULL, ev;
	cl_build_status st = 0;
	size_t g = N;
	int want = 0;

	for (i = 0; i < 2; i++) {
		CHECK_CL(clGetProgramBuildInfo(p, t.dev[i],
					       CL_PROGRAM_BUILD_STATUS,
					       sizeof(st), &st, NULL));
		CHECK_EQ(st, CL_BUILD_SUCCESS);
	}
	set_mem(inc, 0, m);
	set_mem(dbl, 0, m);
	/* inc on device 0, dbl on device 1, alternating, chained by events. */
	for (r = 0; r < 6; r++) {
		CHECK_CL(clEnqueueNDRangeKernel(t.q[r & 1], r & 1 ? dbl : inc,
						1, NULL, &g, NULL, prev ? 1 : 0,
						prev ? &prev : NULL, &ev));
		if (prev)
			clReleaseEvent(prev);
		prev = ev;
		want = r & 1 ? want * 2 : want + 1;
	}
	CHECK_CL(clEnqueueReadBuffer(t.q[0], m, CL_TRUE, 0, N * sizeof(int), a,
				     1, &prev, NULL));
	clReleaseEvent(prev);
	for (i = 0; i < N; i++)
		CHECK_EQ(a[i], want);
	free(a);
	clReleaseMemObject(m);
	clReleaseKernel(inc);
	clReleaseKernel(dbl);
	clReleaseProgram(p);
	two_close(&t);
}

/* Built for device 0 only: device 1 has no executable. */
TEST(program_built_for_one_device)
{
	struct two t = two_open();
	cl_program p = src_program(t.ctx, src);
	cl_kernel k;
	cl_mem m = buffer(t.ctx, 64, NULL);
	cl_build_status st = 99;
	size_t g = 16;

	CHECK_CL(clBuildProgram(p, 1, &t.dev[0], NULL, NULL, NULL));
	CHECK_CL(clGetProgramBuildInfo(p, t.dev[1], CL_PROGRAM_BUILD_STATUS,
				       sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_BUILD_NONE);
	k = kernel(p, "inc");
	set_mem(k, 0, m);
	CHECK_CL(clEnqueueNDRangeKernel(t.q[0], k, 1, NULL, &g, NULL, 0, NULL,
					NULL));
	CHECK_ERR(clEnqueueNDRangeKernel(t.q[1], k, 1, NULL, &g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_CL(clFinish(t.q[0]));
	clReleaseKernel(k);
	clReleaseMemObject(m);
	clReleaseProgram(p);
	two_close(&t);
}

/* A program whose device list names only device 1. */
TEST(binary_for_second_device)
{
	struct two t = two_open();
	cl_program p = build(t.ctx, t.dev[0], src, NULL), p1;
	size_t size = 0, g = 4, n = 0;
	unsigned char *bins[2] = {NULL, NULL};
	const unsigned char *b1[1];
	cl_int err, st = 99;
	cl_kernel k;
	int a[4] = {1, 2, 3, 4};
	cl_mem m = buffer(t.ctx, sizeof(a), a);

	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, 0, NULL, &n));
	CHECK_EQ(n, 2 * sizeof(size_t));
	/* Room for one size only: too small for two devices. */
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(size),
				   &size, NULL),
		  CL_INVALID_VALUE);
	{
		size_t sizes[2];

		CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES,
					  sizeof(sizes), sizes, NULL));
		CHECK(sizes[0] > 0 && sizes[1] > 0);
		size = sizes[1];
	}
	/* A NULL entry skips that device's binary. */
	bins[1] = malloc(size);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bins), bins,
				  NULL));
	b1[0] = bins[1];
	p1 = clCreateProgramWithBinary(t.ctx, 1, &t.dev[1], &size, b1, &st,
				       &err);
	CHECK_CL(err);
	CHECK_CL(st);
	CHECK_CL(clBuildProgram(p1, 0, NULL, NULL, NULL, NULL));
	k = kernel(p1, "dbl");
	set_mem(k, 0, m);
	CHECK_CL(clEnqueueNDRangeKernel(t.q[1], k, 1, NULL, &g, NULL, 0, NULL,
					NULL));
	CHECK_CL(clEnqueueReadBuffer(t.q[1], m, CL_TRUE, 0, sizeof(a), a, 0,
				     NULL, NULL));
	CHECK_EQ(a[3], 8);
	CHECK_ERR(clEnqueueNDRangeKernel(t.q[0], k, 1, NULL, &g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	free(bins[1]);
	clReleaseKernel(k);
	clReleaseMemObject(m);
	clReleaseProgram(p1);
	clReleaseProgram(p);
	two_close(&t);
}

/* clGetKernelWorkGroupInfo needs the device when there are two. */
TEST(work_group_info_needs_device)
{
	struct two t = two_open();
	cl_program p = build(t.ctx, t.dev[0], src, NULL);
	cl_kernel k = kernel(p, "inc");
	size_t wg = 0;

	CHECK_ERR(clGetKernelWorkGroupInfo(k, NULL, CL_KERNEL_WORK_GROUP_SIZE,
					   sizeof(wg), &wg, NULL),
		  CL_INVALID_DEVICE);
	CHECK_CL(clGetKernelWorkGroupInfo(k, t.dev[1], CL_KERNEL_WORK_GROUP_SIZE,
					  sizeof(wg), &wg, NULL));
	CHECK(wg >= 1);
	clReleaseKernel(k);
	clReleaseProgram(p);
	two_close(&t);
}

/* A failed build for device 1 leaves device 0's executable alone. */
TEST(failed_build_on_one_device_keeps_the_other)
{
	struct two t = two_open();
	cl_program p = src_program(t.ctx, "#ifdef BREAK\n#error broken\n#endif\n"
					  "kernel void inc(global int *a)"
					  "{ a[get_global_id(0)] += 1; }\n");
	int a[4] = {0};
	cl_mem m = buffer(t.ctx, sizeof(a), a);
	cl_build_status st = 99;
	size_t nk = 0, g = 4;
	cl_kernel k;

	CHECK_CL(clBuildProgram(p, 1, &t.dev[0], NULL, NULL, NULL));
	CHECK_ERR(clBuildProgram(p, 1, &t.dev[1], "-DBREAK", NULL, NULL),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK_CL(clGetProgramBuildInfo(p, t.dev[0], CL_PROGRAM_BUILD_STATUS,
				       sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_BUILD_SUCCESS);
	CHECK_CL(clGetProgramBuildInfo(p, t.dev[1], CL_PROGRAM_BUILD_STATUS,
				       sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_BUILD_ERROR);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				  NULL));
	CHECK_EQ(nk, 1);
	k = kernel(p, "inc");
	set_mem(k, 0, m);
	CHECK_CL(clEnqueueNDRangeKernel(t.q[0], k, 1, NULL, &g, NULL, 0, NULL,
					NULL));
	CHECK_ERR(clEnqueueNDRangeKernel(t.q[1], k, 1, NULL, &g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_CL(clEnqueueReadBuffer(t.q[0], m, CL_TRUE, 0, sizeof(a), a, 0,
				     NULL, NULL));
	CHECK_EQ(a[3], 1);
	clReleaseKernel(k);
	clReleaseMemObject(m);
	clReleaseProgram(p);
	two_close(&t);
}

/* One good and one garbage binary: CL_INVALID_BINARY, with the status
 * of each device's binary. */
TEST(binary_status_per_device)
{
	struct two t = two_open();
	cl_program p = build(t.ctx, t.dev[0], src, NULL);
	size_t sizes[2] = {0, 0};
	unsigned char *bins[2] = {NULL, NULL}, junk[64];
	const unsigned char *in[2];
	cl_int st[2] = {99, 99}, err = 0;

	memset(junk, 0xa5, sizeof(junk));
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(sizes),
				  sizes, NULL));
	bins[0] = malloc(sizes[0]);
	bins[1] = malloc(sizes[1]);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bins), bins,
				  NULL));
	in[0] = bins[0];
	in[1] = junk;
	sizes[1] = sizeof(junk);
	CHECK(clCreateProgramWithBinary(t.ctx, 2, t.dev, sizes, in, st, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_BINARY);
	CHECK_CL(st[0]);
	CHECK_ERR(st[1], CL_INVALID_BINARY);
	free(bins[0]);
	free(bins[1]);
	clReleaseProgram(p);
	two_close(&t);
}
