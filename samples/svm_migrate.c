/* HMM's canonical workload through OpenCL: the host builds a data set in
 * shared virtual memory, hints its placement with clEnqueueSVMMigrateMem,
 * launches the job, keeps working while the device computes, then reads
 * the results in place. Prints the cl_hmm_svm_statistics counters.
 * Exit 0 when every result is right. */
#include "sample_util.h"

static const char *source =
    "kernel void poly(global const uint *x, global uint *y)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	uint v = x[i];\n"
    "	y[i] = (v * v) % 65521u + 3u * v + 1u;\n"
    "}\n";

static void print_stats(clGetSVMStatisticsHMM_fn get, cl_device_id dev,
			const char *when)
{
	cl_svm_statistics_hmm s = sample_stats(get, dev);

	sample_print_stats(when, &s);
}

/* Integer arithmetic: exact on both sides (no contraction). */
static cl_uint expect(cl_uint v)
{
	return (v * v) % 65521u + 3u * v + 1u;
}

int main(int argc, char **argv)
{
	const size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1 << 20;
	cl_platform_id platform = sample_platform();
	clGetSVMStatisticsHMM_fn get = sample_stats_fn(platform);
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
	cl_kernel k;
	cl_event done;
	cl_int err;
	cl_uint *x, *y;
	const void *ptrs[2];
	double t0, t1, t2, t3, busy = 0;
	size_t i, bad = 0;

	CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &dev, NULL));
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CHECK(err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CHECK(err);
	prog = clCreateProgramWithSource(ctx, 1, &source, NULL, &err);
	CHECK(err);
	CHECK(clBuildProgram(prog, 1, &dev, "", NULL, NULL));
	k = clCreateKernel(prog, "poly", &err);
	CHECK(err);
	x = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n * sizeof(cl_uint),
		       0);
	y = clSVMAlloc(ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n * sizeof(cl_uint),
		       0);
	if (!x || !y) {
		fprintf(stderr, "clSVMAlloc failed\n");
		return 1;
	}

	/* 1. The host builds the data set (a sensor capture, say). */
	for (i = 0; i < n; i++)
		x[i] = (cl_uint)(i * 2654435761u);
	print_stats(get, dev, "built on host:");

	/* 2. Placement hint: both arrays to the device, then the job. */
	t0 = sample_now_ms();
	ptrs[0] = x;
	ptrs[1] = y;
	CHECK(clEnqueueSVMMigrateMem(q, 2, ptrs, NULL, 0, 0, NULL, NULL));
	CHECK(clSetKernelArgSVMPointer(k, 0, x));
	CHECK(clSetKernelArgSVMPointer(k, 1, y));
	CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, &done));
	CHECK(clFlush(q));

	/* 3. The host keeps working while the device computes. */
	for (i = 0; i < 1000000; i++)
		busy += (double)i * 1e-9;
	CHECK(clWaitForEvents(1, &done));
	t1 = sample_now_ms();
	print_stats(get, dev, "after the job:");

	/* 4. Results home in one migration, then read in place. */
	CHECK(clEnqueueSVMMigrateMem(
	    q, 1, ptrs + 1, NULL, CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL, NULL));
	CHECK(clFinish(q));
	t2 = sample_now_ms();
	for (i = 0; i < n; i++)
		bad += y[i] != expect(x[i]);
	t3 = sample_now_ms();
	print_stats(get, dev, "results read:");
	printf("svm_migrate: %zu elements, %zu wrong; migrate+job %.2f ms, "
	       "results home %.2f ms, host check %.2f ms (busy %.3f)\n",
	       n, bad, t1 - t0, t2 - t1, t3 - t2, busy);
	CHECK(clReleaseEvent(done));
	clSVMFree(ctx, x);
	clSVMFree(ctx, y);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return bad != 0;
}
