/* Engine internals shared by the files of runtime/engine/ only.
 *
 * Lock order: hx_engine.lock is the only lock; kernel code never runs
 * with it held.
 */
#ifndef HMMCL_ENGINE_INTERNAL_H
#define HMMCL_ENGINE_INTERNAL_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "engine.h"

#if defined(__SANITIZE_ADDRESS__)
#define HX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HX_ASAN 1
#endif
#endif

#define HX_MAX_JOBS 64 /* launches running at once on one engine */
#define HX_MAX_THREAD_INDEX 256
#define HX_JOB_WAITING 0x80000000u
/* A launch's groups are split into one range per thread of the engine (at
 * most this many): a thread takes chunks from the range of the CPU it
 * runs on first, so launch after launch each core touches the same part
 * of the data, which is still in its caches (each core of a VM may have
 * its own L3); then it helps with the others'. */
#define HX_MAX_PARTS 16

struct hx_part {
	_Atomic uint64_t next; /* next linear group index to hand out */
	uint64_t end;	       /* end of this range */
} __attribute__((aligned(64)));

/* One launch in flight. Lives on the stack of the thread that called
 * hx_engine_run(); workers reach it only while it is in hx_engine.jobs
 * or while they hold a count in 'active'. */
struct hx_job {
	hx_entry_fn entry;
	uint32_t flags;
	void *const *args;
	const hx_ndrange *nd; /* = &ndc */
	hx_ndrange ndc;	      /* the launch's NDRange, num_groups filled */
	uint64_t local_bytes;
	uint64_t items_max;  /* items of a full group */
	uint64_t stack_size; /* per-item mode: bytes per fiber stack */
	struct hx_mmu mmu;
	uint64_t ngroups;
	uint64_t chunk; /* groups taken per atomic increment */
	unsigned nparts;
	struct hx_part part[HX_MAX_PARTS];
	/* Pool threads inside this job, | HX_JOB_WAITING while the caller
	 * sleeps on it (futex word). */
	_Atomic uint32_t active;
	_Atomic uint64_t groups_done;
	_Atomic int error;   /* first enum hx_run_error, 0 while fine */
	uint64_t fault_addr; /* written by the thread that set error */
	int fault_signal;
	/* printf buffer of this launch: output is written at the end. */
	char *_Atomic pf_buf;
	_Atomic uint64_t pf_used;
	_Atomic uint64_t pf_hole; /* offset of the first lost call */
	_Atomic uint64_t pf_lost;
};

/* No more groups are handed out (the launch failed). */
void hx_job_stop(struct hx_job *j);

struct hx_fiber {
	void *sp;	/* saved stack pointer while switched out */
	uint64_t stack; /* index of the stack it runs on */
};

/* Per-thread state: pool threads and every thread that calls
 * hx_engine_run() own one (kept in a thread-local pointer). */
struct hx_worker {
	unsigned index;	    /* unique per live thread, < HX_MAX_THREAD_INDEX */
	struct hx_job *job; /* job whose group runs now */
	char *pf_buf;	    /* printf buffer reused by this thread's launches */
	volatile sig_atomic_t in_kernel;
	sigjmp_buf abort_jb; /* a faulting group jumps back here */
	uint64_t fault_addr; /* set before jumping to abort_jb */
	enum hx_run_error abort_error;
	int fault_signal;
	volatile int on_fiber; /* the fault happened on a fiber stack */
	hx_group g;	       /* loop-mode group */
	char *local_mem;
	uint64_t local_cap;
	char *scratch;
	uint64_t scratch_cap;
	/* Fibers of the current per-item group. */
	struct hx_fiber *fibers;
	uint64_t fiber_cap;
	char *stacks; /* one mapping: [guard|stack] x fiber_cap */
	uint64_t stacks_len;
	uint64_t stack_size; /* of each stack, guard page excluded */
	void *main_sp;
	uint64_t nfib, cur, arrived, returned;
	uint64_t started; /* items 0..started-1 have begun */
	uint64_t stacks_used;
	uint64_t next_lid[HX_MAX_DIMS]; /* local id of the next item to start */
	const hx_group *fiber_g0;
	void (*fiber_entry)(void *);
	int fiber_error;
	int stacks_dirty; /* fibers were abandoned (ASan shadow stale) */
	void *alt_stack;
	/* This thread's stack, [stack_lo, stack_hi), read once when the
	 * state is created (both 0 if unknown). */
	uintptr_t stack_lo, stack_hi;
#ifdef HX_ASAN
	const void *main_bottom;
	size_t main_size;
#endif
};

/* Loop-mode groups run on a stack that is not the thread's own (the
 * application switched stacks): their private range is at most this many
 * bytes below the engine's frame. */
#define HX_FOREIGN_STACK_BYTES (1ull << 20)

/* worker.c */
struct hx_worker *hx_worker_self(void);
struct hx_worker *hx_worker_current(void);
struct hx_worker *hx_worker_new(void);
void hx_worker_free(struct hx_worker *w);
void hx_worker_set_current(struct hx_worker *w);
int hx_worker_reserve(struct hx_worker *w, const struct hx_job *j);

/* group.c */
void hx_run_chunk(struct hx_worker *w, struct hx_job *j, uint64_t first,
		  uint64_t count);
void hx_job_fail(struct hx_job *j, enum hx_run_error err);
extern const hx_rt hx_rt_engine;

/* fiber.c */
void hx_fibers_run(struct hx_worker *w, struct hx_job *j, const hx_group *g0);
void hx_rt_barrier(hx_group *g, uint32_t flags);
void hx_fiber_switch(void **save_sp, void *new_sp);
void hx_fiber_start(void **save_sp, void *stack_top, void (*fn)(void *),
		    void *arg);

/* fault.c */
void hx_fault_install(void);
int hx_altstack_ensure(struct hx_worker *w);
__attribute__((noreturn)) void hx_group_abort(struct hx_worker *w);

/* trace.c: HMMCL_DEBUG=engine */
extern int hx_trace_on;
void hx_trace_init(void);
void hx_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define HX_TRACE(...)                                                          \
	do {                                                                   \
		if (__builtin_expect(hx_trace_on, 0))                          \
			hx_trace(__VA_ARGS__);                                 \
	} while (0)

/* printf.c */
int hx_rt_printf(hx_group *g, const char *fmt, ...);
int hx_printf_begin(struct hx_worker *w, struct hx_job *j);
void hx_printf_end(struct hx_worker *w, struct hx_job *j);

#endif
