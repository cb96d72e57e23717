/* Mirrors of plain host memory (svm_hostmir.c), for fine-grain system
 * SVM: made when a host range is migrated. Thread-safe. */
#ifndef HMMCL_SVM_HOSTMIR_H
#define HMMCL_SVM_HOSTMIR_H

#include <stddef.h>
#include <stdint.h>

/* Mirrors, on every device, the whole pages [start, start + size)
 * touches that no host mirror covers yet. 0 or an errno (ENODEV: no
 * /dev/hmm; ENOMEM: the backend's mirrors are used up). */
int hx_svm_hostmir_cover(uintptr_t start, size_t size);
/* 1 when host mirrors cover all of [p, p + size). */
int hx_svm_hostmir_covers(const void *p, size_t size);
/* A new mapping at [start, start + size): host mirrors overlapping it
 * belong to a mapping that is gone; drops them. */
void hx_svm_hostmir_forget(uintptr_t start, size_t size);
/* Host mirrors in use. */
size_t hx_svm_hostmir_count(void);

#endif
