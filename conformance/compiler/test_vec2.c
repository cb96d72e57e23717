/* Two-lane vectors in work-item loops with an inner loop: unroll-and-jam
 * copies the loop body for several items and narrow.c splits the copies'
 * <2 x T> arithmetic into scalars for the SLP vectoriser to pack across
 * items. Each kernel mixes lane-wise arithmetic, swizzles (shuffles),
 * single-lane updates (extract/insert), conversions and loop-carried
 * values; every item's result is checked against the same computation on
 * the host, in groups whose size is not a multiple of the jam count, in
 * both variants. A lane or item mixed up by the split shows as a wrong
 * value. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "cc_util.h"

enum { ITEMS = 1000, ITER = 37 };

static const char *src =
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    /* Element stores: a vector store's type-based alias class is char,
     * which keeps get_global_id's loads in the loop and the jam off. */
    "#define STORE2(name, T) void name(global T *out, T##2 v) {\\\n"
    "  out[2 * get_global_id(0)] = v.s0;\\\n"
    "  out[2 * get_global_id(0) + 1] = v.s1; }\n"
    "STORE2(store2f, float) STORE2(store2i, int) STORE2(store2d, double)\n"
    "kernel void f2(global float *out, int n) {\n"
    "  size_t i = get_local_id(0);\n"
    "  float a = (float)(i % 97) * 0.25f - 7.0f;\n"
    "  float2 x = (float2)(a, a + 1.0f);\n"
    "  float2 y = (float2)((float)get_local_id(0) * 0.125f, -0.5f);\n"
    "  for (int k = 0; k < n; k++) {\n"
    "    x = fma(x, (float2)(0.5f, -0.25f), y);\n"
    "    y = fma(y.yx, (float2)(0.25f, 0.375f), x) - (float2)(1.0f, 0.5f);\n"
    "    x.s1 += y.s0 * 0.125f;\n"
    "    x += convert_float2((int2)(k, k & 3)) * 0.0625f;\n"
    "  }\n"
    "  store2f(out, x * y + (float2)(x.s1, y.s1));\n"
    "}\n"
    /* clpeak's shape: a constant trip count, mad chains */
    "kernel void f2mad(global float *out) {\n"
    "  size_t i = get_local_id(0);\n"
    "  float2 x = (float2)((float)(i % 13) - 6.0f, 0.5f);\n"
    "  float2 y = (float2)(get_local_id(0)) * 0.01f;\n"
    "  for (int k = 0; k < 64; k++) {\n"
    "    x = mad(x, (float2)(0.5f, 0.25f), y);\n"
    "    y = mad(y, (float2)(0.25f, 0.5f), x);\n"
    "  }\n"
    "  store2f(out, x + y);\n"
    "}\n"
    "kernel void i2(global int *out, int n) {\n"
    "  size_t i = get_local_id(0);\n"
    "  int a = (int)(i * 2654435761u % 40000);\n"
    "  int2 x = (int2)(a, a ^ 0x55);\n"
    "  int2 y = (int2)((int)get_local_id(0), 3);\n"
    "  for (int k = 0; k < n; k++) {\n"
    "    x = ((x * (int2)(3, 5) + y) ^ (y.yx << 2)) & 0xffff;\n"
    "    y = (y + x - (int2)(7, 1)) & 0xfff;\n"
    "    y.s1 = y.s1 + (x.s0 >> 3);\n"
    "  }\n"
    "  store2i(out, x + y * 2);\n"
    "}\n"
    "kernel void d2(global double *out, int n) {\n"
    "  size_t i = get_local_id(0);\n"
    "  double a = (double)(i % 101) * 0.5 - 20.0;\n"
    "  double2 x = (double2)(a, -a);\n"
    "  double2 y = (double2)((double)get_local_id(0) / 64.0, 0.25);\n"
    "  for (int k = 0; k < n; k++) {\n"
    "    x = fma(x, (double2)(0.5, 0.25), y.yx);\n"
    "    y = y * (double2)(0.75, -0.5) - x * 0.125;\n"
    "  }\n"
    "  store2d(out, x - y);\n"
    "}\n";

static const hx_rt rt = {cc_no_barrier, cc_no_printf, cc_identity};
static const uint32_t variants[] = {0, HX_CODE_MIRRORED};
/* 96 and the last group's 40 are not multiples of the jam count; 1 runs
 * the loop's remainder only. Cases: both variants for each size. */
static const uint64_t locals[] = {96, 256, 1};
enum { NCASES = 2 * sizeof(locals) / sizeof(*locals) };

/* Relative error within tol (the kernels' maps are contractive: a mad
 * fused or not differs in the last bits only). */
static void check_near(double got, double want, double tol, size_t i)
{
	if (fabs(got - want) > tol * (1.0 + fabs(want)))
		hx_test_fail(__FILE__, __LINE__, "item %zu: %.17g, want %.17g",
			     i, got, want);
}

static void f2_ref(uint64_t lid, int n, float out[2])
{
	float a = (float)(lid % 97) * 0.25f - 7.0f;
	float x0 = a, x1 = a + 1.0f, y0 = (float)lid * 0.125f, y1 = -0.5f;

	for (int k = 0; k < n; k++) {
		float t0, t1;
		x0 = fmaf(x0, 0.5f, y0);
		x1 = fmaf(x1, -0.25f, y1);
		t0 = fmaf(y1, 0.25f, x0) - 1.0f;
		t1 = fmaf(y0, 0.375f, x1) - 0.5f;
		y0 = t0;
		y1 = t1;
		x1 += y0 * 0.125f;
		x0 += (float)k * 0.0625f;
		x1 += (float)(k & 3) * 0.0625f;
	}
	out[0] = x0 * y0 + x1;
	out[1] = x1 * y1 + y1;
}

TEST(float2_jammed_loop)
{
	hx_cprog *p = cc_build(src, "");
	static float out[ITEMS][2];
	float *pout = &out[0][0];
	int n = ITER;
	void *args[2] = {&pout, &n};

	for (size_t c = 0; c < NCASES; c++) {
		hx_kernel_code kc = cc_code(p, "f2", variants[c % 2]);
		uint64_t local = locals[c / 2];
		memset(out, 0, sizeof(out));
		cc_run_1d(&kc, args, ITEMS, local, &rt, NULL);
		for (size_t i = 0; i < ITEMS; i++) {
			float want[2];
			f2_ref(i % local, n, want);
			check_near(out[i][0], want[0], 1e-4, i);
			check_near(out[i][1], want[1], 1e-4, i);
		}
	}
	hx_compiler_release(p);
}

TEST(float2_mad_chains)
{
	hx_cprog *p = cc_build(src, "");
	static float out[ITEMS][2];
	float *pout = &out[0][0];
	void *args[1] = {&pout};

	for (size_t c = 0; c < NCASES; c++) {
		hx_kernel_code kc = cc_code(p, "f2mad", variants[c % 2]);
		uint64_t local = locals[c / 2];
		memset(out, 0, sizeof(out));
		cc_run_1d(&kc, args, ITEMS, local, &rt, NULL);
		for (size_t i = 0; i < ITEMS; i++) {
			float x0 = (float)(i % local % 13) - 6.0f, x1 = 0.5f;
			float y0 = (float)(i % local) * 0.01f, y1 = y0;
			for (int k = 0; k < 64; k++) {
				x0 = fmaf(x0, 0.5f, y0);
				x1 = fmaf(x1, 0.25f, y1);
				y0 = fmaf(y0, 0.25f, x0);
				y1 = fmaf(y1, 0.5f, x1);
			}
			check_near(out[i][0], x0 + y0, 1e-4, i);
			check_near(out[i][1], x1 + y1, 1e-4, i);
		}
	}
	hx_compiler_release(p);
}

TEST(int2_jammed_loop)
{
	hx_cprog *p = cc_build(src, "");
	static int out[ITEMS][2];
	int *pout = &out[0][0], n = ITER;
	void *args[2] = {&pout, &n};

	for (size_t c = 0; c < NCASES; c++) {
		hx_kernel_code kc = cc_code(p, "i2", variants[c % 2]);
		uint64_t local = locals[c / 2];
		memset(out, 0, sizeof(out));
		cc_run_1d(&kc, args, ITEMS, local, &rt, NULL);
		for (size_t i = 0; i < ITEMS; i++) {
			uint64_t lid = i % local;
			int a = (int)(lid * 2654435761u % 40000);
			int x0 = a, x1 = a ^ 0x55, y0 = (int)lid, y1 = 3;
			for (int k = 0; k < n; k++) {
				int t0 = ((x0 * 3 + y0) ^ (y1 << 2)) & 0xffff;
				int t1 = ((x1 * 5 + y1) ^ (y0 << 2)) & 0xffff;
				x0 = t0;
				x1 = t1;
				y0 = (y0 + x0 - 7) & 0xfff;
				y1 = (y1 + x1 - 1) & 0xfff;
				y1 = y1 + (x0 >> 3);
			}
			CHECK_EQ(out[i][0], x0 + y0 * 2);
			CHECK_EQ(out[i][1], x1 + y1 * 2);
		}
	}
	hx_compiler_release(p);
}

TEST(double2_jammed_loop)
{
	hx_cprog *p = cc_build(src, "");
	static double out[ITEMS][2];
	double *pout = &out[0][0];
	int n = ITER;
	void *args[2] = {&pout, &n};

	for (size_t c = 0; c < NCASES; c++) {
		hx_kernel_code kc = cc_code(p, "d2", variants[c % 2]);
		uint64_t local = locals[c / 2];
		memset(out, 0, sizeof(out));
		cc_run_1d(&kc, args, ITEMS, local, &rt, NULL);
		for (size_t i = 0; i < ITEMS; i++) {
			double a = (double)(i % local % 101) * 0.5 - 20.0;
			double x0 = a, x1 = -a;
			double y0 = (double)(i % local) / 64.0, y1 = 0.25;
			for (int k = 0; k < n; k++) {
				x0 = fma(x0, 0.5, y1);
				x1 = fma(x1, 0.25, y0);
				y0 = y0 * 0.75 - x0 * 0.125;
				y1 = y1 * -0.5 - x1 * 0.125;
			}
			check_near(out[i][0], x0 - y0, 1e-12, i);
			check_near(out[i][1], x1 - y1, 1e-12, i);
		}
	}
	hx_compiler_release(p);
}
