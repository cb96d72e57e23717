/* Eviction: with 4 MiB of device memory (HMMCL_HMM_DEVICE_MEM=4, see
 * CMakeLists.txt), migrations of more than fits all complete, the least
 * recently used blocks go home first (preferred location host before the
 * rest, preferred location this device last), and every byte survives.
 * Buffers are 1 MiB, 2 MiB aligned: one LRU block each. */
#include "advise_util.h"

#define MIB ((size_t)1 << 20)
#define NB 8
#define BPAGES (MIB / PAGE)
#define BINTS (MIB / sizeof(int))

struct bufs {
	struct adv_env a;
	int *b[NB];
};

static struct bufs open_bufs(int kernels)
{
	struct bufs f;

	f.a = adv_open(1, kernels);
	for (int i = 0; i < NB; i++) {
		f.b[i] = clSVMAlloc(f.a.e.ctx, 0, MIB, 2 * MIB);
		CHECK(f.b[i] != NULL);
		for (size_t k = 0; k < BINTS; k++)
			f.b[i][k] = i * 1000003 + (int)k;
	}
	return f;
}

static void check_and_close(struct bufs *f, int bumped)
{
	for (int i = 0; i < NB; i++) {
		for (size_t k = 0; k < BINTS; k++)
			CHECK_EQ(f->b[i][k],
				 i * 1000003 + (int)k + (i == bumped));
		clSVMFree(f->a.e.ctx, f->b[i]);
	}
	adv_close(&f->a);
}

static int on_device(struct bufs *f, int i)
{
	size_t n = adv_count(&f->a, f->b[i], BPAGES, f->a.e.dev[0]);

	CHECK(n == 0 || n == BPAGES);
	return n == BPAGES;
}

/* 4 resident buffers fill the device; each further one sends the oldest
 * home. */
TEST(full_device_sends_the_oldest_home)
{
	struct bufs f = open_bufs(0);
	cl_svm_statistics_hmm s0, s1;

	for (int i = 0; i < 4; i++)
		svm_migrate(&f.a.e, 0, f.b[i], 0, 0);
	s0 = svm_stats(&f.a.e, 0);
	svm_migrate(&f.a.e, 0, f.b[4], 0, 0);
	svm_migrate(&f.a.e, 0, f.b[5], 0, 0);
	s1 = svm_stats(&f.a.e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 2 * BPAGES);
	CHECK_DELTA(s0, s1, pages_to_host, 2 * BPAGES);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(on_device(&f, i), i >= 2);
	check_and_close(&f, -1);
}

TEST(eviction_order_follows_preferred_location)
{
	struct bufs f = open_bufs(0);

	for (int i = 0; i < 4; i++)
		svm_migrate(&f.a.e, 0, f.b[i], 0, 0);
	adv_set(&f.a, 0, f.b[0], MIB,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	adv_set(&f.a, 0, f.b[2], MIB,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_HOST_HMM);
	/* Preferred host first, though 0 and 1 are older. */
	svm_migrate(&f.a.e, 0, f.b[4], 0, 0);
	CHECK_EQ(on_device(&f, 2), 0);
	CHECK_EQ(on_device(&f, 0), 1);
	CHECK_EQ(on_device(&f, 1), 1);
	/* Then the oldest without preference, never 0 while others are
	 * there: 1, 3, 4 go for 5, 6, 7. */
	svm_migrate(&f.a.e, 0, f.b[5], 0, 0);
	svm_migrate(&f.a.e, 0, f.b[6], 0, 0);
	svm_migrate(&f.a.e, 0, f.b[7], 0, 0);
	for (int i = 0; i < NB; i++)
		CHECK_EQ(on_device(&f, i), i == 0 || i >= 5);
	check_and_close(&f, -1);
}

/* Use refreshes a block: a second migration, or a kernel's device faults
 * on it. */
TEST(recent_use_keeps_a_block_on_the_device)
{
	struct bufs f = open_bufs(1); /* the sentinel page takes one slot */
	cl_event ev;

	for (int i = 0; i < 3; i++)
		svm_migrate(&f.a.e, 0, f.b[i], 0, 0);
	svm_migrate(&f.a.e, 0, f.b[0], 0, 0); /* 0 is now the newest */
	CHECK_EQ(adv_inc(&f.a, 0, f.b[1], BINTS), CL_COMPLETE);
	/* LRU order: 2, 0, 1. One page short for 3: 2 goes. */
	svm_migrate(&f.a.e, 0, f.b[3], 0, 0);
	CHECK_EQ(on_device(&f, 2), 0);
	CHECK_EQ(on_device(&f, 0), 1);
	CHECK_EQ(on_device(&f, 1), 1);
	CHECK_EQ(on_device(&f, 3), 1);
	/* The wait-for-completion path of an asynchronous call too. */
	CHECK_CL(clEnqueueSVMMigrateMem(f.a.e.q[0], 1, (const void **)&f.b[4],
					NULL, 0, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_EQ(on_device(&f, 0), 0);
	CHECK_EQ(on_device(&f, 4), 1);
	check_and_close(&f, 1);
}

/* A range larger than the device: everything else goes home, the range
 * fills the device, the rest of it stays home, and the call completes. */
TEST(migration_larger_than_the_device_completes)
{
	struct adv_env a = adv_open(1, 0);
	size_t n = 6 * MIB / sizeof(int), pages = 6 * MIB / PAGE;
	int *x = clSVMAlloc(a.e.ctx, 0, MIB, 0);
	int *big = clSVMAlloc(a.e.ctx, 0, 6 * MIB, 0);

	CHECK(x && big);
	for (size_t k = 0; k < n; k++)
		big[k] = (int)(k * 7);
	x[0] = 42;
	svm_migrate(&a.e, 0, x, 0, 0);
	svm_migrate(&a.e, 0, big, 0, 0);
	CHECK_EQ(adv_count(&a, x, MIB / PAGE, NULL), MIB / PAGE);
	CHECK_EQ(adv_count(&a, big, pages, a.e.dev[0]), 4 * MIB / PAGE);
	CHECK_EQ(x[0], 42);
	for (size_t k = 0; k < n; k++)
		CHECK_EQ(big[k], (int)(k * 7));
	clSVMFree(a.e.ctx, x);
	clSVMFree(a.e.ctx, big);
	adv_close(&a);
}

/* First touch never evicts (a running kernel's slots are held): on a
 * full device, the rest of a preferred-device buffer is reached remotely,
 * what fits is placed, and nothing else leaves the device. */
TEST(first_touch_on_a_full_device_does_not_evict)
{
	struct bufs f = open_bufs(1); /* the sentinel page takes one slot */
	cl_svm_statistics_hmm s0, s1;

	for (int i = 0; i < 3; i++)
		svm_migrate(&f.a.e, 0, f.b[i], 0, 0);
	adv_set(&f.a, 0, f.b[4], MIB,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	s0 = svm_stats(&f.a.e, 0);
	CHECK_EQ(adv_inc(&f.a, 0, f.b[4], BINTS), CL_COMPLETE);
	s1 = svm_stats(&f.a.e, 0);
	CHECK_DELTA(s0, s1, pages_to_host, 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(on_device(&f, i), 1);
	/* 1024 slots - 1 sentinel - 768: 255 pages of buffer 4 fit. */
	CHECK_EQ(adv_count(&f.a, f.b[4], BPAGES, f.a.e.dev[0]), BPAGES - 1);
	check_and_close(&f, 4);
}

/* Two devices (HMMCL_DEVICES=2): a preferred location names one device;
 * the other keeps remote access, and device 0's eviction leaves device
 * 1's pages alone. */
TEST(preferred_location_is_per_device)
{
	struct adv_env a = adv_open(2, 1);
	int *p = clSVMAlloc(a.e.ctx, 0, MIB, 0), *y[4];
	size_t pages = MIB / PAGE;

	CHECK(p != NULL);
	memset(p, 0, MIB);
	adv_set(&a, 1, p, MIB, CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	CHECK_EQ(adv_inc(&a, 0, p, BINTS), CL_COMPLETE);
	CHECK_EQ(adv_count(&a, p, pages, NULL), pages);
	CHECK_EQ(adv_inc(&a, 1, p, BINTS), CL_COMPLETE);
	CHECK_EQ(adv_count(&a, p, pages, a.e.dev[1]), pages);
	/* Fill device 0 past its 4 MiB: device 1 keeps p. */
	for (int i = 0; i < 4; i++) {
		y[i] = clSVMAlloc(a.e.ctx, 0, MIB, 2 * MIB);
		CHECK(y[i] != NULL);
		y[i][0] = i;
		svm_migrate(&a.e, 0, y[i], 0, 0);
	}
	CHECK_EQ(adv_count(&a, p, pages, a.e.dev[1]), pages);
	CHECK_EQ(adv_count(&a, y[3], pages, a.e.dev[0]), pages);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(y[i][0], i);
		clSVMFree(a.e.ctx, y[i]);
	}
	for (size_t k = 0; k < BINTS; k++)
		CHECK_EQ(p[k], 2);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

/* A page that device 0 pulls in on first touch and device 1's faults
 * take back (foreign fault) bounces between devices; after three returns
 * it stays home and both reach it remotely. */
TEST(ping_pong_between_devices_is_pinned_home)
{
	struct adv_env a = adv_open(2, 1);
	int *p = clSVMAlloc(a.e.ctx, 0, PAGE, 0);
	cl_svm_statistics_hmm s0, s1;
	size_t n = PAGE / sizeof(int);

	CHECK(p != NULL);
	memset(p, 0, PAGE);
	adv_set(&a, 0, p, PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	for (int round = 0; round < 3; round++) {
		CHECK_EQ(adv_inc(&a, 0, p, n), CL_COMPLETE);
		CHECK_EQ(adv_count(&a, p, 1, a.e.dev[0]), (size_t)1);
		CHECK_EQ(adv_inc(&a, 1, p, n), CL_COMPLETE);
		CHECK_EQ(adv_count(&a, p, 1, NULL), (size_t)1);
	}
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, n), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 0);
	CHECK_EQ(adv_count(&a, p, 1, NULL), (size_t)1);
	for (size_t k = 0; k < n; k++)
		CHECK_EQ(p[k], 7);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}
