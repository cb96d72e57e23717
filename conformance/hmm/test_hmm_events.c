/* /dev/hmm ABI: invalidation events and their statistics. */
#include "hmm_fixture.h"

#include <poll.h>
#include <sys/wait.h>

static uint32_t setup(void)
{
	fx_open();
	fx_need_migration();
	return fx_dev(HMM_DEV_MEM_PRIVATE, 0);
}

TEST(event_unmap_migrated)
{
	uint32_t d = setup();
	char *p = map_anon(8 * PS);
	struct hmm_dev_event ev[32];
	int n;

	CHECK_ERRNO(reg(p, 8 * PS, d), 0);
	p[0] = 1;
	CHECK_ERRNO(mig(p, 8 * PS, d), 0);
	stats_reset();
	CHECK_EQ(munmap(p + 2 * PS, 3 * PS), 0);
	n = events(ev, 32);
	CHECK(has_event(ev, n, HMM_DEV_EVENT_UNMAP, (uintptr_t)p + 2 * PS,
			3 * PS));
	CHECK_EQ(stats(d).invalidations, 3);
	for (int i = 1; i < n; i++)
		CHECK_EQ(ev[i].seq, ev[i - 1].seq + 1);
}

TEST(event_remove)
{
	uint32_t d = setup();
	char *p = map_anon(8 * PS);
	struct hmm_dev_event ev[32];
	int n;

	fill(p, 8 * PS, 1);
	CHECK_ERRNO(reg(p, 8 * PS, d), 0);
	CHECK_ERRNO(mig(p, 8 * PS, d), 0);
	stats_reset();
	CHECK_EQ(madvise(p + 4 * PS, 4 * PS, MADV_DONTNEED), 0);
	n = events(ev, 32);
	CHECK(has_event(ev, n, HMM_DEV_EVENT_REMOVE, (uintptr_t)p + 4 * PS,
			4 * PS));
	CHECK_EQ(stats(d).invalidations, 4);
}

TEST(event_remap)
{
	uint32_t d = setup();
	char *p = map_anon(8 * PS), *q = map_anon(16 * PS);
	struct hmm_dev_event ev[32];
	int n, found = 0;

	fill(p, 8 * PS, 2);
	CHECK_ERRNO(reg(p, 8 * PS, d), 0);
	CHECK_ERRNO(mig(p, 8 * PS, d), 0);
	(void)events(ev, 32);
	CHECK(mremap(p, 8 * PS, 8 * PS, MREMAP_MAYMOVE | MREMAP_FIXED, q) == q);
	n = events(ev, 32);
	for (int i = 0; i < n; i++)
		found |= ev[i].type == HMM_DEV_EVENT_REMAP &&
			 ev[i].start == (uintptr_t)p &&
			 ev[i].new_start == (uintptr_t)q &&
			 ev[i].size == 8 * PS;
	CHECK(found);
	CHECK_EQ(verify(q, 8 * PS, 2), -1);
}

TEST(event_cpu_fault_migrated)
{
	uint32_t d = setup();
	size_t n = 4 * PS;
	char *p = map_anon(n);
	struct hmm_dev_event ev[32];
	int k, pages = 0;

	fill(p, n, 3);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	CHECK_EQ(events(ev, 32), 0); /* asked-for migrations raise nothing */
	CHECK_EQ((uint8_t)p[PS + 1], pat(PS + 1, 3));
	k = events(ev, 32);
	for (int i = 0; i < k; i++) {
		CHECK_EQ(ev[i].type, HMM_DEV_EVENT_MIGRATED);
		CHECK_EQ(ev[i].device, d);
		CHECK(ev[i].start >= (uintptr_t)p &&
		      ev[i].start + ev[i].size <= (uintptr_t)p + n);
		pages += (int)(ev[i].size / PS);
	}
	CHECK(pages >= 1);
	CHECK_EQ(stats(d).invalidations, pages);
}

TEST(event_mirror_only)
{
	fx_open();
	char *p = map_anon(8 * PS);
	struct hmm_dev_event ev[32];

	if (!(INFO.features & HMM_DEV_FEATURE_EVENTS_ANON))
		SKIP("no invalidation events for anonymous mirrors here");
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	fill(p, 8 * PS, 4); /* first touch does not fault into the backend */
	stats_reset();
	CHECK_EQ(munmap(p, 8 * PS), 0);
	CHECK(has_event(ev, events(ev, 32), HMM_DEV_EVENT_UNMAP, (uintptr_t)p,
			8 * PS));
	CHECK_EQ(stats(0).invalidations, 8);
}

TEST(event_fork)
{
	uint32_t d = setup();
	char *p = map_anon(4 * PS);
	struct hmm_dev_event ev[32];
	int n, fork_ev = 0, mig_pages = 0, status;
	pid_t pid;

	fill(p, 4 * PS, 5);
	CHECK_ERRNO(reg(p, 4 * PS, d), 0);
	CHECK_ERRNO(mig(p, 4 * PS, d), 0);
	pid = fork();
	if (pid == 0)
		_exit(verify(p, 4 * PS, 5) == -1 ? 0 : 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	n = events(ev, 32);
	for (int i = 0; i < n; i++) {
		fork_ev += ev[i].type == HMM_DEV_EVENT_FORK;
		if (ev[i].type == HMM_DEV_EVENT_MIGRATED)
			mig_pages += (int)(ev[i].size / PS);
	}
	if (!(INFO.features & HMM_DEV_FEATURE_FORK_MIGRATES_BACK))
		SKIP("this backend keeps device pages across fork");
	CHECK_EQ(fork_ev, 1);
	CHECK_EQ(mig_pages, 4);
	CHECK_EQ(mem_free(d), INFO.devices[d].mem_size);
}

TEST(event_fd_polls)
{
	uint32_t d = setup();
	char *p = map_anon(4 * PS);
	struct pollfd pf;
	struct hmm_dev_event ev[4];

	CHECK_ERRNO(reg(p, 4 * PS, d), 0);
	CHECK_ERRNO(mig(p, 4 * PS, d), 0);
	pf = (struct pollfd){hx_hmm_event_fd(H), POLLIN, 0};
	CHECK(pf.fd >= 0);
	CHECK_EQ(poll(&pf, 1, 0), 0);
	CHECK_EQ(munmap(p, 4 * PS), 0);
	CHECK_EQ(poll(&pf, 1, 1000), 1);
	CHECK(events(ev, 4) >= 1);
	CHECK_EQ(poll(&pf, 1, 0), 0);
	CHECK_EQ(hx_hmm_read(H, ev, sizeof(ev)), -1);
	CHECK_EQ(errno, EAGAIN);
}

TEST(event_every_handle)
{
	uint32_t d = setup();
	int h2 = hx_hmm_open(fx_kernel() ? HX_HMM_BACKEND_KERNEL
					 : HX_HMM_BACKEND_USER);
	char *p = map_anon(4 * PS);
	struct hmm_dev_event ev[8];

	CHECK(h2 >= 0);
	CHECK_ERRNO(reg(p, 4 * PS, d), 0);
	CHECK_ERRNO(mig(p, 4 * PS, d), 0);
	CHECK_EQ(munmap(p, 4 * PS), 0);
	CHECK(has_event(ev, events(ev, 8), HMM_DEV_EVENT_UNMAP, (uintptr_t)p,
			4 * PS));
	CHECK_EQ(hx_hmm_read(h2, ev, sizeof(ev)) > 0, 1);
	CHECK_EQ(hx_hmm_close(h2), 0);
}
