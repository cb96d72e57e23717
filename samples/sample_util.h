/* Small helpers shared by the samples: error checks, the hmmcl platform,
 * a program build that prints the log, capability checks, a clock and the
 * cl_hmm_svm_statistics counters. Header-only so that each sample stays
 * one readable file linked only against the ICD loader. */
#ifndef HMMCL_SAMPLE_UTIL_H
#define HMMCL_SAMPLE_UTIL_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <CL/cl_ext_hmm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CTest reports a sample that exits with this code as skipped. */
#define SAMPLE_SKIP 77

#define CHECK(call)                                                            \
	do {                                                                   \
		cl_int e_ = (call);                                            \
		if (e_ != CL_SUCCESS) {                                        \
			fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__,    \
				__LINE__, #call, e_);                          \
			exit(1);                                               \
		}                                                              \
	} while (0)

/* For calls that return an object and report through errcode_ret. */
#define CHECK_RET(err) CHECK(err)

static inline cl_platform_id sample_platform(void)
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

static inline clGetSVMStatisticsHMM_fn sample_stats_fn(cl_platform_id p)
{
	clGetSVMStatisticsHMM_fn f =
	    (clGetSVMStatisticsHMM_fn)clGetExtensionFunctionAddressForPlatform(
		p, "clGetSVMStatisticsHMM");

	if (!f) {
		fprintf(stderr, "cl_hmm_svm_statistics is missing\n");
		exit(1);
	}
	return f;
}

static inline cl_device_svm_capabilities sample_svm_caps(cl_device_id dev)
{
	cl_device_svm_capabilities caps = 0;

	CHECK(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps),
			      &caps, NULL));
	return caps;
}

/* Builds src for the context's devices; prints the log on failure. */
static inline cl_program sample_build(cl_context ctx, cl_uint ndev,
				      const cl_device_id *devs, const char *src,
				      const char *options)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	char log[8192];

	CHECK_RET(err);
	err = clBuildProgram(p, ndev, devs, options, NULL, NULL);
	if (err != CL_SUCCESS) {
		log[0] = 0;
		clGetProgramBuildInfo(p, devs[0], CL_PROGRAM_BUILD_LOG,
				      sizeof(log), log, NULL);
		fprintf(stderr, "build failed (%d):\n%s\n", err, log);
		exit(1);
	}
	return p;
}

static inline double sample_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static inline cl_svm_statistics_hmm sample_stats(clGetSVMStatisticsHMM_fn get,
						 cl_device_id dev)
{
	cl_svm_statistics_hmm s;

	CHECK(get(dev, sizeof(s), &s, NULL));
	return s;
}

static inline void sample_print_stats(const char *when,
				      const cl_svm_statistics_hmm *s)
{
	printf("  %-24s device_faults %llu cpu_faults %llu pages to device "
	       "%llu to host %llu (bytes %llu / %llu) invalidations %llu\n",
	       when, (unsigned long long)s->device_faults,
	       (unsigned long long)s->cpu_faults,
	       (unsigned long long)s->pages_to_device,
	       (unsigned long long)s->pages_to_host,
	       (unsigned long long)s->bytes_to_device,
	       (unsigned long long)s->bytes_to_host,
	       (unsigned long long)s->invalidations);
}

#endif
