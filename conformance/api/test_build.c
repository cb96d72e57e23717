/* clBuildProgram, clCompileProgram and clLinkProgram: device lists,
 * options, diagnostics in the build log, -cl-std versions, callbacks,
 * rebuilds while kernels exist, headers, libraries and link failures. */
#include "prog_util.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static const char *k_set =
	"kernel void set(global int *a, int v) { a[get_global_id(0)] = v; }";

/* Runs kernel name(a, v) over 4 items and returns a[3]. */
static int run_set(struct penv *e, cl_program p, const char *name, int v)
{
	cl_kernel k = kernel(p, name);
	int a[4] = {0};
	cl_mem m = buffer(e->ctx, sizeof(a), a);
	size_t g = 4;

	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(v), &v));
	run(e->q, k, 1, &g, NULL);
	read_buf(e->q, m, sizeof(a), a);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	return a[3];
}

static cl_build_status status(cl_program p, cl_device_id dev)
{
	cl_build_status st = 99;

	CHECK_CL(clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_STATUS,
				       sizeof(st), &st, NULL));
	return st;
}

TEST(build_device_list_errors)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_set);
	cl_device_id bad = (cl_device_id)e.ctx;

	CHECK_ERR(clBuildProgram(NULL, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_PROGRAM);
	CHECK_ERR(clBuildProgram((cl_program)e.ctx, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_PROGRAM);
	/* device_list NULL and num_devices > 0, or the reverse. */
	CHECK_ERR(clBuildProgram(p, 1, NULL, NULL, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clBuildProgram(p, 0, &e.dev, NULL, NULL, NULL),
		  CL_INVALID_VALUE);
	/* Devices not in the program's list. */
	CHECK_ERR(clBuildProgram(p, 1, &bad, NULL, NULL, NULL),
		  CL_INVALID_DEVICE);
	CHECK_EQ(status(p, e.dev), CL_BUILD_NONE);
	CHECK_CL(clBuildProgram(p, 1, &e.dev, NULL, NULL, NULL));
	CHECK_EQ(run_set(&e, p, "set", 7), 7);
	clReleaseProgram(p);
	penv_close(&e);
}

static void CL_CALLBACK count_cb(cl_program p, void *data)
{
	(void)p;
	++*(int *)data;
}

TEST(build_user_data_without_callback)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_set);
	int x = 0;

	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, &x), CL_INVALID_VALUE);
	CHECK_EQ(status(p, e.dev), CL_BUILD_NONE);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(build_unknown_option)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_set);

	CHECK_ERR(clBuildProgram(p, 0, NULL, "-fno-such-option", NULL, NULL),
		  CL_INVALID_BUILD_OPTIONS);
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-cl-mad-enable --bogus", NULL,
				 NULL),
		  CL_INVALID_BUILD_OPTIONS);
	/* An unsupported -cl-std value is an option that exists. */
	CHECK_CL(clBuildProgram(p, 0, NULL, "-cl-mad-enable", NULL, NULL));
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(build_syntax_error_log)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, "kernel void k(global int *a)\n"
					  "{ a[0] = undeclared_thing_xyz; }\n");
	cl_int err;
	char *log;

	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, NULL),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK_EQ(status(p, e.dev), CL_BUILD_ERROR);
	log = build_log(p, e.dev);
	/* clang's diagnostic, verbatim enough to find the culprit. */
	CHECK(strstr(log, "error") != NULL);
	CHECK(strstr(log, "undeclared_thing_xyz") != NULL);
	free(log);
	clCreateKernel(p, "k", &err);
	CHECK_ERR(err, CL_INVALID_PROGRAM_EXECUTABLE);
	clReleaseProgram(p);
	penv_close(&e);
}

/* -cl-std names a version; one the device does not list fails the build
 * with a log line saying so. */
TEST(build_cl_std_versions)
{
	struct penv e = penv_open();
	const char *ok[] = {"-cl-std=CL1.1", "-cl-std=CL1.2", "-cl-std=CL3.0"};
	cl_program p;
	char *log;
	unsigned i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		p = build(e.ctx, e.dev, k_set, ok[i]);
		CHECK_EQ(run_set(&e, p, "set", (int)i + 1), (int)i + 1);
		clReleaseProgram(p);
	}
	p = src_program(e.ctx, k_set);
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-cl-std=CL2.0", NULL, NULL),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK_EQ(status(p, e.dev), CL_BUILD_ERROR);
	log = build_log(p, e.dev);
	printf("CL2.0 log: %s\n", log);
	CHECK(strstr(log, "CL2.0") != NULL || strstr(log, "2.0") != NULL);
	free(log);
	clReleaseProgram(p);
	penv_close(&e);
}

/* OpenCL C 3.0 with generic pointers and program-scope globals that keep
 * their value from one launch to the next. */
TEST(build_cl30_generic_and_globals)
{
	struct penv e = penv_open();
	const char *src =
		"global int counter = 5;\n"
		"global int table[4] = {1, 2, 3, 4};\n"
		"void bump(int *p, int v) { *p += v; }\n" /* generic */
		"kernel void k(global int *out) {\n"
		"  local int l; private int q = 1;\n"
		"  if (get_local_id(0) == 0) l = 10;\n"
		"  barrier(CLK_LOCAL_MEM_FENCE);\n"
		"  if (get_global_id(0) == 0) {\n"
		"    bump(&counter, 1); bump(&q, 2);\n"
		"    int lv = l; bump(&lv, 3);\n"
		"    out[0] = counter; out[1] = q; out[2] = lv;\n"
		"    out[3] = table[3];\n"
		"    out[4] = to_global(&counter) != 0;\n"
		"  }\n"
		"}\n";
	cl_program p = build(e.ctx, e.dev, src, "-cl-std=CL3.0");
	cl_kernel k = kernel(p, "k");
	int out[5] = {0};
	cl_mem m = buffer(e.ctx, sizeof(out), out);
	size_t g = 4;

	set_mem(k, 0, m);
	run(e.q, k, 1, &g, NULL);
	read_buf(e.q, m, sizeof(out), out);
	CHECK_EQ(out[0], 6);
	CHECK_EQ(out[1], 3);
	CHECK_EQ(out[2], 13);
	CHECK_EQ(out[3], 4);
	CHECK_EQ(out[4], 1);
	/* The global persists across launches. */
	run(e.q, k, 1, &g, NULL);
	read_buf(e.q, m, sizeof(out), out);
	CHECK_EQ(out[0], 7);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(build_options_effect)
{
	struct penv e = penv_open();
	const char *src = "#include \"inc_hdr.h\"\n"
			  "kernel void set(global int *a, int v)"
			  "{ a[get_global_id(0)] = v * MULT + FROM_HEADER; }";
	char dir[] = "/tmp/hmmcl-inc-XXXXXX", path[128], opts[256];
	cl_program p;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/inc_hdr.h", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("#define FROM_HEADER 1000\n", f);
	fclose(f);
	snprintf(opts, sizeof(opts),
		 "-DMULT=3 -I %s -cl-fast-relaxed-math -cl-opt-disable -w", dir);
	p = build(e.ctx, e.dev, src, opts);
	CHECK_EQ(run_set(&e, p, "set", 2), 1006);
	clReleaseProgram(p);
	/* -I glued to its path too. */
	snprintf(opts, sizeof(opts), "-DMULT=1 -I%s", dir);
	p = build(e.ctx, e.dev, src, opts);
	CHECK_EQ(run_set(&e, p, "set", 2), 1002);
	clReleaseProgram(p);
	unlink(path);
	rmdir(dir);
	penv_close(&e);
}

TEST(build_werror)
{
	struct penv e = penv_open();
	const char *src = "kernel void set(global int *a, int v)"
			  "{ int unused_var_q; a[0] = v; }\n"
			  "#warning this_is_a_warning\n";
	cl_program p = src_program(e.ctx, src);
	char *log;

	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	log = build_log(p, e.dev);
	CHECK(strstr(log, "this_is_a_warning") != NULL);
	free(log);
	CHECK_ERR(clBuildProgram(p, 0, NULL, "-Werror", NULL, NULL),
		  CL_BUILD_PROGRAM_FAILURE);
	log = build_log(p, e.dev);
	CHECK(strstr(log, "this_is_a_warning") != NULL);
	free(log);
	CHECK_CL(clBuildProgram(p, 0, NULL, "-w", NULL, NULL));
	log = build_log(p, e.dev);
	CHECK(strstr(log, "this_is_a_warning") == NULL);
	free(log);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(rebuild_with_kernel_attached)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_set, NULL);
	cl_kernel k = kernel(p, "set");

	CHECK_ERR(clBuildProgram(p, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_OPERATION);
	CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 0, NULL, NULL, NULL,
				   NULL),
		  CL_INVALID_OPERATION);
	/* The executable is still there and usable. */
	CHECK_EQ(status(p, e.dev), CL_BUILD_SUCCESS);
	clReleaseKernel(k);
	CHECK_CL(clBuildProgram(p, 0, NULL, "-DX=1", NULL, NULL));
	CHECK_EQ(run_set(&e, p, "set", 9), 9);
	clReleaseProgram(p);
	penv_close(&e);
}

struct cb_data {
	cl_program p;
	int calls;
	cl_build_status st;
	cl_device_id dev;
};

static void CL_CALLBACK build_cb(cl_program p, void *data)
{
	struct cb_data *d = data;

	d->p = p;
	d->calls++;
	clGetProgramBuildInfo(p, d->dev, CL_PROGRAM_BUILD_STATUS,
			      sizeof(d->st), &d->st, NULL);
}

/* The callback sees the program in its final state; it runs before the
 * call returns or, if later, before clReleaseProgram finishes. */
TEST(build_callback)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_set), bad;
	struct cb_data d = {NULL, 0, 99, e.dev};
	int n = 0;

	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, build_cb, &d));
	CHECK_EQ(d.calls, 1);
	CHECK(d.p == p);
	CHECK_EQ(d.st, CL_BUILD_SUCCESS);
	/* Called on failure too. */
	bad = src_program(e.ctx, "kernel void k( {");
	d.calls = 0;
	CHECK_ERR(clBuildProgram(bad, 0, NULL, NULL, build_cb, &d),
		  CL_BUILD_PROGRAM_FAILURE);
	CHECK_EQ(d.calls, 1);
	CHECK(d.p == bad);
	CHECK_EQ(d.st, CL_BUILD_ERROR);
	/* NULL user_data with a callback is fine. */
	clReleaseProgram(p);
	p = src_program(e.ctx, k_set);
	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, count_cb, &n));
	CHECK_EQ(n, 1);
	clReleaseProgram(p);
	clReleaseProgram(bad);
	penv_close(&e);
}

static cl_program compile(struct penv *e, const char *src, const char *opts,
			  cl_uint nh, const cl_program *hdrs,
			  const char **names)
{
	cl_program p = src_program(e->ctx, src);
	cl_int err = clCompileProgram(p, 0, NULL, opts, nh, hdrs, names, NULL,
				      NULL);

	if (err) {
		char *log = build_log(p, e->dev);

		printf("compile log:\n%s\n", log);
		free(log);
	}
	CHECK_CL(err);
	return p;
}

static cl_program link_progs(struct penv *e, const char *opts, cl_uint n,
			     const cl_program *in)
{
	cl_int err = CL_INVALID_VALUE;
	cl_program p = clLinkProgram(e->ctx, 0, NULL, opts, n, in, NULL, NULL,
				     &err);

	if (err && p) {
		char *log = build_log(p, e->dev);

		printf("link log:\n%s\n", log);
		free(log);
	}
	CHECK_CL(err);
	CHECK(p != NULL);
	return p;
}

static cl_program_binary_type bin_type(cl_program p, cl_device_id dev)
{
	cl_program_binary_type t = 99;

	CHECK_CL(clGetProgramBuildInfo(p, dev, CL_PROGRAM_BINARY_TYPE,
				       sizeof(t), &t, NULL));
	return t;
}

TEST(compile_with_headers_and_link_two_objects)
{
	struct penv e = penv_open();
	cl_program h1 = src_program(e.ctx, "int helper(int x);\n#define K 100\n");
	cl_program h2 = src_program(e.ctx, "#define TWICE(x) (2 * (x))\n");
	cl_program hs[2] = {h1, h2};
	const char *names[2] = {"helper.h", "sub/twice.h"};
	cl_program a, b, exe, objs[2];

	a = compile(&e,
		    "#include \"helper.h\"\n#include \"sub/twice.h\"\n"
		    "kernel void set(global int *a, int v)"
		    "{ a[get_global_id(0)] = helper(v) + TWICE(K); }",
		    NULL, 2, hs, names);
	CHECK_EQ(bin_type(a, e.dev), CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT);
	CHECK_EQ(status(a, e.dev), CL_BUILD_SUCCESS);
	b = compile(&e, "#include \"helper.h\"\n"
			"int helper(int x) { return x + K; }",
		    NULL, 1, hs, names);
	objs[0] = a;
	objs[1] = b;
	exe = link_progs(&e, NULL, 2, objs);
	CHECK_EQ(bin_type(exe, e.dev), CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	CHECK_EQ(status(exe, e.dev), CL_BUILD_SUCCESS);
	CHECK_EQ(run_set(&e, exe, "set", 5), 5 + 100 + 200);
	clReleaseProgram(exe);
	clReleaseProgram(a);
	clReleaseProgram(b);
	clReleaseProgram(h1);
	clReleaseProgram(h2);
	penv_close(&e);
}

TEST(link_library)
{
	struct penv e = penv_open();
	cl_program lib_obj = compile(&e, "int triple(int x) { return 3 * x; }",
				     NULL, 0, NULL, NULL);
	cl_program main_obj = compile(&e,
				      "int triple(int x);\n"
				      "kernel void set(global int *a, int v)"
				      "{ a[get_global_id(0)] = triple(v); }",
				      NULL, 0, NULL, NULL);
	cl_program lib, exe, in[2];

	lib = link_progs(&e, "-create-library", 1, &lib_obj);
	CHECK_EQ(bin_type(lib, e.dev), CL_PROGRAM_BINARY_TYPE_LIBRARY);
	in[0] = main_obj;
	in[1] = lib;
	exe = link_progs(&e, NULL, 2, in);
	CHECK_EQ(run_set(&e, exe, "set", 7), 21);
	clReleaseProgram(exe);
	clReleaseProgram(lib);
	clReleaseProgram(lib_obj);
	clReleaseProgram(main_obj);
	penv_close(&e);
}

TEST(link_failure_log)
{
	struct penv e = penv_open();
	cl_program obj = compile(&e,
				 "int missing_function_abc(int x);\n"
				 "kernel void set(global int *a, int v)"
				 "{ a[0] = missing_function_abc(v); }",
				 NULL, 0, NULL, NULL);
	cl_int err = 0;
	cl_program p = clLinkProgram(e.ctx, 0, NULL, NULL, 1, &obj, NULL, NULL,
				     &err);
	char *log;

	CHECK_ERR(err, CL_LINK_PROGRAM_FAILURE);
	/* A program object is still returned for its log. */
	CHECK(p != NULL);
	CHECK_EQ(status(p, e.dev), CL_BUILD_ERROR);
	log = build_log(p, e.dev);
	printf("link log: %s\n", log);
	CHECK(strstr(log, "missing_function_abc") != NULL);
	free(log);
	clCreateKernel(p, "set", &err);
	CHECK_ERR(err, CL_INVALID_PROGRAM_EXECUTABLE);
	clReleaseProgram(p);
	clReleaseProgram(obj);
	penv_close(&e);
}

static int link_cb_calls;

static void CL_CALLBACK link_cb(cl_program p, void *data)
{
	(void)p;
	(void)data;
	link_cb_calls++;
}

TEST(compile_errors)
{
	struct penv e = penv_open();
	cl_program src = src_program(e.ctx, k_set), p;
	cl_program hdr = src_program(e.ctx, "#define X 1\n");
	const char *name = "x.h";
	cl_device_id bad = (cl_device_id)e.ctx;
	int x = 0;
	char *log;

	CHECK_ERR(clCompileProgram(src, 0, NULL, "-fbogus-option", 0, NULL,
				   NULL, NULL, NULL),
		  CL_INVALID_COMPILER_OPTIONS);
	CHECK_ERR(clCompileProgram(src, 1, NULL, NULL, 0, NULL, NULL, NULL,
				   NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clCompileProgram(src, 1, &bad, NULL, 0, NULL, NULL, NULL,
				   NULL),
		  CL_INVALID_DEVICE);
	CHECK_ERR(clCompileProgram(src, 0, NULL, NULL, 0, NULL, NULL, NULL,
				   &x),
		  CL_INVALID_VALUE);
	/* num_input_headers, input_headers and names must agree. */
	CHECK_ERR(clCompileProgram(src, 0, NULL, NULL, 1, NULL, &name, NULL,
				   NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clCompileProgram(src, 0, NULL, NULL, 1, &hdr, NULL, NULL,
				   NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clCompileProgram(src, 0, NULL, NULL, 0, &hdr, &name, NULL,
				   NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clCompileProgram(NULL, 0, NULL, NULL, 0, NULL, NULL, NULL,
				   NULL),
		  CL_INVALID_PROGRAM);

	p = src_program(e.ctx, "kernel void k( {");
	CHECK_ERR(clCompileProgram(p, 0, NULL, NULL, 0, NULL, NULL, NULL,
				   NULL),
		  CL_COMPILE_PROGRAM_FAILURE);
	CHECK_EQ(status(p, e.dev), CL_BUILD_ERROR);
	log = build_log(p, e.dev);
	CHECK(strstr(log, "error") != NULL);
	free(log);
	clReleaseProgram(p);

	clReleaseProgram(hdr);
	clReleaseProgram(src);
	penv_close(&e);
}

TEST(link_errors)
{
	struct penv e = penv_open();
	cl_program hdr = src_program(e.ctx, "#define X 1\n"), obj, p;
	cl_device_id bad = (cl_device_id)e.ctx;
	cl_int err = 0;
	int x = 0;

	obj = compile(&e, k_set, NULL, 0, NULL, NULL);
	p = clLinkProgram(e.ctx, 0, NULL, "-fbogus-link-option", 1, &obj, NULL,
			  NULL, &err);
	CHECK(p == NULL);
	CHECK_ERR(err, CL_INVALID_LINKER_OPTIONS);
	/* Inputs: none, an unbuilt source program, a bad handle. */
	CHECK(clLinkProgram(e.ctx, 0, NULL, NULL, 0, &obj, NULL, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clLinkProgram(e.ctx, 0, NULL, NULL, 1, NULL, NULL, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clLinkProgram(e.ctx, 0, NULL, NULL, 1, &hdr, NULL, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clLinkProgram(e.ctx, 0, NULL, NULL, 1, (cl_program *)&e.q, NULL,
			    NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROGRAM);
	CHECK(clLinkProgram(e.ctx, 1, NULL, NULL, 1, &obj, NULL, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clLinkProgram(e.ctx, 1, &bad, NULL, 1, &obj, NULL, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE);
	CHECK(clLinkProgram(e.ctx, 0, NULL, NULL, 1, &obj, NULL, &x, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clLinkProgram(NULL, 0, NULL, NULL, 1, &obj, NULL, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	/* A successful link calls its callback once. */
	p = clLinkProgram(e.ctx, 0, NULL, NULL, 1, &obj, link_cb, NULL, &err);
	CHECK_CL(err);
	CHECK_EQ(link_cb_calls, 1);
	CHECK_EQ(run_set(&e, p, "set", 4), 4);
	clReleaseProgram(p);
	clReleaseProgram(obj);
	clReleaseProgram(hdr);
	penv_close(&e);
}

/* Objects from another context cannot be linked here. */
TEST(link_other_context)
{
	struct penv e = penv_open(), o = penv_open();
	cl_program obj = compile(&o, k_set, NULL, 0, NULL, NULL);
	cl_int err = 0;

	CHECK(clLinkProgram(e.ctx, 0, NULL, NULL, 1, &obj, NULL, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	clReleaseProgram(obj);
	penv_close(&o);
	penv_close(&e);
}

/* A compiled object read back as a binary links like the original. */
TEST(compiled_object_binary_links)
{
	struct penv e = penv_open();
	cl_program obj = compile(&e, k_set, NULL, 0, NULL, NULL), p2, exe;
	size_t size = 0;
	unsigned char *bin;
	const unsigned char *bins[1];
	cl_int err, st = 99;

	CHECK_CL(clGetProgramInfo(obj, CL_PROGRAM_BINARY_SIZES, sizeof(size),
				  &size, NULL));
	CHECK(size > 0);
	bin = malloc(size);
	CHECK_CL(clGetProgramInfo(obj, CL_PROGRAM_BINARIES, sizeof(bin), &bin,
				  NULL));
	bins[0] = bin;
	p2 = clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, &st, &err);
	CHECK_CL(err);
	CHECK_CL(st);
	CHECK_EQ(bin_type(p2, e.dev), CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT);
	exe = link_progs(&e, NULL, 1, &p2);
	CHECK_EQ(run_set(&e, exe, "set", 12), 12);
	/* clBuildProgram on a compiled-object binary links it in place. */
	CHECK_CL(clBuildProgram(p2, 0, NULL, NULL, NULL, NULL));
	CHECK_EQ(bin_type(p2, e.dev), CL_PROGRAM_BINARY_TYPE_EXECUTABLE);
	CHECK_EQ(run_set(&e, p2, "set", 13), 13);
	free(bin);
	clReleaseProgram(exe);
	clReleaseProgram(p2);
	clReleaseProgram(obj);
	penv_close(&e);
}

/* Only source programs compile; a binary program cannot. */
TEST(compile_binary_program)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_set, NULL), b;
	size_t size = 0;
	unsigned char *bin;
	const unsigned char *bins[1];
	cl_int err;

	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(size),
				  &size, NULL));
	bin = malloc(size);
	CHECK_CL(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bin), &bin,
				  NULL));
	bins[0] = bin;
	b = clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, NULL, &err);
	CHECK_CL(err);
	CHECK_ERR(clCompileProgram(b, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL),
		  CL_INVALID_OPERATION);
	free(bin);
	clReleaseProgram(b);
	clReleaseProgram(p);
	penv_close(&e);
}

/* -cl-kernel-arg-info given to clCompileProgram survives the link. */
TEST(arg_info_through_compile_and_link)
{
	struct penv e = penv_open();
	cl_program obj = compile(&e, k_set, "-cl-kernel-arg-info", 0, NULL,
				 NULL);
	cl_program exe = link_progs(&e, NULL, 1, &obj);
	cl_kernel k = kernel(exe, "set");
	char name[16];

	CHECK_CL(clGetKernelArgInfo(k, 1, CL_KERNEL_ARG_NAME, sizeof(name),
				    name, NULL));
	CHECK(strcmp(name, "v") == 0);
	clReleaseKernel(k);
	clReleaseProgram(exe);
	clReleaseProgram(obj);
	penv_close(&e);
}

struct build_thread {
	cl_program p;
	cl_int err;
};

static void *build_main(void *arg)
{
	struct build_thread *t = arg;

	t->err = clBuildProgram(t->p, 0, NULL, NULL, NULL, NULL);
	return NULL;
}

/* Builds of one program from several threads: each either builds or is
 * told another build runs; the program ends up built. */
TEST(concurrent_builds_of_one_program)
{
	struct penv e = penv_open();
	cl_program p = src_program(e.ctx, k_set);
	struct build_thread t[4];
	pthread_t th[4];
	int i, ok = 0;

	for (i = 0; i < 4; i++) {
		t[i] = (struct build_thread){p, 1};
		CHECK(pthread_create(&th[i], NULL, build_main, &t[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(t[i].err == CL_SUCCESS || t[i].err == CL_INVALID_OPERATION);
		ok += t[i].err == CL_SUCCESS;
	}
	CHECK(ok >= 1);
	CHECK_EQ(status(p, e.dev), CL_BUILD_SUCCESS);
	CHECK_EQ(run_set(&e, p, "set", 6), 6);
	clReleaseProgram(p);
	penv_close(&e);
}

struct poll_data {
	cl_program p;
	cl_device_id dev;
	volatile int done;
	int seen_in_progress;
};

static void *poll_main(void *arg)
{
	struct poll_data *d = arg;
	cl_build_status st;

	while (!d->done) {
		if (clGetProgramBuildInfo(d->p, d->dev, CL_PROGRAM_BUILD_STATUS,
					  sizeof(st), &st, NULL) == CL_SUCCESS &&
		    st == CL_BUILD_IN_PROGRESS)
			d->seen_in_progress = 1;
	}
	return NULL;
}

/* While a build runs, other threads see CL_BUILD_IN_PROGRESS. The source
 * is unique so that the build misses the cache and takes a while. */
TEST(build_status_in_progress)
{
	struct penv e = penv_open();
	char src[256];
	struct poll_data d;
	pthread_t th;

	snprintf(src, sizeof(src),
		 "/* %ld %ld */\nkernel void set(global int *a, int v)"
		 "{ a[get_global_id(0)] = v; }",
		 (long)getpid(), (long)time(NULL));
	d = (struct poll_data){src_program(e.ctx, src), e.dev, 0, 0};
	CHECK(pthread_create(&th, NULL, poll_main, &d) == 0);
	CHECK_CL(clBuildProgram(d.p, 0, NULL, "-cl-opt-disable", NULL, NULL));
	d.done = 1;
	pthread_join(th, NULL);
	CHECK_EQ(d.seen_in_progress, 1);
	CHECK_EQ(status(d.p, e.dev), CL_BUILD_SUCCESS);
	clReleaseProgram(d.p);
	penv_close(&e);
}

/* Every build option of OpenCL 3.0 (5.8.6) is accepted and builds. */
TEST(every_standard_build_option)
{
	struct penv e = penv_open();
	const char *opts[] = {
		"-cl-single-precision-constant", "-cl-denorms-are-zero",
		"-cl-fp32-correctly-rounded-divide-sqrt", "-cl-opt-disable",
		"-cl-mad-enable", "-cl-no-signed-zeros",
		"-cl-unsafe-math-optimizations", "-cl-finite-math-only",
		"-cl-fast-relaxed-math", "-cl-uniform-work-group-size",
		"-cl-no-subgroup-ifp",
		"-w", "-Werror", "-cl-kernel-arg-info",
		"-cl-std=CL1.0", "-DNAME", "-D NAME=2", "-I .",
	};
	cl_program p;
	cl_int err;
	unsigned i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		p = src_program(e.ctx, k_set);
		err = clBuildProgram(p, 0, NULL, opts[i], NULL, NULL);
		if (err) {
			char *log = build_log(p, e.dev);

			printf("%s: %s\n", opts[i], log);
			free(log);
		}
		CHECK_CL(err);
		CHECK_EQ(run_set(&e, p, "set", (int)i), (int)i);
		clReleaseProgram(p);
	}
	penv_close(&e);
}
