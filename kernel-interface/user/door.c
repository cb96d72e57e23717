/* The door: one set of calls for /dev/hmm (kernel module) and the
 * in-process user-space backend. User handles are tagged so that they can
 * never be mistaken for a file descriptor. */
#include "hmm_door.h"
#include "ub.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define USER_TAG 0x40000000

static int is_user(int h)
{
	return h >= USER_TAG && h < USER_TAG + UB_MAX_HANDLES;
}

int hx_hmm_debug_enabled(void)
{
	return hx_ub_debug();
}

static int open_kernel(void)
{
	int fd = open("/dev/hmm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		hx_ub_dbg("/dev/hmm: %s", strerror(errno));
		return -1;
	}
	if (fd >= USER_TAG) { /* never in practice: RLIMIT_NOFILE is lower */
		close(fd);
		errno = EMFILE;
		return -1;
	}
	hx_ub_dbg("using the kernel module (/dev/hmm)");
	return fd;
}

int hx_hmm_open(int backend)
{
	const char *env = getenv("HMMCL_BACKEND");
	int h;

	if (backend == HX_HMM_BACKEND_AUTO && env) {
		if (!strcmp(env, "kernel"))
			backend = HX_HMM_BACKEND_KERNEL;
		else if (!strcmp(env, "user"))
			backend = HX_HMM_BACKEND_USER;
	}
	if (backend < HX_HMM_BACKEND_AUTO || backend > HX_HMM_BACKEND_USER) {
		errno = EINVAL;
		return -1;
	}
	if (backend != HX_HMM_BACKEND_USER) {
		h = open_kernel();
		if (h >= 0 || backend == HX_HMM_BACKEND_KERNEL) {
			if (h < 0)
				errno = ENOENT;
			return h;
		}
		hx_ub_dbg("falling back to the user-space backend");
	}
	h = hx_ub_open();
	return h < 0 ? -1 : h + USER_TAG;
}

int hx_hmm_close(int h)
{
	if (is_user(h))
		return hx_ub_close(h - USER_TAG);
	return close(h);
}

int hx_hmm_ioctl(int h, unsigned long req, void *arg)
{
	if (is_user(h))
		return hx_ub_ioctl(h - USER_TAG, req, arg);
	return ioctl(h, req, arg);
}

void *hx_hmm_mmap(int h, size_t len, int prot, off_t off)
{
	if (is_user(h))
		return hx_ub_mmap(h - USER_TAG, len, off);
	return mmap(NULL, len, prot, MAP_SHARED, h, off);
}

int hx_hmm_munmap(int h, void *addr, size_t len)
{
	if (is_user(h))
		return 0; /* the aperture is the pool; it stays */
	return munmap(addr, len);
}

ssize_t hx_hmm_read(int h, void *buf, size_t len)
{
	if (is_user(h))
		return hx_ub_read(h - USER_TAG, buf, len);
	return read(h, buf, len);
}

int hx_hmm_event_fd(int h)
{
	if (is_user(h))
		return hx_ub_event_fd(h - USER_TAG);
	return h;
}

int hx_hmm_trust(int h)
{
	if (is_user(h))
		return hx_ub_trust(h - USER_TAG);
	return hx_hmm_backend_of(h) < 0 ? -1 : 0;
}

int hx_hmm_backend_of(int h)
{
	if (is_user(h))
		return HX_HMM_BACKEND_USER;
	if (h < 0 || fcntl(h, F_GETFD) < 0) {
		errno = EBADF;
		return -1;
	}
	return HX_HMM_BACKEND_KERNEL;
}

void *hx_hmm_arena_alloc(size_t size)
{
	void *p;

	hx_ub_lock();
	p = hx_ub_arena_alloc(size);
	hx_ub_unlock();
	if (!p)
		errno = ENOMEM;
	return p;
}

void hx_hmm_arena_free(void *p, size_t size)
{
	hx_ub_lock();
	hx_ub_arena_free(p, size);
	hx_ub_unlock();
}
