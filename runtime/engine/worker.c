/* Per-thread state: __local memory, collective scratch, fiber stacks and
 * the signal stack of every thread that runs work-groups. Allocated once
 * per thread and grown as launches need more. */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static pthread_key_t worker_key;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;
/* initial-exec: the general-dynamic model in a dlopen()ed library makes
 * LeakSanitizer crash at exit reading the slot (GCC 12, glibc 2.36). */
static __thread struct hx_worker *tls_worker
	__attribute__((tls_model("initial-exec")));
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char
    index_used[HX_MAX_THREAD_INDEX]; /* protected by index_lock */

static void worker_key_destroy(void *p)
{
	hx_worker_free(p);
}

static void worker_key_init(void)
{
	pthread_key_create(&worker_key, worker_key_destroy);
}

static unsigned index_get(void)
{
	unsigned i;

	pthread_mutex_lock(&index_lock);
	for (i = 0; i < HX_MAX_THREAD_INDEX && index_used[i]; i++)
		;
	if (i < HX_MAX_THREAD_INDEX)
		index_used[i] = 1;
	pthread_mutex_unlock(&index_lock);
	return i;
}

static void index_put(unsigned i)
{
	pthread_mutex_lock(&index_lock);
	if (i < HX_MAX_THREAD_INDEX)
		index_used[i] = 0;
	pthread_mutex_unlock(&index_lock);
}

/* The calling thread's stack bounds, once per thread: loop-mode groups
 * take their private range from them (glibc reads /proc/self/maps for
 * the main thread, so this must not run per group). */
static void stack_bounds(struct hx_worker *w)
{
	pthread_attr_t attr;
	void *addr;
	size_t size;

	if (pthread_getattr_np(pthread_self(), &attr))
		return;
	if (!pthread_attr_getstack(&attr, &addr, &size)) {
		w->stack_lo = (uintptr_t)addr;
		w->stack_hi = (uintptr_t)addr + size;
	}
	pthread_attr_destroy(&attr);
}

/* Called on the thread that will own the state. */
struct hx_worker *hx_worker_new(void)
{
	struct hx_worker *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	stack_bounds(w);
	w->index = index_get();
	if (w->index >= HX_MAX_THREAD_INDEX || hx_altstack_ensure(w)) {
		hx_worker_free(w);
		return NULL;
	}
	return w;
}

void hx_worker_free(struct hx_worker *w)
{
	if (!w)
		return;
	if (w->alt_stack) {
		stack_t ss = {.ss_flags = SS_DISABLE};

		/* Only called on the owning thread (key destructor, pool exit).
		 */
		sigaltstack(&ss, NULL);
		free(w->alt_stack);
	}
	if (tls_worker == w)
		tls_worker = NULL;
	index_put(w->index);
	free(w->local_mem);
	free(w->scratch);
	free(w->fibers);
	if (w->stacks)
		munmap(w->stacks, w->stacks_len);
	free(w);
}

void hx_worker_set_current(struct hx_worker *w)
{
	tls_worker = w;
}

/* The calling thread's state, created on first use and freed when the
 * thread exits. Never fails silently: NULL means out of memory. */
struct hx_worker *hx_worker_self(void)
{
	struct hx_worker *w = tls_worker;

	if (w)
		return w;
	pthread_once(&worker_once, worker_key_init);
	w = hx_worker_new();
	if (!w)
		return NULL;
	tls_worker = w;
	pthread_setspecific(worker_key, w);
	return w;
}

static int grow(char **p, uint64_t *cap, uint64_t need)
{
	char *n;

	if (need <= *cap)
		return 0;
	need = (need + 4095) & ~4095ull;
	n = aligned_alloc(128, need);
	if (!n)
		return -1;
	free(*p);
	*p = n;
	*cap = need;
	return 0;
}

/* One mapping of [guard page | stack] per fiber: a stack overflow hits
 * the guard and becomes a reported device fault. */
static int grow_stacks(struct hx_worker *w, uint64_t n, uint64_t size)
{
	uint64_t page = 4096, len;
	char *m;
	struct hx_fiber *f;

	if (n <= w->fiber_cap && size <= w->stack_size)
		return 0;
	if (n < w->fiber_cap)
		n = w->fiber_cap;
	if (size < w->stack_size)
		size = w->stack_size;
	len = n * (size + page);
	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
		 0);
	if (m == MAP_FAILED)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		mprotect(m + i * (size + page), page, PROT_NONE);
	f = realloc(w->fibers, n * sizeof(*f));
	if (!f) {
		munmap(m, len);
		return -1;
	}
	if (w->stacks)
		munmap(w->stacks, w->stacks_len);
	w->fibers = f;
	w->stacks = m;
	w->stacks_len = len;
	w->stack_size = size;
	w->fiber_cap = n;
	w->stacks_dirty = 1; /* the range may reuse poisoned ASan shadow */
	return 0;
}

/* Makes sure this thread can run a group of job j. */
int hx_worker_reserve(struct hx_worker *w, const struct hx_job *j)
{
	if (grow(&w->local_mem, &w->local_cap,
		 j->local_bytes ? j->local_bytes : 1))
		return -1;
	if (grow(&w->scratch, &w->scratch_cap,
		 HX_WG_SCRATCH_BYTES(j->items_max)))
		return -1;
	if (j->flags & HX_CODE_PER_ITEM)
		return grow_stacks(w, j->items_max, j->stack_size);
	return 0;
}

/* The thread's state if it has one; safe in a signal handler. */
struct hx_worker *hx_worker_current(void)
{
	return tls_worker;
}
