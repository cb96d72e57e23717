/* Kernel compiler: builds, options, metadata, binaries, cache, code that
 * runs (entry called per work-group), program-scope globals, mirrored
 * variant through a shadow-page MMU. Kernels with barriers need the
 * engine: test_compiler_engine.c. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cc_util.h"

static const hx_rt rt_plain = {cc_no_barrier, cc_no_printf, cc_identity};

/* A fresh, empty cache directory (inside the test cache when CTest sets
 * one) for tests that count clang runs. */
static void fresh_cache(void)
{
	static char dir[4096];
	const char *base = getenv("HMMCL_CACHE_DIR");

	snprintf(dir, sizeof(dir), "%s/fresh-XXXXXX",
		 base && *base ? base : "/tmp");
	mkdir(base && *base ? base : "/tmp", 0700);
	CHECK(mkdtemp(dir) != NULL);
	setenv("HMMCL_CACHE_DIR", dir, 1);
	unsetenv("HMMCL_CACHE");
}

static const char *vadd_src =
    "kernel void vadd(global const float *a, global const float *b,\n"
    "                 global float *c, float s) {\n"
    "  size_t i = get_global_id(0);\n"
    "  c[i] = a[i] + s * b[i];\n"
    "}\n";

TEST(build_runs_vadd)
{
	enum { N = 1000 };
	float a[N], b[N], c[N], s = 2.0f;
	float *pa = a, *pb = b, *pc = c;
	void *args[4] = {&pa, &pb, &pc, &s};
	hx_cprog *p = cc_build(vadd_src, "");
	hx_kernel_code kc = cc_code(p, "vadd", 0);

	for (int i = 0; i < N; i++)
		a[i] = (float)i, b[i] = (float)(N - i), c[i] = -1;
	/* 1000 = 15 groups of 64 + a short last group of 40. */
	cc_run_1d(&kc, args, N, 64, &rt_plain, NULL);
	for (int i = 0; i < N; i++)
		CHECK_EQ(c[i], (float)i + 2.0f * (float)(N - i));
	hx_compiler_release(p);
}

TEST(build_error_log)
{
	hx_cprog *p = NULL;
	char *log = NULL;
	const char *src =
	    "kernel void k(global int *a) {\n  a[0] = undeclared_thing;\n}\n";

	CHECK_ERR(hx_compiler_build(src, "", &p, &log),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK(p == NULL);
	CHECK(log != NULL);
	printf("%s", log);
	CHECK(strstr(log, "error:") != NULL);
	CHECK(strstr(log, "undeclared_thing") != NULL);
	CHECK(strstr(log, ":2:") != NULL); /* line number */
	free(log);
}

TEST(warnings_and_werror)
{
	const char *src =
	    "kernel void k(global int *a) { int unused_var; a[0] = 1; }\n"
	    "#warning custom_warning_here\n";
	hx_cprog *p = NULL;
	char *log = NULL;

	CHECK_CL(hx_compiler_build(src, "", &p, &log));
	CHECK(strstr(log, "custom_warning_here") != NULL);
	free(log);
	hx_compiler_release(p);
	CHECK_CL(hx_compiler_build(src, "-w", &p, &log));
	CHECK(strstr(log, "custom_warning_here") == NULL);
	free(log);
	hx_compiler_release(p);
	p = NULL;
	CHECK_ERR(hx_compiler_build(src, "-Werror", &p, &log),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK(strstr(log, "custom_warning_here") != NULL);
	free(log);
}

TEST(options_invalid)
{
	hx_cprog *p = NULL;
	char *log = NULL;

	CHECK_ERR(hx_compiler_build(vadd_src, "-fno-such-option", &p, &log),
		  CL_INVALID_BUILD_OPTIONS);
	free(log);
	CHECK_ERR(hx_compiler_build(vadd_src, "-cl-std=CL9.9", &p, NULL),
		  CL_INVALID_BUILD_OPTIONS);
	CHECK_ERR(hx_compiler_check_options("-cl-mad-enable -bogus"),
		  CL_INVALID_BUILD_OPTIONS);
	CHECK_ERR(hx_compiler_check_options("-create-library"),
		  CL_INVALID_BUILD_OPTIONS);
	CHECK_CL(hx_compiler_check_options(
	    "-D A=1 -DB -I /tmp -Idir -w -cl-mad-enable -cl-no-signed-zeros "
	    "-cl-finite-math-only -cl-unsafe-math-optimizations "
	    "-cl-denorms-are-zero -cl-single-precision-constant "
	    "-cl-opt-disable -cl-kernel-arg-info -g -cl-fast-relaxed-math "
	    "-cl-std=CL1.1"));
	CHECK(p == NULL);
}

TEST(options_defines)
{
	const char *src =
	    "kernel void k(global int *a) { a[0] = VAL + ADD; a[1] = FLAG; }\n";
	int out[2] = {0, 0}, *po = out;
	void *args[1] = {&po};
	hx_cprog *p = cc_build(
	    src,
	    "-D VAL=40 -DADD=2 -DFLAG -cl-fast-relaxed-math -cl-mad-enable");
	hx_kernel_code kc = cc_code(p, "k", 0);

	cc_run_1d(&kc, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out[0], 42);
	CHECK_EQ(out[1], 1);
	hx_compiler_release(p);
}

TEST(opt_disable_runs)
{
	enum { N = 100 };
	float a[N], b[N], c[N], s = 3.0f;
	float *pa = a, *pb = b, *pc = c;
	void *args[4] = {&pa, &pb, &pc, &s};
	hx_cprog *p = cc_build(vadd_src, "-cl-opt-disable -g");
	hx_kernel_code kc = cc_code(p, "vadd", 0);

	for (int i = 0; i < N; i++)
		a[i] = 1.0f, b[i] = (float)i;
	cc_run_1d(&kc, args, N, 10, &rt_plain, NULL);
	for (int i = 0; i < N; i++)
		CHECK_EQ(c[i], 1.0f + 3.0f * (float)i);
	hx_compiler_release(p);
}

TEST(cl_std_versions)
{
	const char *src12 =
	    "kernel void k(global int *a) { a[0] = __OPENCL_C_VERSION__; }\n";
	const char *src30 =
	    "global int counter;\n"
	    "int load(int *p) { return *p; }\n" /* generic pointer */
	    "kernel void k(global int *a) { a[0] = load(a) + counter; }\n";
	const char *ok[] = {"", "-cl-std=CL1.0", "-cl-std=CL1.1",
			    "-cl-std=CL1.2"};
	hx_cprog *p = NULL;
	char *log = NULL;

	for (int i = 0; i < 4; i++) {
		p = cc_build(src12, ok[i]);
		hx_compiler_release(p);
	}
	p = cc_build(src30, "-cl-std=CL3.0");
	CHECK_EQ(hx_compiler_globals_size(p), 4);
	hx_compiler_release(p);
	/* Program-scope variables and generic pointers are 2.0/3.0 only. */
	p = NULL;
	CHECK_ERR(hx_compiler_build(src30, "", &p, &log),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK(strstr(log, "error") != NULL);
	free(log);
	/* 2.0 is a real version the device does not report. */
	CHECK_ERR(hx_compiler_build(src12, "-cl-std=CL2.0", &p, &log),
		  CL_BUILD_PROGRAM_FAILURE);
	printf("%s", log);
	CHECK(strstr(log, "CL2.0") != NULL);
	CHECK(strstr(log, "not supported") != NULL);
	free(log);
	CHECK(p == NULL);
}

TEST(cl_std_version_macro)
{
	const char *src =
	    "kernel void k(global int *a) { a[0] = __OPENCL_C_VERSION__;\n"
	    "#ifdef __opencl_c_generic_address_space\n a[1] = 1;\n#else\n a[1] "
	    "= 0;\n#endif\n}\n";
	const char *opts[] = {"", "-cl-std=CL1.1", "-cl-std=CL3.0"};
	const int want[][2] = {{120, 0}, {110, 0}, {300, 1}};

	for (int i = 0; i < 3; i++) {
		int out[2] = {0, 0}, *po = out;
		void *args[1] = {&po};
		hx_cprog *p = cc_build(src, opts[i]);
		hx_kernel_code kc = cc_code(p, "k", 0);
		cc_run_1d(&kc, args, 1, 1, &rt_plain, NULL);
		CHECK_EQ(out[0], want[i][0]);
		CHECK_EQ(out[1], want[i][1]);
		hx_compiler_release(p);
	}
}

static const char *meta_src =
    "typedef struct { int a; float b; char c[9]; } S;\n"
    "__attribute__((reqd_work_group_size(4, 2, 1)))\n"
    "__attribute__((vec_type_hint(float4)))\n"
    "kernel void first(global float *restrict out, const S s, float3 v,\n"
    "                  constant int *c, local volatile int *l, char ch,\n"
    "                  double d, global const uint4 *in) {\n"
    "  local int tmp[10];\n"
    "  local double tmp2[3];\n"
    "  tmp[get_local_id(0)] = c[0];\n"
    "  tmp2[0] = d;\n"
    "  out[0] = s.b + v.x + l[0] + ch + tmp[get_local_id(0)] + tmp2[0] + "
    "in[0].x;\n"
    "}\n"
    "__attribute__((work_group_size_hint(8, 1, 1)))\n"
    "kernel void second(global int *a) {\n"
    "  a[get_local_id(0)] = 1;\n"
    "  barrier(CLK_GLOBAL_MEM_FENCE);\n"
    "  printf(\"%d\\n\", a[0]);\n"
    "}\n";

TEST(metadata)
{
	hx_cprog *p = cc_build(meta_src, "-cl-kernel-arg-info");
	const hx_kernel_meta *k;

	CHECK_EQ(hx_compiler_binary_type(p), CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	CHECK_EQ(hx_compiler_num_kernels(p), 2);
	CHECK_EQ(hx_compiler_find_kernel(p, "nope"), -1);
	k = hx_compiler_kernel(p, (size_t)hx_compiler_find_kernel(p, "first"));
	CHECK(!strcmp(k->name, "first"));
	CHECK_EQ(k->num_args, 8);
	CHECK_EQ(k->reqd_work_group_size[0], 4);
	CHECK_EQ(k->reqd_work_group_size[1], 2);
	CHECK_EQ(k->reqd_work_group_size[2], 1);
	CHECK(k->vec_type_hint && !strcmp(k->vec_type_hint, "float4"));
	printf("attributes: %s\n", k->attributes);
	CHECK(strstr(k->attributes, "reqd_work_group_size(4,2,1)") != NULL);
	CHECK(strstr(k->attributes, "vec_type_hint(float4)") != NULL);
	CHECK_EQ(k->flags & (HX_CODE_PER_ITEM | HX_CODE_USES_PRINTF), 0);
	/* int[10] at 0, double[3] (clang aligns both to 16) at 48: 72. */
	CHECK_EQ(k->local_static, 72);
	CHECK_EQ(k->args[0].address_qualifier, CL_KERNEL_ARG_ADDRESS_GLOBAL);
	CHECK_EQ(k->args[0].type_qualifier, CL_KERNEL_ARG_TYPE_RESTRICT);
	CHECK(!strcmp(k->args[0].type_name, "float*"));
	CHECK(!strcmp(k->args[0].name, "out"));
	CHECK_EQ(k->args[0].size, 8);
	CHECK_EQ(k->args[1].address_qualifier, CL_KERNEL_ARG_ADDRESS_PRIVATE);
	CHECK_EQ(k->args[1].size, 20);
	CHECK(!strcmp(k->args[1].type_name, "S"));
	CHECK_EQ(k->args[2].size, 16); /* float3 is 16 bytes */
	CHECK(!strcmp(k->args[2].type_name, "float3"));
	CHECK_EQ(k->args[3].address_qualifier, CL_KERNEL_ARG_ADDRESS_CONSTANT);
	CHECK_EQ(k->args[3].type_qualifier, CL_KERNEL_ARG_TYPE_CONST);
	CHECK_EQ(k->args[4].address_qualifier, CL_KERNEL_ARG_ADDRESS_LOCAL);
	CHECK_EQ(k->args[4].type_qualifier, CL_KERNEL_ARG_TYPE_VOLATILE);
	CHECK_EQ(k->args[4].size, 0);
	CHECK_EQ(k->args[5].size, 1);
	CHECK_EQ(k->args[6].size, 8);
	CHECK(!strcmp(k->args[7].type_name, "uint4*"));
	CHECK_EQ(k->args[7].type_qualifier, CL_KERNEL_ARG_TYPE_CONST);
	CHECK_EQ(k->args[7].access_qualifier, CL_KERNEL_ARG_ACCESS_NONE);
	k = hx_compiler_kernel(p, (size_t)hx_compiler_find_kernel(p, "second"));
	CHECK_EQ(k->flags & HX_CODE_PER_ITEM, HX_CODE_PER_ITEM);
	CHECK_EQ(k->flags & HX_CODE_USES_PRINTF, HX_CODE_USES_PRINTF);
	CHECK_EQ(k->work_group_size_hint[0], 8);
	CHECK(strstr(k->attributes, "work_group_size_hint(8,1,1)") != NULL);
	CHECK_EQ(k->local_static, 0);
	hx_compiler_release(p);
	/* Argument names only with -cl-kernel-arg-info. */
	p = cc_build(meta_src, "");
	k = hx_compiler_kernel(p, 0);
	CHECK(k->args[0].name == NULL);
	CHECK(k->args[0].type_name != NULL);
	hx_compiler_release(p);
}

TEST(binary_roundtrip)
{
	enum { N = 64 };
	float a[N], b[N], c[N], s = 0.5f;
	float *pa = a, *pb = b, *pc = c;
	void *args[4] = {&pa, &pb, &pc, &s};
	hx_cprog *p = cc_build(vadd_src, ""), *q = NULL;
	void *bin;
	size_t size;

	CHECK_CL(hx_compiler_binary(p, &bin, &size));
	CHECK(size > 64);
	hx_compiler_release(p);
	CHECK_CL(hx_compiler_load_binary(bin, size, &q));
	CHECK_EQ(hx_compiler_binary_type(q), CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	CHECK_EQ(hx_compiler_num_kernels(q), 1);
	CHECK_EQ(hx_compiler_kernel(q, 0)->num_args, 4);
	hx_kernel_code kc = cc_code(q, "vadd", 0);
	for (int i = 0; i < N; i++)
		a[i] = (float)i, b[i] = 2.0f;
	cc_run_1d(&kc, args, N, 16, &rt_plain, NULL);
	for (int i = 0; i < N; i++)
		CHECK_EQ(c[i], (float)i + 1.0f);
	hx_compiler_release(q);
	/* Garbage, truncation, a foreign ABI version. */
	q = NULL;
	CHECK_ERR(hx_compiler_load_binary(
		      "garbage garbage garbage garbage garbage", 40, &q),
		  CL_INVALID_BINARY);
	CHECK_ERR(hx_compiler_load_binary(bin, size - 1, &q),
		  CL_INVALID_BINARY);
	CHECK_ERR(hx_compiler_load_binary(bin, 10, &q), CL_INVALID_BINARY);
	((uint32_t *)bin)[3] ^= 0x100; /* abi field */
	CHECK_ERR(hx_compiler_load_binary(bin, size, &q), CL_INVALID_BINARY);
	((uint32_t *)bin)[3] ^= 0x100;
	memset((char *)bin + size - 200, 0x5a, 100); /* corrupt bitcode */
	CHECK_ERR(hx_compiler_load_binary(bin, size, &q), CL_INVALID_BINARY);
	CHECK(q == NULL);
	free(bin);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

TEST(cache_hit_path)
{
	hx_compiler_stats s0, s1, s2, s3;
	hx_kernel_code kc;
	double t0, t1, t2;

	fresh_cache();
	hx_compiler_get_stats(&s0);
	t0 = now_ms();
	hx_cprog *p = cc_build(vadd_src, "-DCOLD_CACHE_TEST");
	kc = cc_code(p, "vadd", 0);
	t1 = now_ms();
	hx_compiler_get_stats(&s1);
	CHECK_EQ(s1.clang_runs - s0.clang_runs, 1);
	CHECK_EQ(s1.codegens - s0.codegens, 1);
	hx_compiler_release(p);
	/* Same source and options: no clang, no code generation. */
	p = cc_build(vadd_src, "-DCOLD_CACHE_TEST");
	kc = cc_code(p, "vadd", 0);
	t2 = now_ms();
	hx_compiler_get_stats(&s2);
	CHECK_EQ(s2.clang_runs, s1.clang_runs);
	CHECK_EQ(s2.codegens, s1.codegens);
	CHECK(s2.cache_hits >= s1.cache_hits + 2);
	printf("cold build+code %.1f ms, cached %.1f ms\n", t1 - t0, t2 - t1);
	hx_compiler_release(p);
	/* The mirrored variant is a different cache entry. */
	p = cc_build(vadd_src, "-DCOLD_CACHE_TEST");
	kc = cc_code(p, "vadd", HX_CODE_MIRRORED);
	CHECK(kc.flags & HX_CODE_MIRRORED);
	hx_compiler_get_stats(&s3);
	CHECK_EQ(s3.codegens, s2.codegens + 1);
	hx_compiler_release(p);
	/* Different options, or the cache disabled: clang runs again. */
	p = cc_build(vadd_src, "-DCOLD_CACHE_TEST -DOTHER");
	hx_compiler_release(p);
	setenv("HMMCL_CACHE", "off", 1);
	p = cc_build(vadd_src, "-DCOLD_CACHE_TEST");
	hx_compiler_release(p);
	hx_compiler_get_stats(&s3);
	CHECK_EQ(s3.clang_runs, s2.clang_runs + 2);
}

static const char *globals_src = "global int counter = 5;\n"
				 "global float table[4] = { 1, 2, 3, 4 };\n"
				 "kernel void bump(global int *out) {\n"
				 "  static global int calls;\n"
				 "  out[0] = counter++;\n"
				 "  out[1] = ++calls;\n"
				 "  table[1] += 1.0f;\n"
				 "  out[2] = (int)table[1];\n"
				 "}\n";

TEST(program_globals_persist)
{
	int out[3], *po = out;
	void *args[1] = {&po};
	hx_cprog *p = cc_build(globals_src, "-cl-std=CL3.0");
	hx_kernel_code direct = cc_code(p, "bump", 0);
	hx_kernel_code mirrored = cc_code(p, "bump", HX_CODE_MIRRORED);

	CHECK_EQ(hx_compiler_globals_size(p), 4 + 16 + 4);
	for (int i = 0; i < 3; i++) {
		cc_run_1d(&direct, args, 1, 1, &rt_plain, NULL);
		CHECK_EQ(out[0], 5 + i);
		CHECK_EQ(out[1], 1 + i);
		CHECK_EQ(out[2], 3 + i);
	}
	/* Both variants share one definition of each variable. */
	cc_run_1d(&mirrored, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out[0], 8);
	CHECK_EQ(out[1], 4);
	CHECK_EQ(out[2], 6);
	hx_compiler_release(p);
	/* A new program starts from the initial values. */
	p = cc_build(globals_src, "-cl-std=CL3.0");
	direct = cc_code(p, "bump", 0);
	cc_run_1d(&direct, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out[0], 5);
	hx_compiler_release(p);
}

static const char *three_src =
    "global int total;\n"
    "static int twice(int v) { return 2 * v; }\n"
    "kernel void first(global int *out) { out[0] = twice(3); total += 1; }\n"
    "kernel void second(global int *out) {\n"
    "  first(out); out[1] = twice(out[0]) + 1; total += 10;\n"
    "  out[2] = total;\n"
    "}\n"
    "kernel void third(global int *out) { out[0] = -1; }\n";

/* A program's kernels are generated when first asked for, one at a time,
 * and share the program's global variables and the cache. */
TEST(kernels_generated_one_at_a_time)
{
	hx_compiler_stats s0, s1, s2, s3;
	int out[3] = {0}, *po = out;
	void *args[1] = {&po};

	fresh_cache();
	hx_cprog *p = cc_build(three_src, "-cl-std=CL3.0 -DONE_AT_A_TIME");
	hx_compiler_get_stats(&s0);
	hx_kernel_code second = cc_code(p, "second", 0);
	hx_compiler_get_stats(&s1);
	CHECK_EQ(s1.codegens - s0.codegens, 1);
	cc_run_1d(&second, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out[0], 6);
	CHECK_EQ(out[1], 13);
	CHECK_EQ(out[2], 11); /* first's += 1 inlined, then += 10 */
	hx_kernel_code first = cc_code(p, "first", 0);
	second = cc_code(p, "second", 0);
	hx_compiler_get_stats(&s2);
	CHECK_EQ(s2.codegens - s1.codegens, 1);
	out[0] = 0;
	cc_run_1d(&first, args, 1, 1, &rt_plain, NULL);
	cc_run_1d(&second, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out[2], 23); /* one variable: 11 + 1 + 11 */
	hx_compiler_release(p);
	/* Rebuilt: the two generated kernels come from the cache, the third
	 * is generated now. */
	p = cc_build(three_src, "-cl-std=CL3.0 -DONE_AT_A_TIME");
	first = cc_code(p, "first", 0);
	second = cc_code(p, "second", 0);
	hx_compiler_get_stats(&s3);
	CHECK_EQ(s3.codegens, s2.codegens);
	hx_kernel_code third = cc_code(p, "third", 0);
	hx_compiler_get_stats(&s3);
	CHECK_EQ(s3.codegens, s2.codegens + 1);
	cc_run_1d(&third, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out[0], -1);
	hx_compiler_release(p);
}

/* ---- a test MMU: the pages of one region map to a shadow copy whose
 * pages are in reverse order, everything else is identity. ---- */
enum { MMU_PAGES = 8, PAGE_SZ = 4096 };
static char *mmu_real, *mmu_shadow;
static _Atomic unsigned long mmu_calls, mmu_outside;

static void *mmu_translate(struct hx_group *g, uint64_t addr, uint64_t size,
			   uint32_t access)
{
	uint64_t lo = (uint64_t)(uintptr_t)mmu_real;

	mmu_calls++;
	CHECK(access >= 1 && access <= 3);
	if (addr < lo || addr >= lo + MMU_PAGES * PAGE_SZ) {
		mmu_outside++;
		return (void *)(uintptr_t)addr;
	}
	uint64_t page = (addr - lo) / PAGE_SZ, off = (addr - lo) % PAGE_SZ;
	/* The access must stay in its page: the compiler splits crossers. */
	CHECK(off + size <= PAGE_SZ);
	return mmu_shadow + (MMU_PAGES - 1 - page) * PAGE_SZ + off;
}

static float *shadow_of(float *p)
{
	uint64_t d = (uint64_t)((char *)p - mmu_real);

	return (float *)(mmu_shadow + (MMU_PAGES - 1 - d / PAGE_SZ) * PAGE_SZ +
			 d % PAGE_SZ);
}

static void mmu_setup(void)
{
	mmu_real = mmap(NULL, MMU_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mmu_shadow = mmap(NULL, MMU_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mmu_real != MAP_FAILED && mmu_shadow != MAP_FAILED);
	memset(mmu_real, 0, MMU_PAGES * PAGE_SZ);
	memset(mmu_shadow, 0, MMU_PAGES * PAGE_SZ);
}

static const char *mirror_src =
    "kernel void scale(global const float *in, global float *out,\n"
    "                  local float *scratch, int n) {\n"
    "  size_t i = get_global_id(0);\n"
    "  float priv[4];\n"
    "  scratch[get_local_id(0)] = in[i];\n"
    "  priv[i & 3] = scratch[get_local_id(0)] * 2.0f;\n"
    "  if (i < n) out[i] = priv[i & 3] + 1.0f;\n"
    "}\n"
    "kernel void unaligned(global const float *in, global float *out) {\n"
    "  size_t i = get_global_id(0);\n"
    "  float4 v = vload4(0, in + 4 * i + 1);\n" /* crosses pages */
    "  vstore4(v * 3.0f, 0, out + 4 * i + 1);\n"
    "}\n"
    "kernel void atomics(global int *c) { atomic_add(c, 1); atom_inc(c + 1); "
    "}\n";

TEST(mirrored_shadow_mmu)
{
	enum { N = 2048 }; /* 2 pages of floats in, 2 pages out */
	const hx_rt rt = {cc_no_barrier, cc_no_printf, mmu_translate};
	static char local_mem[4096];
	hx_cprog *p = cc_build(mirror_src, "");
	hx_kernel_code kc = cc_code(p, "scale", HX_CODE_MIRRORED);
	float *in, *out;
	int n = N;
	uint64_t loff = 0;
	void *args[4] = {&in, &out, &loff, &n};

	mmu_setup();
	in = (float *)mmu_real;
	out = (float *)(mmu_real + 2 * PAGE_SZ);
	for (int i = 0; i < N; i++) {
		in[i] = -1.0f; /* the real pages: must not be read */
		*shadow_of(&in[i]) = (float)i;
	}
	CHECK(kc.flags & HX_CODE_MIRRORED);
	cc_run_1d(&kc, args, N, 128, &rt, local_mem);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(*shadow_of(&out[i]), 2.0f * (float)i + 1.0f);
		CHECK_EQ(out[i], 0.0f); /* nothing written around the MMU */
	}
	printf("translate calls for %d loads + %d stores: %lu\n", N, N,
	       (unsigned long)mmu_calls);
	/* Once per page run, not per element (4 pages, a TLB per kind). */
	CHECK(mmu_calls <= 64);
	/* Private and __local accesses never reach the MMU. */
	CHECK_EQ(mmu_outside, 0);
	hx_compiler_release(p);
}

TEST(mirrored_page_crossing)
{
	enum { ITEMS = 1000 };
	const hx_rt rt = {cc_no_barrier, cc_no_printf, mmu_translate};
	hx_cprog *p = cc_build(mirror_src, "");
	hx_kernel_code kc = cc_code(p, "unaligned", HX_CODE_MIRRORED);
	float *in, *out;
	void *args[2] = {&in, &out};

	mmu_setup();
	in = (float *)mmu_real;			 /* 4001 floats: pages 0..3 */
	out = (float *)(mmu_real + 4 * PAGE_SZ); /* pages 4..7 */
	for (int i = 0; i < 4 * ITEMS + 1; i++)
		*shadow_of(&in[i]) = (float)i;
	cc_run_1d(&kc, args, ITEMS, 100, &rt, NULL);
	for (int i = 1; i < 4 * ITEMS + 1; i++)
		CHECK_EQ(*shadow_of(&out[i]), 3.0f * (float)i);
	CHECK_EQ(*shadow_of(&out[0]), 0.0f);
	hx_compiler_release(p);
}

TEST(mirrored_atomics)
{
	const hx_rt rt = {cc_no_barrier, cc_no_printf, mmu_translate};
	hx_cprog *p = cc_build(mirror_src, "");
	hx_kernel_code kc = cc_code(p, "atomics", HX_CODE_MIRRORED);
	int *c;
	void *args[1] = {&c};

	mmu_setup();
	c = (int *)(mmu_real + PAGE_SZ + 64);
	cc_run_1d(&kc, args, 300, 30, &rt, NULL);
	CHECK_EQ(c[0], 0);
	CHECK_EQ(*(int *)shadow_of((float *)c), 300);
	CHECK_EQ(*(int *)shadow_of((float *)(c + 1)), 300);
	hx_compiler_release(p);
}

TEST(direct_variant_ignores_mmu)
{
	const hx_rt rt = {cc_no_barrier, cc_no_printf, mmu_translate};
	hx_cprog *p = cc_build(mirror_src, "");
	hx_kernel_code kc = cc_code(p, "atomics", 0);
	int *c;
	void *args[1] = {&c};

	mmu_setup();
	c = (int *)mmu_real;
	cc_run_1d(&kc, args, 10, 5, &rt, NULL);
	CHECK_EQ(c[0], 10);
	CHECK_EQ(mmu_calls, 0);
	CHECK(!(kc.flags & HX_CODE_MIRRORED));
	hx_compiler_release(p);
}

TEST(compile_link_headers)
{
	const hx_cl_header hdrs[] = {
	    {"inc/helper.h", "int helper(int x);\n#define OFFSET 7\n"},
	};
	const char *lib_src = "#include \"inc/helper.h\"\nint helper(int x) { "
			      "return 3 * x + OFFSET; }\n";
	const char *main_src = "#include \"inc/helper.h\"\n"
			       "kernel void use(global int *a) { size_t i = "
			       "get_global_id(0); a[i] = helper(a[i]); }\n";
	hx_cprog *o1 = NULL, *o2 = NULL, *lib = NULL, *exe = NULL;
	char *log = NULL;
	int a[32], *pa = a;
	void *args[1] = {&pa};

	CHECK_CL(hx_compiler_compile(lib_src, "", hdrs, 1, &o1, &log));
	free(log);
	CHECK_CL(hx_compiler_compile(main_src, "-DUNUSED", hdrs, 1, &o2, &log));
	free(log);
	CHECK_EQ(hx_compiler_binary_type(o1),
		 CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT);
	CHECK_EQ(hx_compiler_num_kernels(o2), 1);
	hx_kernel_code kc;
	CHECK_ERR(hx_compiler_get_code(o2, 0, 0, &kc),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	/* A library, then an executable from the library and an object. */
	CHECK_CL(hx_compiler_link(&o1, 1, "-create-library", &lib, &log));
	free(log);
	CHECK_EQ(hx_compiler_binary_type(lib), CL_PROGRAM_BINARY_TYPE_LIBRARY);
	hx_cprog *in[2] = {o2, lib};
	CHECK_CL(hx_compiler_link(in, 2, "-cl-fast-relaxed-math", &exe, &log));
	free(log);
	CHECK_EQ(hx_compiler_binary_type(exe),
		 CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	kc = cc_code(exe, "use", 0);
	for (int i = 0; i < 32; i++)
		a[i] = i;
	cc_run_1d(&kc, args, 32, 8, &rt_plain, NULL);
	for (int i = 0; i < 32; i++)
		CHECK_EQ(a[i], 3 * i + 7);
	hx_compiler_release(exe);
	/* Missing definition: a link failure with a log line. */
	exe = NULL;
	CHECK_ERR(hx_compiler_link(&o2, 1, "", &exe, &log),
		  CL_LINK_PROGRAM_FAILURE);
	printf("%s", log);
	CHECK(strstr(log, "helper") != NULL);
	free(log);
	CHECK_ERR(hx_compiler_link(&o2, 1, "-cl-std=CL3.0", &exe, &log),
		  CL_INVALID_LINKER_OPTIONS);
	free(log);
	/* A header that is not given: a compile failure naming it. */
	CHECK_ERR(hx_compiler_compile(main_src, "", NULL, 0, &o1, &log) ==
			  CL_SUCCESS
		      ? 0
		      : CL_COMPILE_PROGRAM_FAILURE,
		  CL_COMPILE_PROGRAM_FAILURE);
	CHECK(strstr(log, "inc/helper.h") != NULL);
	free(log);
	/* Header names cannot escape the compiler's directory. */
	const hx_cl_header bad = {"../evil.h", "#define X 1\n"};
	hx_cprog *o3 = NULL;
	CHECK_ERR(hx_compiler_compile(main_src, "", &bad, 1, &o3, &log),
		  CL_COMPILE_PROGRAM_FAILURE);
	CHECK(strstr(log, "evil.h") != NULL);
	free(log);
	hx_compiler_release(o1);
	hx_compiler_release(o2);
	hx_compiler_release(lib);
}

TEST(local_memory_loop_mode)
{
	const char *src =
	    "kernel void k(global int *out, local int *arg_lm) {\n"
	    "  local int st[64];\n"
	    "  size_t l = get_local_id(0);\n"
	    "  st[l] = (int)get_global_id(0);\n"
	    "  arg_lm[l] = 1000;\n"
	    "  out[get_global_id(0)] = st[l] + arg_lm[l];\n"
	    "}\n";
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "k", 0);
	static char lm[4096] __attribute__((aligned(128)));
	int out[256], *po = out;
	uint64_t off = 512; /* __local argument after the static 256 bytes */
	void *args[2] = {&po, &off};

	CHECK_EQ(kc.local_static, 256);
	memset(lm, 0, sizeof(lm));
	cc_run_1d(&kc, args, 256, 64, &rt_plain, lm);
	for (int i = 0; i < 256; i++)
		CHECK_EQ(out[i], i + 1000);
	/* Static variables from offset 0, the argument at its offset. */
	CHECK_EQ(((int *)lm)[5], 192 + 5);
	CHECK_EQ(((int *)(lm + 512))[5], 1000);
	hx_compiler_release(p);
}

static char printf_fmt[64];
static int printf_count, printf_sum;
static double printf_float;

static int rec_printf(struct hx_group *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	snprintf(printf_fmt, sizeof(printf_fmt), "%s", fmt);
	printf_sum += va_arg(ap, int);
	printf_float = va_arg(ap, double);
	va_end(ap);
	printf_count++;
	return 0;
}

TEST(printf_lowering)
{
	const char *src = "kernel void k(float f) { printf(\"id %d f %f\\n\", "
			  "(int)get_global_id(0), f); }\n";
	const hx_rt rt = {cc_no_barrier, rec_printf, cc_identity};
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "k", 0);
	float f = 2.5f;
	void *args[1] = {&f};

	CHECK(kc.flags & HX_CODE_USES_PRINTF);
	cc_run_1d(&kc, args, 10, 5, &rt, NULL);
	CHECK_EQ(printf_count, 10);
	CHECK_EQ(printf_sum, 45);
	CHECK(printf_float == 2.5);
	CHECK(!strcmp(printf_fmt, "id %d f %f\n"));
	hx_compiler_release(p);
}

static void *build_thread(void *arg)
{
	char src[512];
	int id = (int)(intptr_t)arg, out[4], *po = out;
	void *args[1] = {&po};

	snprintf(src, sizeof(src),
		 "kernel void k(global int *a) { a[get_global_id(0)] = %d + "
		 "(int)get_global_id(0); }\n",
		 id * 100);
	for (int round = 0; round < 2; round++) {
		hx_cprog *p = cc_build(src, round ? "-DROUND2" : "");
		hx_kernel_code kc =
		    cc_code(p, "k", round ? HX_CODE_MIRRORED : 0);
		const hx_rt rt = {cc_no_barrier, cc_no_printf, cc_identity};
		cc_run_1d(&kc, args, 4, 2, &rt, NULL);
		for (int i = 0; i < 4; i++)
			CHECK_EQ(out[i], id * 100 + i);
		hx_compiler_release(p);
	}
	return NULL;
}

TEST(concurrent_builds)
{
	pthread_t t[4];

	fresh_cache();
	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, build_thread,
				     (void *)(intptr_t)i) == 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
}

TEST(libm_builtins_resolve)
{
	const char *src =
	    "kernel void m(global float4 *f, global double *d) {\n"
	    "  size_t i = get_global_id(0);\n"
	    "  f[i] = sin(f[i]) + exp(f[i]) + pow(f[i], (float4)2.0f) + "
	    "sqrt(f[i]);\n"
	    "  d[i] = cos(d[i]) + log(d[i] + 1.0);\n"
	    "}\n";
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "m", 0);
	float f[16];
	double d[4];
	float *pf = f;
	double *pd = d;
	void *args[2] = {&pf, &pd};

	for (int i = 0; i < 16; i++)
		f[i] = (float)i / 8.0f;
	for (int i = 0; i < 4; i++)
		d[i] = i;
	cc_run_1d(&kc, args, 4, 2, &rt_plain, NULL);
	for (int i = 0; i < 16; i++) {
		double x = (double)i / 8.0;
		double want = sin(x) + exp(x) + x * x + sqrt(x);
		CHECK(fabs(f[i] - want) < 1e-4 * (1 + fabs(want)));
	}
	for (int i = 0; i < 4; i++)
		CHECK(fabs(d[i] - (cos((double)i) + log(i + 1.0))) < 1e-12);
	hx_compiler_release(p);
}

TEST(mirrored_struct_copy_memcpy)
{
	const char *src =
	    "typedef struct { float v[30]; int tag; } Big;\n"
	    "kernel void copy(global const Big *in, global Big *out) {\n"
	    "  size_t i = get_global_id(0);\n"
	    "  Big b = in[i];\n"
	    "  b.tag += 1;\n"
	    "  out[i] = b;\n"
	    "}\n";
	const hx_rt rt = {cc_no_barrier, cc_no_printf, mmu_translate};
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "copy", HX_CODE_MIRRORED);
	enum { ITEMS = 60 }; /* 124-byte structs: several cross pages */
	char *in, *out;
	void *args[2] = {&in, &out};

	mmu_setup();
	in = mmu_real + 8;
	out = mmu_real + 4 * PAGE_SZ + 12;
	for (int i = 0; i < ITEMS * 124 / 4; i++)
		*shadow_of((float *)(in + 4 * i)) = (float)i;
	cc_run_1d(&kc, args, ITEMS, 6, &rt, NULL);
	for (int i = 0; i < ITEMS * 124 / 4; i++) {
		float want = (float)i;
		if (i % 31 == 30) { /* tag: an int bit pattern plus one */
			int t;
			memcpy(&t, &want, 4);
			t += 1;
			memcpy(&want, &t, 4);
		}
		CHECK(!memcmp(shadow_of((float *)(out + 4 * i)), &want, 4));
	}
	CHECK_EQ(mmu_outside, 0);
	hx_compiler_release(p);
}

TEST(ndrange_3d_byvalue_args)
{
	const char *src =
	    "typedef struct { int a; float b; char c[9]; } S;\n"
	    "constant int weights[3] = { 1, 100, 10000 };\n"
	    "kernel void inner(global int *o, int v) { o[0] = v; }\n"
	    "kernel void k3(global int *out, S s, int4 v, float3 f, uchar u) "
	    "{\n"
	    "  size_t x = get_global_id(0), y = get_global_id(1), z = "
	    "get_global_id(2);\n"
	    "  size_t idx = (z * get_global_size(1) + y) * get_global_size(0) "
	    "+ x;\n"
	    "  int w = (int)(x * weights[0] + y * weights[1] + z * "
	    "weights[2]);\n"
	    "  if (idx == 0) inner(out + 1000, s.a + s.c[8] + v.w + (int)f.z + "
	    "u);\n"
	    "  else out[idx] = w + (int)get_local_id(2) * 1000000;\n"
	    "}\n";
	hx_cprog *p = cc_build(src, NULL);
	hx_kernel_code kc = cc_code(p, "k3", 0);
	struct {
		int a;
		float b;
		char c[9];
	} s = {5, 0, {0, 0, 0, 0, 0, 0, 0, 0, 40}};
	int v[4] = {0, 0, 0, 300}, out[1001], *po = out;
	float f[4] = {0, 0, 7000, 0};
	unsigned char u = 200;
	void *args[5] = {&po, &s, v, f, &u};
	hx_ndrange nd = {0};
	const uint64_t gs[3] = {10, 6, 4}, ls[3] = {5, 3, 2};
	static char scratch[16 * 1024];

	CHECK_EQ(hx_compiler_kernel(p, (size_t)hx_compiler_find_kernel(p, "k3"))
		     ->args[1]
		     .size,
		 20);
	memset(out, 0xff, sizeof(out));
	nd.work_dim = 3;
	for (int d = 0; d < 3; d++) {
		nd.global_size[d] = gs[d];
		nd.local_size[d] = ls[d];
		nd.num_groups[d] = gs[d] / ls[d];
	}
	for (uint64_t gz = 0; gz < 2; gz++)
		for (uint64_t gy = 0; gy < 2; gy++)
			for (uint64_t gx = 0; gx < 2; gx++) {
				hx_group g = {0};
				g.nd = &nd;
				g.rt = &rt_plain;
				g.group_id[0] = gx, g.group_id[1] = gy,
				g.group_id[2] = gz;
				for (int d = 0; d < 3; d++)
					g.local_size[d] = ls[d];
				g.wg_scratch = scratch;
				kc.entry(args, &g);
			}
	CHECK_EQ(out[1000], 5 + 40 + 300 + 7000 + 200);
	for (int z = 0; z < 4; z++)
		for (int y = 0; y < 6; y++)
			for (int x = 0; x < 10; x++) {
				int idx = (z * 6 + y) * 10 + x;
				if (idx)
					CHECK_EQ(out[idx],
						 x + 100 * y + 10000 * z +
						     (z % 2) * 1000000);
			}
	hx_compiler_release(p);
}

TEST(include_relative_dir)
{
	char dir[] = "/tmp/hmmcl-inc-XXXXXX", path[256];
	const char *src = "#include \"myinc.h\"\nkernel void k(global int *a) "
			  "{ a[0] = FROM_HEADER; }\n";
	int out = 0, *po = &out;
	void *args[1] = {&po};
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sub/myinc.h", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fprintf(f, "#define FROM_HEADER 1234\n");
	fclose(f);
	/* A relative -I is relative to the application's directory. */
	CHECK(chdir(dir) == 0);
	hx_cprog *p = cc_build(src, "-I sub");
	hx_kernel_code kc = cc_code(p, "k", 0);
	cc_run_1d(&kc, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out, 1234);
	hx_compiler_release(p);
	/* The header changes: the cached build must not be reused. */
	f = fopen(path, "w");
	CHECK(f != NULL);
	fprintf(f, "#define FROM_HEADER 5678 /* longer */\n");
	fclose(f);
	p = cc_build(src, "-I sub");
	kc = cc_code(p, "k", 0);
	cc_run_1d(&kc, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out, 5678);
	hx_compiler_release(p);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

TEST(recursion_is_a_build_error)
{
	const char *src = "int f(int n) { return n ? n * f(n - 1) : 1; }\n"
			  "kernel void k(global int *a) { a[0] = f(a[1]); }\n";
	hx_cprog *p = NULL;
	char *log = NULL;

	CHECK_ERR(hx_compiler_build(src, "", &p, &log),
		  CL_BUILD_PROGRAM_FAILURE);
	printf("%s", log);
	CHECK(strstr(log, "recursi") != NULL);
	CHECK(p == NULL);
	free(log);
}

TEST(mirrored_skips_private_local_program_data)
{
	const char *src =
	    "constant float tbl[4] = { 1, 2, 3, 4 };\n"
	    "global int hits;\n"
	    "int sum_generic(int *p, int n) { int s = 0;\n"
	    "  for (int i = 0; i < n; i++) s += p[i]; return s; }\n"
	    "kernel void gen(global const float *in, global float *out, int n) "
	    "{\n"
	    "  int priv[8];\n"
	    "  local int loc[128];\n"
	    "  size_t i = get_global_id(0), l = get_local_id(0);\n"
	    "  for (int k = 0; k < 8; k++) priv[k] = k * n;\n"
	    "  loc[l] = (int)l;\n"
	    "  hits++;\n"
	    "  out[i] = in[i] * tbl[i & 3] + sum_generic(priv, n) + "
	    "sum_generic(&loc[l], 1);\n"
	    "}\n";
	const hx_rt rt = {cc_no_barrier, cc_no_printf, mmu_translate};
	static char lm[1024] __attribute__((aligned(128)));
	hx_cprog *p = cc_build(src, "-cl-std=CL3.0");
	hx_kernel_code kc = cc_code(p, "gen", HX_CODE_MIRRORED);
	float *in, *out;
	int n = 8;
	void *args[3] = {&in, &out, &n};

	mmu_setup();
	in = (float *)mmu_real;
	out = (float *)(mmu_real + 2 * PAGE_SZ);
	for (int i = 0; i < 256; i++)
		*shadow_of(&in[i]) = (float)i;
	cc_run_1d(&kc, args, 256, 128, &rt, lm);
	for (int i = 0; i < 256; i++)
		CHECK_EQ(*shadow_of(&out[i]),
			 (float)i * (float)(i % 4 + 1) + 8 * 28 + i % 128);
	/* Only the two buffers went through the MMU. */
	CHECK_EQ(mmu_outside, 0);
	CHECK(mmu_calls > 0);
	hx_compiler_release(p);
}

TEST(clang_missing)
{
	hx_cprog *p = NULL;
	char *log = NULL;

	setenv("HMMCL_CLANG", "/nonexistent/clang-16", 1);
	setenv("HMMCL_CACHE", "off", 1);
	CHECK_ERR(hx_compiler_build(vadd_src, "", &p, &log),
		  CL_COMPILER_NOT_AVAILABLE);
	printf("%s", log);
	CHECK(strstr(log, "/nonexistent/clang-16") != NULL);
	CHECK(p == NULL);
	free(log);
}

/* Inner loops are unroll-and-jammed across work-items: check results for
 * uniform and item-dependent trip counts, with and without aliasing. */
TEST(inner_loops_across_items)
{
	const char *src =
	    "kernel void mm(global const float *A, global const float *B,\n"
	    "               global float *C, int n) {\n"
	    "  int r = get_global_id(1), c = get_global_id(0);\n"
	    "  float s = 0;\n"
	    "  for (int k = 0; k < n; k++) s += A[r * n + k] * B[k * n + c];\n"
	    "  C[r * n + c] = s;\n"
	    "}\n"
	    "kernel void tri(global int *io) {\n"
	    "  int i = get_global_id(0), s = 0;\n"
	    "  for (int k = 0; k <= i % 37; k++) s += io[k] ^ k;\n"
	    "  io[1000 + i] = s;\n"
	    "}\n"
	    "kernel void chain(global float *out, float a) {\n"
	    "  float x = a, y = (float)get_local_id(0);\n"
	    "  for (int i = 0; i < 64; i++) { x = mad(x, 0.5f, y); y = mad(y, "
	    "0.25f, x); }\n"
	    "  out[get_global_id(0)] = y;\n"
	    "}\n";
	enum { N = 24 };
	hx_cprog *p = cc_build(src, "");
	for (uint32_t v = 0; v <= HX_CODE_MIRRORED; v += HX_CODE_MIRRORED) {
		const hx_rt rt = {cc_no_barrier, cc_no_printf, cc_identity};
		float A[N * N], B[N * N], C[N * N], *pa = A, *pb = B, *pc = C;
		int n = N, io[2000], *pio = io;
		void *margs[4] = {&pa, &pb, &pc, &n}, *targs[1] = {&pio};
		hx_kernel_code mm = cc_code(p, "mm", v),
			       tri = cc_code(p, "tri", v);
		hx_kernel_code chain = cc_code(p, "chain", v);
		hx_ndrange nd = {0};
		static char scratch[64 * 1024];

		for (int i = 0; i < N * N; i++)
			A[i] = (float)(i % 7), B[i] = (float)(i % 5) - 2,
			C[i] = -1;
		nd.work_dim = 2;
		for (int d = 0; d < 3; d++)
			nd.global_size[d] = nd.local_size[d] =
			    nd.num_groups[d] = 1;
		nd.global_size[0] = nd.global_size[1] = N;
		nd.local_size[0] = 12, nd.local_size[1] = 4;
		nd.num_groups[0] = 2, nd.num_groups[1] = 6;
		for (int gy = 0; gy < 6; gy++)
			for (int gx = 0; gx < 2; gx++) {
				hx_group g = {0};
				g.nd = &nd, g.rt = &rt, g.wg_scratch = scratch;
				g.group_id[0] = gx, g.group_id[1] = gy;
				g.local_size[0] = 12, g.local_size[1] = 4;
				g.local_size[2] = 1;
				mm.entry(margs, &g);
			}
		for (int r = 0; r < N; r++)
			for (int c = 0; c < N; c++) {
				float s = 0;
				for (int k = 0; k < N; k++)
					s += A[r * N + k] * B[k * N + c];
				CHECK_EQ(C[r * N + c], s);
			}
		for (int i = 0; i < 2000; i++)
			io[i] = i * 3;
		cc_run_1d(&tri, targs, 1000, 100, &rt, NULL);
		for (int i = 0; i < 1000; i++) {
			int s = 0;
			for (int k = 0; k <= i % 37; k++)
				s += (k * 3) ^ k;
			CHECK_EQ(io[1000 + i], s);
		}
		float out[1000], *po = out, a = 0.5f;
		void *cargs[2] = {&po, &a};
		/* Groups of 64 and a last one of 40: jam remainders. */
		cc_run_1d(&chain, cargs, 1000, 64, &rt, NULL);
		for (int i = 0; i < 1000; i++) {
			float x = 0.5f, y = (float)(i % 64);
			for (int k = 0; k < 64; k++) {
				x = fmaf(x, 0.5f, y);
				y = fmaf(y, 0.25f, x);
			}
			CHECK(out[i] == y ||
			      fabsf(out[i] - y) <= 1e-5f * fabsf(y));
		}
	}
	hx_compiler_release(p);
}

TEST(mirrored_interleaved_streams)
{
	enum { N = 2048 };
	const hx_rt rt = {cc_no_barrier, cc_no_printf, mmu_translate};
	const char *src =
	    "kernel void add(global const float *a, global const float *b,\n"
	    "                global float *c) {\n"
	    "  size_t i = get_global_id(0);\n"
	    "  c[i] = a[i] + b[i];\n"
	    "}\n";
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "add", HX_CODE_MIRRORED);
	float *a, *b, *c;
	void *args[3] = {&a, &b, &c};

	mmu_setup();
	a = (float *)mmu_real;		       /* pages 0-1 */
	b = (float *)(mmu_real + 2 * PAGE_SZ); /* pages 2-3 */
	c = (float *)(mmu_real + 4 * PAGE_SZ); /* pages 4-5 */
	for (int i = 0; i < N; i++)
		*shadow_of(&a[i]) = (float)i, *shadow_of(&b[i]) = 0.5f;
	cc_run_1d(&kc, args, N, 1024, &rt, NULL);
	for (int i = 0; i < N; i++)
		CHECK_EQ(*shadow_of(&c[i]), (float)i + 0.5f);
	printf("translate calls for 3 streams x 2 pages x 2 groups: %lu\n",
	       (unsigned long)mmu_calls);
	/* Each stream keeps its own TLB entry: a and b do not evict each
	 * other (that would be one call per vector, hundreds). */
	CHECK(mmu_calls <= 64);
	hx_compiler_release(p);
}

TEST(kernel_without_arguments)
{
	const char *src =
	    "global int g;\n"
	    "kernel void none(void) { g += (int)get_global_id(0); }\n"
	    "kernel void read_g(global int *o) { *o = g; }\n";
	hx_cprog *p = cc_build(src, "-cl-std=CL3.0");
	int out = -1, *po = &out;
	void *args[1] = {&po};

	CHECK_EQ(hx_compiler_num_kernels(p), 2);
	CHECK_EQ(hx_compiler_kernel(p, 0)->num_args, 0);
	CHECK(!strcmp(hx_compiler_kernel(p, 0)->name, "none"));
	hx_kernel_code none = cc_code(p, "none", 0);
	hx_kernel_code read_g = cc_code(p, "read_g", 0);
	cc_run_1d(&none, NULL, 10, 5, &rt_plain, NULL);
	cc_run_1d(&read_g, args, 1, 1, &rt_plain, NULL);
	CHECK_EQ(out, 45);
	hx_compiler_release(p);
}
