/* Kernels with barriers compiled as work-item loops (fission.c) against
 * the same kernels on one fiber per work-item (HMMCL_FISSION=0) and
 * against host references: barriers in loops and nested uniform ifs,
 * values of every type live across barriers, private and local arrays,
 * 2-D groups, collectives on uneven groups, async copies. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_util.h"
#include "engine.h"

static hx_engine *engine(void)
{
	static hx_engine *e;

	if (!e)
		e = hx_engine_create(0);
	CHECK(e != NULL);
	return e;
}

/* Runs an NDRange of 2 dimensions (3 with dims3) on the engine. */
static uint64_t dims3[2];

static void run(const hx_kernel_code *kc, void *const *args,
		const uint64_t global[2], const uint64_t local[2],
		uint64_t local_args)
{
	hx_ndrange nd = {0};
	struct hx_launch l = {0};
	struct hx_run_result res;

	nd.work_dim = dims3[0] ? 3 : global[1] > 1 ? 2 : 1;
	for (int d = 0; d < 3; d++)
		nd.global_size[d] = nd.local_size[d] = 1;
	for (int d = 0; d < 2; d++) {
		nd.global_size[d] = global[d];
		nd.local_size[d] = local[d];
	}
	if (dims3[0]) {
		nd.global_size[2] = dims3[0];
		nd.local_size[2] = dims3[1];
	}
	CHECK_CL(hx_ndrange_finish(&nd));
	l.code = kc;
	l.args = args;
	l.nd = &nd;
	l.local_bytes = kc->local_static + local_args;
	CHECK_CL(hx_engine_run(engine(), &l, &res));
	CHECK_EQ(res.error, HX_RUN_OK);
}

/* Builds src in one mode: fibers (loops 0) or work-item loops (1). */
static hx_kernel_code code_in(hx_cprog **p, const char *src, const char *opts,
			      const char *name, int loops)
{
	hx_kernel_code kc;

	setenv("HMMCL_FISSION", loops ? "1" : "0", 1);
	*p = cc_build(src, opts);
	kc = cc_code(*p, name, 0);
	unsetenv("HMMCL_FISSION");
	return kc;
}

/* Runs kernel name of src in both modes on out (bytes, zeroed first);
 * checks the modes' flags and that both produce the same bytes. Returns
 * the loop-mode result in out. */
static void both(const char *src, const char *opts, const char *name,
		 void *const *args, void *out, size_t bytes,
		 const uint64_t global[2], const uint64_t local[2],
		 uint64_t local_args, int want_loops)
{
	char *fib = malloc(bytes);

	CHECK(fib != NULL);
	for (int loops = 0; loops < 2; loops++) {
		hx_cprog *p;
		hx_kernel_code kc = code_in(&p, src, opts, name, loops);
		int per_item = (kc.flags & HX_CODE_PER_ITEM) != 0;
		/* want_loops < 0: a kernel without barriers */
		CHECK_EQ(per_item, want_loops >= 0 && !(loops && want_loops));
		memset(out, 0, bytes);
		run(&kc, args, global, local, local_args);
		if (!loops)
			memcpy(fib, out, bytes);
		hx_compiler_release(p);
	}
	CHECK(memcmp(fib, out, bytes) == 0);
	free(fib);
}

static const char *reduce_src =
    "kernel void reduce(global const float *in, global float *out,\n"
    "                   local float *tmp) {\n"
    "  size_t l = get_local_id(0);\n"
    "  tmp[l] = in[get_global_id(0)];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  for (size_t s = get_local_size(0) / 2; s > 0; s >>= 1) {\n"
    "    if (l < s) tmp[l] += tmp[l + s];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  if (l == 0) out[get_group_id(0)] = tmp[0];\n"
    "}\n";

TEST(tree_reduction_in_loops)
{
	enum { N = 16384 };
	static const uint64_t wgs[] = {1, 2, 64, 256, 1024};
	float *in = malloc(N * sizeof(float)), out[N];
	float *pi = in, *po = out;
	uint64_t off = 0;
	void *args[3] = {&pi, &po, &off};

	for (int i = 0; i < N; i++)
		in[i] = (float)(i % 13);
	for (size_t w = 0; w < sizeof(wgs) / sizeof(wgs[0]); w++) {
		uint64_t g[2] = {N, 1}, l[2] = {wgs[w], 1};
		both(reduce_src, "", "reduce", args, out,
		     N / wgs[w] * sizeof(float), g, l, wgs[w] * sizeof(float),
		     1);
		for (uint64_t grp = 0; grp < N / wgs[w]; grp++) {
			float want = 0;
			for (uint64_t i = grp * wgs[w]; i < (grp + 1) * wgs[w];
			     i++)
				want += in[i];
			CHECK_EQ(out[grp], want);
		}
	}
	/* Unoptimised code takes the same path. */
	uint64_t g[2] = {N, 1}, l[2] = {128, 1};
	both(reduce_src, "-cl-opt-disable", "reduce", args, out,
	     N / 128 * sizeof(float), g, l, 128 * sizeof(float), 1);
	float want = 0;
	for (int i = 5 * 128; i < 6 * 128; i++)
		want += in[i];
	CHECK_EQ(out[5], want);
	free(in);
}

/* Every kind of value crosses barriers inside a loop. */
static const char *live_src =
    "typedef struct { int a; float b; } pair;\n"
    "kernel void live(global double *out, local float *sh) {\n"
    "  int l = (int)get_local_id(0), n = (int)get_local_size(0);\n"
    "  char c = (char)l; short s = (short)(l * 3); uint u = l * 5u;\n"
    "  long lg = (long)l << 33; float f = l * 0.5f; double d = l * 0.25;\n"
    "  float4 v = (float4)(l, l + 1, l + 2, l + 3); int8 iv = (int8)(l);\n"
    "  uchar3 c3 = (uchar3)(l, 2 * l, 3 * l); bool b = (l & 1) != 0;\n"
    "  int arr[8]; pair pr = {l, l * 2.0f};\n"
    "  for (int k = 0; k < 8; k++) arr[k] = l * k;\n"
    "  for (int it = 0; it < 3; it++) {\n"
    "    sh[l] = f + it;\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    f = sh[(l + 1) % n];\n"
    "    arr[(l + it) & 7] += (int)f; v += f; iv.s3 += it; c3.y += 1;\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    pr.a += arr[it]; d += pr.b; lg += it; b = !b; c += 1; s -= 1;\n"
    "  }\n"
    "  double r = c + s + u + (double)(lg >> 33) + f + d + v.x + v.y + v.z\n"
    "    + v.w + iv.s7 + iv.s3 + c3.x + c3.y + c3.z + b + pr.a + pr.b;\n"
    "  for (int k = 0; k < 8; k++) r += arr[k] * (k + 1);\n"
    "  out[get_global_id(0)] = r;\n"
    "}\n";

TEST(values_of_every_type_live_across_barriers)
{
	enum { N = 96, WG = 32 };
	double out[N], *po = out;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[2] = {&po, &off};

	both(live_src, "", "live", args, out, sizeof(out), g, l,
	     WG * sizeof(float), 1);
	/* Item 0 by hand: f and d as computed by the loop. */
	CHECK(out[0] != 0);
	for (int i = 1; i < N; i++)
		CHECK(out[i] != out[i - 1]);
}

/* Barriers in nested ifs whose conditions are uniform (an argument). */
static const char *nested_src =
    "kernel void nested(global int *out, local int *sh, int mode) {\n"
    "  int l = (int)get_local_id(0), n = (int)get_local_size(0);\n"
    "  int acc = l;\n"
    "  if (mode > 0) {\n"
    "    sh[l] = acc;\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    acc += sh[n - 1 - l];\n"
    "    if (mode > 1) {\n"
    "      barrier(CLK_LOCAL_MEM_FENCE);\n"
    "      sh[l] = acc * 2;\n"
    "      barrier(CLK_LOCAL_MEM_FENCE);\n"
    "      acc += sh[(l + 1) % n];\n"
    "    }\n"
    "  } else {\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    acc -= 1;\n"
    "  }\n"
    "  for (int i = 0; i < mode; i++)\n"
    "    for (int j = 0; j < 2; j++) {\n"
    "      barrier(CLK_LOCAL_MEM_FENCE);\n"
    "      sh[l] = acc + j;\n"
    "      barrier(CLK_LOCAL_MEM_FENCE);\n"
    "      acc += sh[(l + j + 1) % n] & 7;\n"
    "    }\n"
    "  out[get_global_id(0)] = acc;\n"
    "}\n";

static int nested_ref(int l, int n, int mode)
{
	int acc[64], sh[64];

	for (int i = 0; i < n; i++)
		acc[i] = i;
	if (mode > 0) {
		for (int i = 0; i < n; i++)
			sh[i] = acc[i];
		for (int i = 0; i < n; i++)
			acc[i] += sh[n - 1 - i];
		if (mode > 1) {
			for (int i = 0; i < n; i++)
				sh[i] = acc[i] * 2;
			for (int i = 0; i < n; i++)
				acc[i] += sh[(i + 1) % n];
		}
	} else {
		for (int i = 0; i < n; i++)
			acc[i] -= 1;
	}
	for (int it = 0; it < mode; it++)
		for (int j = 0; j < 2; j++) {
			for (int i = 0; i < n; i++)
				sh[i] = acc[i] + j;
			for (int i = 0; i < n; i++)
				acc[i] += sh[(i + j + 1) % n] & 7;
		}
	return acc[l];
}

TEST(barriers_in_nested_uniform_ifs_and_loops)
{
	enum { N = 192, WG = 64 };
	int out[N], *po = out, mode;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[3] = {&po, &off, &mode};

	for (mode = 0; mode < 4; mode++) {
		both(nested_src, "", "nested", args, out, sizeof(out), g, l,
		     WG * sizeof(int), 1);
		for (int i = 0; i < N; i++)
			CHECK_EQ(out[i], nested_ref(i % WG, WG, mode));
	}
}

/* A uniform early return and a loop left by a uniform break. */
static const char *brk_src =
    "kernel void brk(global int *out, local int *sh, int stop) {\n"
    "  int l = (int)get_local_id(0), n = (int)get_local_size(0), acc = l;\n"
    "  if (stop < 0) return;\n"
    "  for (int i = 0;; i++) {\n"
    "    sh[l] = acc;\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    acc += sh[(l + 1) % n];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    if (i == stop) break;\n"
    "  }\n"
    "  out[get_global_id(0)] = acc;\n"
    "}\n";

TEST(uniform_return_and_break)
{
	enum { N = 64, WG = 16 };
	int out[N], *po = out, stop;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[3] = {&po, &off, &stop};

	for (stop = -1; stop < 4; stop++) {
		int acc[WG], sh[WG];
		both(brk_src, "", "brk", args, out, sizeof(out), g, l,
		     WG * sizeof(int), 1);
		for (int i = 0; i < WG; i++)
			acc[i] = i;
		for (int it = 0; it <= stop; it++) {
			memcpy(sh, acc, sizeof(sh));
			for (int i = 0; i < WG; i++)
				acc[i] += sh[(i + 1) % WG];
		}
		for (int i = 0; i < N; i++)
			CHECK_EQ(out[i], stop < 0 ? 0 : acc[i % WG]);
	}
}

/* 2-D tile transpose through a static __local array. */
static const char *transpose_src =
    "kernel void transpose(global const int *in, global int *out, int w) {\n"
    "  local int tile[8][9];\n"
    "  int x = get_local_id(0), y = get_local_id(1);\n"
    "  int gx = get_group_id(0) * 8, gy = get_group_id(1) * 8;\n"
    "  tile[y][x] = in[(gy + y) * w + gx + x];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  out[(gx + y) * w + gy + x] = tile[x][y];\n"
    "}\n";

TEST(two_dimensional_groups_and_static_local)
{
	enum { W = 32 };
	int in[W * W], out[W * W], *pi = in, *po = out, w = W;
	uint64_t g[2] = {W, W}, l[2] = {8, 8};
	void *args[3] = {&pi, &po, &w};

	for (int i = 0; i < W * W; i++)
		in[i] = i * 7 + 1;
	both(transpose_src, "", "transpose", args, out, sizeof(out), g, l, 0,
	     1);
	for (int y = 0; y < W; y++)
		for (int x = 0; x < W; x++)
			CHECK_EQ(out[x * W + y], in[y * W + x]);
}

/* 3-D groups: every item's linear id goes around the group. */
static const char *rot_src =
    "kernel void rot(global int *out, local int *sh) {\n"
    "  size_t x = get_local_id(0), y = get_local_id(1), z = get_local_id(2);\n"
    "  size_t nx = get_local_size(0), ny = get_local_size(1);\n"
    "  size_t n = nx * ny * get_local_size(2), i = (z * ny + y) * nx + x;\n"
    "  sh[i] = (int)(get_global_id(0) + 100 * get_global_id(1)\n"
    "                + 10000 * get_global_id(2));\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  int v = sh[(i + 1) % n];\n"
    "  size_t gx = get_global_size(0), gy = get_global_size(1);\n"
    "  out[(get_global_id(2) * gy + get_global_id(1)) * gx +\n"
    "      get_global_id(0)] = v;\n"
    "}\n";

TEST(three_dimensional_groups)
{
	enum { X = 8, Y = 6, Z = 4, LX = 4, LY = 3, LZ = 2 };
	int out[X * Y * Z], *po = out;
	uint64_t off = 0, g[2] = {X, Y}, l[2] = {LX, LY};
	void *args[2] = {&po, &off};

	dims3[0] = Z, dims3[1] = LZ;
	both(rot_src, "", "rot", args, out, sizeof(out), g, l,
	     LX * LY * LZ * sizeof(int), 1);
	dims3[0] = 0;
	for (int z = 0; z < Z; z++)
		for (int y = 0; y < Y; y++)
			for (int x = 0; x < X; x++) {
				int lx = x % LX, ly = y % LY, lz = z % LZ;
				int i = (lz * LY + ly) * LX + lx;
				int j = (i + 1) % (LX * LY * LZ);
				int jx = j % LX, jy = j / LX % LY,
				    jz = j / (LX * LY);
				int want = (x - lx + jx) + 100 * (y - ly + jy) +
					   10000 * (z - lz + jz);
				CHECK_EQ(out[(z * Y + y) * X + x], want);
			}
}

/* hmmcl-bench's tiled matmul (static __local tiles, barriers in a loop)
 * next to a barrier-free kernel with a static __local variable in the
 * same program. */
static const char *tiled_src =
    "#define TS 16\n"
    "kernel void tiled(int n, global const float *A, global const float *B,\n"
    "                  global float *C) {\n"
    "  local float As[TS][TS], Bs[TS][TS];\n"
    "  int lr = get_local_id(1), lc = get_local_id(0);\n"
    "  int r = get_global_id(1), c = get_global_id(0);\n"
    "  float acc = 0.0f;\n"
    "  for (int t = 0; t < n; t += TS) {\n"
    "    As[lr][lc] = A[r * n + t + lc];\n"
    "    Bs[lr][lc] = B[(t + lr) * n + c];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    for (int k = 0; k < TS; k++) acc += As[lr][k] * Bs[k][lc];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  C[r * n + c] = acc;\n"
    "}\n"
    "kernel void plain(int n, global const float *A, global const float *B,\n"
    "                  global float *C) {\n"
    "  local float one;\n"
    "  one = 1.0f;\n"
    "  size_t i = get_global_id(1) * n + get_global_id(0);\n"
    "  C[i] = A[i] * one + B[i];\n"
    "}\n";

TEST(tiled_matmul_with_static_local_tiles)
{
	enum { M = 64 };
	float *A = malloc(3 * M * M * sizeof(float)), *B = A + M * M,
	      *C = B + M * M;
	int n = M;
	uint64_t g[2] = {M, M}, l[2] = {16, 16};
	void *args[4] = {&n, &A, &B, &C};

	for (int i = 0; i < M * M; i++)
		A[i] = (float)(i % 7), B[i] = (float)(i % 5) - 2;
	both(tiled_src, "", "tiled", args, C, M * M * sizeof(float), g, l, 0,
	     1);
	for (int r = 0; r < M; r++)
		for (int c = 0; c < M; c++) {
			float want = 0;
			for (int k = 0; k < M; k++)
				want += A[r * M + k] * B[k * M + c];
			CHECK_EQ(C[r * M + c], want);
		}
	both(tiled_src, "", "plain", args, C, M * M * sizeof(float), g, l, 0,
	     -1);
	for (int i = 0; i < M * M; i++)
		CHECK_EQ(C[i], A[i] + B[i]);
	free(A);
}

/* Collectives on uneven groups (the last group is short). */
static const char *coll_src =
    "kernel void coll(global const int *in, global int *out) {\n"
    "  size_t i = get_global_id(0);\n"
    "  int v = in[i];\n"
    "  int r = work_group_reduce_add(v);\n"
    "  int si = work_group_scan_inclusive_add(v);\n"
    "  int se = work_group_scan_exclusive_max(v);\n"
    "  int bc = work_group_broadcast(v, get_local_size(0) - 1);\n"
    "  int an = work_group_any(v == 13), al = work_group_all(v >= 0);\n"
    "  out[4 * i] = r; out[4 * i + 1] = si; out[4 * i + 2] = se;\n"
    "  out[4 * i + 3] = bc + 1000 * an + 10000 * al;\n"
    "}\n";

TEST(collectives_on_uneven_groups)
{
	enum { N = 1000, WG = 64 };
	int in[N], *out = malloc(4 * N * sizeof(int)), *pi = in, *po = out;
	uint64_t g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[2] = {&pi, &po};

	for (int i = 0; i < N; i++)
		in[i] = (i * 37) % 101;
	both(coll_src, "-cl-std=CL3.0", "coll", args, out, 4 * N * sizeof(int),
	     g, l, 0, 1);
	for (int i0 = 0; i0 < N; i0 += WG) {
		int n = i0 + WG <= N ? WG : N - i0, sum = 0, inc = 0, mx = 0;
		int any = 0;
		for (int i = i0; i < i0 + n; i++)
			sum += in[i], any |= in[i] == 13;
		for (int i = i0; i < i0 + n; i++) {
			CHECK_EQ(out[4 * i], sum);
			inc += in[i];
			CHECK_EQ(out[4 * i + 1], inc);
			CHECK_EQ(out[4 * i + 2], i == i0 ? INT_MIN : mx);
			mx = i == i0 || in[i] > mx ? in[i] : mx;
			CHECK_EQ(out[4 * i + 3],
				 in[i0 + n - 1] + 1000 * any + 10000);
		}
	}
	free(out);
}

/* async_work_group_copy in and out around a stencil on __local data. */
static const char *async_src =
    "kernel void blur(global const float *in, global float *out,\n"
    "                 local float *a, local float *b) {\n"
    "  size_t n = get_local_size(0), base = get_group_id(0) * n;\n"
    "  size_t l = get_local_id(0);\n"
    "  event_t e = async_work_group_copy(a, in + base, n, 0);\n"
    "  wait_group_events(1, &e);\n"
    "  b[l] = (a[l] + a[(l + 1) % n] + a[(l + n - 1) % n]) / 3.0f;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  e = async_work_group_copy(out + base, b, n, 0);\n"
    "  wait_group_events(1, &e);\n"
    "}\n";

TEST(async_copies_around_barriers)
{
	enum { N = 512, WG = 128 };
	float in[N], out[N], *pi = in, *po = out;
	uint64_t offs[2] = {0, WG * sizeof(float)};
	uint64_t g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[4] = {&pi, &po, &offs[0], &offs[1]};

	for (int i = 0; i < N; i++)
		in[i] = (float)((i * 5) % 17);
	both(async_src, "", "blur", args, out, sizeof(out), g, l,
	     2 * WG * sizeof(float), 1);
	for (int i = 0; i < N; i++) {
		int b = i / WG * WG, k = i - b;
		float want =
		    (in[i] + in[b + (k + 1) % WG] + in[b + (k + WG - 1) % WG]) /
		    3.0f;
		CHECK_EQ(out[i], want);
	}
}

/* A private array too big for per-item context on the stack keeps one
 * fiber per item, with the same result. */
static const char *big_src =
    "kernel void big(global int *out, local int *sh) {\n"
    "  int p[300], l = (int)get_local_id(0);\n"
    "  for (int i = 0; i < 300; i++) p[i] = l * i;\n"
    "  sh[l] = p[l % 300];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  out[get_global_id(0)] = p[(l * 7) % 300] + sh[0];\n"
    "}\n";

TEST(large_private_context_keeps_fibers)
{
	enum { N = 128, WG = 64 };
	int out[N], *po = out;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[2] = {&po, &off};

	both(big_src, "", "big", args, out, sizeof(out), g, l, WG * sizeof(int),
	     0);
	for (int i = 0; i < N; i++)
		CHECK_EQ(out[i], (i % WG) * (((i % WG) * 7) % 300));
}

/* Breaks the barrier rule on purpose: items returning while others go
 * on to a barrier count as arrived and are skipped afterwards (the
 * slow nest with done flags; the per-region loops have no done test). */
static const char *early_src = "kernel void early(global int *out, int n) {\n"
			       "  int l = (int)get_global_id(0);\n"
			       "  out[l] = 1;\n"
			       "  barrier(CLK_GLOBAL_MEM_FENCE);\n"
			       "  if (get_local_id(0) >= n) return;\n"
			       "  out[l] += 10;\n"
			       "  barrier(CLK_GLOBAL_MEM_FENCE);\n"
			       "  out[l] += 100;\n"
			       "}\n";

TEST(items_returned_before_a_barrier_are_skipped)
{
	enum { N = 32, WG = 8 };
	int out[N], *po = out, n;
	uint64_t g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[2] = {&po, &n};
	hx_cprog *p;
	hx_kernel_code kc = code_in(&p, early_src, "", "early", 1);

	CHECK_EQ(kc.flags & HX_CODE_PER_ITEM, 0u);
	for (n = 0; n <= WG; n += 4) {
		memset(out, 0, sizeof(out));
		run(&kc, args, g, l, 0);
		for (int i = 0; i < N; i++)
			CHECK_EQ(out[i], i % WG < n ? 111 : 1);
	}
	hx_compiler_release(p);
}
