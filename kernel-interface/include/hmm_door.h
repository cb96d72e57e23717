/* The one door to /dev/hmm for the runtime and the tests.
 *
 * The same calls reach either the kernel module (open("/dev/hmm") and real
 * ioctl/mmap/read) or the in-process user-space backend (userfaultfd), so
 * callers never care which one serves them. Everything returns like the
 * system call it stands for: -1 (or MAP_FAILED) with errno set.
 *
 * Backend choice for HX_HMM_BACKEND_AUTO: HMMCL_BACKEND=kernel|user forces
 * one; otherwise the kernel module when /dev/hmm opens, else user space.
 * HMMCL_DEBUG=hmm (or all) prints the backend's decisions to stderr.
 */
#ifndef HMM_DOOR_H
#define HMM_DOOR_H

#include <stddef.h>
#include <sys/types.h>

#include "linux/hmm_dev.h"

enum hx_hmm_backend {
	HX_HMM_BACKEND_AUTO = 0,
	HX_HMM_BACKEND_KERNEL = 1,
	HX_HMM_BACKEND_USER = 2,
};

/* Returns a handle >= 0; errno ENOENT when a forced kernel backend is
 * absent, or what the backend's initialisation failed with. */
int hx_hmm_open(int backend);
int hx_hmm_close(int h);
int hx_hmm_ioctl(int h, unsigned long req, void *arg);
/* Maps device d's aperture: off = HMM_DEV_APERTURE_OFFSET(d) + bytes. */
void *hx_hmm_mmap(int h, size_t len, int prot, off_t off);
int hx_hmm_munmap(int h, void *addr, size_t len);
/* Reads whole struct hmm_dev_event records; never blocks (EAGAIN). */
ssize_t hx_hmm_read(int h, void *buf, size_t len);
/* A file descriptor that polls readable while events are pending. */
int hx_hmm_event_fd(int h);
/* HX_HMM_BACKEND_KERNEL or _USER, -1 + EBADF for a bad handle. */
int hx_hmm_backend_of(int h);
/* Marks h as the runtime's own handle, whose ioctl arguments are always
 * its live memory: the user backend then copies them with memcpy instead
 * of probing them for EFAULT with two syscalls per call (the kernel
 * module copies with copy_{from,to}_user either way). 0, or -1 + EBADF. */
int hx_hmm_trust(int h);

/*
 * Runtime memory that migration refuses (EBUSY): objects, worker stacks,
 * buffers the runtime must reach while it serves faults. Page-granular
 * anonymous mappings, zeroed; never migrated, never inherited by fork().
 */
void *hx_hmm_arena_alloc(size_t size);
void hx_hmm_arena_free(void *p, size_t size);

/* Whole pages inside [p, p + n): a malloc range rounded inward, so that
 * neighbours' allocator metadata never moves. *size is 0 when none. */
static inline void hx_hmm_round_inward(const void *p, size_t n, size_t page,
				       unsigned long *start, size_t *size)
{
	unsigned long a = ((unsigned long)p + page - 1) & ~(page - 1);
	unsigned long b = ((unsigned long)p + n) & ~(page - 1);

	*start = a;
	*size = b > a ? b - a : 0;
}

/* True when HMMCL_DEBUG names "hmm" or "all". */
int hx_hmm_debug_enabled(void);

#endif
