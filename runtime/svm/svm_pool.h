/* The SVM manager's mirrored pool (svm_pool.c): page runs from chunks
 * that every device mirrors once. Thread-safe (pool_lock). */
#ifndef HMMCL_SVM_POOL_H
#define HMMCL_SVM_POOL_H

#include <stddef.h>
#include <stdlib.h>

/* Largest allocation and alignment the pool serves; larger ones get their
 * own mapping and mirror. */
#define HX_SVM_POOL_MAX ((size_t)4 << 20)
#define HX_SVM_POOL_ALIGN ((size_t)2 << 20)

struct hx_svm_pool_ops {
	size_t page;
	/* An anonymous read-write mapping of size bytes aligned to align. */
	void *(*map)(size_t size, size_t align);
	/* Mirrors [p, p + size) on every device. */
	void (*mirror)(void *p, size_t size);
};

/* size: a page multiple <= HX_SVM_POOL_MAX; align: a page multiple <=
 * HX_SVM_POOL_ALIGN. Zeroed pages, or NULL. */
void *hx_svm_pool_alloc(size_t size, size_t align,
			const struct hx_svm_pool_ops *ops);
int hx_svm_pool_owns(const void *p);
/* Returns the run of an allocation (size as allocated) to the pool. */
void hx_svm_pool_free(void *p, size_t size, size_t page);

#endif
