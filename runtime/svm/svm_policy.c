/* Placement policy: advice table, first touch, thrashing, LRU eviction,
 * residency. See svm_policy.h and docs/svm.md "Placement policy". */
#include "svm_policy.h"

#include "hmm_door.h"
#include "svm_mgr.h"
#include "svm_mmu.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define BLK ((uintptr_t)2 << 20) /* LRU block: what one eviction moves */
#define THR_N 4096		 /* thrashing records (direct mapped) */
#define SNAP_PAGES 512

/* ---- tunables ---- */

static struct hx_svm_policy_tun tun;
static pthread_once_t tun_once = PTHREAD_ONCE_INIT;

static unsigned long env_ul(const char *name, unsigned long def,
			    unsigned long lo, unsigned long hi)
{
	const char *v = getenv(name);
	char *end;
	unsigned long x;

	if (!v || !*v)
		return def;
	x = strtoul(v, &end, 0);
	return (*end || x < lo || x > hi) ? def : x;
}

static void tun_init(void)
{
	size_t page = hx_svm_mgr_page_size(), b;

	b = env_ul("HMMCL_SVM_TOUCH_BLOCK", 64 << 10, page, BLK);
	/* A power of two, so that blocks are aligned and never overlap. */
	while (b & (b - 1))
		b &= b - 1;
	tun.touch_block = b;
	tun.thrash_n = (unsigned)env_ul("HMMCL_SVM_THRASH_COUNT", 3, 1, 1000);
	tun.thrash_t_ms =
	    (unsigned)env_ul("HMMCL_SVM_THRASH_WINDOW_MS", 1000, 1, 3600000);
	tun.pin_ms =
	    (unsigned)env_ul("HMMCL_SVM_THRASH_PIN_MS", 2000, 0, 3600000);
}

const struct hx_svm_policy_tun *hx_svm_policy_tunables(void)
{
	pthread_once(&tun_once, tun_init);
	return &tun;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ---- the advice table ---- */

struct adv {
	uintptr_t start, end;
	uint32_t pref; /* HMM_DEV_LOC_NONE, HMM_DEV_LOC_SYSTEM or a device */
	uint32_t acc;  /* ACCESSED_BY device mask */
	uint32_t rm;   /* READ_MOSTLY */
};

static pthread_rwlock_t adv_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct adv *advs;	 /* protected by adv_lock: sorted, disjoint */
static size_t nadv;		 /* protected by adv_lock */
static atomic_size_t adv_live;	 /* nadv, for lock-free "no advice" */
static atomic_size_t adv_prefer; /* intervals preferring a device */

static int adv_default(const struct adv *a)
{
	return a->pref == HMM_DEV_LOC_NONE && !a->acc && !a->rm;
}

static int adv_same(const struct adv *a, const struct adv *b)
{
	return a->pref == b->pref && a->acc == b->acc && a->rm == b->rm;
}

static void adv_apply(struct adv *a, int op, unsigned dev)
{
	switch (op) {
	case HX_ADV_PREFER_DEVICE:
		a->pref = dev;
		break;
	case HX_ADV_PREFER_NONE:
		a->pref = HMM_DEV_LOC_NONE;
		break;
	case HX_ADV_PREFER_HOST:
		a->pref = HMM_DEV_LOC_SYSTEM;
		break;
	case HX_ADV_ACCESSED_BY:
		a->acc |= 1u << dev;
		break;
	case HX_ADV_NOT_ACCESSED_BY:
		a->acc &= ~(1u << dev);
		break;
	case HX_ADV_READ_MOSTLY:
		a->rm = 1;
		break;
	case HX_ADV_NOT_READ_MOSTLY:
		a->rm = 0;
		break;
	default: /* 0: forget */
		*a = (struct adv){a->start, a->end, HMM_DEV_LOC_NONE, 0, 0};
	}
}

/* Appends a, merged with an equal neighbour; defaults are not stored. */
static void adv_push(struct adv *out, size_t *n, struct adv a)
{
	if (a.start >= a.end || adv_default(&a))
		return;
	if (*n && out[*n - 1].end == a.start && adv_same(&out[*n - 1], &a)) {
		out[*n - 1].end = a.end;
		return;
	}
	out[(*n)++] = a;
}

/* Rebuilds the table with op applied to [s, e). adv_lock held (write). */
static int adv_update_locked(uintptr_t s, uintptr_t e, int op, unsigned dev)
{
	struct adv *out = malloc((2 * nadv + 4) * sizeof(*out)), a;
	uintptr_t at = s;
	size_t n = 0, i;

	if (!out)
		return ENOMEM;
	for (i = 0; i < nadv && advs[i].start < s; i++) {
		a = advs[i];
		a.end = a.end < s ? a.end : s;
		adv_push(out, &n, a);
	}
	for (i = 0; i < nadv; i++) {
		if (advs[i].end <= s || advs[i].start >= e)
			continue;
		if (advs[i].start > at) {
			a = (struct adv){at, advs[i].start, HMM_DEV_LOC_NONE, 0,
					 0};
			adv_apply(&a, op, dev);
			adv_push(out, &n, a);
		}
		a = advs[i];
		a.start = a.start > s ? a.start : s;
		a.end = a.end < e ? a.end : e;
		adv_apply(&a, op, dev);
		adv_push(out, &n, a);
		at = a.end;
	}
	if (at < e) {
		a = (struct adv){at, e, HMM_DEV_LOC_NONE, 0, 0};
		adv_apply(&a, op, dev);
		adv_push(out, &n, a);
	}
	for (i = 0; i < nadv; i++) {
		if (advs[i].end <= e)
			continue;
		a = advs[i];
		a.start = a.start > e ? a.start : e;
		adv_push(out, &n, a);
	}
	free(advs);
	advs = out;
	nadv = n;
	atomic_store(&adv_live, n);
	for (i = 0, n = 0; i < nadv; i++)
		n += advs[i].pref < HMM_DEV_LOC_SYSTEM;
	atomic_store(&adv_prefer, n);
	return 0;
}

/* The interval holding addr; adv_lock held. A default one (with the
 * bounds of the gap) when none does. */
static struct adv adv_find_locked(uintptr_t addr)
{
	size_t lo = 0, hi = nadv;
	struct adv a = {0, UINTPTR_MAX, HMM_DEV_LOC_NONE, 0, 0};

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (advs[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nadv && advs[lo].start <= addr)
		return advs[lo];
	if (lo < nadv)
		a.end = advs[lo].start;
	if (lo > 0)
		a.start = advs[lo - 1].end;
	return a;
}

static struct adv adv_find(uintptr_t addr)
{
	struct adv a;

	pthread_rwlock_rdlock(&adv_lock);
	a = adv_find_locked(addr);
	pthread_rwlock_unlock(&adv_lock);
	return a;
}

/* The backend's attributes follow the table over [s, e), so GET_ATTR (and
 * the kernel module) see what the runtime acts on. adv_lock held. */
static void adv_sync_locked(uintptr_t s, uintptr_t e)
{
	unsigned nd = hx_svm_mgr_ndevices();
	int h = hx_svm_mgr_handle();

	if (h < 0 || nd == 0)
		return;
	for (uintptr_t at = s; at < e;) {
		struct adv a = adv_find_locked(at);
		uintptr_t end = a.end < e ? a.end : e;
		struct hmm_dev_attr at3[3] = {
		    {HMM_DEV_ATTR_PREFERRED_LOC, 0,
		     a.pref < nd || a.pref == HMM_DEV_LOC_SYSTEM
			 ? a.pref
			 : HMM_DEV_LOC_NONE},
		    {HMM_DEV_ATTR_ACCESSED_BY, 0, a.acc & ((1u << nd) - 1)},
		    {HMM_DEV_ATTR_READ_MOSTLY, 0, a.rm}};
		struct hmm_dev_attrs as = {at, end - at, (uintptr_t)at3, 3, 0};

		if (hx_hmm_ioctl(h, HMM_DEV_IOC_SET_ATTR, &as) < 0 &&
		    hx_hmm_debug_enabled())
			fprintf(stderr, "svm: set_attr %#lx+%#lx: %s\n",
				(unsigned long)at, (unsigned long)(end - at),
				strerror(errno));
		at = end;
	}
}

int hx_svm_policy_advise(uintptr_t start, size_t size, enum hx_svm_advice_op op,
			 unsigned dev)
{
	int err;

	if (!size)
		return 0;
	if (dev >= 32)
		return ENODEV;
	pthread_rwlock_wrlock(&adv_lock);
	err = adv_update_locked(start, start + size, op, dev);
	if (!err)
		adv_sync_locked(start, start + size);
	pthread_rwlock_unlock(&adv_lock);
	/* Advice that may turn remote access into migration on first touch
	 * drops the translations made under the old one (they outlive
	 * launches and would never fault again). */
	if (!err &&
	    (op == HX_ADV_PREFER_DEVICE || op == HX_ADV_NOT_ACCESSED_BY ||
	     op == HX_ADV_NOT_READ_MOSTLY))
		hx_svm_mmu_migrated();
	/* Mapped ahead now, and again by a launch after an invalidation. */
	if (!err && op == HX_ADV_ACCESSED_BY)
		hx_svm_mmu_prefill(dev, 1);
	return err;
}

unsigned hx_svm_policy_accessed(unsigned dev,
				void (*fn)(unsigned, uintptr_t, size_t, void *),
				void *arg)
{
	struct adv *copy = NULL;
	size_t n = 0, i;
	unsigned k = 0;

	if (!atomic_load(&adv_live))
		return 0;
	pthread_rwlock_rdlock(&adv_lock);
	copy = malloc((nadv ? nadv : 1) * sizeof(*copy));
	for (i = 0; copy && i < nadv; i++)
		if (advs[i].acc >> dev & 1)
			copy[n++] = advs[i];
	pthread_rwlock_unlock(&adv_lock);
	/* Outside the lock: fn faults pages in. */
	for (i = 0; i < n; i++, k++)
		fn(dev, copy[i].start, copy[i].end - copy[i].start, arg);
	free(copy);
	return k;
}

/* ---- thrashing records ---- */

struct thr {
	uintptr_t block; /* first-touch block base; 0: free */
	uint32_t dev;
	uint32_t count;	       /* returns home within the window */
	uint64_t win_ms;       /* window start */
	uint64_t pin_until_ms; /* no first touch before */
};

static pthread_mutex_t thr_lock = PTHREAD_MUTEX_INITIALIZER;
static struct thr thr[THR_N]; /* protected by thr_lock */
static atomic_int thr_any;    /* a record was ever made: frees look */

static struct thr *thr_slot(uintptr_t block)
{
	uint64_t k = block / tun.touch_block;

	return &thr[(k * 0x9E3779B97F4A7C15ull) >> 52 & (THR_N - 1)];
}

static int thr_pinned(uintptr_t block)
{
	struct thr *t;
	int pinned;

	pthread_mutex_lock(&thr_lock);
	t = thr_slot(block);
	pinned = t->block == block && now_ms() < t->pin_until_ms;
	pthread_mutex_unlock(&thr_lock);
	return pinned;
}

static void thr_migrated(uintptr_t block, unsigned dev)
{
	struct thr *t;

	pthread_mutex_lock(&thr_lock);
	t = thr_slot(block);
	/* A colliding record is forgotten: the table stays bounded. */
	if (t->block != block)
		*t = (struct thr){block, dev, 0, 0, 0};
	atomic_store(&thr_any, 1);
	t->dev = dev;
	pthread_mutex_unlock(&thr_lock);
}

/* Pages of [s, e) left dev (CPU fault, another device's fault). */
static void thr_home(uintptr_t s, uintptr_t e, uint32_t dev)
{
	uintptr_t tb = tun.touch_block, b = s & ~(tb - 1);
	uint64_t now = now_ms();

	pthread_mutex_lock(&thr_lock);
	for (unsigned n = 0; b < e && n < THR_N; b += tb, n++) {
		struct thr *t = thr_slot(b);

		if (t->block != b ||
		    (dev != HMM_DEV_ALL_DEVICES && t->dev != dev))
			continue;
		if (now - t->win_ms > tun.thrash_t_ms) {
			t->win_ms = now;
			t->count = 0;
		}
		if (++t->count >= tun.thrash_n) {
			t->pin_until_ms = now + tun.pin_ms;
			t->count = 0;
			if (hx_hmm_debug_enabled())
				fprintf(stderr, "svm: pin %#lx for %u ms\n",
					(unsigned long)b, tun.pin_ms);
		}
	}
	pthread_mutex_unlock(&thr_lock);
}

static void thr_forget(uintptr_t s, uintptr_t e)
{
	/* Every clSVMFree comes here: most processes never first-touch. */
	if (!atomic_load(&thr_any))
		return;
	pthread_mutex_lock(&thr_lock);
	for (unsigned i = 0; i < THR_N; i++)
		if (thr[i].block && thr[i].block < e &&
		    thr[i].block + tun.touch_block > s)
			memset(&thr[i], 0, sizeof(thr[i]));
	pthread_mutex_unlock(&thr_lock);
}

int hx_svm_policy_prefers_device(void)
{
	return atomic_load(&adv_prefer) != 0;
}

int hx_svm_policy_first_touch(unsigned dev, uintptr_t pg, uintptr_t *start,
			      size_t *size)
{
	uintptr_t b, e;
	struct adv a;

	if (!atomic_load(&adv_live))
		return 0;
	hx_svm_policy_tunables();
	a = adv_find(pg);
	/* Only a preferred location of this very device migrates; read
	 * mostly and accessed-by keep remote access. */
	if (a.pref != dev || a.rm || (a.acc >> dev & 1))
		return 0;
	b = pg & ~(tun.touch_block - 1);
	if (thr_pinned(b))
		return 0;
	e = b + tun.touch_block < a.end ? b + tun.touch_block : a.end;
	*start = b > a.start ? b : a.start;
	*size = e - *start;
	return 1;
}

/* ---- LRU of device-resident blocks ---- */

/* What migrations put on a device, per 2 MiB-aligned block and device:
 * the hull [lo, hi) of the pages moved there and when it was last used
 * (migrated to, or reached by a device fault). Stale entries (pages that
 * went home by CPU faults) are harmless: evicting one moves nothing. */
struct blk {
	uintptr_t base; /* BLK aligned */
	uint32_t dev;
	uintptr_t lo, hi;
	uint64_t tick;
};

static pthread_mutex_t lru_lock = PTHREAD_MUTEX_INITIALIZER;
static struct blk *blks;    /* protected by lru_lock: sorted by base, dev */
static size_t nblk, capblk; /* protected by lru_lock */
static uint64_t lru_tick;   /* protected by lru_lock */

static int blk_cmp(uintptr_t base, uint32_t dev, const struct blk *b)
{
	if (base != b->base)
		return base < b->base ? -1 : 1;
	return dev == b->dev ? 0 : dev < b->dev ? -1 : 1;
}

/* Index of the first entry >= (base, dev). lru_lock held. */
static size_t blk_lower_locked(uintptr_t base, uint32_t dev)
{
	size_t lo = 0, hi = nblk;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (blk_cmp(base, dev, &blks[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void blk_track_one_locked(uintptr_t base, uint32_t dev, uintptr_t lo,
				 uintptr_t hi)
{
	size_t i = blk_lower_locked(base, dev);
	struct blk *b;

	if (i < nblk && !blk_cmp(base, dev, &blks[i])) {
		b = &blks[i];
		b->lo = lo < b->lo ? lo : b->lo;
		b->hi = hi > b->hi ? hi : b->hi;
		b->tick = ++lru_tick;
		return;
	}
	if (nblk == capblk) {
		size_t cap = capblk ? 2 * capblk : 64;
		struct blk *n = realloc(blks, cap * sizeof(*n));

		if (!n)
			return; /* untracked: never evicted, still correct */
		blks = n;
		capblk = cap;
	}
	memmove(&blks[i + 1], &blks[i], (nblk - i) * sizeof(*blks));
	blks[i] = (struct blk){base, dev, lo, hi, ++lru_tick};
	nblk++;
}

static void lru_track(uintptr_t s, uintptr_t e, unsigned dev)
{
	pthread_mutex_lock(&lru_lock);
	for (uintptr_t b = s & ~(BLK - 1); b < e; b += BLK)
		blk_track_one_locked(b, dev, b > s ? b : s,
				     b + BLK < e ? b + BLK : e);
	pthread_mutex_unlock(&lru_lock);
}

/* Pages [s, e) left dev (HMM_DEV_ALL_DEVICES: every device): entries
 * inside go, entries overlapping an end shrink. */
static void lru_untrack(uintptr_t s, uintptr_t e, uint32_t dev)
{
	size_t i, n = 0;
	int gone = 0;

	pthread_mutex_lock(&lru_lock);
	for (i = blk_lower_locked(s & ~(BLK - 1), 0); i < nblk; i++) {
		struct blk *b = &blks[i];

		if (b->base >= e)
			break;
		if (dev != HMM_DEV_ALL_DEVICES && b->dev != dev)
			continue;
		if (b->lo >= s && b->hi <= e) {
			b->hi = b->lo; /* compacted below */
			gone = 1;
		} else if (b->lo >= s && b->lo < e) {
			b->lo = e;
		} else if (b->hi > s && b->hi <= e) {
			b->hi = s;
		}
	}
	for (i = 0; gone && i < nblk; i++)
		if (blks[i].hi > blks[i].lo)
			blks[n++] = blks[i];
	nblk = gone ? n : nblk;
	pthread_mutex_unlock(&lru_lock);
}

void hx_svm_policy_touched(unsigned dev, uintptr_t pg)
{
	size_t i;

	pthread_mutex_lock(&lru_lock);
	i = blk_lower_locked(pg & ~(BLK - 1), dev);
	if (i < nblk && !blk_cmp(pg & ~(BLK - 1), dev, &blks[i]) &&
	    blks[i].lo <= pg && pg < blks[i].hi)
		blks[i].tick = ++lru_tick;
	pthread_mutex_unlock(&lru_lock);
}

/* Eviction order: preferred location host first, then no preference (or
 * another device), then pages that prefer this very device. */
static int evict_class(const struct blk *b)
{
	struct adv a = adv_find(b->lo);

	if (a.pref == HMM_DEV_LOC_SYSTEM)
		return 0;
	return a.pref == b->dev ? 2 : 1;
}

/* Takes the victim out of the table: the least recently used block of
 * dev, by class, outside [xs, xe) (the range being migrated). */
static int pick_victim(unsigned dev, uintptr_t xs, uintptr_t xe,
		       struct blk *out)
{
	size_t i, best = SIZE_MAX;
	int bc = 3, c;

	pthread_mutex_lock(&lru_lock);
	for (i = 0; i < nblk; i++) {
		if (blks[i].dev != dev || (blks[i].lo < xe && blks[i].hi > xs))
			continue;
		c = evict_class(&blks[i]);
		if (c < bc || (c == bc && blks[i].tick < blks[best].tick)) {
			bc = c;
			best = i;
		}
	}
	if (best != SIZE_MAX) {
		*out = blks[best];
		memmove(&blks[best], &blks[best + 1],
			(nblk - best - 1) * sizeof(*blks));
		nblk--;
	}
	pthread_mutex_unlock(&lru_lock);
	return best != SIZE_MAX;
}

static _Atomic(hx_svm_migrate_hook) migrate_hook;

void hx_svm_set_migrate_hook(hx_svm_migrate_hook fn)
{
	atomic_store(&migrate_hook, fn);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void report(const char *what, unsigned dev, int to, uintptr_t start,
		   size_t size, uint64_t pages, uint64_t t0)
{
	hx_svm_migrate_hook fn = atomic_load(&migrate_hook);

	if (fn)
		fn(what, dev, to, start, size, pages * hx_svm_mgr_page_size(),
		   t0);
}

/* Brings home the pages of b that are on b's device (a snapshot says
 * which: another device's pages in the hull stay). Pages moved. */
static uint64_t evict_block(const struct blk *b)
{
	size_t page = hx_svm_mgr_page_size(), n = (b->hi - b->lo) / page;
	uint64_t st[SNAP_PAGES], moved = 0;
	struct hmm_dev_snapshot sn = {b->lo, b->hi - b->lo, (uintptr_t)st,
				      b->dev, 0};
	struct hx_svm_mig_result r;

	/* One device: every device page of the hull is its own, and a
	 * snapshot (the user backend reads /proc/self/maps) would cost more
	 * than the move. */
	if (hx_svm_mgr_ndevices() == 1) {
		hx_svm_mgr_migrate_raw(b->lo, b->hi - b->lo, HX_SVM_TO_SYSTEM,
				       0, &r);
		return r.pages_moved;
	}
	if (n > SNAP_PAGES ||
	    hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_SNAPSHOT, &sn) < 0)
		return 0;
	for (size_t i = 0, j; i < n; i = j) {
		int mine = HMM_DEV_PAGE_STATE(st[i]) == HMM_DEV_PAGE_DEVICE &&
			   HMM_DEV_PAGE_DEV(st[i]) == b->dev;

		for (j = i + 1; j < n; j++)
			if ((HMM_DEV_PAGE_STATE(st[j]) == HMM_DEV_PAGE_DEVICE &&
			     HMM_DEV_PAGE_DEV(st[j]) == b->dev) != mine)
				break;
		if (!mine)
			continue;
		hx_svm_mgr_migrate_raw(b->lo + i * page, (j - i) * page,
				       HX_SVM_TO_SYSTEM, 0, &r);
		moved += r.pages_moved;
	}
	if (hx_hmm_debug_enabled())
		fprintf(stderr,
			"svm: evict %#lx+%#lx from dev %u: %llu pages\n",
			(unsigned long)b->lo, (unsigned long)(b->hi - b->lo),
			b->dev, (unsigned long long)moved);
	return moved;
}

/* Makes room for need pages on dev. Pages freed. */
static uint64_t evict(unsigned dev, uint64_t need, uintptr_t xs, uintptr_t xe)
{
	uint64_t freed = 0;
	struct blk v;

	while (freed < need && pick_victim(dev, xs, xe, &v)) {
		uint64_t t0 = atomic_load(&migrate_hook) ? now_ns() : 0, n;

		n = evict_block(&v);
		report("evict", dev, HX_SVM_TO_SYSTEM, v.lo, v.hi - v.lo, n,
		       t0);
		freed += n;
	}
	return freed;
}

/* The manager's migration with the policy around it: what moved is
 * tracked, and a migration to a full device evicts the least recently
 * used blocks and goes on from where it stopped. */
static int migrate(uintptr_t start, size_t size, int dev, int undefined,
		   int may_evict, struct hx_svm_mig_result *res)
{
	size_t page = hx_svm_mgr_page_size();
	uintptr_t s = start, e = start + size;
	struct hx_svm_mig_result r;
	int err, evicted = 0;

	memset(res, 0, sizeof(*res));
	for (;;) {
		err = hx_svm_mgr_migrate_raw(s, e - s, dev, undefined, &r);
		res->pages_moved += r.pages_moved;
		res->pages_done += r.pages_done;
		if (r.pages_done) {
			uintptr_t d = s + r.pages_done * page;

			lru_untrack(s, d, HMM_DEV_ALL_DEVICES);
			if (dev != HX_SVM_TO_SYSTEM)
				lru_track(s, d, (unsigned)dev);
		}
		s += r.pages_done * page;
		if (err != ENOSPC || dev == HX_SVM_TO_SYSTEM || !may_evict ||
		    s >= e)
			return err;
		/* No progress after an eviction (held aperture slots still
		 * count as used): the rest stays where it is. */
		if ((evicted && !r.pages_done) ||
		    !evict((unsigned)dev, (e - s) / page, start, e))
			return err;
		evicted = 1;
	}
}

int hx_svm_mgr_migrate(uintptr_t start, size_t size, int dev, int undefined,
		       struct hx_svm_mig_result *res)
{
	return migrate(start, size, dev, undefined, 1, res);
}

uint64_t hx_svm_policy_touch_migrate(unsigned dev, uintptr_t start, size_t size)
{
	struct hx_svm_mig_result r;
	size_t page = hx_svm_mgr_page_size();

	uint64_t t0 = atomic_load(&migrate_hook) ? now_ns() : 0;

	/* No eviction under a running kernel: its slots are held, so it
	 * would free nothing. A full device keeps remote access. */
	migrate(start, size, (int)dev, 0, 0, &r);
	report("first touch", dev, (int)dev, start, size, r.pages_moved, t0);
	for (uintptr_t b = start & ~(tun.touch_block - 1);
	     b < start + r.pages_done * page; b += tun.touch_block)
		thr_migrated(b, dev);
	return r.pages_moved;
}

/* ---- events, forgetting ---- */

void hx_svm_policy_event(const struct hmm_dev_event *ev)
{
	uintptr_t s = ev->start, e = ev->start + ev->size;

	hx_svm_policy_tunables();
	switch (ev->type) {
	case HMM_DEV_EVENT_MIGRATED:
		thr_home(s, e, ev->device);
		lru_untrack(s, e, ev->device);
		break;
	case HMM_DEV_EVENT_UNMAP:
	case HMM_DEV_EVENT_REMAP:
		/* The mapping is gone: so is its advice (a new mapping at
		 * these addresses starts with none). */
		hx_svm_policy_forget(s, e - s);
		break;
	case HMM_DEV_EVENT_REMOVE:
		lru_untrack(s, e, HMM_DEV_ALL_DEVICES);
		break;
	default:
		break;
	}
}

void hx_svm_policy_forget(uintptr_t start, size_t size)
{
	uintptr_t e = start + size;
	int any = 0;

	if (!size)
		return;
	hx_svm_policy_tunables();
	if (atomic_load(&adv_live)) {
		pthread_rwlock_wrlock(&adv_lock);
		for (size_t i = 0; i < nadv && !any; i++)
			any = advs[i].start < e && advs[i].end > start;
		if (any && !adv_update_locked(start, e, 0, 0))
			adv_sync_locked(start, e);
		pthread_rwlock_unlock(&adv_lock);
	}
	lru_untrack(start, e, HMM_DEV_ALL_DEVICES);
	thr_forget(start, e);
}

/* ---- residency ---- */

static int decode(uint64_t w, int *out)
{
	switch (HMM_DEV_PAGE_STATE(w)) {
	case HMM_DEV_PAGE_DEVICE:
		*out = (int)HMM_DEV_PAGE_DEV(w);
		return 0;
	case HMM_DEV_PAGE_SYSTEM:
	case HMM_DEV_PAGE_NOT_PRESENT:
		*out = -1;
		return 0;
	default:
		return EFAULT;
	}
}

/* A page no device mirrors is in system memory, if it is mapped. */
static int unmirrored(uintptr_t pg, int *out)
{
	unsigned char v;

	*out = -1;
	return mincore((void *)pg, hx_svm_mgr_page_size(), &v) == 0 ||
		       errno != ENOMEM
		   ? 0
		   : EFAULT;
}

static int snapshot(uintptr_t s, size_t n, uint64_t *st)
{
	struct hmm_dev_snapshot sn = {s, n * hx_svm_mgr_page_size(),
				      (uintptr_t)st, 0, 0};

	if (hx_svm_mgr_handle() < 0 || hx_svm_mgr_ndevices() == 0)
		return ENXIO;
	return hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_SNAPSHOT, &sn) < 0
		   ? errno
		   : 0;
}

int hx_svm_policy_residency(uintptr_t start, size_t npages, int *out)
{
	size_t page = hx_svm_mgr_page_size();
	uint64_t st[SNAP_PAGES];
	int err = 0;

	for (size_t i = 0; !err && i < npages;) {
		size_t n = npages - i < SNAP_PAGES ? npages - i : SNAP_PAGES;

		if (snapshot(start + i * page, n, st) == 0) {
			for (size_t k = 0; !err && k < n; k++)
				err = decode(st[k], &out[i + k]);
			i += n;
			continue;
		}
		/* Partly mirrored (or not at all): page by page. */
		for (size_t k = 0; !err && k < n; k++) {
			uintptr_t pg = start + (i + k) * page;

			err = snapshot(pg, 1, st) == 0
				  ? decode(st[0], &out[i + k])
				  : unmirrored(pg, &out[i + k]);
		}
		i += n;
	}
	return err;
}
