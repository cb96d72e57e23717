/* Device MMU (per-worker TLB, software page table fed by HMM_DEV_IOC_FAULT,
 * invalidation events) and the direct-kernel gate. See svm_mmu.h. */
#include "svm_mmu.h"

#include "engine/engine.h"
#include "hmm_door.h"
#include "svm_mgr.h"
#include "svm_policy.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 256 /* engine: worker index < 256 */
#define TLB_N 4096	/* per worker, direct mapped (16 MiB windows), hashed */
#define PT_N 65536	/* per device, open addressing (256 MiB) */
#define PT_PROBE 8

struct xl {
	uint64_t page;
	uintptr_t base; /* host address of the page's bytes */
	uint32_t gen;	/* valid while equal to mmu_gen */
	uint32_t write; /* writes may use it */
};

/* A page-table entry, read without the lock (seqlock): the writer
 * (holding the lock) clears key, writes gen and val, then publishes key,
 * whose low bits count versions; a reader trusts what it read between
 * two equal loads of key. */
struct pte {
	_Atomic uint64_t key; /* page | version << 1 | 1; 0 while written */
	_Atomic uint64_t val; /* base | 1 when writes may use it */
	_Atomic uint32_t gen; /* valid while equal to mmu_gen */
};

struct dev_mmu {
	struct hx_mmu mmu;
	unsigned dev;
	char *ap;		 /* aperture of the device */
	pthread_mutex_t lock;	 /* page-table writers */
	struct pte pt[PT_N];	 /* written under lock, read lock-free */
	struct xl (*tlb)[TLB_N]; /* [MAX_WORKERS]: each row its worker's */
	unsigned prefill_gen;	 /* protected by lock: ACCESSED_BY mapped */
	/* Blocks a FAULT refused (not entirely mirrored) in generation
	 * nomir_gen, [0] 2 MiB, [1] 64 KiB: their misses skip that size (a
	 * page of plain unmirrored memory costs one refused call, not 3). */
	uint64_t nomir[2][16]; /* protected by lock */
	unsigned nomir_gen;    /* protected by lock */
};

static pthread_rwlock_t gate;
static atomic_int maybe_resident; /* a migration to a device happened */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int can_hold; /* APERTURE_HOLD available */
static size_t page;
static atomic_uint mmu_gen = 1; /* bumped: every translation is gone */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned running;			  /* protected by run_lock */
static struct dev_mmu *mmus[HMM_DEV_MAX_DEVICES]; /* protected by run_lock */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void init(void)
{
	pthread_rwlockattr_t a;

	/* Writers first: a stream of launches must not starve migrations. */
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(
	    &a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&gate, &a);
	pthread_rwlockattr_destroy(&a);
}

/* Only once something migrated (or a mirrored launch asks): a launch in a
 * process that never used SVM must not open /dev/hmm, whose start-up maps
 * memory. */
static void probe(void)
{
	struct hmm_dev_info info;
	int h = hx_svm_mgr_handle();

	page = hx_svm_mgr_page_size();
	memset(&info, 0, sizeof(info));
	can_hold = h >= 0 && hx_svm_mgr_available() &&
		   hx_hmm_ioctl(h, HMM_DEV_IOC_INFO, &info) == 0 &&
		   (info.features & HMM_DEV_FEATURE_APERTURE_HOLD) &&
		   getenv("HMMCL_SVM_NO_MIRROR") == NULL;
}

int hx_svm_direct_enter(void)
{
	/* A preferred device location acts through device faults, which
	 * only the mirrored variant takes. */
	int prefer = hx_svm_policy_prefers_device();

	pthread_once(&once, init);
	pthread_rwlock_rdlock(&gate);
	if (!atomic_load(&maybe_resident) && !prefer)
		return 1;
	pthread_once(&probe_once, probe);
	if (!can_hold)
		return 1;
	/* Recount only while something may be resident: CPU faults bring
	 * pages home without telling the runtime. */
	if (!prefer && hx_svm_mgr_device_pages() == 0) {
		atomic_store(&maybe_resident, 0);
		return 1;
	}
	pthread_rwlock_unlock(&gate);
	return 0;
}

void hx_svm_direct_exit(void)
{
	pthread_rwlock_unlock(&gate);
}

/* How long a migration to a device waits for running direct kernels
 * before it moves pages under them. Waiting forever deadlocked a direct
 * kernel spinning on a flag that the host sets only once the migration
 * is done; moving under a direct kernel is correct (its accesses fault
 * the pages home), only slower for that kernel. */
#define GATE_WAIT_NS (20 * 1000000L)

int hx_svm_gate_migrate_lock(void)
{
	struct timespec t;

	pthread_once(&once, init);
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += GATE_WAIT_NS;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	if (pthread_rwlock_clockwrlock(&gate, CLOCK_MONOTONIC, &t) == 0)
		return 1;
	/* Launches from now on must not start direct. */
	atomic_store(&maybe_resident, 1);
	return 0;
}

void hx_svm_gate_migrate_unlock(int held, int moved_to_device)
{
	if (moved_to_device)
		atomic_store(&maybe_resident, 1);
	if (held)
		pthread_rwlock_unlock(&gate);
}

/* Set while a worker migrates a block on first touch (touch_first). */
static __thread int touching __attribute__((tls_model("initial-exec")));

void hx_svm_mmu_migrated(void)
{
	/* A first touch moves system pages into free slots during a launch
	 * (no slot holds a live translation) and maps the block itself:
	 * dropping every other translation would only make every worker
	 * and device fault again. A stale system translation elsewhere is a
	 * CPU fault that brings the page home (correct, a bounce). */
	if (!touching)
		atomic_fetch_add(&mmu_gen, 1);
}

/* Invalidation events (unmap, madvise, mremap, pages the CPU or another
 * device took back): any of them drops every translation. Coarse but
 * exact; translations are cheap to refill. Drained when a mirrored launch
 * begins: a slot a page left between launches was freed (nothing held)
 * and the event says so. During a launch every slot is held, so a stale
 * translation still reaches its page and events only bring freshness. */
static atomic_int ev_deferred; /* events read during a launch */

static void drain_events(int bump)
{
	struct hmm_dev_event ev[32];
	ssize_t n;
	int any = 0;

	pthread_mutex_lock(&ev_lock);
	while ((n = hx_hmm_read(hx_svm_mgr_handle(), ev, sizeof(ev))) > 0) {
		any = 1;
		/* Pages that came home feed the thrashing records. */
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
			hx_svm_policy_event(&ev[i]);
	}
	pthread_mutex_unlock(&ev_lock);
	/* Read by a first touch during a launch (held slots keep stale
	 * translations correct): the bump waits for the next launch, as if
	 * nobody had read them. */
	if (!bump) {
		if (any)
			atomic_store(&ev_deferred, 1);
	} else if (atomic_exchange(&ev_deferred, 0) || any) {
		atomic_fetch_add(&mmu_gen, 1);
	}
}

/* Mapped at all? (A kernel-mode read of one byte; never faults here.) */
static int readable(uint64_t addr)
{
	char b;
	struct iovec l = {&b, 1}, r = {(void *)(uintptr_t)addr, 1};

	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1;
}

static void pt_store(struct dev_mmu *m, const struct xl *x);

/* The translation a page state gives on device m. */
static void xl_of(const struct dev_mmu *m, uint64_t pg, uint64_t st, int write,
		  unsigned gen, struct xl *e)
{
	if (HMM_DEV_PAGE_STATE(st) == HMM_DEV_PAGE_DEVICE &&
	    HMM_DEV_PAGE_DEV(st) == m->dev && m->ap &&
	    HMM_DEV_PAGE_APERTURE(st) != HMM_DEV_PAGE_NO_APERTURE)
		*e = (struct xl){
		    pg, (uintptr_t)m->ap + HMM_DEV_PAGE_APERTURE(st) * page,
		    gen, 1};
	else
		*e = (struct xl){pg, (uintptr_t)pg, gen,
				 write || (st & HMM_DEV_PAGE_F_WRITE)};
}

/* Migration on first touch: a system page whose range prefers this
 * device (and is neither pinned by thrashing, read-mostly nor accessed-by)
 * goes to it with its block, and the whole block is mapped at once (one
 * FAULT: its other pages cost no miss). 1 and pg's new state when it
 * moved. m->lock held. */
static int touch_first(struct dev_mmu *m, uint64_t pg, uint64_t *st)
{
	uint64_t sts[512], moved;
	struct hmm_dev_fault f;
	unsigned gen;
	uintptr_t s;
	size_t n;
	struct xl x;

	if (HMM_DEV_PAGE_STATE(*st) != HMM_DEV_PAGE_SYSTEM || !m->ap ||
	    !hx_svm_policy_first_touch(m->dev, pg, &s, &n))
		return 0;
	drain_events(0); /* pages that came home count as bounces */
	if (!hx_svm_policy_first_touch(m->dev, pg, &s, &n))
		return 0;
	touching = 1;
	moved = hx_svm_policy_touch_migrate(m->dev, s, n);
	touching = 0;
	if (!moved)
		return 0;
	gen = atomic_load(&mmu_gen);
	memset(&f, 0, sizeof(f));
	f.start = s;
	f.size = n < sizeof(sts) / sizeof(sts[0]) * page
		     ? n
		     : sizeof(sts) / sizeof(sts[0]) * page;
	f.states = (uintptr_t)sts;
	f.device = m->dev;
	hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_FAULT, &f);
	for (size_t k = 0; k < f.npages_done; k++) {
		xl_of(m, s + k * page, sts[k], 0, gen, &x);
		pt_store(m, &x);
		if (s + k * page == pg)
			*st = sts[k];
	}
	return pg >= s && pg < s + f.npages_done * page;
}

/* A device fault maps the aligned block around the missing page (clipped
 * to the mirror: a FAULT over memory the device does not mirror fails
 * with ENXIO, then a smaller block is tried), so that a stream over
 * device-resident data misses once per block, not once per page. */
#define FAULT_BLOCK (2u << 20)
#define FAULT_SUBBLOCK (64u << 10)

/* The pages of [*s, *e) a block fault may map without moving anything:
 * narrowed to the run around pg of pages that are not on another device
 * (a foreign page would come home: that stays a per-page fault) and
 * exist. Only asked (SNAPSHOT reads the process's maps) when there is
 * another device. 0, or -1 when the block is not entirely mirrored. */
static int block_run(const struct dev_mmu *m, uint64_t pg, uint64_t *s,
		     uint64_t *e, uint64_t *sts)
{
	struct hmm_dev_snapshot sn = {.start = *s,
				      .size = *e - *s,
				      .states = (uintptr_t)sts,
				      .device = m->dev};
	size_t n = (*e - *s) / page, lo = (pg - *s) / page, hi = lo + 1;

	if (hx_svm_mgr_ndevices() < 2)
		return 0;
	if (hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_SNAPSHOT, &sn) < 0)
		return -1;
#define OK_HERE(w)                                                             \
	(HMM_DEV_PAGE_STATE(w) == HMM_DEV_PAGE_SYSTEM ||                       \
	 (HMM_DEV_PAGE_STATE(w) == HMM_DEV_PAGE_DEVICE &&                      \
	  HMM_DEV_PAGE_DEV(w) == m->dev))
	while (lo > 0 && OK_HERE(sts[lo - 1]))
		lo--;
	while (hi < n && OK_HERE(sts[hi]))
		hi++;
	*s = sn.start + lo * page;
	*e = sn.start + hi * page;
#undef OK_HERE
	return 0;
}

/* FAULTs a block around pg and stores the translation of every page the
 * call made accessible. 1 when pg was among them (*st its state), 0 when
 * not (the caller faults pg alone, which gives its error). m->lock held. */
static int fault_block(struct dev_mmu *m, uint64_t pg, int write, unsigned gen,
		       uint64_t *st)
{
	static const uint64_t sizes[2] = {FAULT_BLOCK, FAULT_SUBBLOCK};
	uint64_t sts[FAULT_BLOCK / 4096];
	struct hmm_dev_fault f;
	struct xl x;

	if (page != 4096 || hx_svm_policy_prefers_device())
		return 0; /* first touch decides page by page */
	if (m->nomir_gen != gen) {
		memset(m->nomir, 0, sizeof(m->nomir));
		m->nomir_gen = gen;
	}
	for (int t = 0; t < 2; t++) {
		uint64_t al = pg & ~(sizes[t] - 1), s = al, e = s + sizes[t];
		uint64_t *memo = &m->nomir[t][(pg / sizes[t]) % 16];

		if (*memo == al + 1)
			continue; /* + 1: 0 is an empty memo, not page 0 */
		if (block_run(m, pg, &s, &e, sts)) {
			*memo = al + 1;
			continue;
		}
		f = (struct hmm_dev_fault){.start = s,
					   .size = e - s,
					   .states = (uintptr_t)sts,
					   .device = m->dev,
					   .flags =
					       write ? HMM_DEV_FAULT_WRITE : 0};
		if (hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_FAULT, &f) <
			0 &&
		    errno == ENXIO) {
			*memo = al + 1;
			continue;
		}
		for (size_t k = 0; k < f.npages_done; k++) {
			xl_of(m, s + k * page, sts[k], write, gen, &x);
			pt_store(m, &x);
			if (HMM_DEV_PAGE_STATE(sts[k]) == HMM_DEV_PAGE_DEVICE &&
			    HMM_DEV_PAGE_DEV(sts[k]) == m->dev)
				hx_svm_policy_touched(m->dev, s + k * page);
		}
		if (pg >= s + f.npages_done * page)
			return 0;
		*st = sts[(pg - s) / page];
		return 1;
	}
	return 0;
}

/* A page-table miss: /dev/hmm says where the page is (device fault).
 * Returns 0 or an errno (a device page fault). *gen is the generation the
 * translation belongs to (a first-touch migration starts a new one). */
static int fault_in(struct dev_mmu *m, uint64_t pg, int write, struct xl *e,
		    unsigned *gen)
{
	struct hmm_dev_fault f;
	uint64_t st = 0;

	if (fault_block(m, pg, write, *gen, &st)) {
		xl_of(m, pg, st, write, *gen, e);
		return 0;
	}
	memset(&f, 0, sizeof(f));
	f.start = pg;
	f.size = page;
	f.states = (uintptr_t)&st;
	f.device = m->dev;
	f.flags = write ? HMM_DEV_FAULT_WRITE : 0;
	if (hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_FAULT, &f) < 0) {
		int err = errno;

		/* Not mirrored (plain host memory handed to the kernel):
		 * reached in place, if it is mapped at all. */
		if (err != ENXIO || !readable(pg))
			return err == ENXIO ? EFAULT : err;
		*e = (struct xl){pg, (uintptr_t)pg, *gen, 1};
		return 0;
	}
	if (touch_first(m, pg, &st))
		*gen = atomic_load(&mmu_gen);
	xl_of(m, pg, st, write, *gen, e);
	if (HMM_DEV_PAGE_STATE(st) == HMM_DEV_PAGE_DEVICE &&
	    HMM_DEV_PAGE_DEV(st) == m->dev)
		hx_svm_policy_touched(m->dev, pg);
	return 0;
}

/* Consecutive pages in consecutive entries (a stream's lookups share
 * cache lines and the prefetcher follows them); 256 MiB windows are
 * scattered so that distant ranges do not pile up on one run. */
static unsigned pt_hash(uint64_t pg)
{
	uint64_t pn = pg / page;

	return (unsigned)(pn + (pn / PT_N) * 2654435761u) % PT_N;
}

/* Lock-free lookup; 1 and *out on a hit. */
static int pt_peek(struct dev_mmu *m, uint64_t pg, unsigned gen, int write,
		   struct xl *out)
{
	unsigned h = pt_hash(pg);

	for (int i = 0; i < PT_PROBE; i++) {
		struct pte *e = &m->pt[(h + i) % PT_N];
		uint64_t k =
		    atomic_load_explicit(&e->key, memory_order_acquire);
		uint64_t v;
		uint32_t g;

		if (!(k & 1) || (k & ~(uint64_t)(page - 1)) != pg)
			continue;
		g = atomic_load_explicit(&e->gen, memory_order_relaxed);
		v = atomic_load_explicit(&e->val, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&e->key, memory_order_relaxed) != k ||
		    g != gen || (write && !(v & 1)))
			return 0;
		*out = (struct xl){pg, (uintptr_t)(v & ~1ull), gen, v & 1};
		return 1;
	}
	return 0;
}

/* Under m->lock: the entry for pg, a stale one, or the home slot. */
static void pt_store(struct dev_mmu *m, const struct xl *x)
{
	unsigned h = pt_hash(x->page);
	struct pte *e = &m->pt[h];
	uint64_t ver;

	for (int i = 0; i < PT_PROBE; i++) {
		struct pte *c = &m->pt[(h + i) % PT_N];
		uint64_t k =
		    atomic_load_explicit(&c->key, memory_order_relaxed);

		if ((k & ~(uint64_t)(page - 1)) == x->page ||
		    atomic_load_explicit(&c->gen, memory_order_relaxed) !=
			x->gen) {
			e = c;
			break;
		}
	}
	ver = ((atomic_load_explicit(&e->key, memory_order_relaxed) >> 1) + 1) &
	      ((page - 1) >> 1);
	atomic_store_explicit(&e->key, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&e->gen, x->gen, memory_order_relaxed);
	atomic_store_explicit(&e->val, x->base | (x->write ? 1 : 0),
			      memory_order_relaxed);
	atomic_store_explicit(&e->key, x->page | ver << 1 | 1,
			      memory_order_release);
}

static int pt_lookup(struct dev_mmu *m, uint64_t pg, int write, struct xl *out)
{
	unsigned gen = atomic_load(&mmu_gen);
	struct xl x;
	int err = 0;

	if (pt_peek(m, pg, gen, write, out))
		return 0;
	pthread_mutex_lock(&m->lock);
	gen = atomic_load(&mmu_gen);
	if (!pt_peek(m, pg, gen, write, out)) {
		err = fault_in(m, pg, write, &x, &gen);
		if (!err) {
			pt_store(m, &x);
			*out = x;
		}
	}
	pthread_mutex_unlock(&m->lock);
	return err;
}

/* struct hx_mmu translate: worker-private TLB, then the page table. */
static void *translate(void *ctx, unsigned worker, uint64_t addr, uint64_t size,
		       uint32_t access)
{
	struct dev_mmu *m = ctx;
	uint64_t pg = addr & ~(uint64_t)(page - 1);
	int write = access != 1;
	unsigned gen = atomic_load_explicit(&mmu_gen, memory_order_acquire);
	/* Consecutive pages in consecutive entries, so that a column walk
	 * over a 16 MiB matrix stays in the TLB; windows hashed apart, so
	 * that streams whose bases are a multiple of TLB_N pages apart
	 * (a[i], b[i], c[i]) do not evict each other. */
	uint64_t pn = pg / page;
	unsigned h = (unsigned)(pn + (pn / TLB_N) * 2654435761u);
	struct xl *t = &m->tlb[worker % MAX_WORKERS][h % TLB_N];

	(void)size; /* the compiler splits accesses at page boundaries */
	if (t->gen != gen || t->page != pg || (write && !t->write))
		if (pt_lookup(m, pg, write, t))
			return NULL;
	return (void *)(t->base + (addr - pg));
}

static struct dev_mmu *mmu_get(unsigned dev)
{
	struct hmm_dev_info info;
	struct dev_mmu *m = mmus[dev];
	int h = hx_svm_mgr_handle();
	void *ap;

	if (m)
		return m;
	m = calloc(1, sizeof(*m));
	if (m)
		m->tlb = calloc(MAX_WORKERS, sizeof(*m->tlb));
	memset(&info, 0, sizeof(info));
	if (!m || !m->tlb || hx_hmm_ioctl(h, HMM_DEV_IOC_INFO, &info) < 0) {
		free(m ? m->tlb : NULL);
		free(m);
		return NULL;
	}
	m->dev = dev;
	m->mmu = (struct hx_mmu){translate, m};
	pthread_mutex_init(&m->lock, NULL);
	/* Coherent devices have no aperture: their pages are in place. */
	ap = hx_hmm_mmap(h, info.devices[dev].mem_size, PROT_READ | PROT_WRITE,
			 HMM_DEV_APERTURE_OFFSET(dev));
	m->ap = ap == MAP_FAILED ? NULL : ap;
	mmus[dev] = m;
	return m;
}

/* Maps [start, start + size) on m ahead (ACCESSED_BY): FAULT in chunks,
 * every page's translation stored. At most PT_N / 2 pages per call, so
 * that a huge range cannot flush the whole page table. */
static void prefill_range(unsigned dev, uintptr_t start, size_t size, void *arg)
{
	struct dev_mmu *m = arg;
	uint64_t st[512];
	struct hmm_dev_fault f;
	size_t off = 0, n;
	struct xl x;

	(void)dev;
	size = size < (size_t)PT_N / 2 * page ? size : (size_t)PT_N / 2 * page;
	pthread_mutex_lock(&m->lock);
	for (unsigned gen = atomic_load(&mmu_gen); off < size;
	     off += n * page) {
		n = (size - off) / page < 512 ? (size - off) / page : 512;
		f = (struct hmm_dev_fault){.start = start + off,
					   .size = n * page,
					   .states = (uintptr_t)st,
					   .device = m->dev,
					   .flags = HMM_DEV_FAULT_WRITE};
		/* Read-only memory is mapped for reads. */
		if (hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_FAULT, &f) <
			0 &&
		    errno == EPERM) {
			f.flags = 0;
			hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_FAULT,
				     &f);
		}
		for (size_t k = 0; k < f.npages_done; k++) {
			xl_of(m, start + off + k * page, st[k], 0, gen, &x);
			pt_store(m, &x);
		}
		if (f.npages_done < n)
			break; /* unmapped, not mirrored: the rest on demand */
	}
	pthread_mutex_unlock(&m->lock);
}

void hx_svm_mmu_prefill(unsigned dev, int force)
{
	struct dev_mmu *m;
	unsigned gen;

	pthread_once(&probe_once, probe);
	if (!can_hold || dev >= hx_svm_mgr_ndevices())
		return;
	pthread_mutex_lock(&run_lock);
	m = mmu_get(dev);
	pthread_mutex_unlock(&run_lock);
	if (!m)
		return;
	gen = atomic_load(&mmu_gen);
	pthread_mutex_lock(&m->lock);
	force |= m->prefill_gen != gen;
	m->prefill_gen = gen;
	pthread_mutex_unlock(&m->lock);
	if (force)
		hx_svm_policy_accessed(dev, prefill_range, m);
}

/* Returns 0 or an errno; *freed counts the held slots UNHOLD freed. */
static int hold_all(uint32_t op, uint64_t *freed)
{
	struct hmm_dev_aperture a;

	for (unsigned d = 0; d < hx_svm_mgr_ndevices(); d++) {
		memset(&a, 0, sizeof(a));
		a.device = d;
		a.op = op;
		if (hx_hmm_ioctl(hx_svm_mgr_handle(), HMM_DEV_IOC_APERTURE,
				 &a) < 0 &&
		    errno != ENXIO)
			return errno;
		*freed += a.nfreed;
	}
	return 0;
}

/* The first holder (a mirrored launch or a migration) makes every device
 * hold: from then on no aperture address a worker caches can reach
 * another page. 0 or an errno. run_lock held. */
static int hold_enter_locked(void)
{
	uint64_t freed = 0;

	if (running == 0 && hold_all(HMM_DEV_APERTURE_HOLD, &freed))
		return -1;
	running++;
	return 0;
}

/* The last one out: no worker holds an aperture address any more, so
 * held slots may serve other pages, and translations to them are dropped
 * (the others stay: a slot is only ever freed while held, by a migration,
 * which drops everything, or with an event). A held-slot fault may have
 * put pages back on a device. run_lock held. */
static void hold_exit_locked(void)
{
	uint64_t freed = 0;

	if (--running == 0) {
		hold_all(HMM_DEV_APERTURE_UNHOLD, &freed);
		if (freed)
			atomic_fetch_add(&mmu_gen, 1);
		atomic_store(&maybe_resident, 1);
	}
}

const struct hx_mmu *hx_svm_mirrored_begin(unsigned dev)
{
	struct dev_mmu *m = NULL;

	pthread_once(&probe_once, probe);
	if (!can_hold || dev >= hx_svm_mgr_ndevices())
		return NULL;
	pthread_mutex_lock(&run_lock);
	m = mmu_get(dev);
	if (m && hold_enter_locked())
		m = NULL;
	pthread_mutex_unlock(&run_lock);
	if (m) {
		drain_events(1);
		/* ACCESSED_BY ranges dropped by an invalidation: again. */
		hx_svm_mmu_prefill(dev, 0);
	}
	return m ? &m->mmu : NULL;
}

void hx_svm_mirrored_end(void)
{
	pthread_mutex_lock(&run_lock);
	hold_exit_locked();
	pthread_mutex_unlock(&run_lock);
}

/* A migration holds like a launch: a slot it empties stays reserved for
 * its page until the generation bump that follows the move, so a launch
 * that begins meanwhile and still finds the old translation reaches the
 * page (the held-slot fault brings it back) and never an empty slot,
 * which reads as zeros. Without this, a launch starting between the move
 * and the bump read a whole range of zeros (conformance/svm stress). */
/* Whether any device has an MMU, i.e. translations may exist. run_lock
 * held. */
static int any_mmu_locked(void)
{
	for (unsigned d = 0; d < HMM_DEV_MAX_DEVICES; d++)
		if (mmus[d])
			return 1;
	return 0;
}

int hx_svm_migration_begin(void)
{
	int held;

	pthread_once(&probe_once, probe);
	if (!can_hold)
		return 0;
	pthread_mutex_lock(&run_lock);
	/* Before the first mirrored launch no translation exists that the
	 * move could make stale (a launch that begins meanwhile holds before
	 * it translates): no HOLD/UNHOLD round trip. */
	held = any_mmu_locked() && hold_enter_locked() == 0;
	pthread_mutex_unlock(&run_lock);
	return held;
}

void hx_svm_migration_end(int held)
{
	if (!held)
		return;
	pthread_mutex_lock(&run_lock);
	hold_exit_locked();
	pthread_mutex_unlock(&run_lock);
}
