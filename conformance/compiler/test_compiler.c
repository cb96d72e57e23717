/* Kernel compiler: builds, options, metadata, binaries, cache, code that
 * runs (entry called per work-group), program-scope globals, mirrored
 * variant through a shadow-page MMU. Kernels with barriers need the
 * engine: test_compiler_engine.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cc_util.h"

static const hx_rt rt_plain = { cc_no_barrier, cc_no_printf, cc_identity };

/* A fresh, empty cache directory for tests that count clang runs. */
static void fresh_cache(void)
{
	char *dir = strdup("/tmp/hmmcl-cc-test-XXXXXX");

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
	void *args[4] = { &pa, &pb, &pc, &s };
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
	const char *src = "kernel void k(global int *a) {\n  a[0] = undeclared_thing;\n}\n";

	CHECK_ERR(hx_compiler_build(src, "", &p, &log), CL_BUILD_PROGRAM_FAILURE);
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
	const char *src = "kernel void k(global int *a) { int unused_var; a[0] = 1; }\n"
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
	CHECK_ERR(hx_compiler_build(src, "-Werror", &p, &log), CL_BUILD_PROGRAM_FAILURE);
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
	const char *src = "kernel void k(global int *a) { a[0] = VAL + ADD; a[1] = FLAG; }\n";
	int out[2] = { 0, 0 }, *po = out;
	void *args[1] = { &po };
	hx_cprog *p = cc_build(src, "-D VAL=40 -DADD=2 -DFLAG -cl-fast-relaxed-math -cl-mad-enable");
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
	void *args[4] = { &pa, &pb, &pc, &s };
	hx_cprog *p = cc_build(vadd_src, "-cl-opt-disable -g");
	hx_kernel_code kc = cc_code(p, "vadd", 0);

	for (int i = 0; i < N; i++)
		a[i] = 1.0f, b[i] = (float)i;
	cc_run_1d(&kc, args, N, 10, &rt_plain, NULL);
	for (int i = 0; i < N; i++)
		CHECK_EQ(c[i], 1.0f + 3.0f * (float)i);
	hx_compiler_release(p);
}
