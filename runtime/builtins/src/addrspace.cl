/* to_global/to_local/to_private/get_fence on generic pointers.
 *
 * clang lowers to_global(p) etc. to calls of __to_global(generic i8 *),
 * __to_local and __to_private, defined here under those names. A generic
 * pointer is classified at run time, on the address alone:
 *   - __local: inside the group's local memory, which starts at
 *     g->local_mem. Its size is not in the ABI. The engine allocates at
 *     least one page there (HX_LOCAL_MIN), so that much is always local
 *     and never anything else. When the collective scratch directly
 *     follows the local block (its distance is a multiple of the page
 *     plus allocator padding, below the device's local memory size), the
 *     scratch start bounds the local memory exactly.
 *   - __private: on the running work-item's stack, i.e. within
 *     HX_PRIVATE_WINDOW bytes above the current stack pointer (the
 *     caller's frames hold the work-item's private variables; a private
 *     pointer can only reach the current item's own stack).
 *   - __global: everything else.
 * The ABI carries neither the local size nor the stack bounds, so both
 * ends are bounds, not exact: see docs/builtins.md (known gaps).
 */
#include "hx_lib.h"

#if defined(__opencl_c_generic_address_space)

#define HX_PRIVATE_WINDOW (64ul * 1024)
#define HX_LOCAL_MAX (64ul * 1024) /* CL_DEVICE_LOCAL_MEM_SIZE */
#define HX_LOCAL_MIN 4096ul
#define HX_ALLOC_PAD 256ul
#define HX_RED_ZONE 128ul

HX_INLINE int hx_is_local(ulong a)
{
	__private const hx_group_cl *g = hx_grp();
	ulong lo = HX_RD(g->local_mem), hi = lo + HX_LOCAL_MIN;
	ulong d = HX_RD(g->wg_scratch) - lo;
	if (HX_RD(g->wg_scratch) > lo && d <= HX_LOCAL_MAX + HX_ALLOC_PAD &&
	    (d & (HX_LOCAL_MIN - 1)) < HX_ALLOC_PAD)
		hi = lo + d;
	return a >= lo && a < hi;
}

HX_INLINE int hx_is_private(ulong a)
{
	ulong sp;
	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
	return a + HX_RED_ZONE >= sp && a < sp + HX_PRIVATE_WINDOW;
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
	if (p == 0 || hx_is_local(a) || !hx_is_private(a))
		return 0;
	return (__private void *)a;
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
