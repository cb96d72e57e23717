/* Shared virtual memory on the host side: clSVMAlloc allocations and the
 * table that answers "which allocation contains this address".
 *
 * The table is a sorted array of disjoint [base, base + size) ranges,
 * searched by binary search (O(log n)) under a process-wide rwlock:
 * lookups (enqueue validation, kernel arguments, CL_MEM_USES_SVM_POINTER)
 * share the lock, clSVMAlloc / clSVMFree take it exclusively. Insertion
 * and removal shift the array (memmove), which is cheap next to the
 * allocation itself.
 *
 * Memory comes from one pair of functions, hx_svm_backing_alloc/free:
 * with the SVM manager (runtime/svm/, HMMCL_HAVE_HX_SVM) whole pages
 * mirrored by every device through /dev/hmm, else plain host memory.
 *
 * Alignment: 0 means HX_SVM_DEFAULT_ALIGN (128 bytes, the largest OpenCL C
 * type, long16/double16); any power of two up to HX_SVM_MAX_ALIGN (2 MiB,
 * one x86-64 huge page) is honoured; anything else fails the allocation.
 *
 * Lifetime: an allocation does not retain its context. When a context is
 * destroyed, the allocations still registered for it are freed (the
 * application could not free them any more: clSVMFree needs a valid
 * context). Lock order: the table lock may be taken while holding a
 * context lock or the scheduler lock, never the other way round.
 */
#ifndef HMMCL_CORE_SVM_H
#define HMMCL_CORE_SVM_H

#include "object.h"

#include <stddef.h>
#include <stdint.h>

#define HX_SVM_DEFAULT_ALIGN ((size_t)128)
#define HX_SVM_MAX_ALIGN ((size_t)2 << 20)

/* One clSVMAlloc allocation, as the table knows it (a copy). */
struct hx_svm_alloc {
	void *base;
	size_t size;
	cl_svm_mem_flags flags;
	cl_context ctx;
	uint64_t id; /* unique per allocation: addresses are reused */
};

/* Returns 1 and fills *out (when out is non-NULL) when ptr lies inside an
 * allocation of ctx (ctx NULL: of any context), else 0. */
int hx_svm_find(cl_context ctx, const void *ptr, struct hx_svm_alloc *out);

/* Like hx_svm_find, and also checks that [ptr, ptr + size) stays inside
 * that allocation; size 0 means "up to the end of the allocation". */
int hx_svm_find_range(cl_context ctx, const void *ptr, size_t size,
		      struct hx_svm_alloc *out);

/* SVM capabilities common to every device of ctx (the intersection). */
cl_device_svm_capabilities hx_svm_context_caps(cl_context ctx);

/* clSVMAlloc's rules: returns the allocation or NULL with *err set to the
 * reason (CL_INVALID_CONTEXT, CL_INVALID_VALUE, CL_INVALID_BUFFER_SIZE,
 * CL_INVALID_OPERATION when no device of ctx has SVM,
 * CL_OUT_OF_HOST_MEMORY); clSVMAlloc itself has no error code to report,
 * the reason is traced with HMMCL_DEBUG=svm. */
void *hx_svm_alloc(cl_context ctx, cl_svm_mem_flags flags, size_t size,
		   cl_uint alignment, cl_int *err);

/* Frees the allocation whose base is ptr, in ctx. Returns 1 when freed,
 * 0 when ptr is NULL or not the base of a live allocation of ctx (then it
 * does nothing: a foreign pointer is never passed to free()). */
int hx_svm_free(cl_context ctx, void *ptr);

/* The kernel layer's check of a clSetKernelArgSVMPointer value: NULL, or
 * any address when every device of ctx has fine-grain system SVM, or an
 * address inside an SVM allocation of ctx. CL_SUCCESS or
 * CL_INVALID_ARG_VALUE. */
cl_int hx_svm_check_kernel_arg(cl_context ctx, const void *ptr);

/* The queue rule of every SVM enqueue: CL_INVALID_COMMAND_QUEUE for a
 * handle that is not a valid host queue, CL_INVALID_OPERATION when its
 * device has no SVM capability (SVM is optional in OpenCL 3.0). */
cl_int hx_svm_check_queue(cl_command_queue q);

/* Where the memory comes from: the one place the SVM manager swaps (it
 * replaces these two bodies, nothing else). align is a power of two
 * >= HX_SVM_DEFAULT_ALIGN; the table records the requested size. */
void *hx_svm_backing_alloc(size_t size, size_t align, cl_svm_mem_flags flags);
void hx_svm_backing_free(void *base, size_t size, cl_svm_mem_flags flags);

/* Number of live allocations (all contexts); for tests and statistics. */
size_t hx_svm_count(void);

/* Command bodies, called from the run functions of the SVM enqueue calls
 * (never with a lock held); each returns CL_COMPLETE or a negative status.
 * They are the places the SVM manager plugs the device paths into:
 * map/unmap only order (the scheduler does that; the host reaches every
 * page, a device-resident one by faulting it home). */
struct hx_svm_range {
	void *base;
	size_t size;
	uint64_t alloc_id; /* the allocation it lies in; 0: a host range */
};

/* The range rule of clEnqueueSVMMigrateMem (and of any call naming SVM
 * ranges): p must lie inside an SVM allocation of ctx; size 0 means the
 * entire allocation containing p, else [p, p + size) must stay inside it.
 * When every device of ctx has fine-grain system SVM, a host range
 * outside any allocation is accepted with an explicit size. Returns
 * CL_SUCCESS with *out set, or CL_INVALID_VALUE. */
cl_int hx_svm_resolve_range(cl_context ctx, const void *p, size_t size,
			    struct hx_svm_range *out);

/* Copy and fill on q's device: while pages are device-resident anywhere,
 * mirrored (SVM) ends go through device DMA (no CPU fault, no move). */
cl_int hx_svm_copy(cl_command_queue q, void *dst, const void *src, size_t size);
cl_int hx_svm_fill(cl_command_queue q, void *dst, const void *pattern,
		   size_t pattern_size, size_t size);
cl_int hx_svm_map(cl_command_queue q, void *ptr, size_t size,
		  cl_map_flags flags);
cl_int hx_svm_unmap(cl_command_queue q, void *ptr);
/* Ranges are resolved by the API layer: inside one allocation each
 * (sizes NULL or 0 already expanded to the whole allocation). Moves the
 * whole pages they touch to q's device (flags 0) or to system memory
 * (CL_MIGRATE_MEM_OBJECT_HOST); CONTENT_UNDEFINED drops the contents.
 * Memory that cannot move stays where it is (a migration is a hint). */
cl_int hx_svm_migrate(cl_command_queue q, const struct hx_svm_range *r,
		      cl_uint n, cl_mem_migration_flags flags);

/* cl_hmm_svm_statistics: dev's counters since the platform opened
 * /dev/hmm (all 0 without the SVM manager: nothing ever moves). */
struct cl_svm_statistics_hmm;
void hx_svm_statistics(cl_device_id dev, struct cl_svm_statistics_hmm *out);

#endif
