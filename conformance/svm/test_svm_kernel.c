/* Kernels on migrated data: a kernel given SVM pointers whose pages live
 * on the device computes with the right bytes, and the host reads the
 * results and the untouched inputs back intact. */
#include "svm_util.h"

static const char *src =
    "kernel void scale(global const int *in, global int *out, int k)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	out[i] = in[i] * k + (int)i;\n"
    "}\n";

static cl_kernel build(struct svm_env *e, cl_program *prog)
{
	cl_int err;
	cl_kernel k;

	*prog = clCreateProgramWithSource(e->ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(*prog, e->ndev, e->dev, "", NULL, NULL));
	k = clCreateKernel(*prog, "scale", &err);
	CHECK_CL(err);
	return k;
}

static void run_scale(struct svm_env *e, cl_kernel k, cl_uint d, int *in,
		      int *out, size_t n, int factor)
{
	cl_event ev;
	cl_int st;

	CHECK_CL(clSetKernelArgSVMPointer(k, 0, in));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, out));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(factor), &factor));
	CHECK_CL(clEnqueueNDRangeKernel(e->q[d], k, 1, NULL, &n, NULL, 0, NULL,
					&ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_COMPLETE);
	CHECK_CL(clReleaseEvent(ev));
}

TEST(kernel_reads_migrated_pages)
{
	struct svm_env e = svm_open(1);
	const size_t n = 16 * PAGE / sizeof(int);
	int *in = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	int *out = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	cl_program prog;
	cl_kernel k = build(&e, &prog);
	size_t i;

	svm_require_migration();
	CHECK(in && out);
	for (i = 0; i < n; i++) {
		in[i] = (int)(i * 3 + 1);
		out[i] = -1;
	}
	svm_migrate(&e, 0, in, 0, 0);
	svm_migrate(&e, 0, out, 0, 0);
	CHECK_EQ(svm_stats(&e, 0).pages_to_device, 32);
	run_scale(&e, k, 0, in, out, n, 5);
	for (i = 0; i < n; i++) {
		CHECK_EQ(out[i], (int)(i * 3 + 1) * 5 + (int)i);
		CHECK_EQ(in[i], (int)(i * 3 + 1));
	}
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	clSVMFree(e.ctx, in);
	clSVMFree(e.ctx, out);
	svm_close(&e);
}

/* Migrate, run, migrate again while alternating: every round's results
 * are exact, whoever touched the pages last. */
TEST(rounds_of_migrate_and_run)
{
	struct svm_env e = svm_open(1);
	const size_t n = 8 * PAGE / sizeof(int);
	int *buf = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	int *out = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	cl_program prog;
	cl_kernel k = build(&e, &prog);
	size_t i;
	int r;

	svm_require_migration();
	CHECK(buf && out);
	for (i = 0; i < n; i++)
		buf[i] = (int)i;
	for (r = 0; r < 6; r++) {
		svm_migrate(&e, 0, buf, 0, 0);
		if (r & 1)
			svm_migrate(&e, 0, out, 0, 0);
		run_scale(&e, k, 0, buf, out, n, r + 2);
		for (i = 0; i < n; i++)
			CHECK_EQ(out[i], buf[i] * (r + 2) + (int)i);
	}
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	clSVMFree(e.ctx, buf);
	clSVMFree(e.ctx, out);
	svm_close(&e);
}
