/* User-space /dev/hmm backend: the migration engine and the handler's
 * fault and event processing. Everything here runs with ub.lock held. */
#include "ub.h"
#include "uffd_compat.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PST(r, a) ((r)->pst[((a) - (r)->start) / UB_PS])

static char *slot_addr(int dev, uint64_t slot)
{
	return hx_ub.dev[dev].pool + slot * UB_PS;
}

static int use_move(void)
{
	return hx_ub.have_move && !hx_ub.no_move_env;
}

/* EAGAIN: an unmap/madvise/mremap event waits to be read. An application
 * thread retries (the handler reads events without the lock); the handler
 * itself must go back to reading, so it gets EAGAIN. */
static int again(int rc)
{
	if (rc != -EAGAIN || pthread_equal(pthread_self(), hx_ub.handler))
		return 0;
	sched_yield();
	return 1;
}

static int uf_move1(uint64_t dst, uint64_t src, uint64_t len, uint64_t *done)
{
	struct uffdio_move m = {.dst = dst,
				.src = src,
				.len = len,
				.mode = UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES};
	int rc;

	do {
		m.move = 0;
		rc = ioctl(hx_ub.uffd, UFFDIO_MOVE, &m);
	} while (rc < 0 && m.move <= 0 && again(-errno));
	*done = m.move > 0 ? (uint64_t)m.move : 0;
	if (rc == 0)
		*done = len;
	if (rc < 0)
		hx_ub_dbg(
		    "UFFDIO_MOVE 0x%llx <- 0x%llx len 0x%llx: %s after 0x%llx",
		    (unsigned long long)dst, (unsigned long long)src,
		    (unsigned long long)len, strerror(errno),
		    (unsigned long long)*done);
	return rc < 0 ? -errno : 0;
}

/* UFFDIO_MOVE; *done gets the bytes moved even on failure. Large ranges
 * go in chunks: one huge call measured several times slower per page. */
static int uf_move(uint64_t dst, uint64_t src, uint64_t len, uint64_t *done)
{
	static uint64_t chunk;
	uint64_t got;
	int err = 0;

	if (!chunk) {
		const char *e = getenv("HMMCL_HMM_MOVE_CHUNK");

		chunk = e ? strtoull(e, NULL, 0) : (1ULL << 20);
		if (chunk < UB_PS)
			chunk = UB_PS;
	}
	*done = 0;
	while (*done < len && !err) {
		uint64_t n = len - *done < chunk ? len - *done : chunk;

		err = uf_move1(dst + *done, src + *done, n, &got);
		*done += got;
	}
	return err;
}

static int uf_copy(uint64_t dst, uint64_t src)
{
	struct uffdio_copy c = {.dst = dst, .src = src, .len = UB_PS};
	int rc;

	while ((rc = ioctl(hx_ub.uffd, UFFDIO_COPY, &c)) < 0 && again(-errno))
		;
	if (rc == 0)
		return 0;
	hx_ub_dbg("UFFDIO_COPY 0x%llx <- 0x%llx: %s", (unsigned long long)dst,
		  (unsigned long long)src, strerror(errno));
	return -errno;
}

static int uf_zero(uint64_t dst)
{
	struct uffdio_zeropage z = {.range = {dst, UB_PS}};
	int rc;

	while ((rc = ioctl(hx_ub.uffd, UFFDIO_ZEROPAGE, &z)) < 0 &&
	       again(-errno))
		;
	return rc < 0 ? -errno : 0;
}

static void uf_wake(uint64_t addr)
{
	struct uffdio_range r = {addr, UB_PS};

	ioctl(hx_ub.uffd, UFFDIO_WAKE, &r);
}

/* Our own madvise raises EVENT_REMOVE: mark it so the handler drops it. */
static void self_zap(uint64_t addr, uint64_t len)
{
	atomic_store(&hx_ub.self_ack, 0);
	atomic_store(&hx_ub.self_start, addr);
	atomic_store(&hx_ub.self_end, addr + len);
	madvise((void *)addr, len, MADV_DONTNEED);
	/* The madvise returns once the handler has read the event, maybe
	 * before it looked at it: keep the mark until it has. */
	for (long i = 0; !atomic_load(&hx_ub.self_ack) && i < 10000000; i++)
		sched_yield();
	atomic_store(&hx_ub.self_end, 0);
	atomic_store(&hx_ub.self_start, 0);
}

/* One device page back to an empty user page without UFFDIO_MOVE. */
static int page_out_copy(int dev, uint64_t slot, uint64_t ua)
{
	uint64_t s = (uint64_t)slot_addr(dev, slot);
	int err;

	if (hx_ub_mincore_page(s) == 1)
		err = uf_copy(ua, s); /* EEXIST: the CPU page wins */
	else
		err = uf_zero(ua);
	if (err == -EAGAIN)
		return err;
	hx_ub.dev[dev].st.copy_fallback_pages++;
	return 0;
}

/* Brings n private pages of dev (slots slot0.. consecutive) back to ua;
 * returns how many came (fewer only on EAGAIN, in the handler). */
static uint64_t run_out(int dev, uint64_t slot0, uint64_t ua, uint64_t n,
			int undefined)
{
	uint64_t done = 0, i = 0;
	int err;

	/* Dropping leaves the bytes in the slot. A holding device moves
	 * them instead (old contents are allowed): the slot is then empty
	 * and held, so a stale access finds the page and no write is lost. */
	if (undefined && !hx_ub.dev[dev].hold) {
		for (i = 0; i < n; i++)
			hx_ub_slot_free(dev, slot0 + i, 1);
		return n;
	}
	while (i < n) {
		err = 0;
		if (use_move()) {
			err = uf_move(ua + i * UB_PS,
				      (uint64_t)slot_addr(dev, slot0 + i),
				      (n - i) * UB_PS, &done);
			for (uint64_t k = 0; k < done / UB_PS; k++)
				hx_ub_slot_leave(dev, slot0 + i + k,
						 ua + (i + k) * UB_PS, 0);
			i += done / UB_PS;
			if (i == n || err == -EAGAIN)
				break;
		}
		if (page_out_copy(dev, slot0 + i, ua + i * UB_PS) == -EAGAIN)
			break;
		hx_ub_slot_free(dev, slot0 + i, 1);
		i++;
	}
	return i;
}

static void count_out(int dev, uint64_t addr, uint64_t n, int undefined,
		      int why)
{
	struct hmm_dev_stats *st = &hx_ub.dev[dev].st;

	st->pages_to_system += n;
	st->bytes_to_system += undefined ? 0 : n * UB_PS;
	if (why) {
		st->invalidations += n;
		hx_ub_emit(HMM_DEV_EVENT_MIGRATED, dev, addr, n * UB_PS, 0);
	}
}

/* Pages of [start, end) go home. why: 0 ioctl, 1 CPU fault, -1 fork
 * (those two emit MIGRATED events; fork leaves coherent placement). */
int hx_ub_to_system_locked(uint64_t start, uint64_t end, int undefined, int why,
			   uint64_t *moved)
{
	for (uint64_t a = start; a < end;) {
		struct ub_rec *r = hx_ub_rec_next(a);
		uint64_t w, n, lim;
		int d;

		if (!r || r->start >= end)
			break;
		if (r->start > a)
			a = r->start;
		lim = end < r->end ? end : r->end;
		w = PST(r, a);
		d = UB_PST_DEV(w);
		/* A fault or fork leaves coherent placement alone: the CPU
		 * reaches those pages in place. */
		if (!w || (why && (w & UB_PST_COH))) {
			a += UB_PS;
			continue;
		}
		if (w & UB_PST_COH) {
			hx_ub.dev[d].nused--;
			PST(r, a) = 0;
			count_out(d, a, 1, undefined, why);
			*moved += 1;
			a += UB_PS;
			continue;
		}
		/* A run: same device, consecutive slots. */
		for (n = 1; a + n * UB_PS < lim; n++) {
			uint64_t x = PST(r, a + n * UB_PS);

			if (x != UB_PST(d, UB_PST_SLOT(w) + n, 0))
				break;
		}
		uint64_t got = run_out(d, UB_PST_SLOT(w), a, n, undefined);

		for (uint64_t k = 0; k < got; k++)
			PST(r, a + k * UB_PS) = 0;
		if (got)
			count_out(d, a, got, undefined, why);
		*moved += got;
		if (got < n)
			return -EAGAIN; /* the rest keeps its device state */
		a += n * UB_PS;
	}
	return 0;
}

/* One system page into a device slot when MOVE is refused or disabled. */
static int page_in_fallback(int dev, uint64_t slot, uint64_t ua, int err,
			    int undefined)
{
	uint64_t done;
	int res;

	if (err == -EBUSY && use_move() && hx_ub_mincore_page(ua) == 1) {
		/* Shared with a child since fork(): an atomic no-op write
		 * breaks COW without racing other writers; MOVE then works.
		 * (The page is present: a hole would fault into the handler,
		 * which cannot serve it while this thread holds the lock.) */
		__atomic_fetch_add((volatile int *)ua, 0, __ATOMIC_SEQ_CST);
		if (uf_move((uint64_t)slot_addr(dev, slot), ua, UB_PS, &done) ==
		    0)
			return 0;
	}
	res = hx_ub_mincore_page(ua);
	if (res < 0)
		return -EFAULT;
	if (res == 1) {
		/* Writers now wait in the handler (WP fault) until the page is
		 * gone; they then fault it back with its new contents. */
		if (hx_ub.have_wp) {
			struct uffdio_writeprotect wp = {
			    {ua, UB_PS}, UFFDIO_WRITEPROTECT_MODE_WP};

			ioctl(hx_ub.uffd, UFFDIO_WRITEPROTECT, &wp);
		}
		if (!undefined) {
			int e = uf_copy((uint64_t)slot_addr(dev, slot), ua);

			if (e)
				return e == -ENOENT ? -EFAULT : e;
		}
		self_zap(ua, UB_PS);
		hx_ub.dev[dev].st.copy_fallback_pages++;
	}
	return 0;
}

/* Moves n system pages at ua into freshly allocated slots of dev. */
static int run_in(int dev, uint64_t ua, uint64_t n, int undefined,
		  struct ub_rec *r, uint64_t *moved)
{
	uint64_t i = 0, slot, done;
	int err;

	while (i < n) {
		uint64_t k = 0, first;

		err = hx_ub_slot_alloc(dev, &first);
		if (err == -ENOSPC && hx_ub.dev[dev].ndirty) {
			hx_ub_clean_dirty(dev);
			err = hx_ub_slot_alloc(dev, &first);
		}
		if (err)
			return err;
		/* Extend the run while the next slot comes out consecutive. */
		for (k = 1; i + k < n; k++) {
			if (hx_ub_slot_alloc(dev, &slot))
				break;
			if (slot != first + k) {
				hx_ub_slot_free(dev, slot, 0);
				hx_ub.dev[dev].hint = slot;
				break;
			}
		}
		for (uint64_t j = 0; j < k;) {
			uint64_t a = ua + (i + j) * UB_PS;

			err = -EINVAL;
			done = 0;
			if (use_move())
				err =
				    uf_move((uint64_t)slot_addr(dev, first + j),
					    a, (k - j) * UB_PS, &done);
			for (uint64_t q = 0; q < done / UB_PS; q++)
				PST(r, a + q * UB_PS) =
				    UB_PST(dev, first + j + q, 0);
			*moved += done / UB_PS;
			j += done / UB_PS;
			if (!err)
				break;
			a = ua + (i + j) * UB_PS;
			err =
			    page_in_fallback(dev, first + j, a, err, undefined);
			if (err) {
				for (uint64_t q = j; q < k; q++)
					hx_ub_slot_free(dev, first + q, 0);
				return err;
			}
			PST(r, a) = UB_PST(dev, first + j, 0);
			*moved += 1;
			j++;
		}
		i += k;
	}
	return 0;
}

/* Moves a page already on device `from` to `dev` (A -> B). */
static int dev_to_dev(int from, int dev, struct ub_rec *r, uint64_t a,
		      int undefined, uint64_t *moved)
{
	uint64_t w = PST(r, a), slot, done, n0 = 0;
	int err;

	if (hx_ub.dev[dev].kind == HMM_DEV_MEM_COHERENT || (w & UB_PST_COH)) {
		/* Through system memory: coherent pages live there anyway. */
		hx_ub_to_system_locked(a, a + UB_PS, undefined, 0, &n0);
		if (hx_ub.dev[dev].kind == HMM_DEV_MEM_PRIVATE)
			return run_in(dev, a, 1, undefined, r, moved);
		hx_ub.dev[dev].nused++;
		PST(r, a) = UB_PST(dev, 0, 1);
		*moved += 1;
		return 0;
	}
	err = hx_ub_slot_alloc(dev, &slot);
	if (err == -ENOSPC && hx_ub.dev[dev].ndirty) {
		hx_ub_clean_dirty(dev);
		err = hx_ub_slot_alloc(dev, &slot);
	}
	if (err)
		return err;
	err = -EINVAL;
	if (use_move())
		err = uf_move((uint64_t)slot_addr(dev, slot),
			      (uint64_t)slot_addr(from, UB_PST_SLOT(w)), UB_PS,
			      &done);
	if (err) {
		uint64_t s = (uint64_t)slot_addr(from, UB_PST_SLOT(w));

		if (!undefined && hx_ub_mincore_page(s) == 1)
			uf_copy((uint64_t)slot_addr(dev, slot), s);
		hx_ub.dev[dev].st.copy_fallback_pages++;
	}
	if (err)
		hx_ub_slot_free(from, UB_PST_SLOT(w), 1);
	else
		hx_ub_slot_leave(from, UB_PST_SLOT(w), a, 0);
	count_out(from, a, 1, undefined, 0);
	PST(r, a) = UB_PST(dev, slot, 0);
	*moved += 1;
	return 0;
}

/* Pages of [start, end) go to dev. *done counts leading pages that are on
 * dev afterwards; *moved those whose residency changed. */
int hx_ub_to_device_locked(int dev, uint64_t start, uint64_t end, int undefined,
			   uint64_t *moved, uint64_t *done)
{
	struct ub_dev *d = &hx_ub.dev[dev];
	int priv = d->kind == HMM_DEV_MEM_PRIVATE, err;
	uint64_t before = *moved;

	if (priv && hx_ub.uffd < 0)
		return -EACCES;
	err = hx_ub_rec_ensure(start, end, priv);
	if (err)
		return err;
	for (uint64_t a = start; a < end;) {
		struct ub_rec *r = hx_ub_rec_find(a);
		uint64_t w = PST(r, a), n, lim = end < r->end ? end : r->end;

		err = 0;
		if (w && UB_PST_DEV(w) == dev) {
			n = 1;
		} else if (w) {
			n = 1;
			err = dev_to_dev(UB_PST_DEV(w), dev, r, a, undefined,
					 moved);
		} else if (!priv) {
			if (d->nused >= d->npages) {
				err = -ENOSPC;
				break;
			}
			d->nused++;
			PST(r, a) = UB_PST(dev, 0, 1);
			*moved += 1;
			n = 1;
		} else {
			for (n = 1;
			     a + n * UB_PS < lim && !PST(r, a + n * UB_PS); n++)
				;
			uint64_t m0 = *moved;

			err = run_in(dev, a, n, undefined, r, moved);
			if (err)
				n = *moved - m0;
		}
		*done += n;
		if (err)
			break;
		a += n * UB_PS;
	}
	d->st.pages_to_device += *moved - before;
	d->st.bytes_to_device += undefined ? 0 : (*moved - before) * UB_PS;
	return err;
}

int hx_ub_pool_zero_locked(uint64_t addr)
{
	int err;

	for (int d = 0; d < hx_ub.ndev; d++) {
		struct ub_dev *v = &hx_ub.dev[d];
		uint64_t s;

		if (!v->pool || addr < (uint64_t)v->pool ||
		    addr >= (uint64_t)v->pool + v->npages * UB_PS)
			continue;
		/* A stale aperture access: the slot now holds a page. */
		s = (addr - (uint64_t)v->pool) / UB_PS;
		if (!(v->used[s / 64] >> (s % 64) & 1) &&
		    !(v->dirty[s / 64] >> (s % 64) & 1)) {
			v->dirty[s / 64] |= 1ULL << (s % 64);
			v->ndirty++;
		}
	}
	err = uf_zero(addr);
	if (err == -EEXIST)
		uf_wake(addr);
	return err == -EAGAIN ? err : 0;
}

/* Brings the page at ua into the empty slot s of dev (from the system or
 * from another slot t of dev, which is held for it in turn). */
static int held_move_in(int dev, uint64_t s, uint64_t ua, struct ub_rec *r)
{
	uint64_t w = PST(r, ua), dst = (uint64_t)slot_addr(dev, s), done = 0;
	int err;

	if (w) {
		uint64_t t = UB_PST_SLOT(w);

		err = uf_move(dst, (uint64_t)slot_addr(dev, t), UB_PS, &done);
		if (err)
			return err;
		hx_ub.dev[dev].owner[s] = 0;
		hx_ub.dev[dev].nheld--;
		PST(r, ua) = UB_PST(dev, s, 0);
		hx_ub_slot_leave(dev, t, ua, 0);
		return 0;
	}
	err = uf_move(dst, ua, UB_PS, &done);
	if (err == -EBUSY && hx_ub_mincore_page(ua) == 1) {
		/* Shared with a child since fork(): break COW as migration
		 * does (present page: the write cannot fault into us). */
		__atomic_fetch_add((volatile int *)ua, 0, __ATOMIC_SEQ_CST);
		err = uf_move(dst, ua, UB_PS, &done);
	}
	if (err)
		return err;
	hx_ub.dev[dev].owner[s] = 0;
	hx_ub.dev[dev].nheld--;
	PST(r, ua) = UB_PST(dev, s, 0);
	hx_ub.dev[dev].st.pages_to_device++;
	hx_ub.dev[dev].st.bytes_to_device += UB_PS;
	/* A hole moves as nothing: the slot gets the zero page it held. */
	if (uf_zero(dst) == -EEXIST)
		uf_wake(dst);
	return 0;
}

/* An access through the aperture to a slot held for the page that left
 * it: the page comes back to that very slot, so the stale address stays
 * right. -ENOENT: not a held slot. */
int hx_ub_held_fault_locked(uint64_t addr)
{
	for (int d = 0; d < hx_ub.ndev; d++) {
		struct ub_dev *v = &hx_ub.dev[d];
		uint64_t s, ua, w, moved = 0;
		struct ub_rec *r;
		int err;

		if (!v->pool || !v->owner || addr < (uint64_t)v->pool ||
		    addr >= (uint64_t)v->pool + v->npages * UB_PS)
			continue;
		s = (addr - (uint64_t)v->pool) / UB_PS;
		if (!v->owner[s])
			return -ENOENT;
		ua = v->owner[s] & ~1ULL;
		r = hx_ub_rec_find(ua);
		/* The slot follows the address: if the range was unmapped
		 * and mapped again, what lives there now comes in. */
		if (!r && !hx_ub_refused(ua, ua + UB_PS) &&
		    hx_ub_rec_ensure(ua, ua + UB_PS, 1) == 0)
			r = hx_ub_rec_find(ua);
		if (!r) {
			/* Nothing there any more: an empty slot. */
			v->owner[s] = 0;
			v->nheld--;
			hx_ub_slot_free(d, s, 0);
			return -ENOENT;
		}
		w = PST(r, ua);
		/* On another device (or placed coherently): home first, as a
		 * foreign device fault takes it. */
		if (w && (UB_PST_DEV(w) != d || (w & UB_PST_COH)) &&
		    hx_ub_to_system_locked(ua, ua + UB_PS, 0, !(w & UB_PST_COH),
					   &moved) == -EAGAIN)
			return -EAGAIN;
		err = held_move_in(d, s, ua, r);
		if (err == -EAGAIN)
			return err;
		if (err) {
			hx_ub_dbg("held slot %llu of device %d: move refused "
				  "(%s)",
				  (unsigned long long)s, d, strerror(-err));
			return -ENOENT;
		}
		v->st.aperture_faults++;
		return 0;
	}
	return -ENOENT;
}

/* A CPU touched a missing page of a registered range. */
int hx_ub_fault_locked(uint64_t addr, uint64_t flags)
{
	struct ub_rec *r = hx_ub_rec_find(addr);
	uint64_t w, blk, ws, we, moved = 0, g;
	int d;

	if (flags & UFFD_PAGEFAULT_FLAG_WP) {
		/* A write hit a page the copy fallback protected. By now the
		 * page is on the device (a hole) or the copy failed: lift the
		 * protection and let the writer retry. */
		struct uffdio_writeprotect wp = {{addr, UB_PS}, 0};

		if (ioctl(hx_ub.uffd, UFFDIO_WRITEPROTECT, &wp) < 0 &&
		    errno == EAGAIN)
			return -EAGAIN;
		uf_wake(addr);
		return 0;
	}
	if (!r) {
		int e = hx_ub_held_fault_locked(addr);

		if (e != -ENOENT)
			return e;
	}
	if (!r || !(w = PST(r, addr)) || (w & UB_PST_COH)) {
		/* A hole (never populated, or dropped): anonymous zero. */
		return hx_ub_pool_zero_locked(addr);
	}
	d = UB_PST_DEV(w);
	g = hx_ub_attr_get(addr, HMM_DEV_ATTR_GRANULARITY);
	blk = g ? 1ULL << g : hx_ub.fault_around * UB_PS;
	ws = addr & ~(blk - 1);
	we = ws + blk;
	if (ws < r->start)
		ws = r->start;
	if (we > r->end)
		we = r->end;
	if (hx_ub_to_system_locked(ws, we, 0, 1, &moved) == -EAGAIN &&
	    PST(r, addr))
		return -EAGAIN; /* retried after the pending event is read */
	hx_ub.dev[d].st.cpu_faults++;
	/* MOVE, COPY and ZEROPAGE woke the faulting thread already. */
	if (!moved)
		uf_wake(addr);
	return 0;
}

/* A userfaultfd event (unmap, madvise, mremap) on a registered range. */
void hx_ub_event_locked(int type, uint64_t a, uint64_t b, uint64_t c)
{
	uint32_t et = type == UFFD_EVENT_UNMAP	  ? HMM_DEV_EVENT_UNMAP
		      : type == UFFD_EVENT_REMOVE ? HMM_DEV_EVENT_REMOVE
						  : HMM_DEV_EVENT_REMAP;

	if (hx_ub_mirror_any(a, a + b)) {
		for (int d = 0; d < hx_ub.ndev; d++)
			hx_ub.dev[d].st.invalidations +=
			    hx_ub_mirror_pages(d, a, a + b);
		hx_ub_emit(et, HMM_DEV_ALL_DEVICES, a, b,
			   et == HMM_DEV_EVENT_REMAP ? c : 0);
	}
	if (et == HMM_DEV_EVENT_REMAP) {
		/* Residency follows the pages to their new address. */
		int any = 0;

		for (uint64_t p = a; p < a + b && !any; p += UB_PS) {
			struct ub_rec *r = hx_ub_rec_find(p);

			any = r && PST(r, p);
		}
		if (any && hx_ub_rec_ensure(c, c + b, 0) == 0) {
			for (uint64_t p = a; p < a + b; p += UB_PS) {
				struct ub_rec *r = hx_ub_rec_find(p);
				struct ub_rec *n = hx_ub_rec_find(c + (p - a));

				if (!r || !PST(r, p))
					continue;
				PST(n, c + (p - a)) = PST(r, p);
				PST(r, p) = 0;
			}
		}
	}
	hx_ub_rec_drop_range_locked(a, a + b, et != HMM_DEV_EVENT_REMOVE);
}
