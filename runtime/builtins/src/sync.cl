/* Barriers and fences. Every memory scope maps to the strongest LLVM
 * scope (system) on the CPU, which is also what
 * memory_scope_all_svm_devices needs. */
#include "hx_lib.h"

OVL void barrier(cl_mem_fence_flags flags)
{
	__hx_barrier(flags);
}

#if __OPENCL_C_VERSION__ >= 200
OVL void work_group_barrier(cl_mem_fence_flags flags)
{
	__hx_barrier(flags);
}

OVL void work_group_barrier(cl_mem_fence_flags flags, memory_scope scope)
{
	__hx_barrier(flags);
}

/* The order is a run-time value: branch to a constant-order fence. */
OVL void atomic_work_item_fence(cl_mem_fence_flags flags, memory_order order,
				memory_scope scope)
{
	if (flags == 0)
		return;
	switch (order) {
	case memory_order_relaxed:
		break;
	case memory_order_acquire:
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		break;
	case memory_order_release:
		__atomic_thread_fence(__ATOMIC_RELEASE);
		break;
	case memory_order_acq_rel:
		__atomic_thread_fence(__ATOMIC_ACQ_REL);
		break;
	default:
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		break;
	}
}
#endif

/* mem_fence orders loads and stores against each other, including a
 * store before a load: that needs a full fence on x86. */
OVL void mem_fence(cl_mem_fence_flags flags)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

OVL void read_mem_fence(cl_mem_fence_flags flags)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

OVL void write_mem_fence(cl_mem_fence_flags flags)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}
