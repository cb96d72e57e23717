/* The SVM manager's instance, allocations, migration and statistics. */
#include "svm_mgr.h"

#include "hmm_door.h"
#include "svm_hostmir.h"
#include "svm_mmu.h"
#include "svm_policy.h"
#include "svm_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct {
	int h; /* /dev/hmm handle, -1 when it did not open */
	unsigned ndevices;
	size_t page;
	int migrates; /* MIGRATE_ANON and not degraded */
	/* Counters at open: statistics are reported from there on. */
	struct hmm_dev_stats base[HMM_DEV_MAX_DEVICES];
} mgr = {.h = -1};
static pthread_once_t mgr_once = PTHREAD_ONCE_INIT;

static void read_stats(unsigned dev, struct hmm_dev_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->device = dev;
	if (hx_hmm_ioctl(mgr.h, HMM_DEV_IOC_STATS, s) < 0)
		memset(s, 0, sizeof(*s));
}

static void mgr_open(void)
{
	struct hmm_dev_info info;
	unsigned d;

	mgr.page = (size_t)sysconf(_SC_PAGESIZE);
	mgr.h = hx_hmm_open(HX_HMM_BACKEND_AUTO);
	if (mgr.h < 0) {
		if (hx_hmm_debug_enabled())
			fprintf(stderr, "svm: /dev/hmm did not open: %s\n",
				strerror(errno));
		return;
	}
	/* Our ioctl arguments are always our own live memory. */
	hx_hmm_trust(mgr.h);
	memset(&info, 0, sizeof(info));
	if (hx_hmm_ioctl(mgr.h, HMM_DEV_IOC_INFO, &info) < 0) {
		hx_hmm_close(mgr.h);
		mgr.h = -1;
		return;
	}
	mgr.page = info.page_size;
	mgr.ndevices = info.ndevices;
	mgr.migrates = (info.features & HMM_DEV_FEATURE_MIGRATE_ANON) &&
		       info.degraded_reason == HMM_DEV_DEGRADED_NONE;
	for (d = 0; d < mgr.ndevices; d++)
		read_stats(d, &mgr.base[d]);
}

static int opened(void)
{
	pthread_once(&mgr_once, mgr_open);
	return mgr.h >= 0;
}

int hx_svm_mgr_available(void)
{
	return opened() && mgr.migrates;
}

int hx_svm_mgr_handle(void)
{
	opened();
	return mgr.h;
}

unsigned hx_svm_mgr_ndevices(void)
{
	return opened() ? mgr.ndevices : 0;
}

size_t hx_svm_mgr_page_size(void)
{
	opened();
	return mgr.page;
}

static size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* An anonymous mapping of size bytes aligned to align (both page
 * multiples): over-map, then trim the ends. */
static void *map_aligned(size_t size, size_t align)
{
	size_t span = size + align - mgr.page;
	uintptr_t p, a;
	void *m;

	m = mmap(NULL, span, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	p = (uintptr_t)m;
	a = round_up(p, align);
	if (a > p)
		munmap(m, a - p);
	if (p + span > a + size)
		munmap((void *)(a + size), p + span - (a + size));
	return (void *)a;
}

static void mirror(unsigned long req, void *base, size_t size, unsigned n)
{
	struct hmm_dev_range r;
	unsigned d;

	for (d = 0; d < n; d++) {
		memset(&r, 0, sizeof(r));
		r.start = (uintptr_t)base;
		r.size = size;
		r.device = d;
		/* A refused mirror leaves the memory usable by the host and
		 * by kernels in place; only migration and device DMA of it
		 * are lost, and those report ENXIO. */
		if (hx_hmm_ioctl(mgr.h, req, &r) < 0 && hx_hmm_debug_enabled())
			fprintf(stderr, "svm: %s %p+%zu dev %u: %s\n",
				req == HMM_DEV_IOC_REGISTER ? "register"
							    : "unregister",
				base, size, d, strerror(errno));
	}
}

static void mirror_all(void *p, size_t size)
{
	if (mgr.h < 0)
		return;
	/* mmap reused the addresses of host memory mirrored earlier. */
	hx_svm_hostmir_forget((uintptr_t)p, size);
	mirror(HMM_DEV_IOC_REGISTER, p, size, mgr.ndevices);
}

static void *map_rw(size_t size, size_t align)
{
	return map_aligned(size, align);
}

/* Its own mapping and mirror: for what the pool does not serve. */
static void *alloc_own(size_t size, size_t align)
{
	void *p;

	/* A guard page after the allocation: an overrun faults instead of
	 * reaching the next allocation, and an address just outside one is
	 * never inside another. */
	p = map_aligned(size + mgr.page, align);
	if (!p)
		return NULL;
	if (mprotect((char *)p + size, mgr.page, PROT_NONE) != 0) {
		munmap(p, size + mgr.page);
		return NULL;
	}
	mirror_all(p, size);
	return p;
}

void *hx_svm_mgr_alloc(size_t size, size_t align)
{
	struct hx_svm_pool_ops ops;

	opened();
	ops = (struct hx_svm_pool_ops){mgr.page, map_rw, mirror_all};
	size = round_up(size, mgr.page);
	if (align < mgr.page)
		align = mgr.page;
	if (mgr.h >= 0 && size <= HX_SVM_POOL_MAX && align <= HX_SVM_POOL_ALIGN)
		return hx_svm_pool_alloc(size, align, &ops);
	return alloc_own(size, align);
}

void hx_svm_mgr_free(void *base, size_t size)
{
	struct hx_svm_mig_result res;

	if (!base)
		return;
	size = round_up(size, mgr.page);
	hx_svm_policy_forget((uintptr_t)base, size);
	if (hx_svm_pool_owns(base)) {
		/* Device pages of a freed run come home (contents dropped)
		 * so that device memory is not held by nobody. */
		if (hx_svm_mgr_device_pages() > 0)
			hx_svm_mgr_migrate((uintptr_t)base, size,
					   HX_SVM_TO_SYSTEM, 1, &res);
		hx_svm_pool_free(base, size, mgr.page);
		return;
	}
	if (mgr.h >= 0)
		mirror(HMM_DEV_IOC_UNREGISTER, base, size, mgr.ndevices);
	munmap(base, size + mgr.page);
}

int hx_svm_mgr_migrate_raw(uintptr_t start, size_t size, int dev,
			   int undefined, struct hx_svm_mig_result *res)
{
	struct hmm_dev_migrate m;
	int err = 0, held, gated = 0;

	memset(res, 0, sizeof(*res));
	if (!opened())
		return ENODEV;
	if (dev != HX_SVM_TO_SYSTEM && (unsigned)dev >= mgr.ndevices)
		return ENODEV;
	if (size == 0)
		return 0;
	memset(&m, 0, sizeof(m));
	m.start = start;
	m.size = size;
	m.target = dev == HX_SVM_TO_SYSTEM ? HMM_DEV_LOC_SYSTEM : (__u32)dev;
	m.flags = undefined ? HMM_DEV_MIGRATE_CONTENT_UNDEFINED : 0;
	/* A direct kernel never runs while a page goes to a device. */
	if (dev != HX_SVM_TO_SYSTEM)
		gated = hx_svm_gate_migrate_lock();
	held = hx_svm_migration_begin();
	if (hx_hmm_ioctl(mgr.h, HMM_DEV_IOC_MIGRATE, &m) < 0)
		err = errno;
	if (m.npages_moved)
		hx_svm_mmu_migrated();
	hx_svm_migration_end(held);
	if (dev != HX_SVM_TO_SYSTEM)
		hx_svm_gate_migrate_unlock(gated, m.npages_moved > 0);
	res->pages_moved = m.npages_moved;
	res->pages_done = m.npages_done;
	return err;
}

uint64_t hx_svm_mgr_device_pages(void)
{
	struct hmm_dev_stats s;
	uint64_t n = 0;
	unsigned d;

	if (!opened())
		return 0;
	for (d = 0; d < mgr.ndevices; d++) {
		read_stats(d, &s);
		n += s.pages_to_device - s.pages_to_system;
	}
	return n;
}

int hx_svm_mgr_stats(unsigned dev, struct hx_svm_dev_stats *out)
{
	const struct hmm_dev_stats *b;
	struct hmm_dev_stats s;

	memset(out, 0, sizeof(*out));
	if (!opened() || dev >= mgr.ndevices)
		return 0; /* no device memory: nothing ever moved */
	read_stats(dev, &s);
	b = &mgr.base[dev];
	out->device_faults = s.device_faults - b->device_faults;
	out->cpu_faults = s.cpu_faults - b->cpu_faults;
	out->pages_to_device = s.pages_to_device - b->pages_to_device;
	out->pages_to_host = s.pages_to_system - b->pages_to_system;
	out->bytes_to_device = s.bytes_to_device - b->bytes_to_device;
	out->bytes_to_host = s.bytes_to_system - b->bytes_to_system;
	out->invalidations = s.invalidations - b->invalidations;
	return 0;
}
