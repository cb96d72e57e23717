/* HMM's canonical workload through OpenCL: the host builds a data set in
 * shared virtual memory, hints its placement with clEnqueueSVMMigrateMem,
 * launches the job, keeps working while the device computes, then reads
 * the results in place. Prints the cl_hmm_svm_statistics counters.
 * Exit 0 when every result is right. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <CL/cl_ext_hmm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *source =
    "kernel void poly(global const uint *x, global uint *y)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	uint v = x[i];\n"
    "	y[i] = (v * v) % 65521u + 3u * v + 1u;\n"
    "}\n";

#define CHECK(call)                                                            \
	do {                                                                   \
		cl_int e_ = (call);                                            \
		if (e_ != CL_SUCCESS) {                                        \
			fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__,    \
				__LINE__, #call, e_);                          \
			exit(1);                                               \
		}                                                              \
	} while (0)

static cl_platform_id find_platform(void)
{
	cl_platform_id ids[8];
	cl_uint n = 0, i;
	char name[128];

	CHECK(clGetPlatformIDs(8, ids, &n));
	for (i = 0; i < n && i < 8; i++) {
		CHECK(clGetPlatformInfo(ids[i], CL_PLATFORM_NAME, sizeof(name),
					name, NULL));
		if (strcmp(name, "hmmcl") == 0)
			return ids[i];
	}
	fprintf(stderr, "no platform named hmmcl\n");
	exit(1);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void print_stats(clGetSVMStatisticsHMM_fn get, cl_device_id dev,
			const char *when)
{
	cl_svm_statistics_hmm s;

	CHECK(get(dev, sizeof(s), &s, NULL));
	printf("%-18s device_faults %llu cpu_faults %llu pages to device %llu "
	       "to host %llu bytes to device %llu to host %llu "
	       "invalidations %llu\n",
	       when, (unsigned long long)s.device_faults,
	       (unsigned long long)s.cpu_faults,
	       (unsigned long long)s.pages_to_device,
	       (unsigned long long)s.pages_to_host,
	       (unsigned long long)s.bytes_to_device,
	       (unsigned long long)s.bytes_to_host,
	       (unsigned long long)s.invalidations);
}

/* Integer arithmetic: exact on both sides (no contraction). */
static cl_uint expect(cl_uint v)
{
	return (v * v) % 65521u + 3u * v + 1u;
}

int main(int argc, char **argv)
{
	const size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1 << 20;
	cl_platform_id platform = find_platform();
	clGetSVMStatisticsHMM_fn get =
	    (clGetSVMStatisticsHMM_fn)clGetExtensionFunctionAddressForPlatform(
		platform, "clGetSVMStatisticsHMM");
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

	if (!get) {
		fprintf(stderr, "cl_hmm_svm_statistics is missing\n");
		return 1;
	}
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
	t0 = now_ms();
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
	t1 = now_ms();
	print_stats(get, dev, "after the job:");

	/* 4. Results home in one migration, then read in place. */
	CHECK(clEnqueueSVMMigrateMem(
	    q, 1, ptrs + 1, NULL, CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL, NULL));
	CHECK(clFinish(q));
	t2 = now_ms();
	for (i = 0; i < n; i++)
		bad += y[i] != expect(x[i]);
	t3 = now_ms();
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
