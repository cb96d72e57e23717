/* Helpers shared by the memory object tests (test_buffer*.c, test_map.c,
 * test_subbuffer.c, test_mem_info.c). */
#ifndef HMMCL_TEST_MEM_UTIL_H
#define HMMCL_TEST_MEM_UTIL_H

#include "cl_util.h"
#include "harness.h"

struct env {
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
};

static inline struct env env_new(cl_command_queue_properties props)
{
	struct env e;

	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev, props);
	return e;
}

static inline void env_free(struct env *e)
{
	CHECK_CL(clFinish(e->q));
	CHECK_CL(clReleaseCommandQueue(e->q));
	CHECK_CL(clReleaseContext(e->ctx));
}

static inline cl_mem new_buffer(cl_context ctx, cl_mem_flags flags, size_t size,
				void *host_ptr)
{
	cl_int err = 1;
	cl_mem m = clCreateBuffer(ctx, flags, size, host_ptr, &err);

	CHECK_CL(err);
	CHECK(m != NULL);
	return m;
}

/* Deterministic bytes that differ between seeds and positions. */
static inline void pattern_bytes(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131u + seed * 17u + (i >> 8));
}

static inline void check_bytes(const unsigned char *got,
			       const unsigned char *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			hx_test_fail(__FILE__, __LINE__,
				     "byte %zu: got 0x%02x, want 0x%02x", i,
				     got[i], want[i]);
}

/* The buffer's whole contents, read back blocking. */
static inline void read_all(cl_command_queue q, cl_mem m, void *out,
			    size_t size)
{
	CHECK_CL(
	    clEnqueueReadBuffer(q, m, CL_TRUE, 0, size, out, 0, NULL, NULL));
}

/* A handle that is valid for another object type. */
#define WRONG_TYPE(handle, type) ((type)(void *)(handle))

/* A released (dead) mem object handle. */
static inline cl_mem dead_buffer(cl_context ctx)
{
	cl_mem m = new_buffer(ctx, 0, 64, NULL);

	CHECK_CL(clReleaseMemObject(m));
	return m;
}

#endif
