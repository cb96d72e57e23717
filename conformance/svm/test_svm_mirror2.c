/* The mirrored variant with two devices (HMMCL_DEVICES=2): a kernel on
 * device 1 reads pages that live on device 0 and writes pages that live
 * on device 1. Device 1's faults take device 0's pages home (a foreign
 * device fault), its own pages are reached through its aperture; no CPU
 * fault anywhere, exact counters, exact results. */
#include "svm_util.h"

static const char *src =
    "kernel void scale(global const int *in, global int *out, int k)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	out[i] = in[i] * k + (int)i;\n"
    "}\n";

TEST(kernel_on_device_1_with_pages_on_both_devices)
{
	struct svm_env e = svm_open(2);
	const size_t n = 8 * PAGE / sizeof(int);
	int *in = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	int *out = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	cl_svm_statistics_hmm a0, a1, b0, b1;
	cl_program prog;
	cl_kernel k;
	cl_int err;
	int f = 9;

	svm_require_migration();
	CHECK(in && out);
	for (size_t i = 0; i < n; i++) {
		in[i] = (int)(i * 7);
		out[i] = -1;
	}
	prog = clCreateProgramWithSource(e.ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, 2, e.dev, "", NULL, NULL));
	k = clCreateKernel(prog, "scale", &err);
	CHECK_CL(err);
	svm_migrate(&e, 0, in, 0, 0);
	svm_migrate(&e, 1, out, 0, 0);
	a0 = svm_stats(&e, 0);
	a1 = svm_stats(&e, 1);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, in));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, out));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(f), &f));
	CHECK_CL(clEnqueueNDRangeKernel(e.q[1], k, 1, NULL, &n, NULL, 0, NULL,
					NULL));
	CHECK_CL(clFinish(e.q[1]));
	b0 = svm_stats(&e, 0);
	b1 = svm_stats(&e, 1);
	CHECK_DELTA(a0, b0, cpu_faults, 0);
	CHECK_DELTA(a1, b1, cpu_faults, 0);
	CHECK_DELTA(a1, b1, device_faults, 16);
	CHECK_DELTA(a0, b0, device_faults, 0);
	CHECK_DELTA(a0, b0, pages_to_host, 8); /* in: foreign faults */
	CHECK_DELTA(a1, b1, pages_to_host, 0); /* out stayed on device 1 */
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(out[i], (int)(i * 7) * f + (int)i);
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	clSVMFree(e.ctx, in);
	clSVMFree(e.ctx, out);
	svm_close(&e);
}
