/* The placement policy's costs (cl_hmm_svm_advise): a mirrored kernel
 * over system pages with remote access, with migration on first touch
 * (preferred location = device), on pages migrated explicitly first; and
 * a migration into free device memory vs into a full device (eviction).
 * Medians; prints figures only, never asserts timings. Device memory is
 * set to 64 MiB (HMMCL_HMM_DEVICE_MEM) unless the environment says
 * otherwise. Run with OCL_ICD_VENDORS=<build>/hmmcl.icd. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <CL/cl_ext_hmm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 5
#define MIB ((size_t)1 << 20)
#define SIZE (16 * MIB)

static cl_context ctx;
static cl_command_queue q;
static cl_kernel k;
static clEnqueueSVMAdviseMemHMM_fn advise;
static clGetSVMStatisticsHMM_fn stats;
static cl_device_id dev;

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

static void die(const char *what)
{
	fprintf(stderr, "%s failed\n", what);
	exit(1);
}

static double migrate(void *p, size_t n, cl_mem_migration_flags f)
{
	const void *ptr = p;
	double t = now();

	if (clEnqueueSVMMigrateMem(q, 1, &ptr, &n, f, 0, NULL, NULL) ||
	    clFinish(q))
		die("migration");
	return now() - t;
}

static double run(int *p)
{
	size_t n = SIZE / sizeof(int);
	double t = now();

	if (clSetKernelArgSVMPointer(k, 0, p) ||
	    clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, NULL) ||
	    clFinish(q))
		die("kernel");
	return now() - t;
}

/* mode 0: remote access, 1: first touch, 2: explicit migration first. */
static void kernels(int mode, const char *name)
{
	double first[REPS], second[REPS], mig[REPS];
	cl_svm_statistics_hmm s0, s1;

	for (int r = 0; r < REPS; r++) {
		int *p = clSVMAlloc(ctx, 0, SIZE, 0);

		if (!p)
			die("clSVMAlloc");
		memset(p, 1, SIZE);
		mig[r] = 0;
		if (mode == 1 &&
		    (advise(q, p, SIZE,
			    CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM, 0,
			    NULL, NULL) ||
		     clFinish(q)))
			die("advice");
		if (mode == 2)
			mig[r] = migrate(p, SIZE, 0);
		stats(dev, sizeof(s0), &s0, NULL);
		first[r] = run(p);
		stats(dev, sizeof(s1), &s1, NULL);
		second[r] = run(p);
		clSVMFree(ctx, p);
	}
	printf("%-22s migrate %7.2f ms  1st kernel %7.2f ms  2nd kernel "
	       "%7.2f ms\n",
	       name, median(mig) * 1e3, median(first) * 1e3,
	       median(second) * 1e3);
	printf("%-22s last 1st kernel: %llu device faults, %llu pages to "
	       "device, %llu CPU faults\n",
	       "", (unsigned long long)(s1.device_faults - s0.device_faults),
	       (unsigned long long)(s1.pages_to_device - s0.pages_to_device),
	       (unsigned long long)(s1.cpu_faults - s0.cpu_faults));
}

static void eviction(void)
{
	double into_free[REPS], into_full[REPS];
	char *a = clSVMAlloc(ctx, 0, 32 * MIB, 0);
	char *b = clSVMAlloc(ctx, 0, 32 * MIB, 0);
	char *c = clSVMAlloc(ctx, 0, 32 * MIB, 0);

	if (!a || !b || !c)
		die("clSVMAlloc");
	memset(a, 1, 32 * MIB);
	memset(b, 2, 32 * MIB);
	memset(c, 3, 32 * MIB);
	for (int r = 0; r < REPS; r++) {
		/* a and b fill the 64 MiB device; c evicts a. */
		migrate(a, 32 * MIB, CL_MIGRATE_MEM_OBJECT_HOST);
		migrate(c, 32 * MIB, CL_MIGRATE_MEM_OBJECT_HOST);
		into_free[r] = migrate(a, 32 * MIB, 0);
		migrate(b, 32 * MIB, 0);
		into_full[r] = migrate(c, 32 * MIB, 0);
		migrate(b, 32 * MIB, CL_MIGRATE_MEM_OBJECT_HOST);
	}
	printf("32 MiB into free device memory %7.2f ms (%5.1f GB/s), into "
	       "a full device (evicting 32 MiB) %7.2f ms (%5.1f GB/s)\n",
	       median(into_free) * 1e3, 32 * MIB / median(into_free) / 1e9,
	       median(into_full) * 1e3, 32 * MIB / median(into_full) / 1e9);
	clSVMFree(ctx, a);
	clSVMFree(ctx, b);
	clSVMFree(ctx, c);
}

int main(void)
{
	const char *src =
	    "kernel void inc(global int *p) { p[get_global_id(0)] += 1; }";
	cl_platform_id plat;
	cl_program prog;
	int *sentinel;
	cl_int err;

	setenv("HMMCL_HMM_DEVICE_MEM", "64", 0);
	if (clGetPlatformIDs(1, &plat, NULL) ||
	    clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, 1, &dev, NULL))
		die("platform");
	advise = (clEnqueueSVMAdviseMemHMM_fn)
	    clGetExtensionFunctionAddressForPlatform(
		plat, "clEnqueueSVMAdviseMemHMM");
	stats =
	    (clGetSVMStatisticsHMM_fn)clGetExtensionFunctionAddressForPlatform(
		plat, "clGetSVMStatisticsHMM");
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	if (!advise || !stats || clBuildProgram(prog, 1, &dev, "", NULL, NULL))
		die("set-up");
	k = clCreateKernel(prog, "inc", &err);
	/* One device-resident page: kernels run the mirrored variant. */
	sentinel = clSVMAlloc(ctx, 0, 4096, 0);
	sentinel[0] = 1;
	migrate(sentinel, 4096, 0);
	printf("mirrored kernel over 16 MiB of system pages (median of %d)\n",
	       REPS);
	kernels(0, "remote access");
	kernels(1, "first touch (advice)");
	kernels(2, "explicit migration");
	eviction();
	clSVMFree(ctx, sentinel);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return 0;
}
