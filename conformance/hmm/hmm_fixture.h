/* Fixture for the /dev/hmm ABI tests: one body, two backends.
 *
 * HMMCL_BACKEND=kernel runs the body against /dev/hmm (the kernel module)
 * and skips when it does not open; anything else runs it against the
 * user-space backend. Helpers return 0 or the errno of the call.
 */
#ifndef HMM_FIXTURE_H
#define HMM_FIXTURE_H

#include "harness.h"
#include "hmm_door.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PS 4096UL

static int H = -1;
static struct hmm_dev_info INFO;

#define CHECK_ERRNO(expr, want)                                                \
	do {                                                                   \
		int got_ = (expr), want_ = (want);                             \
		if (got_ != want_)                                             \
			hx_test_fail(__FILE__, __LINE__,                       \
				     "%s: got %d (%s), want %d (%s)", #expr,   \
				     got_, strerror(got_), want_,              \
				     strerror(want_));                         \
	} while (0)

static inline int fx_kernel(void)
{
	const char *b = getenv("HMMCL_BACKEND");

	return b && !strcmp(b, "kernel");
}

static inline int io(unsigned long req, void *arg)
{
	return hx_hmm_ioctl(H, req, arg) ? errno : 0;
}

static inline void fx_open(void)
{
	H = hx_hmm_open(fx_kernel() ? HX_HMM_BACKEND_KERNEL
				    : HX_HMM_BACKEND_USER);
	if (H < 0 && fx_kernel())
		SKIP("/dev/hmm does not open (%s): kernel module not loaded",
		     strerror(errno));
	CHECK(H >= 0);
	CHECK_ERRNO(io(HMM_DEV_IOC_INFO, &INFO), 0);
}

static inline int fx_user(void)
{
	return INFO.backend == HMM_DEV_BACKEND_USER;
}

static inline void fx_need_migration(void)
{
	if (!(INFO.features & HMM_DEV_FEATURE_MIGRATE_ANON))
		SKIP("migration unavailable (degraded reason %u, errno %d)",
		     INFO.degraded_reason, INFO.degraded_errno);
}

/* First device of a kind, or SKIP. */
static inline uint32_t fx_dev(uint32_t kind, int nth)
{
	for (uint32_t d = 0; d < INFO.ndevices; d++)
		if (INFO.devices[d].kind == kind && nth-- == 0)
			return d;
	SKIP("no %s device #%d",
	     kind == HMM_DEV_MEM_PRIVATE ? "private" : "coherent", nth);
	return 0;
}

static inline int reg(void *p, size_t n, uint32_t dev)
{
	struct hmm_dev_range r = {(uintptr_t)p, n, dev, 0};

	return io(HMM_DEV_IOC_REGISTER, &r);
}

static inline int unreg(void *p, size_t n, uint32_t dev)
{
	struct hmm_dev_range r = {(uintptr_t)p, n, dev, 0};

	return io(HMM_DEV_IOC_UNREGISTER, &r);
}

static inline int mig_full(void *p, size_t n, uint32_t target, uint32_t flags,
			   struct hmm_dev_migrate *m)
{
	*m = (struct hmm_dev_migrate){
	    .start = (uintptr_t)p, .size = n, .target = target, .flags = flags};
	return io(HMM_DEV_IOC_MIGRATE, m);
}

static inline int mig(void *p, size_t n, uint32_t target)
{
	struct hmm_dev_migrate m;

	return mig_full(p, n, target, 0, &m);
}

static inline int dev_rw(int write, uint32_t dev, void *addr, void *buf,
			 size_t n)
{
	struct hmm_dev_rw rw = {(uintptr_t)addr, n, (uintptr_t)buf, dev, 0};

	return io(write ? HMM_DEV_IOC_WRITE : HMM_DEV_IOC_READ, &rw);
}

static inline int snap(void *p, size_t n, uint32_t dev, uint64_t *st)
{
	struct hmm_dev_snapshot s = {(uintptr_t)p, n, (uintptr_t)st, dev, 0};

	return io(HMM_DEV_IOC_SNAPSHOT, &s);
}

static inline struct hmm_dev_stats stats(uint32_t dev)
{
	struct hmm_dev_stats s = {.device = dev};

	CHECK_ERRNO(io(HMM_DEV_IOC_STATS, &s), 0);
	return s;
}

static inline void stats_reset(void)
{
	for (uint32_t d = 0; d < INFO.ndevices; d++) {
		struct hmm_dev_stats s = {.device = d,
					  .flags = HMM_DEV_STATS_RESET};

		CHECK_ERRNO(io(HMM_DEV_IOC_STATS, &s), 0);
	}
}

static inline uint64_t mem_free(uint32_t dev)
{
	struct hmm_dev_info i;

	CHECK_ERRNO(io(HMM_DEV_IOC_INFO, &i), 0);
	return i.devices[dev].mem_free;
}

static inline char *map_anon(size_t n)
{
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

/* Distinct per byte and per seed, so a misplaced page shows. */
static inline uint8_t pat(uintptr_t off, unsigned seed)
{
	return (uint8_t)((off * 131 + (off >> 12) * 7 + seed * 29) ^
			 (off >> 8));
}

static inline void fill(char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)pat(i, seed);
}

/* Returns the offset of the first wrong byte, or -1. */
static inline long verify(const char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)p[i] != pat(i, seed))
			return (long)i;
	return -1;
}

/* Reads every pending event into ev (max n); returns the count. */
static inline int events(struct hmm_dev_event *ev, int n)
{
	int got = 0;

	while (got < n) {
		ssize_t r = hx_hmm_read(H, ev + got, (n - got) * sizeof(*ev));

		if (r <= 0)
			break;
		got += (int)(r / sizeof(*ev));
	}
	return got;
}

static inline int has_event(struct hmm_dev_event *ev, int n, uint32_t type,
			    uintptr_t start, size_t size)
{
	for (int i = 0; i < n; i++)
		if (ev[i].type == type && ev[i].start == start &&
		    ev[i].size == size)
			return 1;
	return 0;
}

#endif
