/* /dev/hmm ABI: open, info, mirrors, device access, snapshot, attributes,
 * statistics. Runs against the backend the fixture selects. */
#include "hmm_fixture.h"

#include <fcntl.h>
#include <stdio.h>

TEST(open_close)
{
	int h2;

	fx_open();
	h2 = hx_hmm_open(fx_kernel() ? HX_HMM_BACKEND_KERNEL
				     : HX_HMM_BACKEND_USER);
	CHECK(h2 >= 0 && h2 != H);
	CHECK_EQ(hx_hmm_backend_of(H),
		 fx_kernel() ? HX_HMM_BACKEND_KERNEL : HX_HMM_BACKEND_USER);
	CHECK_EQ(hx_hmm_close(h2), 0);
	CHECK_EQ(hx_hmm_close(H), 0);
	if (fx_user()) {
		CHECK_EQ(hx_hmm_close(H), -1);
		CHECK_EQ(errno, EBADF);
		CHECK_EQ(hx_hmm_ioctl(H, HMM_DEV_IOC_INFO, &INFO), -1);
	}
	CHECK_EQ(hx_hmm_open(7), -1);
	CHECK_EQ(errno, EINVAL);
}

TEST(info)
{
	fx_open();
	CHECK_EQ(INFO.abi_version, HMM_DEV_ABI_VERSION);
	CHECK_EQ(INFO.page_size, sysconf(_SC_PAGESIZE));
	CHECK(INFO.ndevices >= 1 && INFO.ndevices <= HMM_DEV_MAX_DEVICES);
	CHECK(INFO.backend == HMM_DEV_BACKEND_USER ||
	      INFO.backend == HMM_DEV_BACKEND_KERNEL);
	CHECK(INFO.degraded_reason >= HMM_DEV_DEGRADED_NONE);
	CHECK_EQ(INFO.pad, 0);
	for (uint32_t d = 0; d < INFO.ndevices; d++) {
		CHECK(INFO.devices[d].mem_size > 0);
		CHECK_EQ(INFO.devices[d].mem_free, INFO.devices[d].mem_size);
		CHECK(INFO.devices[d].kind == HMM_DEV_MEM_PRIVATE ||
		      INFO.devices[d].kind == HMM_DEV_MEM_COHERENT);
	}
	for (uint32_t d = INFO.ndevices; d < HMM_DEV_MAX_DEVICES; d++)
		CHECK_EQ(INFO.devices[d].kind, 0);
	if (INFO.degraded_reason == HMM_DEV_DEGRADED_NONE)
		CHECK(INFO.features & HMM_DEV_FEATURE_MIGRATE_ANON);
}

TEST(register_unregister)
{
	char *p;

	fx_open();
	p = map_anon(16 * PS);
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	CHECK_ERRNO(reg(p + 4 * PS, 8 * PS, 0), EEXIST);
	CHECK_ERRNO(reg(p + 8 * PS, 8 * PS, 0), 0);
	CHECK_ERRNO(unreg(p, 4 * PS, 0), ENOENT);
	CHECK_ERRNO(unreg(p, 8 * PS, 0), 0);
	CHECK_ERRNO(unreg(p, 8 * PS, 0), ENOENT);
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	if (INFO.ndevices > 1)
		CHECK_ERRNO(reg(p, 16 * PS, 1),
			    0); /* devices mirror independently */
	munmap(p, 16 * PS);
}

static void rw_roundtrip(char *p, size_t n)
{
	char *buf = malloc(n), *back = malloc(n);

	CHECK_ERRNO(reg(p, n, 0), 0);
	fill(p, n, 1);
	CHECK_ERRNO(dev_rw(0, 0, p, buf, n), 0);
	CHECK_EQ(verify(buf, n, 1), -1);
	fill(buf, n, 2);
	CHECK_ERRNO(dev_rw(1, 0, p, buf, n), 0);
	CHECK_EQ(verify(p, n, 2), -1);
	/* Byte granular and across a page boundary. */
	memset(back, 0x5a, 100);
	CHECK_ERRNO(dev_rw(1, 0, p + PS - 50, back, 100), 0);
	CHECK_EQ((uint8_t)p[PS - 51], pat(PS - 51, 2));
	CHECK_EQ((uint8_t)p[PS - 50], 0x5a);
	CHECK_EQ((uint8_t)p[PS + 49], 0x5a);
	CHECK_EQ((uint8_t)p[PS + 50], pat(PS + 50, 2));
	free(buf);
	free(back);
}

TEST(rw_anonymous)
{
	fx_open();
	rw_roundtrip(map_anon(8 * PS), 8 * PS);
}

TEST(rw_file_backed)
{
	char path[] = "/tmp/hmm_rw_XXXXXX";
	int fd;
	char *p;

	fx_open();
	fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	CHECK_EQ(ftruncate(fd, 8 * PS), 0);
	p = mmap(NULL, 8 * PS, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	rw_roundtrip(p, 8 * PS);
	/* The device write reached the file. */
	char c;
	CHECK_EQ(pread(fd, &c, 1, 3 * PS + 7), 1);
	CHECK_EQ((uint8_t)c, pat(3 * PS + 7, 2));
	close(fd);
}

TEST(rw_shared)
{
	char *p = mmap(NULL, 8 * PS, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	fx_open();
	CHECK(p != MAP_FAILED);
	rw_roundtrip(p, 8 * PS);
}

TEST(read_only_range)
{
	char *p = map_anon(4 * PS), buf[64];
	struct hmm_dev_fault f;
	uint64_t st[4];

	fx_open();
	fill(p, 4 * PS, 3);
	CHECK_EQ(mprotect(p, 4 * PS, PROT_READ), 0);
	CHECK_ERRNO(reg(p, 4 * PS, 0), 0);
	CHECK_ERRNO(dev_rw(0, 0, p + 10, buf, 64), 0);
	CHECK_EQ((uint8_t)buf[0], pat(10, 3));
	CHECK_ERRNO(dev_rw(1, 0, p + 10, buf, 64), EPERM);
	f = (struct hmm_dev_fault){(uintptr_t)p, 4 * PS, (uintptr_t)st, 0, 0};
	CHECK_ERRNO(io(HMM_DEV_IOC_FAULT, &f), 0);
	CHECK_EQ(f.npages_done, 4);
	CHECK(st[0] & HMM_DEV_PAGE_F_READ);
	f.flags = HMM_DEV_FAULT_WRITE;
	CHECK_ERRNO(io(HMM_DEV_IOC_FAULT, &f), EPERM);
	CHECK_EQ(f.npages_done, 0);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[0]), HMM_DEV_PAGE_ERROR);
	CHECK_EQ(HMM_DEV_PAGE_ERRNO(st[0]), EPERM);
	CHECK_ERRNO(snap(p, 4 * PS, 0, st), 0);
	CHECK(st[1] & HMM_DEV_PAGE_F_READ);
	CHECK(!(st[1] & HMM_DEV_PAGE_F_WRITE));
	CHECK_EQ(verify(p, 4 * PS, 3), -1);
}

TEST(prot_none_range)
{
	char *p = map_anon(4 * PS), buf[16];
	struct hmm_dev_fault f;
	uint64_t st[4];

	fx_open();
	CHECK_EQ(mprotect(p + PS, PS, PROT_NONE), 0);
	CHECK_ERRNO(reg(p, 4 * PS, 0), 0);
	CHECK_ERRNO(dev_rw(0, 0, p + PS, buf, 16), EFAULT);
	CHECK_ERRNO(dev_rw(1, 0, p + PS, buf, 16), EFAULT);
	f = (struct hmm_dev_fault){(uintptr_t)p, 4 * PS, (uintptr_t)st, 0, 0};
	CHECK_ERRNO(io(HMM_DEV_IOC_FAULT, &f), EFAULT);
	CHECK_EQ(f.npages_done, 1); /* page-exact */
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[1]), HMM_DEV_PAGE_ERROR);
	CHECK_ERRNO(snap(p, 4 * PS, 0, st), 0);
	CHECK(!(st[1] & (HMM_DEV_PAGE_F_READ | HMM_DEV_PAGE_F_WRITE)));
}

TEST(snapshot_states)
{
	char *p = map_anon(8 * PS);
	uint64_t st[8];

	fx_open();
	CHECK_EQ(munmap(p + 7 * PS, PS), 0);
	p[0] = 1;
	p[2 * PS] = 1;
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	CHECK_ERRNO(snap(p, 8 * PS, 0, st), 0);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[0]), HMM_DEV_PAGE_SYSTEM);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[1]), HMM_DEV_PAGE_NOT_PRESENT);
	CHECK(st[0] & HMM_DEV_PAGE_F_WRITE);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[7]), HMM_DEV_PAGE_ERROR);
	CHECK_EQ(HMM_DEV_PAGE_ERRNO(st[7]), EFAULT);
	/* A snapshot never faults anything in. */
	CHECK_ERRNO(snap(p, 8 * PS, 0, st), 0);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[1]), HMM_DEV_PAGE_NOT_PRESENT);
	if (INFO.features & HMM_DEV_FEATURE_MIGRATE_ANON) {
		CHECK_ERRNO(mig(p + 2 * PS, 2 * PS, 0), 0);
		CHECK_ERRNO(snap(p, 4 * PS, 0, st), 0);
		CHECK_EQ(HMM_DEV_PAGE_STATE(st[2]), HMM_DEV_PAGE_DEVICE);
		CHECK_EQ(HMM_DEV_PAGE_DEV(st[2]), 0);
		CHECK(HMM_DEV_PAGE_APERTURE(st[2]) != HMM_DEV_PAGE_NO_APERTURE);
		CHECK_EQ((uint8_t)p[2 * PS], 1);
	}
}

TEST(fault_populates)
{
	char *p = map_anon(8 * PS);
	struct hmm_dev_fault f;
	uint64_t st[8];
	struct hmm_dev_stats s;

	fx_open();
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	stats_reset();
	f = (struct hmm_dev_fault){(uintptr_t)p, 8 * PS, (uintptr_t)st, 0,
				   HMM_DEV_FAULT_WRITE};
	CHECK_ERRNO(io(HMM_DEV_IOC_FAULT, &f), 0);
	CHECK_EQ(f.npages_done, 8);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(st[i] & 0xffff, HMM_DEV_PAGE_SYSTEM |
					     HMM_DEV_PAGE_F_READ |
					     HMM_DEV_PAGE_F_WRITE);
	CHECK_ERRNO(snap(p, 8 * PS, 0, st), 0);
	CHECK_EQ(HMM_DEV_PAGE_STATE(st[5]), HMM_DEV_PAGE_SYSTEM);
	s = stats(0);
	CHECK_EQ(s.device_faults, 1);
	CHECK_EQ(s.device_fault_pages, 8);
	/* Unmirrored by another device: ENXIO. */
	if (INFO.ndevices > 1)
		CHECK_ERRNO(
		    io(HMM_DEV_IOC_FAULT,
		       &(struct hmm_dev_fault){(uintptr_t)p, PS, 0, 1, 0}),
		    ENXIO);
}

TEST(attributes)
{
	char *p = map_anon(16 * PS);
	struct hmm_dev_attr a[4] = {
	    {HMM_DEV_ATTR_PREFERRED_LOC, 0, 0},
	    {HMM_DEV_ATTR_ACCESSED_BY, 0, 1},
	    {HMM_DEV_ATTR_READ_MOSTLY, 0, 1},
	    {HMM_DEV_ATTR_GRANULARITY, 0, 16},
	};
	struct hmm_dev_attrs as = {(uintptr_t)p + 4 * PS, 4 * PS, (uintptr_t)a,
				   4, 0};

	fx_open();
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), 0);
	memset(a, 0, sizeof(a));
	for (int i = 0; i < 4; i++)
		a[i].type = i + 1;
	CHECK_ERRNO(io(HMM_DEV_IOC_GET_ATTR, &as), 0);
	CHECK_EQ(a[0].value, 0);
	CHECK_EQ(a[1].value, 1);
	CHECK_EQ(a[2].value, 1);
	CHECK_EQ(a[3].value, 16);
	/* Defaults outside; mixed across the boundary. */
	as.start = (uintptr_t)p;
	CHECK_ERRNO(io(HMM_DEV_IOC_GET_ATTR, &as), 0);
	CHECK_EQ(a[0].value, HMM_DEV_LOC_NONE);
	CHECK_EQ(a[2].value, 0);
	as.size = 8 * PS;
	CHECK_ERRNO(io(HMM_DEV_IOC_GET_ATTR, &as), 0);
	CHECK_EQ(a[0].value, HMM_DEV_ATTR_MIXED);
	CHECK_EQ(a[1].value, HMM_DEV_ATTR_MIXED);
	/* Overwrite a part. */
	a[0] = (struct hmm_dev_attr){HMM_DEV_ATTR_PREFERRED_LOC, 0,
				     HMM_DEV_LOC_SYSTEM};
	as = (struct hmm_dev_attrs){(uintptr_t)p + 6 * PS, 2 * PS, (uintptr_t)a,
				    1, 0};
	CHECK_ERRNO(io(HMM_DEV_IOC_SET_ATTR, &as), 0);
	as.start = (uintptr_t)p + 4 * PS;
	CHECK_ERRNO(io(HMM_DEV_IOC_GET_ATTR, &as), 0);
	CHECK_EQ(a[0].value, 0);
	as.start = (uintptr_t)p + 6 * PS;
	CHECK_ERRNO(io(HMM_DEV_IOC_GET_ATTR, &as), 0);
	CHECK_EQ(a[0].value, HMM_DEV_LOC_SYSTEM);
}

TEST(aperture)
{
	char *p = map_anon(4 * PS), *ap;
	uint64_t st[4];

	fx_open();
	fx_need_migration();
	uint32_t d = fx_dev(HMM_DEV_MEM_PRIVATE, 0);
	ap = hx_hmm_mmap(H, INFO.devices[d].mem_size, PROT_READ | PROT_WRITE,
			 HMM_DEV_APERTURE_OFFSET(d));
	CHECK(ap != MAP_FAILED);
	fill(p, 4 * PS, 4);
	CHECK_ERRNO(reg(p, 4 * PS, d), 0);
	CHECK_ERRNO(mig(p, 4 * PS, d), 0);
	CHECK_ERRNO(snap(p, 4 * PS, d, st), 0);
	for (int i = 0; i < 4; i++) {
		char *dp = ap + (uint64_t)HMM_DEV_PAGE_APERTURE(st[i]) * PS;

		CHECK_EQ(HMM_DEV_PAGE_STATE(st[i]), HMM_DEV_PAGE_DEVICE);
		CHECK_EQ((uint8_t)dp[123], pat(i * PS + 123, 4));
	}
	CHECK_EQ(hx_hmm_munmap(H, ap, INFO.devices[d].mem_size), 0);
	CHECK_EQ(verify(p, 4 * PS, 4), -1);
	CHECK(hx_hmm_mmap(H, PS, PROT_READ, HMM_DEV_APERTURE_OFFSET(7)) ==
	      MAP_FAILED);
	CHECK(errno == ENODEV || errno == EINVAL);
}
