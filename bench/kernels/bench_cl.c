/* The OpenCL side of hmmcl-bench: every figure through the ICD loader. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>

#include "bench.h"

#define TRY(expr)                                                              \
	do {                                                                   \
		cl_int err_ = (expr);                                          \
		if (err_ != CL_SUCCESS) {                                      \
			fprintf(stderr, "hmmcl-bench: %s: error %d\n", #expr,  \
				err_);                                         \
			return -1;                                             \
		}                                                              \
	} while (0)

struct clctx {
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
	const struct bench_cfg *cfg;
};

static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) ==
			   tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return n == 0;
}

static int find_platform(const char *match, cl_platform_id *out, char *name,
			 size_t len)
{
	cl_platform_id ids[16];
	cl_uint n = 0;

	if (clGetPlatformIDs(16, ids, &n) != CL_SUCCESS)
		return 0;
	for (cl_uint i = 0; i < n && i < 16; i++) {
		char pname[256] = "", vendor[256] = "";

		clGetPlatformInfo(ids[i], CL_PLATFORM_NAME, sizeof(pname),
				  pname, NULL);
		clGetPlatformInfo(ids[i], CL_PLATFORM_VENDOR, sizeof(vendor),
				  vendor, NULL);
		if (contains(pname, match) || contains(vendor, match)) {
			*out = ids[i];
			snprintf(name, len, "%s", pname);
			return 1;
		}
	}
	return 0;
}

/* Builds src; returns the wall time in ms, or -1. */
static double build(struct clctx *c, const char *src, cl_program *out)
{
	cl_int err;
	double t0 = bench_now();
	cl_program p = clCreateProgramWithSource(c->ctx, 1, &src, NULL, &err);

	if (err != CL_SUCCESS)
		return -1;
	if (clBuildProgram(p, 1, &c->dev, "", NULL, NULL) != CL_SUCCESS) {
		char log[4096] = "";

		clGetProgramBuildInfo(p, c->dev, CL_PROGRAM_BUILD_LOG,
				      sizeof(log), log, NULL);
		fprintf(stderr, "hmmcl-bench: build failed:\n%s\n", log);
		clReleaseProgram(p);
		return -1;
	}
	t0 = (bench_now() - t0) * 1e3;
	if (out)
		*out = p;
	else
		clReleaseProgram(p);
	return t0;
}

/* Appends " (device, N compute units)" to the column's name. */
static void describe(cl_device_id dev, struct bench_col *col)
{
	char name[128] = "";
	cl_uint cu = 0;
	size_t len = strlen(col->name);

	clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(name), name, NULL);
	clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(cu), &cu,
			NULL);
	snprintf(col->name + len, sizeof(col->name) - len, " (%s, %u CU)", name,
		 cu);
}

static int setup(struct clctx *c, const char *match, struct bench_col *col)
{
	cl_platform_id plat;
	cl_int err;

	if (!find_platform(match, &plat, col->name, sizeof(col->name)))
		return 77;
	TRY(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, 1, &c->dev, NULL));
	describe(c->dev, col);
	c->ctx = clCreateContext(NULL, 1, &c->dev, NULL, NULL, &err);
	TRY(err);
	c->q = clCreateCommandQueue(c->ctx, c->dev, 0, &err);
	TRY(err);
	return build(c, bench_source, &c->prog) < 0 ? -1 : 0;
}

/* Median wall time (s) of enqueue + clFinish of one NDRange. */
static double time_nd(struct clctx *c, cl_kernel k, cl_uint dims,
		      const size_t *g, const size_t *l, int reps)
{
	double t[64];

	if (reps > 64)
		reps = 64;
	for (int i = -1; i < reps; i++) { /* one warm-up run */
		double t0 = bench_now();

		if (clEnqueueNDRangeKernel(c->q, k, dims, NULL, g, l, 0, NULL,
					   NULL) != CL_SUCCESS ||
		    clFinish(c->q) != CL_SUCCESS)
			return NAN;
		if (i >= 0)
			t[i] = bench_now() - t0;
	}
	return bench_median(t, reps);
}

static cl_mem buffer(struct clctx *c, size_t bytes, const void *init)
{
	cl_int err;
	cl_mem m = clCreateBuffer(
	    c->ctx, CL_MEM_READ_WRITE | (init ? CL_MEM_COPY_HOST_PTR : 0),
	    bytes, (void *)init, &err);

	return err == CL_SUCCESS ? m : NULL;
}

/* Median enqueue + clFinish of one work-item of kernel 'name'. */
static int latency(struct clctx *c, const char *name, double *out)
{
	cl_int err;
	cl_kernel k = clCreateKernel(c->prog, name, &err);
	cl_mem m = buffer(c, 64, NULL);
	size_t g = 1;
	int n = c->cfg->launches;
	double *t = malloc(n * sizeof(*t)), t0;

	if (err != CL_SUCCESS) {
		fprintf(stderr, "hmmcl-bench: clCreateKernel(%s): error %d\n",
			name, err);
		return -1;
	}
	if (strcmp(name, "empty"))
		TRY(clSetKernelArg(k, 0, sizeof(m), &m));
	for (int i = -10; i < n; i++) {
		t0 = bench_now();
		TRY(clEnqueueNDRangeKernel(c->q, k, 1, NULL, &g, NULL, 0, NULL,
					   NULL));
		TRY(clFinish(c->q));
		if (i >= 0)
			t[i] = bench_now() - t0;
	}
	*out = bench_median(t, n) * 1e6;
	free(t);
	clReleaseKernel(k);
	clReleaseMemObject(m);
	return 0;
}

static int launch(struct clctx *c, struct bench_col *col)
{
	cl_int err;
	cl_kernel k;
	cl_mem m = buffer(c, 64, NULL);
	size_t g = 1;
	int n = c->cfg->launches * 5, r;
	double t0;

	r = latency(c, "empty", &col->v[M_LAUNCH]);
	r |= latency(c, "empty_arg", &col->v[M_LAUNCH_ARG]);
	k = clCreateKernel(c->prog, "empty_arg", &err);
	TRY(err);
	TRY(clSetKernelArg(k, 0, sizeof(m), &m));
	t0 = bench_now();
	for (int i = 0; i < n; i++)
		TRY(clEnqueueNDRangeKernel(c->q, k, 1, NULL, &g, NULL, 0, NULL,
					   NULL));
	TRY(clFinish(c->q));
	col->v[M_ENQUEUE] = n / (bench_now() - t0);
	clReleaseKernel(k);
	clReleaseMemObject(m);
	return r;
}

static int stream(struct clctx *c, struct bench_col *col)
{
	size_t n = c->cfg->n_stream, bytes = n * sizeof(float);
	float *a = malloc(bytes), *b = malloc(bytes), *r = malloc(bytes);
	float alpha = 2.0f;
	cl_mem ma, mb, mc;
	cl_kernel kv, ks;
	cl_int err;

	for (size_t i = 0; i < n; i++)
		a[i] = (float)(i % 1000), b[i] = (float)(i % 7);
	ma = buffer(c, bytes, a), mb = buffer(c, bytes, b),
	mc = buffer(c, bytes, NULL);
	kv = clCreateKernel(c->prog, "vadd", &err);
	TRY(err);
	ks = clCreateKernel(c->prog, "saxpy", &err);
	TRY(err);
	TRY(clSetKernelArg(kv, 0, sizeof(ma), &ma));
	TRY(clSetKernelArg(kv, 1, sizeof(mb), &mb));
	TRY(clSetKernelArg(kv, 2, sizeof(mc), &mc));
	col->v[M_VADD] =
	    3.0 * bytes / time_nd(c, kv, 1, &n, NULL, c->cfg->reps) / 1e9;
	TRY(clEnqueueReadBuffer(c->q, mc, CL_TRUE, 0, bytes, r, 0, NULL, NULL));
	for (size_t i = 0; i < n; i += 997)
		col->wrong[M_VADD] |= r[i] != a[i] + b[i];
	TRY(clSetKernelArg(ks, 0, sizeof(alpha), &alpha));
	TRY(clSetKernelArg(ks, 1, sizeof(ma), &ma));
	TRY(clSetKernelArg(ks, 2, sizeof(mc), &mc));
	col->v[M_SAXPY] =
	    3.0 * bytes / time_nd(c, ks, 1, &n, NULL, c->cfg->reps) / 1e9;
	clReleaseKernel(kv), clReleaseKernel(ks);
	clReleaseMemObject(ma), clReleaseMemObject(mb), clReleaseMemObject(mc);
	free(a), free(b), free(r);
	return 0;
}

static int reduce(struct clctx *c, struct bench_col *col)
{
	size_t n = c->cfg->n_stream, ls = 256, ng = n / ls;
	float *in = malloc(n * sizeof(float)),
	      *part = malloc(ng * sizeof(float));
	cl_mem mi, mo;
	cl_kernel k;
	cl_int err;

	for (size_t i = 0; i < n; i++)
		in[i] = (float)(i % 4);
	mi = buffer(c, n * sizeof(float), in);
	mo = buffer(c, ng * sizeof(float), NULL);
	k = clCreateKernel(c->prog, "reduce", &err);
	TRY(err);
	TRY(clSetKernelArg(k, 0, sizeof(mi), &mi));
	TRY(clSetKernelArg(k, 1, sizeof(mo), &mo));
	TRY(clSetKernelArg(k, 2, ls * sizeof(float), NULL));
	col->v[M_REDUCE] =
	    n * 4.0 / time_nd(c, k, 1, &n, &ls, c->cfg->reps) / 1e9;
	TRY(clEnqueueReadBuffer(c->q, mo, CL_TRUE, 0, ng * sizeof(float), part,
				0, NULL, NULL));
	for (size_t gi = 0; gi < ng; gi++)
		col->wrong[M_REDUCE] |=
		    part[gi] != 1.5f * ls; /* 0+1+2+3 per 4 */
	clReleaseKernel(k);
	clReleaseMemObject(mi), clReleaseMemObject(mo);
	free(in), free(part);
	return 0;
}

static int check_matmul(const float *A, const float *B, const float *C, int n)
{
	for (int s = 0; s < 64; s++) {
		int r = (s * 37) % n, cc = (s * 101 + 7) % n;
		float want = 0;

		for (int k = 0; k < n; k++)
			want += A[r * n + k] * B[k * n + cc];
		if (C[r * n + cc] != want)
			return 1;
	}
	return 0;
}

static int matmul(struct clctx *c, struct bench_col *col)
{
	int n = (int)c->cfg->n_matmul;
	size_t bytes = (size_t)n * n * sizeof(float), g[2] = {n, n},
	       l[2] = {16, 16};
	float *A = malloc(bytes), *B = malloc(bytes), *C = malloc(bytes);
	const char *names[2] = {"matmul_naive", "matmul_tiled"};
	cl_mem ma, mb, mc;

	for (int i = 0; i < n * n; i++)
		A[i] = (float)(i % 3), B[i] = (float)(i % 2);
	ma = buffer(c, bytes, A), mb = buffer(c, bytes, B),
	mc = buffer(c, bytes, NULL);
	for (int v = 0; v < 2; v++) {
		cl_int err;
		cl_kernel k = clCreateKernel(c->prog, names[v], &err);
		enum metric m = v ? M_MM_TILED : M_MM_NAIVE;

		TRY(err);
		TRY(clSetKernelArg(k, 0, sizeof(n), &n));
		TRY(clSetKernelArg(k, 1, sizeof(ma), &ma));
		TRY(clSetKernelArg(k, 2, sizeof(mb), &mb));
		TRY(clSetKernelArg(k, 3, sizeof(mc), &mc));
		col->v[m] = 2.0 * n * n * n /
			    time_nd(c, k, 2, g, v ? l : NULL, c->cfg->reps) /
			    1e9;
		TRY(clEnqueueReadBuffer(c->q, mc, CL_TRUE, 0, bytes, C, 0, NULL,
					NULL));
		col->wrong[m] = check_matmul(A, B, C, n);
		clReleaseKernel(k);
	}
	clReleaseMemObject(ma), clReleaseMemObject(mb), clReleaseMemObject(mc);
	free(A), free(B), free(C);
	return 0;
}

static int atomics(struct clctx *c, struct bench_col *col)
{
	size_t n = c->cfg->n_atomics;
	cl_int err, zero = 0, got = 0;
	cl_mem m = buffer(c, sizeof(cl_int), &zero);
	cl_kernel k = clCreateKernel(c->prog, "atomics", &err);
	double t;

	TRY(err);
	TRY(clSetKernelArg(k, 0, sizeof(m), &m));
	t = time_nd(c, k, 1, &n, NULL, c->cfg->reps);
	col->v[M_ATOMICS] = n / t / 1e6;
	TRY(clEnqueueReadBuffer(c->q, m, CL_TRUE, 0, sizeof(got), &got, 0, NULL,
				NULL));
	/* Warm-up + reps runs, each adding n. */
	col->wrong[M_ATOMICS] = (size_t)got != n * (size_t)(c->cfg->reps + 1);
	clReleaseKernel(k);
	clReleaseMemObject(m);
	return 0;
}

/* Builds src and runs saxpy once on it: platforms that generate code at
 * the first launch (PoCL) pay it here too. Returns ms, or -1. */
static double build_and_run(struct clctx *c, const char *src)
{
	double t0 = bench_now();
	cl_program p;
	cl_kernel k;
	cl_mem m = buffer(c, 1024 * sizeof(float), NULL);
	size_t g = 1024;
	float a = 1.0f;
	cl_int err;

	if (!m || build(c, src, &p) < 0)
		return -1;
	k = clCreateKernel(p, "saxpy", &err);
	if (err != CL_SUCCESS || clSetKernelArg(k, 0, sizeof(a), &a) ||
	    clSetKernelArg(k, 1, sizeof(m), &m) ||
	    clSetKernelArg(k, 2, sizeof(m), &m) ||
	    clEnqueueNDRangeKernel(c->q, k, 1, NULL, &g, NULL, 0, NULL, NULL) ||
	    clFinish(c->q))
		return -1;
	t0 = (bench_now() - t0) * 1e3;
	clReleaseKernel(k);
	clReleaseProgram(p);
	clReleaseMemObject(m);
	return t0;
}

/* Cold: a source no cache has seen (a fresh kernel name: caches that
 * hash the preprocessed source ignore comments). Cached: the same source
 * again, as an application's second run would build it. */
static int compile(struct clctx *c, struct bench_col *col)
{
	size_t len = strlen(bench_source) + 128;
	char *src = malloc(len);
	double cold[8], cached[8];
	int n = c->cfg->quick ? 1 : 3;

	for (int i = 0; i < n; i++) {
		snprintf(src, len, "kernel void nonce_%llx_%d(void) {}\n%s",
			 (unsigned long long)(bench_now() * 1e9), i,
			 bench_source);
		cold[i] = build_and_run(c, src);
		cached[i] = build_and_run(c, src);
		if (cold[i] < 0 || cached[i] < 0)
			return -1;
	}
	col->v[M_COMPILE_COLD] = bench_median(cold, n);
	col->v[M_COMPILE_CACHED] = bench_median(cached, n);
	free(src);
	return 0;
}

int bench_cl(const struct bench_cfg *cfg, const char *match,
	     struct bench_col *col)
{
	struct clctx c = {.cfg = cfg};
	int (*const parts[])(struct clctx *, struct bench_col *) = {
	    launch, stream, reduce, matmul, atomics, compile};
	int st = setup(&c, match, col), failed = 0;

	for (int m = 0; m < M_COUNT; m++)
		col->v[m] = NAN;
	if (st)
		return st;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		failed |= parts[i](&c, col) != 0;
	clReleaseProgram(c.prog);
	clReleaseCommandQueue(c.q);
	clReleaseContext(c.ctx);
	return failed ? -1 : 0;
}
