/* Mirrors of plain host memory (malloc, stack, static data), made on
 * demand when a range of it is migrated: fine-grain system SVM makes any
 * host range shared memory, but /dev/hmm migrates, faults and reads only
 * mirrored ranges, and mirroring the whole address space up front is
 * neither possible (a mirror is a registered range) nor cheap.
 *
 * A host mirror covers the whole pages its range touches (those pages are
 * mapped: the range's bytes are in them, so the backend's invalidation
 * events can be armed on them); what migrates is decided by the caller
 * (inward rounding). Mirrors are kept until a new mapping of the SVM pool
 * lands on their addresses (the old mapping is gone then): mapping and
 * unmapping heap memory does not make a mirror wrong, it only raises
 * events. Registered identically on every device, so that UNREGISTER
 * (which wants the exact range) finds each one. */
#include "svm_hostmir.h"

#include "hmm_door.h"
#include "svm_mgr.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct iv {
	uintptr_t start, end;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct iv *ivs; /* sorted, disjoint; protected by lock */
static size_t nivs, cap; /* protected by lock */

/* First interval ending after a. lock held. */
static size_t first_after(uintptr_t a)
{
	size_t lo = 0, hi = nivs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ivs[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int reg(unsigned long req, uintptr_t a, uintptr_t b, unsigned upto)
{
	int h = hx_svm_mgr_handle();
	struct hmm_dev_range r;
	unsigned d;

	for (d = 0; d < upto; d++) {
		memset(&r, 0, sizeof(r));
		r.start = a;
		r.size = b - a;
		r.device = d;
		if (hx_hmm_ioctl(h, req, &r) < 0 && req == HMM_DEV_IOC_REGISTER) {
			int err = errno;

			/* All devices or none: unregistration wants the same
			 * range on each. */
			reg(HMM_DEV_IOC_UNREGISTER, a, b, d);
			return err;
		}
	}
	return 0;
}

/* Registers [a, b) and records it at index i. lock held. */
static int add_locked(size_t i, uintptr_t a, uintptr_t b)
{
	int err;

	if (nivs == cap) {
		size_t ncap = cap ? 2 * cap : 16;
		struct iv *n = realloc(ivs, ncap * sizeof(*n));

		if (!n)
			return ENOMEM;
		ivs = n;
		cap = ncap;
	}
	err = reg(HMM_DEV_IOC_REGISTER, a, b, hx_svm_mgr_ndevices());
	if (err)
		return err;
	memmove(&ivs[i + 1], &ivs[i], (nivs - i) * sizeof(*ivs));
	ivs[i] = (struct iv){a, b};
	nivs++;
	return 0;
}

int hx_svm_hostmir_cover(uintptr_t start, size_t size)
{
	size_t page = hx_svm_mgr_page_size(), i;
	uintptr_t a = start & ~(page - 1);
	uintptr_t end = (start + size + page - 1) & ~(page - 1);
	int err = 0;

	if (hx_svm_mgr_handle() < 0)
		return ENODEV;
	if (!size || end <= a)
		return EINVAL;
	pthread_mutex_lock(&lock);
	/* Register the gaps between what is mirrored already. */
	for (i = first_after(a); !err && a < end;) {
		uintptr_t b = (i < nivs && ivs[i].start < end) ? ivs[i].start
							       : end;

		if (b > a) {
			err = add_locked(i, a, b);
			i++;
		}
		if (i < nivs && ivs[i].start < end) {
			a = ivs[i].end;
			i++;
		} else {
			a = end;
		}
	}
	pthread_mutex_unlock(&lock);
	/* EEXIST: part of it is an SVM allocation's mirror, which serves. */
	return err == EEXIST ? 0 : err;
}

int hx_svm_hostmir_covers(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;
	size_t i;
	int yes;

	if (!size)
		return 0;
	pthread_mutex_lock(&lock);
	/* Contiguous intervals may cover it together. */
	for (i = first_after(a); i < nivs && ivs[i].start <= a; i++)
		a = ivs[i].end;
	yes = a >= (uintptr_t)p + size;
	pthread_mutex_unlock(&lock);
	return yes;
}

void hx_svm_hostmir_forget(uintptr_t start, size_t size)
{
	uintptr_t end = start + size;
	size_t i;

	pthread_mutex_lock(&lock);
	i = first_after(start);
	while (i < nivs && ivs[i].start < end) {
		reg(HMM_DEV_IOC_UNREGISTER, ivs[i].start, ivs[i].end,
		    hx_svm_mgr_ndevices());
		memmove(&ivs[i], &ivs[i + 1], (nivs - i - 1) * sizeof(*ivs));
		nivs--;
	}
	pthread_mutex_unlock(&lock);
}

size_t hx_svm_hostmir_count(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = nivs;
	pthread_mutex_unlock(&lock);
	return n;
}
