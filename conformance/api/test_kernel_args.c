/* clSetKernelArg, clSetKernelArgSVMPointer and clSetKernelExecInfo:
 * index and size rules, __local arguments, NULL and foreign buffers,
 * by-value structs and vectors, SVM pointers and argument snapshots. */
#include "prog_util.h"

static const char *k_args =
	"typedef struct { char c; int i; long l; float f; short s; } mix_t;\n"
	"typedef struct { int v[50]; } big_t;\n"
	"kernel void scal(global int *out, int a, long b, float4 v, mix_t m,\n"
	"                 big_t big) {\n"
	"  out[0] = a; out[1] = (int)(b >> 32); out[2] = (int)b;\n"
	"  out[3] = (int)(v.x + v.y + v.z + v.w);\n"
	"  out[4] = m.c; out[5] = m.i; out[6] = (int)(m.l >> 40);\n"
	"  out[7] = (int)m.f; out[8] = m.s; out[9] = big.v[0] + big.v[49];\n"
	"}\n"
	"kernel void nullbuf(global int *maybe, global int *flag) {\n"
	"  flag[0] = maybe == 0 ? 1 : 2;\n"
	"}\n"
	"kernel void locals(global int *out, local int *a, local char *b) {\n"
	"  a[get_local_id(0)] = (int)get_local_id(0);\n"
	"  b[get_local_id(0)] = 1;\n"
	"  barrier(CLK_LOCAL_MEM_FENCE);\n"
	"  if (get_local_id(0) == 0) {\n"
	"    int s = 0;\n"
	"    for (size_t i = 0; i < get_local_size(0); i++) s += a[i] + b[i];\n"
	"    out[get_group_id(0)] = s;\n"
	"  }\n"
	"}\n"
	"kernel void ptr(global int *p, int v) { p[get_global_id(0)] = v; }\n";

struct mix {
	cl_char c;
	cl_int i;
	cl_long l;
	cl_float f;
	cl_short s;
};

struct big {
	cl_int v[50];
};

struct kenv {
	struct penv e;
	cl_program p;
};

static struct kenv kopen(void)
{
	struct kenv k;

	k.e = penv_open();
	k.p = build(k.e.ctx, k.e.dev, k_args, NULL);
	return k;
}

static void kclose(struct kenv *k)
{
	clReleaseProgram(k->p);
	penv_close(&k->e);
}

TEST(arg_index_and_size_errors)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "scal");
	cl_mem m = buffer(K.e.ctx, 64, NULL);
	int i = 0;
	cl_long l = 0;

	CHECK_ERR(clSetKernelArg(k, 6, sizeof(i), &i), CL_INVALID_ARG_INDEX);
	CHECK_ERR(clSetKernelArg(k, 1000, sizeof(i), &i), CL_INVALID_ARG_INDEX);
	/* Buffer argument: arg_size must be sizeof(cl_mem). */
	CHECK_ERR(clSetKernelArg(k, 0, 4, &m), CL_INVALID_ARG_SIZE);
	CHECK_ERR(clSetKernelArg(k, 0, 0, NULL), CL_INVALID_ARG_SIZE);
	/* By value: the exact size of the type. */
	CHECK_ERR(clSetKernelArg(k, 1, sizeof(l), &l), CL_INVALID_ARG_SIZE);
	CHECK_ERR(clSetKernelArg(k, 1, 2, &i), CL_INVALID_ARG_SIZE);
	CHECK_ERR(clSetKernelArg(k, 2, sizeof(i), &i), CL_INVALID_ARG_SIZE);
	CHECK_ERR(clSetKernelArg(k, 3, sizeof(cl_float3) + 4, &i),
		  CL_INVALID_ARG_SIZE);
	CHECK_ERR(clSetKernelArg(k, 4, sizeof(struct mix) - 1, &i),
		  CL_INVALID_ARG_SIZE);
	/* A by-value argument needs a value. */
	CHECK_ERR(clSetKernelArg(k, 1, sizeof(i), NULL), CL_INVALID_ARG_VALUE);
	CHECK_ERR(clSetKernelArg(NULL, 1, sizeof(i), &i), CL_INVALID_KERNEL);
	CHECK_ERR(clSetKernelArg((cl_kernel)K.p, 1, sizeof(i), &i),
		  CL_INVALID_KERNEL);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	kclose(&K);
}

TEST(by_value_struct_vector_big)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "scal");
	int out[10] = {0};
	cl_mem m = buffer(K.e.ctx, sizeof(out), out);
	int a = -17;
	cl_long b = ((cl_long)0x12345 << 32) | 0x6789;
	cl_float4 v = {{1.0f, 2.0f, 3.0f, 4.5f}};
	struct mix mx = {-5, 123456, (cl_long)77 << 40, 9.75f, -300};
	struct big bg;
	size_t one = 1;
	int i;

	for (i = 0; i < 50; i++)
		bg.v[i] = i * 1000;
	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(a), &a));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(b), &b));
	CHECK_CL(clSetKernelArg(k, 3, sizeof(v), &v));
	CHECK_CL(clSetKernelArg(k, 4, sizeof(mx), &mx));
	CHECK_CL(clSetKernelArg(k, 5, sizeof(bg), &bg));
	/* The values are copied at the call: scribbling is harmless. */
	memset(&mx, 0, sizeof(mx));
	memset(&bg, 0, sizeof(bg));
	run(K.e.q, k, 1, &one, NULL);
	read_buf(K.e.q, m, sizeof(out), out);
	CHECK_EQ(out[0], -17);
	CHECK_EQ(out[1], 0x12345);
	CHECK_EQ(out[2], 0x6789);
	CHECK_EQ(out[3], 10);
	CHECK_EQ(out[4], -5);
	CHECK_EQ(out[5], 123456);
	CHECK_EQ(out[6], 77);
	CHECK_EQ(out[7], 9);
	CHECK_EQ(out[8], -300);
	CHECK_EQ(out[9], 49000);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	kclose(&K);
}

static int nullbuf_flag(struct kenv *K, cl_kernel k)
{
	int flag = 0;
	cl_mem f = buffer(K->e.ctx, sizeof(flag), &flag);
	size_t one = 1;

	set_mem(k, 1, f);
	run(K->e.q, k, 1, &one, NULL);
	read_buf(K->e.q, f, sizeof(flag), &flag);
	clReleaseMemObject(f);
	return flag;
}

TEST(null_buffer_argument)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "nullbuf");
	cl_mem m = buffer(K.e.ctx, 16, NULL), none = NULL;

	/* arg_value NULL, or pointing to a NULL cl_mem: a NULL pointer. */
	CHECK_CL(clSetKernelArg(k, 0, sizeof(cl_mem), NULL));
	CHECK_EQ(nullbuf_flag(&K, k), 1);
	set_mem(k, 0, m);
	CHECK_EQ(nullbuf_flag(&K, k), 2);
	CHECK_CL(clSetKernelArg(k, 0, sizeof(cl_mem), &none));
	CHECK_EQ(nullbuf_flag(&K, k), 1);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	kclose(&K);
}

TEST(wrong_mem_object)
{
	struct kenv K = kopen();
	struct penv other = penv_open();
	cl_kernel k = kernel(K.p, "nullbuf");
	cl_mem foreign = buffer(other.ctx, 16, NULL);
	cl_mem not_mem = (cl_mem)K.e.q;

	CHECK_ERR(clSetKernelArg(k, 0, sizeof(cl_mem), &not_mem),
		  CL_INVALID_MEM_OBJECT);
	/* A buffer of another context. */
	CHECK_ERR(clSetKernelArg(k, 0, sizeof(cl_mem), &foreign),
		  CL_INVALID_MEM_OBJECT);
	clReleaseMemObject(foreign);
	clReleaseKernel(k);
	penv_close(&other);
	kclose(&K);
}

TEST(local_arguments)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "locals");
	int out[4] = {0};
	cl_mem m = buffer(K.e.ctx, sizeof(out), out);
	size_t g = 64, l = 16;
	int dummy = 0, i;

	/* __local: arg_value must be NULL and arg_size non-zero. */
	CHECK_ERR(clSetKernelArg(k, 1, 0, NULL), CL_INVALID_ARG_SIZE);
	CHECK_ERR(clSetKernelArg(k, 1, sizeof(dummy), &dummy),
		  CL_INVALID_ARG_VALUE);
	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, l * sizeof(int), NULL));
	CHECK_CL(clSetKernelArg(k, 2, l, NULL));
	run(K.e.q, k, 1, &g, &l);
	read_buf(K.e.q, m, sizeof(out), out);
	for (i = 0; i < 4; i++)
		CHECK_EQ(out[i], 120 + 16);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	kclose(&K);
}

/* Unset arguments: CL_INVALID_KERNEL_ARGS at enqueue. */
TEST(unset_args)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "nullbuf");
	cl_mem m = buffer(K.e.ctx, 16, NULL);
	size_t one = 1;

	CHECK_ERR(clEnqueueNDRangeKernel(K.e.q, k, 1, NULL, &one, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_KERNEL_ARGS);
	set_mem(k, 0, m);
	CHECK_ERR(clEnqueueNDRangeKernel(K.e.q, k, 1, NULL, &one, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_KERNEL_ARGS);
	CHECK_ERR(clEnqueueTask(K.e.q, k, 0, NULL, NULL),
		  CL_INVALID_KERNEL_ARGS);
	set_mem(k, 1, m);
	CHECK_CL(clEnqueueTask(K.e.q, k, 0, NULL, NULL));
	clReleaseMemObject(m);
	clReleaseKernel(k);
	kclose(&K);
}

/* An enqueued launch keeps the argument values of its enqueue time. */
TEST(args_snapshot_at_enqueue)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "ptr");
	int a[4] = {0}, b[4] = {0};
	cl_mem ma = buffer(K.e.ctx, sizeof(a), a);
	cl_mem mb = buffer(K.e.ctx, sizeof(b), b);
	cl_int err;
	cl_event gate = clCreateUserEvent(K.e.ctx, &err);
	size_t g = 4;
	int v = 5;

	CHECK_CL(err);
	set_mem(k, 0, ma);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(v), &v));
	CHECK_CL(clEnqueueNDRangeKernel(K.e.q, k, 1, NULL, &g, NULL, 1, &gate,
					NULL));
	v = 9;
	set_mem(k, 0, mb);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(v), &v));
	/* The application may release its buffer: the command holds it. */
	CHECK_CL(clReleaseMemObject(mb));
	CHECK_CL(clSetUserEventStatus(gate, CL_COMPLETE));
	CHECK_CL(clFinish(K.e.q));
	read_buf(K.e.q, ma, sizeof(a), a);
	CHECK_EQ(a[0], 5);
	CHECK_EQ(a[3], 5);
	/* The kernel now holds mb; a second launch writes 9 into it. */
	CHECK_CL(clEnqueueNDRangeKernel(K.e.q, k, 1, NULL, &g, NULL, 0, NULL,
					NULL));
	CHECK_CL(clFinish(K.e.q));
	clReleaseEvent(gate);
	clReleaseMemObject(ma);
	clReleaseKernel(k);
	kclose(&K);
}

static cl_device_svm_capabilities svm_caps(cl_device_id dev)
{
	cl_device_svm_capabilities c = 0;

	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(c), &c,
				 NULL));
	return c;
}

TEST(svm_pointer_argument)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "ptr");
	int *s = clSVMAlloc(K.e.ctx, CL_MEM_READ_WRITE, 64 * sizeof(int), 0);
	int *host = calloc(64, sizeof(int));
	size_t g = 16;
	int v = 77, i;

	if (!(svm_caps(K.e.dev) & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER))
		SKIP("device has no SVM");
	CHECK(s != NULL && host != NULL);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, s + 8));
	CHECK_CL(clSetKernelArg(k, 1, sizeof(v), &v));
	CHECK_CL(clEnqueueSVMMemFill(K.e.q, s, &(int){0}, sizeof(int),
				     64 * sizeof(int), 0, NULL, NULL));
	run(K.e.q, k, 1, &g, NULL);
	CHECK_CL(clEnqueueSVMMap(K.e.q, CL_TRUE, CL_MAP_READ, s,
				 64 * sizeof(int), 0, NULL, NULL));
	for (i = 0; i < 64; i++)
		CHECK_EQ(s[i], i >= 8 && i < 24 ? 77 : 0);
	CHECK_CL(clEnqueueSVMUnmap(K.e.q, s, 0, NULL, NULL));
	/* NULL is a valid pointer value. */
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, NULL));
	/* A plain host pointer is an SVM pointer only with fine-grain system
	 * SVM reported by the device. */
	if (svm_caps(K.e.dev) & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM) {
		CHECK_CL(clSetKernelArgSVMPointer(k, 0, host));
		run(K.e.q, k, 1, &g, NULL);
		CHECK_EQ(host[15], 77);
	} else {
		CHECK_ERR(clSetKernelArgSVMPointer(k, 0, host),
			  CL_INVALID_ARG_VALUE);
		CHECK_ERR(clSetKernelArgSVMPointer(k, 0, &v),
			  CL_INVALID_ARG_VALUE);
	}
	/* Index and kind errors. */
	CHECK_ERR(clSetKernelArgSVMPointer(k, 2, s), CL_INVALID_ARG_INDEX);
	CHECK_ERR(clSetKernelArgSVMPointer(k, 1, s), CL_INVALID_ARG_VALUE);
	CHECK_ERR(clSetKernelArgSVMPointer(NULL, 0, s), CL_INVALID_KERNEL);
	clSVMFree(K.e.ctx, s);
	free(host);
	clReleaseKernel(k);
	kclose(&K);
}

TEST(exec_info)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "ptr");
	void *s = clSVMAlloc(K.e.ctx, CL_MEM_READ_WRITE, 256, 0);
	void *ptrs[2] = {s, (char *)s + 64};
	cl_bool t = CL_TRUE, f = CL_FALSE;
	int has_system = (svm_caps(K.e.dev) & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM) != 0;

	CHECK(s != NULL);
	CHECK_CL(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS,
				     sizeof(ptrs), ptrs));
	CHECK_ERR(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, 3, ptrs),
		  CL_INVALID_VALUE);
	CHECK_ERR(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS,
				      sizeof(ptrs), NULL),
		  CL_INVALID_VALUE);
	CHECK_CL(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				     sizeof(f), &f));
	CHECK_ERR(clSetKernelExecInfo(k,
				      CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				      sizeof(t), &t),
		  has_system ? CL_SUCCESS : CL_INVALID_OPERATION);
	CHECK_ERR(clSetKernelExecInfo(k,
				      CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				      1, &t),
		  CL_INVALID_VALUE);
	CHECK_ERR(clSetKernelExecInfo(k, 0x12345, sizeof(t), &t),
		  CL_INVALID_VALUE);
	CHECK_ERR(clSetKernelExecInfo(NULL, CL_KERNEL_EXEC_INFO_SVM_PTRS,
				      sizeof(ptrs), ptrs),
		  CL_INVALID_KERNEL);
	clSVMFree(K.e.ctx, s);
	clReleaseKernel(k);
	kclose(&K);
}

/* A sub-buffer argument points at its origin inside the parent. */
TEST(sub_buffer_argument)
{
	struct kenv K = kopen();
	cl_kernel k = kernel(K.p, "ptr");
	cl_uint align = 0;
	size_t g = 4;
	int v = 31, a[512] = {0}, i;
	cl_mem parent = buffer(K.e.ctx, sizeof(a), a), sub;
	cl_buffer_region r;
	cl_int err;

	CHECK_CL(clGetDeviceInfo(K.e.dev, CL_DEVICE_MEM_BASE_ADDR_ALIGN,
				 sizeof(align), &align, NULL));
	r.origin = align / 8; /* bits -> bytes */
	r.size = 64;
	CHECK(r.origin + r.size <= sizeof(a));
	sub = clCreateSubBuffer(parent, 0, CL_BUFFER_CREATE_TYPE_REGION, &r,
				&err);
	CHECK_CL(err);
	set_mem(k, 0, sub);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(v), &v));
	run(K.e.q, k, 1, &g, NULL);
	read_buf(K.e.q, parent, sizeof(a), a);
	for (i = 0; i < 512; i++)
		CHECK_EQ(a[i], (size_t)i >= r.origin / 4 &&
					       (size_t)i < r.origin / 4 + 4
				       ? 31
				       : 0);
	clReleaseMemObject(sub);
	clReleaseMemObject(parent);
	clReleaseKernel(k);
	kclose(&K);
}

/* Wide vectors by value (32, 64 and 128 bytes, 3-element vectors sized
 * as 4) arrive intact, next to scalars that shift their offsets. */
TEST(vector_arguments)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev,
			     "kernel void v(global float *o, char c, float8 a,"
			     "              short s, long16 b, float3 t,"
			     "              double16 d, uchar u, int3 w) {\n"
			     "  o[0] = c; o[1] = a.s0 + a.s7; o[2] = s;\n"
			     "  o[3] = (float)(b.s0 + b.sf); o[4] = t.x + t.z;\n"
			     "  o[5] = (float)(d.s0 + d.sf); o[6] = u;\n"
			     "  o[7] = w.x + w.z;\n"
			     "}\n",
			     NULL);
	cl_kernel k = kernel(p, "v");
	float o[8] = {0};
	cl_mem m = buffer(e.ctx, sizeof(o), o);
	cl_char c = -3;
	cl_float8 a;
	cl_short s = 1234;
	cl_long16 b;
	cl_float3 t = {{1.5f, 99.0f, 2.5f}};
	cl_double16 d;
	cl_uchar u = 250;
	cl_int3 w = {{7, 0, 8}};
	size_t one = 1;
	int i;

	CHECK_EQ(sizeof(cl_float3), 16);
	for (i = 0; i < 8; i++)
		a.s[i] = (float)i + 0.5f;
	for (i = 0; i < 16; i++) {
		b.s[i] = 1000 * i;
		d.s[i] = i * 0.25;
	}
	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(c), &c));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(a), &a));
	CHECK_CL(clSetKernelArg(k, 3, sizeof(s), &s));
	CHECK_CL(clSetKernelArg(k, 4, sizeof(b), &b));
	CHECK_CL(clSetKernelArg(k, 5, sizeof(t), &t));
	CHECK_CL(clSetKernelArg(k, 6, sizeof(d), &d));
	CHECK_CL(clSetKernelArg(k, 7, sizeof(u), &u));
	CHECK_CL(clSetKernelArg(k, 8, sizeof(w), &w));
	CHECK_ERR(clSetKernelArg(k, 5, 12, &t), CL_INVALID_ARG_SIZE);
	run(e.q, k, 1, &one, NULL);
	read_buf(e.q, m, sizeof(o), o);
	CHECK_EQ(o[0], -3);
	CHECK_EQ(o[1] * 2, 16);
	CHECK_EQ(o[2], 1234);
	CHECK_EQ(o[3], 15000);
	CHECK_EQ(o[4], 4);
	CHECK_EQ(o[5] * 4, 15);
	CHECK_EQ(o[6], 250);
	CHECK_EQ(o[7], 15);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}
