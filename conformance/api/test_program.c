/* Program objects through the ICD loader: clCreateProgramWithSource /
 * WithBinary / WithIL / WithBuiltInKernels, clGetProgramInfo and
 * clGetProgramBuildInfo for every parameter, binary round trips, the
 * release callback and specialization constants. */
#include "prog_util.h"

static const char *k_add =
	"kernel void add(global int *a, int v) { a[get_global_id(0)] += v; }\n"
	"kernel void mul(global int *a, int v) { a[get_global_id(0)] *= v; }\n";

TEST(source_errors)
{
	struct penv e = penv_open();
	const char *good = "kernel void k(void) {}";
	const char *two[2] = {good, NULL};
	cl_int err = CL_SUCCESS;

	CHECK(clCreateProgramWithSource(NULL, 1, &good, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateProgramWithSource((cl_context)e.q, 1, &good, NULL,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	/* count is zero or strings or any entry in strings is NULL. */
	CHECK(clCreateProgramWithSource(e.ctx, 0, &good, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithSource(e.ctx, 1, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithSource(e.ctx, 2, two, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	/* errcode_ret may be NULL. */
	CHECK(clCreateProgramWithSource(e.ctx, 0, &good, NULL, NULL) == NULL);
	penv_close(&e);
}

/* lengths[i] == 0 means strings[i] is NUL-terminated; otherwise only
 * lengths[i] bytes count. */
TEST(source_lengths)
{
	struct penv e = penv_open();
	const char *parts[3] = {"kernel void k(global int *a) ",
				"{ a[0] = 42; }GARBAGE THAT MUST NOT COUNT",
				"\nkernel void k2(void) {}"};
	size_t lengths[3] = {0, 14, 0};
	const char *want = "kernel void k(global int *a) { a[0] = 42; }\n"
			   "kernel void k2(void) {}";
	char got[256];
	size_t n = 0;
	cl_int err, v = 0;
	cl_program p = clCreateProgramWithSource(e.ctx, 3, parts, lengths, &err);
	cl_kernel k;
	cl_mem m;
	size_t one = 1;

	CHECK_CL(err);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_SOURCE, sizeof(got), got, &n));
	CHECK_EQ(n, strlen(want) + 1);
	CHECK(strcmp(got, want) == 0);
	CHECK_CL(clBuildProgram(p, 1, &e.dev, NULL, NULL, NULL));
	k = kernel(p, "k");
	m = buffer(e.ctx, sizeof(v), &v);
	set_mem(k, 0, m);
	run(e.q, k, 1, &one, NULL);
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 42);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(refcount)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_add);
	cl_uint rc = 0;

	CHECK_CL(clRetainProgram(p));
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_REFERENCE_COUNT, sizeof(rc),
				  &rc, NULL));
	CHECK_EQ(rc, 2);
	CHECK_CL(clReleaseProgram(p));
	CHECK_CL(clReleaseProgram(p));
	CHECK_ERR(clRetainProgram(NULL), CL_INVALID_PROGRAM);
	CHECK_ERR(clReleaseProgram(NULL), CL_INVALID_PROGRAM);
	CHECK_ERR(clReleaseProgram((cl_program)e.ctx), CL_INVALID_PROGRAM);
	penv_close(&e);
}

static void check_kernel_names(const char *names)
{
	/* Order is unspecified: "add;mul" or "mul;add". */
	CHECK(strcmp(names, "add;mul") == 0 || strcmp(names, "mul;add") == 0);
}

TEST(program_info_every_param)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_add);
	cl_context c = NULL;
	cl_device_id d[4] = {0};
	cl_uint nd = 0;
	size_t n = 0, nk = 0, bsize = 7;
	cl_bool b = CL_TRUE;
	char names[64], small[4];

	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_CONTEXT, sizeof(c), &c, &n));
	CHECK(c == e.ctx);
	CHECK_EQ(n, sizeof(c));
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_NUM_DEVICES, sizeof(nd), &nd,
				  NULL));
	CHECK_EQ(nd, 1);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_DEVICES, sizeof(d), d, &n));
	CHECK_EQ(n, sizeof(cl_device_id));
	CHECK(d[0] == e.dev);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_SOURCE, 0, NULL, &n));
	CHECK_EQ(n, strlen(k_add) + 1);
	/* A source program has no IL: size 0 (3.0) . */
	n = 99;
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_IL, 0, NULL, &n));
	CHECK_EQ(n, 0);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(bsize),
				  &bsize, &n));
	CHECK_EQ(n, sizeof(size_t));
	CHECK_EQ(bsize, 0);
	/* Not built yet: no executable. */
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				   NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, sizeof(names),
				   names, NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_SCOPE_GLOBAL_CTORS_PRESENT,
				  sizeof(b), &b, NULL));
	CHECK_EQ(b, CL_FALSE);
	b = CL_TRUE;
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT,
				  sizeof(b), &b, NULL));
	CHECK_EQ(b, CL_FALSE);

	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				  &n));
	CHECK_EQ(n, sizeof(size_t));
	CHECK_EQ(nk, 2);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, 0, NULL, &n));
	CHECK_EQ(n, strlen("add;mul") + 1);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, sizeof(names),
				  names, NULL));
	check_kernel_names(names);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(bsize),
				  &bsize, NULL));
	CHECK(bsize > 0);

	/* Too small a buffer, unknown names, bad program. */
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, sizeof(small),
				   small, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_CONTEXT, 1, &c, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_BINARIES, 1, small, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_BUILD_STATUS, sizeof(names),
				   names, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetProgramInfo(NULL, CL_PROGRAM_CONTEXT, sizeof(c), &c,
				   NULL),
		  CL_INVALID_PROGRAM);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(build_info_every_param)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, "global int g[100];\n"
					  "kernel void k(global int *a)"
					  "{ g[1] += a[0]; a[1] = g[1]; }");
	cl_build_status st = 99;
	cl_program_binary_type bt = 99;
	size_t gsize = 0, n = 0;
	char opts[128];
	char *log;

	CHECK_CL(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BUILD_STATUS,
				       sizeof(st), &st, &n));
	CHECK_EQ(n, sizeof(st));
	CHECK_EQ(st, CL_BUILD_NONE);
	CHECK_CL(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BINARY_TYPE,
				       sizeof(bt), &bt, NULL));
	CHECK_EQ(bt, CL_PROGRAM_BINARY_TYPE_NONE);
	CHECK_CL(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BUILD_OPTIONS,
				       sizeof(opts), opts, &n));
	CHECK_EQ(n, 1);
	log = build_log(p, e.dev);
	free(log);

	CHECK_CL(clBuildProgram(p, 1, &e.dev, "-cl-std=CL3.0 -DUNUSED=1", NULL,
				NULL));
	CHECK_CL(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BUILD_STATUS,
				       sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_BUILD_SUCCESS);
	CHECK_CL(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BUILD_OPTIONS,
				       sizeof(opts), opts, &n));
	CHECK(strcmp(opts, "-cl-std=CL3.0 -DUNUSED=1") == 0);
	CHECK_EQ(n, strlen(opts) + 1);
	CHECK_CL(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BINARY_TYPE,
				       sizeof(bt), &bt, NULL));
	CHECK_EQ(bt, CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	CHECK_CL(clGetProgramBuildInfo(p, e.dev,
				       CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE,
				       sizeof(gsize), &gsize, &n));
	CHECK_EQ(n, sizeof(size_t));
	CHECK(gsize >= 100 * sizeof(int));
	log = build_log(p, e.dev);
	free(log);

	/* Error paths. */
	CHECK_ERR(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BUILD_STATUS, 1,
					&st, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_CONTEXT,
					sizeof(opts), opts, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetProgramBuildInfo(p, NULL, CL_PROGRAM_BUILD_STATUS,
					sizeof(st), &st, NULL),
		  CL_INVALID_DEVICE);
	CHECK_ERR(clGetProgramBuildInfo(p, (cl_device_id)e.ctx,
					CL_PROGRAM_BUILD_STATUS, sizeof(st),
					&st, NULL),
		  CL_INVALID_DEVICE);
	CHECK_ERR(clGetProgramBuildInfo(NULL, e.dev, CL_PROGRAM_BUILD_STATUS,
					sizeof(st), &st, NULL),
		  CL_INVALID_PROGRAM);
	clReleaseProgram(p);
	penv_close(&e);
}

/* The global size of a program without globals is 0. */
TEST(build_info_no_globals)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_add, NULL);
	size_t gsize = 1;

	CHECK_CL(clGetProgramBuildInfo(p, e.dev,
				       CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE,
				       sizeof(gsize), &gsize, NULL));
	CHECK_EQ(gsize, 0);
	clReleaseProgram(p);
	penv_close(&e);
}

/* Gets the single binary of p (malloc'd). */
static unsigned char *get_binary(cl_program p, size_t *size)
{
	unsigned char *bin;
	size_t n = 0;

	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(*size),
				  size, &n));
	CHECK_EQ(n, sizeof(size_t));
	CHECK(*size > 0);
	bin = malloc(*size);
	CHECK(bin != NULL);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bin), &bin,
				  &n));
	CHECK_EQ(n, sizeof(unsigned char *));
	return bin;
}

static void run_add(struct penv *e, cl_program p, int v)
{
	cl_kernel k = kernel(p, "add");
	int a[4] = {1, 2, 3, 4};
	cl_mem m = buffer(e->ctx, sizeof(a), a);
	size_t g = 4;
	int i;

	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(v), &v));
	run(e->q, k, 1, &g, NULL);
	read_buf(e->q, m, sizeof(a), a);
	for (i = 0; i < 4; i++)
		CHECK_EQ(a[i], i + 1 + v);
	clReleaseMemObject(m);
	clReleaseKernel(k);
}

TEST(binary_round_trip)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_add, NULL), p2;
	size_t size = 0;
	unsigned char *bin = get_binary(p, &size);
	const unsigned char *bins[1] = {bin};
	cl_int st = 99, err;
	cl_program_binary_type bt = 0;
	cl_build_status bs = 0;
	size_t nk = 0;

	p2 = clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, &st, &err);
	CHECK_CL(err);
	CHECK_CL(st);
	CHECK_CL(clGetProgramBuildInfo(p2, e.dev, CL_PROGRAM_BINARY_TYPE,
				       sizeof(bt), &bt, NULL));
	CHECK_EQ(bt, CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	/* Kernels come only after clBuildProgram, as for source. */
	CHECK_CL(clBuildProgram(p2, 0, NULL, NULL, NULL, NULL));
	CHECK_CL(clGetProgramBuildInfo(p2, e.dev, CL_PROGRAM_BUILD_STATUS,
				       sizeof(bs), &bs, NULL));
	CHECK_EQ(bs, CL_BUILD_SUCCESS);
	CHECK_CL(clGetProgramInfo(p2, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				  NULL));
	CHECK_EQ(nk, 2);
	run_add(&e, p2, 10);
	/* A source program's binary is its own executable too. */
	run_add(&e, p, 5);
	free(bin);
	clReleaseProgram(p2);
	clReleaseProgram(p);
	penv_close(&e);
}

/* A binary is self-contained: the source program may be gone. */
TEST(binary_outlives_source_program)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_add, NULL), p2;
	size_t size = 0;
	unsigned char *bin = get_binary(p, &size);
	const unsigned char *bins[1] = {bin};
	cl_int err;

	clReleaseProgram(p);
	p2 = clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, NULL,
				       &err);
	CHECK_CL(err);
	free(bin);
	CHECK_CL(clBuildProgram(p2, 0, NULL, NULL, NULL, NULL));
	run_add(&e, p2, 3);
	clReleaseProgram(p2);
	penv_close(&e);
}

TEST(binary_errors)
{
	struct penv e = penv_open();
	unsigned char junk[256];
	const unsigned char *bins[1] = {junk};
	const unsigned char *nullbin[1] = {NULL};
	size_t size = sizeof(junk), zero = 0;
	cl_int st = 99, err = 0;
	cl_device_id bad = (cl_device_id)e.ctx;
	unsigned i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, &st,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_BINARY);
	CHECK_ERR(st, CL_INVALID_BINARY);
	/* A truncated header. */
	size = 3;
	st = 99;
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, &st,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_BINARY);
	CHECK_ERR(st, CL_INVALID_BINARY);
	/* lengths[i] zero or binaries[i] NULL: CL_INVALID_VALUE, in both
	 * errcode_ret and binary_status. */
	st = 99;
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &e.dev, &zero, bins, &st,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK_ERR(st, CL_INVALID_VALUE);
	size = sizeof(junk);
	st = 99;
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, nullbin, &st,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK_ERR(st, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &e.dev, NULL, bins, NULL,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, NULL, NULL,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	/* device_list NULL / num_devices 0 / a foreign device. */
	CHECK(clCreateProgramWithBinary(e.ctx, 0, &e.dev, &size, bins, NULL,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithBinary(e.ctx, 1, NULL, &size, bins, NULL,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &bad, &size, bins, NULL,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE);
	CHECK(clCreateProgramWithBinary(NULL, 1, &e.dev, &size, bins, NULL,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	penv_close(&e);
}

/* A valid binary with one byte flipped in its body must not load as a
 * working program, and a valid binary cut short must be refused. */
TEST(binary_truncated)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_add, NULL);
	size_t size = 0, half;
	unsigned char *bin = get_binary(p, &size);
	const unsigned char *bins[1] = {bin};
	cl_int st = 99, err = 0;

	half = size / 2;
	CHECK(clCreateProgramWithBinary(e.ctx, 1, &e.dev, &half, bins, &st,
					&err) == NULL);
	CHECK_ERR(err, CL_INVALID_BINARY);
	CHECK_ERR(st, CL_INVALID_BINARY);
	free(bin);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(il_and_builtin_kernels)
{
	struct penv e = penv_open();
	static const unsigned int spirv[5] = {0x07230203, 0x00010000, 0, 1, 0};
	cl_device_id bad = (cl_device_id)e.ctx;
	cl_int err = 0;
	char il_version[64] = "x";
	size_t n = 0;

	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_IL_VERSION,
				 sizeof(il_version), il_version, &n));
	CHECK(il_version[0] == '\0');
	CHECK(clCreateProgramWithIL(NULL, spirv, sizeof(spirv), &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateProgramWithIL(e.ctx, NULL, sizeof(spirv), &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithIL(e.ctx, spirv, 0, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	/* No device of the context supports IL programs. */
	CHECK(clCreateProgramWithIL(e.ctx, spirv, sizeof(spirv), &err) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);

	CHECK(clCreateProgramWithBuiltInKernels(e.ctx, 1, &e.dev, "foo",
						&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithBuiltInKernels(e.ctx, 1, &e.dev, NULL,
						&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithBuiltInKernels(e.ctx, 0, NULL, "foo", &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateProgramWithBuiltInKernels(e.ctx, 1, &bad, "foo", &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE);
	CHECK(clCreateProgramWithBuiltInKernels(NULL, 1, &e.dev, "foo", &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	penv_close(&e);
}

static void CL_CALLBACK release_cb(cl_program p, void *data)
{
	(void)p;
	++*(int *)data;
}

TEST(release_callback_and_spec_constants)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_add);
	int calls = 0, v = 1;
	cl_int err;

	CHECK_ERR(clSetProgramReleaseCallback(NULL, release_cb, &calls),
		  CL_INVALID_PROGRAM);
	CHECK_ERR(clSetProgramReleaseCallback(p, NULL, &calls),
		  CL_INVALID_VALUE);
	/* No device supports program-scope global destructors. */
	CHECK_ERR(clSetProgramReleaseCallback(p, release_cb, &calls),
		  CL_INVALID_OPERATION);
	/* Specialization constants exist only in IL programs, which no device
	 * supports: both CL_INVALID_PROGRAM (not created from IL) and
	 * CL_INVALID_OPERATION (no device supports IL) describe the case. */
	err = clSetProgramSpecializationConstant(p, 0, sizeof(v), &v);
	CHECK(err == CL_INVALID_PROGRAM || err == CL_INVALID_OPERATION);
	CHECK_ERR(clSetProgramSpecializationConstant(NULL, 0, sizeof(v), &v),
		  CL_INVALID_PROGRAM);
	clReleaseProgram(p);
	CHECK_EQ(calls, 0);
	penv_close(&e);
}

TEST(unload_compiler)
{
	struct penv e = penv_open();
	cl_program p;

	CHECK_CL(clUnloadPlatformCompiler(hx_test_platform()));
	/* (NULL is the loader's business: ocl-icd picks a default.) */
	CHECK_ERR(clUnloadPlatformCompiler((cl_platform_id)e.ctx),
		  CL_INVALID_PLATFORM);
	/* Building still works after an unload. */
	p = build(e.ctx, e.dev, k_add, NULL);
	run_add(&e, p, 2);
	clReleaseProgram(p);
	penv_close(&e);
}

/* A program keeps its context alive; the context's refcount reflects it. */
TEST(program_retains_context)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_program p = src_program(ctx, k_add);
	cl_context c = NULL;

	CHECK_CL(clReleaseContext(ctx));
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_CONTEXT, sizeof(c), &c, NULL));
	CHECK(c == ctx);
	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	CHECK_CL(clReleaseProgram(p));
}

/* A failed rebuild leaves no executable behind: the kernel queries fail
 * as for a program never built, and kernels cannot be created. */
TEST(failed_rebuild_drops_executable)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, "#ifdef BREAK\n#error broken\n#endif\n"
					  "kernel void add(global int *a) {}\n");
	size_t nk = 0, bsize = 1;
	cl_program_binary_type bt = 0;
	cl_int err;

	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				  NULL));
	CHECK_EQ(nk, 1);
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-DBREAK", NULL, NULL),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK_ERR(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				   NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_CL(clGetProgramBuildInfo(p, e.dev, CL_PROGRAM_BINARY_TYPE,
				       sizeof(bt), &bt, NULL));
	CHECK_EQ(bt, CL_PROGRAM_BINARY_TYPE_NONE);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(bsize),
				  &bsize, NULL));
	CHECK_EQ(bsize, 0);
	CHECK(clCreateKernel(p, "add", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROGRAM_EXECUTABLE);
	clReleaseProgram(p);
	penv_close(&e);
}

/* A program made from an executable binary has no executable until
 * clBuildProgram: kernel queries and clCreateKernel fail before it. */
TEST(binary_program_needs_build)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_add, NULL), p2;
	size_t size = 0, nk = 0;
	unsigned char *bin = get_binary(p, &size);
	const unsigned char *bins[1] = {bin};
	cl_build_status bs = 99;
	cl_int err;

	p2 = clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, NULL,
				       &err);
	CHECK_CL(err);
	CHECK_CL(clGetProgramBuildInfo(p2, e.dev, CL_PROGRAM_BUILD_STATUS,
				       sizeof(bs), &bs, NULL));
	CHECK_EQ(bs, CL_BUILD_NONE);
	CHECK_ERR(clGetProgramInfo(p2, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				   NULL),
		  CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK(clCreateKernel(p2, "add", &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROGRAM_EXECUTABLE);
	CHECK_CL(clBuildProgram(p2, 0, NULL, NULL, NULL, NULL));
	CHECK_CL(clGetProgramInfo(p2, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk,
				  NULL));
	CHECK_EQ(nk, 2);
	free(bin);
	clReleaseProgram(p2);
	clReleaseProgram(p);
	penv_close(&e);
}

static const char *k_counter =
	"global int counter = 5;\n"
	"kernel void bump(global int *o) { o[0] = ++counter; }\n";

static int bump(struct penv *e, cl_program p)
{
	cl_kernel k = kernel(p, "bump");
	int v = 0;
	cl_mem m = buffer(e->ctx, sizeof(v), &v);
	size_t one = 1;

	set_mem(k, 0, m);
	run(e->q, k, 1, &one, NULL);
	read_buf(e->q, m, sizeof(v), &v);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	return v;
}

/* Program-scope globals belong to one program object: two programs of
 * the same source (one compiled, one from the cache or a binary) each
 * start from the initializer and never see each other's stores. */
TEST(globals_per_program)
{
	struct penv e = penv_open();
	cl_program a = build(e.ctx, e.dev, k_counter, "-cl-std=CL3.0"), b, c;
	size_t size = 0;
	unsigned char *bin;
	const unsigned char *bins[1];
	cl_int err;

	CHECK_EQ(bump(&e, a), 6);
	CHECK_EQ(bump(&e, a), 7);
	b = build(e.ctx, e.dev, k_counter, "-cl-std=CL3.0");
	CHECK_EQ(bump(&e, b), 6);
	CHECK_EQ(bump(&e, a), 8);
	bin = get_binary(a, &size);
	bins[0] = bin;
	c = clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(c, 0, NULL, NULL, NULL, NULL));
	CHECK_EQ(bump(&e, c), 6);
	CHECK_EQ(bump(&e, b), 7);
	/* A rebuild starts over. */
	CHECK_CL(clBuildProgram(a, 0, NULL, "-cl-std=CL3.0", NULL, NULL));
	CHECK_EQ(bump(&e, a), 6);
	free(bin);
	clReleaseProgram(a);
	clReleaseProgram(b);
	clReleaseProgram(c);
	penv_close(&e);
}
