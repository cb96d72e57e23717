/* What the device claims about OpenCL C is true: the version queries
 * follow OpenCL 3.0, every -cl-std the device lists builds and the others
 * fail, and each entry of CL_DEVICE_OPENCL_C_FEATURES is exercised by a
 * small kernel checked against a host result. */
#include "prog_util.h"

static cl_name_version *features(cl_device_id dev, size_t *n)
{
	size_t bytes = 0;
	cl_name_version *f;

	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_OPENCL_C_FEATURES, 0, NULL,
				 &bytes));
	CHECK_EQ(bytes % sizeof(cl_name_version), 0);
	f = malloc(bytes + 1);
	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_OPENCL_C_FEATURES, bytes, f,
				 NULL));
	*n = bytes / sizeof(cl_name_version);
	return f;
}

TEST(versions)
{
	cl_device_id dev = hx_test_device(0);
	cl_name_version v[16];
	size_t bytes = 0, i;
	char ver[64];
	int seen = 0;

	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_OPENCL_C_VERSION, sizeof(ver),
				 ver, NULL));
	/* 2.0 may be named only with pipes and device-side enqueue, which the
	 * device does not have (CL_DEVICE_PIPE_SUPPORT is false). */
	CHECK(strncmp(ver, "OpenCL C 1.2", 12) == 0);
	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_OPENCL_C_ALL_VERSIONS,
				 sizeof(v), v, &bytes));
	for (i = 0; i < bytes / sizeof(v[0]); i++) {
		CHECK(strcmp(v[i].name, "OpenCL C") == 0);
		if (v[i].version == CL_MAKE_VERSION(1, 0, 0))
			seen |= 1;
		else if (v[i].version == CL_MAKE_VERSION(1, 1, 0))
			seen |= 2;
		else if (v[i].version == CL_MAKE_VERSION(1, 2, 0))
			seen |= 4;
		else if (v[i].version == CL_MAKE_VERSION(3, 0, 0))
			seen |= 8;
		else
			hx_test_fail(__FILE__, __LINE__,
				     "unexpected OpenCL C version 0x%x",
				     v[i].version);
	}
	CHECK_EQ(seen, 15);
}

/* Builds k(global long *out) with opts and returns out[0..n-1]. */
static void run_feature(const char *src, const char *opts, cl_long *out,
			size_t n, size_t global, size_t local)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, src, opts);
	cl_kernel k = kernel(p, "k");
	cl_mem m;

	memset(out, 0, n * sizeof(*out));
	m = buffer(e.ctx, n * sizeof(*out), out);
	set_mem(k, 0, m);
	run(e.q, k, 1, &global, &local);
	read_buf(e.q, m, n * sizeof(*out), out);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

static void feat_generic(void)
{
	cl_long o[4];

	run_feature("#ifndef __opencl_c_generic_address_space\n#error no\n#endif\n"
		    "void put(long *p, long v) { *p = v; }\n"
		    "kernel void k(global long *o) {\n"
		    "  local long l; long pr = 0;\n"
		    "  put(&o[0], 11); put(&pr, 22); o[1] = pr;\n"
		    "  if (get_local_id(0) == 0) put(&l, 33);\n"
		    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
		    "  o[2] = l;\n"
		    "  long *g = &o[3]; o[3] = to_global(g) != 0 &&"
		    "   to_local(g) == 0 && get_fence(g) == CLK_GLOBAL_MEM_FENCE;\n"
		    "}\n",
		    "-cl-std=CL3.0", o, 4, 1, 1);
	CHECK_EQ(o[0], 11);
	CHECK_EQ(o[1], 22);
	CHECK_EQ(o[2], 33);
	CHECK_EQ(o[3], 1);
}

static void feat_globals(void)
{
	cl_long o[3];

	run_feature("#ifndef __opencl_c_program_scope_global_variables\n"
		    "#error no\n#endif\n"
		    "global long acc = 100;\n"
		    "global long arr[8];\n"
		    "kernel void k(global long *o) {\n"
		    "  static global long st = 5;\n"
		    "  atom_add(&acc, 1); arr[get_global_id(0)] = 2;\n"
		    "  barrier(CLK_GLOBAL_MEM_FENCE);\n"
		    "  if (get_global_id(0) == 0) {\n"
		    "    long s = 0; for (int i = 0; i < 8; i++) s += arr[i];\n"
		    "    o[0] = acc; o[1] = s; o[2] = st++;\n"
		    "  }\n"
		    "}\n",
		    "-cl-std=CL3.0", o, 3, 8, 8);
	CHECK_EQ(o[0], 108);
	CHECK_EQ(o[1], 16);
	CHECK_EQ(o[2], 5);
}

/* Atomics under contention from many work-groups with the given order
 * and scope (device scope or wider, so the contention is well defined). */
static void feat_atomic(const char *macro, const char *order,
			const char *scope)
{
	char src[1024];
	cl_long o[3];

	snprintf(src, sizeof(src),
		 "#ifndef %s\n#error no\n#endif\n"
		 "kernel void k(global long *o) {\n"
		 "  global atomic_long *a = (global atomic_long *)o;\n"
		 "  atomic_fetch_add_explicit(a, 1, %s, %s);\n"
		 "  atomic_fetch_max_explicit(a + 1, (long)get_global_id(0),"
		 "                            %s, %s);\n"
		 "  long exp = atomic_load_explicit(a + 2, memory_order_relaxed,"
		 "                                  %s);\n"
		 "  while (!atomic_compare_exchange_weak_explicit(a + 2, &exp,"
		 "         exp + 2, %s, memory_order_relaxed, %s)) ;\n"
		 "  atomic_work_item_fence(CLK_GLOBAL_MEM_FENCE, %s, %s);\n"
		 "}\n",
		 macro, order, scope, order, scope, scope, order, scope,
		 "memory_order_acq_rel", scope);
	run_feature(src, "-cl-std=CL3.0", o, 3, 4096, 64);
	CHECK_EQ(o[0], 4096);
	CHECK_EQ(o[1], 4095);
	CHECK_EQ(o[2], 8192);
}

static void feat_collectives(void)
{
	cl_long o[4];

	/* 100 items in groups of 32: the last group has 4 (non-uniform). */
	run_feature("#ifndef __opencl_c_work_group_collective_functions\n"
		    "#error no\n#endif\n"
		    "kernel void k(global long *o) {\n"
		    "  long id = get_global_id(0);\n"
		    "  long s = work_group_reduce_add(id);\n"
		    "  long m = work_group_reduce_max(id);\n"
		    "  long x = work_group_scan_exclusive_add(1L);\n"
		    "  long b = work_group_broadcast(id, 1);\n"
		    "  int all = work_group_all(id >= 0);\n"
		    "  int any = work_group_any(id == 99);\n"
		    "  if (x != (long)get_local_id(0)) atom_inc(&o[3]);\n"
		    "  if (get_local_id(0) == 0) {\n"
		    "    atom_add(&o[0], s); atom_max(&o[1], m + b);\n"
		    "    atom_add(&o[2], all * 10 + any);\n"
		    "  }\n"
		    "}\n",
		    "-cl-std=CL3.0", o, 4, 100, 32);
	CHECK_EQ(o[0], 99 * 100 / 2);
	CHECK_EQ(o[1], 99 + 97);
	CHECK_EQ(o[2], 4 * 10 + 1);
	CHECK_EQ(o[3], 0);
}

static void feat_fp64(void)
{
	cl_long o[3];

	run_feature("#ifndef __opencl_c_fp64\n#error no\n#endif\n"
		    "kernel void k(global long *o) {\n"
		    "  double x = (double)(get_global_id(0) + 2);\n"
		    "  o[0] = as_long(1.0 / (x + 1.0));\n" /* correctly rounded */
		    "  o[1] = as_long(sqrt(x));\n"
		    "  o[2] = (long)(x * 1e300 > 1e300);\n" /* beyond float */
		    "}\n",
		    "-cl-std=CL3.0", o, 3, 1, 1);
	{
		double third = 1.0 / 3.0, root = 1.4142135623730951;
		cl_long b0, b1;

		memcpy(&b0, &third, sizeof(b0));
		memcpy(&b1, &root, sizeof(b1));
		CHECK_EQ(o[0], b0);
		CHECK_EQ(o[1], b1);
		CHECK_EQ(o[2], 1);
	}
}

static void feat_int64(void)
{
	cl_long o[3];

	run_feature("#ifndef __opencl_c_int64\n#error no\n#endif\n"
		    "kernel void k(global long *o) {\n"
		    "  long a = 0x123456789abcdefL; ulong u = 0xfedcba9876543210UL;\n"
		    "  o[0] = a * 3 - (long)(u >> 4);\n"
		    "  o[1] = (long)(u / 7);\n"
		    "  o[2] = mul_hi(a, a);\n"
		    "}\n",
		    "-cl-std=CL3.0", o, 3, 1, 1);
	CHECK_EQ(o[0], (cl_long)0x123456789abcdefLL * 3 -
			       (cl_long)(0xfedcba9876543210ULL >> 4));
	CHECK_EQ(o[1], (cl_long)(0xfedcba9876543210ULL / 7));
	CHECK_EQ(o[2], (cl_long)(((__int128)0x123456789abcdefLL *
				  0x123456789abcdefLL) >> 64));
}

/* One case per claimed feature; a claim without a test here fails. */
TEST(every_claimed_feature_works)
{
	size_t n = 0, i;
	cl_name_version *f = features(hx_test_device(0), &n);
	const char *name;

	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		name = f[i].name;
		printf("feature %s\n", name);
		CHECK_EQ(f[i].version, CL_MAKE_VERSION(3, 0, 0));
		if (!strcmp(name, "__opencl_c_generic_address_space"))
			feat_generic();
		else if (!strcmp(name,
				 "__opencl_c_program_scope_global_variables"))
			feat_globals();
		else if (!strcmp(name, "__opencl_c_atomic_order_acq_rel"))
			feat_atomic(name, "memory_order_acq_rel",
				    "memory_scope_device");
		else if (!strcmp(name, "__opencl_c_atomic_order_seq_cst"))
			feat_atomic(name, "memory_order_seq_cst",
				    "memory_scope_device");
		else if (!strcmp(name, "__opencl_c_atomic_scope_device"))
			feat_atomic(name, "memory_order_relaxed",
				    "memory_scope_device");
		else if (!strcmp(name, "__opencl_c_atomic_scope_all_devices"))
			feat_atomic(name, "memory_order_relaxed",
				    "memory_scope_all_svm_devices");
		else if (!strcmp(name,
				 "__opencl_c_work_group_collective_functions"))
			feat_collectives();
		else if (!strcmp(name, "__opencl_c_fp64"))
			feat_fp64();
		else if (!strcmp(name, "__opencl_c_int64"))
			feat_int64();
		else
			hx_test_fail(__FILE__, __LINE__,
				     "feature %s is claimed but not tested",
				     name);
	}
	free(f);
}

/* Features the device does not claim are not defined for kernels. */
TEST(unclaimed_features_undefined)
{
	struct penv e = penv_open();
	const char *src =
		"#if defined(__opencl_c_pipes) || "
		"defined(__opencl_c_device_enqueue) || "
		"defined(__opencl_c_subgroups) || defined(__opencl_c_images)\n"
		"#error claimed\n#endif\n"
		"kernel void k(global long *o) { o[0] = 1; }\n";
	cl_program p = build(e.ctx, e.dev, src, "-cl-std=CL3.0");

	clReleaseProgram(p);
	penv_close(&e);
}

/* The kernel in the "done when": generic pointers, all-devices
 * atomics, a program-scope global and work_group_reduce_add together. */
TEST(done_when_kernel)
{
	struct penv e = penv_open();
	cl_program p = build(
		e.ctx, e.dev,
		"global atomic_long total = ATOMIC_VAR_INIT(0);\n"
		"void add(atomic_long *t, long v) {\n" /* generic pointer */
		"  atomic_fetch_add_explicit(t, v, memory_order_relaxed,\n"
		"                            memory_scope_all_svm_devices);\n"
		"}\n"
		"kernel void k(global long *unused) {\n"
		"  long s = work_group_reduce_add((long)get_global_id(0));\n"
		"  if (get_local_id(0) == 0) add(&total, s);\n"
		"}\n"
		"kernel void read_total(global long *o) {\n"
		"  o[0] = atomic_load(&total);\n"
		"}\n",
		"-cl-std=CL3.0");
	cl_kernel k = kernel(p, "k"), r = kernel(p, "read_total");
	cl_long o = -1;
	cl_mem m = buffer(e.ctx, sizeof(o), &o);
	size_t g = 256, l = 64, one = 1;

	set_mem(r, 0, m);
	set_mem(k, 0, m);
	run(e.q, k, 1, &g, &l);
	run(e.q, r, 1, &one, NULL);
	read_buf(e.q, m, sizeof(o), &o);
	CHECK_EQ(o, 255 * 256 / 2);
	/* The global keeps its value: a second launch adds again. */
	run(e.q, k, 1, &g, &l);
	run(e.q, r, 1, &one, NULL);
	read_buf(e.q, m, sizeof(o), &o);
	CHECK_EQ(o, 255 * 256);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseKernel(r);
	clReleaseProgram(p);
	penv_close(&e);
}

/* to_local on a constant __local address in a kernel split at a barrier:
 * the null test of to_local stayed a constant expression that placing
 * __local variables did not rebuild ("cannot place __local variable" at
 * the first launch). */
TEST(to_local_of_a_constant_local_address_across_a_barrier)
{
	cl_long o[64];
	size_t i;

	run_feature("kernel void k(global long *o) {\n"
		    "  local int big[64]; size_t l = get_local_id(0);\n"
		    "  big[l] = 1; barrier(CLK_LOCAL_MEM_FENCE);\n"
		    "  local char *c = (local char *)big + 255;\n"
		    "  o[l] = (long)((local char *)to_local((generic char *)c)"
		    " - (local char *)big) + big[63 - l];\n"
		    "}\n",
		    "-cl-std=CL3.0", o, 64, 64, 64);
	for (i = 0; i < 64; i++)
		CHECK_EQ(o[i], 256);
}
