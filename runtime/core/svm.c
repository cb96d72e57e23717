/* Host-side SVM: the allocation table, clSVMAlloc/clSVMFree semantics and
 * the bodies of the SVM commands. See svm.h for the rules. */
#include "svm.h"

#include "context.h"
#include "debug.h"
#include "event.h"
#include "platform.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct hx_svm_alloc *table; /* protected by table_lock; by base */
static size_t table_len;	   /* protected by table_lock */
static size_t table_cap;	   /* protected by table_lock */

/* ---- where the memory comes from (replaced by runtime/svm/) ---- */

void *hx_svm_backing_alloc(size_t size, size_t align, cl_svm_mem_flags flags)
{
	void *p = NULL;

	(void)flags; /* every kind is plain host memory in this version */
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
		return CL_SUCCESS;
	}
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

cl_int hx_svm_copy(void *dst, const void *src, size_t size)
{
	memcpy(dst, src, size);
	return CL_COMPLETE;
}

cl_int hx_svm_fill(void *dst, const void *pattern, size_t pattern_size,
		   size_t size)
{
	unsigned char *d = dst;
	size_t done;

	if (size == 0)
		return CL_COMPLETE;
	/* Seed one pattern, then double the filled prefix: log2 memcpys. */
	memcpy(d, pattern, pattern_size);
	for (done = pattern_size; done < size;) {
		size_t n = done < size - done ? done : size - done;

		memcpy(d + done, d, n);
		done += n;
	}
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

cl_int hx_svm_migrate(cl_command_queue q, const struct hx_svm_range *r,
		      cl_uint n, cl_mem_migration_flags flags)
{
	cl_uint i;

	/* Device memory is host memory in this version: the ranges are
	 * already where every device can reach them. */
	for (i = 0; i < n; i++)
		HX_DEBUG(HX_DBG_SVM, "svm",
			 "migrate %p +%zu flags 0x%llx dev %u", r[i].base,
			 r[i].size, (unsigned long long)flags, q->dev->index);
	return CL_COMPLETE;
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
