/* clEnqueueNDRangeKernel and clEnqueueTask: argument errors, work-item
 * ids in 1/2/3 dimensions with offsets, non-uniform work-groups, required
 * work-group sizes, __local reductions, printf, device faults, and
 * launches from several host threads at once. */
#include "prog_util.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *k_ids =
	"kernel void ids(global uint *gid, global uint *lid, global uint *grp,"
	"                global uint *lsz) {\n"
	"  uint d = get_work_dim();\n"
	"  size_t x = get_global_id(0) - get_global_offset(0);\n"
	"  size_t y = d > 1 ? get_global_id(1) - get_global_offset(1) : 0;\n"
	"  size_t z = d > 2 ? get_global_id(2) - get_global_offset(2) : 0;\n"
	"  size_t i = x + get_global_size(0) * (y + get_global_size(1) * z);\n"
	"  gid[3 * i] = get_global_id(0); gid[3 * i + 1] = get_global_id(1);\n"
	"  gid[3 * i + 2] = get_global_id(2);\n"
	"  lid[3 * i] = get_local_id(0); lid[3 * i + 1] = get_local_id(1);\n"
	"  lid[3 * i + 2] = get_local_id(2);\n"
	"  grp[3 * i] = get_group_id(0); grp[3 * i + 1] = get_group_id(1);\n"
	"  grp[3 * i + 2] = get_group_id(2);\n"
	"  lsz[4 * i] = get_local_size(0); lsz[4 * i + 1] = get_local_size(1);\n"
	"  lsz[4 * i + 2] = get_enqueued_local_size(0);\n"
	"  lsz[4 * i + 3] = get_num_groups(0) * 1000 + d;\n"
	"}\n"
	"kernel void one(global int *a) { atomic_inc(a); }\n"
	"__attribute__((reqd_work_group_size(8, 1, 1)))\n"
	"kernel void req8(global uint *a) {\n"
	"  a[get_global_id(0)] = get_local_size(0);\n"
	"}\n";

struct ids_run {
	cl_mem gid, lid, grp, lsz;
	cl_uint *g, *l, *p, *s;
	size_t n;
};

static void ids_launch(struct penv *e, cl_kernel k, struct ids_run *r,
		       cl_uint dim, const size_t *off, const size_t *global,
		       const size_t *local)
{
	cl_uint d;

	r->n = 1;
	for (d = 0; d < dim; d++)
		r->n *= global[d];
	r->g = calloc(3 * r->n, sizeof(cl_uint));
	r->l = calloc(3 * r->n, sizeof(cl_uint));
	r->p = calloc(3 * r->n, sizeof(cl_uint));
	r->s = calloc(4 * r->n, sizeof(cl_uint));
	r->gid = buffer(e->ctx, 3 * r->n * 4, NULL);
	r->lid = buffer(e->ctx, 3 * r->n * 4, NULL);
	r->grp = buffer(e->ctx, 3 * r->n * 4, NULL);
	r->lsz = buffer(e->ctx, 4 * r->n * 4, NULL);
	set_mem(k, 0, r->gid);
	set_mem(k, 1, r->lid);
	set_mem(k, 2, r->grp);
	set_mem(k, 3, r->lsz);
	CHECK_CL(clEnqueueNDRangeKernel(e->q, k, dim, off, global, local, 0,
					NULL, NULL));
	read_buf(e->q, r->gid, 3 * r->n * 4, r->g);
	read_buf(e->q, r->lid, 3 * r->n * 4, r->l);
	read_buf(e->q, r->grp, 3 * r->n * 4, r->p);
	read_buf(e->q, r->lsz, 4 * r->n * 4, r->s);
}

static void ids_free(struct ids_run *r)
{
	clReleaseMemObject(r->gid);
	clReleaseMemObject(r->lid);
	clReleaseMemObject(r->grp);
	clReleaseMemObject(r->lsz);
	free(r->g);
	free(r->l);
	free(r->p);
	free(r->s);
}

/* Checks every item's ids against the NDRange definition. */
static void ids_check(const struct ids_run *r, cl_uint dim, const size_t *off,
		      const size_t *global, const size_t *local)
{
	size_t G[3] = {1, 1, 1}, L[3] = {1, 1, 1}, O[3] = {0, 0, 0};
	size_t c[3], i, d;

	for (d = 0; d < dim; d++) {
		G[d] = global[d];
		L[d] = local[d];
		O[d] = off ? off[d] : 0;
	}
	for (c[2] = 0; c[2] < G[2]; c[2]++)
		for (c[1] = 0; c[1] < G[1]; c[1]++)
			for (c[0] = 0; c[0] < G[0]; c[0]++) {
				i = c[0] + G[0] * (c[1] + G[1] * c[2]);
				for (d = 0; d < 3; d++) {
					CHECK_EQ(r->g[3 * i + d], O[d] + c[d]);
					CHECK_EQ(r->l[3 * i + d], c[d] % L[d]);
					CHECK_EQ(r->p[3 * i + d], c[d] / L[d]);
				}
				/* Non-uniform: the last group is smaller. */
				CHECK_EQ(r->s[4 * i],
					 c[0] / L[0] == G[0] / L[0]
						 ? G[0] % L[0]
						 : L[0]);
				CHECK_EQ(r->s[4 * i + 2], L[0]);
				CHECK_EQ(r->s[4 * i + 3],
					 ((G[0] + L[0] - 1) / L[0]) * 1000 + dim);
			}
}

static void ids_case(cl_uint dim, const size_t *off, const size_t *global,
		     const size_t *local)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	cl_kernel k = kernel(p, "ids");
	struct ids_run r;

	ids_launch(&e, k, &r, dim, off, global, local);
	ids_check(&r, dim, off, global, local);
	ids_free(&r);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(ids_1d)
{
	size_t g = 64, l = 16, off = 1000;

	ids_case(1, NULL, &g, &l);
	ids_case(1, &off, &g, &l);
}

TEST(ids_2d)
{
	size_t g[2] = {12, 10}, l[2] = {4, 5}, off[2] = {7, 3};

	ids_case(2, off, g, l);
}

TEST(ids_3d)
{
	size_t g[3] = {8, 6, 4}, l[3] = {2, 3, 2}, off[3] = {1, 2, 3};

	ids_case(3, off, g, l);
}

/* OpenCL 3.0 non-uniform work-groups: local sizes that do not divide the
 * global size in every dimension. */
TEST(ids_non_uniform)
{
	size_t g1 = 10, l1 = 4;
	size_t g[3] = {7, 5, 3}, l[3] = {3, 2, 2}, off[3] = {5, 0, 9};

	ids_case(1, NULL, &g1, &l1);
	ids_case(3, off, g, l);
}

/* Without a local size the implementation picks one; the ids must still
 * cover the range exactly once. */
TEST(ids_auto_local)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	cl_kernel k = kernel(p, "ids");
	struct ids_run r;
	size_t g[2] = {37, 3}, i;

	ids_launch(&e, k, &r, 2, NULL, g, NULL);
	for (i = 0; i < r.n; i++) {
		CHECK_EQ(r.g[3 * i], i % 37);
		CHECK_EQ(r.g[3 * i + 1], i / 37);
		CHECK_EQ(r.l[3 * i] + r.p[3 * i] * r.s[4 * i + 2], i % 37);
	}
	ids_free(&r);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(enqueue_errors)
{
	struct penv e = penv_open(), o = penv_open();
	cl_program p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	cl_program po = build(o.ctx, o.dev, k_ids, "-cl-std=CL3.0");
	cl_kernel k = kernel(p, "one"), ko = kernel(po, "one");
	cl_kernel r8 = kernel(p, "req8");
	cl_mem m = buffer(e.ctx, 64 * sizeof(int), NULL);
	cl_mem mo = buffer(o.ctx, 64 * sizeof(int), NULL);
	size_t g[3] = {64, 1, 1};

	set_mem(k, 0, m);
	set_mem(ko, 0, mo);
	set_mem(r8, 0, m);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 0, NULL, g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_WORK_DIMENSION);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 4, NULL, g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_WORK_DIMENSION);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, NULL, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_GLOBAL_WORK_SIZE);
	CHECK_ERR(clEnqueueNDRangeKernel(NULL, k, 1, NULL, g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, NULL, 1, NULL, g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_KERNEL);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, (cl_kernel)m, 1, NULL, g, NULL,
					 0, NULL, NULL),
		  CL_INVALID_KERNEL);
	/* The kernel and the queue belong to different contexts. */
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, ko, 1, NULL, g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueTask(e.q, ko, 0, NULL, NULL), CL_INVALID_CONTEXT);
	clReleaseKernel(k);
	clReleaseKernel(ko);
	clReleaseKernel(r8);
	clReleaseMemObject(m);
	clReleaseMemObject(mo);
	clReleaseProgram(p);
	clReleaseProgram(po);
	penv_close(&o);
	penv_close(&e);
}

TEST(enqueue_size_errors)
{
	struct penv e = penv_open(), o = penv_open();
	cl_program p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	cl_kernel k = kernel(p, "one"), r8 = kernel(p, "req8");
	cl_mem m = buffer(e.ctx, 64 * sizeof(int), NULL);
	size_t g[3] = {64, 1, 1}, big[3] = {2048, 1, 1}, l3[3] = {32, 32, 2};
	size_t l[3] = {4, 1, 1}, huge_off = SIZE_MAX - 10;
	cl_event ev = NULL;

	set_mem(k, 0, m);
	set_mem(r8, 0, m);
	/* Local sizes: beyond CL_DEVICE_MAX_WORK_ITEM_SIZES, beyond the
	 * work-group maximum, zero. */
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, big, big, 0, NULL,
					 NULL),
		  CL_INVALID_WORK_ITEM_SIZE);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 3, NULL, l3, l3, 0, NULL,
					 NULL),
		  CL_INVALID_WORK_GROUP_SIZE);
	l[0] = 0;
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, g, l, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE);
	/* reqd_work_group_size(8,1,1) against a local size of 4 or 16. */
	l[0] = 4;
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, r8, 1, NULL, g, l, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE);
	l[0] = 16;
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, r8, 1, NULL, g, l, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE);
	/* clEnqueueTask is a 1x1 launch: it contradicts reqd (8,1,1). */
	CHECK_ERR(clEnqueueTask(e.q, r8, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE);
	/* offset + global overflows size_t. */
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, &huge_off, g, NULL, 0, NULL,
					 NULL),
		  CL_INVALID_GLOBAL_OFFSET);
	/* Wait lists. */
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, g, NULL, 1, NULL,
					 NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, g, NULL, 0, &ev,
					 NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	ev = (cl_event)m;
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, g, NULL, 1, &ev,
					 NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	/* An event of another context in the wait list. */
	{
		cl_int uerr;
		cl_event other = clCreateUserEvent(o.ctx, &uerr);

		CHECK_CL(uerr);
		CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, g, NULL, 1,
						 &other, NULL),
			  CL_INVALID_CONTEXT);
		CHECK_CL(clSetUserEventStatus(other, CL_COMPLETE));
		clReleaseEvent(other);
	}
	CHECK_ERR(clEnqueueTask(NULL, k, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueTask(e.q, NULL, 0, NULL, NULL), CL_INVALID_KERNEL);
	clReleaseKernel(k);
	clReleaseKernel(r8);
	clReleaseMemObject(m);
	clReleaseProgram(p);
	penv_close(&o);
	penv_close(&e);
}

TEST(reqd_work_group_size_used)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	cl_kernel k = kernel(p, "req8");
	cl_uint out[64];
	cl_mem m = buffer(e.ctx, sizeof(out), NULL);
	size_t g = 64, l = 8, i;

	set_mem(k, 0, m);
	/* NULL local size: the required one is used. */
	run(e.q, k, 1, &g, NULL);
	read_buf(e.q, m, sizeof(out), out);
	for (i = 0; i < 64; i++)
		CHECK_EQ(out[i], 8);
	run(e.q, k, 1, &g, &l);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

TEST(zero_global_size_and_task)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	cl_kernel k = kernel(p, "one");
	int v = 0;
	cl_mem m = buffer(e.ctx, sizeof(v), &v);
	size_t zero[2] = {5, 0}, g = 40;
	cl_event ev = NULL;
	cl_command_type t = 0;

	set_mem(k, 0, m);
	/* A zero global size is valid and runs nothing (OpenCL 2.1+). */
	CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 2, NULL, zero, NULL, 0, NULL,
					&ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_EQ(event_status(ev), CL_COMPLETE);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t,
				NULL));
	CHECK_EQ(t, CL_COMMAND_NDRANGE_KERNEL);
	clReleaseEvent(ev);
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 0);
	/* A task is one work-item. */
	CHECK_CL(clEnqueueTask(e.q, k, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t,
				NULL));
	CHECK_EQ(t, CL_COMMAND_TASK);
	clReleaseEvent(ev);
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 1);
	run(e.q, k, 1, &g, NULL);
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 41);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

static const char *k_reduce =
	"kernel void reduce(global const int *in, global int *out,\n"
	"                   local int *scratch) {\n"
	"  size_t l = get_local_id(0), n = get_local_size(0);\n"
	"  scratch[l] = in[get_global_id(0)];\n"
	"  barrier(CLK_LOCAL_MEM_FENCE);\n"
	"  for (size_t s = n / 2; s > 0; s /= 2) {\n"
	"    if (l < s) scratch[l] += scratch[l + s];\n"
	"    barrier(CLK_LOCAL_MEM_FENCE);\n"
	"  }\n"
	"  if (l == 0) out[get_group_id(0)] = scratch[0];\n"
	"}\n";

TEST(local_reduction)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_reduce, NULL);
	cl_kernel k = kernel(p, "reduce");
	enum { N = 1 << 14, L = 256 };
	int *in = malloc(N * sizeof(int)), out[N / L], i, j, want;
	cl_mem mi, mo;
	size_t g = N, l = L;

	for (i = 0; i < N; i++)
		in[i] = (i * 7919) % 1000 - 500;
	mi = buffer(e.ctx, N * sizeof(int), in);
	mo = buffer(e.ctx, sizeof(out), NULL);
	set_mem(k, 0, mi);
	set_mem(k, 1, mo);
	CHECK_CL(clSetKernelArg(k, 2, L * sizeof(int), NULL));
	run(e.q, k, 1, &g, &l);
	read_buf(e.q, mo, sizeof(out), out);
	for (i = 0; i < N / L; i++) {
		want = 0;
		for (j = 0; j < L; j++)
			want += in[i * L + j];
		CHECK_EQ(out[i], want);
	}
	free(in);
	clReleaseMemObject(mi);
	clReleaseMemObject(mo);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

/* __local memory beyond the device limit fails the enqueue. */
TEST(local_memory_too_big)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_reduce, NULL);
	cl_kernel k = kernel(p, "reduce");
	cl_mem m = buffer(e.ctx, 4096, NULL);
	cl_ulong lmem = 0;
	size_t g = 256, l = 256;

	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(lmem),
				 &lmem, NULL));
	set_mem(k, 0, m);
	set_mem(k, 1, m);
	CHECK_CL(clSetKernelArg(k, 2, lmem + 1, NULL));
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, &l, 0, NULL,
					 NULL),
		  CL_OUT_OF_RESOURCES);
	CHECK_CL(clSetKernelArg(k, 2, l * sizeof(int), NULL));
	run(e.q, k, 1, &g, &l);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

/* Runs a printf kernel in a child whose stdout is a pipe; returns what
 * the child printed. */
static char *printf_child(void)
{
	static char out[8192];
	int fds[2], status = 0;
	ssize_t n, total = 0;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct penv e;
		cl_program p;
		cl_kernel k;
		size_t g = 4, l = 2;
		int v = 42;

		dup2(fds[1], 1);
		close(fds[0]);
		e = penv_open();
		p = build(e.ctx, e.dev,
			  "kernel void pr(int v) {\n"
			  "  printf(\"item %u of %u v=%d f=%.2f s=%s\\n\",\n"
			  "         (uint)get_global_id(0), (uint)get_global_size(0),"
			  "         v, 1.5f, \"str\");\n"
			  "}\n",
			  NULL);
		k = kernel(p, "pr");
		CHECK_CL(clSetKernelArg(k, 0, sizeof(v), &v));
		run(e.q, k, 1, &g, &l);
		clReleaseKernel(k);
		clReleaseProgram(p);
		penv_close(&e);
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + total, sizeof(out) - 1 - total)) > 0)
		total += n;
	out[total] = '\0';
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return out;
}

TEST(printf_output)
{
	char *out = printf_child();
	char line[64];
	int i;

	printf("child stdout:\n%s", out);
	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "item %d of 4 v=42 f=1.50 s=str\n",
			 i);
		CHECK(strstr(out, line) != NULL);
	}
}

struct notify_log {
	pthread_mutex_t lock;
	char msg[512];
	int calls;
};

static void CL_CALLBACK ctx_notify(const char *errinfo, const void *pi,
				   size_t cb, void *user)
{
	struct notify_log *n = user;

	(void)pi;
	(void)cb;
	pthread_mutex_lock(&n->lock);
	snprintf(n->msg, sizeof(n->msg), "%s", errinfo);
	n->calls++;
	pthread_mutex_unlock(&n->lock);
}

/* An address in the process that maps nothing (a page just unmapped). */
static cl_ulong unmapped_address(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED);
	CHECK(munmap(m, 3 * pg) == 0);
	return (cl_ulong)(uintptr_t)(m + pg + 0x40);
}

/* A wild pointer ends the launch's event with a negative status, tells
 * the context's callback which kernel faulted where, and leaves the
 * process and the queue working. */
TEST(wild_pointer_fault)
{
	static struct notify_log nl = {PTHREAD_MUTEX_INITIALIZER, "", 0};
	cl_device_id dev = hx_test_device(0);
	cl_int err;
	cl_context ctx = clCreateContext(NULL, 1, &dev, ctx_notify, &nl, &err);
	cl_command_queue q;
	cl_program p;
	cl_kernel k, ok;
	cl_event ev;
	cl_ulong bad = unmapped_address();
	int v = 0;
	cl_mem m;
	size_t g = 4;
	char addr[32];

	CHECK_CL(err);
	q = hx_test_queue(ctx, dev, 0);
	p = build(ctx, dev,
		  "kernel void wild_writer(ulong addr) {\n"
		  "  *(global volatile int *)addr = 1;\n"
		  "}\n"
		  "kernel void fine(global int *a) { a[0] = 7; }\n",
		  NULL);
	k = kernel(p, "wild_writer");
	CHECK_CL(clSetKernelArg(k, 0, sizeof(bad), &bad));
	CHECK_CL(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0, NULL, &ev));
	CHECK_ERR(clWaitForEvents(1, &ev),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK(event_status(ev) < 0);
	clReleaseEvent(ev);
	pthread_mutex_lock(&nl.lock);
	printf("notify: %s\n", nl.msg);
	CHECK(nl.calls >= 1);
	CHECK(strstr(nl.msg, "wild_writer") != NULL);
	snprintf(addr, sizeof(addr), "%llx", (unsigned long long)bad);
	CHECK(strstr(nl.msg, addr) != NULL);
	pthread_mutex_unlock(&nl.lock);
	/* The queue and the process go on. */
	ok = kernel(p, "fine");
	m = buffer(ctx, sizeof(v), &v);
	set_mem(ok, 0, m);
	run(q, ok, 1, &g, NULL);
	read_buf(q, m, sizeof(v), &v);
	CHECK_EQ(v, 7);
	clReleaseMemObject(m);
	clReleaseKernel(ok);
	clReleaseKernel(k);
	clReleaseProgram(p);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
}

/* A faulting launch fails the commands that wait for it, not the queue. */
TEST(fault_fails_dependents)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev,
			     "kernel void w(ulong a) { *(global int *)a = 1; }\n"
			     "kernel void f(global int *a) { a[0] = 7; }\n",
			     NULL);
	cl_kernel k = kernel(p, "w"), ok = kernel(p, "f");
	cl_command_queue q2 = hx_test_queue(e.ctx, e.dev, 0);
	cl_ulong bad = 16;
	int v = 0;
	cl_mem m = buffer(e.ctx, sizeof(v), &v);
	cl_event ev1, ev2;
	size_t one = 1;

	CHECK_CL(clSetKernelArg(k, 0, sizeof(bad), &bad));
	set_mem(ok, 0, m);
	CHECK_CL(clEnqueueTask(e.q, k, 0, NULL, &ev1));
	CHECK_CL(clEnqueueNDRangeKernel(q2, ok, 1, NULL, &one, NULL, 1, &ev1,
					&ev2));
	clWaitForEvents(1, &ev2);
	CHECK(event_status(ev1) < 0);
	CHECK(event_status(ev2) < 0);
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 0);
	clReleaseEvent(ev1);
	clReleaseEvent(ev2);
	clReleaseCommandQueue(q2);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseKernel(ok);
	clReleaseProgram(p);
	penv_close(&e);
}

struct worker {
	cl_context ctx;
	cl_device_id dev;
	int id;
	int ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	cl_command_queue q = hx_test_queue(w->ctx, w->dev, 0);
	char opts[64], src[256];
	cl_program p;
	cl_kernel k;
	enum { N = 4096 };
	int *a = malloc(N * sizeof(int)), i, r;
	cl_mem m;
	size_t g = N;

	snprintf(opts, sizeof(opts), "-DID=%d", w->id);
	/* Distinct sources too: no two threads share a cache entry. */
	snprintf(src, sizeof(src),
		 "kernel void k%d(global int *a) {"
		 " a[get_global_id(0)] = (int)get_global_id(0) * ID + %d; }",
		 w->id, w->id);
	p = build(w->ctx, w->dev, src, opts);
	snprintf(opts, sizeof(opts), "k%d", w->id);
	k = kernel(p, opts);
	m = buffer(w->ctx, N * sizeof(int), NULL);
	set_mem(k, 0, m);
	for (r = 0; r < 20; r++)
		CHECK_CL(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0,
						NULL, NULL));
	read_buf(q, m, N * sizeof(int), a);
	w->ok = 1;
	for (i = 0; i < N; i++)
		if (a[i] != i * w->id + w->id)
			w->ok = 0;
	free(a);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	clReleaseCommandQueue(q);
	return NULL;
}

TEST(concurrent_threads)
{
	struct worker w[4];
	pthread_t t[4];
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	int i;

	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ctx, dev, i + 1, 0};
		CHECK(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(w[i].ok, 1);
	}
	clReleaseContext(ctx);
}

/* An out-of-order queue runs independent launches; a later launch that
 * waits on an event sees the earlier result. */
TEST(out_of_order_queue_dependencies)
{
	struct penv e;
	cl_program p;
	cl_kernel k;
	cl_command_queue q;
	int v = 0;
	cl_mem m;
	cl_event evs[8];
	size_t one = 1;
	int i;

	e.ctx = hx_test_context(&e.dev);
	q = hx_test_queue(e.ctx, e.dev, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	p = build(e.ctx, e.dev,
		  "kernel void dbl(global int *a) { a[0] = a[0] * 2 + 1; }",
		  NULL);
	k = kernel(p, "dbl");
	m = buffer(e.ctx, sizeof(v), &v);
	set_mem(k, 0, m);
	for (i = 0; i < 8; i++)
		CHECK_CL(clEnqueueNDRangeKernel(q, k, 1, NULL, &one, NULL,
						i ? 1 : 0, i ? &evs[i - 1] : NULL,
						&evs[i]));
	CHECK_CL(clWaitForEvents(1, &evs[7]));
	CHECK_CL(clEnqueueReadBuffer(q, m, CL_TRUE, 0, sizeof(v), &v, 0, NULL,
				     NULL));
	CHECK_EQ(v, 255);
	for (i = 0; i < 8; i++)
		clReleaseEvent(evs[i]);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	clReleaseCommandQueue(q);
	clReleaseContext(e.ctx);
}

/* Kernel events carry profiling times in order. */
TEST(profiling_times)
{
	struct penv e;
	cl_program p;
	cl_kernel k;
	cl_ulong t[4];
	cl_event ev;
	size_t g = 1 << 16;
	int v = 0;
	cl_mem m;

	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev, CL_QUEUE_PROFILING_ENABLE);
	p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	k = kernel(p, "one");
	m = buffer(e.ctx, sizeof(v), &v);
	set_mem(k, 0, m);
	CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, NULL, 0, NULL,
					&ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_QUEUED,
					 sizeof(t[0]), &t[0], NULL));
	CHECK_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_SUBMIT,
					 sizeof(t[1]), &t[1], NULL));
	CHECK_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START,
					 sizeof(t[2]), &t[2], NULL));
	CHECK_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END,
					 sizeof(t[3]), &t[3], NULL));
	CHECK(t[0] > 0 && t[0] <= t[1] && t[1] <= t[2] && t[2] < t[3]);
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 1 << 16);
	clReleaseEvent(ev);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

/* More printf output than CL_DEVICE_PRINTF_BUFFER_SIZE: the launch ends
 * with a negative status (in a child: the output goes to /dev/null). */
TEST(printf_overflow_fails_event)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct penv e;
		cl_program p;
		cl_kernel k;
		cl_event ev;
		size_t pbuf = 0, g;

		CHECK(freopen("/dev/null", "w", stdout) != NULL);
		e = penv_open();
		CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_PRINTF_BUFFER_SIZE,
					 sizeof(pbuf), &pbuf, NULL));
		p = build(e.ctx, e.dev,
			  "kernel void pr(global int *unused) { printf(\"%s %lu\\n\","
			  " \"0123456789012345678901234567890123456789\","
			  " get_global_id(0)); }",
			  "-cl-std=CL3.0");
		k = kernel(p, "pr");
		CHECK_CL(clSetKernelArg(k, 0, sizeof(cl_mem), NULL));
		g = 4 * pbuf / 40 + 1024;
		CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, NULL, 0,
						NULL, &ev));
		clWaitForEvents(1, &ev);
		CHECK(event_status(ev) < 0);
		clReleaseEvent(ev);
		clReleaseKernel(k);
		clReleaseProgram(p);
		penv_close(&e);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

/* Static __local beyond the device's local memory: the build or the
 * launch refuses, and nothing hangs. */
TEST(static_local_too_big)
{
	struct penv e = penv_open();
	const char *src = "kernel void big(global int *o) {\n"
			  "  local int l[32768];\n" /* 128 KiB */
			  "  l[get_local_id(0)] = 1;\n"
			  "  barrier(CLK_LOCAL_MEM_FENCE);\n"
			  "  o[0] = l[0];\n"
			  "}\n";
	cl_program p = src_program(e.ctx, src);
	cl_int err = clBuildProgram(p, 0, NULL, NULL, NULL, NULL);
	cl_kernel k;
	cl_mem m;
	size_t g = 4;

	if (err == CL_BUILD_PROGRAM_FAILURE) {
		char *log = build_log(p, e.dev);

		CHECK(strlen(log) > 0);
		free(log);
	} else {
		CHECK_CL(err);
		k = kernel(p, "big");
		m = buffer(e.ctx, 16, NULL);
		set_mem(k, 0, m);
		CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, &g, 0,
						 NULL, NULL),
			  CL_OUT_OF_RESOURCES);
		clReleaseMemObject(m);
		clReleaseKernel(k);
	}
	clReleaseProgram(p);
	penv_close(&e);
}

static cl_int launch_10_by_4(struct penv *e, const char *opts)
{
	cl_program p = build(e->ctx, e->dev,
			     "kernel void f(global int *a) {"
			     " a[get_global_id(0)] = 1; }\n"
			     "__attribute__((reqd_work_group_size(4, 1, 1)))\n"
			     "kernel void r(global int *a) {"
			     " a[get_global_id(0)] = 1; }\n",
			     opts);
	cl_kernel k = kernel(p, "f"), r = kernel(p, "r");
	cl_mem m = buffer(e->ctx, 64, NULL);
	size_t g = 10, l = 4, g8 = 8;
	cl_int err, err_r;

	set_mem(k, 0, m);
	set_mem(r, 0, m);
	err = clEnqueueNDRangeKernel(e->q, k, 1, NULL, &g, &l, 0, NULL, NULL);
	/* NULL local size with a required size of 4: the same rule. */
	err_r = clEnqueueNDRangeKernel(e->q, r, 1, NULL, &g, NULL, 0, NULL,
				       NULL);
	CHECK_ERR(err_r, err);
	/* Divisible sizes always work. */
	CHECK_CL(clEnqueueNDRangeKernel(e->q, k, 1, NULL, &g8, &l, 0, NULL,
					NULL));
	CHECK_CL(clEnqueueNDRangeKernel(e->q, k, 1, NULL, &g, NULL, 0, NULL,
					NULL));
	CHECK_CL(clFinish(e->q));
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseKernel(r);
	clReleaseProgram(p);
	return err;
}

/* Non-uniform work-groups need a source program built for OpenCL C 2.0
 * or 3.0 without -cl-uniform-work-group-size (OpenCL 3.0, 5.10). */
TEST(uniform_work_group_rules)
{
	struct penv e = penv_open();

	CHECK_CL(launch_10_by_4(&e, "-cl-std=CL3.0"));
	CHECK_ERR(launch_10_by_4(&e, NULL), CL_INVALID_WORK_GROUP_SIZE);
	CHECK_ERR(launch_10_by_4(&e, "-cl-std=CL1.2"),
		  CL_INVALID_WORK_GROUP_SIZE);
	CHECK_ERR(launch_10_by_4(&e, "-cl-std=CL3.0 -cl-uniform-work-group-size"),
		  CL_INVALID_WORK_GROUP_SIZE);
	penv_close(&e);
}

/* Linked programs support non-uniform groups only when every input
 * does; binaries unless built with -cl-uniform-work-group-size. */
TEST(uniform_work_group_link_and_binary)
{
	struct penv e = penv_open();
	const char *src = "kernel void f(global int *a) {"
			  " a[get_global_id(0)] = 1; }";
	cl_program a = src_program(e.ctx, src), b, exe, p;
	cl_kernel k;
	cl_mem m = buffer(e.ctx, 64, NULL);
	size_t g = 10, l = 4, size = 0;
	unsigned char *bin;
	const unsigned char *bins[1];
	cl_int err;

	CHECK_CL(clCompileProgram(a, 0, NULL, "-cl-std=CL3.0", 0, NULL, NULL,
				  NULL, NULL));
	b = src_program(e.ctx, "int unused_helper(int x) { return x; }");
	CHECK_CL(clCompileProgram(b, 0, NULL,
				  "-cl-std=CL3.0 -cl-uniform-work-group-size", 0,
				  NULL, NULL, NULL, NULL));
	{
		cl_program in[2] = {a, b};

		exe = clLinkProgram(e.ctx, 0, NULL, NULL, 2, in, NULL, NULL,
				    &err);
		CHECK_CL(err);
	}
	k = kernel(exe, "f");
	set_mem(k, 0, m);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, &l, 0, NULL,
					 NULL),
		  CL_INVALID_WORK_GROUP_SIZE);
	clReleaseKernel(k);
	clReleaseProgram(exe);
	exe = clLinkProgram(e.ctx, 0, NULL, NULL, 1, &a, NULL, NULL, &err);
	CHECK_CL(err);
	k = kernel(exe, "f");
	set_mem(k, 0, m);
	CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, &l, 0, NULL,
					NULL));
	CHECK_CL(clFinish(e.q));
	/* Its binary, rebuilt: non-uniform still allowed. */
	CHECK_CL(clGetProgramInfo(exe, CL_PROGRAM_BINARY_SIZES, sizeof(size),
				  &size, NULL));
	bin = malloc(size);
	CHECK_CL(clGetProgramInfo(exe, CL_PROGRAM_BINARIES, sizeof(bin), &bin,
				  NULL));
	bins[0] = bin;
	p = clCreateProgramWithBinary(e.ctx, 1, &e.dev, &size, bins, NULL,
				      &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(p, 0, NULL, NULL, NULL, NULL));
	clReleaseKernel(k);
	k = kernel(p, "f");
	set_mem(k, 0, m);
	CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, &l, 0, NULL,
					NULL));
	/* The launch holds the kernel until it completes. */
	CHECK_CL(clFinish(e.q));
	clReleaseKernel(k);
	CHECK_CL(clBuildProgram(p, 0, NULL, "-cl-uniform-work-group-size", NULL,
				NULL));
	k = kernel(p, "f");
	set_mem(k, 0, m);
	CHECK_ERR(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, &l, 0, NULL,
					 NULL),
		  CL_INVALID_WORK_GROUP_SIZE);
	free(bin);
	clReleaseKernel(k);
	clReleaseProgram(p);
	clReleaseProgram(exe);
	clReleaseProgram(a);
	clReleaseProgram(b);
	clReleaseMemObject(m);
	penv_close(&e);
}

/* After clFinish, a completed launch no longer holds the kernel: the
 * application releases it and rebuilds at once, every time. */
TEST(rebuild_right_after_finish)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev, k_ids, "-cl-std=CL3.0");
	int v = 0, i;
	cl_mem m = buffer(e.ctx, sizeof(v), &v);
	size_t g = 64;
	cl_kernel k;

	for (i = 0; i < 50; i++) {
		k = kernel(p, "one");
		set_mem(k, 0, m);
		CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, NULL, 0,
						NULL, NULL));
		CHECK_CL(clFinish(e.q));
		CHECK_CL(clReleaseKernel(k));
		CHECK_CL(clBuildProgram(p, 0, NULL, "-cl-std=CL3.0", NULL,
					NULL));
	}
	read_buf(e.q, m, sizeof(v), &v);
	CHECK_EQ(v, 50 * 64);
	clReleaseMemObject(m);
	clReleaseProgram(p);
	penv_close(&e);
}

/* OpenCL C 6.3: integer division by zero "does not cause an exception
 * but will result in an unspecified value"; so does INT_MIN / -1 here.
 * The launch completes and the process lives on. */
TEST(integer_division_by_zero)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev,
			     "kernel void d(global int *a, int z, int m1,"
			     "              global long *b, long lz) {\n"
			     "  size_t i = get_global_id(0);\n"
			     "  a[i] = (int)i / z + (int)i % z + INT_MIN / m1 +"
			     "         INT_MIN % m1 + (int)((uint)i / (uint)z);\n"
			     "  b[i] = (long)i / lz + LONG_MIN / (lz - 1);\n"
			     "}\n",
			     NULL);
	cl_kernel k = kernel(p, "d");
	cl_mem a = buffer(e.ctx, 64 * sizeof(int), NULL);
	cl_mem b = buffer(e.ctx, 64 * sizeof(cl_long), NULL);
	int zero = 0, m1 = -1;
	cl_long lz = 0;
	size_t g = 64;
	cl_event ev;

	set_mem(k, 0, a);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(zero), &zero));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(m1), &m1));
	set_mem(k, 3, b);
	CHECK_CL(clSetKernelArg(k, 4, sizeof(lz), &lz));
	CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, NULL, 0, NULL,
					&ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_EQ(event_status(ev), CL_COMPLETE);
	clReleaseEvent(ev);
	clReleaseMemObject(a);
	clReleaseMemObject(b);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}

/* A wild pointer in a kernel with barriers (work-items on fibers) fails
 * its event like any other fault, and the queue goes on. */
TEST(fault_in_barrier_kernel)
{
	struct penv e = penv_open();
	cl_program p = build(e.ctx, e.dev,
			     "kernel void wb(global int *a, ulong bad) {\n"
			     "  local int l[64];\n"
			     "  l[get_local_id(0)] = 1;\n"
			     "  barrier(CLK_LOCAL_MEM_FENCE);\n"
			     "  if (get_local_id(0) == 3) *(global int *)bad = 1;\n"
			     "  barrier(CLK_LOCAL_MEM_FENCE);\n"
			     "  a[get_global_id(0)] = l[(get_local_id(0) + 1) % 64];\n"
			     "}\n",
			     NULL);
	cl_kernel k = kernel(p, "wb");
	cl_mem m = buffer(e.ctx, 256 * sizeof(int), NULL);
	static int target;
	cl_ulong bad = unmapped_address(), good;
	size_t g = 256, l = 64;
	int out[256], i;
	cl_event ev;

	set_mem(k, 0, m);
	CHECK_CL(clSetKernelArg(k, 1, sizeof(bad), &bad));
	CHECK_CL(clEnqueueNDRangeKernel(e.q, k, 1, NULL, &g, &l, 0, NULL, &ev));
	CHECK_ERR(clWaitForEvents(1, &ev),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK(event_status(ev) < 0);
	clReleaseEvent(ev);
	/* The same kernel with a valid address runs to the end (the device
	 * shares the address space: any host address is reachable). */
	good = (cl_ulong)(uintptr_t)&target;
	CHECK_CL(clSetKernelArg(k, 1, sizeof(good), &good));
	run(e.q, k, 1, &g, &l);
	CHECK_EQ(target, 1);
	read_buf(e.q, m, sizeof(out), out);
	for (i = 0; i < 256; i++)
		CHECK_EQ(out[i], 1);
	clReleaseMemObject(m);
	clReleaseKernel(k);
	clReleaseProgram(p);
	penv_close(&e);
}
