/* Work-group collectives on g->wg_scratch (16 bytes per work-item + 64).
 *
 * Scratch layout: byte 0 holds a parity word, bytes 16..31 two result
 * slots, then 16 bytes per work-item: two 8-byte slots. Each call uses
 * the slots of the current parity: every item stores its value, barrier,
 * item 0 combines them in linear-id order (deterministic float results)
 * and flips the parity, barrier, every item reads. The next call uses the
 * other half, so no third barrier is needed: a fast item cannot reach the
 * slots of this parity again before every item has passed the first
 * barrier of the call after next, i.e. finished reading this one.
 *
 * The scratch is reached through __local pointers: it is the group's own
 * memory, never device memory, so the mirrored variant leaves it alone. */
#include "hx_lib.h"

#if defined(__opencl_c_work_group_collective_functions)

HX_INLINE __local char *hx_scratch(void)
{
	return (__local char *)HX_RD(hx_grp()->wg_scratch);
}

HX_INLINE size_t hx_wg_items(void)
{
	__private const hx_group_cl *g = hx_grp();
	return HX_RD(g->local_size[0]) * HX_RD(g->local_size[1]) *
	       HX_RD(g->local_size[2]);
}

HX_INLINE __local char *hx_item_slot(__local char *s, size_t lid, uint par)
{
	return s + 64 + lid * 16 + par * 8;
}

#define HX_ADD(a, b) ((a) + (b))
#define HX_MIN(a, b) ((b) < (a) ? (b) : (a))
#define HX_MAX(a, b) ((b) > (a) ? (b) : (a))
#define HX_AND(a, b) ((a) & (b))
#define HX_OR(a, b) ((a) | (b))

/* Phase 1: store v in this item's slot, wait for all. Returns parity. */
#define HX_WG_BEGIN(T, v)                                                   \
	__local char *s = hx_scratch();                                     \
	uint par = *(__local uint *)s & 1;                                  \
	size_t lid = get_local_linear_id();                                 \
	*(__local T *)hx_item_slot(s, lid, par) = (v);                      \
	__hx_barrier(CLK_LOCAL_MEM_FENCE)

#define HX_WG_FLIP() (*(__local uint *)s = par ^ 1)

#define HX_DEF_REDUCE(T, NAME, OP)                                          \
	HX_DEF_REDUCE_AS(OVL, work_group_reduce_##NAME, T, OP)

#define HX_DEF_REDUCE_AS(DECL, FNAME, T, OP)                                \
	DECL T FNAME(T x)                                                   \
	{                                                                   \
		HX_WG_BEGIN(T, x);                                          \
		__local T *res = (__local T *)(s + 16 + par * 8);           \
		if (lid == 0) {                                             \
			size_t n = hx_wg_items();                           \
			T acc = x;                                          \
			for (size_t i = 1; i < n; i++)                      \
				acc = OP(acc, *(__local T *)hx_item_slot(   \
							s, i, par));        \
			*res = acc;                                         \
			HX_WG_FLIP();                                       \
		}                                                           \
		__hx_barrier(CLK_LOCAL_MEM_FENCE);                          \
		return *res;                                                \
	}

/* Item 0 turns the slots into an inclusive prefix in place. */
#define HX_DEF_SCAN(T, NAME, OP, IDENT)                                     \
	HX_INLINE __local T *hx_scan_##NAME##_##T(T x, size_t *lidp)        \
	{                                                                   \
		HX_WG_BEGIN(T, x);                                          \
		if (lid == 0) {                                             \
			size_t n = hx_wg_items();                           \
			T acc = x;                                          \
			for (size_t i = 1; i < n; i++) {                    \
				__local T *p = (__local T *)hx_item_slot(   \
					s, i, par);                         \
				acc = OP(acc, *p);                          \
				*p = acc;                                   \
			}                                                   \
			HX_WG_FLIP();                                       \
		}                                                           \
		__hx_barrier(CLK_LOCAL_MEM_FENCE);                          \
		*lidp = lid;                                                \
		return (__local T *)hx_item_slot(s, 0, par);                \
	}                                                                   \
	OVL T work_group_scan_inclusive_##NAME(T x)                         \
	{                                                                   \
		size_t lid;                                                 \
		__local T *base = hx_scan_##NAME##_##T(x, &lid);            \
		return *(__local T *)((__local char *)base + lid * 16);     \
	}                                                                   \
	OVL T work_group_scan_exclusive_##NAME(T x)                         \
	{                                                                   \
		size_t lid;                                                 \
		__local T *base = hx_scan_##NAME##_##T(x, &lid);            \
		if (lid == 0)                                               \
			return IDENT;                                       \
		return *(__local T *)((__local char *)base +                \
				      (lid - 1) * 16);                      \
	}

#define HX_DEF_BROADCAST(T)                                                 \
	HX_INLINE T hx_bcast_##T(T a, size_t sel)                           \
	{                                                                   \
		HX_WG_BEGIN(T, a);                                          \
		if (lid == 0)                                               \
			HX_WG_FLIP();                                       \
		__hx_barrier(CLK_LOCAL_MEM_FENCE);                          \
		return *(__local T *)hx_item_slot(s, sel, par);             \
	}                                                                   \
	OVL T work_group_broadcast(T a, size_t x)                           \
	{                                                                   \
		return hx_bcast_##T(a, x);                                  \
	}                                                                   \
	OVL T work_group_broadcast(T a, size_t x, size_t y)                 \
	{                                                                   \
		return hx_bcast_##T(a, y * get_local_size(0) + x);          \
	}                                                                   \
	OVL T work_group_broadcast(T a, size_t x, size_t y, size_t z)       \
	{                                                                   \
		return hx_bcast_##T(                                        \
			a, (z * get_local_size(1) + y) * get_local_size(0) + x); \
	}

#define HX_DEF_ALL(T, TMAX, TMIN)                                           \
	HX_DEF_REDUCE(T, add, HX_ADD)                                       \
	HX_DEF_REDUCE(T, min, HX_MIN)                                       \
	HX_DEF_REDUCE(T, max, HX_MAX)                                       \
	HX_DEF_SCAN(T, add, HX_ADD, (T)0)                                   \
	HX_DEF_SCAN(T, min, HX_MIN, TMAX)                                   \
	HX_DEF_SCAN(T, max, HX_MAX, TMIN)                                   \
	HX_DEF_BROADCAST(T)

HX_DEF_ALL(int, INT_MAX, INT_MIN)
HX_DEF_ALL(uint, UINT_MAX, 0u)
HX_DEF_ALL(long, LONG_MAX, LONG_MIN)
HX_DEF_ALL(ulong, ULONG_MAX, 0ul)
HX_DEF_ALL(float, INFINITY, -INFINITY)
HX_DEF_ALL(double, (double)INFINITY, -(double)INFINITY)

HX_DEF_REDUCE_AS(HX_INLINE, hx_wg_and, int, HX_AND)
HX_DEF_REDUCE_AS(HX_INLINE, hx_wg_or, int, HX_OR)

OVL int work_group_all(int predicate)
{
	return hx_wg_and(predicate != 0);
}

OVL int work_group_any(int predicate)
{
	return hx_wg_or(predicate != 0);
}

#endif
