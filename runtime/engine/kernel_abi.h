/* The contract between the compiler and the engine: what a compiled
 * kernel looks like and how the engine calls it.
 *
 * The compiler (runtime/compiler) turns each OpenCL C kernel into one
 * native entry point of type hx_entry_fn. The engine (runtime/engine)
 * splits an NDRange into work-groups and calls that entry for each group
 * (or, for kernels with barriers, for each work-item on its own fiber).
 * Work-item state travels in these structs, never in thread-locals: TLS
 * inside ORC-JITed code aborts in LLVM 16.
 *
 * Changing this header changes both sides: bump HX_KERNEL_ABI_VERSION,
 * which is part of the kernel cache key.
 */
#ifndef HMMCL_KERNEL_ABI_H
#define HMMCL_KERNEL_ABI_H

#include <stdint.h>

#define HX_KERNEL_ABI_VERSION 2
#define HX_MAX_DIMS 3

/* The whole launch, shared by every group (read-only while it runs). */
typedef struct hx_ndrange {
	uint32_t work_dim;                 /* 1..3 */
	uint32_t reserved;
	uint64_t global_offset[HX_MAX_DIMS];
	uint64_t global_size[HX_MAX_DIMS]; /* 1 in unused dimensions */
	uint64_t local_size[HX_MAX_DIMS];  /* enqueued local size */
	uint64_t num_groups[HX_MAX_DIMS];  /* ceil(global / local) */
} hx_ndrange;

struct hx_group;

/* Services the engine (and later the SVM manager) offers to kernel code.
 * Called through pointers so JITed code needs no symbol resolution. */
typedef struct hx_rt {
	/* barrier()/work_group_barrier(): every work-item of the group
	 * reaches it before any leaves. flags: CLK_*_MEM_FENCE bits. */
	void (*barrier)(struct hx_group *g, uint32_t flags);
	/* printf(): returns 0 on success, -1 when the output is lost. */
	int (*printf)(struct hx_group *g, const char *fmt, ...);
	/* Mirrored variant only: translate a device address for an access of
	 * size bytes (access: 1 read, 2 write, 3 atomic). Returns the host
	 * address to use; a device fault does not return (the group aborts). */
	void *(*translate)(struct hx_group *g, uint64_t addr, uint64_t size,
			   uint32_t access);
} hx_rt;

/* One work-group, owned by the worker that runs it. */
typedef struct hx_group {
	const hx_ndrange *nd;
	const hx_rt *rt;
	uint64_t group_id[HX_MAX_DIMS];
	uint64_t local_size[HX_MAX_DIMS]; /* this group's size (last may be short) */
	/* Per-work-item mode only: the id of the item running on this fiber. */
	uint64_t local_id[HX_MAX_DIMS];
	/* __local memory of this group: static __local variables from
	 * offset 0 (hx_kernel_code.local_static bytes), then __local
	 * arguments at the offsets the runtime put in their argument slots. */
	char *local_mem;
	/* Scratch for work-group collectives: 16 bytes per work-item + 64. */
	char *wg_scratch;
	void *engine; /* engine's private per-worker state */
	/* Fields below: ABI version 2. */
	/* Bytes of __local memory of this group at local_mem (static
	 * __local variables + __local arguments); [local_mem,
	 * local_mem + local_mem_size) is exactly the group's __local space. */
	uint64_t local_mem_size;
	/* [private_lo, private_hi): the only memory that may hold the running
	 * work-item's __private objects (its frames, and in work-item loops
	 * the per-item context arrays, which are stack allocas): the fiber's
	 * stack in per-item mode; in loop mode the running thread's stack
	 * from its lowest address up to the engine's frame that calls entry
	 * (frames above it, e.g. an application's stack buffer used as SVM,
	 * are not private). */
	uint64_t private_lo;
	uint64_t private_hi;
} hx_group;

/* Arguments: args[i] points to the value of argument i, as laid out by the
 * host (a pointer argument: a pointer to the pointer value; a by-value
 * struct: a pointer to its bytes). For a __local pointer argument,
 * *(uint64_t *)args[i] is the byte offset of its region in local_mem. */
typedef void (*hx_entry_fn)(void *const *args, struct hx_group *g);

enum hx_code_flags {
	/* entry runs ONE work-item (g->local_id); the engine runs one fiber
	 * per work-item so that barrier() can switch between them. Without
	 * this flag, entry loops over every work-item of the group itself. */
	HX_CODE_PER_ITEM = 1u << 0,
	HX_CODE_USES_PRINTF = 1u << 1,
	HX_CODE_MIRRORED = 1u << 2, /* every global access via rt->translate */
};

typedef struct hx_kernel_code {
	hx_entry_fn entry;
	uint32_t flags;          /* enum hx_code_flags */
	uint32_t reserved;
	uint64_t local_static;   /* bytes of static __local variables */
	uint64_t private_size;   /* stack bytes one work-item needs (estimate) */
} hx_kernel_code;

#endif
