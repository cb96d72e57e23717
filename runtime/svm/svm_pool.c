/* The mirrored pool: small allocations are page runs carved from 64 MiB
 * chunks that every device mirrors once, instead of one mapping and one
 * mirror per allocation (the backend mirrors at most 1024 ranges per
 * device, and a mapping plus a mirror per device cost ~25 us).
 *
 * Each allocation owns its pages plus one trailing gap page that nothing
 * else uses, and page 0 of every chunk is never handed out, so an address
 * just outside an allocation is never inside another one. Freed runs keep
 * their pages (no madvise: that would be an invalidation event round
 * trip per free); a reused run is zeroed, so clSVMAlloc memory always
 * starts zeroed as a fresh mapping does. */
#include "svm_pool.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define CHUNK_BYTES ((size_t)64 << 20)
#define MAX_CHUNKS 256

struct chunk {
	char *base;
	size_t npages;
	uint64_t *used;	   /* bit per page: allocated or gap */
	uint64_t *touched; /* bit per page: handed out before */
	size_t low;	   /* no free page below this index */
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct chunk chunks[MAX_CHUNKS]; /* protected by pool_lock */
static unsigned nchunks;		/* protected by pool_lock */

static int bit(const uint64_t *m, size_t i)
{
	return (int)((m[i / 64] >> (i % 64)) & 1);
}

static void set_bits(uint64_t *m, size_t i, size_t n, int v)
{
	for (; n; n--, i++) {
		if (v)
			m[i / 64] |= 1ull << (i % 64);
		else
			m[i / 64] &= ~(1ull << (i % 64));
	}
}

/* First run of n free pages starting on a multiple of step, or -1.
 * Whole used words are skipped 64 pages at a time. */
static long find_run(const struct chunk *c, size_t n, size_t step)
{
	size_t s = (c->low + step - 1) / step * step, i;

	while (s + n <= c->npages) {
		if (s % 64 == 0 && c->used[s / 64] == ~0ull) {
			s = (s + 64 + step - 1) / step * step;
			continue;
		}
		for (i = 0; i < n && !bit(c->used, s + i); i++)
			;
		if (i == n)
			return (long)s;
		s = (s + i + 1 + step - 1) / step * step;
	}
	return -1;
}

static int add_chunk_locked(const struct hx_svm_pool_ops *ops)
{
	struct chunk *c = &chunks[nchunks];
	size_t words;

	if (nchunks == MAX_CHUNKS)
		return -1;
	c->npages = CHUNK_BYTES / ops->page;
	words = (c->npages + 63) / 64;
	c->used = calloc(2 * words, sizeof(uint64_t));
	if (!c->used)
		return -1;
	c->touched = c->used + words;
	c->base = ops->map(CHUNK_BYTES, HX_SVM_POOL_ALIGN);
	if (!c->base) {
		free(c->used);
		return -1;
	}
	ops->mirror(c->base, CHUNK_BYTES);
	set_bits(c->used, 0, 1, 1); /* page 0: never handed out */
	c->low = 1;
	nchunks++;
	return 0;
}

void *hx_svm_pool_alloc(size_t size, size_t align,
			const struct hx_svm_pool_ops *ops)
{
	size_t n = size / ops->page + 1, step = align / ops->page;
	struct chunk *c = NULL;
	unsigned i;
	long s = -1;
	int reused;
	char *p;

	pthread_mutex_lock(&pool_lock);
	for (i = 0; i < nchunks && s < 0; i++)
		s = find_run(c = &chunks[i], n, step);
	if (s < 0 && add_chunk_locked(ops) == 0)
		s = find_run(c = &chunks[nchunks - 1], n, step);
	if (s < 0) {
		pthread_mutex_unlock(&pool_lock);
		return NULL;
	}
	set_bits(c->used, (size_t)s, n, 1);
	if ((size_t)s == c->low) /* else free pages may lie below s */
		c->low = (size_t)s + n;
	for (i = 0, reused = 0; i < n - 1; i++)
		reused |= bit(c->touched, (size_t)s + i);
	set_bits(c->touched, (size_t)s, n - 1, 1);
	pthread_mutex_unlock(&pool_lock);
	p = c->base + (size_t)s * ops->page;
	if (reused)
		memset(p, 0, size);
	return p;
}

/* The chunk holding p, or NULL; pool_lock held. */
static struct chunk *chunk_of_locked(const char *p)
{
	unsigned i;

	for (i = 0; i < nchunks; i++)
		if (p >= chunks[i].base && p < chunks[i].base + CHUNK_BYTES)
			return &chunks[i];
	return NULL;
}

int hx_svm_pool_owns(const void *p)
{
	int r;

	pthread_mutex_lock(&pool_lock);
	r = chunk_of_locked(p) != NULL;
	pthread_mutex_unlock(&pool_lock);
	return r;
}

void hx_svm_pool_free(void *p, size_t size, size_t page)
{
	struct chunk *c;

	pthread_mutex_lock(&pool_lock);
	c = chunk_of_locked(p);
	if (c) {
		size_t i = (size_t)((char *)p - c->base) / page;

		set_bits(c->used, i, size / page + 1, 0);
		if (i < c->low)
			c->low = i;
	}
	pthread_mutex_unlock(&pool_lock);
}
