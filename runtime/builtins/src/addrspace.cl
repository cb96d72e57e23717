/* to_global/to_local/to_private/get_fence on generic pointers.
 *
 * clang lowers to_global(p) etc. to calls of __to_global(generic i8 *),
 * __to_local and __to_private, defined here under those names. A generic
 * pointer is classified at run time, on the address alone, with the exact
 * ranges the engine puts in the group (kernel_abi.h, ABI version 2):
 *   - __local: [local_mem, local_mem + local_mem_size), the group's
 *     static __local variables and __local arguments;
 *   - __private: [private_lo, private_hi), the memory that may hold the
 *     running work-item's private objects (its fiber stack, or the part of
 *     the worker thread's stack below the engine's frame);
 *   - __global: everything else, NULL excluded.
 * The two ranges never overlap (local memory is heap, private is stack).
 * get_fence answers CLK_LOCAL_MEM_FENCE for local pointers and
 * CLK_GLOBAL_MEM_FENCE for the others (private memory needs no fence; a
 * global fence is a valid value for it).
 */
#include "hx_lib.h"

#if defined(__opencl_c_generic_address_space)

/* Unsigned wrap-around: one compare per range. */
HX_INLINE int hx_is_local(ulong a)
{
	__private const hx_group_cl *g = hx_grp();
	return a - HX_RD(g->local_mem) < HX_RD(g->local_mem_size);
}

HX_INLINE int hx_is_private(ulong a)
{
	__private const hx_group_cl *g = hx_grp();
	ulong lo = HX_RD(g->private_lo);
	return a - lo < HX_RD(g->private_hi) - lo;
}

__global void *hx_to_global(__generic void *p) __asm__("__to_global");
__local void *hx_to_local(__generic void *p) __asm__("__to_local");
__private void *hx_to_private(__generic void *p) __asm__("__to_private");

__global void *hx_to_global(__generic void *p)
{
	ulong a = (ulong)p;
	if (p == 0 || hx_is_local(a) || hx_is_private(a))
		return 0;
	return (__global void *)a;
}

__local void *hx_to_local(__generic void *p)
{
	ulong a = (ulong)p;
	return p != 0 && hx_is_local(a) ? (__local void *)a : 0;
}

__private void *hx_to_private(__generic void *p)
{
	ulong a = (ulong)p;
	return p != 0 && hx_is_private(a) ? (__private void *)a : 0;
}

OVL cl_mem_fence_flags get_fence(__generic void *p)
{
	return hx_is_local((ulong)p) ? CLK_LOCAL_MEM_FENCE
				     : CLK_GLOBAL_MEM_FENCE;
}

OVL cl_mem_fence_flags get_fence(const __generic void *p)
{
	return hx_is_local((ulong)p) ? CLK_LOCAL_MEM_FENCE
				     : CLK_GLOBAL_MEM_FENCE;
}

#endif
