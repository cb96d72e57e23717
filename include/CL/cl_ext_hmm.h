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

/* cl_hmm_svm_advise: placement advice for SVM ranges (clSVMAlloc
 * allocations, and any host range once the device reports fine-grain
 * system SVM), shaped like cl_intel_unified_shared_memory's
 * clEnqueueMemAdviseINTEL, and a residency query. The values below lie in
 * a range no Khronos or vendor header uses (0x4F10..0x4F2F). */
#define cl_hmm_svm_advise 1
#define CL_HMM_SVM_ADVISE_EXTENSION_NAME "cl_hmm_svm_advise"

typedef cl_uint cl_svm_advice_hmm;

/* The command type of clEnqueueSVMAdviseMemHMM's event. */
#define CL_COMMAND_SVM_ADVISE_HMM 0x4F10

/* "The queue's device" below is the device of the command queue the
 * advice is enqueued on. */
/* Device faults of the queue's device on system pages of the range
 * migrate them to it on first touch (instead of remote access). */
#define CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM 0x4F20
/* Back to no preferred location (whatever was set, device or host). */
#define CL_SVM_ADVICE_UNSET_PREFERRED_LOCATION_HMM 0x4F21
/* System memory: device faults access remotely, and when device memory
 * is full these pages are the first to go home. */
#define CL_SVM_ADVICE_SET_PREFERRED_LOCATION_HOST_HMM 0x4F22
/* The queue's device maps the range ahead (no device fault when a kernel
 * touches it) and never migrates it on first touch. */
#define CL_SVM_ADVICE_SET_ACCESSED_BY_HMM 0x4F23
#define CL_SVM_ADVICE_UNSET_ACCESSED_BY_HMM 0x4F24
/* No device migrates the range on first touch: every device reads it in
 * system memory, where the host never faults on it. */
#define CL_SVM_ADVICE_SET_READ_MOSTLY_HMM 0x4F25
#define CL_SVM_ADVICE_UNSET_READ_MOSTLY_HMM 0x4F26

/* Applies advice to the whole pages [ptr, ptr + size) touches (an SVM
 * allocation's range rounds outward, a plain host range inward), in queue
 * order. CL_INVALID_COMMAND_QUEUE, CL_INVALID_OPERATION (device without
 * SVM), CL_INVALID_EVENT_WAIT_LIST, CL_INVALID_VALUE for ptr NULL, size 0,
 * an unknown advice or a range that is not SVM memory of the queue's
 * context. Explicit migrations are always honoured whatever the advice. */
typedef cl_int(CL_API_CALL *clEnqueueSVMAdviseMemHMM_fn)(
    cl_command_queue command_queue, const void *ptr, size_t size,
    cl_svm_advice_hmm advice, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event);

extern CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMAdviseMemHMM(
    cl_command_queue command_queue, const void *ptr, size_t size,
    cl_svm_advice_hmm advice, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event);

/* Where each page [ptr, ptr + size) touches lives now: locations[i] is
 * the device holding page i, or NULL for system memory. Nothing is
 * faulted in or moved. num_pages_ret gets the number of pages; num_pages
 * is ignored when locations is NULL. CL_INVALID_CONTEXT; CL_INVALID_VALUE
 * for ptr NULL, size 0, a range that is not SVM memory of context (or
 * not mapped), locations and num_pages_ret both NULL, or num_pages
 * smaller than the number of pages. */
typedef cl_int(CL_API_CALL *clGetSVMResidencyHMM_fn)(
    cl_context context, const void *ptr, size_t size, size_t num_pages,
    cl_device_id *locations, size_t *num_pages_ret);

extern CL_API_ENTRY cl_int CL_API_CALL clGetSVMResidencyHMM(
    cl_context context, const void *ptr, size_t size, size_t num_pages,
    cl_device_id *locations, size_t *num_pages_ret);

#ifdef __cplusplus
}
#endif

#endif
