/* IEEE half <-> float/double conversions on the bits (the device has no
 * cl_khr_fp16: half exists only as a storage format). */
#ifndef HX_HALF_H
#define HX_HALF_H

/* Exact: every half is a float. */
HX_INLINE float hx_half_to_float(ushort h)
{
	uint sign = (uint)(h & 0x8000) << 16;
	uint e = (h >> 10) & 0x1f;
	uint m = h & 0x3ff;
	if (e == 0) {
		float v = (float)m * 0x1p-24f; /* subnormal or zero: exact */
		return as_float(as_uint(v) | sign);
	}
	if (e == 31)
		return as_float(sign | 0x7f800000u | (m << 13));
	return as_float(sign | ((e + 112) << 23) | (m << 13));
}

/* Round the magnitude q (an exactly scaled double) to an integer.
 * mode: 0 rte, 1 rtz, 2 rtp, 3 rtn; neg is the sign of the value. */
HX_INLINE double hx_round_mag(double q, int mode, int neg)
{
	if (mode == 0)
		return __builtin_rint(q);
	if (mode == 1 || (mode == 2 && neg) || (mode == 3 && !neg))
		return __builtin_trunc(q);
	return __builtin_ceil(q);
}

/* Correctly rounded double -> half (so also float -> half, as float to
 * double is exact): scale the magnitude so that the half's mantissa is
 * the integer part, round it once in the wanted mode, reassemble. */
HX_INLINE ushort hx_double_to_half(double x, int mode)
{
	ulong u = as_ulong(x);
	ushort sign = (ushort)((u >> 48) & 0x8000);
	int neg = sign != 0;
	double a = __builtin_fabs(x);
	if (a != a)
		return sign | 0x7e00 | (ushort)((u >> 42) & 0x1ff);
	if (__builtin_isinf(a))
		return sign | 0x7c00;
	uint bits;
	if (a < 0x1p-14) {
		bits = (uint)hx_round_mag(a * 0x1p24, mode, neg);
	} else {
		int e = (int)((as_ulong(a) >> 52) & 0x7ff) - 1023; /* 2^e <= a */
		if (e > 16)
			e = 16; /* beyond the half range: overflows below */
		double q = hx_round_mag(a * __builtin_ldexp(1.0, 10 - e), mode, neg);
		bits = (uint)((e + 15) << 10) + (uint)q - 1024;
	}
	if (bits >= 0x7c00) {
		/* Overflow: infinity unless the mode rounds the magnitude down. */
		int down = mode == 1 || (mode == 2 && neg) || (mode == 3 && !neg);
		bits = down ? 0x7bff : 0x7c00;
	}
	return sign | (ushort)bits;
}

HX_INLINE ushort hx_float_to_half(float x, int mode)
{
	return hx_double_to_half((double)x, mode);
}

#endif
