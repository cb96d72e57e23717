/* Kernels run natively by test_exec.c against the library, before (and
 * independently of) the compiler: linked with the library bitcode,
 * compiled to an object, called as C functions by a small fiber driver
 * that implements the contract's intrinsics. Built once per dialect; K()
 * gives each dialect's kernels their own names. */
#if __OPENCL_C_VERSION__ >= 200
#define K(name) name##_cl30
#define CL2 1
#else
#define K(name) name##_cl12
#define CL2 0
#endif

#pragma OPENCL EXTENSION cl_khr_fp64 : enable

static size_t flat_id(void)
{
	return (get_global_id(1) - get_global_offset(1)) * get_global_size(0) +
	       get_global_id(0) - get_global_offset(0);
}

/* 16 values per work-item, in this order. */
kernel void K(k_workitem)(global ulong *out)
{
	global ulong *o = out + 16 * flat_id();
	o[0] = get_global_id(0);
	o[1] = get_global_id(1);
	o[2] = get_local_id(0);
	o[3] = get_local_id(1);
	o[4] = get_group_id(0);
	o[5] = get_group_id(1);
	o[6] = get_global_size(0);
	o[7] = get_local_size(0);
	o[8] = get_num_groups(0);
	o[9] = get_work_dim();
	o[10] = get_global_offset(1);
	o[11] = get_global_id(3) + 10 * get_local_id(7) + 100 * get_group_id(3);
	o[12] = get_global_size(3) + 10 * get_local_size(3) + 100 * get_num_groups(4);
#if CL2
	o[13] = get_local_linear_id();
	o[14] = get_enqueued_local_size(0);
	o[15] = get_global_linear_id();
#else
	o[13] = o[14] = o[15] = 0;
#endif
}

/* Float math: 24 results per input x (y = in[i + 1]). */
kernel void K(k_math_f)(global const float *in, global float *out, global int *iout)
{
	size_t i = get_global_id(0);
	float x = in[i], y = in[i + 1];
	global float *o = out + 24 * i;
	float ip;
	int e;
	o[0] = sin(x);
	o[1] = cos(x);
	o[2] = exp(x);
	o[3] = log(x);
	o[4] = pow(x, y);
	o[5] = sqrt(x);
	o[6] = sinpi(x);
	o[7] = cospi(x);
	o[8] = atan2(x, y);
	o[9] = fract(x, &ip);
	o[10] = ip;
	o[11] = frexp(x, &e);
	iout[4 * i] = e;
	o[12] = rootn(x, 3);
	o[13] = pown(x, 3);
	o[14] = fdim(x, y);
	o[15] = maxmag(x, y);
	o[16] = round(x);
	o[17] = rint(x);
	o[18] = exp10(x);
	o[19] = tanpi(x);
	o[20] = lgamma_r(x, &e);
	iout[4 * i + 1] = e;
	o[21] = fma(x, y, 1.0f);
	float4 v = (float4)(x, y, -x, 0.5f);
	float4 s = sin(v);
	o[22] = s.x + s.y + s.z + s.w;  /* equals the scalar sum */
	o[23] = remquo(x, y, &e);
	iout[4 * i + 2] = e;
	iout[4 * i + 3] = ilogb(x);
}

kernel void K(k_math_d)(global const double *in, global double *out)
{
	size_t i = get_global_id(0);
	double x = in[i], y = in[i + 1];
	global double *o = out + 12 * i;
	double ip;
	o[0] = sin(x);
	o[1] = exp(x);
	o[2] = log(x);
	o[3] = pow(x, y);
	o[4] = sinpi(x);
	o[5] = cospi(x);
	o[6] = fract(x, &ip);
	o[7] = ip;
	o[8] = hypot(x, y);
	double3 v = (double3)(x, y, 1.0);
	o[9] = length(v);
	o[10] = dot(v, v);
	o[11] = cbrt(x);
}

/* Integer functions on int and char/long samples: 20 results each. */
kernel void K(k_int)(global const int *in, global long *out)
{
	size_t i = get_global_id(0);
	int a = in[i], b = in[i + 1], c = in[i + 2];
	global long *o = out + 20 * i;
	o[0] = abs(a);
	o[1] = abs_diff(a, b);
	o[2] = add_sat(a, b);
	o[3] = sub_sat(a, b);
	o[4] = hadd(a, b);
	o[5] = rhadd(a, b);
	o[6] = clz(a);
#if CL2
	o[7] = ctz(a);
#else
	o[7] = 0;
#endif
	o[8] = popcount(a);
	o[9] = mul_hi(a, b);
	o[10] = mad_sat(a, b, c);
	o[11] = rotate(a, b);
	o[12] = upsample((short)a, (ushort)b);
	o[13] = add_sat((char)a, (char)b);
	o[14] = mul_hi((long)a << 20, (long)b << 20);
	o[15] = mad_sat((long)a << 20, (long)b << 20, (long)c);
	o[16] = clz((char)a);
	o[17] = rotate((uchar)a, (uchar)b);
	int4 v = (int4)(a, b, c, a ^ b);
	int4 p = popcount(v);
	o[18] = p.x + p.y + p.z + p.w;
	o[19] = mul_hi((uint)a, (uint)b);
}

/* Conversions: 16 results per input float. */
kernel void K(k_convert)(global const float *in, global long *out)
{
	size_t i = get_global_id(0);
	float x = in[i];
	global long *o = out + 16 * i;
	o[0] = convert_int_sat(x);
	o[1] = convert_int_rte(x);
	o[2] = convert_int_rtp(x);
	o[3] = convert_int_rtn(x);
	o[4] = convert_uchar_sat(x);
	o[5] = convert_char_sat_rte(x);
	o[6] = convert_uint_sat(x);
	o[7] = convert_long_sat(x);
	o[8] = convert_ushort_sat((int)x * 1000);
	o[9] = as_int(convert_float_rtz(16777217 * (int)(x != 0)));
	o[10] = as_int(convert_float_rtp(16777217 * (int)(x != 0)));
	o[11] = as_int(convert_float_rtn((long)x * 3000000007l));
	o[12] = as_int(convert_float_rtz(1.0 / 3.0 * (double)x));
	o[13] = as_int(convert_float_rtp(1.0 / 3.0 * (double)x));
	int4 r = convert_int4_rte((float4)(x, x + 0.5f, -x, 2.5f));
	o[14] = r.x + 10 * r.y + 100 * r.z + 1000 * r.w;
	o[15] = convert_short_sat((double)x * 40000.0);
}

/* Half stores in every rounding mode, half loads, vload3/vstore3. */
kernel void K(k_half)(global const float *in, global ushort *hout, global float *fout)
{
	size_t i = get_global_id(0);
	float x = in[i];
	global half *h = (global half *)hout;
	vstore_half(x, 5 * i, h);
	vstore_half_rtz(x, 5 * i + 1, h);
	vstore_half_rtp(x, 5 * i + 2, h);
	vstore_half_rtn(x, 5 * i + 3, h);
	vstore_half_rte((double)x, 5 * i + 4, h);
	fout[4 * i] = vload_half(5 * i, h);
	float3 v = vload3(i, in);
	vstore3(v * 2.0f, i, fout + 4 * 64);
	float4 w = vload_half4(0, h + 5 * i);
	fout[4 * i + 1] = w.x + w.y;
	fout[4 * i + 2] = 0;
	fout[4 * i + 3] = 0;
}

/* Relational, common, geometric and shuffle results as ints. */
kernel void K(k_misc)(global const float *in, global int *out)
{
	size_t i = get_global_id(0);
	float x = in[i], y = in[i + 1];
	global int *o = out + 24 * i;
	float4 v = (float4)(x, y, NAN, INFINITY);
	int4 n = isnan(v);
	o[0] = n.x + 2 * n.y + 4 * n.z + 8 * n.w;
	int4 f = isfinite(v);
	o[1] = f.x + 2 * f.y + 4 * f.z + 8 * f.w;
	o[2] = isnan(x) + 2 * isinf(y) + 4 * signbit(x) + 8 * isless(x, y);
	o[3] = any((int4)(0, 0, -1, 0)) + 2 * all((int4)(-1, -1, 1, -1)) + 4 * all((short2)(-1, -5));
	float4 s = select((float4)1.0f, (float4)2.0f, (int4)(0, -1, 1, INT_MIN));
	o[4] = (int)(s.x + 10 * s.y + 100 * s.z + 1000 * s.w);
	o[5] = as_int(bitselect(x, y, as_float(0x80000000)));
	o[6] = as_int(clamp(x, -1.0f, 1.0f));
	o[7] = as_int(mix(x, y, 0.25f));
	o[8] = as_int(step(0.5f, x)) ;
	o[9] = as_int(smoothstep(0.0f, 2.0f, x));
	o[10] = as_int(sign(x));
	float3 c = cross((float3)(x, y, 1.0f), (float3)(1.0f, 2.0f, 3.0f));
	o[11] = as_int(c.x);
	o[12] = as_int(c.y);
	o[13] = as_int(c.z);
	o[14] = as_int(length((float2)(x, y)));
	float2 nv = normalize((float2)(x, y));
	o[15] = as_int(nv.x);
	o[16] = as_int(distance((float4)(x, y, 0, 0), (float4)(0)));
	int8 sh = shuffle((int4)(10, 11, 12, 13), (uint8)(3, 2, 1, 0, 7, 4, 5, 6));
	o[17] = sh.s0 + sh.s1 * 100 + sh.s4 * 10000;
	int4 sh2 = shuffle2((int2)(1, 2), (int2)(3, 4), (uint4)(3, 0, 2, 5));
	o[18] = sh2.x * 1000 + sh2.y * 100 + sh2.z * 10 + sh2.w;
	o[19] = as_int(degrees(x));
	o[20] = isequal(x, y) + 2 * isnotequal(x, NAN) + 4 * isordered(x, NAN) + 8 * isunordered(x, NAN);
	o[21] = as_int(native_divide(x, y));
	o[22] = as_int(half_sqrt(fabs(x)));
	o[23] = as_int(fast_length((float2)(x, y)));
}

/* 1.x atomics on global and local memory; out[0..7] global counters. */
kernel void K(k_atomic1)(global int *g, local int *l, global ulong *g64)
{
	int lid = get_local_id(0), gid = get_global_id(0);
	if (lid == 0) {
		l[0] = 0;
		l[1] = 1000;
	}
	barrier(CLK_LOCAL_MEM_FENCE);
	atomic_inc(&g[0]);
	atomic_add(&g[1], gid);
	atomic_max(&g[2], gid);
	atomic_min(&g[3], -gid);
	atomic_or(&g[4], 1 << (gid & 31));
	atomic_xor(&g[5], gid);
	int old = atomic_cmpxchg(&g[6], gid, gid + 1); /* chain: 0 -> N */
	(void)old;
	atomic_inc(&l[0]);
	atomic_sub(&l[1], 2);
	atom_add(&g64[0], (ulong)gid << 33);
	atom_inc(&g64[1]);
	barrier(CLK_LOCAL_MEM_FENCE);
	if (lid == 0) {
		atomic_add(&g[7], l[0] + l[1]);
		(void)atomic_xchg((volatile global float *)&g[8], 2.5f);
	}
}

#if CL2
/* 2.0 atomics with every scope, flags, compare-exchange loops. */
kernel void K(k_atomic2)(global atomic_int *a, global atomic_long *b, global int *out,
			 local atomic_int *l)
{
	int lid = get_local_id(0), gid = get_global_id(0);
	if (lid == 0)
		atomic_init(l, 0);
	work_group_barrier(CLK_LOCAL_MEM_FENCE);
	atomic_fetch_add_explicit(&a[0], 1, memory_order_relaxed, memory_scope_all_svm_devices);
	atomic_fetch_add_explicit(&a[1], gid, memory_order_acq_rel, memory_scope_device);
	atomic_fetch_max_explicit(&a[2], gid, memory_order_seq_cst, memory_scope_work_group);
	atomic_fetch_sub(&a[3], 2);
	/* A spin lock on an atomic_flag guarding a non-atomic update. */
	global atomic_flag *flag = (global atomic_flag *)&a[4];
	while (atomic_flag_test_and_set_explicit(flag, memory_order_acquire, memory_scope_all_svm_devices))
		;
	out[0] = out[0] + 1;
	atomic_flag_clear_explicit(flag, memory_order_release, memory_scope_all_svm_devices);
	int exp = atomic_load(&a[5]);
	while (!atomic_compare_exchange_weak(&a[5], &exp, exp + 3))
		;
	atomic_fetch_add(b, (long)gid << 34);
	atomic_fetch_or_explicit(l, 1 << (lid & 31), memory_order_relaxed, memory_scope_work_group);
	atomic_work_item_fence(CLK_GLOBAL_MEM_FENCE, memory_order_seq_cst, memory_scope_all_svm_devices);
	work_group_barrier(CLK_LOCAL_MEM_FENCE, memory_scope_work_group);
	if (lid == 0)
		atomic_fetch_add(&a[6], atomic_load_explicit(l, memory_order_acquire));
	atomic_store_explicit(&a[7], 42, memory_order_release, memory_scope_device);
	out[1 + gid] = atomic_exchange(&a[8], gid) >= 0;
}

/* Collectives: called twice in a row to exercise the scratch parity. */
kernel void K(k_collective)(global const int *in, global long *out, global double *dout)
{
	size_t lid = get_local_id(0), gid = get_global_id(0);
	int x = in[gid];
	global long *o = out + 12 * gid;
	o[0] = work_group_reduce_add(x);
	o[1] = work_group_reduce_min(x);
	o[2] = work_group_reduce_max(x);
	o[3] = work_group_scan_inclusive_add(x);
	o[4] = work_group_scan_exclusive_add(x);
	o[5] = work_group_scan_exclusive_min(x);
	o[6] = work_group_scan_inclusive_max((long)x);
	o[7] = work_group_broadcast(x, 2);
	o[8] = work_group_all(x > -1000) + 2 * work_group_any(x == 7) + 4 * work_group_all(x != 7);
	o[9] = work_group_reduce_add((ulong)x);
	o[10] = work_group_scan_exclusive_max((uint)(x + 1000));
	o[11] = lid;
	dout[2 * gid] = work_group_reduce_add((double)x * 0.5);
	dout[2 * gid + 1] = work_group_scan_inclusive_min((float)x);
}

/* Generic pointers to the three named spaces. */
kernel void K(k_addrspace)(global int *g, local int *l, global int *out)
{
	private int p[4];
	p[0] = 1;
	generic int *pg = g, *pl = l + get_local_id(0), *pp = &p[1];
	int r = 0;
	r |= (to_global(pg) == g) << 0;
	r |= (to_local(pg) == 0) << 1;
	r |= (to_private(pg) == 0) << 2;
	r |= (to_local(pl) == l + get_local_id(0)) << 3;
	r |= (to_global(pl) == 0) << 4;
	r |= (to_private(pl) == 0) << 5;
	r |= (to_private(pp) == &p[1]) << 6;
	r |= (to_global(pp) == 0) << 7;
	r |= (to_local(pp) == 0) << 8;
	r |= (get_fence(pl) == CLK_LOCAL_MEM_FENCE) << 9;
	r |= (get_fence(pg) == CLK_GLOBAL_MEM_FENCE) << 10;
	*pp = 5;
	*pl = 6;
	r |= (p[1] == 5 && l[get_local_id(0)] == 6) << 11;
	out[get_global_id(0)] = r;
}
#endif

/* Cooperative async copies through local memory, then a barrier. */
kernel void K(k_async)(global const float4 *src, global float4 *dst, local float4 *tmp,
		       global const int *s2, global int *d2, local int *t2)
{
	size_t n = get_local_size(0) * 2, base = get_group_id(0) * n;
	event_t e = async_work_group_copy(tmp, src + base, n, 0);
	event_t e2 = async_work_group_strided_copy(t2, s2 + get_group_id(0), n, 3, 0);
	wait_group_events(1, &e);
	wait_group_events(1, &e2);
	size_t lid = get_local_id(0);
	tmp[lid] *= 2.0f;
	t2[lid] += 1;
	barrier(CLK_LOCAL_MEM_FENCE);
	e = async_work_group_copy(dst + base, tmp, n, 0);
	e2 = async_work_group_strided_copy(d2 + get_group_id(0), t2, n, 3, 0);
	wait_group_events(1, &e);
	wait_group_events(1, &e2);
	prefetch(src, 4);
}

/* Vector paths: loads/stores in every space, split conversions and
 * integer functions, unsigned select masks, aligned half triples. */
kernel void K(k_vec)(global const int *in, global int *out, constant float *cf,
		     local int *lm, global ushort *h)
{
	size_t i = get_global_id(0);
	global int *o = out + 16 * i;
	int p[8];
	int4 v = vload4(i, in);
	vstore4(v, 1, p);
	vstore8(vload8(0, p), i, lm);
	int2 w = vload2(1, lm + 8 * i + 2);
	o[0] = w.x;
	o[1] = w.y;
	uchar4 c = convert_uchar4_sat(v >> 20);
	o[2] = as_int(c);
	int4 z = clz(v);
	o[3] = z.x + (z.y << 8) + (z.z << 16) + (z.w << 24);
	int4 s = select((int4)(1, 2, 3, 4), (int4)(5, 6, 7, 8), (uint4)(0x80000000u, 0, 0xffffffffu, 1));
	o[4] = s.x + 10 * s.y + 100 * s.z + 1000 * s.w;
	float4 f = vload4(0, cf);
	o[5] = (int)(f.x + f.y + f.z + f.w);
	vstorea_half3((float3)(1.0f, 2.0f, 3.0f) * (float)i, i, (global half *)h);
	float3 b = vloada_half3(i, (global half *)h);
	o[6] = (int)(b.x + b.y + b.z);
	short8 sh = convert_short8_sat_rtn((float8)(v.x, v.y, v.z, v.w, -1e9f, 1e9f, 0.5f, -0.5f));
	o[7] = sh.s4;
	o[8] = sh.s5;
	o[9] = sh.s6 + 10 * sh.s7;
	long2 m = mul_hi((long2)(v.x, v.y) << 40, (long2)(v.z, v.w) << 40);
	o[10] = (int)m.x;
	o[11] = (int)m.y;
	int3 r = rotate(v.xyz, (int3)(1, 31, 32));
	o[12] = r.x;
	o[13] = r.y;
	o[14] = r.z;
	o[15] = any(v < 0) + 2 * all(v.xy >= (int2)INT_MIN);
}

/* Every unary float and double math function on one input per item:
 * the scalar result for the host's ULP check, and every lane of the
 * 3- and 16-wide versions compared bit for bit with the scalar function
 * of that lane (vectors are built from neighbouring inputs). */
#define HX_SWEEP(X)                                                          \
	X(acos) X(acosh) X(asin) X(asinh) X(atan) X(atanh) X(cbrt) X(ceil)   \
	X(cos) X(cosh) X(erf) X(erfc) X(exp) X(exp2) X(exp10) X(expm1)       \
	X(fabs) X(floor) X(log) X(log2) X(log10) X(log1p) X(logb) X(rint)    \
	X(round) X(rsqrt) X(sin) X(sinh) X(sqrt) X(tan) X(tanh) X(tgamma)    \
	X(trunc) X(lgamma) X(sinpi) X(cospi) X(tanpi) X(acospi) X(asinpi)    \
	X(atanpi)

#define HX_SWEEP_BODY(T, UT)                                                 \
	size_t i = get_global_id(0);                                         \
	T x = in[i];                                                         \
	T##3 v3 = vload3(0, in + i);                                         \
	T##16 v16 = vload16(0, in + i);                                      \
	int j = 0, b = 0;                                                    \
	X_ALL(T, UT)                                                         \
	bad[i] = b;

#define X_ONE(T, UT, f)                                                      \
	{                                                                    \
		out[i * 40 + j] = f(x);                                      \
		T##3 r3 = f(v3);                                             \
		T##16 r16 = f(v16);                                          \
		for (int l = 0; l < 3; l++)                                  \
			b |= (as_##UT(r3[l]) != as_##UT(f(in[i + l]))) << (j % 31); \
		for (int l = 0; l < 16; l++)                                 \
			b |= (as_##UT(r16[l]) != as_##UT(f(in[i + l]))) << (j % 31); \
		j++;                                                         \
	}

#define X_F(f) X_ONE(float, uint, f)
#define X_D(f) X_ONE(double, ulong, f)

kernel void K(k_sweep_f)(global const float *in, global float *out, global int *bad)
{
#define X_ALL(T, UT) HX_SWEEP(X_F)
	HX_SWEEP_BODY(float, uint)
#undef X_ALL
}

kernel void K(k_sweep_d)(global const double *in, global double *out, global int *bad)
{
#define X_ALL(T, UT) HX_SWEEP(X_D)
	HX_SWEEP_BODY(double, ulong)
#undef X_ALL
}

/* Binary functions, same scheme (y from the next input). */
#define HX_SWEEP2(X)                                                         \
	X(pow) X(atan2) X(hypot) X(fmod) X(remainder) X(nextafter) X(fdim)   \
	X(copysign) X(fmax) X(fmin) X(atan2pi) X(powr) X(maxmag) X(minmag)

#define X_TWO(T, UT, f)                                                      \
	{                                                                    \
		out[i * 14 + j] = f(x, y);                                   \
		T##3 r3 = f(v3, w3);                                         \
		T##16 r16 = f(v16, w16);                                     \
		for (int l = 0; l < 3; l++)                                  \
			b |= (as_##UT(r3[l]) != as_##UT(f(in[i + l], in[i + l + 1]))) << j; \
		for (int l = 0; l < 16; l++)                                 \
			b |= (as_##UT(r16[l]) != as_##UT(f(in[i + l], in[i + l + 1]))) << j; \
		j++;                                                         \
	}

#define HX_SWEEP2_BODY(T, UT, XX)                                            \
	size_t i = get_global_id(0);                                         \
	T x = in[i], y = in[i + 1];                                          \
	T##3 v3 = vload3(0, in + i), w3 = vload3(0, in + i + 1);             \
	T##16 v16 = vload16(0, in + i), w16 = vload16(0, in + i + 1);        \
	int j = 0, b = 0;                                                    \
	HX_SWEEP2(XX)                                                        \
	bad[i] = b;

#define X_F2(f) X_TWO(float, uint, f)
#define X_D2(f) X_TWO(double, ulong, f)

kernel void K(k_sweep2_f)(global const float *in, global float *out, global int *bad)
{
	HX_SWEEP2_BODY(float, uint, X_F2)
}

kernel void K(k_sweep2_d)(global const double *in, global double *out, global int *bad)
{
	HX_SWEEP2_BODY(double, ulong, X_D2)
}

/* Integer functions on every type: scalar results for the host's exact
 * reference (as long), every lane of the 3- and 16-wide versions compared
 * with the scalar function of that lane. */
#define HX_IFUNCS(X, T)                                                      \
	X(T, abs, 1) X(T, abs_diff, 2) X(T, add_sat, 2) X(T, sub_sat, 2)     \
	X(T, hadd, 2) X(T, rhadd, 2) X(T, clz, 1) X(T, popcount, 1)          \
	X(T, mul_hi, 2) X(T, mad_hi, 3) X(T, mad_sat, 3) X(T, rotate, 2)     \
	X(T, max, 2) X(T, min, 2)

#define HX_ARGS1(s) s(0)
#define HX_ARGS2(s) s(0), s(1)
#define HX_ARGS3(s) s(0), s(1), s(2)
#define HX_SA(k) (T)in[i + k]
#define HX_LA(k) (T)in[i + l + k]
#define HX_V3(k) __builtin_convertvector(vload3(0, in + i + k), T3)
#define HX_V16(k) __builtin_convertvector(vload16(0, in + i + k), T16)

#define X_INT(T_, f, n)                                                      \
	{                                                                    \
		typedef T_ T;                                                \
		typedef T_##3 T3;                                            \
		typedef T_##16 T16;                                          \
		out[(t * 14 + j) * 64 + i] = (long)f(HX_ARGS##n(HX_SA));     \
		for (int l = 0; l < 16; l++) {                               \
			long s = (long)f(HX_ARGS##n(HX_LA));                 \
			if (l < 3)                                           \
				b |= ((long)f(HX_ARGS##n(HX_V3))[l] != s) << j; \
			b |= ((long)f(HX_ARGS##n(HX_V16))[l] != s) << j;     \
		}                                                            \
		j++;                                                         \
	}

#define HX_ITYPE(T_)                                                         \
	j = 0;                                                               \
	b = 0;                                                               \
	HX_IFUNCS(X_INT, T_)                                                 \
	bad[t * 64 + i] = b;                                                 \
	t++;

kernel void K(k_int_all)(global const long *in, global long *out, global int *bad)
{
	size_t i = get_global_id(0);
	int t = 0, j, b;
	HX_ITYPE(char)
	HX_ITYPE(uchar)
	HX_ITYPE(short)
	HX_ITYPE(ushort)
	HX_ITYPE(int)
	HX_ITYPE(uint)
	HX_ITYPE(long)
	HX_ITYPE(ulong)
}

/* Conversions between every pair of types in the default, saturating and
 * rounding forms: scalar results (as bits) for the host, every lane of
 * the 3- and 16-wide versions compared with the scalar conversion. */
#define SRC_char(k) ((char)uin[k])
#define SRC_uchar(k) ((uchar)uin[k])
#define SRC_short(k) ((short)uin[k])
#define SRC_ushort(k) ((ushort)uin[k])
#define SRC_int(k) ((int)uin[k])
#define SRC_uint(k) ((uint)uin[k])
#define SRC_long(k) ((long)uin[k])
#define SRC_ulong(k) ((ulong)uin[k])
#define SRC_float(k) (fin[k])
#define SRC_double(k) (din[k])
#define SRCV_I(S, n, k) __builtin_convertvector(vload##n(0, uin + (k)), S##n)
#define SRCV_char(n, k) SRCV_I(char, n, k)
#define SRCV_uchar(n, k) SRCV_I(uchar, n, k)
#define SRCV_short(n, k) SRCV_I(short, n, k)
#define SRCV_ushort(n, k) SRCV_I(ushort, n, k)
#define SRCV_int(n, k) SRCV_I(int, n, k)
#define SRCV_uint(n, k) SRCV_I(uint, n, k)
#define SRCV_long(n, k) SRCV_I(long, n, k)
#define SRCV_ulong(n, k) SRCV_I(ulong, n, k)
#define SRCV_float(n, k) vload##n(0, fin + (k))
#define SRCV_double(n, k) vload##n(0, din + (k))
#define BITS_char(r) ((long)(r))
#define BITS_uchar(r) ((long)(r))
#define BITS_short(r) ((long)(r))
#define BITS_ushort(r) ((long)(r))
#define BITS_int(r) ((long)(r))
#define BITS_uint(r) ((long)(r))
#define BITS_long(r) ((long)(r))
#define BITS_ulong(r) ((long)(r))
#define BITS_float(r) ((long)as_uint(r))
#define BITS_double(r) (as_long(r))

/* A non-saturating conversion of an out-of-range float is unspecified:
 * such lanes are not compared (nor checked by the host). The range is
 * conservative so that rounding cannot leave it. */
#define IS_F_char 0
#define IS_F_uchar 0
#define IS_F_short 0
#define IS_F_ushort 0
#define IS_F_int 0
#define IS_F_uint 0
#define IS_F_long 0
#define IS_F_ulong 0
#define IS_F_float 1
#define IS_F_double 1
#define IN_R(x, lo, hi) ((double)(x) >= (lo) && (double)(x) <= (hi))
#define IN_char(x) IN_R(x, -128.0, 126.0)
#define IN_uchar(x) IN_R(x, 0.0, 254.0)
#define IN_short(x) IN_R(x, -32768.0, 32766.0)
#define IN_ushort(x) IN_R(x, 0.0, 65534.0)
#define IN_int(x) IN_R(x, -2147483648.0, 2147483646.0)
#define IN_uint(x) IN_R(x, 0.0, 4294967294.0)
#define IN_long(x) IN_R(x, -0x1p63, 0x1p62)
#define IN_ulong(x) IN_R(x, 0.0, 0x1p63)
#define IN_float(x) 1
#define IN_double(x) 1

#define CV(D, S, SUF, SATF)                                                  \
	{                                                                    \
		out[k * 32 + i] = BITS_##D(convert_##D##SUF(SRC_##S(i)));   \
		D##3 r3 = convert_##D##3##SUF(SRCV_##S(3, i));               \
		D##16 r16 = convert_##D##16##SUF(SRCV_##S(16, i));           \
		for (int l = 0; l < 16; l++) {                               \
			if (!(SATF || !IS_F_##S || IN_##D(SRC_##S(i + l))))  \
				continue;                                    \
			long s = BITS_##D(convert_##D##SUF(SRC_##S(i + l))); \
			b |= (l < 3 && BITS_##D(r3[l]) != s) || BITS_##D(r16[l]) != s; \
		}                                                            \
		bad[k * 32 + i] = b;                                         \
		b = 0;                                                       \
		k++;                                                         \
	}

/* Integer destinations: default, _sat, _rte, _sat_rtn; float ones:
 * default, _rtz, _rtp. */
#define CV_I(D, S) CV(D, S, , 0) CV(D, S, _sat, 1) CV(D, S, _rte, 0) CV(D, S, _sat_rtn, 1)
#define CV_F(D, S) CV(D, S, , 1) CV(D, S, _rtz, 1) CV(D, S, _rtp, 1)
#define CV_SRCS(X, D)                                                        \
	X(D, char) X(D, uchar) X(D, short) X(D, ushort) X(D, int) X(D, uint) \
	X(D, long) X(D, ulong) X(D, float) X(D, double)

kernel void K(k_convert_all)(global const ulong *uin, global const float *fin,
			     global const double *din, global long *out, global int *bad)
{
	size_t i = get_global_id(0);
	int k = 0, b = 0;
	CV_SRCS(CV_I, char)
	CV_SRCS(CV_I, uchar)
	CV_SRCS(CV_I, short)
	CV_SRCS(CV_I, ushort)
	CV_SRCS(CV_I, int)
	CV_SRCS(CV_I, uint)
	CV_SRCS(CV_I, long)
	CV_SRCS(CV_I, ulong)
	CV_SRCS(CV_F, float)
	CV_SRCS(CV_F, double)
}

/* select, bitselect, shuffle, shuffle2 and the relational vector results
 * on every type and width, checked lane by lane inside the kernel; the
 * host only reads the failure mask. Masks come from the same inputs. */
#define EQB_char(x, y) ((x) == (y))
#define EQB_uchar(x, y) ((x) == (y))
#define EQB_short(x, y) ((x) == (y))
#define EQB_ushort(x, y) ((x) == (y))
#define EQB_int(x, y) ((x) == (y))
#define EQB_uint(x, y) ((x) == (y))
#define EQB_long(x, y) ((x) == (y))
#define EQB_ulong(x, y) ((x) == (y))
#define EQB_float(x, y) (as_uint(x) == as_uint(y))
#define EQB_double(x, y) (as_ulong(x) == as_ulong(y))
#define SI_char char
#define SI_uchar char
#define SI_short short
#define SI_ushort short
#define SI_int int
#define SI_uint int
#define SI_long long
#define SI_ulong long
#define SI_float int
#define SI_double long
#define UI_char uchar
#define UI_uchar uchar
#define UI_short ushort
#define UI_ushort ushort
#define UI_int uint
#define UI_uint uint
#define UI_long ulong
#define UI_ulong ulong
#define UI_float uint
#define UI_double ulong

#define CAT2_(a, b) a##b
#define CAT2(a, b) CAT2_(a, b)
#define VT(T, n) CAT2(T, n)
#define VEC_OF(V, n, k) __builtin_convertvector(vload##n(0, src + (k)), V)
#define AS(V, x) CAT2(as_, V)(x)

#define SEL_N(T, n)                                                          \
	{                                                                    \
		VT(T, n) a = VEC_OF(VT(T, n), n, i);                         \
		VT(T, n) b = VEC_OF(VT(T, n), n, i + 1);                     \
		VT(SI_##T, n) ms = VEC_OF(VT(SI_##T, n), n, i + 2);          \
		VT(UI_##T, n) mu = VEC_OF(VT(UI_##T, n), n, i + 3);          \
		VT(T, n) r1 = select(a, b, ms), r2 = select(a, b, mu);       \
		for (int l = 0; l < n; l++) {                                \
			bad |= !EQB_##T(r1[l], ms[l] < 0 ? b[l] : a[l]) << 0; \
			bad |= !EQB_##T(r2[l], (SI_##T)mu[l] < 0 ? b[l] : a[l]) << 1; \
		}                                                            \
		VT(T, n) bs = bitselect(a, b, AS(VT(T, n), mu));             \
		VT(UI_##T, n) ua = AS(VT(UI_##T, n), a), ub = AS(VT(UI_##T, n), b); \
		VT(UI_##T, n) ubs = AS(VT(UI_##T, n), bs);                   \
		for (int l = 0; l < n; l++)                                  \
			bad |= (ubs[l] != ((ua[l] & ~mu[l]) | (ub[l] & mu[l]))) << 2; \
	}

#define SHUF_NM(T, n, m)                                                     \
	{                                                                    \
		VT(T, n) a = VEC_OF(VT(T, n), n, i);                         \
		VT(T, n) b = VEC_OF(VT(T, n), n, i + 1);                     \
		VT(UI_##T, m) mk = VEC_OF(VT(UI_##T, m), m, i + 2);          \
		VT(T, m) r = shuffle(a, mk), r2 = shuffle2(a, b, mk);        \
		for (int l = 0; l < m; l++) {                                \
			uint k1 = mk[l] & (n - 1), k2 = mk[l] & (2 * n - 1); \
			bad |= !EQB_##T(r[l], a[k1]) << 3;                   \
			bad |= !EQB_##T(r2[l], k2 < n ? a[k2] : b[k2 - n]) << 4; \
		}                                                            \
	}

#define SHUF_N(T, n) SHUF_NM(T, n, 2) SHUF_NM(T, n, 4) SHUF_NM(T, n, 8) SHUF_NM(T, n, 16)
#define ALL_N(T) SEL_N(T, 2) SEL_N(T, 3) SEL_N(T, 4) SEL_N(T, 8) SEL_N(T, 16) \
	SHUF_N(T, 2) SHUF_N(T, 4) SHUF_N(T, 8) SHUF_N(T, 16)

#define REL_N(T, n)                                                          \
	{                                                                    \
		VT(T, n) a = vload##n(0, src_##T + i), b = vload##n(0, src_##T + i + 1); \
		VT(SI_##T, n) lt = isless(a, b), ne = isnotequal(a, b);      \
		VT(SI_##T, n) un = isunordered(a, b), na = isnan(a);         \
		VT(SI_##T, n) fi = isfinite(a), sb = signbit(a), nm = isnormal(a); \
		for (int l = 0; l < n; l++) {                                \
			bad |= (lt[l] != (a[l] < b[l] ? -1 : 0)) << 5;       \
			bad |= (ne[l] != (a[l] != b[l] ? -1 : 0)) << 6;      \
			bad |= (un[l] != (isunordered(a[l], b[l]) ? -1 : 0)) << 7; \
			bad |= (na[l] != -isnan(a[l])) << 8;                 \
			bad |= (fi[l] != -isfinite(a[l])) << 9;              \
			bad |= (sb[l] != -signbit(a[l])) << 10;              \
			bad |= (nm[l] != -isnormal(a[l])) << 11;             \
		}                                                            \
	}

#define REL(T) REL_N(T, 2) REL_N(T, 3) REL_N(T, 4) REL_N(T, 8) REL_N(T, 16)

#define ANY_ALL_N(T, n)                                                      \
	{                                                                    \
		VT(T, n) v = VEC_OF(VT(T, n), n, i);                         \
		int an = 0, al = 1;                                          \
		for (int l = 0; l < n; l++) {                                \
			an |= v[l] < 0;                                      \
			al &= v[l] < 0;                                      \
		}                                                            \
		bad |= (any(v) != an) << 13;                                 \
		bad |= (all(v) != al) << 14;                                 \
	}

#define ANY_ALL(T) ANY_ALL_N(T, 2) ANY_ALL_N(T, 3) ANY_ALL_N(T, 4) ANY_ALL_N(T, 8) \
	ANY_ALL_N(T, 16)

kernel void K(k_vector_misc)(global const long *src, global const float *src_float,
			     global const double *src_double, global int *out)
{
	size_t i = get_global_id(0);
	int bad = 0;
	ALL_N(char) ALL_N(uchar) ALL_N(short) ALL_N(ushort) ALL_N(int)
	ALL_N(uint) ALL_N(long) ALL_N(ulong) ALL_N(float) ALL_N(double)
	ANY_ALL(char) ANY_ALL(short) ANY_ALL(int) ANY_ALL(long)
	REL(float) REL(double)
	out[i] = bad;
}
