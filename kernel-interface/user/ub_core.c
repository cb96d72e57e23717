/* User-space /dev/hmm backend: instance, userfaultfd setup, the handler
 * thread and the fork policy. */
#include "ub.h"
#include "uffd_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Page aligned so refusing its pages never refuses a neighbour's. */
struct ub hx_ub __attribute__((aligned(4096))) = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .evlock = PTHREAD_MUTEX_INITIALIZER,
    .pevlock = PTHREAD_MUTEX_INITIALIZER,
    .uffd = -1,
    .wakefd = -1,
};

static int env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}

int hx_ub_debug(void)
{
	static int cached = -1;
	const char *v, *p;

	if (cached >= 0)
		return cached;
	cached = 0;
	v = getenv("HMMCL_DEBUG");
	for (p = v; p && *p;) {
		size_t n = strcspn(p, ",");

		if ((n == 3 && !strncmp(p, "hmm", 3)) ||
		    (n == 3 && !strncmp(p, "all", 3)))
			cached = 1;
		p += n + (p[n] == ',');
	}
	return cached;
}

void hx_ub_dbg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (!hx_ub_debug())
		return;
	/* No stdio buffers: the handler may log, and it must not malloc. */
	n = snprintf(buf, sizeof(buf), "hmmcl[hmm-user]: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, buf, n) < 0)
		return;
}

/* An unmap or madvise that just returned may have its event still in the
 * handler's hands: wait until it is applied, so nobody sees stale state.
 * Never called with ub.lock held, nor by the handler. */
void hx_ub_sync_events(void)
{
	uint64_t one = 1;

	for (long i = 0; atomic_load(&hx_ub.ev_busy) && i < 100000000; i++) {
		if (hx_ub.wakefd >= 0 && (i & 1023) == 0)
			if (write(hx_ub.wakefd, &one, sizeof(one)) < 0)
				break;
		sched_yield();
	}
}

/* Applies the events the handler queued (ub.lock held). */
static void apply_events_locked(void)
{
	int n;

	pthread_mutex_lock(&hx_ub.pevlock);
	n = hx_ub.npev;
	memcpy(hx_ub.pev_work, hx_ub.pev, n * sizeof(hx_ub.pev[0]));
	hx_ub.npev = 0;
	pthread_mutex_unlock(&hx_ub.pevlock);
	for (int i = 0; i < n; i++)
		hx_ub_event_locked(hx_ub.pev_work[i].event, hx_ub.pev_work[i].a,
				   hx_ub.pev_work[i].b, hx_ub.pev_work[i].c);
}

void hx_ub_lock(void)
{
	pthread_mutex_lock(&hx_ub.lock);
	apply_events_locked();
}

/* The handler may have deferred work because it found the lock taken:
 * wake it after releasing. want_lock is set before its trylock, so either
 * its trylock succeeds or this load sees the flag. */
void hx_ub_unlock(void)
{
	uint64_t one = 1;

	pthread_mutex_unlock(&hx_ub.lock);
	if (atomic_load(&hx_ub.want_lock) && hx_ub.wakefd >= 0)
		if (write(hx_ub.wakefd, &one, sizeof(one)) < 0)
			return;
}

static uint64_t parse_size(const char *s, uint64_t def)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (end == s)
		return def;
	if (*end == 'G' || *end == 'g')
		v <<= 30;
	else if (*end == 'K' || *end == 'k')
		v <<= 10;
	else
		v <<= 20; /* MiB by default and for 'M' */
	return v;
}

/* HMMCL_HMM_DEVICES="private:512M,coherent:64M", else HMMCL_DEVICES=N
 * private devices of HMMCL_HMM_DEVICE_MEM (default 1 GiB). */
static void parse_devices(void)
{
	const char *spec = getenv("HMMCL_HMM_DEVICES");
	const char *n = getenv("HMMCL_DEVICES");
	const char *m = getenv("HMMCL_HMM_DEVICE_MEM");
	uint64_t def = m ? parse_size(m, 1ULL << 30) : 1ULL << 30;
	int i, count = n ? atoi(n) : 1;

	hx_ub.ndev = 0;
	while (spec && *spec && hx_ub.ndev < HMM_DEV_MAX_DEVICES) {
		struct ub_dev *d = &hx_ub.dev[hx_ub.ndev++];
		const char *colon = strchr(spec, ':');
		const char *comma = strchr(spec, ',');

		d->kind = strncmp(spec, "coherent", 8) ? HMM_DEV_MEM_PRIVATE
						       : HMM_DEV_MEM_COHERENT;
		d->npages = ((colon && (!comma || colon < comma))
				 ? parse_size(colon + 1, def)
				 : def) /
			    UB_PS;
		spec = comma ? comma + 1 : NULL;
	}
	if (hx_ub.ndev)
		return;
	if (count < 1)
		count = 1;
	if (count > HMM_DEV_MAX_DEVICES)
		count = HMM_DEV_MAX_DEVICES;
	for (i = 0; i < count; i++) {
		hx_ub.dev[i].kind = HMM_DEV_MEM_PRIVATE;
		hx_ub.dev[i].npages = def / UB_PS;
	}
	hx_ub.ndev = count;
}

static int uffd_create(int user_only)
{
	int flags =
	    O_CLOEXEC | O_NONBLOCK | (user_only ? UFFD_USER_MODE_ONLY : 0);
	int fd = (int)syscall(SYS_userfaultfd, flags);
	int dev;

	if (fd >= 0 || user_only)
		return fd;
	/* Non-root with vm.unprivileged_userfaultfd=0: the device node may
	 * still grant kernel-mode faults. */
	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev >= 0) {
		fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
		close(dev);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

static void degrade(uint32_t reason, int err, const char *why)
{
	hx_ub.degraded_reason = reason;
	hx_ub.degraded_errno = err;
	hx_ub_dbg("degraded: migration to private devices disabled: %s (%s)",
		  why, err ? strerror(err) : "no errno");
}

/* Creates the userfaultfd and negotiates features. Without it the backend
 * still mirrors and serves device accesses; migration reports EACCES. */
static void uffd_setup(void)
{
	struct uffdio_api api = {.api = UFFD_API};
	uint64_t want = UFFD_FEATURE_EVENT_UNMAP | UFFD_FEATURE_EVENT_REMOVE |
			UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_THREAD_ID;
	int fd, user_only = env_flag("HMMCL_HMM_USER_MODE_ONLY");

	hx_ub.degraded_reason = HMM_DEV_DEGRADED_NONE;
	if (env_flag("HMMCL_HMM_NO_UFFD")) {
		degrade(HMM_DEV_DEGRADED_DISABLED, 0,
			"HMMCL_HMM_NO_UFFD is set");
		return;
	}
	fd = uffd_create(user_only);
	if (fd < 0 && !user_only) {
		user_only = 1;
		fd = uffd_create(1);
		if (fd >= 0)
			hx_ub_dbg(
			    "userfaultfd in user-mode-only mode: kernel-mode "
			    "accesses to migrated pages will fail with EFAULT");
	}
	if (fd < 0) {
		degrade(HMM_DEV_DEGRADED_NO_UFFD, errno,
			"userfaultfd() failed");
		return;
	}
	/* Probe: a first UFFDIO_API with no features reports what exists. */
	if (ioctl(fd, UFFDIO_API, &api) < 0) {
		degrade(HMM_DEV_DEGRADED_UFFD_API, errno, "UFFDIO_API failed");
		close(fd);
		return;
	}
	hx_ub.uffd_features = api.features;
	close(fd);
	fd = uffd_create(user_only);
	if (api.features & UFFD_FEATURE_MOVE)
		want |= UFFD_FEATURE_MOVE;
	if (api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP)
		want |= UFFD_FEATURE_PAGEFAULT_FLAG_WP;
	if (fd < 0 ||
	    (api.features &
	     (UFFD_FEATURE_EVENT_UNMAP | UFFD_FEATURE_EVENT_REMOVE)) !=
		(UFFD_FEATURE_EVENT_UNMAP | UFFD_FEATURE_EVENT_REMOVE)) {
		degrade(HMM_DEV_DEGRADED_UFFD_API, fd < 0 ? errno : 0,
			"userfaultfd lacks EVENT_UNMAP/EVENT_REMOVE");
		if (fd >= 0)
			close(fd);
		return;
	}
	api = (struct uffdio_api){.api = UFFD_API,
				  .features = want & api.features};
	if (ioctl(fd, UFFDIO_API, &api) < 0) {
		degrade(HMM_DEV_DEGRADED_UFFD_API, errno,
			"UFFDIO_API(features)");
		close(fd);
		return;
	}
	hx_ub.uffd = fd;
	hx_ub.user_mode_only = user_only;
	hx_ub.have_move = !!(api.features & UFFD_FEATURE_MOVE);
	hx_ub.have_wp = !!(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	hx_ub.no_move_env = env_flag("HMMCL_HMM_NO_MOVE");
	hx_ub_dbg("userfaultfd ready: features 0x%llx, move %s, kernel-mode "
		  "faults %s",
		  (unsigned long long)api.features,
		  !hx_ub.have_move    ? "unavailable (copy only)"
		  : hx_ub.no_move_env ? "disabled by HMMCL_HMM_NO_MOVE"
				      : "yes",
		  user_only ? "no (EFAULT)" : "resolved");
}

static int uffd_register(uint64_t start, uint64_t len, uint64_t mode)
{
	struct uffdio_register r = {.range = {start, len}, .mode = mode};

	return ioctl(hx_ub.uffd, UFFDIO_REGISTER, &r);
}

static int pools_setup(void)
{
	int i;

	for (i = 0; i < hx_ub.ndev; i++) {
		struct ub_dev *d = &hx_ub.dev[i];
		size_t words = (d->npages + 63) / 64;

		if (!d->used)
			d->used = hx_ub_arena_alloc(words * 8);
		if (!d->dirty)
			d->dirty = hx_ub_arena_alloc(words * 8);
		if (!d->used || !d->dirty)
			return -ENOMEM;
		d->nused = d->ndirty = d->hint = 0;
		d->pool = NULL;
		if (d->kind != HMM_DEV_MEM_PRIVATE || hx_ub.uffd < 0)
			continue;
		d->pool =
		    mmap(NULL, d->npages * UB_PS, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (d->pool == MAP_FAILED) {
			d->pool = NULL;
			return -ENOMEM;
		}
		/* A child must never share device pages: UFFDIO_MOVE wants
		 * them exclusive, and the child has no handler anyway. */
		madvise(d->pool, d->npages * UB_PS, MADV_DONTFORK);
		madvise(d->pool, d->npages * UB_PS, MADV_NOHUGEPAGE);
		/* UFFDIO_MOVE needs its destination registered with our uffd.
		 */
		if (uffd_register((uint64_t)d->pool, d->npages * UB_PS,
				  UFFDIO_REGISTER_MODE_MISSING) < 0)
			return -errno;
	}
	return 0;
}

static void *handler_main(void *arg);

static int handler_start(void)
{
	pthread_attr_t attr;
	int err;

	hx_ub.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (hx_ub.wakefd < 0)
		return -errno;
	/* Its stack comes from the arena: a migrated handler stack would
	 * fault into the handler itself. */
	hx_ub.handler_stack_size = 256 << 10;
	hx_ub.handler_stack = hx_ub_arena_alloc(hx_ub.handler_stack_size);
	if (!hx_ub.handler_stack)
		return -ENOMEM;
	pthread_attr_init(&attr);
	pthread_attr_setstack(&attr, hx_ub.handler_stack,
			      hx_ub.handler_stack_size);
	atomic_store(&hx_ub.stop, 0);
	err = pthread_create(&hx_ub.handler, &attr, handler_main, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	hx_ub.handler_running = 1;
	return 0;
}

static void atfork_prepare(void);
static void atfork_parent(void);
static void atfork_child(void);

int hx_ub_init_locked(void)
{
	static int atfork_done;
	const char *fa = getenv("HMMCL_HMM_FAULT_AROUND");
	int err;

	if (hx_ub.inited)
		return 0;
	if (!atfork_done) {
		pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
		atfork_done = 1;
	}
	/* 2 MiB, as AMD KFD's default SVM granularity: measured here, 64 KiB
	 * .. 512 KiB blocks left 64 MiB fault-back near half of memcpy. */
	hx_ub.fault_around = fa ? (uint32_t)atoi(fa) : 512;
	if (hx_ub.fault_around < 1 || hx_ub.fault_around > 512)
		hx_ub.fault_around = 512;
	parse_devices();
	uffd_setup();
	err = hx_ub_pst_setup();
	if (!err)
		err = pools_setup();
	if (!err && hx_ub.uffd >= 0)
		err = handler_start();
	if (err) {
		hx_ub_dbg("initialisation failed: %s", strerror(-err));
		return err;
	}
	hx_ub.inited = 1;
	hx_ub_dbg("%d device(s), fault-around %u pages", hx_ub.ndev,
		  hx_ub.fault_around);
	return 0;
}

/* Reads what the uffd has, deferring faults and foreign events. Our own
 * madvise (copy fallback, pool cleaning) is dropped at once, without the
 * lock, because its author holds the lock and waits for this read. */
static void handler_read(void)
{
	struct uffd_msg *m = (struct uffd_msg *)hx_ub.msgs;
	ssize_t n;
	int i;

	n = read(hx_ub.uffd, m, sizeof(hx_ub.msgs));
	for (i = 0; n > 0 && i < (int)(n / sizeof(*m)); i++) {
		uint64_t a = 0, b = 0, c = 0;
		int own;

		if (m[i].event == UFFD_EVENT_PAGEFAULT) {
			if (hx_ub.npf < UB_PENDING)
				hx_ub.pf[hx_ub.npf++] =
				    (struct ub_pending_fault){
					m[i].arg.pagefault.address &
					    ~(UB_PS - 1),
					m[i].arg.pagefault.flags};
			continue;
		}
		if (m[i].event == UFFD_EVENT_REMAP) {
			a = m[i].arg.remap.from;
			b = m[i].arg.remap.len;
			c = m[i].arg.remap.to;
		} else if (m[i].event == UFFD_EVENT_REMOVE ||
			   m[i].event == UFFD_EVENT_UNMAP) {
			a = m[i].arg.remove.start;
			b = m[i].arg.remove.end - a;
		} else {
			continue;
		}
		own = a >= atomic_load(&hx_ub.self_start) &&
		      a + b <= atomic_load(&hx_ub.self_end);
		if (own)
			atomic_store(&hx_ub.self_ack, 1);
		for (int d = 0; d < hx_ub.ndev && !own; d++)
			own = hx_ub.dev[d].pool &&
			      a >= (uint64_t)hx_ub.dev[d].pool &&
			      a < (uint64_t)hx_ub.dev[d].pool +
				      hx_ub.dev[d].npages * UB_PS;
		if (own)
			continue;
		pthread_mutex_lock(&hx_ub.pevlock);
		if (hx_ub.npev < UB_PENDING)
			hx_ub.pev[hx_ub.npev++] =
			    (struct ub_pending_ev){m[i].event, a, b, c};
		pthread_mutex_unlock(&hx_ub.pevlock);
	}
}

static void handler_work(void)
{
	int i, kept;

	/* npev is appended only by this thread; a stale non-zero read
	 * costs one try-lock. */
	if (!hx_ub.npf && !hx_ub.npev)
		return;
	atomic_store(&hx_ub.want_lock, 1);
	if (pthread_mutex_trylock(&hx_ub.lock) != 0)
		return;
	atomic_store(&hx_ub.want_lock, 0);
	apply_events_locked();
	hx_ub_check_locked("events");
	/* EAGAIN: an event is waiting; read it first, keep the fault. */
	for (i = 0, kept = 0; i < hx_ub.npf; i++)
		if (hx_ub_fault_locked(hx_ub.pf[i].addr, hx_ub.pf[i].flags) ==
		    -EAGAIN)
			hx_ub.pf[kept++] = hx_ub.pf[i];
	hx_ub.npf = kept;
	hx_ub_check_locked("faults");
	pthread_mutex_unlock(&hx_ub.lock);
}

static void *handler_main(void *arg)
{
	uint64_t v;

	while (!atomic_load(&hx_ub.stop)) {
		struct pollfd p[2] = {{hx_ub.uffd, POLLIN, 0},
				      {hx_ub.wakefd, POLLIN, 0}};

		if (poll(p, 2, (hx_ub.npf || hx_ub.npev) ? 1 : -1) < 0 &&
		    errno != EINTR)
			break;
		if (p[1].revents & POLLIN)
			if (read(hx_ub.wakefd, &v, sizeof(v)) < 0)
				v = 0;
		if (p[0].revents & POLLIN) {
			/* Set before read(): whoever the read releases (munmap,
			 * madvise) sees it and waits for the event's effects.
			 */
			atomic_store(&hx_ub.ev_busy, 1);
			handler_read();
		}
		/* Read events are queued: the next ub.lock holder applies them.
		 */
		atomic_store(&hx_ub.ev_busy, 0);
		handler_work();
	}
	return NULL;
}

/* Fork policy: a child has no userfaultfd (EVENT_FORK needs
 * CAP_SYS_PTRACE) and no device pools (MADV_DONTFORK), so every private
 * device page comes home before fork() and the child starts afresh. */
static void atfork_prepare(void)
{
	uint64_t moved = 0;
	int r;

	hx_ub_sync_events();
	pthread_mutex_lock(&hx_ub.lock);
	if (hx_ub.inited)
		apply_events_locked();
	if (!hx_ub.inited)
		return;
	for (r = 0; r < hx_ub.nrecs; r++)
		hx_ub_to_system_locked(hx_ub.recs[r].start, hx_ub.recs[r].end,
				       0, -1, &moved);
	if (moved) {
		hx_ub_emit(HMM_DEV_EVENT_FORK, HMM_DEV_ALL_DEVICES, 0, 0, 0);
		hx_ub_dbg("fork: %llu device pages migrated back first",
			  (unsigned long long)moved);
	}
	pthread_mutex_lock(&hx_ub.evlock);
}

static void atfork_parent(void)
{
	if (hx_ub.inited)
		pthread_mutex_unlock(&hx_ub.evlock);
	hx_ub_unlock();
}

static void atfork_child(void)
{
	int i;

	if (!hx_ub.inited) {
		pthread_mutex_unlock(&hx_ub.lock);
		return;
	}
	pthread_mutex_unlock(&hx_ub.evlock);
	/* The uffd still names the parent's mm: drop it, never use it. */
	if (hx_ub.uffd >= 0)
		close(hx_ub.uffd);
	if (hx_ub.wakefd >= 0)
		close(hx_ub.wakefd);
	hx_ub.uffd = hx_ub.wakefd = -1;
	hx_ub.handler_running = 0;
	pthread_mutex_init(&hx_ub.pevlock, NULL);
	hx_ub.npf = hx_ub.npev = 0;
	/* Residency words are forgotten with the records (the region was
	 * inherited: empty it). */
	if (hx_ub.pst_region)
		madvise(hx_ub.pst_region, (size_t)UB_PST_CHUNKS * UB_PS,
			MADV_DONTNEED);
	memset(hx_ub.pst_used, 0, sizeof(hx_ub.pst_used));
	hx_ub.nrecs = 0;
	for (i = 0; i < hx_ub.ndev; i++) {
		struct ub_dev *d = &hx_ub.dev[i];

		memset(d->used, 0, (d->npages + 63) / 64 * 8);
		memset(d->dirty, 0, (d->npages + 63) / 64 * 8);
		d->nused = d->ndirty = 0;
		/* The child's pool is new: nothing is held in it. */
		if (d->owner)
			memset(d->owner, 0, d->npages * 8);
		d->nheld = 0;
		d->pool = NULL;
	}
	/* Flags the parent's handler may have left set. */
	atomic_store(&hx_ub.ev_busy, 0);
	atomic_store(&hx_ub.want_lock, 0);
	atomic_store(&hx_ub.self_start, 0);
	atomic_store(&hx_ub.self_end, 0);
	/* A fresh userfaultfd and pools for the child. */
	uffd_setup();
	if (hx_ub.uffd >= 0 && (pools_setup() || handler_start())) {
		/* Without a handler a fault would hang: no migration. */
		close(hx_ub.uffd);
		hx_ub.uffd = -1;
		for (i = 0; i < hx_ub.ndev; i++)
			hx_ub.dev[i].pool = NULL;
		degrade(HMM_DEV_DEGRADED_FORKED, 0,
			"restart after fork failed");
	} else if (hx_ub.uffd >= 0) {
		hx_ub_dbg("child: backend restarted after fork");
	}
	pthread_mutex_unlock(&hx_ub.lock);
}
