/* User-space /dev/hmm backend: the ioctl front (validation, argument
 * copies) and the file operations (open, close, mmap, read). */
#include "ub.h"
#include "uffd_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

#define CHUNK 512 /* pages whose states travel through the stack at once */
#define PST(r, a) ((r)->pst[((a) - (r)->start) / UB_PS])

static int check_range(uint64_t start, uint64_t size)
{
	if (!size || ((start | size) & (UB_PS - 1)))
		return -EINVAL;
	if (start + size < start)
		return -EOVERFLOW;
	if (size > HMM_DEV_MAX_RANGE)
		return -E2BIG;
	return 0;
}

static int check_dev(uint32_t dev)
{
	return dev < (uint32_t)hx_ub.ndev ? 0 : -ENODEV;
}

static uint64_t dev_word(uint64_t w)
{
	int d = UB_PST_DEV(w);
	uint64_t ap =
	    (w & UB_PST_COH) ? HMM_DEV_PAGE_NO_APERTURE : UB_PST_SLOT(w);

	return HMM_DEV_PAGE_DEVICE | HMM_DEV_PAGE_F_READ |
	       HMM_DEV_PAGE_F_WRITE |
	       ((w & UB_PST_COH) ? HMM_DEV_PAGE_F_COHERENT : 0) |
	       ((uint64_t)d << 16) | (ap << 32);
}

static uint64_t err_word(int err)
{
	return HMM_DEV_PAGE_ERROR | ((uint64_t)(uint32_t)err << 32);
}

/* Holes in registered ranges are filled here, under the lock, so that the
 * kernel-mode accesses that follow (populate, process_vm_*) never need
 * the handler (and work with UFFD_USER_MODE_ONLY). */
static void fill_holes_locked(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end;) {
		struct ub_rec *r = hx_ub_rec_next(a);
		uint64_t lim;

		if (!r || r->start >= end)
			break;
		if (r->start > a)
			a = r->start;
		lim = end < r->end ? end : r->end;
		for (; a < lim; a += UB_PS)
			if (!PST(r, a) && hx_ub.uffd >= 0 &&
			    hx_ub_mincore_page(a) == 0)
				hx_ub_pool_zero_locked(a);
	}
}

static int do_info(struct hmm_dev_info *in)
{
	memset(in, 0, sizeof(*in));
	in->abi_version = HMM_DEV_ABI_VERSION;
	in->backend = HMM_DEV_BACKEND_USER;
	in->page_size = UB_PS;
	hx_ub_lock();
	in->ndevices = hx_ub.ndev;
	in->degraded_reason = hx_ub.degraded_reason;
	in->degraded_errno = hx_ub.degraded_errno;
	in->fault_around_pages = hx_ub.fault_around;
	if (hx_ub.uffd >= 0) {
		in->features |= HMM_DEV_FEATURE_MIGRATE_ANON |
				HMM_DEV_FEATURE_FORK_MIGRATES_BACK |
				HMM_DEV_FEATURE_MIGRATE_THP;
		if (hx_ub.have_move && !hx_ub.no_move_env)
			in->features |= HMM_DEV_FEATURE_MIGRATE_MOVE |
					HMM_DEV_FEATURE_APERTURE_HOLD;
		if (!hx_ub.user_mode_only)
			in->features |= HMM_DEV_FEATURE_KERNEL_ACCESS;
		if (hx_ub.have_wp)
			in->features |= HMM_DEV_FEATURE_EVENTS_ANON;
	}
	for (int i = 0; i < hx_ub.ndev; i++) {
		in->devices[i].mem_size = hx_ub.dev[i].npages * UB_PS;
		in->devices[i].mem_free =
		    (hx_ub.dev[i].npages - hx_ub.dev[i].nused) * UB_PS;
		in->devices[i].kind = hx_ub.dev[i].kind;
	}
	hx_ub_unlock();
	return 0;
}

/* Events for a mirror come from registering its anonymous parts with the
 * uffd in write-protect mode (nothing is ever write-protected, so no
 * fault ever results); parts already registered for migration keep their
 * mode. File-backed mirrors get no events. */
static void mirror_events_locked(uint64_t start, uint64_t end)
{
	uint64_t a = start;

	if (hx_ub.uffd < 0 || !hx_ub.have_wp)
		return;
	while (a < end) {
		struct ub_rec *r = hx_ub_rec_next(a);
		uint64_t b = (r && r->start < end) ? r->start : end;

		if (b > a) {
			struct uffdio_register reg = {
			    .range = {a, b - a},
			    .mode = UFFDIO_REGISTER_MODE_WP};

			if (ioctl(hx_ub.uffd, UFFDIO_REGISTER, &reg) < 0)
				hx_ub_dbg("no invalidation events for [0x%llx, "
					  "0x%llx): %s (not anonymous memory?)",
					  (unsigned long long)a,
					  (unsigned long long)b,
					  strerror(errno));
		}
		a = (r && r->start < end) ? r->end : end;
	}
}

static int do_register(struct hmm_dev_range *r, int reg)
{
	int err = check_range(r->start, r->size);
	struct ub_dev *d;
	int i;

	if (!err && r->flags)
		err = -EINVAL;
	if (!err)
		err = check_dev(r->device);
	if (err)
		return err;
	hx_ub_lock();
	d = &hx_ub.dev[r->device];
	for (i = 0; i < d->nmirrors && d->mirrors[i].end <= r->start; i++)
		;
	if (!reg) {
		err = -ENOENT;
		if (i < d->nmirrors && d->mirrors[i].start == r->start &&
		    d->mirrors[i].end == r->start + r->size) {
			memmove(&d->mirrors[i], &d->mirrors[i + 1],
				(d->nmirrors - i - 1) * sizeof(d->mirrors[0]));
			d->nmirrors--;
			err = 0;
		}
	} else if (i < d->nmirrors &&
		   d->mirrors[i].start < r->start + r->size) {
		err = -EEXIST;
	} else if (d->nmirrors == UB_MAX_MIRRORS) {
		err = -ENOMEM;
	} else {
		memmove(&d->mirrors[i + 1], &d->mirrors[i],
			(d->nmirrors - i) * sizeof(d->mirrors[0]));
		d->mirrors[i] = (struct ub_iv){r->start, r->start + r->size};
		d->nmirrors++;
		mirror_events_locked(r->start, r->start + r->size);
	}
	hx_ub_unlock();
	return err;
}

static int check_op(uint64_t start, uint64_t size, uint32_t dev, uint32_t flags,
		    uint32_t allowed, int need_mirror)
{
	int err = check_range(start, size);

	if (!err && (flags & ~allowed))
		err = -EINVAL;
	if (!err)
		err = check_dev(dev);
	if (!err && need_mirror) {
		hx_ub_lock();
		if (!hx_ub_mirrored(dev, start, start + size))
			err = -ENXIO;
		hx_ub_unlock();
	}
	return err;
}

/* Populates one run of system pages for the device; returns the number of
 * leading pages done and sets *err on the first failure. */
static uint64_t populate(uint64_t a, uint64_t n, int write, uint64_t *st,
			 int *err)
{
	uint64_t i;

	if (!madvise((void *)a, n * UB_PS, MADV_POPULATE_READ) &&
	    (!write || !madvise((void *)a, n * UB_PS, MADV_POPULATE_WRITE))) {
		for (i = 0; i < n; i++)
			st[i] = HMM_DEV_PAGE_SYSTEM | HMM_DEV_PAGE_F_READ |
				(write ? HMM_DEV_PAGE_F_WRITE : 0);
		return n;
	}
	for (i = 0; i < n; i++) {
		void *p = (void *)(a + i * UB_PS);

		*err = 0;
		if (madvise(p, UB_PS, MADV_POPULATE_READ))
			*err = -EFAULT;
		else if (write && madvise(p, UB_PS, MADV_POPULATE_WRITE))
			*err = -EPERM;
		if (*err) {
			st[i] = err_word(-*err);
			return i;
		}
		st[i] = HMM_DEV_PAGE_SYSTEM | HMM_DEV_PAGE_F_READ |
			(write ? HMM_DEV_PAGE_F_WRITE : 0);
	}
	return n;
}

/* One chunk of a device fault: device pages are looked at under the lock,
 * system pages populated outside it (they may fault into the handler). */
static int fault_chunk(struct hmm_dev_fault *f, uint64_t a, uint64_t n,
		       uint64_t *st)
{
	int write = f->flags & HMM_DEV_FAULT_WRITE, err = 0;
	uint64_t dw[CHUNK], moved = 0, i = 0;

	hx_ub_lock();
	for (uint64_t k = 0; k < n; k++) {
		uint64_t p = a + k * UB_PS;
		struct ub_rec *r = hx_ub_rec_find(p);
		uint64_t w = r ? PST(r, p) : 0;

		dw[k] = 0;
		/* A page on another private device comes home first, as
		 * hmm_range_fault() makes a foreign device page migrate. */
		if (w && !(w & UB_PST_COH) && UB_PST_DEV(w) != (int)f->device)
			hx_ub_to_system_locked(p, p + UB_PS, 0, 1, &moved);
		else if (w)
			dw[k] = dev_word(w);
	}
	fill_holes_locked(a, a + n * UB_PS);
	hx_ub_unlock();
	while (i < n) {
		uint64_t j = i, got;

		if (dw[i] && !(dw[i] & HMM_DEV_PAGE_F_COHERENT)) {
			st[i] = dw[i];
			i++;
			continue;
		}
		while (j < n && !(dw[j] && !(dw[j] & HMM_DEV_PAGE_F_COHERENT)))
			j++;
		got = populate(a + i * UB_PS, j - i, write, st + i, &err);
		/* Coherent pages are populated in place but stay the device's.
		 */
		for (uint64_t k = i; k < i + got; k++)
			if (dw[k])
				st[k] = dw[k];
		if (got < j - i)
			return err;
		i = j;
	}
	return 0;
}

static int do_fault(struct hmm_dev_fault *f)
{
	uint64_t st[CHUNK];
	int err = check_op(f->start, f->size, f->device, f->flags,
			   HMM_DEV_FAULT_WRITE, 1);

	f->npages_done = 0;
	for (uint64_t a = f->start; !err && a < f->start + f->size;) {
		uint64_t n = (f->start + f->size - a) / UB_PS, good = 0;

		if (n > CHUNK)
			n = CHUNK;
		err = fault_chunk(f, a, n, st);
		while (good < n &&
		       HMM_DEV_PAGE_STATE(st[good]) != HMM_DEV_PAGE_ERROR &&
		       st[good])
			good++;
		if (f->states && hx_ub_copy_out((uint64_t *)f->states +
						    (a - f->start) / UB_PS,
						st, (err ? good + 1 : n) * 8))
			err = -EFAULT;
		f->npages_done += err ? good : n;
		a += n * UB_PS;
	}
	if (!check_dev(f->device)) {
		hx_ub_lock();
		hx_ub.dev[f->device].st.device_faults++;
		hx_ub.dev[f->device].st.device_fault_pages += f->npages_done;
		hx_ub_unlock();
	}
	return err;
}

struct vma {
	uint64_t start, end;
	int prot; /* bit 0 read, bit 1 write */
};

/* The VMAs meeting [start, end), from /proc/self/maps. */
static int maps_read(uint64_t start, uint64_t end, struct vma *v, int max)
{
	char buf[4096];
	size_t have = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC), n = 0;
	ssize_t got;

	if (fd < 0)
		return -1;
	while ((got = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0 ||
	       have) {
		char *line = buf, *nl;

		have += got > 0 ? (size_t)got : 0;
		buf[have] = 0;
		while ((nl = strchr(line, '\n')) || (got <= 0 && *line)) {
			unsigned long long s, e;
			char perm[8];

			if (nl)
				*nl = 0;
			if (sscanf(line, "%llx-%llx %7s", &s, &e, perm) == 3 &&
			    s < end && e > start && n < max)
				v[n++] = (struct vma){
				    s, e,
				    (perm[0] == 'r') | (perm[1] == 'w') << 1};
			line = nl ? nl + 1 : line + strlen(line);
		}
		have -= line - buf;
		memmove(buf, line, have);
		if (got <= 0)
			break;
	}
	close(fd);
	return n;
}

static int snapshot_chunk(uint64_t a, uint64_t n, uint64_t *st)
{
	struct vma v[64];
	unsigned char mc[CHUNK];
	int nv = maps_read(a, a + n * UB_PS, v, 64), vi = 0;
	int mcok = mincore((void *)a, n * UB_PS, mc) == 0;

	if (nv < 0)
		return -ENOMEM;
	hx_ub_lock();
	for (uint64_t k = 0; k < n; k++) {
		uint64_t p = a + k * UB_PS;
		struct ub_rec *r = hx_ub_rec_find(p);
		uint64_t w = r ? PST(r, p) : 0;
		int prot;

		while (vi < nv && v[vi].end <= p)
			vi++;
		if (vi == nv || v[vi].start > p) {
			st[k] = err_word(EFAULT);
			continue;
		}
		prot = v[vi].prot;
		if (w && !(w & UB_PST_COH)) {
			st[k] = dev_word(w);
		} else {
			int res = mcok ? mc[k] & 1 : hx_ub_mincore_page(p) == 1;

			st[k] = w     ? dev_word(w)
				: res ? HMM_DEV_PAGE_SYSTEM
				      : HMM_DEV_PAGE_NOT_PRESENT;
		}
		st[k] &=
		    ~(uint64_t)(HMM_DEV_PAGE_F_READ | HMM_DEV_PAGE_F_WRITE);
		st[k] |= ((prot & 1) ? HMM_DEV_PAGE_F_READ : 0) |
			 ((prot & 2) ? HMM_DEV_PAGE_F_WRITE : 0);
	}
	hx_ub_unlock();
	return 0;
}

static int do_snapshot(struct hmm_dev_snapshot *s)
{
	uint64_t st[CHUNK];
	int err = check_op(s->start, s->size, s->device, s->flags, 0, 1);

	for (uint64_t a = s->start; !err && a < s->start + s->size;) {
		uint64_t n = (s->start + s->size - a) / UB_PS;

		if (n > CHUNK)
			n = CHUNK;
		err = snapshot_chunk(a, n, st);
		if (!err && hx_ub_copy_out((uint64_t *)s->states +
					       (a - s->start) / UB_PS,
					   st, n * 8))
			err = -EFAULT;
		a += n * UB_PS;
	}
	return err;
}

/* States after a migration, from the residency records alone. */
static int migrate_states(struct hmm_dev_migrate *m)
{
	uint64_t st[CHUNK];

	for (uint64_t a = m->start; a < m->start + m->size;) {
		uint64_t n = (m->start + m->size - a) / UB_PS;

		if (n > CHUNK)
			n = CHUNK;
		hx_ub_lock();
		for (uint64_t k = 0; k < n; k++) {
			struct ub_rec *r = hx_ub_rec_find(a + k * UB_PS);
			uint64_t w = r ? PST(r, a + k * UB_PS) : 0;

			st[k] = w ? dev_word(w) : HMM_DEV_PAGE_SYSTEM;
		}
		hx_ub_unlock();
		if (hx_ub_copy_out((uint64_t *)m->states +
				       (a - m->start) / UB_PS,
				   st, n * 8))
			return -EFAULT;
		a += n * UB_PS;
	}
	return 0;
}

static int do_migrate(struct hmm_dev_migrate *m)
{
	int sys = m->target == HMM_DEV_LOC_SYSTEM, err;
	uint64_t end = m->start + m->size, moved = 0, done = 0;

	m->npages_moved = m->npages_done = m->fail_addr = 0;
	err = check_op(m->start, m->size, sys ? 0 : m->target, m->flags,
		       HMM_DEV_MIGRATE_CONTENT_UNDEFINED, !sys);
	if (err)
		return err;
	hx_ub_lock();
	if (hx_ub_refused(m->start, end)) {
		err = -EBUSY;
	} else if (sys) {
		err = hx_ub_to_system_locked(
		    m->start, end, m->flags & HMM_DEV_MIGRATE_CONTENT_UNDEFINED,
		    0, &moved);
		done = m->size / UB_PS;
	} else {
		err = hx_ub_to_device_locked(
		    m->target, m->start, end,
		    m->flags & HMM_DEV_MIGRATE_CONTENT_UNDEFINED, &moved,
		    &done);
	}
	m->npages_moved = moved;
	m->npages_done = done;
	hx_ub_check_locked("migrate");
	if (err)
		hx_ub_dbg(
		    "migrate [0x%llx, +0x%llx) to %d: %s after %llu pages",
		    (unsigned long long)m->start, (unsigned long long)m->size,
		    (int)m->target, strerror(-err),
		    (unsigned long long)m->npages_done);
	hx_ub_unlock();
	if (err && err != -EBUSY && m->npages_done < m->size / UB_PS)
		m->fail_addr = m->start + m->npages_done * UB_PS;
	if (m->states && migrate_states(m) && !err)
		err = -EFAULT;
	return err;
}

/* One piece of a device access inside one page. Device-resident pages
 * are reached in the pool under the lock through a bounce buffer (the
 * caller's buffer may itself be migrated); system pages directly with
 * process_vm_*, outside the lock. */
static int rw_piece(int write, uint64_t addr, uint64_t len, char *ubuf)
{
	char bounce[UB_PS];
	struct iovec l = {ubuf, len}, r = {(void *)addr, len};
	uint64_t page = addr & ~(UB_PS - 1), w;
	struct ub_rec *rec;
	ssize_t got;

	if (write && hx_ub_copy_in(bounce, ubuf, len))
		return -EFAULT;
	hx_ub_lock();
	rec = hx_ub_rec_find(page);
	w = rec ? PST(rec, page) : 0;
	if (w && !(w & UB_PST_COH)) {
		struct ub_dev *d = &hx_ub.dev[UB_PST_DEV(w)];
		char *s = d->pool + UB_PST_SLOT(w) * UB_PS;
		uint64_t off = addr - page;

		/* An empty slot reads as zeros and is filled by UFFDIO_COPY:
		 * touching it would fault into the handler. */
		if (hx_ub_mincore_page((uint64_t)s) == 1) {
			if (write)
				memcpy(s + off, bounce, len);
			else
				memcpy(bounce, s + off, len);
		} else if (write) {
			char full[UB_PS];
			struct uffdio_copy c = {(uint64_t)s, (uint64_t)full,
						UB_PS, 0, 0};

			memset(full, 0, UB_PS);
			memcpy(full + off, bounce, len);
			ioctl(hx_ub.uffd, UFFDIO_COPY, &c);
		} else {
			memset(bounce, 0, len);
		}
		hx_ub_unlock();
		if (!write && hx_ub_copy_out(ubuf, bounce, len))
			return -EFAULT;
		return 0;
	}
	fill_holes_locked(page, page + UB_PS);
	hx_ub_unlock();
	if (write)
		l.iov_base = bounce;
	got = write ? process_vm_writev(getpid(), &l, 1, &r, 1, 0)
		    : process_vm_readv(getpid(), &l, 1, &r, 1, 0);
	if (got == (ssize_t)len)
		return 0;
	if (write) {
		/* Readable but not writable: a read-only mapping. */
		char c;
		struct iovec l1 = {&c, 1}, r1 = {(void *)addr, 1};

		if (process_vm_readv(getpid(), &l1, 1, &r1, 1, 0) == 1)
			return -EPERM;
	}
	return -EFAULT;
}

static int do_rw(struct hmm_dev_rw *rw, int write)
{
	uint64_t end = rw->addr + rw->size;
	int err = 0;

	rw->bytes_done = 0;
	if (!rw->size || rw->flags)
		return -EINVAL;
	if (end < rw->addr)
		return -EOVERFLOW;
	if (rw->size > HMM_DEV_MAX_RANGE)
		return -E2BIG;
	if ((err = check_dev(rw->device)))
		return err;
	hx_ub_lock();
	if (!hx_ub_mirrored(rw->device, rw->addr & ~(UB_PS - 1),
			    (end + UB_PS - 1) & ~(UB_PS - 1)))
		err = -ENXIO;
	hx_ub_unlock();
	for (uint64_t a = rw->addr; !err && a < end;) {
		uint64_t n = ((a & ~(UB_PS - 1)) + UB_PS) - a;

		if (n > end - a)
			n = end - a;
		err = rw_piece(write, a, n, (char *)rw->buf + (a - rw->addr));
		if (!err)
			rw->bytes_done += n;
		a += n;
	}
	return err;
}

static int attr_check(struct hmm_dev_attr *at, uint32_t n, int set)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t v = at[i].value;

		if (at[i].type < HMM_DEV_ATTR_PREFERRED_LOC ||
		    at[i].type > HMM_DEV_ATTR_GRANULARITY || at[i].pad)
			return -EINVAL;
		if (!set)
			continue;
		if (at[i].type == HMM_DEV_ATTR_PREFERRED_LOC &&
		    v != HMM_DEV_LOC_SYSTEM && v != HMM_DEV_LOC_NONE &&
		    v >= (uint64_t)hx_ub.ndev)
			return -ENODEV;
		if (at[i].type == HMM_DEV_ATTR_ACCESSED_BY && (v >> hx_ub.ndev))
			return -ENODEV;
		if (at[i].type == HMM_DEV_ATTR_READ_MOSTLY && v > 1)
			return -EINVAL;
		if (at[i].type == HMM_DEV_ATTR_GRANULARITY && v &&
		    (v < 12 || v > 21))
			return -EINVAL;
	}
	return 0;
}

/* Splits the interval list so that `at` is a boundary. */
static int attr_split(uint64_t at)
{
	for (int i = 0; i < hx_ub.nattrs; i++) {
		struct ub_attr_iv *x = &hx_ub.attrs[i];

		if (x->start < at && at < x->end) {
			if (hx_ub.nattrs == UB_MAX_ATTRS)
				return -ENOMEM;
			memmove(x + 1, x, (hx_ub.nattrs - i) * sizeof(*x));
			hx_ub.nattrs++;
			x->end = at;
			x[1].start = at;
			return 0;
		}
	}
	return 0;
}

static int attr_set_locked(uint64_t s, uint64_t e, struct hmm_dev_attr *at,
			   uint32_t n)
{
	uint64_t a = s;
	int i = 0, err;

	if ((err = attr_split(s)) || (err = attr_split(e)))
		return err;
	/* Fill gaps with default intervals, then set values. */
	while (a < e) {
		while (i < hx_ub.nattrs && hx_ub.attrs[i].end <= a)
			i++;
		uint64_t b = (i < hx_ub.nattrs && hx_ub.attrs[i].start < e)
				 ? hx_ub.attrs[i].start
				 : e;

		if (b > a) {
			if (hx_ub.nattrs == UB_MAX_ATTRS)
				return -ENOMEM;
			memmove(&hx_ub.attrs[i + 1], &hx_ub.attrs[i],
				(hx_ub.nattrs - i) * sizeof(hx_ub.attrs[0]));
			hx_ub.nattrs++;
			hx_ub.attrs[i] = (struct ub_attr_iv){
			    a, b, {HMM_DEV_LOC_NONE, 0, 0, 0}};
		}
		for (uint32_t k = 0; k < n; k++)
			hx_ub.attrs[i].v[at[k].type - 1] = at[k].value;
		a = hx_ub.attrs[i].end;
		i++;
	}
	return 0;
}

static uint64_t attr_get_locked(uint64_t s, uint64_t e, int type)
{
	uint64_t v = hx_ub_attr_get(s, type);

	for (int i = 0; i < hx_ub.nattrs; i++) {
		struct ub_attr_iv *x = &hx_ub.attrs[i];

		if (x->end <= s || x->start >= e)
			continue;
		if (x->v[type - 1] != v)
			return HMM_DEV_ATTR_MIXED;
	}
	/* A gap inside the range has default values. */
	for (uint64_t a = s; a < e;) {
		int found = 0;

		for (int i = 0; i < hx_ub.nattrs; i++)
			if (hx_ub.attrs[i].start <= a &&
			    a < hx_ub.attrs[i].end) {
				a = hx_ub.attrs[i].end;
				found = 1;
			}
		if (!found)
			return v == hx_ub_attr_get(a, type)
				   ? v
				   : HMM_DEV_ATTR_MIXED;
	}
	return v;
}

static int do_attrs(struct hmm_dev_attrs *as, int set)
{
	struct hmm_dev_attr at[HMM_DEV_ATTRS_MAX];
	int err = check_range(as->start, as->size);

	if (!err &&
	    (as->flags || !as->nattrs || as->nattrs > HMM_DEV_ATTRS_MAX))
		err = -EINVAL;
	if (!err &&
	    hx_ub_copy_in(at, (void *)as->attrs, as->nattrs * sizeof(at[0])))
		err = -EFAULT;
	if (!err)
		err = attr_check(at, as->nattrs, set);
	if (err)
		return err;
	hx_ub_lock();
	if (set)
		err = attr_set_locked(as->start, as->start + as->size, at,
				      as->nattrs);
	else
		for (uint32_t i = 0; i < as->nattrs; i++)
			at[i].value = attr_get_locked(
			    as->start, as->start + as->size, at[i].type);
	hx_ub_unlock();
	if (!err && !set &&
	    hx_ub_copy_out((void *)as->attrs, at, as->nattrs * sizeof(at[0])))
		err = -EFAULT;
	return err;
}

static int do_stats(struct hmm_dev_stats *s)
{
	uint32_t dev = s->device, flags = s->flags;
	int err = check_dev(dev);

	if (!err && (flags & ~HMM_DEV_STATS_RESET))
		err = -EINVAL;
	if (err)
		return err;
	hx_ub_lock();
	*s = hx_ub.dev[dev].st;
	s->device = dev;
	s->flags = flags;
	if (flags & HMM_DEV_STATS_RESET)
		memset(&hx_ub.dev[dev].st, 0, sizeof(hx_ub.dev[dev].st));
	hx_ub_unlock();
	return 0;
}

/* Holding needs MOVE: a copied-out page would leave its old contents in
 * the slot, where a stale access would still find them. */
static int aperture_locked(struct ub_dev *d, int dev, uint32_t op,
			   uint64_t *freed)
{
	if (d->kind != HMM_DEV_MEM_PRIVATE || !d->pool)
		return -ENXIO;
	if (op == HMM_DEV_APERTURE_HOLD) {
		if (!hx_ub.have_move || hx_ub.no_move_env)
			return -EOPNOTSUPP;
		if (!d->owner)
			d->owner = hx_ub_arena_alloc(d->npages * 8);
		if (!d->owner)
			return -ENOMEM;
		d->hold = 1;
		return 0;
	}
	*freed = hx_ub_slot_release(dev);
	if (op == HMM_DEV_APERTURE_UNHOLD)
		d->hold = 0;
	return 0;
}

static int do_aperture(struct hmm_dev_aperture *a)
{
	uint32_t dev = a->device, op = a->op;
	uint64_t freed = 0;
	int err = check_dev(dev);

	if (!err && (a->flags || op < HMM_DEV_APERTURE_HOLD ||
		     op > HMM_DEV_APERTURE_UNHOLD))
		err = -EINVAL;
	if (err)
		return err;
	hx_ub_lock();
	err = aperture_locked(&hx_ub.dev[dev], dev, op, &freed);
	a->nheld = hx_ub.dev[dev].nheld;
	a->nfreed = freed;
	hx_ub_check_locked("aperture");
	hx_ub_unlock();
	return err;
}

union ub_arg {
	struct hmm_dev_info info;
	struct hmm_dev_range range;
	struct hmm_dev_fault fault;
	struct hmm_dev_snapshot snap;
	struct hmm_dev_migrate mig;
	struct hmm_dev_rw rw;
	struct hmm_dev_attrs attrs;
	struct hmm_dev_stats stats;
	struct hmm_dev_aperture ap;
};

static int dispatch(unsigned long req, union ub_arg *u)
{
	switch (req) {
	case HMM_DEV_IOC_INFO:
		return do_info(&u->info);
	case HMM_DEV_IOC_REGISTER:
		return do_register(&u->range, 1);
	case HMM_DEV_IOC_UNREGISTER:
		return do_register(&u->range, 0);
	case HMM_DEV_IOC_FAULT:
		return do_fault(&u->fault);
	case HMM_DEV_IOC_SNAPSHOT:
		return do_snapshot(&u->snap);
	case HMM_DEV_IOC_MIGRATE:
		return do_migrate(&u->mig);
	case HMM_DEV_IOC_READ:
		return do_rw(&u->rw, 0);
	case HMM_DEV_IOC_WRITE:
		return do_rw(&u->rw, 1);
	case HMM_DEV_IOC_SET_ATTR:
		return do_attrs(&u->attrs, 1);
	case HMM_DEV_IOC_GET_ATTR:
		return do_attrs(&u->attrs, 0);
	case HMM_DEV_IOC_STATS:
		return do_stats(&u->stats);
	case HMM_DEV_IOC_APERTURE:
		return do_aperture(&u->ap);
	}
	return -ENOTTY;
}

static const unsigned long known[] = {
    HMM_DEV_IOC_INFO,	  HMM_DEV_IOC_REGISTER, HMM_DEV_IOC_UNREGISTER,
    HMM_DEV_IOC_FAULT,	  HMM_DEV_IOC_SNAPSHOT, HMM_DEV_IOC_MIGRATE,
    HMM_DEV_IOC_READ,	  HMM_DEV_IOC_WRITE,	HMM_DEV_IOC_SET_ATTR,
    HMM_DEV_IOC_GET_ATTR, HMM_DEV_IOC_STATS,	HMM_DEV_IOC_APERTURE,
};

/* Like the kernel: an unknown number is ENOTTY; a known number with the
 * wrong size or direction (a truncated or stale struct) is EINVAL. */
int hx_ub_ioctl(int idx, unsigned long req, void *arg)
{
	union ub_arg u;
	size_t size = _IOC_SIZE(req);
	int err = -ENOTTY, dir = _IOC_DIR(req);

	if (idx < 0 || idx >= UB_MAX_HANDLES || !hx_ub.handles[idx].used) {
		errno = EBADF;
		return -1;
	}
	hx_ub_sync_events();
	hx_ub_trusted = hx_ub.handles[idx].trusted;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (_IOC_TYPE(req) != _IOC_TYPE(known[i]) ||
		    _IOC_NR(req) != _IOC_NR(known[i]))
			continue;
		err = req == known[i] ? 0 : -EINVAL;
		break;
	}
	if (!err && (dir & _IOC_WRITE) && hx_ub_copy_in(&u, arg, size))
		err = -EFAULT;
	if (!err) {
		if (!(dir & _IOC_WRITE))
			memset(&u, 0, sizeof(u));
		err = dispatch(req, &u);
		/* (out) fields travel back even on failure: partial results. */
		if ((dir & _IOC_READ) && hx_ub_copy_out(arg, &u, size) && !err)
			err = -EFAULT;
	}
	hx_ub_trusted = 0;
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

int hx_ub_trust(int idx)
{
	if (idx < 0 || idx >= UB_MAX_HANDLES || !hx_ub.handles[idx].used) {
		errno = EBADF;
		return -1;
	}
	hx_ub.handles[idx].trusted = 1;
	return 0;
}

int hx_ub_open(void)
{
	int idx = -1, err;

	hx_ub_lock();
	err = hx_ub_init_locked();
	for (int i = 0; !err && i < UB_MAX_HANDLES; i++) {
		struct ub_handle *h = &hx_ub.handles[i];

		if (h->used)
			continue;
		h->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (h->efd < 0) {
			err = -errno;
			break;
		}
		pthread_mutex_lock(&hx_ub.evlock);
		h->head = h->tail = 0;
		h->overflow = 0;
		h->seq = 0;
		h->trusted = 0;
		h->used = 1;
		pthread_mutex_unlock(&hx_ub.evlock);
		idx = i;
		break;
	}
	if (!err && idx < 0)
		err = -EMFILE;
	hx_ub_unlock();
	if (err) {
		errno = -err;
		return -1;
	}
	return idx;
}

static struct ub_handle *handle(int idx)
{
	if (idx < 0 || idx >= UB_MAX_HANDLES || !hx_ub.handles[idx].used)
		return NULL;
	return &hx_ub.handles[idx];
}

int hx_ub_close(int idx)
{
	struct ub_handle *h;

	hx_ub_lock();
	h = handle(idx);
	if (h) {
		pthread_mutex_lock(&hx_ub.evlock);
		h->used = 0;
		close(h->efd);
		pthread_mutex_unlock(&hx_ub.evlock);
	}
	hx_ub_unlock();
	if (!h) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

/* The aperture is the device pool itself: in user space there is no
 * second mapping of private anonymous memory. */
void *hx_ub_mmap(int idx, size_t len, off_t off)
{
	uint64_t dev = (uint64_t)off >> HMM_DEV_APERTURE_SHIFT;
	uint64_t byte = (uint64_t)off & ((1ULL << HMM_DEV_APERTURE_SHIFT) - 1);
	int err = 0;
	void *p = MAP_FAILED;

	hx_ub_lock();
	if (!handle(idx))
		err = EBADF;
	else if (dev >= (uint64_t)hx_ub.ndev)
		err = ENODEV;
	else if (!len || ((byte | len) & (UB_PS - 1)) ||
		 byte + len > hx_ub.dev[dev].npages * UB_PS)
		err = EINVAL;
	else if (!hx_ub.dev[dev].pool)
		err = ENXIO; /* coherent kind, or degraded: no aperture */
	else
		p = hx_ub.dev[dev].pool + byte;
	hx_ub_unlock();
	if (err)
		errno = err;
	return p;
}

ssize_t hx_ub_read(int idx, void *buf, size_t len)
{
	struct hmm_dev_event ev[16];
	struct ub_handle *h;
	size_t n = 0, max = len / sizeof(ev[0]);
	uint64_t v;

	if (max > 16)
		max = 16;
	hx_ub_sync_events();
	hx_ub_lock(); /* applies (and so emits) events the handler read */
	hx_ub_unlock();
	if (!max) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&hx_ub.evlock);
	h = handle(idx);
	if (h && h->overflow) {
		ev[n++] = (struct hmm_dev_event){.type = HMM_DEV_EVENT_OVERFLOW,
						 .device = HMM_DEV_ALL_DEVICES,
						 .seq = ++h->seq};
		h->overflow = 0;
	}
	while (h && n < max && h->head != h->tail)
		ev[n++] = h->q[h->head++ % UB_EVQ];
	if (h && h->head == h->tail && read(h->efd, &v, sizeof(v)) < 0)
		v = 0;
	pthread_mutex_unlock(&hx_ub.evlock);
	if (!h) {
		errno = EBADF;
		return -1;
	}
	if (!n) {
		errno = EAGAIN;
		return -1;
	}
	if (hx_ub_copy_out(buf, ev, n * sizeof(ev[0]))) {
		errno = EFAULT;
		return -1;
	}
	return (ssize_t)(n * sizeof(ev[0]));
}

int hx_ub_event_fd(int idx)
{
	struct ub_handle *h;
	int fd = -1;

	hx_ub_lock();
	h = handle(idx);
	if (h)
		fd = h->efd;
	hx_ub_unlock();
	if (fd < 0)
		errno = EBADF;
	return fd;
}
