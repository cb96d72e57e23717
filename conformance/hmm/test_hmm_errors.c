/* /dev/hmm ABI: bad input. Every case returns its documented errno, and
 * nothing leaks or loses data. */
#include "hmm_fixture.h"

static char *P;
static uint64_t FREE0;

static void setup(void)
{
	fx_open();
	P = map_anon(16 * PS);
	fill(P, 16 * PS, 30);
	CHECK_ERRNO(reg(P, 16 * PS, 0), 0);
	FREE0 = mem_free(0);
}

/* No leak, no data lost. */
static void teardown(void)
{
	CHECK_EQ(mem_free(0), FREE0);
	CHECK_EQ(verify(P, 16 * PS, 30), -1);
}

static int fault(uint64_t start, uint64_t size, uint32_t dev, uint32_t flags)
{
	struct hmm_dev_fault f = {start, size, 0, dev, flags};

	return io(HMM_DEV_IOC_FAULT, &f);
}

static int migr(uint64_t start, uint64_t size, uint32_t target, uint32_t flags)
{
	struct hmm_dev_migrate m = {
	    .start = start, .size = size, .target = target, .flags = flags};

	return io(HMM_DEV_IOC_MIGRATE, &m);
}

static int snapr(uint64_t start, uint64_t size, uint32_t dev)
{
	static uint64_t st[16];
	struct hmm_dev_snapshot s = {start, size, (uintptr_t)st, dev, 0};

	return io(HMM_DEV_IOC_SNAPSHOT, &s);
}

TEST(unaligned)
{
	uintptr_t a;

	setup();
	a = (uintptr_t)P;
	CHECK_ERRNO(reg(P + 1, PS, 1 % INFO.ndevices), EINVAL);
	CHECK_ERRNO(reg(P, PS + 1, 0), EINVAL);
	CHECK_ERRNO(fault(a + 8, PS, 0, 0), EINVAL);
	CHECK_ERRNO(snapr(a, 100, 0), EINVAL);
	CHECK_ERRNO(migr(a + 2048, PS, 0, 0), EINVAL);
	CHECK_ERRNO(migr(a, PS + 8, HMM_DEV_LOC_SYSTEM, 0), EINVAL);
	teardown();
}

TEST(zero_size)
{
	char b;

	setup();
	CHECK_ERRNO(reg(P, 0, 0), EINVAL);
	CHECK_ERRNO(fault((uintptr_t)P, 0, 0, 0), EINVAL);
	CHECK_ERRNO(snapr((uintptr_t)P, 0, 0), EINVAL);
	CHECK_ERRNO(migr((uintptr_t)P, 0, 0, 0), EINVAL);
	CHECK_ERRNO(dev_rw(0, 0, P, &b, 0), EINVAL);
	teardown();
}

TEST(overflowing)
{
	uint64_t start = ~0ULL & ~(PS - 1), size = 2 * PS;
	char b[4];

	setup();
	CHECK_ERRNO(reg((void *)start, size, 0), EOVERFLOW);
	CHECK_ERRNO(fault(start, size, 0, 0), EOVERFLOW);
	CHECK_ERRNO(snapr(start, size, 0), EOVERFLOW);
	CHECK_ERRNO(migr(start, size, 0, 0), EOVERFLOW);
	CHECK_ERRNO(dev_rw(0, 0, (void *)(~0ULL - 1), b, 4), EOVERFLOW);
	teardown();
}

TEST(enormous)
{
	setup();
	CHECK_ERRNO(reg(P, 1ULL << 50, 0), E2BIG);
	CHECK_ERRNO(migr(PS, 1ULL << 50, 0, 0), E2BIG);
	CHECK_ERRNO(fault(PS, 1ULL << 50, 0, 0), E2BIG);
	teardown();
}

TEST(unmapped)
{
	char *hole = map_anon(4 * PS), b[8];

	setup();
	CHECK_EQ(munmap(hole, 4 * PS), 0);
	CHECK_ERRNO(reg(hole, 4 * PS, 0), 0); /* mirrors may cover holes */
	if (INFO.features & HMM_DEV_FEATURE_MIGRATE_ANON)
		CHECK_ERRNO(migr((uintptr_t)hole, 4 * PS, 0, 0), EFAULT);
	CHECK_ERRNO(fault((uintptr_t)hole, 4 * PS, 0, 0), EFAULT);
	CHECK_ERRNO(dev_rw(0, 0, hole + 5, b, 8), EFAULT);
	CHECK_ERRNO(dev_rw(1, 0, hole + 5, b, 8), EFAULT);
	teardown();
}

TEST(not_mirrored)
{
	char *q = map_anon(4 * PS), b[8];

	setup();
	CHECK_ERRNO(fault((uintptr_t)q, PS, 0, 0), ENXIO);
	CHECK_ERRNO(snapr((uintptr_t)q, PS, 0), ENXIO);
	CHECK_ERRNO(migr((uintptr_t)q, PS, 0, 0), ENXIO);
	CHECK_ERRNO(dev_rw(0, 0, q, b, 8), ENXIO);
	/* Straddling the end of a mirror. */
	CHECK_ERRNO(dev_rw(0, 0, P + 16 * PS - 4, b, 8),
		    (uintptr_t)q == (uintptr_t)P + 16 * PS ? ENXIO : ENXIO);
	teardown();
}

TEST(wrong_device)
{
	struct hmm_dev_stats s = {.device = INFO.ndevices};
	char b[8];

	setup();
	s.device = INFO.ndevices;
	CHECK_ERRNO(reg(P, PS, INFO.ndevices), ENODEV);
	CHECK_ERRNO(reg(P, PS, 0xffffffffu), ENODEV);
	CHECK_ERRNO(fault((uintptr_t)P, PS, 99, 0), ENODEV);
	CHECK_ERRNO(snapr((uintptr_t)P, PS, 99), ENODEV);
	CHECK_ERRNO(migr((uintptr_t)P, PS, INFO.ndevices, 0), ENODEV);
	CHECK_ERRNO(dev_rw(0, 42, P, b, 8), ENODEV);
	CHECK_ERRNO(io(HMM_DEV_IOC_STATS, &s), ENODEV);
	teardown();
}

TEST(unknown_op_and_flags)
{
	struct hmm_dev_stats s = {.device = 0, .flags = 0x80};
	struct hmm_dev_range r;
	struct hmm_dev_rw rw;

	setup();
	r = (struct hmm_dev_range){(uintptr_t)P, PS, 0, 1};
	rw = (struct hmm_dev_rw){(uintptr_t)P, 8, (uintptr_t)&s, 0, 4};
	CHECK_ERRNO(
	    io(_IOWR(HMM_DEV_IOC_MAGIC, 0x7f, struct hmm_dev_range), &r),
	    ENOTTY);
	CHECK_ERRNO(io(_IOWR('x', 0x01, struct hmm_dev_range), &r), ENOTTY);
	CHECK_ERRNO(io(HMM_DEV_IOC_REGISTER, &r), EINVAL);
	CHECK_ERRNO(fault((uintptr_t)P, PS, 0, 0x100), EINVAL);
	CHECK_ERRNO(migr((uintptr_t)P, PS, 0, 0x10), EINVAL);
	CHECK_ERRNO(io(HMM_DEV_IOC_STATS, &s), EINVAL);
	CHECK_ERRNO(io(HMM_DEV_IOC_READ, &rw), EINVAL);
	teardown();
}

struct two_u64 {
	__u64 a, b;
};
struct four_u64 {
	__u64 a[4];
};

TEST(truncated_structs)
{
	struct hmm_dev_range r;
	struct hmm_dev_migrate m;

	setup();
	r = (struct hmm_dev_range){(uintptr_t)P, PS, 0, 0};
	m = (struct hmm_dev_migrate){.start = (uintptr_t)P, .size = PS};
	/* The same ioctl number with a smaller (older or truncated) size. */
	CHECK_ERRNO(io(_IOW(HMM_DEV_IOC_MAGIC, 0x01, struct two_u64), &r),
		    EINVAL);
	CHECK_ERRNO(io(_IOWR(HMM_DEV_IOC_MAGIC, 0x05, struct four_u64), &m),
		    EINVAL);
	CHECK_ERRNO(io(_IOR(HMM_DEV_IOC_MAGIC, 0x00, __u32), &r), EINVAL);
	/* A struct cut short by the end of the mapping. */
	char *edge = map_anon(2 * PS);
	CHECK_EQ(munmap(edge + PS, PS), 0);
	memcpy(edge + PS - 16, &r, 16);
	CHECK_ERRNO(io(HMM_DEV_IOC_REGISTER, edge + PS - 16), EFAULT);
	teardown();
}

TEST(bad_pointers)
{
	struct hmm_dev_snapshot s;
	struct hmm_dev_attrs as;

	setup();
	s = (struct hmm_dev_snapshot){(uintptr_t)P, PS, 16, 0, 0};
	as = (struct hmm_dev_attrs){(uintptr_t)P, PS, 24, 1, 0};
	CHECK_ERRNO(io(HMM_DEV_IOC_INFO, (void *)8), EFAULT);
	CHECK_ERRNO(io(HMM_DEV_IOC_SNAPSHOT, &s), EFAULT);
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), EFAULT);
	CHECK_ERRNO(dev_rw(0, 0, P, (void *)16, 8), EFAULT);
	CHECK_ERRNO(dev_rw(1, 0, P, (void *)16, 8), EFAULT);
	teardown();
}

/* Trusting one handle (the runtime's) leaves every other handle probing
 * its pointers; a bad handle cannot be trusted. */
TEST(trust_is_per_handle)
{
	int t;
	struct hmm_dev_info info;

	setup();
	t = hx_hmm_open(fx_kernel() ? HX_HMM_BACKEND_KERNEL
				    : HX_HMM_BACKEND_USER);
	CHECK(t >= 0);
	CHECK_EQ(hx_hmm_trust(t), 0);
	CHECK_EQ(hx_hmm_trust(-5), -1);
	CHECK_EQ(errno, EBADF);
	memset(&info, 0, sizeof(info));
	CHECK_EQ(hx_hmm_ioctl(t, HMM_DEV_IOC_INFO, &info), 0);
	CHECK_EQ(info.ndevices, INFO.ndevices);
	CHECK_ERRNO(io(HMM_DEV_IOC_INFO, (void *)8), EFAULT);
	CHECK_EQ(hx_hmm_close(t), 0);
	teardown();
}

TEST(bad_attributes)
{
	struct hmm_dev_attr a = {9, 0, 0};
	struct hmm_dev_attrs as;

	setup();
	as = (struct hmm_dev_attrs){(uintptr_t)P, PS, (uintptr_t)&a, 1, 0};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), EINVAL);
	a = (struct hmm_dev_attr){0, 0, 0};
	CHECK_ERRNO(io(HMM_DEV_IOC_GET_ATTR, &as), EINVAL);
	a = (struct hmm_dev_attr){HMM_DEV_ATTR_PREFERRED_LOC, 0, 77};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), ENODEV);
	a = (struct hmm_dev_attr){HMM_DEV_ATTR_ACCESSED_BY, 0, 1ULL << 40};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), ENODEV);
	a = (struct hmm_dev_attr){HMM_DEV_ATTR_READ_MOSTLY, 0, 2};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), EINVAL);
	a = (struct hmm_dev_attr){HMM_DEV_ATTR_GRANULARITY, 0, 40};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), EINVAL);
	a = (struct hmm_dev_attr){HMM_DEV_ATTR_READ_MOSTLY, 1, 1};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), EINVAL);
	as.nattrs = 0;
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), EINVAL);
	as.nattrs = HMM_DEV_ATTRS_MAX + 1;
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), EINVAL);
	teardown();
}

TEST(bad_read_and_mmap)
{
	char small[8];

	setup();
	CHECK_EQ(hx_hmm_read(H, small, sizeof(small)), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK(hx_hmm_mmap(H, PS, PROT_READ,
			  HMM_DEV_APERTURE_OFFSET(INFO.ndevices)) ==
	      MAP_FAILED);
	CHECK_EQ(errno, ENODEV);
	CHECK(hx_hmm_mmap(H, PS + 1, PROT_READ, HMM_DEV_APERTURE_OFFSET(0)) ==
	      MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	CHECK(hx_hmm_mmap(H, PS, PROT_READ,
			  HMM_DEV_APERTURE_OFFSET(0) +
			      INFO.devices[0].mem_size) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	teardown();
}

TEST(bad_input_after_migration)
{
	setup();
	if (!(INFO.features & HMM_DEV_FEATURE_MIGRATE_ANON))
		SKIP("migration unavailable");
	CHECK_ERRNO(migr((uintptr_t)P, 16 * PS, 0, 0), 0);
	FREE0 = mem_free(0);
	CHECK_ERRNO(migr((uintptr_t)P + 8, 16 * PS, 0, 0), EINVAL);
	CHECK_ERRNO(migr((uintptr_t)P, 32 * PS, 0, 0), ENXIO);
	CHECK_ERRNO(reg(P, 16 * PS, 0), EEXIST);
	CHECK_ERRNO(migr((uintptr_t)P, 16 * PS, 0, 0x4), EINVAL);
	CHECK_EQ(mem_free(0), FREE0);
	CHECK_ERRNO(migr((uintptr_t)P, 16 * PS, HMM_DEV_LOC_SYSTEM, 0), 0);
	FREE0 = mem_free(0);
	teardown();
}
