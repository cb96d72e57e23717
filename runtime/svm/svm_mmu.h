/* The device MMU for the mirrored kernel variant and the gate between
 * migrations to a device and direct kernels.
 *
 * Residency is a property of the process: a direct kernel dereferences
 * raw host addresses, so it may run only while no page of the process is
 * device-resident (it would still be correct, the CPU faulting pages home,
 * but it would undo the placement). A launch asks hx_svm_direct_enter();
 * on 1 it runs the direct variant holding the gate (a migration to a
 * device waits for it, ~20 ms at most), on 0 it runs the mirrored variant with the MMU of
 * its device (hx_svm_mirrored_begin/end), which needs no gate: its
 * aperture translations stay valid because every private device holds
 * (HMM_DEV_IOC_APERTURE) while any mirrored launch runs.
 */
#ifndef HMMCL_SVM_MMU_H
#define HMMCL_SVM_MMU_H

#include <stdint.h>

struct hx_mmu;

/* 1: run direct, the gate is held until hx_svm_direct_exit(). 0: run
 * mirrored (some page may be device-resident). */
int hx_svm_direct_enter(void);
void hx_svm_direct_exit(void);

/* The MMU of device dev for one mirrored launch, or NULL when the device
 * has no device memory or the backend cannot hold apertures (then run
 * direct: correct, pages fault home). Every non-NULL begin needs an end. */
const struct hx_mmu *hx_svm_mirrored_begin(unsigned dev);
void hx_svm_mirrored_end(void);

/* Around every migration ioctl (svm_mgr.c): apertures are held while
 * it moves pages and until its generation bump; returns what _end needs. */
int hx_svm_migration_begin(void);
void hx_svm_migration_end(int held);
/* Migrations to a device take the gate exclusively (svm_mgr.c), waiting
 * at most ~20 ms for running direct kernels; returns 1 when taken, 0 when
 * the migration goes ahead under them (pass it to _unlock). */
int hx_svm_gate_migrate_lock(void);
void hx_svm_gate_migrate_unlock(int held, int moved_to_device);
/* Any migration that moved pages: every cached translation is dropped
 * (a slot a page left outside a mirrored launch may serve another page,
 * and migrations raise no event). */
void hx_svm_mmu_migrated(void);
/* Maps device dev's ACCESSED_BY ranges into its page table ahead of any
 * kernel (svm_policy.c): always when force, else only when translations
 * were dropped since the last time. */
void hx_svm_mmu_prefill(unsigned dev, int force);

#endif
