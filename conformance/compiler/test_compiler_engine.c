/* Compiled kernels run by the engine: barriers (per-item mode), work-group
 * collectives, the 3.0 language features together, and the mirrored
 * variant under the engine's MMU door. */
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

static void run(const hx_kernel_code *kc, void *const *args, uint64_t global,
		uint64_t local, uint64_t local_args, const struct hx_mmu *mmu)
{
	hx_ndrange nd = {0};
	struct hx_launch l = {0};
	struct hx_run_result res;

	nd.work_dim = 1;
	for (int d = 0; d < 3; d++)
		nd.global_size[d] = nd.local_size[d] = 1;
	nd.global_size[0] = global;
	nd.local_size[0] = local;
	CHECK_CL(hx_ndrange_finish(&nd));
	l.code = kc;
	l.args = args;
	l.nd = &nd;
	l.local_bytes = kc->local_static + local_args;
	l.mmu = mmu;
	CHECK_CL(hx_engine_run(engine(), &l, &res));
	CHECK_EQ(res.error, HX_RUN_OK);
}

static const char *reduce_src =
    "kernel void reduce(global const int *in, global int *out, local int *tmp) "
    "{\n"
    "  size_t l = get_local_id(0), n = get_local_size(0);\n"
    "  tmp[l] = in[get_global_id(0)];\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  for (size_t s = n / 2; s > 0; s >>= 1) {\n"
    "    if (l < s) tmp[l] += tmp[l + s];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  }\n"
    "  if (l == 0) out[get_group_id(0)] = tmp[0];\n"
    "}\n";

TEST(barrier_tree_reduction)
{
	enum { N = 8192, WG = 128 };
	int *in = malloc(N * sizeof(int)), out[N / WG], *po = out;
	uint64_t off = 0;
	void *args[3] = {&in, &po, &off};
	hx_cprog *p = cc_build(reduce_src, "");
	hx_kernel_code kc = cc_code(p, "reduce", 0);

	CHECK_EQ(!(kc.flags & HX_CODE_PER_ITEM), cc_fission_on());
	for (int i = 0; i < N; i++)
		in[i] = i % 97;
	run(&kc, args, N, WG, WG * sizeof(int), NULL);
	for (int g = 0; g < N / WG; g++) {
		int want = 0;
		for (int i = g * WG; i < (g + 1) * WG; i++)
			want += in[i];
		CHECK_EQ(out[g], want);
	}
	free(in);
	hx_compiler_release(p);
}

/* Generic pointers to all three named spaces, all_svm_devices atomics
 * under contention, program-scope globals, work_group_reduce_add. */
static const char *cl30_src =
    "global atomic_int total = ATOMIC_VAR_INIT(0);\n"
    "global int launches;\n"
    "int twice(int *p) { return 2 * *p; }\n"
    "kernel void k(global int *in, global int *sums, global atomic_int *cnt) "
    "{\n"
    "  local int l;\n"
    "  int priv = (int)get_local_id(0);\n"
    "  if (get_local_id(0) == 0) l = 5;\n"
    "  work_group_barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  int v = twice(&in[get_global_id(0)]) + twice(&l) - 10 + twice(&priv) - "
    "2 * priv;\n"
    "  int s = work_group_reduce_add(v);\n"
    "  if (get_local_id(0) == 0) sums[get_group_id(0)] = s;\n"
    "  atomic_fetch_add_explicit(cnt, 1, memory_order_relaxed, "
    "memory_scope_all_svm_devices);\n"
    "  atomic_fetch_add_explicit(&total, v, memory_order_seq_cst, "
    "memory_scope_device);\n"
    "  if (get_global_id(0) == 0) { launches++; sums[get_num_groups(0)] = "
    "launches;\n"
    "    sums[get_num_groups(0) + 1] = atomic_load(&total); }\n"
    "}\n";

TEST(cl30_features_together)
{
	enum { N = 4096, WG = 64, G = N / WG };
	int *in = malloc(N * sizeof(int)), sums[G + 2], cnt = 0;
	int *pin = in, *ps = sums, *pc = &cnt;
	void *args[3] = {&pin, &ps, &pc};
	hx_cprog *p = cc_build(cl30_src, "-cl-std=CL3.0");
	hx_kernel_code kc = cc_code(p, "k", 0);
	long all = 0;

	CHECK_EQ(!(kc.flags & HX_CODE_PER_ITEM), cc_fission_on());
	CHECK_EQ(hx_compiler_globals_size(p), 8);
	for (int i = 0; i < N; i++)
		in[i] = i - 1000, all += 2 * (i - 1000);
	(void)all;
	for (int launch = 1; launch <= 2; launch++) {
		run(&kc, args, N, WG, 0, NULL);
		for (int g = 0; g < G; g++) {
			long want = 0;
			for (int i = g * WG; i < (g + 1) * WG; i++)
				want += 2 * in[i];
			CHECK_EQ(sums[g], want);
		}
		CHECK_EQ(cnt, launch * N);
		CHECK_EQ(sums[G], launch); /* program-scope variable persists */
	}
	free(in);
	hx_compiler_release(p);
}

/* The engine's MMU door with a shadow page table for one region. */
enum { PAGES = 4, PG = 4096 };
static char *real_mem, *shadow_mem;
static _Atomic unsigned long mmu_calls;

static void *shadow_translate(void *ctx, unsigned worker, uint64_t addr,
			      uint64_t size, uint32_t access)
{
	uint64_t lo = (uint64_t)(uintptr_t)real_mem;

	mmu_calls++;
	if (addr < lo || addr >= lo + PAGES * PG)
		return (void *)(uintptr_t)addr;
	return shadow_mem + (addr - lo);
}

TEST(mirrored_with_barriers_on_engine)
{
	enum { N = 2048, WG = 128 };
	const struct hx_mmu mmu = {shadow_translate, NULL};
	hx_cprog *p = cc_build(reduce_src, "");
	hx_kernel_code kc = cc_code(p, "reduce", HX_CODE_MIRRORED);
	int *in, *out;
	uint64_t off = 0;
	void *args[3] = {&in, &out, &off};

	real_mem = calloc(PAGES, PG);
	shadow_mem = calloc(PAGES, PG);
	in = (int *)real_mem;
	out = (int *)(real_mem + 2 * PG);
	for (int i = 0; i < N; i++)
		((int *)shadow_mem)[i] = 1;
	CHECK(kc.flags & HX_CODE_MIRRORED);
	run(&kc, args, N, WG, WG * sizeof(int), &mmu);
	for (int g = 0; g < N / WG; g++) {
		CHECK_EQ(((int *)(shadow_mem + 2 * PG))[g], WG);
		CHECK_EQ(out[g], 0);
	}
	CHECK(mmu_calls > 0);
	free(real_mem);
	free(shadow_mem);
	hx_compiler_release(p);
}

TEST(printf_through_engine)
{
	const char *src =
	    "kernel void k(global int *a) {\n"
	    "  a[get_local_id(0)] = (int)get_local_id(0);\n"
	    "  barrier(CLK_GLOBAL_MEM_FENCE);\n"
	    "  if (get_global_id(0) == 3)\n"
	    "    printf(\"item %d sees %d, %.2f %v2d\\n\", "
	    "(int)get_global_id(0),\n"
	    "           a[(get_local_id(0) + 1) % 4], 1.5f, (int2)(7, 8));\n"
	    "}\n";
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "k", 0);
	int a[4], *pa = a;
	void *args[1] = {&pa};
	char path[] = "/tmp/hmmcl-printf-XXXXXX", text[256] = "";
	int fd = mkstemp(path), saved = dup(1);
	FILE *f;

	CHECK(fd >= 0 && saved >= 0);
	CHECK(kc.flags & HX_CODE_USES_PRINTF);
	fflush(stdout);
	dup2(fd, 1);
	run(&kc, args, 4, 4, 0, NULL);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	CHECK(fread(text, 1, sizeof(text) - 1, f) > 0);
	fclose(f);
	unlink(path);
	printf("kernel printed: %s", text);
	CHECK(strstr(text, "item 3 sees 0, 1.50 7,8") != NULL);
	hx_compiler_release(p);
}
