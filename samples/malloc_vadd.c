/* Vector add on plain malloc() memory: fine-grain system SVM.
 *
 * a, b and c come from malloc(), not clSVMAlloc; the kernel receives them
 * through clSetKernelArgSVMPointer because the device shares the process's
 * address space. Then the inputs are migrated to the device with
 * clEnqueueSVMMigrateMem (explicit sizes: a malloc range has no size the
 * runtime knows; only the whole pages inside it move), the kernel runs
 * again on device memory, and the host reads everything back in place.
 * Exit 0 when every result is right, 77 when the device lacks fine-grain
 * system SVM. */
#include "sample_util.h"

#include <unistd.h>

static const char *source =
    "kernel void vadd(global const float *a, global const float *b,\n"
    "		  global float *c)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	c[i] = a[i] + b[i];\n"
    "}\n";

/* Whole pages inside [p, p + size): what a migration of the range moves. */
static size_t inner_pages(const void *p, size_t size)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t first = ((size_t)p + page - 1) / page;
	size_t end = ((size_t)p + size) / page;

	return end > first ? end - first : 0;
}

/* Small integers: the float sums are exact. */
static size_t count_wrong(const float *a, const float *b, const float *c,
			  size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += a[i] != (float)i || b[i] != (float)(2 * i) ||
		       c[i] != (float)(3 * i);
	return bad;
}

static double run_vadd(cl_command_queue q, cl_kernel k, size_t n)
{
	double t0 = sample_now_ms();

	CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, NULL));
	CHECK(clFinish(q));
	return sample_now_ms() - t0;
}

int main(int argc, char **argv)
{
	const size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1 << 20;
	const size_t bytes = n * sizeof(float);
	cl_platform_id platform = sample_platform();
	clGetSVMStatisticsHMM_fn get = sample_stats_fn(platform);
	cl_svm_statistics_hmm s0, s1, s2, s3;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
	cl_kernel k;
	cl_int err;
	const void *ptrs[2];
	size_t sizes[2], i, want, bad;
	double t_direct, t_mig, t_dev, t0;
	float *a, *b, *c;

	CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &dev, NULL));
	if (!(sample_svm_caps(dev) & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		printf("malloc_vadd: skipped: the device does not report "
		       "CL_DEVICE_SVM_FINE_GRAIN_SYSTEM, so kernels may not "
		       "take malloc() pointers\n");
		return SAMPLE_SKIP;
	}
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CHECK_RET(err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CHECK_RET(err);
	prog = sample_build(ctx, 1, &dev, source, "");
	k = clCreateKernel(prog, "vadd", &err);
	CHECK_RET(err);

	a = malloc(bytes);
	b = malloc(bytes);
	c = malloc(bytes);
	if (!a || !b || !c) {
		fprintf(stderr, "malloc failed\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = (float)(2 * i);
		c[i] = -1.0f;
	}
	CHECK(clSetKernelArgSVMPointer(k, 0, a));
	CHECK(clSetKernelArgSVMPointer(k, 1, b));
	CHECK(clSetKernelArgSVMPointer(k, 2, c));

	/* 1. Everything in system memory: the kernel reads it in place. */
	s0 = sample_stats(get, dev);
	t_direct = run_vadd(q, k, n);
	bad = count_wrong(a, b, c, n);
	printf("malloc_vadd: %zu floats, malloc'ed a=%p b=%p c=%p\n", n,
	       (void *)a, (void *)b, (void *)c);
	printf("  in system memory: kernel %.2f ms, %zu wrong\n", t_direct,
	       bad);
	sample_print_stats("start:", &s0);

	/* 2. Hint: the inputs to the device. Only the whole pages inside
	 * each malloc range move; the allocator's bytes around them stay. */
	ptrs[0] = a;
	ptrs[1] = b;
	sizes[0] = sizes[1] = bytes;
	want = inner_pages(a, bytes) + inner_pages(b, bytes);
	t0 = sample_now_ms();
	CHECK(clEnqueueSVMMigrateMem(q, 2, ptrs, sizes, 0, 0, NULL, NULL));
	CHECK(clFinish(q));
	t_mig = sample_now_ms() - t0;
	s1 = sample_stats(get, dev);
	printf("  inputs migrated in %.2f ms: %llu pages moved (%zu whole "
	       "pages inside the two ranges)\n",
	       t_mig,
	       (unsigned long long)(s1.pages_to_device - s0.pages_to_device),
	       want);
	sample_print_stats("after migration:", &s1);
	if (s1.pages_to_device == s0.pages_to_device)
		printf("  (no page moved: this backend cannot migrate here, "
		       "e.g. no userfaultfd; the kernel still runs)\n");
	else if (s1.pages_to_device - s0.pages_to_device != want)
		bad++;

	/* 3. The kernel again, now on device-resident inputs. */
	memset(c, 0, bytes);
	t_dev = run_vadd(q, k, n);
	s2 = sample_stats(get, dev);
	printf("  inputs on the device: kernel %.2f ms\n", t_dev);
	sample_print_stats("after the kernel:", &s2);

	/* 4. The host reads a, b and c in place: device pages fault home. */
	t0 = sample_now_ms();
	bad += count_wrong(a, b, c, n);
	s3 = sample_stats(get, dev);
	printf("  host check %.2f ms (pages fault back), %zu wrong in all\n",
	       sample_now_ms() - t0, bad);
	sample_print_stats("after the host read:", &s3);

	free(a);
	free(b);
	free(c);
	CHECK(clReleaseKernel(k));
	CHECK(clReleaseProgram(prog));
	CHECK(clReleaseCommandQueue(q));
	CHECK(clReleaseContext(ctx));
	return bad != 0;
}
