/* User-space /dev/hmm backend: bookkeeping (records, mirrors, device
 * slots, attributes, events, arena). All functions expect ub.lock held
 * unless they say otherwise. */
#include "ub.h"
#include "uffd_compat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

static int rec_index(uint64_t addr)
{
	int lo = 0, hi = hx_ub.nrecs;

	/* First record whose end is above addr. */
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (hx_ub.recs[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct ub_rec *hx_ub_rec_find(uint64_t addr)
{
	int i = rec_index(addr);

	if (i < hx_ub.nrecs && hx_ub.recs[i].start <= addr)
		return &hx_ub.recs[i];
	return NULL;
}

struct ub_rec *hx_ub_rec_next(uint64_t addr)
{
	int i = rec_index(addr);

	return i < hx_ub.nrecs ? &hx_ub.recs[i] : NULL;
}

int hx_ub_pst_setup(void)
{
	if (hx_ub.pst_region)
		return 0;
	hx_ub.pst_region =
	    mmap(NULL, (size_t)UB_PST_CHUNKS * UB_PS, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hx_ub.pst_region == MAP_FAILED) {
		hx_ub.pst_region = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int pst_bit(uint64_t i)
{
	return (hx_ub.pst_used[i / 64] >> (i % 64)) & 1;
}

/* First fit over page-sized chunks of the reserved region; zeroed. */
static uint64_t *pst_alloc(size_t bytes)
{
	uint64_t n = (bytes + UB_PS - 1) / UB_PS, run = 0;

	for (uint64_t i = 0; hx_ub.pst_region && i < UB_PST_CHUNKS; i++) {
		run = pst_bit(i) ? 0 : run + 1;
		if (run < n)
			continue;
		for (uint64_t k = i + 1 - n; k <= i; k++)
			hx_ub.pst_used[k / 64] |= 1ULL << (k % 64);
		return (uint64_t *)(hx_ub.pst_region + (i + 1 - n) * UB_PS);
	}
	return NULL;
}

/* The region is not registered with the uffd: no event, any thread. */
static void pst_free(uint64_t *p, size_t bytes)
{
	uint64_t first = ((char *)p - hx_ub.pst_region) / UB_PS;
	uint64_t n = (bytes + UB_PS - 1) / UB_PS;

	madvise(p, n * UB_PS, MADV_DONTNEED);
	for (uint64_t k = first; k < first + n; k++)
		hx_ub.pst_used[k / 64] &= ~(1ULL << (k % 64));
}

static int rec_insert(int at, uint64_t start, uint64_t end)
{
	struct ub_rec *r;
	size_t bytes = (end - start) / UB_PS * 8;

	if (hx_ub.nrecs == UB_MAX_RECS)
		return -ENOMEM;
	memmove(&hx_ub.recs[at + 1], &hx_ub.recs[at],
		(hx_ub.nrecs - at) * sizeof(hx_ub.recs[0]));
	r = &hx_ub.recs[at];
	r->start = start;
	r->end = end;
	r->pst_bytes = bytes;
	/* From the reserved region: never a new mapping. */
	r->pst = pst_alloc(bytes);
	if (!r->pst) {
		memmove(&hx_ub.recs[at], &hx_ub.recs[at + 1],
			(hx_ub.nrecs - at) * sizeof(hx_ub.recs[0]));
		return -ENOMEM;
	}
	hx_ub.nrecs++;
	return 0;
}

/* Covers [start, end) with records, creating them for the gaps, and (when
 * asked) registers the range for missing-page faults. */
int hx_ub_rec_ensure(uint64_t start, uint64_t end, int do_register)
{
	uint64_t a = start;
	int i, err;

	if (do_register && hx_ub.uffd >= 0) {
		/* WP as well: the copy fallback write-protects a page while it
		 * copies it, so that no concurrent write is lost. */
		struct uffdio_register r = {
		    .range = {start, end - start},
		    .mode = UFFDIO_REGISTER_MODE_MISSING |
			    (hx_ub.have_wp ? UFFDIO_REGISTER_MODE_WP : 0)};

		if (ioctl(hx_ub.uffd, UFFDIO_REGISTER, &r) < 0) {
			err = errno;
			/* EINVAL: a VMA userfaultfd cannot take, or a hole. */
			if (err == EINVAL || err == ENOMEM)
				return hx_ub_mincore_page(start) < 0
					   ? -EFAULT
					   : -EOPNOTSUPP;
			return -err;
		}
	}
	while (a < end) {
		i = rec_index(a);
		if (i < hx_ub.nrecs && hx_ub.recs[i].start <= a) {
			a = hx_ub.recs[i].end;
			continue;
		}
		uint64_t gap_end = end;

		if (i < hx_ub.nrecs && hx_ub.recs[i].start < gap_end)
			gap_end = hx_ub.recs[i].start;
		err = rec_insert(i, a, gap_end);
		if (err)
			return err;
		a = gap_end;
	}
	return 0;
}

/* Forgets residency in [start, end): device slots are freed (they may
 * still hold a page, so they become dirty) or held; records wholly inside
 * an unmapped range go away. */
void hx_ub_rec_drop_range_locked(uint64_t start, uint64_t end, int unmapped)
{
	int i = rec_index(start);

	while (i < hx_ub.nrecs && hx_ub.recs[i].start < end) {
		struct ub_rec *r = &hx_ub.recs[i];
		uint64_t a = start > r->start ? start : r->start;
		uint64_t b = end < r->end ? end : r->end;

		for (uint64_t p = a; p < b; p += UB_PS) {
			uint64_t *w = &r->pst[(p - r->start) / UB_PS];
			int d = UB_PST_DEV(*w);

			/* Held (with the dropped bytes) while holding: a
			 * cached aperture address never reaches another
			 * page. */
			if (*w && !(*w & UB_PST_COH))
				hx_ub_slot_leave(d, UB_PST_SLOT(*w), p, 1);
			else if (*w)
				hx_ub.dev[d].nused--;
			*w = 0;
		}
		if (unmapped && a == r->start && b == r->end) {
			pst_free(r->pst, r->pst_bytes);
			memmove(r, r + 1, (hx_ub.nrecs - i - 1) * sizeof(*r));
			hx_ub.nrecs--;
			continue;
		}
		i++;
	}
}

int hx_ub_mirrored(int dev, uint64_t start, uint64_t end)
{
	struct ub_dev *d = &hx_ub.dev[dev];
	uint64_t a = start;

	for (int i = 0; i < d->nmirrors && a < end; i++) {
		if (d->mirrors[i].end <= a)
			continue;
		if (d->mirrors[i].start > a)
			return 0;
		a = d->mirrors[i].end;
	}
	return a >= end;
}

uint64_t hx_ub_mirror_pages(int dev, uint64_t start, uint64_t end)
{
	struct ub_dev *d = &hx_ub.dev[dev];
	uint64_t n = 0;

	for (int i = 0; i < d->nmirrors; i++) {
		uint64_t a =
		    d->mirrors[i].start > start ? d->mirrors[i].start : start;
		uint64_t b = d->mirrors[i].end < end ? d->mirrors[i].end : end;

		if (a < b)
			n += (b - a) / UB_PS;
	}
	return n;
}

int hx_ub_mirror_any(uint64_t start, uint64_t end)
{
	for (int d = 0; d < hx_ub.ndev; d++)
		if (hx_ub_mirror_pages(d, start, end))
			return 1;
	return 0;
}

int hx_ub_refused(uint64_t start, uint64_t end)
{
	uint64_t self = (uint64_t)&hx_ub & ~(UB_PS - 1);
	uint64_t self_end = ((uint64_t)(&hx_ub + 1) + UB_PS - 1) & ~(UB_PS - 1);

	if (start < self_end && end > self)
		return 1;
	/* The backend's own regions: residency words and device pools. */
	if (hx_ub.pst_region &&
	    start <
		(uint64_t)hx_ub.pst_region + (uint64_t)UB_PST_CHUNKS * UB_PS &&
	    end > (uint64_t)hx_ub.pst_region)
		return 1;
	for (int d = 0; d < hx_ub.ndev; d++)
		if (hx_ub.dev[d].pool &&
		    start < (uint64_t)hx_ub.dev[d].pool +
				hx_ub.dev[d].npages * UB_PS &&
		    end > (uint64_t)hx_ub.dev[d].pool)
			return 1;
	for (int i = 0; i < hx_ub.narena; i++)
		if (start < hx_ub.arena[i].end && end > hx_ub.arena[i].start)
			return 1;
	return 0;
}

/* Queues an event on every open handle; never blocks on user memory. */
void hx_ub_emit(uint32_t type, uint32_t dev, uint64_t start, uint64_t size,
		uint64_t new_start)
{
	uint64_t one = 1;

	pthread_mutex_lock(&hx_ub.evlock);
	for (int i = 0; i < UB_MAX_HANDLES; i++) {
		struct ub_handle *h = &hx_ub.handles[i];

		if (!h->used)
			continue;
		if (h->tail - h->head >= UB_EVQ) {
			h->overflow = 1;
			continue;
		}
		h->q[h->tail % UB_EVQ] =
		    (struct hmm_dev_event){.type = type,
					   .device = dev,
					   .start = start,
					   .size = size,
					   .new_start = new_start,
					   .seq = ++h->seq};
		h->tail++;
		/* Level-triggered for the reader: signal the first one only. */
		if (h->tail - h->head == 1 &&
		    write(h->efd, &one, sizeof(one)) < 0)
			continue;
	}
	pthread_mutex_unlock(&hx_ub.evlock);
}

static int bit(const uint64_t *bm, uint64_t i)
{
	return (bm[i / 64] >> (i % 64)) & 1;
}

static void setbit(uint64_t *bm, uint64_t i, int v)
{
	if (v)
		bm[i / 64] |= 1ULL << (i % 64);
	else
		bm[i / 64] &= ~(1ULL << (i % 64));
}

/* Next-fit: consecutive allocations get consecutive slots, so runs of
 * pages move with one UFFDIO_MOVE. Prefers slots without a page (MOVE and
 * UFFDIO_COPY need an empty destination). */
int hx_ub_slot_alloc(int dev, uint64_t *slot)
{
	struct ub_dev *d = &hx_ub.dev[dev];

	if (d->nused >= d->npages)
		return -ENOSPC;
	for (uint64_t n = 0; n < d->npages; n++) {
		uint64_t s = (d->hint + n) % d->npages;

		if (bit(d->used, s) || bit(d->dirty, s))
			continue;
		setbit(d->used, s, 1);
		d->nused++;
		d->hint = s + 1;
		*slot = s;
		return 0;
	}
	return -ENOSPC; /* only dirty ones left: caller cleans */
}

void hx_ub_slot_free(int dev, uint64_t slot, int populated)
{
	struct ub_dev *d = &hx_ub.dev[dev];

	setbit(d->used, slot, 0);
	d->nused--;
	if (populated && !bit(d->dirty, slot)) {
		setbit(d->dirty, slot, 1);
		d->ndirty++;
	}
}

/* The page at ua left slot (populated: its dropped contents are still
 * there). A holding device keeps the slot for it: cached aperture
 * addresses of the page stay valid (an access to an empty held slot
 * brings the page back) and never reach another page. */
void hx_ub_slot_leave(int dev, uint64_t slot, uint64_t ua, int populated)
{
	struct ub_dev *d = &hx_ub.dev[dev];

	if (!d->hold || !d->owner || d->owner[slot]) {
		hx_ub_slot_free(dev, slot, populated);
		return;
	}
	d->owner[slot] = ua | 1 | (populated ? 2 : 0);
	if (!d->nheld++ || slot < d->held_lo)
		d->held_lo = slot;
	if (d->nheld == 1 || slot >= d->held_hi)
		d->held_hi = slot + 1;
}

/* Frees every held slot; returns how many. */
uint64_t hx_ub_slot_release(int dev)
{
	struct ub_dev *d = &hx_ub.dev[dev];
	uint64_t n = 0;

	for (uint64_t s = d->held_lo;
	     d->owner && d->nheld && s < d->held_hi && s < d->npages; s++) {
		if (!d->owner[s])
			continue;
		hx_ub_slot_free(dev, s, !!(d->owner[s] & 2));
		d->owner[s] = 0;
		d->nheld--;
		n++;
	}
	return n;
}

/* Empties free slots that still hold a page. Never called by the handler:
 * the madvise raises an event only the handler can read. */
void hx_ub_clean_dirty(int dev)
{
	struct ub_dev *d = &hx_ub.dev[dev];

	for (uint64_t s = 0; s < d->npages && d->ndirty; s++) {
		uint64_t e = s;

		if (!bit(d->dirty, s))
			continue;
		while (e < d->npages && bit(d->dirty, e)) {
			setbit(d->dirty, e, 0);
			d->ndirty--;
			e++;
		}
		madvise(d->pool + s * UB_PS, (e - s) * UB_PS, MADV_DONTNEED);
		s = e;
	}
}

uint64_t hx_ub_attr_get(uint64_t addr, int type)
{
	for (int i = 0; i < hx_ub.nattrs; i++)
		if (hx_ub.attrs[i].start <= addr && addr < hx_ub.attrs[i].end)
			return hx_ub.attrs[i].v[type - 1];
	return type == HMM_DEV_ATTR_PREFERRED_LOC ? HMM_DEV_LOC_NONE : 0;
}

void *hx_ub_arena_alloc(size_t size)
{
	size_t len = (size + UB_PS - 1) & ~(UB_PS - 1);
	void *p;

	if (!len ||
	    hx_ub.narena == (int)(sizeof(hx_ub.arena) / sizeof(hx_ub.arena[0])))
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	hx_ub.arena[hx_ub.narena++] =
	    (struct ub_iv){(uint64_t)p, (uint64_t)p + len};
	return p;
}

void hx_ub_arena_free(void *p, size_t size)
{
	size_t len = (size + UB_PS - 1) & ~(UB_PS - 1);

	if (!p)
		return;
	for (int i = 0; i < hx_ub.narena; i++) {
		if (hx_ub.arena[i].start != (uint64_t)p)
			continue;
		hx_ub.arena[i] = hx_ub.arena[--hx_ub.narena];
		break;
	}
	munmap(p, len);
}

/* Copies like the kernel's copy_{from,to}_user: EFAULT for a bad pointer
 * instead of a crash. A migrated argument page faults back normally. */
__thread int hx_ub_trusted;

int hx_ub_copy_in(void *dst, const void *usrc, size_t n)
{
	struct iovec l = {dst, n}, r = {(void *)usrc, n};

	if (!n)
		return 0;
	if (hx_ub_trusted) {
		memcpy(dst, usrc, n);
		return 0;
	}
	if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) == (ssize_t)n)
		return 0;
	if (errno == ENOSYS || errno == EPERM) {
		memcpy(dst, usrc, n); /* seccomp: trust the caller */
		return 0;
	}
	return -EFAULT;
}

int hx_ub_copy_out(void *udst, const void *src, size_t n)
{
	struct iovec l = {(void *)src, n}, r = {udst, n};

	if (!n)
		return 0;
	if (hx_ub_trusted) {
		memcpy(udst, src, n);
		return 0;
	}
	if (process_vm_writev(getpid(), &l, 1, &r, 1, 0) == (ssize_t)n)
		return 0;
	if (errno == ENOSYS || errno == EPERM) {
		memcpy(udst, src, n);
		return 0;
	}
	return -EFAULT;
}

int hx_ub_mincore_page(uint64_t addr)
{
	unsigned char v = 0;

	if (mincore((void *)(addr & ~(UB_PS - 1)), UB_PS, &v) < 0)
		return -1;
	return v & 1;
}

/* HMMCL_HMM_CHECK=1: after every operation, check that bookkeeping and
 * the page tables agree (a device page leaves a hole in the CPU range, a
 * slot belongs to one page). For debugging the backend; aborts. */
void hx_ub_check_locked(const char *where)
{
	static int on = -1;

	if (on < 0) {
		const char *e = getenv("HMMCL_HMM_CHECK");

		on = e && *e == '1';
	}
	if (!on)
		return;
	for (int d = 0; d < hx_ub.ndev; d++) {
		uint64_t n = 0;

		for (int i = 0; i < hx_ub.nrecs; i++)
			for (uint64_t p = hx_ub.recs[i].start;
			     p < hx_ub.recs[i].end; p += UB_PS) {
				uint64_t w =
				    hx_ub.recs[i]
					.pst[(p - hx_ub.recs[i].start) / UB_PS];

				if (!w || UB_PST_DEV(w) != d)
					continue;
				n++;
				if (w & UB_PST_COH)
					continue;
				if (hx_ub_mincore_page(p) == 1) {
					hx_ub_dbg("CHECK %s: 0x%llx on device "
						  "%d but mapped",
						  where, (unsigned long long)p,
						  d);
					abort();
				}
				if (!((hx_ub.dev[d].used[UB_PST_SLOT(w) / 64] >>
				       (UB_PST_SLOT(w) % 64)) &
				      1)) {
					hx_ub_dbg(
					    "CHECK %s: 0x%llx slot %llu not in "
					    "use",
					    where, (unsigned long long)p,
					    (unsigned long long)UB_PST_SLOT(w));
					abort();
				}
			}
		if (n + hx_ub.dev[d].nheld != hx_ub.dev[d].nused) {
			hx_ub_dbg("CHECK %s: device %d: %llu pages recorded, "
				  "%llu slots used",
				  where, d, (unsigned long long)n,
				  (unsigned long long)hx_ub.dev[d].nused);
			abort();
		}
	}
}
