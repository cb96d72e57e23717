/* Kernel objects: clCreateKernel, clCreateKernelsInProgram, clCloneKernel,
 * clGetKernelInfo, clGetKernelWorkGroupInfo, clGetKernelArgInfo. */
#include "prog_util.h"

static const char *src3 =
	"kernel void add(global int *a, int v) { a[get_global_id(0)] += v; }\n"
	"__attribute__((reqd_work_group_size(4, 2, 1)))\n"
	"kernel void fixed(global int *a) { a[get_global_id(0)] = 1; }\n"
	"kernel void loc(global float *out, local float *scratch,\n"
	"                constant int *c, const int n) {\n"
	"  local int stat[64];\n"
	"  stat[get_local_id(0)] = n; scratch[0] = c[0];\n"
	"  barrier(CLK_LOCAL_MEM_FENCE); out[0] = scratch[0] + stat[0];\n"
	"}\n";

TEST(create_kernel_errors)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, src3);
	cl_int err = 0;

	/* Not built yet. */
	CHECK(clCreateKernel(p, "add", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	CHECK(clCreateKernel(p, "no_such_kernel", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_KERNEL_NAME);
	CHECK(clCreateKernel(p, "ad", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_KERNEL_NAME);
	CHECK(clCreateKernel(p, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateKernel(NULL, "add", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROGRAM);
	CHECK(clCreateKernel((cl_program)e.ctx, "add", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROGRAM);
	/* A compiled object is no executable. */
	clReleaseProgram(p);
	p = src_program(e.ctx, src3);
	CHECK_CL(clCompileProgram(p, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL));
	CHECK(clCreateKernel(p, "add", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROGRAM_EXECUTABLE);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(kernels_in_program)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, src3);
	cl_kernel ks[4] = {0};
	cl_uint n = 0, i;
	char name[32];
	int seen = 0;

	CHECK_ERR(clCreateKernelsInProgram(p, 0, NULL, &n),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	CHECK_CL(clCreateKernelsInProgram(p, 0, NULL, &n));
	CHECK_EQ(n, 3);
	/* kernels not NULL and num_kernels less than the count. */
	CHECK_ERR(clCreateKernelsInProgram(p, 2, ks, &n), CL_INVALID_VALUE);
	CHECK(ks[0] == NULL && ks[1] == NULL);
	CHECK_ERR(clCreateKernelsInProgram(NULL, 4, ks, &n), CL_INVALID_PROGRAM);
	n = 0;
	CHECK_CL(clCreateKernelsInProgram(p, 4, ks, &n));
	CHECK_EQ(n, 3);
	for (i = 0; i < 3; i++) {
		CHECK_CL(clGetKernelInfo(ks[i], CL_KERNEL_FUNCTION_NAME,
					 sizeof(name), name, NULL));
		seen |= (strcmp(name, "add") == 0) |
			(strcmp(name, "fixed") == 0) << 1 |
			(strcmp(name, "loc") == 0) << 2;
	}
	CHECK_EQ(seen, 7);
	/* The kernels pin the program's executable. */
	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_OPERATION);
	for (i = 0; i < 3; i++)
		CHECK_CL(clReleaseKernel(ks[i]));
	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(kernel_info)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, src3, NULL), pp = NULL;
	cl_kernel k = kernel(p, "fixed"), a = kernel(p, "add");
	cl_context c = NULL;
	cl_uint nargs = 0, rc = 0;
	char buf[128];
	size_t n = 0;

	CHECK_CL(clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof(buf), buf,
				 &n));
	CHECK(strcmp(buf, "fixed") == 0);
	CHECK_EQ(n, 6);
	CHECK_CL(clGetKernelInfo(a, CL_KERNEL_NUM_ARGS, sizeof(nargs), &nargs,
				 NULL));
	CHECK_EQ(nargs, 2);
	CHECK_CL(clRetainKernel(k));
	CHECK_CL(clGetKernelInfo(k, CL_KERNEL_REFERENCE_COUNT, sizeof(rc), &rc,
				 NULL));
	CHECK_EQ(rc, 2);
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clGetKernelInfo(k, CL_KERNEL_CONTEXT, sizeof(c), &c, NULL));
	CHECK(c == e.ctx);
	CHECK_CL(clGetKernelInfo(k, CL_KERNEL_PROGRAM, sizeof(pp), &pp, NULL));
	CHECK(pp == p);
	CHECK_CL(clGetKernelInfo(k, CL_KERNEL_ATTRIBUTES, sizeof(buf), buf,
				 NULL));
	CHECK(strstr(buf, "reqd_work_group_size(4,2,1)") != NULL);
	CHECK_CL(clGetKernelInfo(a, CL_KERNEL_ATTRIBUTES, sizeof(buf), buf, &n));
	CHECK_EQ(n, 1);
	CHECK_ERR(clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, 3, buf, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetKernelInfo(k, CL_PROGRAM_SOURCE, sizeof(buf), buf, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetKernelInfo(NULL, CL_KERNEL_NUM_ARGS, sizeof(nargs),
				  &nargs, NULL),
		  CL_INVALID_KERNEL);
	CHECK_ERR(clRetainKernel(NULL), CL_INVALID_KERNEL);
	CHECK_ERR(clReleaseKernel((cl_kernel)p), CL_INVALID_KERNEL);
	clReleaseKernel(k);
	clReleaseKernel(a);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(work_group_info)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, src3, NULL);
	cl_kernel f = kernel(p, "fixed"), a = kernel(p, "add"),
		  l = kernel(p, "loc");
	size_t wg = 0, cw[3] = {9, 9, 9}, mult = 0, n = 0;
	cl_ulong lm0 = 0, lm1 = 0, pm = 0;
	size_t max_wg = 0;

	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_MAX_WORK_GROUP_SIZE,
				 sizeof(max_wg), &max_wg, NULL));
	CHECK_CL(clGetKernelWorkGroupInfo(f, e.dev,
					  CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
					  sizeof(cw), cw, &n));
	CHECK_EQ(n, sizeof(cw));
	CHECK(cw[0] == 4 && cw[1] == 2 && cw[2] == 1);
	CHECK_CL(clGetKernelWorkGroupInfo(f, e.dev, CL_KERNEL_WORK_GROUP_SIZE,
					  sizeof(wg), &wg, NULL));
	CHECK(wg >= 8 && wg <= max_wg);
	CHECK_CL(clGetKernelWorkGroupInfo(a, e.dev,
					  CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
					  sizeof(cw), cw, NULL));
	CHECK(cw[0] == 0 && cw[1] == 0 && cw[2] == 0);
	CHECK_CL(clGetKernelWorkGroupInfo(a, e.dev, CL_KERNEL_WORK_GROUP_SIZE,
					  sizeof(wg), &wg, NULL));
	CHECK(wg >= 1 && wg <= max_wg);
	CHECK_CL(clGetKernelWorkGroupInfo(
		a, e.dev, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
		sizeof(mult), &mult, NULL));
	CHECK(mult >= 1);
	CHECK_CL(clGetKernelWorkGroupInfo(a, e.dev, CL_KERNEL_PRIVATE_MEM_SIZE,
					  sizeof(pm), &pm, NULL));

	/* LOCAL_MEM_SIZE: static __local plus the __local arguments set. */
	CHECK_CL(clGetKernelWorkGroupInfo(l, e.dev, CL_KERNEL_LOCAL_MEM_SIZE,
					  sizeof(lm0), &lm0, NULL));
	CHECK(lm0 >= 64 * sizeof(int));
	CHECK_CL(clSetKernelArg(l, 1, 1000, NULL));
	CHECK_CL(clGetKernelWorkGroupInfo(l, e.dev, CL_KERNEL_LOCAL_MEM_SIZE,
					  sizeof(lm1), &lm1, NULL));
	CHECK(lm1 >= lm0 + 1000);
	CHECK_CL(clSetKernelArg(l, 1, 4000, NULL));
	CHECK_CL(clGetKernelWorkGroupInfo(l, e.dev, CL_KERNEL_LOCAL_MEM_SIZE,
					  sizeof(lm1), &lm1, NULL));
	CHECK(lm1 >= lm0 + 4000 && lm1 < lm0 + 4000 + 1024);
	/* NULL device: the kernel has a single device. */
	CHECK_CL(clGetKernelWorkGroupInfo(a, NULL, CL_KERNEL_WORK_GROUP_SIZE,
					  sizeof(wg), &wg, NULL));
	/* Errors. */
	CHECK_ERR(clGetKernelWorkGroupInfo(a, e.dev, CL_KERNEL_GLOBAL_WORK_SIZE,
					   sizeof(cw), cw, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetKernelWorkGroupInfo(a, e.dev, CL_KERNEL_NUM_ARGS,
					   sizeof(cw), cw, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetKernelWorkGroupInfo(a, e.dev, CL_KERNEL_WORK_GROUP_SIZE,
					   1, &wg, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetKernelWorkGroupInfo(a, (cl_device_id)e.ctx,
					   CL_KERNEL_WORK_GROUP_SIZE,
					   sizeof(wg), &wg, NULL),
		  CL_INVALID_DEVICE);
	CHECK_ERR(clGetKernelWorkGroupInfo(NULL, e.dev,
					   CL_KERNEL_WORK_GROUP_SIZE,
					   sizeof(wg), &wg, NULL),
		  CL_INVALID_KERNEL);
	clReleaseKernel(f);
	clReleaseKernel(a);
	clReleaseKernel(l);
	clReleaseProgram(p);
	penv_close(&e);
}

static void arg_str(cl_kernel k, cl_uint i, cl_kernel_arg_info what,
		    const char *want)
{
	char buf[64];
	size_t n = 0;

	CHECK_CL(clGetKernelArgInfo(k, i, what, sizeof(buf), buf, &n));
	if (strcmp(buf, want))
		hx_test_fail(__FILE__, __LINE__, "arg %u: \"%s\" != \"%s\"", i,
			     buf, want);
	CHECK_EQ(n, strlen(want) + 1);
}

static cl_ulong arg_val(cl_kernel k, cl_uint i, cl_kernel_arg_info what)
{
	cl_ulong v = 0; /* every such value fits, little-endian */

	CHECK_CL(clGetKernelArgInfo(k, i, what, sizeof(v), &v, NULL));
	return v;
}

TEST(arg_info)
{
	struct penv e = penv_open();
	const char *src =
		"typedef struct { int a; float b; } pair_t;\n"
		"kernel void k(global float * restrict out,\n"
		"              const global int *in, local float4 *sc,\n"
		"              constant uint *tab, volatile global int *vol,\n"
		"              const int n, pair_t pr) { out[0] = n; }\n";
	cl_program p = build(e.ctx, e.dev, src, "-cl-kernel-arg-info");
	cl_program p0 = build(e.ctx, e.dev, src, NULL);
	cl_kernel k = kernel(p, "k"), k0 = kernel(p0, "k");
	char buf[64];

	arg_str(k, 0, CL_KERNEL_ARG_NAME, "out");
	arg_str(k, 0, CL_KERNEL_ARG_TYPE_NAME, "float*");
	arg_str(k, 1, CL_KERNEL_ARG_NAME, "in");
	arg_str(k, 1, CL_KERNEL_ARG_TYPE_NAME, "int*");
	arg_str(k, 2, CL_KERNEL_ARG_TYPE_NAME, "float4*");
	arg_str(k, 3, CL_KERNEL_ARG_TYPE_NAME, "uint*");
	arg_str(k, 5, CL_KERNEL_ARG_NAME, "n");
	arg_str(k, 5, CL_KERNEL_ARG_TYPE_NAME, "int");
	arg_str(k, 6, CL_KERNEL_ARG_NAME, "pr");
	arg_str(k, 6, CL_KERNEL_ARG_TYPE_NAME, "pair_t");
	CHECK_EQ(arg_val(k, 0, CL_KERNEL_ARG_ADDRESS_QUALIFIER),
		 CL_KERNEL_ARG_ADDRESS_GLOBAL);
	CHECK_EQ(arg_val(k, 2, CL_KERNEL_ARG_ADDRESS_QUALIFIER),
		 CL_KERNEL_ARG_ADDRESS_LOCAL);
	CHECK_EQ(arg_val(k, 3, CL_KERNEL_ARG_ADDRESS_QUALIFIER),
		 CL_KERNEL_ARG_ADDRESS_CONSTANT);
	CHECK_EQ(arg_val(k, 5, CL_KERNEL_ARG_ADDRESS_QUALIFIER),
		 CL_KERNEL_ARG_ADDRESS_PRIVATE);
	CHECK_EQ(arg_val(k, 0, CL_KERNEL_ARG_ACCESS_QUALIFIER),
		 CL_KERNEL_ARG_ACCESS_NONE);
	CHECK_EQ(arg_val(k, 0, CL_KERNEL_ARG_TYPE_QUALIFIER),
		 CL_KERNEL_ARG_TYPE_RESTRICT);
	CHECK_EQ(arg_val(k, 1, CL_KERNEL_ARG_TYPE_QUALIFIER),
		 CL_KERNEL_ARG_TYPE_CONST);
	/* constant pointers are const (spec: CL_KERNEL_ARG_TYPE_CONST). */
	CHECK(arg_val(k, 3, CL_KERNEL_ARG_TYPE_QUALIFIER) &
	      CL_KERNEL_ARG_TYPE_CONST);
	CHECK_EQ(arg_val(k, 4, CL_KERNEL_ARG_TYPE_QUALIFIER),
		 CL_KERNEL_ARG_TYPE_VOLATILE);
	/* A const by-value argument has no pointee qualifier. */
	CHECK_EQ(arg_val(k, 5, CL_KERNEL_ARG_TYPE_QUALIFIER),
		 CL_KERNEL_ARG_TYPE_NONE);
	/* Errors. */
	CHECK_ERR(clGetKernelArgInfo(k, 7, CL_KERNEL_ARG_NAME, sizeof(buf), buf,
				     NULL),
		  CL_INVALID_ARG_INDEX);
	CHECK_ERR(clGetKernelArgInfo(k, 0, CL_KERNEL_ARG_NAME, 2, buf, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetKernelArgInfo(k, 0, CL_KERNEL_NUM_ARGS, sizeof(buf), buf,
				     NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetKernelArgInfo(NULL, 0, CL_KERNEL_ARG_NAME, sizeof(buf),
				     buf, NULL),
		  CL_INVALID_KERNEL);
	/* Without -cl-kernel-arg-info the information is not available. */
	CHECK_ERR(clGetKernelArgInfo(k0, 0, CL_KERNEL_ARG_NAME, sizeof(buf),
				     buf, NULL),
		  CL_KERNEL_ARG_INFO_NOT_AVAILABLE);
	CHECK_ERR(clGetKernelArgInfo(k0, 0, CL_KERNEL_ARG_TYPE_NAME,
				     sizeof(buf), buf, NULL),
		  CL_KERNEL_ARG_INFO_NOT_AVAILABLE);
	clReleaseKernel(k);
	clReleaseKernel(k0);
	clReleaseProgram(p);
	clReleaseProgram(p0);
	penv_close(&e);
}

static const char *k_axpy =
	"typedef struct { int mul; int add; } op_t;\n"
	"kernel void axpy(global int *a, op_t op, local int *tmp) {\n"
	"  size_t i = get_global_id(0);\n"
	"  tmp[get_local_id(0)] = a[i];\n"
	"  barrier(CLK_LOCAL_MEM_FENCE);\n"
	"  a[i] = tmp[get_local_id(0)] * op.mul + op.add;\n"
	"}\n";

struct op {
	int mul, add;
};

static void run_axpy(struct penv *e, cl_kernel k, cl_mem m, int *out)
{
	size_t g = 8, l = 4;

	CHECK_CL(clEnqueueWriteBuffer(e->q, m, CL_TRUE, 0, 8 * sizeof(int),
				      (int[8]){1, 2, 3, 4, 5, 6, 7, 8}, 0, NULL,
				      NULL));
	run(e->q, k, 1, &g, &l);
	read_buf(e->q, m, 8 * sizeof(int), out);
}

TEST(clone_kernel)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_axpy, NULL);
	cl_kernel k = kernel(p, "axpy"), c;
	cl_mem m = buffer(e.ctx, 8 * sizeof(int), NULL);
	cl_mem m2 = buffer(e.ctx, 8 * sizeof(int), NULL);
	struct op op = {3, 1}, op2 = {10, 0};
	int out[8];
	char name[16];
	cl_int err = 0;

	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(op), &op));
	CHECK_CL(clSetKernelArg(k, 2, 4 * sizeof(int), NULL));
	c = clCloneKernel(k, &err);
	CHECK_CL(err);
	CHECK(c != NULL && c != k);
	CHECK_CL(clGetKernelInfo(c, CL_KERNEL_FUNCTION_NAME, sizeof(name), name,
				 NULL));
	CHECK(strcmp(name, "axpy") == 0);
	/* The clone carries the arguments: it runs without any set. */
	run_axpy(&e, c, m, out);
	CHECK_EQ(out[0], 4);
	CHECK_EQ(out[7], 25);
	/* Independent afterwards, both ways. */
	CHECK_CL(clSetKernelArg(c, 1, sizeof(op2), &op2));
	set_mem(c, 0, m2);
	run_axpy(&e, k, m, out);
	CHECK_EQ(out[7], 25);
	run_axpy(&e, c, m2, out);
	CHECK_EQ(out[7], 80);
	/* The clone outlives its source. */
	CHECK_CL(clReleaseKernel(k));
	run_axpy(&e, c, m2, out);
	CHECK_EQ(out[1], 20);
	CHECK_CL(clReleaseMemObject(m2));
	CHECK(clCloneKernel(NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_KERNEL);
	CHECK(clCloneKernel((cl_kernel)p, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_KERNEL);
	clReleaseKernel(c);
	clReleaseMemObject(m);
	clReleaseProgram(p);
	penv_close(&e);
}

/* A kernel keeps its program alive after the application's release. */
TEST(kernel_retains_program)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_axpy, NULL);
	cl_kernel k = kernel(p, "axpy");
	cl_mem m = buffer(e.ctx, 8 * sizeof(int), NULL);
	struct op op = {2, 0};
	int out[8];

	CHECK_CL(clReleaseProgram(p));
	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(op), &op));
	CHECK_CL(clSetKernelArg(k, 2, 16, NULL));
	run_axpy(&e, k, m, out);
	CHECK_EQ(out[3], 8);
	clReleaseKernel(k);
	clReleaseMemObject(m);
	penv_close(&e);
}

TEST(sub_group_info_unsupported)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_axpy, NULL);
	cl_kernel k = kernel(p, "axpy");
	size_t in = 8, out = 0;
	cl_uint sg = 99;

	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_MAX_NUM_SUB_GROUPS,
				 sizeof(sg), &sg, NULL));
	CHECK_EQ(sg, 0);
	CHECK_ERR(clGetKernelSubGroupInfo(k, e.dev,
					  CL_KERNEL_MAX_SUB_GROUP_SIZE_FOR_NDRANGE,
					  sizeof(in), &in, sizeof(out), &out,
					  NULL),
		  CL_INVALID_OPERATION);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

/* A kernel may take no arguments at all (kernel void f(void)). */
TEST(kernel_without_arguments)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev,
			     "global int hits;\n"
			     "kernel void noargs(void) { atomic_inc(&hits); }\n"
			     "kernel void get(global int *o) { o[0] = hits; }\n",
			     "-cl-std=CL3.0");
	cl_kernel k, g;
	cl_uint nargs = 99;
	size_t nk = 0, n = 10;
	int v = 0;
	cl_mem m = buffer(e.ctx, sizeof(v), &v);

	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				  NULL));
	CHECK_EQ(nk, 2);
	k = kernel(p, "noargs");
	g = kernel(p, "get");
	CHECK_CL(clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof(nargs), &nargs,
				 NULL));
	CHECK_EQ(nargs, 0);
	run(e.q, k, 1, &n, NULL);
	set_mem(g, 0, m);
	CHECK_CL(clEnqueueTask(e.q, g, 0, NULL, NULL));
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 10);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseKernel(g);
	clReleaseProgram(p);
	penv_close(&e);
}

/* CL_KERNEL_ATTRIBUTES lists the hint attributes as written. */
TEST(kernel_attribute_hints)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev,
			     "__attribute__((work_group_size_hint(8, 2, 1)))\n"
			     "__attribute__((vec_type_hint(float4)))\n"
			     "kernel void k(global int *u) { u[0] = 1; }\n",
			     NULL);
	cl_kernel k = kernel(p, "k");
	char buf[256];

	CHECK_CL(clGetKernelInfo(k, CL_KERNEL_ATTRIBUTES, sizeof(buf), buf,
				 NULL));
	CHECK(strstr(buf, "work_group_size_hint(8,2,1)") != NULL);
	CHECK(strstr(buf, "vec_type_hint(float4)") != NULL);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}
