/* Placement policy of the SVM manager (cl_hmm_svm_advise): the advice
 * table, migration on first touch, thrashing protection, the LRU of
 * device-resident blocks and eviction when device memory is full, and the
 * residency query. See docs/svm.md "Placement policy".
 *
 * Advice lives in the runtime's own table (sorted disjoint intervals, read
 * by every device fault that may act on it) and is mirrored into the
 * backend with HMM_DEV_IOC_SET_ATTR, so that GET_ATTR and the kernel module
 * see the same values. The table is the one the runtime acts on.
 *
 * Lock order: a device page-table lock (svm_mmu.c) may be held while the
 * policy's locks are taken; the policy never calls into the MMU or the
 * manager while holding its own locks. Every function is thread-safe.
 */
#ifndef HMMCL_SVM_POLICY_H
#define HMMCL_SVM_POLICY_H

#include <stddef.h>
#include <stdint.h>

struct hmm_dev_event;

enum hx_svm_advice_op {
	HX_ADV_PREFER_DEVICE = 1, /* preferred location = dev */
	HX_ADV_PREFER_NONE,	  /* no preferred location */
	HX_ADV_PREFER_HOST,	  /* preferred location = system memory */
	HX_ADV_ACCESSED_BY,	  /* dev maps it ahead, never first-touches */
	HX_ADV_NOT_ACCESSED_BY,
	HX_ADV_READ_MOSTLY, /* no device migrates it on first touch */
	HX_ADV_NOT_READ_MOSTLY,
};

/* Applies op (for device dev) to the whole pages [start, start + size).
 * Returns 0 or an errno (ENOMEM: the table could not grow). */
int hx_svm_policy_advise(uintptr_t start, size_t size, enum hx_svm_advice_op op,
			 unsigned dev);

/* The range [start, start + size) is gone (freed SVM memory, unmapped
 * host memory): its advice, LRU blocks and thrashing records go. */
void hx_svm_policy_forget(uintptr_t start, size_t size);

/* 1 while some range prefers a device: kernels must run mirrored (only
 * their device faults can migrate on first touch). Lock-free. */
int hx_svm_policy_prefers_device(void);

/* A device fault of dev on the system page pg: 1 when the policy wants
 * the block [*start, *start + *size) (which holds pg) on dev now. The
 * caller migrates it with hx_svm_policy_touch_migrate. */
int hx_svm_policy_first_touch(unsigned dev, uintptr_t pg, uintptr_t *start,
			      size_t *size);
/* Migrates a first-touch block to dev without evicting anything (a full
 * device leaves the page where it is: remote access). Pages moved. */
uint64_t hx_svm_policy_touch_migrate(unsigned dev, uintptr_t start,
				     size_t size);

/* A device fault of dev reached its own device page pg (LRU touch). */
void hx_svm_policy_touched(unsigned dev, uintptr_t pg);

/* An invalidation event read from /dev/hmm (svm_mmu.c drain_events). */
void hx_svm_policy_event(const struct hmm_dev_event *ev);

/* Calls fn(dev, start, size) for every range dev is ACCESSED_BY (the
 * MMU maps them ahead). Returns the number of ranges. */
unsigned hx_svm_policy_accessed(unsigned dev,
				void (*fn)(unsigned, uintptr_t, size_t, void *),
				void *arg);

/* Residency of npages pages from start (page aligned): out[i] is the hmm
 * device holding page i, or -1 for system memory. Returns 0, or EFAULT
 * when a page is not mapped. Never faults or moves anything. */
int hx_svm_policy_residency(uintptr_t start, size_t npages, int *out);

/* Tunables (environment, read once): see docs/svm.md. */
struct hx_svm_policy_tun {
	size_t touch_block;   /* HMMCL_SVM_TOUCH_BLOCK bytes, default 64 KiB */
	unsigned thrash_n;    /* HMMCL_SVM_THRASH_COUNT, default 3 */
	unsigned thrash_t_ms; /* HMMCL_SVM_THRASH_WINDOW_MS, default 1000 */
	unsigned pin_ms;      /* HMMCL_SVM_THRASH_PIN_MS, default 2000 */
};
const struct hx_svm_policy_tun *hx_svm_policy_tunables(void);

#endif
