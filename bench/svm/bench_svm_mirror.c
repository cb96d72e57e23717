/* Direct vs mirrored variant on the bench kernels (bench/kernels): each
 * kernel runs (a) direct with its data in system memory, then (b)
 * mirrored with all its data migrated to the device: the first launch
 * after the migration (cold: device faults fill the page table) and the
 * median of several more (steady state). Prints medians, the ratio
 * mirrored / direct and device faults per launch (clGetSVMStatisticsHMM);
 * never asserts timings. Through the ICD loader: run with
 * OCL_ICD_VENDORS=<build>/hmmcl.icd. Arguments: [--quick] [kernel...];
 * --quick: small sizes (smoke test); kernel names pick some. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <CL/cl_ext_hmm.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define MAX_REPS 32
#define NBUF 3

static cl_context ctx;
static cl_command_queue q;
static cl_program prog;
static cl_device_id dev;
static clGetSVMStatisticsHMM_fn stats;
static int reps = 9;

struct kdesc {
	const char *name;
	int dims;
	size_t g[2], l[2];  /* l[0] == 0: no local size */
	size_t bytes[NBUF]; /* SVM buffers, 0: unused */
	int n_arg;	    /* kernel argument index of the int n, or -1 */
	int first_buf;	    /* argument index of the first buffer */
	double work;	    /* bytes or flops per launch */
	const char *unit;
};

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

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

static void die(const char *what, cl_int err)
{
	fprintf(stderr, "%s failed (%d)\n", what, err);
	exit(1);
}

static void migrate(void **p, const size_t *n, int cnt,
		    cl_mem_migration_flags f)
{
	cl_int err = clEnqueueSVMMigrateMem(q, (cl_uint)cnt, (const void **)p,
					    n, f, 0, NULL, NULL);

	if (err || (err = clFinish(q)))
		die("clEnqueueSVMMigrateMem", err);
}

static double launch(cl_kernel k, const struct kdesc *d)
{
	double t = now();
	cl_int err =
	    clEnqueueNDRangeKernel(q, k, (cl_uint)d->dims, NULL, d->g,
				   d->l[0] ? d->l : NULL, 0, NULL, NULL);

	if (err || (err = clFinish(q)))
		die(d->name, err);
	return now() - t;
}

static cl_ulong faults(void)
{
	cl_svm_statistics_hmm s;

	memset(&s, 0, sizeof(s));
	stats(dev, sizeof(s), &s, NULL);
	return s.device_faults;
}

static cl_kernel make_kernel(const struct kdesc *d, void **buf)
{
	cl_int err;
	cl_kernel k = clCreateKernel(prog, d->name, &err);
	int a = d->first_buf;

	if (!k)
		die("clCreateKernel", err);
	if (d->n_arg >= 0) {
		cl_int n = (cl_int)d->g[0];
		clSetKernelArg(k, (cl_uint)d->n_arg, sizeof(n), &n);
	}
	if (!strcmp(d->name, "saxpy")) {
		float s = 2.0f;
		clSetKernelArg(k, 0, sizeof(s), &s);
	}
	for (int i = 0; i < NBUF && d->bytes[i]; i++)
		if ((err = clSetKernelArgSVMPointer(k, (cl_uint)a++, buf[i])))
			die("clSetKernelArgSVMPointer", err);
	if (!strcmp(d->name, "reduce"))
		clSetKernelArg(k, 2, d->l[0] * sizeof(float), NULL);
	return k;
}

/* Direct, then mirrored (cold + steady) on the same buffers; the output
 * buffer (the last one) is compared between the two variants. */
static void run(const struct kdesc *d)
{
	void *buf[NBUF] = {NULL};
	size_t sz[NBUF];
	double td[MAX_REPS], tm[MAX_REPS], cold;
	int nb = 0;
	float *ref;
	int inplace = !strcmp(d->name, "saxpy"); /* y changes every launch */

	for (; nb < NBUF && d->bytes[nb]; nb++) {
		buf[nb] = clSVMAlloc(ctx, 0, d->bytes[nb], 0);
		if (!buf[nb])
			die("clSVMAlloc", 0);
		sz[nb] = d->bytes[nb];
		for (size_t i = 0; i < sz[nb] / sizeof(float); i++)
			((float *)buf[nb])[i] = (float)((i * 7 + nb) % 13) / 8;
	}
	cl_kernel k = make_kernel(d, buf);
	/* Warm-ups: the mirrored variant's compile is not the cold launch's
	 * cost; the way back home drops every translation. */
	migrate(buf, sz, nb, 0);
	launch(k, d);
	migrate(buf, sz, nb, CL_MIGRATE_MEM_OBJECT_HOST);
	launch(k, d);
	for (int r = 0; r < reps; r++)
		td[r] = launch(k, d);
	ref = malloc(sz[nb - 1]);
	memcpy(ref, buf[nb - 1], sz[nb - 1]);
	migrate(buf, sz, nb, 0);
	cl_ulong f0 = faults();
	cold = launch(k, d);
	cl_ulong f1 = faults();
	for (int r = 0; r < reps; r++)
		tm[r] = launch(k, d);
	cl_ulong f2 = faults();
	migrate(buf, sz, nb, CL_MIGRATE_MEM_OBJECT_HOST);
	size_t bad = 0;
	for (size_t i = 0; !inplace && i < sz[nb - 1] / sizeof(float); i++) {
		float x = ((float *)buf[nb - 1])[i], y = ref[i];
		bad += fabsf(x - y) > 1e-3f * (fabsf(y) + 1.0f);
	}
	double dm = median(td, reps), mm = median(tm, reps);
	printf("%-13s %9.3f %9.3f %9.3f  %5.2f  %5.2f  %8llu %8.1f  %7.2f %s"
	       "%s\n",
	       d->name, dm * 1e3, cold * 1e3, mm * 1e3, cold / dm, mm / dm,
	       (unsigned long long)(f1 - f0), (double)(f2 - f1) / reps,
	       d->work / mm / 1e9, d->unit, bad ? "  MISMATCH" : "");
	free(ref);
	clReleaseKernel(k);
	for (int i = 0; i < nb; i++)
		clSVMFree(ctx, buf[i]);
}

static void setup(void)
{
	cl_platform_id plat;
	cl_int err;

	if ((err = clGetPlatformIDs(1, &plat, NULL)) ||
	    (err = clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, 1, &dev, NULL)))
		die("platform", err);
	stats =
	    (clGetSVMStatisticsHMM_fn)clGetExtensionFunctionAddressForPlatform(
		plat, "clGetSVMStatisticsHMM");
	if (!stats) {
		fprintf(stderr, "no clGetSVMStatisticsHMM: not hmmcl\n");
		exit(77);
	}
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	if (!ctx)
		die("clCreateContext", err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	prog = clCreateProgramWithSource(ctx, 1, (const char **)&bench_source,
					 NULL, &err);
	if (!q || !prog ||
	    (err = clBuildProgram(prog, 1, &dev, "", NULL, NULL)))
		die("set-up", err);
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	size_t n = quick ? (size_t)1 << 16 : (size_t)1 << 22;
	size_t mm = quick ? 64 : 512, fb = n * sizeof(float);
	size_t mb = mm * mm * sizeof(float);
	double flops = 2.0 * mm * mm * mm;
	const struct kdesc ks[] = {
	    {"vadd", 1, {n, 1}, {0, 0}, {fb, fb, fb}, -1, 0, 3.0 * fb, "GB/s"},
	    {"saxpy", 1, {n, 1}, {0, 0}, {fb, fb, 0}, -1, 1, 3.0 * fb, "GB/s"},
	    {"reduce",
	     1,
	     {n, 1},
	     {256, 0},
	     {fb, fb / 256, 0},
	     -1,
	     0,
	     fb,
	     "GB/s"},
	    {"matmul_naive",
	     2,
	     {mm, mm},
	     {0, 0},
	     {mb, mb, mb},
	     0,
	     1,
	     flops,
	     "GFLOP/s"},
	    {"matmul_tiled",
	     2,
	     {mm, mm},
	     {16, 16},
	     {mb, mb, mb},
	     0,
	     1,
	     flops,
	     "GFLOP/s"},
	};

	if (quick)
		reps = 3;
	setup();
	printf("direct (system memory) vs mirrored (all data on the device); "
	       "%s, median of %d launches after a warm-up\n",
	       quick ? "--quick" : "4 Mi floats, matmul 512", reps);
	printf("%-13s %9s %9s %9s  %5s  %5s  %8s %8s  %s\n", "kernel", "direct",
	       "cold", "mirrored", "cold/", "mir/", "faults", "faults/",
	       "mirrored");
	printf("%-13s %9s %9s %9s  %5s  %5s  %8s %8s\n", "", "ms", "ms", "ms",
	       "dir", "dir", "cold", "steady");
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		int pick = argc <= 1 + quick;
		for (int a = 1 + quick; a < argc; a++)
			pick |= !strcmp(argv[a], ks[i].name);
		if (pick)
			run(&ks[i]);
	}
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return 0;
}
