/* Device DMA through the mirror (HMM_DEV_IOC_READ / WRITE). */
#include "svm_mgr.h"

#include "hmm_door.h"

#include <errno.h>
#include <string.h>

static int rw(unsigned long req, unsigned dev, void *addr, void *buf, size_t n)
{
	struct hmm_dev_rw r;
	int h;

	if (n == 0)
		return 0;
	if (dev >= hx_svm_mgr_ndevices())
		return ENXIO;
	h = hx_svm_mgr_handle();
	memset(&r, 0, sizeof(r));
	r.addr = (uintptr_t)addr;
	r.size = n;
	r.buf = (uintptr_t)buf;
	r.device = dev;
	if (hx_hmm_ioctl(h, req, &r) < 0)
		return errno;
	return r.bytes_done == n ? 0 : EIO;
}

int hx_svm_mgr_read(unsigned dev, void *buf, const void *addr, size_t n)
{
	return rw(HMM_DEV_IOC_READ, dev, (void *)addr, buf, n);
}

int hx_svm_mgr_write(unsigned dev, void *addr, const void *buf, size_t n)
{
	return rw(HMM_DEV_IOC_WRITE, dev, addr, (void *)buf, n);
}
