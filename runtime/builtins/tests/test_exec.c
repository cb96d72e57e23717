/* Runs the library for real, without the compiler or the engine: the
 * kernels of exec_kernels.cl are linked with each dialect's library
 * bitcode (llvm-link --only-needed --internalize), compiled to native
 * code and called here as C functions. This file plays the engine: it
 * implements the contract's intrinsics and runs each work-item on its own
 * ucontext fiber so that barriers and collectives work, with each group's
 * local memory and collective scratch in one block (docs/builtins.md). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "harness.h"
#include "kernel_abi.h"

#define MAX_ITEMS 64
#define STACK_SIZE (256 * 1024)

typedef void (*item_fn)(void *ctx);

static struct {
	hx_ndrange nd;
	hx_group g;
	ucontext_t sched;
	ucontext_t ctx[MAX_ITEMS];
	char *stack[MAX_ITEMS];
	uint64_t lid[MAX_ITEMS][3];
	int done[MAX_ITEMS];
	int cur, barriers;
	item_fn fn;
	void *arg;
} S;

uint64_t __hx_local_id(uint32_t d)
{
	return S.lid[S.cur][d];
}

void *__hx_group(void)
{
	return &S.g;
}

void __hx_barrier(uint32_t flags)
{
	S.barriers++;
	swapcontext(&S.ctx[S.cur], &S.sched);
}

static void trampoline(void)
{
	S.fn(S.arg);
	S.done[S.cur] = 1;
	swapcontext(&S.ctx[S.cur], &S.sched);
}

/* Round robin: every live item runs to its next barrier (or its end)
 * before any item runs again, which is barrier semantics for kernels
 * whose barriers are reached by all items. */
static void init_fiber(int i)
{
	S.done[i] = 0;
	getcontext(&S.ctx[i]);
	S.ctx[i].uc_stack.ss_sp = S.stack[i];
	S.ctx[i].uc_stack.ss_size = STACK_SIZE;
	S.ctx[i].uc_link = NULL;
	makecontext(&S.ctx[i], trampoline, 0);
}

static void run_group(int n)
{
	int live = n;
	for (int i = 0; i < n; i++)
		init_fiber(i);
	while (live > 0) {
		int finished = 0, before = S.barriers;
		for (int i = 0; i < n; i++) {
			if (S.done[i])
				continue;
			S.cur = i;
			/* Item i's private objects live on its own stack. */
			S.g.private_lo = (uint64_t)(uintptr_t)S.stack[i];
			S.g.private_hi = S.g.private_lo + STACK_SIZE;
			swapcontext(&S.sched, &S.ctx[i]);
			finished += S.done[i];
		}
		/* A barrier that only some items reach is a kernel bug. */
		CHECK(finished == 0 || S.barriers == before);
		live -= finished;
	}
}

/* Runs fn(arg) for every work-item of the NDRange, group by group. */
static void run(uint32_t dims, const uint64_t *gsize, const uint64_t *lsize,
		const uint64_t *off, size_t local_bytes, item_fn fn, void *arg)
{
	memset(&S.nd, 0, sizeof(S.nd));
	S.nd.work_dim = dims;
	for (int d = 0; d < 3; d++) {
		S.nd.global_size[d] = d < (int)dims ? gsize[d] : 1;
		S.nd.local_size[d] = d < (int)dims ? lsize[d] : 1;
		S.nd.global_offset[d] = d < (int)dims && off ? off[d] : 0;
		S.nd.num_groups[d] =
		    (S.nd.global_size[d] + S.nd.local_size[d] - 1) /
		    S.nd.local_size[d];
	}
	for (int i = 0; i < MAX_ITEMS; i++)
		if (!S.stack[i])
			S.stack[i] =
			    mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t items =
	    S.nd.local_size[0] * S.nd.local_size[1] * S.nd.local_size[2];
	CHECK(items <= MAX_ITEMS);
	char *block = calloc(1, local_bytes + 16 * items + 64);
	S.g.nd = &S.nd;
	S.g.local_mem = block;
	S.g.wg_scratch = block + local_bytes;
	S.g.local_mem_size = local_bytes;
	S.fn = fn;
	S.arg = arg;
	for (uint64_t gz = 0; gz < S.nd.num_groups[2]; gz++)
		for (uint64_t gy = 0; gy < S.nd.num_groups[1]; gy++)
			for (uint64_t gx = 0; gx < S.nd.num_groups[0]; gx++) {
				uint64_t gid[3] = {gx, gy, gz}, ls[3];
				for (int d = 0; d < 3; d++) {
					uint64_t rest =
					    S.nd.global_size[d] -
					    gid[d] * S.nd.local_size[d];
					ls[d] = rest < S.nd.local_size[d]
						    ? rest
						    : S.nd.local_size[d];
					S.g.group_id[d] = gid[d];
					S.g.local_size[d] = ls[d];
				}
				int n = 0;
				for (uint64_t z = 0; z < ls[2]; z++)
					for (uint64_t y = 0; y < ls[1]; y++)
						for (uint64_t x = 0; x < ls[0];
						     x++) {
							S.lid[n][0] = x;
							S.lid[n][1] = y;
							S.lid[n][2] = z;
							n++;
						}
				run_group(n);
			}
	free(block);
}

/* ------------------------------------------------------------ kernels */

#define KERNELS(D)                                                             \
	void k_workitem_cl##D(uint64_t *out);                                  \
	void k_math_f_cl##D(const float *in, float *out, int *iout);           \
	void k_math_d_cl##D(const double *in, double *out);                    \
	void k_int_cl##D(const int *in, int64_t *out);                         \
	void k_convert_cl##D(const float *in, int64_t *out);                   \
	void k_half_cl##D(const float *in, uint16_t *h, float *f);             \
	void k_misc_cl##D(const float *in, int *out);                          \
	void k_atomic1_cl##D(int *g, int *l, uint64_t *g64);                   \
	void k_vec_cl##D(const int *in, int *out, const float *cf, int *lm,    \
			 uint16_t *h);                                         \
	void k_async_cl##D(const float *src, float *dst, float *tmp,           \
			   const int *s2, int *d2, int *t2);
KERNELS(12)
KERNELS(30)
void k_sweep_f_cl12(const float *in, float *out, int *bad);
void k_sweep_f_cl30(const float *in, float *out, int *bad);
void k_sweep_d_cl12(const double *in, double *out, int *bad);
void k_sweep_d_cl30(const double *in, double *out, int *bad);
void k_sweep2_f_cl12(const float *in, float *out, int *bad);
void k_sweep2_f_cl30(const float *in, float *out, int *bad);
void k_sweep2_d_cl12(const double *in, double *out, int *bad);
void k_sweep2_d_cl30(const double *in, double *out, int *bad);
void k_int_all_cl12(const int64_t *in, int64_t *out, int *bad);
void k_int_all_cl30(const int64_t *in, int64_t *out, int *bad);
void k_vector_misc_cl12(const int64_t *src, const float *sf, const double *sd,
			int *out);
void k_vector_misc_cl30(const int64_t *src, const float *sf, const double *sd,
			int *out);
void k_convert_all_cl12(const uint64_t *uin, const float *fin,
			const double *din, int64_t *out, int *bad);
void k_convert_all_cl30(const uint64_t *uin, const float *fin,
			const double *din, int64_t *out, int *bad);
void k_atomic2_cl30(int *a, int64_t *b, int *out, int *l);
void k_collective_cl30(const int *in, int64_t *out, double *dout);
void k_addrspace_cl30(int *g, int *l, int *out);

struct args {
	int dialect;
	void *p[6];
};

#define CALL(name, ...)                                                        \
	do {                                                                   \
		if (a->dialect == 12)                                          \
			name##_cl12(__VA_ARGS__);                              \
		else                                                           \
			name##_cl30(__VA_ARGS__);                              \
	} while (0)

static const int dialects[2] = {12, 30};

/* ------------------------------------------------------- work-items */

static void call_workitem(void *p)
{
	struct args *a = p;
	CALL(k_workitem, a->p[0]);
}

TEST(workitem)
{
	for (int k = 0; k < 2; k++) {
		uint64_t gs[2] = {7, 4}, ls[2] = {3, 2}, off[2] = {1, 2};
		uint64_t *out = calloc(16 * 28, sizeof(*out));
		struct args a = {dialects[k], {out}};
		run(2, gs, ls, off, 0, call_workitem, &a);
		for (uint64_t y = 0; y < 4; y++)
			for (uint64_t x = 0; x < 7; x++) {
				uint64_t *o = out + 16 * (y * 7 + x);
				uint64_t lsx = x / 3 == 2 ? 1 : 3;
				CHECK_EQ(o[0], x + 1);
				CHECK_EQ(o[1], y + 2);
				CHECK_EQ(o[2], x % 3);
				CHECK_EQ(o[3], y % 2);
				CHECK_EQ(o[4], x / 3);
				CHECK_EQ(o[5], y / 2);
				CHECK_EQ(o[6], 7);
				CHECK_EQ(o[7], lsx);
				CHECK_EQ(o[8], 3);
				CHECK_EQ(o[9], 2);
				CHECK_EQ(o[10], 2);
				CHECK_EQ(o[11], 0);
				CHECK_EQ(o[12], 111);
				if (dialects[k] == 30) {
					CHECK_EQ(o[13], (y % 2) * lsx + x % 3);
					CHECK_EQ(o[14], 3);
					CHECK_EQ(o[15], y * 7 + x);
				}
			}
		free(out);
	}
}

/* ------------------------------------------------------------- math */

static double ulp_f(double ref)
{
	int e = ilogb(ref);
	return ldexp(1.0, (e < -126 ? -126 : e) - 23);
}

static int close_f(float got, double ref, double ulps, double abs_tol)
{
	if (isnan(ref))
		return isnan(got);
	if (isinf(ref) || ref == 0)
		return (double)got == ref || fabs(got - ref) <= abs_tol;
	/* A correctly rounded result always passes. */
	return got == (float)ref ||
	       fabs(got - ref) <= ulps * ulp_f(ref) + abs_tol;
}

static int close_d(double got, double ref, double ulps, double abs_tol)
{
	if (isnan(ref))
		return isnan(got);
	if (isinf(ref) || ref == 0)
		return got == ref || fabs(got - ref) <= abs_tol;
	int e = ilogb(ref);
	return fabs(got - ref) <= ulps * ldexp(1.0, e - 52) + abs_tol;
}

#define CHECK_F(got, ref, ulps, abs_tol)                                       \
	do {                                                                   \
		float g_ = (got);                                              \
		double r_ = (ref);                                             \
		if (!close_f(g_, r_, ulps, abs_tol))                           \
			hx_test_fail(__FILE__, __LINE__,                       \
				     "%s: got %a want %a (x=%a y=%a)", #ref,   \
				     g_, r_, x, y);                            \
	} while (0)

#define CHECK_D(got, ref, ulps, abs_tol)                                       \
	do {                                                                   \
		double g_ = (got), r_ = (ref);                                 \
		if (!close_d(g_, r_, ulps, abs_tol))                           \
			hx_test_fail(__FILE__, __LINE__,                       \
				     "%s: got %a want %a (x=%a y=%a)", #ref,   \
				     g_, r_, x, y);                            \
	} while (0)

/* References for the pi functions: exact reduction, long double. */
static double sinpi_ref(double x)
{
	long double r = fmodl(x, 2.0L);
	if (r == floorl(r)) /* exact zeros at integers */
		return copysign(0.0, x);
	return (double)sinl(M_PIl * r);
}

static double cospi_ref(double x)
{
	long double r = fmodl(fabsl(x), 2.0L);
	if (r == 0.5L || r == 1.5L)
		return 0.0;
	return (double)cosl(M_PIl * r);
}

static double tanpi_ref(double x)
{
	/* The spec's poles: +inf at even n + 0.5, -inf at odd n + 0.5. */
	if (fabs(fmod(x, 1.0)) == 0.5)
		return fmod(fabs(floor(x)), 2.0) == 0 ? INFINITY : -INFINITY;
	return (double)tanl(M_PIl * fmodl(x, 1.0L));
}

static const float math_in[17] = {0.5f, 1.25f, 2.0f,   3.7f,   0.1f, 10.0f,
				  7.5f, -2.5f, 100.0f, 0.001f, 1.0f, -0.75f,
				  4.0f, 33.3f, 0.25f,  1e-3f,  2.5f};

static void call_math_f(void *p)
{
	struct args *a = p;
	CALL(k_math_f, a->p[0], a->p[1], a->p[2]);
}

TEST(math_float)
{
	for (int k = 0; k < 2; k++) {
		float *out = calloc(24 * 16, sizeof(float));
		int *iout = calloc(4 * 16, sizeof(int));
		struct args a = {dialects[k], {(void *)math_in, out, iout}};
		uint64_t gs = 16, ls = 4;
		run(1, &gs, &ls, NULL, 0, call_math_f, &a);
		for (int i = 0; i < 16; i++) {
			float x = math_in[i], y = math_in[i + 1],
			      *o = out + 24 * i;
			int e, q, s;
			CHECK_F(o[0], sin(x), 2, 0);
			CHECK_F(o[1], cos(x), 2, 0);
			CHECK_F(o[2], exp(x), 2, 0);
			CHECK_F(o[3], log(x), 2, 0);
			CHECK_F(o[4], pow(x, y), 2, 0);
			CHECK_F(o[5], sqrt(x), 0, 0);
			CHECK_F(o[6], sinpi_ref(x), 2, 1e-7);
			CHECK_F(o[7], cospi_ref(x), 2, 1e-7);
			CHECK_F(o[8], atan2(x, y), 2, 0);
			CHECK_F(o[9], fminf(x - floorf(x), 0x1.fffffep-1f), 0,
				0);
			CHECK_F(o[10], floor(x), 0, 0);
			CHECK_F(o[11], frexp(x, &e), 0, 0);
			CHECK_EQ(iout[4 * i], e);
			CHECK_F(o[12], cbrt(x), 2, 0);
			CHECK_F(o[13], (double)x * x * x, 1, 0);
			CHECK_F(o[14], x > y ? x - y : 0, 0, 0);
			CHECK_F(o[15],
				fabsf(x) > fabsf(y)   ? x
				: fabsf(y) > fabsf(x) ? y
						      : fmaxf(x, y),
				0, 0);
			CHECK_F(o[16], round(x), 0, 0);
			CHECK_F(o[17], rint(x), 0, 0);
			CHECK_F(o[18], pow(10.0, x), 2, 0);
			CHECK_F(o[19], tanpi_ref(x), 2, 1e-6);
			CHECK_F(o[20], lgamma_r(x, &s), 2, 1e-7);
			CHECK_EQ(iout[4 * i + 1], s);
			CHECK_F(o[21], fmaf(x, y, 1.0f), 0, 0);
			CHECK_F(o[22],
				sinf(x) + sinf(y) + sinf(-x) + sinf(0.5f), 2,
				1e-6);
			CHECK_F(o[23], remquof(x, y, &q), 0, 0);
			CHECK_EQ(iout[4 * i + 2] & 0x7f, q & 0x7f);
			CHECK_EQ(iout[4 * i + 3], ilogbf(x));
		}
		free(out);
		free(iout);
	}
}

static void call_math_d(void *p)
{
	struct args *a = p;
	CALL(k_math_d, a->p[0], a->p[1]);
}

TEST(math_double)
{
	double in[17];
	for (int i = 0; i < 17; i++)
		in[i] = math_in[i] * 1.000000001;
	for (int k = 0; k < 2; k++) {
		double *out = calloc(12 * 16, sizeof(double));
		struct args a = {dialects[k], {in, out}};
		uint64_t gs = 16, ls = 8;
		run(1, &gs, &ls, NULL, 0, call_math_d, &a);
		for (int i = 0; i < 16; i++) {
			double x = in[i], y = in[i + 1], *o = out + 12 * i;
			CHECK_D(o[0], sin(x), 1, 0);
			CHECK_D(o[1], exp(x), 1, 0);
			CHECK_D(o[2], log(x), 1, 0);
			CHECK_D(o[3], pow(x, y), 1, 0);
			CHECK_D(o[4], sinpi_ref(x), 4, 1e-15);
			CHECK_D(o[5], cospi_ref(x), 4, 1e-15);
			CHECK_D(o[6], x - floor(x), 0, 0);
			CHECK_D(o[7], floor(x), 0, 0);
			CHECK_D(o[8], hypot(x, y), 1, 0);
			CHECK_D(o[9], sqrt(x * x + y * y + 1), 2, 0);
			CHECK_D(o[10], x * x + y * y + 1, 2, 0);
			CHECK_D(o[11], cbrt(x), 1, 0);
		}
		free(out);
	}
}

/* ---------------------------------------------------------- integer */

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int64_t clamp128(__int128 v)
{
	return v < INT64_MIN   ? INT64_MIN
	       : v > INT64_MAX ? INT64_MAX
			       : (int64_t)v;
}

static void call_int(void *p)
{
	struct args *a = p;
	CALL(k_int, a->p[0], a->p[1]);
}

TEST(integer)
{
	enum { N = 32 };
	int in[N + 2] = {INT32_MIN, INT32_MAX, 0,  -1,	1,   INT32_MAX,
			 INT32_MIN, 7,	       -7, 255, 256, -129};
	uint32_t r = 12345;
	for (int i = 12; i < N + 2; i++) {
		r = r * 1103515245u + 12345u;
		in[i] = (int)(r ^ (r << 7));
	}
	for (int k = 0; k < 2; k++) {
		int64_t *out = calloc(20 * N, sizeof(int64_t));
		struct args a = {dialects[k], {in, out}};
		uint64_t gs = N, ls = 8;
		run(1, &gs, &ls, NULL, 0, call_int, &a);
		for (int i = 0; i < N; i++) {
			int32_t x = in[i], y = in[i + 1], z = in[i + 2];
			uint32_t ux = (uint32_t)x, uy = (uint32_t)y;
			int64_t *o = out + 20 * i;
			int64_t X = x, Y = y;
			CHECK_EQ(o[0], X < 0 ? -X : X);
			CHECK_EQ(o[1], (uint32_t)(X > Y ? X - Y : Y - X));
			CHECK_EQ(o[2], clamp64(X + Y, INT32_MIN, INT32_MAX));
			CHECK_EQ(o[3], clamp64(X - Y, INT32_MIN, INT32_MAX));
			CHECK_EQ(o[4], (X + Y) >> 1);
			CHECK_EQ(o[5], (X + Y + 1) >> 1);
			CHECK_EQ(o[6], x == 0 ? 32 : __builtin_clz(ux));
			if (dialects[k] == 30)
				CHECK_EQ(o[7], x == 0 ? 32 : __builtin_ctz(ux));
			CHECK_EQ(o[8], __builtin_popcount(ux));
			CHECK_EQ(o[9], (X * Y) >> 32);
			CHECK_EQ(o[10],
				 clamp64(X * Y + z, INT32_MIN, INT32_MAX));
			CHECK_EQ(o[11],
				 (int32_t)((ux << (uy & 31)) |
					   (ux >> ((32 - (uy & 31)) & 31))));
			CHECK_EQ(
			    o[12],
			    (int32_t)(((uint32_t)(uint16_t)(int16_t)x << 16) |
				      (uint16_t)y));
			CHECK_EQ(o[13],
				 clamp64((int8_t)x + (int8_t)y, -128, 127));
			__int128 p =
			    (__int128)(X * (1 << 20)) * (Y * (1 << 20));
			CHECK_EQ(o[14], (int64_t)(p >> 64));
			CHECK_EQ(o[15], clamp128(p + z));
			CHECK_EQ(o[16], (uint8_t)x == 0
					    ? 8
					    : __builtin_clz((uint8_t)x) - 24);
			uint8_t bx = (uint8_t)x, by = (uint8_t)y & 7;
			CHECK_EQ(o[17], (uint8_t)((bx << by) |
						  (bx >> ((8 - by) & 7))));
			CHECK_EQ(o[18], __builtin_popcount(ux) +
					    __builtin_popcount(uy) +
					    __builtin_popcount((uint32_t)z) +
					    __builtin_popcount(ux ^ uy));
			CHECK_EQ(o[19], ((uint64_t)ux * uy) >> 32);
		}
		free(out);
	}
}

/* ------------------------------------------------------- conversions */

static int64_t sat_round(double v, double lo, double hi)
{
	if (isnan(v))
		return 0;
	return v < lo ? (int64_t)lo : v > hi ? (int64_t)hi : (int64_t)v;
}

static float float_dir(long double exact, int up)
{
	float f = (float)exact;
	if (up && (long double)f < exact)
		f = nextafterf(f, INFINITY);
	if (!up && (long double)f > exact)
		f = nextafterf(f, -INFINITY);
	return f;
}

static int32_t bits_of(float f)
{
	int32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static void call_convert(void *p)
{
	struct args *a = p;
	CALL(k_convert, a->p[0], a->p[1]);
}

TEST(convert)
{
	static const float in[16] = {
	    0.5f,   1.5f, 2.5f,	  -0.5f,   -1.5f,  3e9f, -3e9f,	   1e20f,
	    -1e20f, NAN,  300.7f, -129.5f, 127.5f, 0.0f, 65535.6f, 0.3f};
	for (int k = 0; k < 2; k++) {
		int64_t *out = calloc(16 * 16, sizeof(int64_t));
		struct args a = {dialects[k], {(void *)in, out}};
		uint64_t gs = 16, ls = 4;
		run(1, &gs, &ls, NULL, 0, call_convert, &a);
		for (int i = 0; i < 16; i++) {
			float x = in[i];
			int64_t *o = out + 16 * i;
			int small = !isnan(x) && fabsf(x) < 1e6f;
			CHECK_EQ(o[0],
				 sat_round(trunc(x), INT32_MIN, INT32_MAX));
			if (small) {
				CHECK_EQ(o[1], (int64_t)rint(x));
				CHECK_EQ(o[2], (int64_t)ceil(x));
				CHECK_EQ(o[3], (int64_t)floor(x));
				CHECK_EQ(o[8], clamp64((int64_t)(int)x * 1000,
						       0, 65535));
				long double v =
				    (long double)(int64_t)x * 3000000007.0L;
				CHECK_EQ(o[11], bits_of(float_dir(v, 0)));
				CHECK_EQ(o[14],
					 (int64_t)rintf(x) +
					     10 * (int64_t)rintf(x + 0.5f) +
					     100 * (int64_t)rintf(-x) + 2000);
			}
			CHECK_EQ(o[4], sat_round(trunc(x), 0, 255));
			CHECK_EQ(o[5], sat_round(rint(x), -128, 127));
			CHECK_EQ(o[6], sat_round(trunc(x), 0, 4294967295.0));
			CHECK_EQ(o[7], isnan(x)	      ? 0
				       : x >= 0x1p63  ? INT64_MAX
				       : x <= -0x1p63 ? INT64_MIN
						      : (int64_t)x);
			CHECK_EQ(o[9], bits_of(x != 0 ? 16777216.0f : 0.0f));
			CHECK_EQ(o[10], bits_of(x != 0 ? 16777218.0f : 0.0f));
			double d = 1.0 / 3.0 * (double)x;
			if (!isnan(x)) {
				CHECK_EQ(o[12],
					 bits_of(d >= 0 ? float_dir(d, 0)
							: float_dir(d, 1)));
				CHECK_EQ(o[13], bits_of(float_dir(d, 1)));
			}
			CHECK_EQ(o[15], sat_round(trunc((double)x * 40000.0),
						  -32768, 32767));
		}
		free(out);
	}
}

/* ------------------------------------------------------------- half */

static uint16_t h_rte(float x)
{
	_Float16 h = (_Float16)x;
	uint16_t b;
	memcpy(&b, &h, 2);
	return b;
}

static float h_to_f(uint16_t b)
{
	_Float16 h;
	memcpy(&h, &b, 2);
	return (float)h;
}

/* Directed rounding from the nearest half: one step when on the wrong side. */
static uint16_t h_dir(float x, int mode)
{
	uint16_t h = h_rte(x);
	float back = h_to_f(h);
	int neg = h & 0x8000, mag = h & 0x7fff;
	if (isnan(x) || back == x)
		return h;
	int up = (mode == 2 && back < x) || (mode == 1 && neg && back < x);
	int down = (mode == 3 && back > x) || (mode == 1 && !neg && back > x);
	if (up)
		return neg ? (mag == 0 ? 0x0001 : h - 1) : h + 1;
	if (down)
		return (neg || mag == 0) ? (mag == 0 ? 0x8001 : h + 1) : h - 1;
	return h;
}

static void call_half(void *p)
{
	struct args *a = p;
	CALL(k_half, a->p[0], a->p[1], a->p[2]);
}

TEST(half)
{
	float in[64] = {65519.0f,  65520.0f, 1e-8f,	-1e-8f,
			5.96e-8f,  1.0f / 3, -1.0f / 3, 70000.0f,
			-70000.0f, NAN,	     INFINITY,	0.1f,
			2049.0f,   -2049.0f, 1e-5f,	3.0e-5f};
	for (int i = 16; i < 64; i++)
		in[i] = (float)i / 7;
	for (int k = 0; k < 2; k++) {
		uint16_t *h = calloc(5 * 16 + 8, 2);
		float *f = calloc(256 + 64, sizeof(float));
		struct args a = {dialects[k], {in, h, f}};
		uint64_t gs = 16, ls = 4;
		run(1, &gs, &ls, NULL, 0, call_half, &a);
		for (int i = 0; i < 16; i++) {
			float x = in[i];
			uint16_t *o = h + 5 * i;
			if (isnan(x)) {
				CHECK((o[0] & 0x7c00) == 0x7c00 &&
				      (o[0] & 0x3ff) != 0);
				continue;
			}
			CHECK_EQ(o[0], h_rte(x));
			CHECK_EQ(o[1], h_dir(x, 1));
			CHECK_EQ(o[2], h_dir(x, 2));
			CHECK_EQ(o[3], h_dir(x, 3));
			CHECK_EQ(o[4], h_rte(x));
			CHECK_EQ(bits_of(f[4 * i]), bits_of(h_to_f(o[0])));
			CHECK_EQ(bits_of(f[4 * i + 1]),
				 bits_of(h_to_f(o[0]) + h_to_f(o[1])));
			for (int c = 0; c < 3; c++)
				CHECK_EQ(bits_of(f[256 + 3 * i + c]),
					 bits_of(in[3 * i + c] * 2.0f));
		}
		free(h);
		free(f);
	}
}

/* ------------------------------------- relational, common, geometric */

static float f_of(int32_t b)
{
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static void call_misc(void *p)
{
	struct args *a = p;
	CALL(k_misc, a->p[0], a->p[1]);
}

TEST(misc)
{
	static const float in[9] = {0.5f,  -1.25f,   3.0f, NAN, 0.0f,
				    -0.0f, INFINITY, 0.5f, 2.0f};
	for (int k = 0; k < 2; k++) {
		int *out = calloc(24 * 8, sizeof(int));
		struct args a = {dialects[k], {(void *)in, out}};
		uint64_t gs = 8, ls = 8;
		run(1, &gs, &ls, NULL, 0, call_misc, &a);
		for (int i = 0; i < 8; i++) {
			float x = in[i], y = in[i + 1];
			int *o = out + 24 * i;
			CHECK_EQ(o[0], -((int)!!isnan(x) + 2 * !!isnan(y) + 4));
			CHECK_EQ(o[1],
				 -((int)!!isfinite(x) + 2 * !!isfinite(y)));
			CHECK_EQ(o[2], !!isnan(x) + 2 * !!isinf(y) +
					   4 * !!signbit(x) + 8 * (x < y));
			CHECK_EQ(o[3], 5);
			CHECK_EQ(o[4], 2121);
			CHECK_EQ(o[5], (bits_of(x) & 0x7fffffff) |
					   (bits_of(y) & (int)0x80000000));
			CHECK_EQ(o[6], bits_of(fminf(fmaxf(x, -1.0f), 1.0f)));
			if (!isnan(x) && !isnan(y) && !isinf(x) && !isinf(y)) {
				CHECK_F(f_of(o[7]), x + (y - x) * 0.25f, 1, 0);
				CHECK_F(f_of(o[11]), y * 3 - 2.0f, 1, 0);
				CHECK_F(f_of(o[12]), 1.0f - x * 3, 1, 0);
				CHECK_F(f_of(o[13]), x * 2 - y, 1, 0);
				CHECK_F(f_of(o[23]), sqrtf(x * x + y * y), 1,
					0);
				double l = sqrt((double)x * x + (double)y * y);
				CHECK_EQ(o[14], bits_of((float)l));
				CHECK_EQ(o[15],
					 bits_of(l == 0 ? x : (float)(x / l)));
				CHECK_EQ(o[16], bits_of((float)l));
			}
			if (!isnan(x)) {
				CHECK_EQ(o[8], bits_of(x < 0.5f ? 0.0f : 1.0f));
				float t = fminf(fmaxf(x / 2.0f, 0), 1);
				CHECK_F(f_of(o[9]), t * t * (3 - 2 * t), 2, 0);
				CHECK_EQ(o[10], bits_of(x > 0	? 1.0f
							: x < 0 ? -1.0f
								: x));
			} else {
				CHECK_EQ(o[10], 0);
			}
			CHECK_EQ(o[17], 131213);
			CHECK_EQ(o[18], 4132);
			CHECK_EQ(
			    o[19],
			    bits_of(x *
				    (float)57.295779513082320876798154814105));
			CHECK_EQ(o[20], (x == y) + 10);
			CHECK_EQ(o[21], bits_of(x / y));
			CHECK_EQ(o[22], bits_of(sqrtf(fabsf(x))));
		}
		free(out);
	}
}

/* ----------------------------------------------------------- atomics */

static void call_atomic1(void *p)
{
	struct args *a = p;
	CALL(k_atomic1, a->p[0], (int *)S.g.local_mem, a->p[1]);
}

TEST(atomics_1x)
{
	for (int k = 0; k < 2; k++) {
		int g[9] = {0, 0, -1, 0, 0, 0, 0, 0, 0};
		uint64_t g64[2] = {0, 0}, sum64 = 0;
		struct args a = {dialects[k], {g, g64}};
		uint64_t gs = 24, ls = 8;
		run(1, &gs, &ls, NULL, 8, call_atomic1, &a);
		int x = 0;
		for (int i = 0; i < 24; i++) {
			x ^= i;
			sum64 += (uint64_t)i << 33;
		}
		CHECK_EQ(g[0], 24);
		CHECK_EQ(g[1], 276);
		CHECK_EQ(g[2], 23);
		CHECK_EQ(g[3], -23);
		CHECK_EQ(g[4], 0xffffff);
		CHECK_EQ(g[5], x);
		CHECK_EQ(g[6], 24);
		CHECK_EQ(g[7], 3 * (8 + 1000 - 16));
		CHECK_EQ(g[8], bits_of(2.5f));
		CHECK(g64[0] == sum64);
		CHECK_EQ(g64[1], 24);
	}
}

static void call_atomic2(void *p)
{
	struct args *a = p;
	k_atomic2_cl30(a->p[0], a->p[1], a->p[2], (int *)S.g.local_mem);
}

TEST(atomics_2x)
{
	int at[9] = {0, 0, -1, 0, 0, 0, 0, 0, 0}, out[17] = {0};
	int64_t b = 0, sum = 0;
	struct args a = {30, {at, &b, out}};
	uint64_t gs = 16, ls = 8;
	run(1, &gs, &ls, NULL, 4, call_atomic2, &a);
	for (int i = 0; i < 16; i++)
		sum += (int64_t)i << 34;
	CHECK_EQ(at[0], 16);
	CHECK_EQ(at[1], 120);
	CHECK_EQ(at[2], 15);
	CHECK_EQ(at[3], -32);
	CHECK_EQ(at[4], 0);
	CHECK_EQ(out[0], 16);
	CHECK_EQ(at[5], 48);
	CHECK(b == sum);
	CHECK_EQ(at[6], 2 * 255);
	CHECK_EQ(at[7], 42);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(out[1 + i], 1);
}

/* ------------------------------------------------------- collectives */

static void call_collective(void *p)
{
	struct args *a = p;
	k_collective_cl30(a->p[0], a->p[1], a->p[2]);
}

TEST(collectives)
{
	enum { N = 13, L = 5 };
	int in[N] = {3, -4, 7, 10, 2, -8, 5, 5, 1, 0, 9, -2, 6};
	int64_t *out = calloc(12 * N, sizeof(int64_t));
	double *dout = calloc(2 * N, sizeof(double));
	struct args a = {30, {in, out, dout}};
	uint64_t gs = N, ls = L;
	run(1, &gs, &ls, NULL, 0, call_collective, &a);
	for (int g0 = 0; g0 < N; g0 += L) {
		int n = N - g0 < L ? N - g0 : L;
		int64_t sum = 0, mn = INT32_MAX, mx = INT32_MIN, all = 1,
			any7 = 0, no7 = 1;
		for (int j = 0; j < n; j++) {
			int v = in[g0 + j];
			sum += v;
			mn = v < mn ? v : mn;
			mx = v > mx ? v : mx;
			all &= v > -1000;
			any7 |= v == 7;
			no7 &= v != 7;
		}
		int64_t inc = 0, emin = INT32_MAX, imax = INT64_MIN, emax = 0;
		float fmin_ = INFINITY;
		for (int j = 0; j < n; j++) {
			int v = in[g0 + j];
			int64_t *o = out + 12 * (g0 + j);
			CHECK_EQ(o[0], sum);
			CHECK_EQ(o[1], mn);
			CHECK_EQ(o[2], mx);
			CHECK_EQ(o[4], inc);
			inc += v;
			CHECK_EQ(o[3], inc);
			CHECK_EQ(o[5], emin);
			emin = v < emin ? v : emin;
			imax = v > imax ? v : imax;
			CHECK_EQ(o[6], imax);
			CHECK_EQ(o[7], in[g0 + 2]);
			CHECK_EQ(o[8], all + 2 * any7 + 4 * no7);
			CHECK_EQ(o[9], sum);
			CHECK_EQ(o[10], emax);
			emax = (uint32_t)(v + 1000) > emax
				   ? (uint32_t)(v + 1000)
				   : emax;
			CHECK_EQ(o[11], j);
			CHECK(dout[2 * (g0 + j)] == sum * 0.5);
			fmin_ = v < fmin_ ? v : fmin_;
			CHECK(dout[2 * (g0 + j) + 1] == fmin_);
		}
	}
	free(out);
	free(dout);
}

/* ------------------------------------------------- generic pointers */

static void call_addrspace(void *p)
{
	struct args *a = p;
	k_addrspace_cl30(a->p[0], (int *)S.g.local_mem, a->p[1]);
}

TEST(address_spaces)
{
	int *g = calloc(4, sizeof(int)), out[4] = {0};
	struct args a = {30, {g, out}};
	uint64_t gs = 4, ls = 4;
	run(1, &gs, &ls, NULL, 16, call_addrspace, &a);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(out[i], 0xfff);
	free(g);
}

/* ------------------------------------------------------- async copies */

static void call_async(void *p)
{
	struct args *a = p;
	char *l = S.g.local_mem;
	CALL(k_async, a->p[0], a->p[1], (float *)l, a->p[2], a->p[3],
	     (int *)(l + 128));
}

TEST(async_copy)
{
	for (int k = 0; k < 2; k++) {
		float src[64], dst[64] = {0};
		int s2[24], d2[24] = {0};
		for (int i = 0; i < 64; i++)
			src[i] = (float)i;
		for (int i = 0; i < 24; i++)
			s2[i] = 100 + i;
		struct args a = {dialects[k], {src, dst, s2, d2}};
		uint64_t gs = 8, ls = 4;
		run(1, &gs, &ls, NULL, 160, call_async, &a);
		for (int g = 0; g < 2; g++)
			for (int e = 0; e < 8; e++) {
				for (int c = 0; c < 4; c++) {
					int i = 4 * (8 * g + e) + c;
					CHECK(dst[i] ==
					      src[i] * (e < 4 ? 2 : 1));
				}
				CHECK_EQ(d2[g + 3 * e],
					 s2[g + 3 * e] + (e < 4));
			}
		CHECK_EQ(d2[2], 0);
	}
}

/* --------------------------------------------------------- vectors */

static void call_vec(void *p)
{
	struct args *a = p;
	CALL(k_vec, a->p[0], a->p[1], a->p[2], (int *)S.g.local_mem, a->p[3]);
}

static int64_t shl40(int32_t x)
{
	return (int64_t)((uint64_t)(int64_t)x << 40);
}

static int clz32(int32_t x)
{
	return x == 0 ? 32 : __builtin_clz((uint32_t)x);
}

TEST(vectors)
{
	enum { N = 8 };
	int in[4 * N + 4];
	float cf[4] = {1.5f, 2.5f, 3.0f, 4.0f};
	for (int i = 0; i < 4 * N + 4; i++)
		in[i] = (i * 2654435761u) >> (i % 5 * 4);
	in[1] = -3;
	in[2] = 0;
	for (int k = 0; k < 2; k++) {
		int *out = calloc(16 * N, sizeof(int));
		uint16_t *h = calloc(4 * N, 2);
		struct args a = {dialects[k], {in, out, cf, h}};
		uint64_t gs = N, ls = N;
		run(1, &gs, &ls, NULL, 4 * 8 * N, call_vec, &a);
		for (int i = 0; i < N; i++) {
			int *o = out + 16 * i, *v = in + 4 * i;
			CHECK_EQ(o[0], v[0]);
			CHECK_EQ(o[1], v[1]);
			uint8_t c[4];
			for (int j = 0; j < 4; j++)
				c[j] = (uint8_t)clamp64(v[j] >> 20, 0, 255);
			int32_t cw;
			memcpy(&cw, c, 4);
			CHECK_EQ(o[2], cw);
			CHECK_EQ(o[3], clz32(v[0]) + (clz32(v[1]) << 8) +
					   (clz32(v[2]) << 16) +
					   (clz32(v[3]) << 24));
			CHECK_EQ(o[4], 5 + 10 * 2 + 100 * 7 + 1000 * 4);
			CHECK_EQ(o[5], 11);
			CHECK_EQ(o[6], 6 * i);
			CHECK_EQ(o[7], -32768);
			CHECK_EQ(o[8], 32767);
			CHECK_EQ(o[9], 0 + 10 * -1);
			CHECK_EQ(
			    o[10],
			    (int)(((__int128)shl40(v[0]) * shl40(v[2])) >> 64));
			CHECK_EQ(
			    o[11],
			    (int)(((__int128)shl40(v[1]) * shl40(v[3])) >> 64));
			uint32_t u0 = v[0], u1 = v[1];
			CHECK_EQ(o[12], (int32_t)((u0 << 1) | (u0 >> 31)));
			CHECK_EQ(o[13], (int32_t)((u1 << 31) | (u1 >> 1)));
			CHECK_EQ(o[14], v[2]);
			CHECK_EQ(
			    o[15],
			    (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0) + 2);
		}
		free(out);
		free(h);
	}
}

/* ------------------------------------------------------- math sweep */

/* The order of HX_SWEEP in exec_kernels.cl, with the OpenCL C float ULP
 * bounds (lgamma has none: a loose relative bound catches gross errors). */
static const struct {
	const char *name;
	long double (*ref)(long double);
	double ulps;
} sweep[40] = {
    {"acos", acosl, 4},	     {"acosh", acoshl, 4},    {"asin", asinl, 4},
    {"asinh", asinhl, 4},    {"atan", atanl, 5},      {"atanh", atanhl, 5},
    {"cbrt", cbrtl, 2},	     {"ceil", ceill, 0},      {"cos", cosl, 4},
    {"cosh", coshl, 4},	     {"erf", erfl, 16},	      {"erfc", erfcl, 16},
    {"exp", expl, 3},	     {"exp2", exp2l, 3},      {"exp10", exp10l, 3},
    {"expm1", expm1l, 3},    {"fabs", fabsl, 0},      {"floor", floorl, 0},
    {"log", logl, 3},	     {"log2", log2l, 3},      {"log10", log10l, 3},
    {"log1p", log1pl, 2},    {"logb", logbl, 0},      {"rint", rintl, 0},
    {"round", roundl, 0},    {"rsqrt", NULL, 2},      {"sin", sinl, 4},
    {"sinh", sinhl, 4},	     {"sqrt", sqrtl, 3},      {"tan", tanl, 5},
    {"tanh", tanhl, 5},	     {"tgamma", tgammal, 16}, {"trunc", truncl, 0},
    {"lgamma", lgammal, -1}, {"sinpi", NULL, 4},      {"cospi", NULL, 4},
    {"tanpi", NULL, 6},	     {"acospi", NULL, 5},     {"asinpi", NULL, 5},
    {"atanpi", NULL, 5},
};

static long double sweep_ref(int j, long double x)
{
	if (sweep[j].ref)
		return sweep[j].ref(x);
	switch (j) {
	case 25:
		return 1.0L / sqrtl(x);
	case 34:
		return sinpi_ref(x);
	case 35:
		return cospi_ref(x);
	case 36:
		return tanpi_ref(x);
	case 37:
		return acosl(x) / M_PIl;
	case 38:
		return asinl(x) / M_PIl;
	default:
		return atanl(x) / M_PIl;
	}
}

static const double sweep_special[] = {
    0.0,   -0.0,    1.0,  -1.0,	    0.5,  -0.5,	 2.0,	   10.0,
    -10.0, 100.0,   1e-3, 1e-30,    1e30, -1e30, INFINITY, -INFINITY,
    NAN,   0.25,    0.75, 1.5,	    3.0,  88.0,	 -88.0,	   89.5,
    1e-40, 3.14159, 1e7,  123456.7, -2.5, 0.999, -0.999,   7.25,
};

enum { SWEEP_N = 64 };

static void sweep_inputs(double *in, int n)
{
	int ns = sizeof(sweep_special) / sizeof(sweep_special[0]);
	uint32_t r = 777;
	for (int i = 0; i < n; i++) {
		r = r * 1103515245u + 12345u;
		in[i] = i < ns ? sweep_special[i]
			       : ldexp((double)(r >> 8) / (1 << 24) - 0.5,
				       (int)(r % 24) - 8);
	}
}

static void check_sweep(int i, int j, double x, double got, long double ref,
			int is_float)
{
	double ulps = sweep[j].ulps;
	int ok;
	if (isnan(ref))
		ok = isnan(got);
	else if (isinf(ref))
		ok = got == (double)ref;
	else if (ulps < 0)
		ok = fabsl(got - ref) <= 1e-5L * fabsl(ref) + 1e-5L;
	else if (is_float)
		ok = (float)got == (float)ref ||
		     fabsl(got - ref) <= (ulps + 0.5) * ulp_f((double)ref);
	else
		ok = got == (double)ref ||
		     fabsl(got - ref) <=
			 (ulps + 0.5) *
			     ldexp(1.0, ilogb((double)ref) < -1022
					    ? -1074
					    : ilogb((double)ref) - 52);
	if (!ok)
		hx_test_fail(
		    __FILE__, __LINE__, "%s%s(%a): got %a want %La (item %d)",
		    sweep[j].name, is_float ? "" : "[double]", x, got, ref, i);
}

static void call_sweep_f(void *p)
{
	struct args *a = p;
	CALL(k_sweep_f, a->p[0], a->p[1], a->p[2]);
}

static void call_sweep_d(void *p)
{
	struct args *a = p;
	CALL(k_sweep_d, a->p[0], a->p[1], a->p[2]);
}

TEST(math_sweep_float)
{
	double din[SWEEP_N + 16];
	float in[SWEEP_N + 16];
	sweep_inputs(din, SWEEP_N + 16);
	for (int i = 0; i < SWEEP_N + 16; i++)
		in[i] = (float)din[i];
	for (int k = 0; k < 2; k++) {
		float *out = calloc(40 * SWEEP_N, sizeof(float));
		int bad[SWEEP_N] = {0};
		struct args a = {dialects[k], {in, out, bad}};
		uint64_t gs = SWEEP_N, ls = 16;
		run(1, &gs, &ls, NULL, 0, call_sweep_f, &a);
		for (int i = 0; i < SWEEP_N; i++) {
			CHECK_EQ(bad[i], 0);
			for (int j = 0; j < 40; j++)
				check_sweep(i, j, in[i], out[40 * i + j],
					    sweep_ref(j, in[i]), 1);
		}
		free(out);
	}
}

TEST(math_sweep_double)
{
	double in[SWEEP_N + 16];
	sweep_inputs(in, SWEEP_N + 16);
	for (int k = 0; k < 2; k++) {
		double *out = calloc(40 * SWEEP_N, sizeof(double));
		int bad[SWEEP_N] = {0};
		struct args a = {dialects[k], {in, out, bad}};
		uint64_t gs = SWEEP_N, ls = 16;
		run(1, &gs, &ls, NULL, 0, call_sweep_d, &a);
		for (int i = 0; i < SWEEP_N; i++) {
			CHECK_EQ(bad[i], 0);
			for (int j = 0; j < 40; j++)
				check_sweep(i, j, in[i], out[40 * i + j],
					    sweep_ref(j, in[i]), 0);
		}
		free(out);
	}
}

static long double sweep2_ref(int j, long double x, long double y)
{
	switch (j) {
	case 0:
		return powl(x, y);
	case 1:
		return atan2l(x, y);
	case 2:
		return hypotl(x, y);
	case 3:
		return fmodl(x, y);
	case 4:
		return remainderl(x, y);
	case 6:
		return isnan(x) || isnan(y) ? NAN : x > y ? x - y : 0;
	case 7:
		return copysignl(x, y);
	case 8:
		return fmaxl(x, y);
	case 9:
		return fminl(x, y);
	case 10:
		return atan2l(x, y) / M_PIl;
	case 11:
		return x < 0 || isnan(x) || isnan(y) || (x == 0 && y == 0) ||
			       (isinf(x) && y == 0) || (x == 1 && isinf(y))
			   ? NAN
			   : powl(x, y);
	case 12:
		return fabsl(x) > fabsl(y)   ? x
		       : fabsl(y) > fabsl(x) ? y
					     : fmaxl(x, y);
	default:
		return fabsl(x) < fabsl(y)   ? x
		       : fabsl(y) < fabsl(x) ? y
					     : fminl(x, y);
	}
}

static const double sweep2_ulps[14] = {16, 6, 4, 0, 0,	0, 0,
				       0,  0, 0, 6, 16, 0, 0};

static void check_sweep2(int i, int j, double x, double y, double got,
			 int is_float)
{
	long double ref;
	if (j == 5) /* nextafter: exact in the result type */
		ref =
		    is_float ? nextafterf((float)x, (float)y) : nextafter(x, y);
	else
		ref = sweep2_ref(j, x, y);
	if (is_float && j == 6)
		ref = (float)x > (float)y ? (float)((float)x - (float)y) : ref;
	double ulps = sweep2_ulps[j];
	int ok;
	if (isnan(ref))
		ok = isnan(got);
	else if (isinf(ref) || ref == 0)
		ok = got == (double)ref;
	else if (is_float)
		ok = (float)got == (float)ref ||
		     fabsl(got - ref) <= (ulps + 0.5) * ulp_f((double)ref);
	else
		ok = got == (double)ref ||
		     fabsl(got - ref) <=
			 (ulps + 0.5) *
			     ldexp(1.0, ilogb((double)ref) < -1022
					    ? -1074
					    : ilogb((double)ref) - 52);
	if (!ok)
		hx_test_fail(__FILE__, __LINE__,
			     "binary %d%s(%a, %a): got %a want %La (item %d)",
			     j, is_float ? "" : "[double]", x, y, got, ref, i);
}

static void call_sweep2_f(void *p)
{
	struct args *a = p;
	CALL(k_sweep2_f, a->p[0], a->p[1], a->p[2]);
}

static void call_sweep2_d(void *p)
{
	struct args *a = p;
	CALL(k_sweep2_d, a->p[0], a->p[1], a->p[2]);
}

TEST(math_sweep_binary)
{
	double din[SWEEP_N + 17];
	float fin[SWEEP_N + 17];
	sweep_inputs(din, SWEEP_N + 17);
	for (int i = 0; i < SWEEP_N + 17; i++)
		fin[i] = (float)din[i];
	for (int k = 0; k < 2; k++) {
		float *fo = calloc(14 * SWEEP_N, sizeof(float));
		double *dout = calloc(14 * SWEEP_N, sizeof(double));
		int fbad[SWEEP_N] = {0}, dbad[SWEEP_N] = {0};
		struct args af = {dialects[k], {fin, fo, fbad}};
		struct args ad = {dialects[k], {din, dout, dbad}};
		uint64_t gs = SWEEP_N, ls = 16;
		run(1, &gs, &ls, NULL, 0, call_sweep2_f, &af);
		run(1, &gs, &ls, NULL, 0, call_sweep2_d, &ad);
		for (int i = 0; i < SWEEP_N; i++) {
			CHECK_EQ(fbad[i], 0);
			CHECK_EQ(dbad[i], 0);
			for (int j = 0; j < 14; j++) {
				check_sweep2(i, j, fin[i], fin[i + 1],
					     fo[14 * i + j], 1);
				check_sweep2(i, j, din[i], din[i + 1],
					     dout[14 * i + j], 0);
			}
		}
		free(fo);
		free(dout);
	}
}

/* ------------------------------------------ integer functions, all types */

typedef __int128 i128;
typedef unsigned __int128 u128;

static i128 wrap_to(i128 v, int bits, int sgn)
{
	u128 m = bits == 64 ? (u128)UINT64_MAX : (((u128)1 << bits) - 1);
	u128 u = (u128)v & m;
	if (sgn && ((u >> (bits - 1)) & 1))
		return (i128)u - ((i128)1 << bits);
	return (i128)u;
}

static i128 t_min(int bits, int sgn)
{
	return sgn ? -((i128)1 << (bits - 1)) : 0;
}

static i128 t_max(int bits, int sgn)
{
	return sgn ? ((i128)1 << (bits - 1)) - 1 : ((i128)1 << bits) - 1;
}

static i128 sat(i128 v, int bits, int sgn)
{
	return v < t_min(bits, sgn)   ? t_min(bits, sgn)
	       : v > t_max(bits, sgn) ? t_max(bits, sgn)
				      : v;
}

/* Exact reference of function j for a type of the given bits and
 * signedness, on already wrapped arguments, as the kernel's (long). */
static int64_t int_ref(int j, int bits, int sgn, i128 a, i128 b, i128 c)
{
	u128 ua = (u128)wrap_to(a, bits, 0), ub = (u128)wrap_to(b, bits, 0);
	i128 r = 0;
	switch (j) {
	case 0:
		r = a < 0 ? -a : a;
		break;
	case 1:
		r = a > b ? a - b : b - a;
		break;
	case 2:
		r = sat(a + b, bits, sgn);
		break;
	case 3:
		r = sat(a - b, bits, sgn);
		break;
	case 4:
		r = (a + b) >> 1;
		break;
	case 5:
		r = (a + b + 1) >> 1;
		break;
	case 6:
		r = 0;
		for (int k = bits - 1; k >= 0 && !((ua >> k) & 1); k--)
			r++;
		break;
	case 7:
		for (int k = 0; k < bits; k++)
			r += (ua >> k) & 1;
		break;
	case 8:
	case 9:
		if (!sgn && bits == 64)
			r = (i128)((ua * ub) >> 64);
		else
			r = (a * b) >> bits;
		if (j == 9)
			r = wrap_to(r + c, bits, sgn);
		break;
	case 10:
		if (!sgn && bits == 64) {
			u128 p;
			int ovf = __builtin_mul_overflow(ua, ub, &p) ||
				  __builtin_add_overflow(p, (u128)c, &p);
			r = ovf || p > UINT64_MAX ? (i128)UINT64_MAX : (i128)p;
		} else {
			r = sat(a * b + c, bits, sgn);
		}
		break;
	case 11: {
		int s = (int)(ub % (unsigned)bits);
		u128 m =
		    bits == 64 ? (u128)UINT64_MAX : (((u128)1 << bits) - 1);
		r = wrap_to(
		    (i128)(((ua << s) | (s ? ua >> (bits - s) : 0)) & m), bits,
		    sgn);
		break;
	}
	case 12:
		r = a > b ? a : b;
		break;
	default:
		r = a < b ? a : b;
		break;
	}
	return (int64_t)wrap_to(r, 64, 1);
}

static void call_int_all(void *p)
{
	struct args *a = p;
	CALL(k_int_all, a->p[0], a->p[1], a->p[2]);
}

TEST(integer_all_types)
{
	static const char *tname[8] = {"char", "uchar", "short", "ushort",
				       "int",  "uint",	"long",	 "ulong"};
	int64_t in[64 + 18];
	uint64_t r = 99;
	static const int64_t special[] = {
	    0,		1,	   -1,	      2,	 127,
	    128,	-128,	   -129,      255,	 256,
	    32767,	-32768,	   65535,     INT32_MAX, INT32_MIN,
	    UINT32_MAX, INT64_MAX, INT64_MIN, 7,	 -7};
	for (int i = 0; i < 64 + 18; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		in[i] =
		    i < 20 ? special[i] : (int64_t)(r ^ (r >> 29)) >> (r % 60);
	}
	for (int k = 0; k < 2; k++) {
		int64_t *out = calloc(8 * 14 * 64, sizeof(int64_t));
		int *bad = calloc(8 * 64, sizeof(int));
		struct args a = {dialects[k], {in, out, bad}};
		uint64_t gs = 64, ls = 16;
		run(1, &gs, &ls, NULL, 0, call_int_all, &a);
		for (int t = 0; t < 8; t++) {
			int bits = 8 << (t / 2), sgn = !(t & 1);
			for (int i = 0; i < 64; i++) {
				if (bad[t * 64 + i])
					hx_test_fail(__FILE__, __LINE__,
						     "%s vector lanes differ: "
						     "mask %#x (item %d)",
						     tname[t], bad[t * 64 + i],
						     i);
				i128 x = wrap_to(in[i], bits, sgn),
				     y = wrap_to(in[i + 1], bits, sgn),
				     z = wrap_to(in[i + 2], bits, sgn);
				for (int j = 0; j < 14; j++) {
					int64_t want =
					    int_ref(j, bits, sgn, x, y, z);
					int64_t got =
					    out[(t * 14 + j) * 64 + i];
					if (got != want)
						hx_test_fail(
						    __FILE__, __LINE__,
						    "%s function %d (%lld, "
						    "%lld, %lld): got %lld "
						    "want %lld",
						    tname[t], j, (long long)x,
						    (long long)y, (long long)z,
						    (long long)got,
						    (long long)want);
				}
			}
		}
		free(out);
		free(bad);
	}
}

/* ------------------------------------------ conversions, all type pairs */

enum { CV_N = 32 };

static const char *cv_name[10] = {"char", "uchar", "short", "ushort", "int",
				  "uint", "long",  "ulong", "float",  "double"};

/* The same conservative ranges as IN_* in exec_kernels.cl. */
static int cv_in_range(int d, long double x)
{
	static const long double lo[8] = {-128,		  0, -32768,   0,
					  -2147483648.0L, 0, -0x1p63L, 0};
	static const long double hi[8] = {126,	   254,		  32766,
					  65534,   2147483646.0L, 4294967294.0L,
					  0x1p62L, 0x1p63L};
	return x >= lo[d] && x <= hi[d];
}

/* Reference for destination d, source s, variant v (ints: default, _sat,
 * _rte, _sat_rtn; floats: default, _rtz, _rtp) of input i. Returns 0 when
 * the result is unspecified, 2 when it must be a NaN. */
static int cv_ref(int d, int s, int v, const uint64_t *uin, const float *fin,
		  const double *din, int i, int64_t *want)
{
	long double x;
	if (s < 8)
		x = (long double)wrap_to((i128)(int64_t)uin[i], 8 << (s / 2),
					 !(s & 1));
	else
		x = s == 8 ? fin[i] : din[i];
	if (d < 8) {
		int bits = 8 << (d / 2), sgn = !(d & 1), satf = v & 1;
		if (s < 8) {
			i128 xi = wrap_to((i128)(int64_t)uin[i], 8 << (s / 2),
					  !(s & 1));
			*want = (int64_t)wrap_to(satf ? sat(xi, bits, sgn)
						      : wrap_to(xi, bits, sgn),
						 64, 1);
			return 1;
		}
		if (isnan(x)) {
			*want = 0;
			return satf;
		}
		long double r = v == 2	 ? rintl(x)
				: v == 3 ? floorl(x)
					 : truncl(x);
		if (!satf && !cv_in_range(d, x))
			return 0;
		if (r < (long double)t_min(bits, sgn))
			r = (long double)t_min(bits, sgn);
		if (r > (long double)t_max(bits, sgn))
			r = (long double)t_max(bits, sgn);
		*want = (int64_t)wrap_to((i128)r, 64, 1);
		return 1;
	}
	if (isnan(x))
		return 2;
	if (d == 8) {
		float f = (float)x;
		if (v == 1 && fabsl(f) > fabsl(x))
			f = nextafterf(f, 0.0f);
		if (v == 2 && f < x)
			f = nextafterf(f, INFINITY);
		uint32_t b;
		memcpy(&b, &f, 4);
		*want = b;
	} else {
		double f = (double)x;
		if (v == 1 && fabsl(f) > fabsl(x))
			f = nextafter(f, 0.0);
		if (v == 2 && f < x)
			f = nextafter(f, INFINITY);
		memcpy(want, &f, 8);
	}
	return 1;
}

static void call_convert_all(void *p)
{
	struct args *a = p;
	CALL(k_convert_all, a->p[0], a->p[1], a->p[2], a->p[3], a->p[4]);
}

TEST(convert_all_pairs)
{
	static const double fs[] = {0.5,
				    1.5,
				    2.5,
				    -0.5,
				    -1.5,
				    126.5,
				    127.5,
				    128.0,
				    255.5,
				    -128.5,
				    3e9,
				    -3e9,
				    1e20,
				    NAN,
				    INFINITY,
				    -INFINITY,
				    65535.5,
				    0.3,
				    -2.7,
				    16777217.0,
				    4294967296.0,
				    -0.0,
				    9007199254740993.0,
				    1e300,
				    -1e-300,
				    0x1.fffffffffffffp1023};
	static const uint64_t us[] = {0,
				      1,
				      UINT64_MAX,
				      127,
				      128,
				      255,
				      256,
				      (uint64_t)-129,
				      32767,
				      65535,
				      INT32_MAX,
				      0x80000000u,
				      UINT32_MAX,
				      (1ull << 53) + 1,
				      INT64_MAX,
				      1ull << 63,
				      (1ull << 24) + 1,
				      0x7fffffbfull,
				      0xffffff7fffffffffull};
	uint64_t uin[CV_N + 16];
	float fin[CV_N + 16];
	double din[CV_N + 16];
	uint64_t r = 5;
	int nf = sizeof(fs) / sizeof(fs[0]), nu = sizeof(us) / sizeof(us[0]);
	for (int i = 0; i < CV_N + 16; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		uin[i] = i < nu ? us[i] : r >> (r % 64);
		din[i] = i < nf ? fs[i]
				: ldexp((double)(r >> 11) / 0x1p53 - 0.5,
					(int)(r % 80) - 10);
		fin[i] = (float)din[i];
	}
	for (int k = 0; k < 2; k++) {
		int64_t *out = calloc(380 * 32, sizeof(int64_t));
		int *bad = calloc(380 * 32, sizeof(int));
		struct args a = {dialects[k], {uin, fin, din, out, bad}};
		uint64_t gs = CV_N, ls = 16;
		run(1, &gs, &ls, NULL, 0, call_convert_all, &a);
		int idx = 0;
		for (int d = 0; d < 10; d++)
			for (int s = 0; s < 10; s++)
				for (int v = 0; v < (d < 8 ? 4 : 3); v++, idx++)
					for (int i = 0; i < CV_N; i++) {
						int64_t want = 0,
							got = out[idx * 32 + i];
						int how =
						    cv_ref(d, s, v, uin, fin,
							   din, i, &want);
						if (bad[idx * 32 + i])
							hx_test_fail(
							    __FILE__, __LINE__,
							    "convert %s<-%s "
							    "variant %d: "
							    "vector lanes "
							    "differ (item %d)",
							    cv_name[d],
							    cv_name[s], v, i);
						double gd;
						memcpy(&gd, &got, 8);
						int ok =
						    how == 0 ||
						    (how == 2 &&
						     (d == 8 ? isnan(f_of((
								   int32_t)got))
							     : isnan(gd))) ||
						    (how == 1 && got == want);
						if (!ok)
							hx_test_fail(
							    __FILE__, __LINE__,
							    "convert %s<-%s "
							    "variant %d (item "
							    "%d): got %#llx "
							    "want %#llx",
							    cv_name[d],
							    cv_name[s], v, i,
							    (unsigned long long)
								got,
							    (unsigned long long)
								want);
					}
		CHECK_EQ(idx, 380);
		free(out);
		free(bad);
	}
}

/* ----------------------------------- select, shuffle, relational vectors */

static void call_vector_misc(void *p)
{
	struct args *a = p;
	CALL(k_vector_misc, a->p[0], a->p[1], a->p[2], a->p[3]);
}

TEST(vector_select_shuffle_relational)
{
	enum { N = 32 };
	int64_t src[N + 20];
	float sf[N + 20];
	double sd[N + 20];
	static const double sp[] = {0.0,       -0.0,  NAN,    INFINITY,
				    -INFINITY, 1e-40, 1e-310, -1.5,
				    2.0,       2.0,   3.5,    -7.0};
	uint64_t r = 3;
	for (int i = 0; i < N + 20; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		src[i] = (int64_t)(r ^ (r >> 31));
		sd[i] = i < 12 ? sp[i] : (double)(int64_t)(r >> 40) / 1000.0;
		sf[i] = (float)sd[i];
	}
	for (int k = 0; k < 2; k++) {
		int out[N] = {0};
		struct args a = {dialects[k], {src, sf, sd, out}};
		uint64_t gs = N, ls = 8;
		run(1, &gs, &ls, NULL, 0, call_vector_misc, &a);
		for (int i = 0; i < N; i++)
			CHECK_EQ(out[i], 0);
	}
}
