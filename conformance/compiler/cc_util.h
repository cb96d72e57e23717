/* Helpers for the compiler tests: build with a log, run a barrier-free
 * kernel by calling its entry for each work-group, a shadow-page MMU. */
#ifndef HMMCL_CC_UTIL_H
#define HMMCL_CC_UTIL_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>

#include "compiler.h"
#include "harness.h"

/* Builds or fails the test, printing the log. */
static inline hx_cprog *cc_build(const char *src, const char *opts)
{
	hx_cprog *p = NULL;
	char *log = NULL;
	int ret = hx_compiler_build(src, opts, &p, &log);

	if (ret != CL_SUCCESS)
		printf("build log:\n%s\n", log ? log : "(none)");
	free(log);
	CHECK_CL(ret);
	return p;
}

/* Kernels with barriers run as work-item loops unless HMMCL_FISSION=0
 * (or their context is too large: test_fission.c). */
static inline int cc_fission_on(void)
{
	const char *e = getenv("HMMCL_FISSION");

	return !e || strcmp(e, "0") != 0;
}

static inline hx_kernel_code cc_code(hx_cprog *p, const char *name,
				     uint32_t variant)
{
	hx_kernel_code kc;
	long k = hx_compiler_find_kernel(p, name);

	CHECK(k >= 0);
	CHECK_CL(hx_compiler_get_code(p, (size_t)k, variant, &kc));
	CHECK(kc.entry != NULL);
	return kc;
}

static inline void cc_no_barrier(struct hx_group *g, uint32_t flags)
{
	hx_test_fail(__FILE__, __LINE__, "barrier called in loop mode");
}

static inline int cc_no_printf(struct hx_group *g, const char *fmt, ...)
{
	hx_test_fail(__FILE__, __LINE__, "unexpected printf");
}

static inline void *cc_identity(struct hx_group *g, uint64_t addr,
				uint64_t size, uint32_t access)
{
	return (void *)(uintptr_t)addr;
}

/* Runs a 1-D NDRange of a loop-mode kernel on this thread. */
static inline void cc_run_1d(const hx_kernel_code *kc, void *const *args,
			     uint64_t global, uint64_t local, const hx_rt *rt,
			     char *local_mem)
{
	hx_ndrange nd = {0};
	static char scratch[16 * 1024 + 64];

	nd.work_dim = 1;
	for (int d = 0; d < 3; d++)
		nd.global_size[d] = nd.local_size[d] = nd.num_groups[d] = 1;
	nd.global_size[0] = global;
	nd.local_size[0] = local;
	nd.num_groups[0] = (global + local - 1) / local;
	CHECK(!(kc->flags & HX_CODE_PER_ITEM));
	for (uint64_t gid = 0; gid < nd.num_groups[0]; gid++) {
		hx_group g = {0};
		g.nd = &nd;
		g.rt = rt;
		g.group_id[0] = gid;
		g.local_size[0] = gid * local + local <= global
				      ? local
				      : global - gid * local;
		g.local_size[1] = g.local_size[2] = 1;
		g.local_mem = local_mem;
		g.wg_scratch = scratch;
		kc->entry(args, &g);
	}
}

#endif
