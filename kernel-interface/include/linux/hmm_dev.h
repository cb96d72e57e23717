/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/hmm: a process mirrors its address space into emulated devices and
 * migrates pages between system memory and device memory.
 *
 * Conventions (see docs/hmm-abi.md for the field-by-field description):
 * - every field is fixed width and every struct is padded explicitly to a
 *   multiple of 8 bytes; padding and reserved fields must be 0 on input
 *   (EINVAL otherwise) and are 0 on output;
 * - (in) fields are read by the driver, (out) fields written by it;
 *   (out) fields of MIGRATE, FAULT, READ and WRITE are written even when
 *   the call fails, so partial success is reported page-exactly;
 * - value 0 is reserved in every enum, so a zeroed struct is never valid;
 * - ioctl numbers are never reused: a changed struct gets a new number;
 * - addresses and sizes of page operations must be page aligned; byte
 *   operations (READ, WRITE) take any address and size;
 * - user pointers travel as __u64.
 *
 * Errors (negative in the kernel, -1 + errno through the user door):
 *   EINVAL      unaligned start/size, zero size, unknown flag or enum
 *               value, non-zero padding/reserved field, ioctl size that
 *               does not match the struct (truncated struct)
 *   EOVERFLOW   start + size wraps around
 *   E2BIG       size larger than HMM_DEV_MAX_RANGE
 *   ENODEV      device index >= ndevices (or a bit >= ndevices in a mask)
 *   ENOTTY      unknown ioctl
 *   EFAULT      the argument or a user array is not accessible, or the
 *               range is (partly) unmapped or PROT_NONE
 *   EPERM       write access (FAULT with WRITE, WRITE) to a read-only range
 *   ENXIO       the range is not (entirely) mirrored by that device
 *   EEXIST      REGISTER overlaps a range this device already mirrors
 *   ENOENT      UNREGISTER of a range that is not registered as such
 *   EOPNOTSUPP  MIGRATE of memory that cannot move: file-backed or shared
 *               mappings, initialised globals (.data), hugetlbfs
 *   EACCES      MIGRATE to a private-kind device while migration is
 *               unavailable (degraded mode, see info.degraded_reason)
 *   EBUSY       MIGRATE of memory the runtime itself owns (arena)
 *   ENOSPC      device memory is full (pages migrated so far stay moved)
 *   ENOMEM      the driver could not allocate its own bookkeeping
 *   EAGAIN      read(): no event pending
 */
#ifndef _UAPI_LINUX_HMM_DEV_H
#define _UAPI_LINUX_HMM_DEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define HMM_DEV_ABI_VERSION 1
#define HMM_DEV_MAX_DEVICES 8
/* Largest range one call accepts: the x86-64 user address space. */
#define HMM_DEV_MAX_RANGE (1ULL << 47)
/* Special location values for MIGRATE target and PREFERRED_LOCATION. */
#define HMM_DEV_LOC_SYSTEM 0xfffffffeU
#define HMM_DEV_LOC_NONE 0xffffffffU
/* Event device field when an event concerns every device. */
#define HMM_DEV_ALL_DEVICES 0xffffffffU

/* enum hmm_dev_backend: who implements the ABI. */
#define HMM_DEV_BACKEND_KERNEL 1 /* the kernel module behind /dev/hmm */
#define HMM_DEV_BACKEND_USER 2	 /* the in-process userfaultfd backend */

/* enum hmm_dev_mem_kind: what the CPU can do with device memory. */
#define HMM_DEV_MEM_PRIVATE 1  /* CPU access faults and migrates back */
#define HMM_DEV_MEM_COHERENT 2 /* CPU reaches it in place, no fault */

/* enum hmm_dev_degraded: why migration to private devices is off. */
#define HMM_DEV_DEGRADED_NONE 1	    /* not degraded */
#define HMM_DEV_DEGRADED_DISABLED 2 /* disabled by configuration (env) */
#define HMM_DEV_DEGRADED_NO_UFFD 3  /* userfaultfd unavailable: errno */
#define HMM_DEV_DEGRADED_UFFD_API 4 /* UFFDIO_API lacks a needed feature */
#define HMM_DEV_DEGRADED_FORKED 5   /* a child could not restart the backend */

/*
 * info.features:
 * MIGRATE_ANON        private anonymous memory migrates
 * MIGRATE_MOVE        pages move without copying
 * KERNEL_ACCESS       a kernel-mode access (read(2) into a migrated page) is
 *                     resolved; without it, it fails with EFAULT
 * MIGRATE_FILE        file-backed memory and .data migrate
 * EVENTS_ANON         invalidation events for anonymous mirrors
 * EVENTS_FILE         invalidation events for file-backed mirrors
 * FORK_MIGRATES_BACK  fork() first migrates every private device page back
 * MIGRATE_THP         transparent huge pages migrate
 */
#define HMM_DEV_FEATURE_MIGRATE_ANON (1ULL << 0)
#define HMM_DEV_FEATURE_MIGRATE_MOVE (1ULL << 1)
#define HMM_DEV_FEATURE_KERNEL_ACCESS (1ULL << 2)
#define HMM_DEV_FEATURE_MIGRATE_FILE (1ULL << 3)
#define HMM_DEV_FEATURE_EVENTS_ANON (1ULL << 4)
#define HMM_DEV_FEATURE_EVENTS_FILE (1ULL << 5)
#define HMM_DEV_FEATURE_FORK_MIGRATES_BACK (1ULL << 6)
#define HMM_DEV_FEATURE_MIGRATE_THP (1ULL << 7)
#define HMM_DEV_FEATURE_APERTURE_HOLD (1ULL << 8) /* HMM_DEV_IOC_APERTURE */

struct hmm_dev_device_info {
	__u64 mem_size; /* (out) bytes of device memory */
	__u64 mem_free; /* (out) bytes of device memory not in use */
	__u32 kind;	/* (out) HMM_DEV_MEM_* */
	__u32 flags;	/* (out) reserved, 0 */
};

/* HMM_DEV_IOC_INFO */
struct hmm_dev_info {
	__u32 abi_version;	  /* (out) HMM_DEV_ABI_VERSION */
	__u32 backend;		  /* (out) HMM_DEV_BACKEND_* */
	__u32 page_size;	  /* (out) bytes */
	__u32 ndevices;		  /* (out) devices 0 .. ndevices-1 */
	__u64 features;		  /* (out) HMM_DEV_FEATURE_* */
	__u32 degraded_reason;	  /* (out) HMM_DEV_DEGRADED_* */
	__s32 degraded_errno;	  /* (out) errno behind NO_UFFD, else 0 */
	__u32 fault_around_pages; /* (out) pages a CPU fault brings back */
	__u32 pad;		  /* (out) 0 */
	struct hmm_dev_device_info devices[HMM_DEV_MAX_DEVICES]; /* (out) */
};

/* HMM_DEV_IOC_REGISTER / HMM_DEV_IOC_UNREGISTER: the device may access
 * [start, start + size) only while it mirrors it. */
struct hmm_dev_range {
	__u64 start;  /* (in) page aligned */
	__u64 size;   /* (in) page multiple, > 0 */
	__u32 device; /* (in) device index */
	__u32 flags;  /* (in) 0 */
};

/*
 * Per-page state word used by FAULT, SNAPSHOT and MIGRATE:
 * bits 0..7 HMM_DEV_PAGE_* state, bits 8..15 HMM_DEV_PAGE_F_* flags,
 * bits 16..23 device index (state DEVICE), bits 32..63 the page's index in
 * that device's aperture (private devices; HMM_DEV_PAGE_NO_APERTURE for
 * coherent ones) or, in state ERROR, the positive errno.
 */
#define HMM_DEV_PAGE_NOT_PRESENT 1 /* no page: a CPU touch allocates one */
#define HMM_DEV_PAGE_SYSTEM 2	   /* in system memory */
#define HMM_DEV_PAGE_DEVICE 3 /* in device memory of device (bits 16..23) */
#define HMM_DEV_PAGE_ERROR 4  /* not accessible: errno in bits 32..63 */
#define HMM_DEV_PAGE_F_READ (1U << 8)	   /* readable */
#define HMM_DEV_PAGE_F_WRITE (1U << 9)	   /* writable */
#define HMM_DEV_PAGE_F_COHERENT (1U << 10) /* device page the CPU maps */
#define HMM_DEV_PAGE_NO_APERTURE 0xffffffffU
#define HMM_DEV_PAGE_STATE(w) ((__u32)(w)&0xffU)
#define HMM_DEV_PAGE_DEV(w) (((__u32)(w) >> 16) & 0xffU)
#define HMM_DEV_PAGE_APERTURE(w) ((__u32)((__u64)(w) >> 32))
#define HMM_DEV_PAGE_ERRNO(w) ((__s32)((__u64)(w) >> 32))

/* HMM_DEV_IOC_FAULT: make a mirrored range accessible to the device (the
 * device page-table miss path): system pages are populated (with write
 * intent: writable), pages on another private device come back to system
 * memory, pages on this device stay. */
#define HMM_DEV_FAULT_WRITE (1U << 0)
struct hmm_dev_fault {
	__u64 start;	   /* (in) page aligned */
	__u64 size;	   /* (in) page multiple, > 0 */
	__u64 states;	   /* (in) user pointer to size/page_size __u64 state
			      words, written (out); 0 = not wanted */
	__u32 device;	   /* (in) faulting device */
	__u32 flags;	   /* (in) HMM_DEV_FAULT_* */
	__u64 npages_done; /* (out) leading pages made accessible */
};

/* HMM_DEV_IOC_SNAPSHOT: per-page state, never faulting anything in. */
struct hmm_dev_snapshot {
	__u64 start;  /* (in) page aligned */
	__u64 size;   /* (in) page multiple, > 0 */
	__u64 states; /* (in) user pointer to size/page_size __u64 (out) */
	__u32 device; /* (in) device whose mirror is asked */
	__u32 flags;  /* (in) 0 */
};

/* HMM_DEV_IOC_MIGRATE */
#define HMM_DEV_MIGRATE_CONTENT_UNDEFINED (1U << 0) /* drop, do not copy */
struct hmm_dev_migrate {
	__u64 start;	    /* (in) page aligned */
	__u64 size;	    /* (in) page multiple, > 0 */
	__u64 states;	    /* (in) user pointer to size/page_size __u64 state
			       words after the call (out); 0 = not wanted */
	__u32 target;	    /* (in) device index or HMM_DEV_LOC_SYSTEM */
	__u32 flags;	    /* (in) HMM_DEV_MIGRATE_* */
	__u64 npages_moved; /* (out) pages whose residency changed */
	__u64 npages_done;  /* (out) leading pages now at the target */
	__u64 fail_addr;    /* (out) first page that failed, 0 if none */
};

/* HMM_DEV_IOC_READ / HMM_DEV_IOC_WRITE: device DMA through the mirror. */
struct hmm_dev_rw {
	__u64 addr;   /* (in) any address inside a mirror of device */
	__u64 size;   /* (in) bytes, > 0 */
	__u64 buf;    /* (in) user buffer (source of WRITE, target of READ) */
	__u32 device; /* (in) device index */
	__u32 flags;  /* (in) 0 */
	__u64 bytes_done; /* (out) leading bytes transferred */
};

/* enum hmm_dev_attr_type (AMD KFD SVM attributes, CUDA memory advice). */
#define HMM_DEV_ATTR_PREFERRED_LOC 1 /* value: device, LOC_SYSTEM, LOC_NONE */
#define HMM_DEV_ATTR_ACCESSED_BY 2   /* value: bit mask of devices */
#define HMM_DEV_ATTR_READ_MOSTLY 3   /* value: 0 or 1 */
#define HMM_DEV_ATTR_GRANULARITY                                               \
	4 /* value: log2 bytes migrated per CPU                                \
	     fault, 12..21; 0 = backend default */
/* GET over a range whose pages disagree. */
#define HMM_DEV_ATTR_MIXED (~0ULL)

struct hmm_dev_attr {
	__u32 type;  /* (in) HMM_DEV_ATTR_* */
	__u32 pad;   /* (in) 0 */
	__u64 value; /* (in) SET / (out) GET */
};

#define HMM_DEV_ATTRS_MAX 16
/* HMM_DEV_IOC_SET_ATTR / HMM_DEV_IOC_GET_ATTR */
struct hmm_dev_attrs {
	__u64 start;  /* (in) page aligned */
	__u64 size;   /* (in) page multiple, > 0 */
	__u64 attrs;  /* (in) user pointer to nattrs struct hmm_dev_attr */
	__u32 nattrs; /* (in) 1..HMM_DEV_ATTRS_MAX */
	__u32 flags;  /* (in) 0 */
};

/* HMM_DEV_IOC_STATS: cumulative per device since the backend started. */
#define HMM_DEV_STATS_RESET (1U << 0) /* zero the counters after reading */
struct hmm_dev_stats {
	__u32 device;	     /* (in) device index */
	__u32 flags;	     /* (in) HMM_DEV_STATS_* */
	__u64 device_faults; /* (out) FAULT calls served (page-table misses) */
	__u64 device_fault_pages; /* (out) pages those calls covered */
	__u64 cpu_faults;      /* (out) CPU faults that migrated pages back */
	__u64 pages_to_device; /* (out) pages that arrived on the device */
	__u64 pages_to_system; /* (out) pages that left the device */
	__u64 bytes_to_device; /* (out) bytes copied or moved to it */
	__u64 bytes_to_system; /* (out) bytes copied or moved from it */
	__u64 invalidations;   /* (out) mirrored pages invalidated by events */
	__u64 copy_fallback_pages; /* (out) pages copied where a zero-copy
				      move was refused (user backend) */
	__u64 aperture_faults;	   /* (out) stale aperture accesses that brought
				      a held page back to its slot */
	__u64 reserved[6];	   /* (out) 0 */
};

/* HMM_DEV_IOC_APERTURE: revocation of aperture translations. While a
 * device holds, a slot its page left (CPU fault, migration, another
 * device) stays reserved for that page, and an access through the
 * aperture to it brings the page back into that slot: a cached aperture
 * address never reads an empty slot nor loses a write, and is never
 * reused for another page until RELEASE. */
/* HOLD: start holding vacated slots. RELEASE: free held slots (no cached
 * aperture address of them remains). UNHOLD: RELEASE, then stop. */
#define HMM_DEV_APERTURE_HOLD 1
#define HMM_DEV_APERTURE_RELEASE 2
#define HMM_DEV_APERTURE_UNHOLD 3
struct hmm_dev_aperture {
	__u32 device; /* (in) device index (private kind) */
	__u32 op;     /* (in) HMM_DEV_APERTURE_* */
	__u64 nheld;  /* (out) slots held after the call */
	__u64 nfreed; /* (out) slots this call freed */
	__u64 flags;  /* (in) 0 */
};

/* read(2) returns whole events; EAGAIN when none is pending. */
#define HMM_DEV_EVENT_UNMAP 1  /* munmap (or mmap over) the range */
#define HMM_DEV_EVENT_REMOVE 2 /* madvise DONTNEED/FREE/REMOVE */
#define HMM_DEV_EVENT_REMAP 3  /* mremap: start -> new_start */
#define HMM_DEV_EVENT_MIGRATED                                                 \
	4			 /* device pages went back to system memory    \
				    because the CPU touched them or fork() */
#define HMM_DEV_EVENT_FORK 5	 /* fork(): device pages were brought back */
#define HMM_DEV_EVENT_OVERFLOW 6 /* events were lost: drop every entry */
struct hmm_dev_event {
	__u32 type;	 /* (out) HMM_DEV_EVENT_* */
	__u32 device;	 /* (out) device concerned or HMM_DEV_ALL_DEVICES */
	__u64 start;	 /* (out) first byte of the range */
	__u64 size;	 /* (out) bytes */
	__u64 new_start; /* (out) REMAP: new address, else 0 */
	__u64 seq;	 /* (out) per-open-file sequence number, from 1 */
};

/* mmap offset of device d's aperture: its pages at page index * page size. */
#define HMM_DEV_APERTURE_SHIFT 40
#define HMM_DEV_APERTURE_OFFSET(d) ((__u64)(d) << HMM_DEV_APERTURE_SHIFT)

#define HMM_DEV_IOC_MAGIC 0xB6
#define HMM_DEV_IOC_INFO _IOR(HMM_DEV_IOC_MAGIC, 0x00, struct hmm_dev_info)
#define HMM_DEV_IOC_REGISTER _IOW(HMM_DEV_IOC_MAGIC, 0x01, struct hmm_dev_range)
#define HMM_DEV_IOC_UNREGISTER                                                 \
	_IOW(HMM_DEV_IOC_MAGIC, 0x02, struct hmm_dev_range)
#define HMM_DEV_IOC_FAULT _IOWR(HMM_DEV_IOC_MAGIC, 0x03, struct hmm_dev_fault)
#define HMM_DEV_IOC_SNAPSHOT                                                   \
	_IOW(HMM_DEV_IOC_MAGIC, 0x04, struct hmm_dev_snapshot)
#define HMM_DEV_IOC_MIGRATE                                                    \
	_IOWR(HMM_DEV_IOC_MAGIC, 0x05, struct hmm_dev_migrate)
#define HMM_DEV_IOC_READ _IOWR(HMM_DEV_IOC_MAGIC, 0x06, struct hmm_dev_rw)
#define HMM_DEV_IOC_WRITE _IOWR(HMM_DEV_IOC_MAGIC, 0x07, struct hmm_dev_rw)
#define HMM_DEV_IOC_SET_ATTR _IOW(HMM_DEV_IOC_MAGIC, 0x08, struct hmm_dev_attrs)
#define HMM_DEV_IOC_GET_ATTR                                                   \
	_IOWR(HMM_DEV_IOC_MAGIC, 0x09, struct hmm_dev_attrs)
#define HMM_DEV_IOC_STATS _IOWR(HMM_DEV_IOC_MAGIC, 0x0a, struct hmm_dev_stats)
#define HMM_DEV_IOC_APERTURE                                                   \
	_IOWR(HMM_DEV_IOC_MAGIC, 0x0b, struct hmm_dev_aperture)

#endif /* _UAPI_LINUX_HMM_DEV_H */
