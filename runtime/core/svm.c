/* Host-side SVM: the allocation table, clSVMAlloc/clSVMFree semantics and
 * the bodies of the SVM commands. See svm.h for the rules. */
#include "svm.h"

#include "context.h"
#include "debug.h"
#include "event.h"
#include "platform.h"
#include "trace.h"
#ifdef HMMCL_HAVE_HX_SVM
#include "hmm_door.h"
#include "svm/svm_hostmir.h"
#include "svm/svm_mgr.h"
#endif

#include <CL/cl_ext_hmm.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct hx_svm_alloc *table; /* protected by table_lock; by base */
static size_t table_len;	   /* protected by table_lock */
static size_t table_cap;	   /* protected by table_lock */
static _Atomic uint64_t next_id = 1;

/* ---- where the memory comes from ---- */

#ifdef HMMCL_HAVE_HX_SVM
/* Whole pages mirrored by every device through /dev/hmm (svm_mgr.h): a
 * migration then never moves a neighbour's bytes. */
void *hx_svm_backing_alloc(size_t size, size_t align, cl_svm_mem_flags flags)
{
	(void)flags; /* every kind is mirrored the same way */
	return hx_svm_mgr_alloc(size, align);
}

void hx_svm_backing_free(void *base, size_t size, cl_svm_mem_flags flags)
{
	(void)flags;
	hx_svm_mgr_free(base, size);
}
#else
void *hx_svm_backing_alloc(size_t size, size_t align, cl_svm_mem_flags flags)
{
	void *p = NULL;

	(void)flags; /* every kind is plain host memory without /dev/hmm */
	if (posix_memalign(&p, align, size) != 0)
		return NULL;
	return p;
}

void hx_svm_backing_free(void *base, size_t size, cl_svm_mem_flags flags)
{
	(void)size;
	(void)flags;
	free(base);
}
#endif

/* ---- the table ---- */

/* Index of the last entry whose base is <= p, or -1. */
static ptrdiff_t floor_locked(const void *p)
{
	size_t lo = 0, hi = table_len; /* answer in [lo, hi) shifted by one */
	uintptr_t a = (uintptr_t)p;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)table[mid].base <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

static int contains(const struct hx_svm_alloc *a, const void *p)
{
	uintptr_t x = (uintptr_t)p, b = (uintptr_t)a->base;

	return x >= b && x - b < a->size;
}

int hx_svm_find(cl_context ctx, const void *ptr, struct hx_svm_alloc *out)
{
	ptrdiff_t i;
	int found = 0;

	if (!ptr)
		return 0;
	pthread_rwlock_rdlock(&table_lock);
	i = floor_locked(ptr);
	/* Allocations never overlap, so at most one can contain ptr. */
	if (i >= 0 && contains(&table[i], ptr) &&
	    (!ctx || table[i].ctx == ctx)) {
		found = 1;
		if (out)
			*out = table[i];
	}
	pthread_rwlock_unlock(&table_lock);
	return found;
}

int hx_svm_find_range(cl_context ctx, const void *ptr, size_t size,
		      struct hx_svm_alloc *out)
{
	struct hx_svm_alloc a;
	size_t room;

	if (!hx_svm_find(ctx, ptr, &a))
		return 0;
	room = a.size - (size_t)((uintptr_t)ptr - (uintptr_t)a.base);
	if (size > room)
		return 0;
	if (out)
		*out = a;
	return 1;
}

size_t hx_svm_count(void)
{
	size_t n;

	pthread_rwlock_rdlock(&table_lock);
	n = table_len;
	pthread_rwlock_unlock(&table_lock);
	return n;
}

static cl_int insert(const struct hx_svm_alloc *a)
{
	ptrdiff_t i;

	pthread_rwlock_wrlock(&table_lock);
	if (table_len == table_cap) {
		size_t cap = table_cap ? table_cap * 2 : 64;
		struct hx_svm_alloc *t = realloc(table, cap * sizeof(*t));

		if (!t) {
			pthread_rwlock_unlock(&table_lock);
			return CL_OUT_OF_HOST_MEMORY;
		}
		table = t;
		table_cap = cap;
	}
	i = floor_locked(a->base) + 1;
	memmove(&table[i + 1], &table[i], (table_len - i) * sizeof(*table));
	table[i] = *a;
	table_len++;
	pthread_rwlock_unlock(&table_lock);
	return CL_SUCCESS;
}

/* Removes the entry at i; table_lock held for writing. */
static void remove_locked(size_t i)
{
	memmove(&table[i], &table[i + 1], (table_len - i - 1) * sizeof(*table));
	table_len--;
}

/* ---- context lifetime ---- */

/* Moves the entries of ctx out of the table into *out (malloc'ed);
 * returns their number. table_lock held for writing. */
static size_t take_context_locked(cl_context ctx, struct hx_svm_alloc **out)
{
	size_t i, kept = 0, n = 0;

	for (i = 0; i < table_len; i++)
		n += table[i].ctx == ctx;
	*out = n ? malloc(n * sizeof(**out)) : NULL;
	if (!*out)
		return 0;
	n = 0;
	for (i = 0; i < table_len; i++) {
		if (table[i].ctx == ctx)
			(*out)[n++] = table[i];
		else
			table[kept++] = table[i];
	}
	table_len = kept;
	return n;
}

/* Destructor of a context that had SVM allocations: frees what the
 * application left behind (nothing else could free it any more). The
 * memory is released outside the table lock. */
static void CL_CALLBACK context_gone(cl_context ctx, void *user_data)
{
	struct hx_svm_alloc *gone;
	size_t i, n;

	(void)user_data;
	pthread_rwlock_wrlock(&table_lock);
	n = take_context_locked(ctx, &gone);
	pthread_rwlock_unlock(&table_lock);
	for (i = 0; i < n; i++) {
		HX_DEBUG(HX_DBG_SVM, "svm", "context %p gone: freeing %p (%zu)",
			 (void *)ctx, gone[i].base, gone[i].size);
		hx_svm_backing_free(gone[i].base, gone[i].size, gone[i].flags);
	}
	free(gone);
}

/* Registers context_gone once per context. */
static cl_int watch_context(cl_context ctx)
{
	struct hx_ctx_destructor *d;
	cl_int err = CL_SUCCESS;

	pthread_mutex_lock(&ctx->lock);
	for (d = ctx->destructors; d; d = d->next)
		if (d->fn == context_gone)
			goto out;
	d = malloc(sizeof(*d));
	if (!d) {
		err = CL_OUT_OF_HOST_MEMORY;
		goto out;
	}
	d->fn = context_gone;
	d->user_data = NULL;
	d->next = ctx->destructors;
	ctx->destructors = d;
out:
	pthread_mutex_unlock(&ctx->lock);
	return err;
}

/* ---- clSVMAlloc / clSVMFree ---- */

cl_device_svm_capabilities hx_svm_context_caps(cl_context ctx)
{
	cl_device_svm_capabilities caps = ~(cl_device_svm_capabilities)0;
	cl_uint i;

	for (i = 0; i < ctx->ndevices; i++)
		caps &= ctx->devices[i]->svm_caps;
	return ctx->ndevices ? caps : 0;
}

static cl_ulong context_max_alloc(cl_context ctx)
{
	cl_ulong m = ~(cl_ulong)0;
	cl_uint i;

	for (i = 0; i < ctx->ndevices; i++)
		if (ctx->devices[i]->max_alloc_size < m)
			m = ctx->devices[i]->max_alloc_size;
	return m;
}

/* clSVMAlloc has no error code to return: each rejection is traced
 * (HMMCL_DEBUG=svm) with the condition that caused it. */
#define REJECT(cond, code)                                                     \
	do {                                                                   \
		if (cond) {                                                    \
			HX_DEBUG(HX_DBG_SVM, "svm", "clSVMAlloc: %s -> %d",    \
				 #cond, (code));                               \
			return (code);                                         \
		}                                                              \
	} while (0)

static cl_int check_flags(cl_context ctx, cl_svm_mem_flags flags)
{
	const cl_svm_mem_flags access =
	    CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY;
	const cl_svm_mem_flags known =
	    access | CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS;
	cl_device_svm_capabilities caps = hx_svm_context_caps(ctx);

	/* The values in flags must be those of the SVM Memory Flags table. */
	REJECT(flags & ~known, CL_INVALID_VALUE);
	/* READ_WRITE, WRITE_ONLY and READ_ONLY are mutually exclusive. */
	REJECT(__builtin_popcountll(flags & access) > 1, CL_INVALID_VALUE);
	/* CL_MEM_SVM_ATOMICS is valid only with FINE_GRAIN_BUFFER. */
	REJECT((flags & CL_MEM_SVM_ATOMICS) &&
		   !(flags & CL_MEM_SVM_FINE_GRAIN_BUFFER),
	       CL_INVALID_VALUE);
	/* No device in the context supports SVM (optional in 3.0). */
	REJECT(!caps, CL_INVALID_OPERATION);
	/* FINE_GRAIN_BUFFER or ATOMICS not supported by at least one device
	 * in the context. */
	REJECT((flags & CL_MEM_SVM_FINE_GRAIN_BUFFER) &&
		   !(caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER),
	       CL_INVALID_VALUE);
	REJECT((flags & CL_MEM_SVM_ATOMICS) && !(caps & CL_DEVICE_SVM_ATOMICS),
	       CL_INVALID_VALUE);
	return CL_SUCCESS;
}

static cl_int check_alloc(cl_context ctx, cl_svm_mem_flags flags, size_t size,
			  cl_uint alignment)
{
	cl_int err;

	/* context must be a valid context. */
	REJECT(!hx_object_valid(ctx, HX_TYPE_CONTEXT), CL_INVALID_CONTEXT);
	err = check_flags(ctx, flags);
	if (err)
		return err;
	/* size is 0 or > CL_DEVICE_MAX_MEM_ALLOC_SIZE of a device. */
	REJECT(size == 0 || (cl_ulong)size > context_max_alloc(ctx),
	       CL_INVALID_BUFFER_SIZE);
	/* alignment is not a power of two or cannot be supported. */
	REJECT(alignment & (alignment - 1), CL_INVALID_VALUE);
	REJECT((size_t)alignment > HX_SVM_MAX_ALIGN, CL_INVALID_VALUE);
	return CL_SUCCESS;
}

void *hx_svm_alloc(cl_context ctx, cl_svm_mem_flags flags, size_t size,
		   cl_uint alignment, cl_int *err)
{
	struct hx_svm_alloc a;
	size_t align = alignment;

	*err = check_alloc(ctx, flags, size, alignment);
	if (*err)
		return NULL;
	if (align < HX_SVM_DEFAULT_ALIGN)
		align = HX_SVM_DEFAULT_ALIGN;
	*err = watch_context(ctx);
	if (*err)
		return NULL;
	a.base = hx_svm_backing_alloc(size, align, flags);
	if (!a.base) {
		*err = CL_OUT_OF_HOST_MEMORY;
		return NULL;
	}
	a.size = size;
	a.flags = flags;
	a.ctx = ctx;
	a.id = next_id++;
	*err = insert(&a);
	if (*err) {
		hx_svm_backing_free(a.base, size, flags);
		return NULL;
	}
	HX_DEBUG(HX_DBG_SVM, "svm", "alloc %p size %zu flags 0x%llx", a.base,
		 size, (unsigned long long)flags);
	return a.base;
}

int hx_svm_free(cl_context ctx, void *ptr)
{
	struct hx_svm_alloc a;
	ptrdiff_t i;

	if (!ptr)
		return 0;
	pthread_rwlock_wrlock(&table_lock);
	i = floor_locked(ptr);
	if (i < 0 || table[i].base != ptr || table[i].ctx != ctx) {
		pthread_rwlock_unlock(&table_lock);
		HX_DEBUG(HX_DBG_SVM, "svm", "free %p: not an allocation of %p",
			 ptr, (void *)ctx);
		return 0;
	}
	a = table[i];
	remove_locked((size_t)i);
	pthread_rwlock_unlock(&table_lock);
	HX_DEBUG(HX_DBG_SVM, "svm", "free %p size %zu", a.base, a.size);
	hx_svm_backing_free(a.base, a.size, a.flags);
	return 1;
}

cl_int hx_svm_resolve_range(cl_context ctx, const void *p, size_t size,
			    struct hx_svm_range *out)
{
	struct hx_svm_alloc a;

	if (!p)
		return CL_INVALID_VALUE;
	if (!hx_svm_find(ctx, p, &a)) {
		/* With fine-grain system SVM any host range is shared memory,
		 * but only an explicit size says how much of it. */
		if (!size || !(hx_svm_context_caps(ctx) &
			       CL_DEVICE_SVM_FINE_GRAIN_SYSTEM))
			return CL_INVALID_VALUE;
		out->base = (void *)p;
		out->size = size;
		out->alloc_id = 0;
		return CL_SUCCESS;
	}
	out->alloc_id = a.id;
	if (size == 0) {
		out->base = a.base;
		out->size = a.size;
		return CL_SUCCESS;
	}
	if (size > a.size - (size_t)((uintptr_t)p - (uintptr_t)a.base))
		return CL_INVALID_VALUE;
	out->base = (void *)p;
	out->size = size;
	return CL_SUCCESS;
}

cl_int hx_svm_check_kernel_arg(cl_context ctx, const void *ptr)
{
	if (!ptr)
		return CL_SUCCESS;
	if (hx_svm_context_caps(ctx) & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)
		return CL_SUCCESS;
	return hx_svm_find(ctx, ptr, NULL) ? CL_SUCCESS : CL_INVALID_ARG_VALUE;
}

/* ---- command bodies (run on an executor or waiting thread) ---- */

#ifdef HMMCL_HAVE_HX_SVM
#define BOUNCE ((size_t)1 << 20)

/* Device-resident pages are reached with device DMA, not CPU faults that
 * would drag them home; while none is anywhere, the CPU path is exact and
 * faster. */
static int device_path(void)
{
	return hx_svm_mgr_device_pages() > 0;
}

/* An SVM allocation, or host memory mirrored since it was migrated. */
static int mirrored(const void *p, size_t size)
{
	return hx_svm_find_range(NULL, p, size, NULL) ||
	       hx_svm_hostmir_covers(p, size);
}

/* Both ends mirrored: through a host bounce buffer, chunk by chunk. */
static int dma_copy(unsigned dev, void *dst, const void *src, size_t size)
{
	size_t off, n;
	void *b = malloc(size < BOUNCE ? size : BOUNCE);
	int err = b ? 0 : ENOMEM;

	for (off = 0; !err && off < size; off += n) {
		n = size - off < BOUNCE ? size - off : BOUNCE;
		err = hx_svm_mgr_read(dev, b, (const char *)src + off, n);
		if (!err)
			err = hx_svm_mgr_write(dev, (char *)dst + off, b, n);
	}
	free(b);
	return err;
}

cl_int hx_svm_copy(cl_command_queue q, void *dst, const void *src, size_t size)
{
	unsigned dev = q->dev->index;
	int sm, dm, err;

	if (!size || !device_path())
		goto cpu;
	sm = mirrored(src, size);
	dm = mirrored(dst, size);
	if (sm && dm)
		err = dma_copy(dev, dst, src, size);
	else if (sm)
		err = hx_svm_mgr_read(dev, dst, src, size);
	else if (dm)
		err = hx_svm_mgr_write(dev, dst, src, size);
	else
		goto cpu;
	if (err == ENXIO) /* no hmm device behind this queue's device */
		goto cpu;
	if (err)
		HX_DEBUG(HX_DBG_SVM, "svm", "device copy %p <- %p +%zu: %s",
			 dst, src, size, strerror(err));
	return err ? CL_OUT_OF_RESOURCES : CL_COMPLETE;
cpu:
	memcpy(dst, src, size);
	return CL_COMPLETE;
}

/* Fills [dst, dst + size) with device writes of one pattern-filled chunk
 * (a multiple of pattern_size, so every chunk starts on a pattern). */
static int dma_fill(unsigned dev, unsigned char *dst, const void *pattern,
		    size_t pattern_size, size_t size)
{
	size_t chunk = size < BOUNCE ? size : BOUNCE, off, n;
	unsigned char *b = malloc(chunk);
	int err = b ? 0 : ENOMEM;

	for (off = 0; b && off < chunk; off += pattern_size)
		memcpy(b + off, pattern, pattern_size);
	for (off = 0; !err && off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		err = hx_svm_mgr_write(dev, dst + off, b, n);
	}
	free(b);
	return err;
}
#else
cl_int hx_svm_copy(cl_command_queue q, void *dst, const void *src, size_t size)
{
	(void)q;
	memcpy(dst, src, size);
	return CL_COMPLETE;
}
#endif

static void cpu_fill(unsigned char *d, const void *pattern, size_t pattern_size,
		     size_t size)
{
	size_t done;

	/* Seed one pattern, then double the filled prefix: log2 memcpys. */
	memcpy(d, pattern, pattern_size);
	for (done = pattern_size; done < size;) {
		size_t n = done < size - done ? done : size - done;

		memcpy(d + done, d, n);
		done += n;
	}
}

cl_int hx_svm_fill(cl_command_queue q, void *dst, const void *pattern,
		   size_t pattern_size, size_t size)
{
	if (size == 0)
		return CL_COMPLETE;
#ifdef HMMCL_HAVE_HX_SVM
	if (device_path() && mirrored(dst, size)) {
		int err =
		    dma_fill(q->dev->index, dst, pattern, pattern_size, size);

		if (err != ENXIO) {
			if (err)
				HX_DEBUG(HX_DBG_SVM, "svm",
					 "device fill %p: %s", dst,
					 strerror(err));
			return err ? CL_OUT_OF_RESOURCES : CL_COMPLETE;
		}
	}
#endif
	(void)q;
	cpu_fill(dst, pattern, pattern_size, size);
	return CL_COMPLETE;
}

cl_int hx_svm_map(cl_command_queue q, void *ptr, size_t size,
		  cl_map_flags flags)
{
	/* The host already reaches every SVM byte in place: nothing to do
	 * beyond ordering, which the scheduler provides. */
	(void)q;
	(void)ptr;
	(void)size;
	(void)flags;
	return CL_COMPLETE;
}

cl_int hx_svm_unmap(cl_command_queue q, void *ptr)
{
	(void)q;
	(void)ptr;
	return CL_COMPLETE;
}

#ifdef HMMCL_HAVE_HX_SVM
/* The whole pages a range names: an SVM allocation owns whole pages, so
 * the pages it touches round outward; any other host range rounds inward
 * (neighbours' allocator metadata never moves). Returns 0 when there is
 * nothing to move: the range's allocation was freed since the enqueue
 * (the application freed it under a queued command), or a host range is
 * now (part of) an allocation.
 * table_lock held (read). */
static int page_span_locked(const struct hx_svm_range *r, size_t page,
			    int system_svm, uintptr_t *start, size_t *size)
{
	uintptr_t a = (uintptr_t)r->base, b = a + r->size;
	ptrdiff_t i = floor_locked(r->base);
	unsigned long s;

	if (r->alloc_id) {
		/* Freed since the enqueue, perhaps with its address reused by
		 * another allocation: the command has nothing left to move. */
		if (i < 0 || table[i].id != r->alloc_id)
			return 0;
		*start = a & ~(page - 1);
		*size = ((b + page - 1) & ~(page - 1)) - *start;
		return 1;
	}
	if (!system_svm || (i >= 0 && contains(&table[i], r->base)))
		return 0;
	hx_hmm_round_inward(r->base, r->size, page, &s, size);
	*start = s;
	return 1;
}

/* A plain host range going to a device is mirrored first (once); the
 * mirror covers the pages it touches, the migration moves the whole pages
 * inside it (size: 0 when there are none). */
static int mirror_host(const struct hx_svm_range *r, int dev, size_t size)
{
	int err;

	if (r->alloc_id || dev == HX_SVM_TO_SYSTEM || !size)
		return 0;
	err = hx_svm_hostmir_cover((uintptr_t)r->base, r->size);
	if (err)
		HX_DEBUG(HX_DBG_SVM, "svm", "mirror of host range %p +%zu: %s",
			 r->base, r->size, strerror(err));
	/* Unmirrored host memory stays where it is: ENXIO is a hint's
	 * "cannot move". */
	return err ? ENXIO : 0;
}

/* Migration is a placement hint: memory that cannot move (no device
 * memory behind this device, degraded backend, device memory full,
 * memory that is not anonymous) stays where it is, readable by all. */
static cl_int migrate_status(int err)
{
	switch (err) {
	case 0:
	case ENODEV:
	case EACCES:
	case ENOSPC:
	case ENXIO:
	case EOPNOTSUPP:
	case EBUSY:
		return CL_COMPLETE;
	default:
		return CL_OUT_OF_RESOURCES;
	}
}

cl_int hx_svm_migrate(cl_command_queue q, const struct hx_svm_range *r,
		      cl_uint n, cl_mem_migration_flags flags)
{
	struct hx_svm_mig_result res;
	size_t page = hx_svm_mgr_page_size(), size;
	int dev = (flags & CL_MIGRATE_MEM_OBJECT_HOST) ? HX_SVM_TO_SYSTEM
						       : (int)q->dev->index;
	int undef = !!(flags & CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED);
	int sys =
	    !!(hx_svm_context_caps(q->ctx) & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	uintptr_t start;
	cl_ulong t0;
	cl_uint i;
	int err;

	for (i = 0; i < n; i++) {
		t0 = HX_TRACE_ON() ? hx_now_ns() : 0;
		memset(&res, 0, sizeof(res));
		/* The table lock (read) keeps clSVMFree from unmapping the
		 * range while it moves. */
		pthread_rwlock_rdlock(&table_lock);
		err = page_span_locked(&r[i], page, sys, &start, &size)
			  ? mirror_host(&r[i], dev, size)
			  : ENOENT;
		if (!err)
			err = hx_svm_mgr_migrate(start, size, dev, undef, &res);
		pthread_rwlock_unlock(&table_lock);
		if (err == ENOENT) {
			HX_DEBUG(HX_DBG_SVM, "svm",
				 "migrate %p: freed meanwhile", r[i].base);
			continue;
		}
		HX_DEBUG(HX_DBG_SVM, "svm",
			 "migrate %#lx +%zu -> %d%s: %llu moved, %llu done: %s",
			 (unsigned long)start, size, dev,
			 undef ? " (undef)" : "",
			 (unsigned long long)res.pages_moved,
			 (unsigned long long)res.pages_done,
			 err ? strerror(err) : "ok");
		if (HX_TRACE_ON())
			hx_trace_migrate(q->dev->index, dev, start, size,
					 res.pages_moved * page, undef, t0);
		if (migrate_status(err) != CL_COMPLETE)
			return migrate_status(err);
	}
	return CL_COMPLETE;
}
#else
cl_int hx_svm_migrate(cl_command_queue q, const struct hx_svm_range *r,
		      cl_uint n, cl_mem_migration_flags flags)
{
	/* Without the SVM manager every range is already in host memory,
	 * where every device reaches it. */
	(void)q;
	(void)r;
	(void)n;
	(void)flags;
	return CL_COMPLETE;
}
#endif

void hx_svm_statistics(cl_device_id dev, struct cl_svm_statistics_hmm *out)
{
#ifdef HMMCL_HAVE_HX_SVM
	struct hx_svm_dev_stats s;

	hx_svm_mgr_stats(dev->index, &s);
	out->device_faults = s.device_faults;
	out->cpu_faults = s.cpu_faults;
	out->pages_to_device = s.pages_to_device;
	out->pages_to_host = s.pages_to_host;
	out->bytes_to_device = s.bytes_to_device;
	out->bytes_to_host = s.bytes_to_host;
	out->invalidations = s.invalidations;
#else
	(void)dev;
	memset(out, 0, sizeof(*out));
#endif
}

cl_int hx_svm_check_queue(cl_command_queue q)
{
	/* command_queue must be a valid host command-queue (hmmcl creates
	 * no device queues). */
	if (!hx_object_valid(q, HX_TYPE_QUEUE))
		return CL_INVALID_COMMAND_QUEUE;
	/* The queue's device must support SVM. */
	if (!q->dev->svm_caps)
		return CL_INVALID_OPERATION;
	return CL_SUCCESS;
}
