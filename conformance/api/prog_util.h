/* Helpers shared by the program, kernel and NDRange tests: build a
 * program from source, read its log, make buffers, launch and wait. */
#ifndef HMMCL_PROG_UTIL_H
#define HMMCL_PROG_UTIL_H

#include "cl_util.h"
#include "harness.h"

struct penv {
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
};

static inline struct penv penv_open(void)
{
	struct penv e;

	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev, 0);
	return e;
}

static inline void penv_close(struct penv *e)
{
	CHECK_CL(clFinish(e->q));
	CHECK_CL(clReleaseCommandQueue(e->q));
	CHECK_CL(clReleaseContext(e->ctx));
}

static inline cl_program src_program(cl_context ctx, const char *src)
{
	cl_int err = CL_INVALID_VALUE;
	cl_program p = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);

	CHECK_CL(err);
	CHECK(p != NULL);
	return p;
}

/* The build log of p for dev (malloc'd, never NULL). */
static inline char *build_log(cl_program p, cl_device_id dev)
{
	size_t n = 0;
	char *log;

	CHECK_CL(clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, 0, NULL,
				       &n));
	CHECK(n >= 1);
	log = calloc(1, n + 1);
	CHECK(log != NULL);
	CHECK_CL(clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, n, log,
				       NULL));
	CHECK_EQ(strlen(log), n - 1);
	return log;
}

/* Builds src for every device of ctx; fails the case with the log. */
static inline cl_program build(cl_context ctx, cl_device_id dev,
			       const char *src, const char *opts)
{
	cl_program p = src_program(ctx, src);
	cl_int err = clBuildProgram(p, 0, NULL, opts, NULL, NULL);

	if (err != CL_SUCCESS) {
		char *log = build_log(p, dev);

		printf("build log:\n%s\n", log);
		free(log);
	}
	CHECK_CL(err);
	return p;
}

static inline cl_kernel kernel(cl_program p, const char *name)
{
	cl_int err = CL_INVALID_VALUE;
	cl_kernel k = clCreateKernel(p, name, &err);

	CHECK_CL(err);
	CHECK(k != NULL);
	return k;
}

static inline cl_mem buffer(cl_context ctx, size_t size, void *init)
{
	cl_int err = CL_INVALID_VALUE;
	cl_mem m = clCreateBuffer(
		ctx, CL_MEM_READ_WRITE | (init ? CL_MEM_COPY_HOST_PTR : 0), size,
		init, &err);

	CHECK_CL(err);
	CHECK(m != NULL);
	return m;
}

static inline void read_buf(cl_command_queue q, cl_mem m, size_t size,
			    void *dst)
{
	CHECK_CL(clEnqueueReadBuffer(q, m, CL_TRUE, 0, size, dst, 0, NULL,
				     NULL));
}

static inline void set_mem(cl_kernel k, cl_uint i, cl_mem m)
{
	CHECK_CL(clSetKernelArg(k, i, sizeof(m), &m));
}

/* Launches k over dim dimensions and waits. */
static inline void run(cl_command_queue q, cl_kernel k, cl_uint dim,
		       const size_t *global, const size_t *local)
{
	CHECK_CL(clEnqueueNDRangeKernel(q, k, dim, NULL, global, local, 0, NULL,
					NULL));
	CHECK_CL(clFinish(q));
}

static inline cl_int event_status(cl_event ev)
{
	cl_int s = 1;

	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(s), &s, NULL));
	return s;
}

#endif
