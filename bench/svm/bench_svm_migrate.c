/* Migration bandwidth through the OpenCL API: clEnqueueSVMMigrateMem to
 * the device and back (HOST), and host fault-back, for several sizes;
 * medians of repeated runs. Prints figures only, never asserts timings.
 * Run with OCL_ICD_VENDORS=<build>/hmmcl.icd. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 7

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, REPS, sizeof(*v), cmp);
	return v[REPS / 2];
}

static double migrate(cl_command_queue q, void *p, size_t n,
		      cl_mem_migration_flags f)
{
	const void *ptr = p;
	double t = now();

	if (clEnqueueSVMMigrateMem(q, 1, &ptr, &n, f, 0, NULL, NULL) ||
	    clFinish(q)) {
		fprintf(stderr, "migration failed\n");
		exit(1);
	}
	return now() - t;
}

static void one_size(cl_context ctx, cl_command_queue q, size_t n)
{
	double to[REPS], back[REPS], fault[REPS], cpy[REPS], t;
	unsigned char *p = clSVMAlloc(ctx, 0, n, 0), *h = malloc(n);
	volatile unsigned char sink = 0;
	size_t i;
	int r;

	if (!p || !h)
		exit(1);
	memset(p, 1, n);
	memset(h, 2, n);
	for (r = 0; r < REPS; r++) {
		to[r] = migrate(q, p, n, 0);
		back[r] = migrate(q, p, n, CL_MIGRATE_MEM_OBJECT_HOST);
		migrate(q, p, n, 0);
		t = now();
		for (i = 0; i < n; i += 4096)
			sink ^= p[i];
		fault[r] = now() - t;
		t = now();
		memcpy(h, p, n);
		cpy[r] = now() - t;
	}
	(void)sink;
	printf("%9zu KiB  to device %7.2f GB/s  to host %7.2f GB/s  "
	       "fault-back %7.2f GB/s  memcpy %7.2f GB/s\n",
	       n >> 10, n / median(to) / 1e9, n / median(back) / 1e9,
	       n / median(fault) / 1e9, n / median(cpy) / 1e9);
	clSVMFree(ctx, p);
	free(h);
}

int main(void)
{
	cl_platform_id pl[8];
	cl_uint np = 0, i;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	char name[64];
	size_t n;

	clGetPlatformIDs(8, pl, &np);
	for (i = 0; i < np; i++) {
		clGetPlatformInfo(pl[i], CL_PLATFORM_NAME, sizeof(name), name,
				  NULL);
		if (strcmp(name, "hmmcl") == 0)
			break;
	}
	if (i == np || clGetDeviceIDs(pl[i], CL_DEVICE_TYPE_ALL, 1, &dev, NULL))
		return 1;
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, NULL);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, NULL);
	for (n = 4096; n <= (64u << 20); n *= 16)
		one_size(ctx, q, n);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return 0;
}
