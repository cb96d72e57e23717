/* The CPU execution engine: the door the runtime core uses.
 *
 * One pool of worker threads (one per usable core, from hwloc, pinned)
 * runs NDRanges of compiled kernels (kernel_abi.h). hx_engine_run() is
 * synchronous: the calling thread runs work-groups too, so a small launch
 * never sleeps and wakes. Several threads may call hx_engine_run() on the
 * same engine at once; the workers share themselves between the running
 * launches and every launch always progresses on its own calling thread,
 * so a kernel that spins on a host flag cannot starve another launch.
 *
 * Status values are OpenCL error codes (0 = CL_SUCCESS); the reason for
 * a negative status is in hx_run_result.error.
 */
#ifndef HMMCL_ENGINE_H
#define HMMCL_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel_abi.h"

/* Device limits reported by clGetDeviceInfo. */
#define HX_MAX_WORK_GROUP_SIZE 1024
#define HX_DEVICE_LOCAL_MEM_SIZE (64u * 1024) /* CL_DEVICE_LOCAL_MEM_SIZE */
#define HX_PRINTF_BUFFER_SIZE (1024u * 1024)  /* CL_DEVICE_PRINTF_BUFFER_SIZE  \
					       */
#define HX_WG_SCRATCH_BYTES(items) (16u * (uint64_t)(items) + 64)

/* What hwloc tells about the machine (for CL_DEVICE_* queries). */
struct hx_topology {
	unsigned compute_units; /* cores with an allowed PU = engine threads */
	unsigned pus;		/* allowed PUs (hardware threads) */
	unsigned packages;
	unsigned numa_nodes;
	uint64_t l1d_size; /* bytes, 0 if unknown */
	uint64_t l2_size;
	uint64_t l3_size;
	unsigned cache_line; /* bytes */
	uint64_t memory;     /* total RAM bytes of the allowed NUMA nodes */
	char cpu_vendor[64]; /* "GenuineIntel", or "" */
	char cpu_model[128]; /* "Intel(R) Xeon(R) ...", or "" */
};

/* Fills *out (cached after the first call). Returns 0 or -1. */
int hx_topology_get(struct hx_topology *out);

/* Device MMU for the mirrored variant: translate returns the host address
 * for [addr, addr+size) or NULL for a device fault (the group aborts and
 * the launch reports it). worker is 0..hx_engine_threads()-1, a stable
 * index per thread usable for a per-worker TLB. */
struct hx_mmu {
	void *(*translate)(void *ctx, unsigned worker, uint64_t addr,
			   uint64_t size, uint32_t access);
	void *ctx;
};

enum hx_run_error {
	HX_RUN_OK = 0,
	HX_RUN_FAULT, /* SIGSEGV/SIGBUS or MMU fault in kernel code */
	HX_RUN_DIVERGENT_BARRIER, /* an item returned while others waited */
	HX_RUN_BAD_BARRIER,	  /* barrier() from a loop-mode kernel */
	HX_RUN_PRINTF_OVERFLOW,	  /* printf output lost */
	HX_RUN_LOCAL_MEM,	  /* __local bytes beyond the device limit */
	HX_RUN_WG_SIZE,		  /* work-group size beyond the maximum */
	HX_RUN_BAD_NDRANGE,	  /* work_dim, zero sizes, overflow */
	HX_RUN_NO_MEMORY,
};

struct hx_run_result {
	int status; /* 0 or a negative CL error code */
	enum hx_run_error error;
	uint64_t fault_addr;  /* HX_RUN_FAULT: faulting data address */
	int fault_signal;     /* SIGSEGV, SIGBUS, or 0 for an MMU fault */
	uint64_t printf_lost; /* printf calls whose output was lost */
	uint64_t groups_run;  /* work-groups that completed */
};

/* One NDRange launch. */
struct hx_launch {
	const hx_kernel_code *code;
	void *const *args;
	const hx_ndrange *nd;	  /* local_size/num_groups filled in */
	uint64_t local_bytes;	  /* all __local bytes per group: static +
				   * __local arguments */
	const struct hx_mmu *mmu; /* NULL: the engine's default MMU */
};

typedef struct hx_engine hx_engine;

/* nthreads 0: one per usable core (cores with a PU in the process's
 * cpuset; HMMCL_WORKERS overrides), counting the calling thread, i.e.
 * nthreads-1 pool threads are started, each pinned to one core. */
hx_engine *hx_engine_create(unsigned nthreads);
void hx_engine_destroy(hx_engine *e);
/* Threads that run groups of one launch (pool threads + the caller). */
unsigned hx_engine_threads(const hx_engine *e);
/* Default MMU for launches without one (NULL restores identity). */
void hx_engine_set_mmu(hx_engine *e, const struct hx_mmu *mmu);

/* Runs the launch to completion. Returns res->status. res may be NULL. */
int hx_engine_run(hx_engine *e, const struct hx_launch *l,
		  struct hx_run_result *res);

/* Fills nd->num_groups from global_size and local_size (local_size must
 * be set). Returns 0 or a negative CL error code. */
int hx_ndrange_finish(hx_ndrange *nd);

/* Chooses nd->local_size for a launch whose application passed NULL:
 * divisors of the global size, at most max_wg items (0: the device
 * maximum), a multiple of 8/16 in dimension 0 when possible, and enough
 * groups for nthreads. Also fills num_groups. */
void hx_engine_pick_local_size(hx_ndrange *nd, uint64_t max_wg,
			       unsigned nthreads);

const char *hx_run_error_name(enum hx_run_error err);

/* A hook the SVM backend may install (e.g. userfaultfd in SIGBUS mode):
 * the engine's SIGSEGV/SIGBUS handler calls it first, from the signal
 * handler, with the handler's arguments; returning nonzero means the
 * fault was resolved and the access is retried. NULL removes it. */
typedef int (*hx_fault_hook_fn)(int sig, void *siginfo, void *ucontext);
void hx_engine_set_fault_hook(hx_fault_hook_fn hook);

#endif
