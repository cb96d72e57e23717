/* hmmcl's OpenCL extensions. Entry points are obtained with
 * clGetExtensionFunctionAddressForPlatform(platform, "name"). */
#ifndef CL_EXT_HMM_H
#define CL_EXT_HMM_H

#include <CL/cl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The platform's ICD suffix. */
#define CL_HMM_ICD_SUFFIX "HMM"

/* cl_hmm_svm_statistics: per-device counters of the /dev/hmm mirror and
 * of page migration, cumulative since the device was created. */
#define cl_hmm_svm_statistics 1
#define CL_HMM_SVM_STATISTICS_EXTENSION_NAME "cl_hmm_svm_statistics"

typedef struct cl_svm_statistics_hmm { /* fields are only ever appended */
	cl_ulong device_faults; /* device page-table misses resolved through
				   /dev/hmm (not TLB misses) */
	cl_ulong cpu_faults;	/* CPU faults that migrated device-resident
				   pages back */
	cl_ulong pages_to_device,
	    pages_to_host; /* a device A -> B move counts both hops */
	cl_ulong bytes_to_device, bytes_to_host;
	cl_ulong invalidations; /* mirror entries dropped because the CPU
				   side changed */
} cl_svm_statistics_hmm;

/* size is the caller's sizeof(cl_svm_statistics_hmm): a smaller one gets
 * the leading fields; size_ret gets the full size. CL_INVALID_DEVICE for
 * a device that is not ours, CL_INVALID_VALUE for stats NULL with size
 * non-zero, or for size 0 with stats non-NULL. */
typedef cl_int(CL_API_CALL *clGetSVMStatisticsHMM_fn)(
    cl_device_id device, size_t size, cl_svm_statistics_hmm *stats,
    size_t *size_ret);

extern CL_API_ENTRY cl_int CL_API_CALL clGetSVMStatisticsHMM(
    cl_device_id device, size_t size, cl_svm_statistics_hmm *stats,
    size_t *size_ret);

#ifdef __cplusplus
}
#endif

#endif
