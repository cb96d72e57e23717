/* /dev/hmm ABI: HMM_DEV_IOC_APERTURE. While a device holds, an aperture
 * address taken from a snapshot stays right after its page left the
 * device: an access brings the page back into that slot (no zeros, no
 * lost write), and the slot is never handed to another page before
 * RELEASE. */
#include "hmm_fixture.h"

#include <pthread.h>
#include <stdatomic.h>

static char *AP;

static int ap_op(uint32_t dev, uint32_t op, struct hmm_dev_aperture *a)
{
	*a = (struct hmm_dev_aperture){.device = dev, .op = op};
	return io(HMM_DEV_IOC_APERTURE, a);
}

static void slots(char *p, size_t n, uint32_t d, uint64_t *idx)
{
	uint64_t st[16];

	CHECK(n <= 16);
	CHECK_ERRNO(snap(p, n * PS, d, st), 0);
	for (size_t i = 0; i < n; i++) {
		CHECK_EQ(HMM_DEV_PAGE_STATE(st[i]), HMM_DEV_PAGE_DEVICE);
		idx[i] = HMM_DEV_PAGE_APERTURE(st[i]);
	}
}

/* Device d holds; n pages at *p filled with seed, migrated to d; their
 * aperture indices in idx. */
static uint32_t setup(char **p, size_t n, uint64_t *idx, unsigned seed)
{
	struct hmm_dev_aperture a;

	fx_open();
	fx_need_migration();
	if (!(INFO.features & HMM_DEV_FEATURE_APERTURE_HOLD))
		SKIP("no APERTURE_HOLD (zero-copy moves unavailable)");
	uint32_t d = fx_dev(HMM_DEV_MEM_PRIVATE, 0);
	CHECK_ERRNO(ap_op(d, HMM_DEV_APERTURE_HOLD, &a), 0);
	AP = hx_hmm_mmap(H, INFO.devices[d].mem_size, PROT_READ | PROT_WRITE,
			 HMM_DEV_APERTURE_OFFSET(d));
	CHECK(AP != MAP_FAILED);
	*p = map_anon(n * PS);
	fill(*p, n * PS, seed);
	CHECK_ERRNO(reg(*p, n * PS, d), 0);
	CHECK_ERRNO(mig(*p, n * PS, d), 0);
	slots(*p, n, d, idx);
	return d;
}

TEST(stale_read_and_write_follow_the_page)
{
	char *p;
	uint64_t idx[4], now[4];
	uint32_t d = setup(&p, 4, idx, 7);
	struct hmm_dev_stats s0 = stats(d), s1;
	uint64_t st[4];

	CHECK_EQ((uint8_t)p[PS + 9], pat(PS + 9, 7)); /* CPU fault: home */
	CHECK_ERRNO(snap(p, 4 * PS, d, st), 0);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[1]), HMM_DEV_PAGE_SYSTEM);
	/* A stale read of page 1 through its old slot: its data, not 0. */
	CHECK_EQ((uint8_t)AP[idx[1] * PS + 123], pat(PS + 123, 7));
	s1 = stats(d);
	CHECK_EQ(s1.aperture_faults - s0.aperture_faults, 1);
	CHECK_EQ(s1.pages_to_device - s0.pages_to_device, 1);
	slots(p + PS, 1, d, now);
	CHECK_EQ(now[0], idx[1]); /* back in the very same slot */
	/* A stale write lands in the page, and the CPU sees it. */
	AP[idx[1] * PS + 5] = (char)0xab;
	CHECK_EQ((uint8_t)p[PS + 5], 0xab);
	/* Page 2 is home too: a write through its slot is not lost. */
	AP[idx[2] * PS + 77] = (char)0xcd;
	CHECK_EQ((uint8_t)p[2 * PS + 77], 0xcd);
	p[PS + 5] = (char)pat(PS + 5, 7);
	p[2 * PS + 77] = (char)pat(2 * PS + 77, 7);
	CHECK_EQ(verify(p, 4 * PS, 7), -1);
}

TEST(held_slots_are_not_reused_until_release)
{
	char *p, *q;
	uint64_t idx[4], qi[4];
	uint32_t d = setup(&p, 4, idx, 3);
	struct hmm_dev_aperture a;
	uint64_t free0;

	free0 = mem_free(d);
	CHECK_ERRNO(mig(p, 4 * PS, HMM_DEV_LOC_SYSTEM), 0);
	CHECK_EQ(mem_free(d), free0); /* the 4 slots stay held */
	q = map_anon(4 * PS);
	fill(q, 4 * PS, 9);
	CHECK_ERRNO(reg(q, 4 * PS, d), 0);
	CHECK_ERRNO(mig(q, 4 * PS, d), 0);
	slots(q, 4, d, qi);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			CHECK(qi[i] != idx[j]);
	CHECK_EQ(verify(q, 4 * PS, 9), -1); /* q's 4 slots held as well */
	CHECK_EQ(verify(p, 4 * PS, 3), -1);
	CHECK_ERRNO(ap_op(d, HMM_DEV_APERTURE_RELEASE, &a), 0);
	CHECK_EQ(a.nfreed, 8);
	CHECK_EQ(a.nheld, 0);
	CHECK_EQ(mem_free(d), free0 + 4 * PS);
	CHECK_ERRNO(ap_op(d, HMM_DEV_APERTURE_UNHOLD, &a), 0);
	/* Not holding: a leaving page frees its slot at once. */
	CHECK_ERRNO(mig(q, 4 * PS, d), 0);
	CHECK_ERRNO(mig(q, 4 * PS, HMM_DEV_LOC_SYSTEM), 0);
	CHECK_EQ(mem_free(d), free0 + 4 * PS);
}

TEST(stale_access_takes_the_page_from_another_device)
{
	char *p;
	uint64_t idx[2], now[1];
	uint32_t d = setup(&p, 2, idx, 5);
	uint32_t e = fx_dev(HMM_DEV_MEM_PRIVATE, 1);

	CHECK_ERRNO(reg(p, 2 * PS, e), 0);
	CHECK_ERRNO(mig(p, 2 * PS, e), 0);
	CHECK_EQ((uint8_t)AP[idx[0] * PS + 1000], pat(1000, 5));
	AP[idx[0] * PS + 1001] = 0x11;
	slots(p, 1, d, now);
	CHECK_EQ(now[0], idx[0]);
	CHECK_EQ((uint8_t)p[1001], 0x11);
	p[1001] = (char)pat(1001, 5);
	CHECK_EQ(verify(p, 2 * PS, 5), -1);
}

/* One page, written byte by byte on both sides at once: the device side
 * through the aperture address it took at the start (never re-asked), the
 * CPU through the page's address. The page bounces; no byte is lost. */
struct bounce {
	volatile char *dev_side;
	atomic_int go;
};

static void *device_writer(void *arg)
{
	struct bounce *b = arg;

	while (!atomic_load(&b->go))
		;
	for (int i = 0; i < (int)PS; i += 2)
		b->dev_side[i] = (char)(i / 2 + 1);
	return NULL;
}

TEST(concurrent_host_and_stale_aperture_writers)
{
	char *p;
	uint64_t idx[1];
	pthread_t t;

	setup(&p, 1, idx, 1);
	struct bounce b = {(volatile char *)AP + idx[0] * PS, 0};

	CHECK_EQ(pthread_create(&t, NULL, device_writer, &b), 0);
	atomic_store(&b.go, 1);
	for (int i = 1; i < (int)PS; i += 2)
		((volatile char *)p)[i] = (char)(i / 2 + 2);
	pthread_join(t, NULL);
	for (int i = 0; i < (int)PS; i++)
		CHECK_EQ((uint8_t)p[i],
			 (uint8_t)(i % 2 ? i / 2 + 2 : i / 2 + 1));
}

TEST(aperture_errors)
{
	struct hmm_dev_aperture a;

	fx_open();
	CHECK_ERRNO(ap_op(0, 0, &a), EINVAL);
	CHECK_ERRNO(ap_op(0, 4, &a), EINVAL);
	a = (struct hmm_dev_aperture){
	    .device = 0, .op = HMM_DEV_APERTURE_RELEASE, .flags = 1};
	CHECK_ERRNO(io(HMM_DEV_IOC_APERTURE, &a), EINVAL);
	CHECK_ERRNO(ap_op(INFO.ndevices, HMM_DEV_APERTURE_RELEASE, &a), ENODEV);
	for (uint32_t d = 0; d < INFO.ndevices; d++) {
		int want = 0;

		if (INFO.devices[d].kind != HMM_DEV_MEM_PRIVATE ||
		    !(INFO.features & HMM_DEV_FEATURE_MIGRATE_ANON))
			want = ENXIO;
		else if (!(INFO.features & HMM_DEV_FEATURE_APERTURE_HOLD))
			want = EOPNOTSUPP;
		CHECK_ERRNO(ap_op(d, HMM_DEV_APERTURE_HOLD, &a), want);
		CHECK_ERRNO(ap_op(d, HMM_DEV_APERTURE_UNHOLD, &a),
			    want == ENXIO ? ENXIO : 0);
	}
}

TEST(held_slot_follows_the_address_after_remap)
{
	char *p, *q;
	uint64_t idx[1];

	setup(&p, 1, idx, 2);
	CHECK_EQ((uint8_t)p[10], pat(10, 2)); /* home; the slot is held */
	CHECK_EQ(munmap(p, PS), 0);
	q = mmap(p, PS, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p);
	fill(q, PS, 6);
	/* The old aperture address reaches what lives there now. */
	CHECK_EQ((uint8_t)AP[idx[0] * PS + 10], pat(10, 6));
	CHECK_EQ(verify(q, PS, 6), -1);
}

TEST(content_undefined_move_home_keeps_the_slot_held)
{
	char *p;
	uint64_t idx[2], free0;
	uint32_t d = setup(&p, 2, idx, 8);
	struct hmm_dev_migrate m;
	struct hmm_dev_aperture a;
	uint8_t v;

	free0 = mem_free(d);
	CHECK_ERRNO(mig_full(p, 2 * PS, HMM_DEV_LOC_SYSTEM,
			     HMM_DEV_MIGRATE_CONTENT_UNDEFINED, &m),
		    0);
	CHECK_EQ(mem_free(d), free0);
	/* Old bytes or zeros (undefined allows both), nobody else's. */
	v = (uint8_t)AP[idx[1] * PS + 10];
	CHECK(v == pat(PS + 10, 8) || v == 0);
	/* A stale write after it is not lost. */
	AP[idx[0] * PS + 5] = 0x77;
	/* The CPU fault brings both pages home (fault-around): both slots
	 * held again. */
	CHECK_EQ((uint8_t)p[5], 0x77);
	CHECK_ERRNO(ap_op(d, HMM_DEV_APERTURE_UNHOLD, &a), 0);
	CHECK_EQ(a.nfreed, 2);
	CHECK_EQ(mem_free(d), free0 + 2 * PS);
}
