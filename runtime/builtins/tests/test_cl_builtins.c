/* The library through the whole stack (ICD loader, compiler, engine):
 * the features whose behaviour depends on the real engine's layout
 * (generic pointers, collective scratch, fibers) and on real threads
 * (atomics under contention from all cores). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cl_util.h"
#include "harness.h"

struct env {
	cl_context ctx;
	cl_device_id dev;
	cl_command_queue q;
	cl_kernel k;
	cl_mem mem[8]; /* released by teardown() */
	int nmem;
};

static struct env setup(void)
{
	struct env e = {0};
	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev, 0);
	return e;
}

static void teardown(struct env *e)
{
	for (int i = 0; i < e->nmem; i++)
		CHECK_CL(clReleaseMemObject(e->mem[i]));
	if (e->k)
		CHECK_CL(clReleaseKernel(e->k));
	CHECK_CL(clReleaseCommandQueue(e->q));
	CHECK_CL(clReleaseContext(e->ctx));
}

static cl_kernel build(struct env *e, const char *src, const char *opts,
		       const char *name)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(e->ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	err = clBuildProgram(p, 1, &e->dev, opts, NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[8192] = "";
		clGetProgramBuildInfo(p, e->dev, CL_PROGRAM_BUILD_LOG,
				      sizeof(log), log, NULL);
		printf("build log:\n%s\n", log);
	}
	CHECK_CL(err);
	cl_kernel k = clCreateKernel(p, name, &err);
	CHECK_CL(err);
	CHECK_CL(clReleaseProgram(p));
	e->k = k;
	return k;
}

static cl_mem buffer(struct env *e, size_t size, void *init)
{
	cl_int err;
	cl_mem m = clCreateBuffer(
	    e->ctx, CL_MEM_READ_WRITE | (init ? CL_MEM_COPY_HOST_PTR : 0), size,
	    init, &err);
	CHECK_CL(err);
	CHECK(e->nmem < 8);
	e->mem[e->nmem++] = m;
	return m;
}

static void launch(struct env *e, cl_kernel k, size_t global, size_t local)
{
	CHECK_CL(clEnqueueNDRangeKernel(e->q, k, 1, NULL, &global,
					local ? &local : NULL, 0, NULL, NULL));
	CHECK_CL(clFinish(e->q));
}

static const char *generic_src =
    "kernel void k(global int *g, local int *la, global int *out, global ulong "
    "*dbg) {\n"
    "  local int ls[8];\n"
    "  private int p[2];\n"
    "  size_t l = get_local_id(0), i = get_global_id(0);\n"
    "  generic int *pg = g + i, *pl = la + l, *ps = &ls[l % 8], *pp = &p[1];\n"
    "  int r = 0;\n"
    "  r |= (to_global(pg) == g + i) << 0;\n"
    "  r |= (to_local(pg) == 0 && to_private(pg) == 0) << 1;\n"
    "  r |= (to_local(pl) == la + l && to_global(pl) == 0 && to_private(pl) == "
    "0) << 2;\n"
    "  r |= (to_local(ps) == &ls[l % 8] && to_global(ps) == 0) << 3;\n"
    "  r |= (to_private(pp) == &p[1] && to_global(pp) == 0 && to_local(pp) == "
    "0) << 4;\n"
    "  r |= (get_fence(pl) == CLK_LOCAL_MEM_FENCE && get_fence(pg) == "
    "CLK_GLOBAL_MEM_FENCE) << 5;\n"
    "  *pp = 3; *pl = 4; *pg = 5;\n"
    "  work_group_barrier(CLK_LOCAL_MEM_FENCE);\n"
    "  r |= (p[1] == 3 && la[l] == 4 && g[i] == 5) << 6;\n"
    "  out[i] = r;\n"
    "  dbg[3 * i] = (ulong)pg;\n"
    "  dbg[3 * i + 1] = (ulong)pl;\n"
    "  dbg[3 * i + 2] = (ulong)pp;\n"
    "}\n";

TEST(generic_pointers_on_engine)
{
	enum { N = 256, L = 64 };
	struct env e = setup();
	cl_kernel k = build(&e, generic_src, "-cl-std=CL3.0", "k");
	cl_mem g = buffer(&e, N * sizeof(int), NULL),
	       out = buffer(&e, N * sizeof(int), NULL);
	cl_mem dbg = buffer(&e, 3 * N * sizeof(cl_ulong), NULL);
	CHECK_CL(clSetKernelArg(k, 0, sizeof(cl_mem), &g));
	CHECK_CL(clSetKernelArg(k, 1, L * sizeof(int), NULL));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(cl_mem), &out));
	CHECK_CL(clSetKernelArg(k, 3, sizeof(cl_mem), &dbg));
	launch(&e, k, N, L);
	int r[N];
	cl_ulong a[3 * N];
	CHECK_CL(clEnqueueReadBuffer(e.q, out, CL_TRUE, 0, sizeof(r), r, 0,
				     NULL, NULL));
	CHECK_CL(clEnqueueReadBuffer(e.q, dbg, CL_TRUE, 0, sizeof(a), a, 0,
				     NULL, NULL));
	for (int i = 0; i < N; i++) {
		if (r[i] != 0x7f)
			printf("item %d: flags %#x global %#llx local %#llx "
			       "private %#llx\n",
			       i, r[i], (unsigned long long)a[3 * i],
			       (unsigned long long)a[3 * i + 1],
			       (unsigned long long)a[3 * i + 2]);
		CHECK_EQ(r[i], 0x7f);
	}
	teardown(&e);
}

static const char *collective_src =
    "kernel void k(global const int *in, global long *out) {\n"
    "  size_t i = get_global_id(0);\n"
    "  int x = in[i];\n"
    "  out[4 * i] = work_group_reduce_add(x);\n"
    "  out[4 * i + 1] = work_group_scan_exclusive_add(x);\n"
    "  out[4 * i + 2] = work_group_broadcast(x, 0);\n"
    "  out[4 * i + 3] = work_group_scan_inclusive_max(x);\n"
    "}\n";

/* Non-uniform NDRange: the last group is short. */
TEST(collectives_uneven_groups)
{
	enum { N = 100, L = 16 };
	struct env e = setup();
	cl_kernel k = build(&e, collective_src, "-cl-std=CL3.0", "k");
	int in[N];
	for (int i = 0; i < N; i++)
		in[i] = (i * 37) % 23 - 11;
	cl_mem b_in = buffer(&e, sizeof(in), in),
	       b_out = buffer(&e, 4 * N * sizeof(cl_long), NULL);
	CHECK_CL(clSetKernelArg(k, 0, sizeof(cl_mem), &b_in));
	CHECK_CL(clSetKernelArg(k, 1, sizeof(cl_mem), &b_out));
	launch(&e, k, N, L);
	cl_long *out = malloc(4 * N * sizeof(cl_long));
	CHECK_CL(clEnqueueReadBuffer(e.q, b_out, CL_TRUE, 0,
				     4 * N * sizeof(cl_long), out, 0, NULL,
				     NULL));
	for (int g0 = 0; g0 < N; g0 += L) {
		int n = N - g0 < L ? N - g0 : L;
		long sum = 0, pre = 0, mx = -1000;
		for (int j = 0; j < n; j++)
			sum += in[g0 + j];
		for (int j = 0; j < n; j++) {
			cl_long *o = out + 4 * (g0 + j);
			CHECK_EQ(o[0], sum);
			CHECK_EQ(o[1], pre);
			CHECK_EQ(o[2], in[g0]);
			pre += in[g0 + j];
			mx = in[g0 + j] > mx ? in[g0 + j] : mx;
			CHECK_EQ(o[3], mx);
		}
	}
	free(out);
	teardown(&e);
}

static const char *atomic_src =
    "kernel void k(global atomic_int *c, global atomic_long *s, global int "
    "*old) {\n"
    "  int i = get_global_id(0);\n"
    "  for (int r = 0; r < 16; r++) {\n"
    "    atomic_fetch_add_explicit(&c[0], 1, memory_order_relaxed, "
    "memory_scope_all_svm_devices);\n"
    "    atomic_fetch_add_explicit(s, i, memory_order_acq_rel, "
    "memory_scope_device);\n"
    "    atomic_fetch_max_explicit(&c[1], i, memory_order_seq_cst, "
    "memory_scope_all_svm_devices);\n"
    "  }\n"
    "  int e = atomic_load_explicit(&c[2], memory_order_relaxed, "
    "memory_scope_all_devices);\n"
    "  while (!atomic_compare_exchange_weak_explicit(&c[2], &e, e + 1, "
    "memory_order_acq_rel,\n"
    "         memory_order_relaxed, memory_scope_all_svm_devices)) ;\n"
    "  old[i] = e;\n"
    "}\n";

/* Contention from every core: no lost update, every compare-exchange
 * ticket handed out exactly once. */
TEST(atomics_all_svm_devices_contention)
{
	enum { N = 1 << 14 };
	struct env e = setup();
	cl_kernel k = build(&e, atomic_src, "-cl-std=CL3.0", "k");
	int zero[3] = {0, -1, 0};
	cl_long szero = 0;
	cl_mem c = buffer(&e, sizeof(zero), zero),
	       s = buffer(&e, sizeof(szero), &szero);
	cl_mem old = buffer(&e, N * sizeof(int), NULL);
	CHECK_CL(clSetKernelArg(k, 0, sizeof(cl_mem), &c));
	CHECK_CL(clSetKernelArg(k, 1, sizeof(cl_mem), &s));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(cl_mem), &old));
	launch(&e, k, N, 0);
	int cv[3], *ov = calloc(N, sizeof(int)), *seen = calloc(N, sizeof(int));
	cl_long sv;
	CHECK_CL(clEnqueueReadBuffer(e.q, c, CL_TRUE, 0, sizeof(cv), cv, 0,
				     NULL, NULL));
	CHECK_CL(clEnqueueReadBuffer(e.q, s, CL_TRUE, 0, sizeof(sv), &sv, 0,
				     NULL, NULL));
	CHECK_CL(clEnqueueReadBuffer(e.q, old, CL_TRUE, 0, N * sizeof(int), ov,
				     0, NULL, NULL));
	CHECK_EQ(cv[0], 16 * N);
	CHECK_EQ(cv[1], N - 1);
	CHECK_EQ(cv[2], N);
	CHECK_EQ(sv, 16ll * N * (N - 1) / 2);
	for (int i = 0; i < N; i++) {
		CHECK(ov[i] >= 0 && ov[i] < N);
		CHECK_EQ(seen[ov[i]]++, 0);
	}
	free(ov);
	free(seen);
	teardown(&e);
}

static const char *cl12_src =
    "kernel void k(global const float *in, global half *h, global float *out, "
    "local float *tmp) {\n"
    "  size_t l = get_local_id(0), n = get_local_size(0), base = "
    "get_group_id(0) * n;\n"
    "  event_t ev = async_work_group_copy(tmp, in + base, n, 0);\n"
    "  wait_group_events(1, &ev);\n"
    "  float x = tmp[(l + 1) % n];\n"
    "  vstore_half_rtz(x, base + l, h);\n"
    "  out[2 * (base + l)] = vload_half(base + l, h);\n"
    "  out[2 * (base + l) + 1] = (float)convert_uchar_sat_rte(x);\n"
    "}\n";

/* A 1.2 kernel: cooperative async copy, half stores, saturation. */
TEST(cl12_async_half_convert)
{
	enum { N = 128, L = 32 };
	struct env e = setup();
	cl_kernel k = build(&e, cl12_src, "", "k");
	float in[N];
	for (int i = 0; i < N; i++)
		in[i] = (i - 40) * 3.3f;
	cl_mem b_in = buffer(&e, sizeof(in), in), h = buffer(&e, N * 2, NULL);
	cl_mem b_out = buffer(&e, 2 * N * sizeof(float), NULL);
	CHECK_CL(clSetKernelArg(k, 0, sizeof(cl_mem), &b_in));
	CHECK_CL(clSetKernelArg(k, 1, sizeof(cl_mem), &h));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(cl_mem), &b_out));
	CHECK_CL(clSetKernelArg(k, 3, L * sizeof(float), NULL));
	launch(&e, k, N, L);
	float out[2 * N];
	CHECK_CL(clEnqueueReadBuffer(e.q, b_out, CL_TRUE, 0, sizeof(out), out,
				     0, NULL, NULL));
	for (int i = 0; i < N; i++) {
		int base = i / L * L;
		float x = in[base + (i - base + 1) % L];
		float r = out[2 * i];
		CHECK(fabsf(r) <= fabsf(x) &&
		      fabsf(x) - fabsf(r) <= fabsf(x) / 1024.0f);
		float sat = x < 0 ? 0 : x > 255 ? 255 : rintf(x);
		CHECK(out[2 * i + 1] == sat);
	}
	teardown(&e);
}
