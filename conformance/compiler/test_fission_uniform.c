/* Uniform values and guarded regions in kernels with barriers
 * (fission.c): values that are the same for every item of a group are
 * kept once per group across barriers, and a region whose work is
 * guarded by "local id < uniform bound" runs its x loop only up to the
 * bound. Each kernel runs as work-item loops and on one fiber per item
 * (HMMCL_FISSION=0); both results must match each other and a host
 * reference. Values that look uniform but depend on the local id (a
 * divergent branch, a definition only some items run, a use that may
 * follow the definition in the same sweep) must stay per item. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void run(const hx_kernel_code *kc, void *const *args,
		const uint64_t global[2], const uint64_t local[2],
		uint64_t local_args)
{
	hx_ndrange nd = {0};
	struct hx_launch l = {0};
	struct hx_run_result res;

	nd.work_dim = global[1] > 1 ? 2 : 1;
	for (int d = 0; d < 3; d++)
		nd.global_size[d] = nd.local_size[d] = 1;
	for (int d = 0; d < 2; d++) {
		nd.global_size[d] = global[d];
		nd.local_size[d] = local[d];
	}
	CHECK_CL(hx_ndrange_finish(&nd));
	l.code = kc;
	l.args = args;
	l.nd = &nd;
	l.local_bytes = kc->local_static + local_args;
	CHECK_CL(hx_engine_run(engine(), &l, &res));
	CHECK_EQ(res.error, HX_RUN_OK);
}

static hx_kernel_code code_in(hx_cprog **p, const char *src, const char *name,
			      int loops)
{
	hx_kernel_code kc;

	setenv("HMMCL_FISSION", loops ? "1" : "0", 1);
	*p = cc_build(src, "");
	kc = cc_code(*p, name, 0);
	unsetenv("HMMCL_FISSION");
	return kc;
}

/* Kernel name of src in both modes on out (bytes, zeroed first): the
 * loop mode must have been chosen, both results must be equal; the
 * loop-mode result stays in out. */
static void both(const char *src, const char *name, void *const *args,
		 void *out, size_t bytes, const uint64_t global[2],
		 const uint64_t local[2], uint64_t local_args)
{
	char *fib = malloc(bytes);

	CHECK(fib != NULL);
	for (int loops = 0; loops < 2; loops++) {
		hx_cprog *p;
		hx_kernel_code kc = code_in(&p, src, name, loops);
		CHECK_EQ((kc.flags & HX_CODE_PER_ITEM) != 0, !loops);
		memset(out, 0, bytes);
		run(&kc, args, global, local, local_args);
		if (!loops)
			memcpy(fib, out, bytes);
		hx_compiler_release(p);
	}
	CHECK(memcmp(fib, out, bytes) == 0);
	free(fib);
}

/* Whether the IR HMMCL_DUMP_IR writes for src's loop-mode code before
 * O3 contains word (fission.c names the bound of a guarded x loop
 * "xbound"). */
static int pre_ir_has(const char *src, const char *name, const char *word)
{
	char dir[] = "/tmp/hx_uniform_XXXXXX", path[512], line[4096];
	hx_cprog *p;
	struct dirent *de;
	DIR *d;
	int found = 0;

	CHECK(mkdtemp(dir) != NULL);
	setenv("HMMCL_DUMP_IR", dir, 1);
	setenv("HMMCL_CACHE", "off", 1);
	(void)code_in(&p, src, name, 1);
	unsetenv("HMMCL_DUMP_IR");
	unsetenv("HMMCL_CACHE");
	hx_compiler_release(p);
	d = opendir(dir);
	CHECK(d != NULL);
	while ((de = readdir(d))) {
		FILE *fp;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fp = fopen(path, "r");
		CHECK(fp != NULL);
		if (strstr(de->d_name, "-pre.ll"))
			while (fgets(line, sizeof(line), fp))
				found |= strstr(line, word) != NULL;
		fclose(fp);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
	return found;
}

static const char *reduce_src =
    "kernel void reduce(global const float *in, global float *out,\n"
    "                   local float *tmp) {\n"
    "  size_t l = get_local_id(0), n = get_local_size(0);\n"
    "  tmp[l] = in[get_global_id(0)];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  for (size_t s = n / 2; s > 0; s >>= 1) {\n"
    "    if (l < s) tmp[l] += tmp[l + s];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  if (l == 0) out[get_group_id(0)] = tmp[0];\n"
    "}\n";

/* The tree reduction with every group size up to 1024, even and odd
 * (odd sizes lose their last element in this tree, on both sides). */
TEST(guarded_tree_reduction_all_group_sizes)
{
	enum { N = 4096 };
	static const uint64_t wgs[] = {1, 2, 3, 7, 16, 17, 64, 100, 256, 1024};
	float *in = malloc(N * sizeof(float)), *out = malloc(N * sizeof(float));
	float *pi = in, *po = out;
	uint64_t off = 0;
	void *args[3] = {&pi, &po, &off};

	CHECK(in && out);
	for (int i = 0; i < N; i++)
		in[i] = (float)(i % 7);
	CHECK(pre_ir_has(reduce_src, "reduce", "xbound"));
	for (size_t w = 0; w < sizeof(wgs) / sizeof(wgs[0]); w++) {
		uint64_t ng = N / wgs[w], g[2] = {ng * wgs[w], 1},
			 l[2] = {wgs[w], 1};
		both(reduce_src, "reduce", args, out, ng * sizeof(float), g, l,
		     wgs[w] * sizeof(float));
		for (uint64_t grp = 0; grp < ng; grp++) {
			float t[1024], want;
			for (uint64_t i = 0; i < wgs[w]; i++)
				t[i] = in[grp * wgs[w] + i];
			for (uint64_t s = wgs[w] / 2; s > 0; s >>= 1)
				for (uint64_t i = 0; i < s; i++)
					t[i] += t[i + s];
			want = t[0];
			CHECK_EQ(out[grp], want);
		}
	}
	free(in);
	free(out);
}

/* Uniform values from the group's ids, sizes and a kernel argument,
 * defined in one region and used after one or two barriers, in a loop
 * whose trip count is an argument. */
static const char *uvals_src =
    "kernel void uvals(global int *out, local int *t, int k) {\n"
    "  size_t l = get_local_id(0), n = get_local_size(0);\n"
    "  int base = (int)get_group_id(0) * k + (int)n;\n"
    "  long wide = (long)get_num_groups(0) << 33;\n"
    "  int acc = 0;\n"
    "  for (int it = 0; it < k; it++) {\n"
    "    t[l] = base + it + (int)l;\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    int step = base * 3 + it;\n"
    "    acc += t[(l + 1) % n];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    acc += step + (int)(wide >> 33);\n"
    "  }\n"
    "  out[get_global_id(0)] = acc + base;\n"
    "}\n";

TEST(uniform_values_across_barriers_in_loops)
{
	enum { N = 960, WG = 64 };
	int out[N], *po = out, k;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[3] = {&po, &off, &k};

	for (k = 0; k <= 5; k += 5) {
		both(uvals_src, "uvals", args, out, sizeof(out), g, l,
		     WG * sizeof(int));
		for (int i = 0; i < N; i++) {
			int grp = i / WG, li = i % WG, base = grp * k + WG;
			int acc = 0;
			for (int it = 0; it < k; it++)
				acc += base + it + (li + 1) % WG +
				       base * 3 + it + N / WG;
			CHECK_EQ(out[i], acc + base);
		}
	}
}

/* Look uniform, are not: a PHI where a divergent branch joins, a
 * uniform expression defined only by the item whose turn it is, and a
 * loop counter whose trip count is the local id. */
static const char *fake_src =
    "kernel void fake(global int *out, local int *t) {\n"
    "  size_t l = get_local_id(0), n = get_local_size(0);\n"
    "  int v = (int)n, w = -1, i;\n"
    "  t[l] = 2;\n"
    "  if (l & 1) {\n"
    "    v = (int)get_group_id(0) + 5;\n"
    "    out[get_global_id(0)] = 7;\n"
    "  }\n"
    "  for (int j = 0; j < (int)n; j++) {\n"
    "    if (l == (size_t)j) w = j * 2 + (int)get_group_id(0);\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  for (i = 0; i < (int)l; i++) ;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  out[get_global_id(0)] = v * 1000000 + w * 1000 + i + t[l] * 100;\n"
    "}\n";

TEST(local_id_dependent_values_stay_per_item)
{
	enum { N = 96, WG = 32 };
	int out[N], *po = out;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[2] = {&po, &off};

	both(fake_src, "fake", args, out, sizeof(out), g, l, WG * sizeof(int));
	for (int i = 0; i < N; i++) {
		int li = i % WG, grp = i / WG, v = li & 1 ? grp + 5 : WG;
		CHECK_EQ(out[i], v * 1000000 + (li * 2 + grp) * 1000 + li +
				     200);
	}
}

/* A uniform value redefined in a loop whose barrier sits in a uniform
 * if: on the iterations without a barrier the use follows the
 * definition in the same sweep and needs the new value, on the others
 * the old sweep's. */
static const char *resweep_src =
    "kernel void resweep(global int *out, local int *t) {\n"
    "  size_t l = get_local_id(0);\n"
    "  int acc = 0;\n"
    "  for (int it = 0; it < 7; it++) {\n"
    "    int v = it * 7 + (int)get_group_id(0);\n"
    "    if (it % 3 == 0) {\n"
    "      t[l] = v;\n"
    "      barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    }\n"
    "    acc += v * (int)(l + 1);\n"
    "  }\n"
    "  out[get_global_id(0)] = acc + t[0];\n"
    "}\n";

TEST(uniform_value_used_in_its_defining_sweep)
{
	enum { N = 64, WG = 16 };
	int out[N], *po = out;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[2] = {&po, &off};

	both(resweep_src, "resweep", args, out, sizeof(out), g, l,
	     WG * sizeof(int));
	for (int i = 0; i < N; i++) {
		int grp = i / WG, acc = 0;
		for (int it = 0; it < 7; it++)
			acc += (it * 7 + grp) * (i % WG + 1);
		CHECK_EQ(out[i], acc + 6 * 7 + grp);
	}
}

/* Guards of every shape: bound on either side, <=, signed with a
 * negative bound, the inverted form, a 2-D group (the guard on x skips
 * the tail of every row), and a guard whose else does work (no bound
 * may skip it). */
static const char *shapes_src =
    "kernel void shapes(global int *out, local int *t, int k) {\n"
    "  size_t l = get_local_id(0), n = get_local_size(0);\n"
    "  size_t li = get_local_id(1) * n + l;\n"
    "  int sl = (int)l, s = k - 3;\n"
    "  size_t u = n / 4 + (size_t)get_group_id(1);\n"
    "  t[li] = 0;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (l < u) t[li] += 1;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (u > l) t[li] += 2;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (sl <= s) t[li] += 4;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (l >= u) ; else t[li] += 8;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (l < u) t[li] += 16; else t[li] += 32;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  out[get_global_id(1) * get_global_size(0) + get_global_id(0)] =\n"
    "      t[li];\n"
    "}\n";

TEST(guard_shapes_on_1d_and_2d_groups)
{
	enum { X = 48, Y = 4, LX = 16, LY = 2 };
	int out[X * Y], *po = out, k;
	uint64_t off = 0, g[2] = {X, Y}, l[2] = {LX, LY};
	void *args[3] = {&po, &off, &k};
	static const int ks[] = {-100, 0, 3, 4, 10, 100};

	for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++) {
		k = ks[ki];
		both(shapes_src, "shapes", args, out, sizeof(out), g, l,
		     LX * LY * sizeof(int));
		for (int y = 0; y < Y; y++)
			for (int x = 0; x < X; x++) {
				int lx = x % LX, u = LX / 4 + y / LY, want = 0;
				want += lx < u ? 1 + 2 + 8 + 16 : 32;
				want += lx <= k - 3 ? 4 : 0;
				CHECK_EQ(out[y * X + x], want);
			}
	}
	/* Uneven 1-D groups: the last group is short. */
	uint64_t g1[2] = {45, 1}, l1[2] = {LX, 1};
	k = 9;
	both(shapes_src, "shapes", args, out, 45 * sizeof(int), g1, l1,
	     LX * sizeof(int));
	for (int x = 0; x < 45; x++) {
		int n = x < 32 ? LX : 45 - 32, lx = x % LX, u = n / 4;
		CHECK_EQ(out[x], (lx < u ? 27 : 32) + (lx <= 6 ? 4 : 0));
	}
}

/* The guard sits on one uniform path only: on the other path (the last
 * sweep, s == 0) every item has work, so the loop must not be bounded
 * there. */
static const char *paths_src =
    "kernel void paths(global const int *in, global int *out,\n"
    "                  local int *tmp) {\n"
    "  size_t l = get_local_id(0), n = get_local_size(0);\n"
    "  tmp[l] = in[get_global_id(0)];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  for (size_t s = n / 2;; s >>= 1) {\n"
    "    if (s == 0) {\n"
    "      out[get_global_id(0)] = tmp[0] * 100 + (int)l;\n"
    "      return;\n"
    "    }\n"
    "    if (l < s) tmp[l] = max(tmp[l], tmp[l + s]);\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "}\n";

TEST(guard_on_one_uniform_path_only)
{
	enum { N = 512, WG = 128 };
	int in[N], out[N], *pi = in, *po = out;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[3] = {&pi, &po, &off};

	for (int i = 0; i < N; i++)
		in[i] = (i * 53) % 1009;
	CHECK(pre_ir_has(paths_src, "paths", "xbound"));
	both(paths_src, "paths", args, out, sizeof(out), g, l,
	     WG * sizeof(int));
	for (int i = 0; i < N; i++) {
		int mx = 0;
		for (int j = i / WG * WG; j < (i / WG + 1) * WG; j++)
			mx = in[j] > mx ? in[j] : mx;
		CHECK_EQ(out[i], mx * 100 + i % WG);
	}
}

/* Not bounded: the failing side stores, or the guard's bound depends on
 * the item (recomputed after a barrier, or loaded from local memory). */
static const char *nobound_src =
    "kernel void nobound(global int *out, local int *t) {\n"
    "  size_t l = get_local_id(0), n = get_local_size(0);\n"
    "  size_t d = (l & 3) + 8;\n"
    "  t[l] = (int)l;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (l < d) t[l] += 10000;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (l < n / 2) t[l] += 100; else t[l] -= 100;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  if (l < (size_t)t[0] + 3) t[l] += 1000;\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  out[get_global_id(0)] = t[l];\n"
    "}\n";

TEST(guards_that_cannot_bound)
{
	enum { N = 64, WG = 32 };
	int out[N], *po = out;
	uint64_t off = 0, g[2] = {N, 1}, l[2] = {WG, 1};
	void *args[2] = {&po, &off};

	CHECK(!pre_ir_has(nobound_src, "nobound", "xbound"));
	both(nobound_src, "nobound", args, out, sizeof(out), g, l,
	     WG * sizeof(int));
	for (int i = 0; i < N; i++) {
		int li = i % WG, v = li < WG / 2 ? li + 100 : li - 100;
		v += li < (li & 3) + 8 ? 10000 : 0;
		CHECK_EQ(out[i], v + (li < 100 + 3 ? 1000 : 0));
	}
}
