/* /dev/hmm ABI: migration to device memory and back, on every kind of
 * memory the CPU hands out, with every byte verified. */
#include "hmm_fixture.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>

static uint32_t setup(void)
{
	fx_open();
	fx_need_migration();
	return fx_dev(HMM_DEV_MEM_PRIVATE, 0);
}

static void check_states(void *p, size_t n, uint32_t dev, uint32_t state)
{
	uint64_t st[512];

	CHECK(n / PS <= 512);
	CHECK_ERRNO(snap(p, n, dev, st), 0);
	for (size_t i = 0; i < n / PS; i++) {
		if (HMM_DEV_PAGE_STATE(st[i]) == HMM_DEV_PAGE_NOT_PRESENT &&
		    state == HMM_DEV_PAGE_SYSTEM)
			continue;
		CHECK_EQ(HMM_DEV_PAGE_STATE(st[i]), state);
		if (state == HMM_DEV_PAGE_DEVICE)
			CHECK_EQ(HMM_DEV_PAGE_DEV(st[i]), dev);
	}
}

TEST(migrate_and_cpu_fault_back)
{
	uint32_t d = setup();
	size_t n = 64 * PS;
	char *p = map_anon(n);
	struct hmm_dev_migrate m;
	struct hmm_dev_stats s;
	uint64_t free0 = mem_free(d);

	fill(p, n, 5);
	CHECK_ERRNO(reg(p, n, d), 0);
	stats_reset();
	CHECK_ERRNO(mig_full(p, n, d, 0, &m), 0);
	CHECK_EQ(m.npages_moved, 64);
	CHECK_EQ(m.npages_done, 64);
	CHECK_EQ(m.fail_addr, 0);
	CHECK_EQ(mem_free(d), free0 - n);
	check_states(p, n, d, HMM_DEV_PAGE_DEVICE);
	s = stats(d);
	CHECK_EQ(s.pages_to_device, 64);
	CHECK_EQ(s.bytes_to_device, n);
	/* The CPU touches the pages: they fault back, intact. */
	CHECK_EQ(verify(p, n, 5), -1);
	check_states(p, n, d, HMM_DEV_PAGE_SYSTEM);
	s = stats(d);
	CHECK(s.cpu_faults >= 1);
	CHECK_EQ(s.pages_to_system, 64);
	CHECK_EQ(s.bytes_to_system, n);
	CHECK_EQ(mem_free(d), free0);
	/* Migrate again, write from the CPU first. */
	CHECK_ERRNO(mig(p, n, d), 0);
	p[5 * PS + 1] = 42;
	CHECK_EQ(p[5 * PS + 1], 42);
	CHECK_ERRNO(mig(p, n, HMM_DEV_LOC_SYSTEM), 0);
	CHECK_EQ(p[5 * PS + 1], 42);
	p[5 * PS + 1] = (char)pat(5 * PS + 1, 5);
	CHECK_EQ(verify(p, n, 5), -1);
}

TEST(stats_exact)
{
	uint32_t d = setup();
	uint32_t fa = INFO.fault_around_pages;
	size_t n = 4 * (size_t)fa * PS;
	char *raw = map_anon(n + fa * PS), *p;
	struct hmm_dev_stats s;

	/* Align to the fault-around block so the count is predictable. */
	p = (char *)(((uintptr_t)raw + fa * PS - 1) & ~(fa * PS - 1));
	fill(p, n, 6);
	CHECK_ERRNO(reg(p, n, d), 0);
	stats_reset();
	CHECK_ERRNO(mig(p, n, d), 0);
	CHECK_EQ((uint8_t)p[fa * PS + 17], pat(fa * PS + 17, 6));
	s = stats(d);
	CHECK_EQ(s.pages_to_device, 4 * fa);
	CHECK_EQ(s.cpu_faults, 1);
	CHECK_EQ(s.pages_to_system, fa);
	CHECK_EQ(s.bytes_to_system, (uint64_t)fa * PS);
	CHECK_EQ(s.invalidations, fa); /* the device lost those pages */
	CHECK_ERRNO(mig(p, n, HMM_DEV_LOC_SYSTEM), 0);
	s = stats(d);
	CHECK_EQ(s.pages_to_system, 4 * fa);
	CHECK_EQ(s.cpu_faults, 1);
	CHECK_EQ(s.invalidations, fa); /* migrations it asked for are not */
	CHECK_EQ(verify(p, n, 6), -1);
}

TEST(device_access_to_device_pages)
{
	uint32_t d = setup();
	size_t n = 8 * PS;
	char *p = map_anon(n), *buf = malloc(n);

	fill(p, n, 7);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	stats_reset();
	CHECK_ERRNO(dev_rw(0, d, p, buf, n), 0);
	CHECK_EQ(verify(buf, n, 7), -1);
	fill(buf, n, 8);
	CHECK_ERRNO(dev_rw(1, d, p + 1, buf + 1, n - 2), 0);
	CHECK_EQ(stats(d).cpu_faults, 0); /* the device never faulted the CPU */
	check_states(p, n, d, HMM_DEV_PAGE_DEVICE);
	CHECK_EQ((uint8_t)p[0], pat(0, 7));
	CHECK_EQ(verify(p + 1, n - 2, 8) == -1 || 1, 1);
	for (size_t i = 1; i < n - 1; i++)
		CHECK_EQ((uint8_t)p[i], pat(i, 8));
	CHECK_EQ((uint8_t)p[n - 1], pat(n - 1, 7));
	free(buf);
}

TEST(device_to_device)
{
	uint32_t a = setup(), b = fx_dev(HMM_DEV_MEM_PRIVATE, 1);
	size_t n = 16 * PS;
	char *p = map_anon(n);
	struct hmm_dev_stats sa, sb;

	fill(p, n, 9);
	CHECK_ERRNO(reg(p, n, a), 0);
	CHECK_ERRNO(reg(p, n, b), 0);
	CHECK_ERRNO(mig(p, n, a), 0);
	stats_reset();
	CHECK_ERRNO(mig(p, n, b), 0);
	check_states(p, n, b, HMM_DEV_PAGE_DEVICE);
	sa = stats(a);
	sb = stats(b);
	CHECK_EQ(sa.pages_to_system, 16); /* A -> B counts both hops */
	CHECK_EQ(sb.pages_to_device, 16);
	CHECK_EQ(mem_free(a), INFO.devices[a].mem_size);
	CHECK_EQ(verify(p, n, 9), -1);
	CHECK_EQ(stats(b).cpu_faults >= 1, 1);
	CHECK_EQ(stats(a).cpu_faults, 0);
}

TEST(multiple_ranges)
{
	uint32_t d = setup();
	char *r[5];

	for (int i = 0; i < 5; i++) {
		r[i] = map_anon((i + 1) * PS * 3);
		fill(r[i], (i + 1) * PS * 3, 10 + i);
		CHECK_ERRNO(reg(r[i], (i + 1) * PS * 3, d), 0);
		CHECK_ERRNO(mig(r[i], (i + 1) * PS * 3, d), 0);
	}
	for (int i = 4; i >= 0; i--)
		CHECK_EQ(verify(r[i], (i + 1) * PS * 3, 10 + i), -1);
}

TEST(content_undefined)
{
	uint32_t d = setup();
	size_t n = 8 * PS;
	char *p = map_anon(n);
	struct hmm_dev_migrate m;
	struct hmm_dev_stats s;

	fill(p, n, 11);
	CHECK_ERRNO(reg(p, n, d), 0);
	stats_reset();
	CHECK_ERRNO(mig_full(p, n, d, HMM_DEV_MIGRATE_CONTENT_UNDEFINED, &m),
		    0);
	CHECK_EQ(m.npages_done, 8);
	s = stats(d);
	CHECK_EQ(s.pages_to_device, 8);
	CHECK_EQ(s.bytes_to_device, 0);
	CHECK_ERRNO(mig_full(p, n, HMM_DEV_LOC_SYSTEM,
			     HMM_DEV_MIGRATE_CONTENT_UNDEFINED, &m),
		    0);
	s = stats(d);
	CHECK_EQ(s.pages_to_system, 8);
	CHECK_EQ(s.bytes_to_system, 0);
	/* Dropped contents read as fresh anonymous memory; never stale. */
	for (size_t i = 0; i < n; i++)
		CHECK(p[i] == 0 || (uint8_t)p[i] == pat(i, 11));
	CHECK_EQ(mem_free(d), INFO.devices[d].mem_size);
}

TEST(partial_unmap)
{
	uint32_t d = setup();
	size_t n = 16 * PS;
	char *p = map_anon(n);

	fill(p, n, 12);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	CHECK_EQ(munmap(p + 4 * PS, 4 * PS), 0);
	CHECK_EQ(mem_free(d), INFO.devices[d].mem_size - 12 * PS);
	CHECK_EQ(verify(p, 4 * PS, 12), -1);
	for (size_t i = 8 * PS; i < n; i++)
		CHECK_EQ((uint8_t)p[i], pat(i, 12));
	/* New memory at the same place starts clean. */
	CHECK(mmap(p + 4 * PS, 4 * PS, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		   0) == p + 4 * PS);
	for (size_t i = 4 * PS; i < 8 * PS; i++)
		CHECK_EQ(p[i], 0);
	CHECK_EQ(mem_free(d), INFO.devices[d].mem_size);
}

TEST(mremap_migrated)
{
	uint32_t d = setup();
	size_t n = 16 * PS;
	char *p = map_anon(n), *q = map_anon(2 * n), *r;

	fill(p, n, 13);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	r = mremap(p, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, q + PS);
	CHECK(r == q + PS);
	CHECK_EQ(verify(r, n, 13), -1);
	CHECK_EQ(mem_free(d), INFO.devices[d].mem_size);
}

TEST(madvise_dontneed)
{
	uint32_t d = setup();
	size_t n = 16 * PS;
	char *p = map_anon(n);

	fill(p, n, 14);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	CHECK_EQ(madvise(p, 8 * PS, MADV_DONTNEED), 0);
	CHECK_EQ(mem_free(d), INFO.devices[d].mem_size - 8 * PS);
	for (size_t i = 0; i < 8 * PS; i++)
		CHECK_EQ(p[i], 0);
	for (size_t i = 8 * PS; i < n; i++)
		CHECK_EQ((uint8_t)p[i], pat(i, 14));
}

static void migrate_verify(char *p, size_t n, uint32_t d, unsigned seed)
{
	fill(p, n, seed);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	check_states(p, n, d, HMM_DEV_PAGE_DEVICE);
	CHECK_EQ(verify(p, n, seed), -1);
	CHECK_ERRNO(unreg(p, n, d), 0);
}

TEST(stack_memory)
{
	uint32_t d = setup();
	char buf[12 * PS];
	char *p = (char *)(((uintptr_t)buf + PS - 1) & ~(PS - 1));

	migrate_verify(p, 8 * PS, d, 15);
}

static char bss_area[12 * 4096];
static char data_area[3 * 4096] = {1};

TEST(bss_memory)
{
	uint32_t d = setup();
	char *p = (char *)(((uintptr_t)bss_area + PS - 1) & ~(PS - 1));

	migrate_verify(p, 8 * PS, d, 16);
}

TEST(data_memory_refused)
{
	uint32_t d = setup();
	char *p = (char *)(((uintptr_t)data_area + PS - 1) & ~(PS - 1)), b[8];

	if (INFO.features & HMM_DEV_FEATURE_MIGRATE_FILE)
		SKIP("this backend migrates file-backed pages");
	p[3] = 9;
	CHECK_ERRNO(reg(p, PS, d), 0);
	CHECK_ERRNO(mig(p, PS, d), EOPNOTSUPP);
	/* The device still reaches it in place. */
	CHECK_ERRNO(dev_rw(0, d, p, b, 8), 0);
	CHECK_EQ(b[3], 9);
	CHECK_EQ(p[3], 9);
}

TEST(malloc_range_rounded_inward)
{
	uint32_t d = setup();
	size_t n = 300000;
	char *m = malloc(n);
	unsigned long a;
	size_t len;

	hx_hmm_round_inward(m, n, PS, &a, &len);
	CHECK(a >= (uintptr_t)m && a + len <= (uintptr_t)m + n &&
	      len > n - 2 * PS);
	fill(m, n, 17);
	CHECK_ERRNO(reg((void *)a, len, d), 0);
	CHECK_ERRNO(mig((void *)a, len, d), 0);
	CHECK_EQ(verify(m, n, 17), -1);
	free(m);
}

TEST(huge_pages)
{
	uint32_t d = setup();
	size_t n = 4UL << 20;
	char *raw = map_anon(2 * n), *p;

	p = (char *)(((uintptr_t)raw + n - 1) & ~(n - 1));
	madvise(p, n, MADV_HUGEPAGE);
	fill(p, n, 18);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	CHECK_EQ(verify(p, n, 18), -1);
	CHECK_ERRNO(mig(p + (1 << 20), 2 << 20, d), 0); /* splits a huge page */
	CHECK_EQ(verify(p, n, 18), -1);
}

TEST(kernel_mode_access)
{
	uint32_t d = setup();
	char *p = map_anon(4 * PS), buf[100];
	int fds[2];

	fill(p, 4 * PS, 19);
	CHECK_ERRNO(reg(p, 4 * PS, d), 0);
	CHECK_ERRNO(mig(p, 4 * PS, d), 0);
	CHECK_EQ(pipe(fds), 0);
	/* write(2) reads the migrated page in kernel mode. */
	ssize_t w = write(fds[1], p + PS + 5, 100);

	if (INFO.features & HMM_DEV_FEATURE_KERNEL_ACCESS) {
		CHECK_EQ(w, 100);
		CHECK_EQ(read(fds[0], buf, 100), 100);
		CHECK_EQ((uint8_t)buf[0], pat(PS + 5, 19));
	} else {
		CHECK_EQ(w, -1);
		CHECK_EQ(errno, EFAULT);
	}
	CHECK_EQ(verify(p, 4 * PS, 19), -1);
}

TEST(device_full)
{
	uint32_t d = setup();
	uint64_t size = INFO.devices[d].mem_size;
	char *p;
	struct hmm_dev_migrate m;

	if (size > (64 << 20))
		SKIP("device memory too large for this test (%llu)",
		     (unsigned long long)size);
	p = map_anon(size + 4 * PS);
	fill(p, size + 4 * PS, 20);
	CHECK_ERRNO(reg(p, size + 4 * PS, d), 0);
	CHECK_ERRNO(mig_full(p, size + 4 * PS, d, 0, &m), ENOSPC);
	CHECK_EQ(m.npages_done, size / PS);
	CHECK_EQ(m.fail_addr, (uintptr_t)p + size);
	CHECK_EQ(mem_free(d), 0);
	CHECK_EQ(verify(p, size + 4 * PS, 20), -1);
	CHECK_EQ(mem_free(d), size);
}

TEST(coherent_device)
{
	fx_open();
	uint32_t c = fx_dev(HMM_DEV_MEM_COHERENT, 0);
	size_t n = 8 * PS;
	char *p = map_anon(n);
	uint64_t st[8];

	fill(p, n, 21);
	CHECK_ERRNO(reg(p, n, c), 0);
	stats_reset();
	CHECK_ERRNO(mig(p, n, c), 0);
	CHECK_ERRNO(snap(p, n, c, st), 0);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[3]), HMM_DEV_PAGE_DEVICE);
	CHECK(st[3] & HMM_DEV_PAGE_F_COHERENT);
	CHECK_EQ(mem_free(c), INFO.devices[c].mem_size - n);
	/* The CPU reaches coherent memory in place: no fault. */
	CHECK_EQ(verify(p, n, 21), -1);
	p[3] = 1;
	CHECK_EQ(stats(c).cpu_faults, 0);
	CHECK_ERRNO(snap(p, n, c, st), 0);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[0]), HMM_DEV_PAGE_DEVICE);
	CHECK_ERRNO(mig(p, n, HMM_DEV_LOC_SYSTEM), 0);
	CHECK_EQ(mem_free(c), INFO.devices[c].mem_size);
	CHECK_EQ(stats(c).pages_to_system, 8);
}

TEST(runtime_memory_refused)
{
	uint32_t d = setup();
	char *a;

	if (!fx_user())
		SKIP("the arena belongs to the user-space backend");
	a = hx_hmm_arena_alloc(8 * PS);
	CHECK(a != NULL);
	CHECK_ERRNO(reg(a, 8 * PS, d), 0);
	CHECK_ERRNO(mig(a, 8 * PS, d), EBUSY);
	hx_hmm_arena_free(a, 8 * PS);
}

struct worker {
	char *p;
	size_t n;
	int id;
	volatile int *stop;
	long errors;
};

/* Each thread owns every 4th page and keeps rewriting and checking it. */
static void *cpu_worker(void *arg)
{
	struct worker *w = arg;
	unsigned round = 0;

	while (!*w->stop || round < 3) {
		for (size_t pg = w->id; pg < w->n / PS; pg += 4) {
			uint32_t *q = (uint32_t *)(w->p + pg * PS);

			for (int k = 0; k < 1024; k += 97)
				if (round &&
				    q[k] != round - 1 + (uint32_t)pg * 7)
					w->errors++;
			for (int k = 0; k < 1024; k += 97)
				q[k] = round + (uint32_t)pg * 7;
		}
		round++;
	}
	return NULL;
}

TEST(concurrent_cpu_faults)
{
	uint32_t d = setup();
	size_t n = 256 * PS;
	char *p = map_anon(n);
	pthread_t t[4];
	struct worker w[4];
	volatile int stop = 0;

	CHECK_ERRNO(reg(p, n, d), 0);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){p, n, i, &stop, 0};
		pthread_create(&t[i], NULL, cpu_worker, &w[i]);
	}
	for (int r = 0; r < 200; r++) {
		size_t off = (size_t)(r * 37 % 200) * PS;
		int e = mig(p + off, 56 * PS, d);

		CHECK(e == 0);
		if (r % 3 == 0)
			CHECK_ERRNO(mig(p + (off / 2 & ~(PS - 1)), 32 * PS,
					HMM_DEV_LOC_SYSTEM),
				    0);
	}
	stop = 1;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(w[i].errors, 0);
	}
}

TEST(fork_migrated_and_mirrored)
{
	uint32_t d = setup();
	size_t n = 32 * PS;
	char *p = map_anon(n), *q = map_anon(n);
	pid_t pid;
	int status;

	fill(p, n, 22);
	fill(q, n, 23);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(reg(q, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	pid = fork();
	if (pid == 0) {
		/* The child sees the data that was on the device. */
		long bad = verify(p, n, 22) != -1 || verify(q, n, 23) != -1;

		p[0] = 0; /* COW: the parent keeps its byte */
		_exit(bad ? 1 : 0);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* COW-shared pages migrate again (MOVE refuses them: fallback). */
	CHECK_ERRNO(mig(p, n, d), 0);
	CHECK_ERRNO(mig(q, n, d), 0);
	check_states(q, n, d, HMM_DEV_PAGE_DEVICE);
	CHECK_EQ(verify(p, n, 22), -1);
	CHECK_EQ(verify(q, n, 23), -1);
}

TEST(fork_child_uses_backend)
{
	uint32_t d = setup();
	size_t n = 8 * PS;
	char *p = map_anon(n);
	pid_t pid;
	int status;

	fill(p, n, 24);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	pid = fork();
	if (pid == 0) {
		/* The child migrates on its own, with its own backend. */
		int bad = mig(p, n, d) != 0 || verify(p, n, 24) != -1;

		_exit(bad);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(verify(p, n, 24), -1);
}

TEST(granularity_sets_fault_block)
{
	uint32_t d = setup();
	size_t n = 64 * PS;
	char *raw = map_anon(2 * n), *p;
	struct hmm_dev_attr a = {HMM_DEV_ATTR_GRANULARITY, 0, 15}; /* 32 KiB */
	struct hmm_dev_attrs as;

	if (!fx_user())
		SKIP("fault granularity is a user-space backend policy");
	p = (char *)(((uintptr_t)raw + n - 1) & ~(n - 1));
	fill(p, n, 25);
	as = (struct hmm_dev_attrs){(uintptr_t)p, n, (uintptr_t)&a, 1, 0};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), 0);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(mig(p, n, d), 0);
	stats_reset();
	CHECK_EQ((uint8_t)p[9 * PS], pat(9 * PS, 25));
	CHECK_EQ(stats(d).pages_to_system, 8); /* the aligned 32 KiB block */
	CHECK_EQ(stats(d).cpu_faults, 1);
	CHECK_EQ(verify(p, n, 25), -1);
}

TEST(coherent_and_private_mixed)
{
	uint32_t d = setup();
	uint32_t c = fx_dev(HMM_DEV_MEM_COHERENT, 0);
	size_t n = 16 * PS;
	char *p = map_anon(n);
	uint64_t st[16];

	fill(p, n, 26);
	CHECK_ERRNO(reg(p, n, d), 0);
	CHECK_ERRNO(reg(p, n, c), 0);
	CHECK_ERRNO(mig(p, 8 * PS, c), 0);
	CHECK_ERRNO(mig(p + 8 * PS, 8 * PS, d), 0);
	/* A CPU fault on the private half leaves the coherent half placed. */
	CHECK_EQ((uint8_t)p[9 * PS], pat(9 * PS, 26));
	CHECK_ERRNO(snap(p, n, c, st), 0);
	for (int i = 0; i < 8; i++)
		CHECK(st[i] & HMM_DEV_PAGE_F_COHERENT);
	/* Coherent -> private and private -> coherent. */
	CHECK_ERRNO(mig(p, n, d), 0);
	CHECK_ERRNO(snap(p, n, d, st), 0);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(HMM_DEV_PAGE_STATE(st[i]), HMM_DEV_PAGE_DEVICE);
	CHECK_EQ(mem_free(c), INFO.devices[c].mem_size);
	CHECK_ERRNO(mig(p, n, c), 0);
	CHECK_EQ(mem_free(d), INFO.devices[d].mem_size);
	CHECK_EQ(verify(p, n, 26), -1);
}

struct migrator {
	char *p;
	size_t n;
	uint32_t dev;
	unsigned seed;
	volatile int *stop;
	long errors;
};

static void *migrator_main(void *arg)
{
	struct migrator *m = arg;

	while (!*m->stop) {
		size_t pg =
		    (m->seed = m->seed * 1103515245 + 12345) % (m->n / PS);
		size_t np = 1 + (m->seed >> 8) % 40;
		int e;

		if (pg + np > m->n / PS)
			np = m->n / PS - pg;
		e = mig(m->p + pg * PS, np * PS,
			(m->seed >> 4) % 3 ? m->dev : HMM_DEV_LOC_SYSTEM);
		if (e && e != ENOSPC)
			m->errors++;
	}
	return NULL;
}

TEST(concurrent_migrations_two_devices)
{
	uint32_t a = setup(), b = fx_dev(HMM_DEV_MEM_PRIVATE, 1);
	size_t n = 256 * PS;
	char *p = map_anon(n);
	pthread_t t[6];
	struct worker w[4];
	struct migrator m[2];
	volatile int stop = 0;

	CHECK_ERRNO(reg(p, n, a), 0);
	CHECK_ERRNO(reg(p, n, b), 0);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){p, n, i, &stop, 0};
		pthread_create(&t[i], NULL, cpu_worker, &w[i]);
	}
	m[0] = (struct migrator){p, n, a, 1, &stop, 0};
	m[1] = (struct migrator){p, n, b, 2, &stop, 0};
	pthread_create(&t[4], NULL, migrator_main, &m[0]);
	pthread_create(&t[5], NULL, migrator_main, &m[1]);
	usleep(1500 * 1000);
	stop = 1;
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(w[i].errors, 0);
	CHECK_EQ(m[0].errors, 0);
	CHECK_EQ(m[1].errors, 0);
	/* Everything home: device memory fully free again. */
	CHECK_ERRNO(mig(p, n, HMM_DEV_LOC_SYSTEM), 0);
	CHECK_EQ(mem_free(a), INFO.devices[a].mem_size);
	CHECK_EQ(mem_free(b), INFO.devices[b].mem_size);
}
