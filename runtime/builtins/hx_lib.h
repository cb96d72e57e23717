/* Common definitions for the library sources (not installed). */
#ifndef HX_LIB_H
#define HX_LIB_H

#include "hx_group_cl.h"
#include "hx_intrinsics.h"

#define OVL __attribute__((overloadable))
#define HX_INLINE static inline __attribute__((always_inline))

#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable

#if defined(__opencl_c_generic_address_space)
#define HX_GENERIC 1
#endif

/* The group and launch structs are runtime memory, never device memory:
 * reach them through __private pointers (via an integer, since named
 * address spaces do not convert) so that the mirrored variant, which
 * translates only global and generic accesses, leaves them alone. */
HX_INLINE __private const hx_group_cl *hx_grp(void)
{
	return (__private const hx_group_cl *)(ulong)__hx_group();
}

/* Reads an 8-byte field of those structs with a pointer-typed load.
 * LLVM's type-based alias analysis then knows that the kernel's stores of
 * integers and floats cannot change it, so the value is hoisted out of
 * the work-item loop and the loop still vectorises; a ulong load would
 * alias every long store. Nothing in a kernel writes these fields. */
#define HX_RD(lv) ((ulong) * (__private void *const __private *)&(lv))

HX_INLINE __private const hx_ndrange_cl *hx_nd(void)
{
	return (__private const hx_ndrange_cl *)HX_RD(hx_grp()->nd);
}

HX_INLINE size_t hx_local_linear_id(void)
{
	__private const hx_group_cl *g = hx_grp();
	return (__hx_local_id(2) * HX_RD(g->local_size[1]) + __hx_local_id(1)) *
		   HX_RD(g->local_size[0]) +
	       __hx_local_id(0);
}

#endif
