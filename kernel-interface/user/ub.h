/* User-space /dev/hmm backend: internal interface between its files.
 *
 * Lock order: ub.lock, then ub.evlock. The handler thread never blocks on
 * ub.lock (it only try-locks and defers), so any thread may hold ub.lock
 * while the kernel waits for the handler to read a userfaultfd event. No
 * thread touches user memory that may fault into the handler while it
 * holds ub.lock; arguments and user buffers are copied outside it.
 */
#ifndef HX_UB_H
#define HX_UB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "linux/hmm_dev.h"

#define UB_PS 4096UL
#define UB_MAX_RECS 4096
#define UB_MAX_MIRRORS 1024
#define UB_MAX_ATTRS 1024
#define UB_MAX_HANDLES 64
#define UB_EVQ 512
#define UB_PENDING 4096
#define UB_MSGS 64
#define UB_PST_CHUNKS 65536 /* 256 MiB of words: 128 GiB of records */

/* Residency word of one page in a record: 0 = system memory (or a hole),
 * else device + 1 in bits 0..7, UB_PST_COH for coherent placement and the
 * pool slot in bits 32..63. */
#define UB_PST_COH (1ULL << 8)
#define UB_PST(dev, slot, coh)                                                 \
	(((uint64_t)(dev) + 1) | ((coh) ? UB_PST_COH : 0) |                    \
	 ((uint64_t)(slot) << 32))
#define UB_PST_DEV(w) ((int)((w)&0xff) - 1)
#define UB_PST_SLOT(w) ((uint64_t)(w) >> 32)

struct ub_iv {
	uint64_t start, end;
};

/* A range registered with userfaultfd for missing-page faults because some
 * page of it was migrated. Records are disjoint and sorted. */
struct ub_rec {
	uint64_t start, end;
	uint64_t *pst; /* arena, (end - start) / UB_PS words */
	size_t pst_bytes;
};

struct ub_attr_iv {
	uint64_t start, end;
	uint64_t v[4]; /* indexed by HMM_DEV_ATTR_* - 1 */
};

struct ub_dev {
	uint32_t kind;
	uint64_t npages;
	char *pool;	 /* private kind: private anonymous, MADV_DONTFORK */
	uint64_t *used;	 /* bitmap of allocated slots */
	uint64_t *dirty; /* bitmap of free slots that still hold a page */
	uint64_t nused, ndirty, hint; /* nused counts held slots too */
	/* HMM_DEV_IOC_APERTURE: while hold is set, a slot a page left stays
	 * used, owner[slot] = that page's address | 1 (| 2 when the slot
	 * still holds dropped contents), until RELEASE. */
	int hold;
	uint64_t *owner; /* arena, npages words, allocated by the first HOLD */
	uint64_t nheld;
	/* Held slots lie in [held_lo, held_hi): RELEASE scans only that. */
	uint64_t held_lo, held_hi;
	struct hmm_dev_stats st;
	struct ub_iv mirrors[UB_MAX_MIRRORS]; /* sorted, disjoint */
	int nmirrors;
};

struct ub_handle {
	int used;
	int trusted; /* hx_hmm_trust: the runtime's own handle */
	int efd;	     /* eventfd: readable while events are queued */
	uint32_t head, tail; /* protected by evlock */
	int overflow;	     /* protected by evlock */
	uint64_t seq;	     /* protected by evlock */
	struct hmm_dev_event q[UB_EVQ]; /* protected by evlock */
};

struct ub_pending_fault {
	uint64_t addr;
	uint64_t flags; /* UFFD_PAGEFAULT_FLAG_* */
};

struct ub {
	pthread_mutex_t lock;
	pthread_mutex_t evlock;
	int inited; /* protected by lock */
	int uffd;   /* -1 when degraded */
	int wakefd; /* eventfd the lock releaser writes for the handler */
	uint64_t uffd_features;
	int have_move, have_wp, user_mode_only, no_move_env;
	uint32_t degraded_reason;
	int32_t degraded_errno;
	uint32_t fault_around;
	int ndev;
	struct ub_dev dev[HMM_DEV_MAX_DEVICES]; /* protected by lock */
	struct ub_rec recs[UB_MAX_RECS];	/* protected by lock */
	int nrecs;
	struct ub_attr_iv attrs[UB_MAX_ATTRS]; /* protected by lock */
	int nattrs;
	struct ub_handle
	    handles[UB_MAX_HANDLES]; /* slots: lock; queues: evlock */
	int nhandles;		     /* protected by lock */
	/* Handler thread state: only the handler touches these. */
	pthread_t handler;
	int handler_running;
	void *handler_stack;
	size_t handler_stack_size;
	struct ub_pending_fault pf[UB_PENDING];
	int npf;
	struct uffd_msg_store {
		uint8_t b[32];
	} msgs[UB_MSGS];
	/* Events the handler read but nobody applied yet: whoever takes
	 * ub.lock applies them first, so nobody acts on stale state. */
	pthread_mutex_t pevlock; /* held only to append or take the list */
	struct ub_pending_ev {
		uint8_t event;
		uint64_t a, b, c;
	} pev[UB_PENDING], pev_work[UB_PENDING]; /* pev: pevlock */
	int npev;				 /* protected by pevlock */
	/* Lock-free channel between lock holders and the handler. */
	atomic_int want_lock;
	atomic_int stop;
	atomic_uint_fast64_t self_start, self_end; /* own madvise in flight */
	atomic_int self_ack; /* the handler saw that madvise's event */
	atomic_int ev_busy;  /* the handler holds events not yet applied */
	/* Residency words live in one region reserved at start-up, so that
	 * the backend never creates a mapping later (it could land in a hole
	 * an application is about to refill with MAP_FIXED). */
	char *pst_region;		       /* UB_PST_CHUNKS * UB_PS bytes */
	uint64_t pst_used[UB_PST_CHUNKS / 64]; /* protected by lock */
	/* Runtime arena chunks that migration refuses. */
	struct ub_iv arena[256]; /* protected by lock */
	int narena;
};

extern struct ub hx_ub;

/* core */
int hx_ub_init_locked(void);
void hx_ub_lock(void);
void hx_ub_unlock(void);
int hx_ub_debug(void);
void hx_ub_sync_events(void);
void hx_ub_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* state */
struct ub_rec *hx_ub_rec_find(uint64_t addr);
struct ub_rec *hx_ub_rec_next(uint64_t addr);
int hx_ub_pst_setup(void);
int hx_ub_rec_ensure(uint64_t start, uint64_t end, int do_register);
void hx_ub_rec_drop_range_locked(uint64_t start, uint64_t end, int unmapped);
int hx_ub_mirrored(int dev, uint64_t start, uint64_t end);
int hx_ub_mirror_any(uint64_t start, uint64_t end);
uint64_t hx_ub_mirror_pages(int dev, uint64_t start, uint64_t end);
int hx_ub_refused(uint64_t start, uint64_t end);
void hx_ub_emit(uint32_t type, uint32_t dev, uint64_t start, uint64_t size,
		uint64_t new_start);
int hx_ub_slot_alloc(int dev, uint64_t *slot);
void hx_ub_slot_free(int dev, uint64_t slot, int populated);
void hx_ub_slot_leave(int dev, uint64_t slot, uint64_t ua, int populated);
uint64_t hx_ub_slot_release(int dev);
void hx_ub_clean_dirty(int dev);
uint64_t hx_ub_attr_get(uint64_t addr, int type);
void hx_ub_check_locked(const char *where);

/* migration engine (lock held) */
int hx_ub_to_system_locked(uint64_t start, uint64_t end, int undefined,
			   int cpu_fault, uint64_t *moved);
int hx_ub_to_device_locked(int dev, uint64_t start, uint64_t end, int undefined,
			   uint64_t *moved, uint64_t *done);
int hx_ub_fault_locked(uint64_t addr, uint64_t flags);
void hx_ub_event_locked(int type, uint64_t a, uint64_t b, uint64_t c);
int hx_ub_pool_zero_locked(uint64_t addr);
int hx_ub_held_fault_locked(uint64_t addr);

/* ioctl front */
int hx_ub_open(void);
int hx_ub_close(int idx);
int hx_ub_ioctl(int idx, unsigned long req, void *arg);
int hx_ub_trust(int idx);
/* Set for the duration of an ioctl on a trusted handle: hx_ub_copy_in/out
 * use memcpy. */
extern __thread int hx_ub_trusted;
void *hx_ub_mmap(int idx, size_t len, off_t off);
ssize_t hx_ub_read(int idx, void *buf, size_t len);
int hx_ub_event_fd(int idx);
void *hx_ub_arena_alloc(size_t size);
void hx_ub_arena_free(void *p, size_t size);
int hx_ub_copy_in(void *dst, const void *usrc, size_t n);
int hx_ub_copy_out(void *udst, const void *src, size_t n);
int hx_ub_mincore_page(uint64_t addr); /* 1 resident, 0 hole, -1 unmapped */

#endif
