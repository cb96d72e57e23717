/* The SVM manager: the runtime's only user of /dev/hmm (through
 * kernel-interface/include/hmm_door.h).
 *
 * One instance per process, opened on first use (hx_hmm_open(AUTO)). OpenCL
 * device i is hmm device i; the user backend sizes itself from the same
 * HMMCL_DEVICES variable as the platform, so the counts agree unless
 * HMMCL_HMM_DEVICES overrides the backend (then devices beyond the backend's
 * count have no device memory and migrations to them move nothing).
 *
 * Memory: every allocation is its own anonymous private mapping, whole
 * pages, aligned as asked, followed by a PROT_NONE guard page, mirrored by
 * every hmm device (REGISTER), so any device may migrate, fault, read and
 * write it. Freeing unregisters and
 * unmaps it; pages still on a device are dropped with the mapping.
 *
 * Every function is thread-safe (the backend serialises its state) and
 * returns 0 or a positive errno from /dev/hmm.
 */
#ifndef HMMCL_SVM_MGR_H
#define HMMCL_SVM_MGR_H

#include <stddef.h>
#include <stdint.h>

#define HX_SVM_TO_SYSTEM (-1)

/* What one migration did, page-exactly (sums over the calls it made). */
struct hx_svm_mig_result {
	uint64_t pages_moved;
	uint64_t pages_done;
};

/* Cumulative counters of one device since the manager opened /dev/hmm
 * (the platform's devices exist from then on: earlier activity is not
 * theirs). */
struct hx_svm_dev_stats {
	uint64_t device_faults;
	uint64_t cpu_faults;
	uint64_t pages_to_device, pages_to_host;
	uint64_t bytes_to_device, bytes_to_host;
	uint64_t invalidations;
};

/* 1 when /dev/hmm opened and migration to private devices works. */
int hx_svm_mgr_available(void);
/* Number of hmm devices (0 without /dev/hmm); page size in bytes. */
unsigned hx_svm_mgr_ndevices(void);
size_t hx_svm_mgr_page_size(void);

/* The /dev/hmm handle (-1 without one); for the manager's own files. */
int hx_svm_mgr_handle(void);

/* Whole pages, aligned to max(align, page), zeroed; NULL on failure. */
void *hx_svm_mgr_alloc(size_t size, size_t align);
void hx_svm_mgr_free(void *base, size_t size);

/* Migrates the whole pages [start, start + size) (page aligned) to device
 * dev or HX_SVM_TO_SYSTEM; undefined: drop the contents. A migration to a
 * full device evicts the least recently used device-resident blocks and
 * goes on (svm_policy.c, which defines it); ENOSPC only when even that
 * could not make room. */
int hx_svm_mgr_migrate(uintptr_t start, size_t size, int dev, int undefined,
		       struct hx_svm_mig_result *res);
/* The bare /dev/hmm migration under the gate, without the policy. */
int hx_svm_mgr_migrate_raw(uintptr_t start, size_t size, int dev,
			   int undefined, struct hx_svm_mig_result *res);

/* Device DMA through the mirror of dev: device-resident pages are reached
 * in device memory, system pages in place. ENXIO: not mirrored. */
int hx_svm_mgr_read(unsigned dev, void *buf, const void *addr, size_t n);
int hx_svm_mgr_write(unsigned dev, void *addr, const void *buf, size_t n);

/* Pages currently resident on any device (0 without /dev/hmm). */
uint64_t hx_svm_mgr_device_pages(void);

int hx_svm_mgr_stats(unsigned dev, struct hx_svm_dev_stats *out);

/* Migrations the policy makes on its own (first touch, eviction) are
 * reported to this hook when one is set (the runtime's HMMCL_TRACE):
 * what, the device concerned, the target (HX_SVM_TO_SYSTEM or a device),
 * the range, the bytes moved and the start time (CLOCK_MONOTONIC ns). */
typedef void (*hx_svm_migrate_hook)(const char *what, unsigned dev,
				    int to_dev, uintptr_t start, size_t size,
				    uint64_t bytes, uint64_t t0_ns);
void hx_svm_set_migrate_hook(hx_svm_migrate_hook fn);

#endif
