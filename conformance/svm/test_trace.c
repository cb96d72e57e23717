/* HMMCL_TRACE=file.json: a workload runs in a child process (the library
 * reads the variable when it loads), writes what the statistics counted,
 * and trace_check.py checks the trace against it: well-formed JSON,
 * kernels per device, migrations inside their command with the counted
 * bytes, fault bursts summing to the counted faults, queue waits, and
 * timestamps that move forward on every lane. */
#include "svm_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *src = "kernel void trace_probe(global int *p)\n"
			 "{\n"
			 "	size_t i = get_global_id(0);\n"
			 "	p[i] = p[i] * 3 + 1;\n"
			 "}\n";

#define N (16 * PAGE)

static char dir[64];

static void require_python(void)
{
	if (system("python3 -c '' >/dev/null 2>&1") != 0)
		SKIP("python3 is needed to check the trace");
}

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hmmcl-trace-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

static void run_kernel(struct svm_env *e, cl_uint d, int *p)
{
	cl_program prog;
	cl_kernel k;
	cl_event ev;
	size_t n = N / sizeof(int);
	cl_int err;

	prog = clCreateProgramWithSource(e->ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, e->ndev, e->dev, "", NULL, NULL));
	k = clCreateKernel(prog, "trace_probe", &err);
	CHECK_CL(err);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, p));
	CHECK_CL(clEnqueueNDRangeKernel(e->q[d], k, 1, NULL, &n, NULL, 0, NULL,
					&ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
}

/* What the statistics say the trace must show. */
static void write_expect(struct svm_env *e, cl_uint kd, cl_ulong to_dev,
			 cl_ulong to_host)
{
	char path[96];
	FILE *f;
	cl_uint d;

	snprintf(path, sizeof(path), "%s/expect.json", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fprintf(f,
		"{\"ndev\":%u,\"kernel_dev\":%u,\"kernel\":\"trace_probe\","
		"\"to_host\":%llu,\"to_device\":[",
		e->ndev, kd, (unsigned long long)to_host);
	for (d = 0; d < e->ndev; d++)
		fprintf(f, "%s%llu", d ? "," : "",
			(unsigned long long)(d == kd ? to_dev : 0));
	fprintf(f, "],\"cpu_faults\":[");
	for (d = 0; d < e->ndev; d++)
		fprintf(f, "%s%llu", d ? "," : "",
			(unsigned long long)svm_stats(e, d).cpu_faults);
	fprintf(f, "],\"device_faults\":[");
	for (d = 0; d < e->ndev; d++)
		fprintf(f, "%s%llu", d ? "," : "",
			(unsigned long long)svm_stats(e, d).device_faults);
	fprintf(f, "]}\n");
	CHECK(fclose(f) == 0);
}

static cl_ulong host_bytes(struct svm_env *e)
{
	cl_ulong b = 0;
	cl_uint d;

	for (d = 0; d < e->ndev; d++)
		b += svm_stats(e, d).bytes_to_host;
	return b;
}

/* Migrate to the last device, fault one page back, run a kernel there, a
 * blocking copy, everything home, clFinish. */
static void workload(cl_uint ndev)
{
	struct svm_env e = svm_open(ndev);
	cl_uint d = ndev - 1;
	int *p = clSVMAlloc(e.ctx, 0, N, 0), *q = clSVMAlloc(e.ctx, 0, N, 0);
	cl_ulong b0, to_dev, to_host;
	size_t i;

	svm_require_migration();
	CHECK(p && q);
	for (i = 0; i < N / sizeof(int); i++)
		p[i] = (int)i;
	b0 = svm_stats(&e, d).bytes_to_device;
	svm_migrate(&e, d, p, 0, 0);
	to_dev = svm_stats(&e, d).bytes_to_device - b0;
	CHECK_EQ(to_dev, N);
	CHECK_EQ(((volatile int *)p)[5 * PAGE / sizeof(int)],
		 5 * PAGE / sizeof(int));
	run_kernel(&e, d, p);
	CHECK_CL(clEnqueueSVMMemcpy(e.q[0], CL_TRUE, q, p, N, 0, NULL, NULL));
	b0 = host_bytes(&e);
	CHECK_CL(clEnqueueSVMMigrateMem(e.q[d], 1, (const void **)&p, NULL,
					CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL,
					NULL));
	CHECK_CL(clFinish(e.q[d]));
	to_host = host_bytes(&e) - b0;
	for (i = 0; i < N / sizeof(int); i++)
		CHECK_EQ(q[i], (int)i * 3 + 1);
	write_expect(&e, d, to_dev, to_host);
	clSVMFree(e.ctx, p);
	clSVMFree(e.ctx, q);
	svm_close(&e);
}

/* The placement policy's own migrations are in the trace too: with a
 * preferred location on the device, the kernel's first touch moves the
 * pages (inside the kernel's command), then everything goes home. */
static void first_touch_workload(cl_uint ndev)
{
	struct svm_env e = svm_open(ndev);
	clEnqueueSVMAdviseMemHMM_fn advise =
	    (clEnqueueSVMAdviseMemHMM_fn)
		clGetExtensionFunctionAddressForPlatform(
		    e.platform, "clEnqueueSVMAdviseMemHMM");
	int *p = clSVMAlloc(e.ctx, 0, N, 0), *q = clSVMAlloc(e.ctx, 0, N, 0);
	cl_ulong b0, to_dev, to_host;
	size_t i;

	svm_require_migration();
	CHECK(p && q && advise);
	for (i = 0; i < N / sizeof(int); i++)
		p[i] = (int)i;
	CHECK_CL(advise(e.q[0], p, N,
			CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM, 0,
			NULL, NULL));
	b0 = svm_stats(&e, 0).bytes_to_device;
	run_kernel(&e, 0, p);
	to_dev = svm_stats(&e, 0).bytes_to_device - b0;
	CHECK(to_dev > 0); /* the first touch moved pages */
	/* A CPU fault, a blocking copy through the device path, then all
	 * home with a clFinish. */
	CHECK_EQ(((volatile int *)p)[5 * PAGE / sizeof(int)],
		 (int)(5 * PAGE / sizeof(int)) * 3 + 1);
	CHECK_CL(clEnqueueSVMMemcpy(e.q[0], CL_TRUE, q, p, N, 0, NULL, NULL));
	b0 = host_bytes(&e);
	CHECK_CL(clEnqueueSVMMigrateMem(e.q[0], 1, (const void **)&p, NULL,
					CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL,
					NULL));
	CHECK_CL(clFinish(e.q[0]));
	to_host = host_bytes(&e) - b0;
	for (i = 0; i < N / sizeof(int); i++)
		CHECK_EQ(q[i], (int)i * 3 + 1);
	write_expect(&e, 0, to_dev, to_host);
	clSVMFree(e.ctx, p);
	clSVMFree(e.ctx, q);
	svm_close(&e);
}

#define THREADS 3
#define COPIES 200

struct copier {
	struct svm_env *e;
	char *buf; /* SVM, 128 bytes */
};

static void *copier_main(void *arg)
{
	struct copier *c = arg;
	cl_command_queue q = hx_test_queue(c->e->ctx, c->e->dev[0], 0);
	int i;

	for (i = 0; i < COPIES; i++)
		CHECK_CL(clEnqueueSVMMemcpy(q, CL_TRUE, c->buf + 64, c->buf, 64,
					    0, NULL, NULL));
	CHECK_CL(clReleaseCommandQueue(q));
	return NULL;
}

/* Host threads, each with its queue, making blocking copies at once. */
static void threads_workload(cl_uint ndev)
{
	struct svm_env e = svm_open(ndev);
	struct copier c[THREADS];
	pthread_t t[THREADS];
	char path[96];
	FILE *f;
	int i;

	for (i = 0; i < THREADS; i++) {
		c[i].e = &e;
		c[i].buf = clSVMAlloc(e.ctx, 0, 128, 0);
		CHECK(c[i].buf != NULL);
		CHECK_EQ(pthread_create(&t[i], NULL, copier_main, &c[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		clSVMFree(e.ctx, c[i].buf);
	}
	snprintf(path, sizeof(path), "%s/expect.json", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fprintf(f, "{\"threads\":%d,\"copies\":%d}\n", THREADS, COPIES);
	CHECK(fclose(f) == 0);
	svm_close(&e);
}

/* Runs the workload in a child with HMMCL_TRACE=trace; cut: the child
 * ends with _exit, as a crashing process would, skipping atexit. */
static void traced_child(const char *trace, const char *devices, int cut,
			 void (*fn)(cl_uint))
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		setenv("HMMCL_TRACE", trace, 1);
		setenv("HMMCL_DEVICES", devices, 1);
		fn((cl_uint)atoi(devices));
		fflush(NULL);
		if (cut)
			_exit(0);
		exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st));
	if (WEXITSTATUS(st) == HX_SKIP_CODE)
		SKIP("the workload cannot run here");
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* trace_check.py on the trace; extra: its options. */
static void check_trace(const char *extra)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "python3 %s/conformance/svm/trace_check.py %s/trace.json "
		 "%s/expect.json %s",
		 HX_SRC_DIR, dir, dir, extra);
	CHECK_EQ(system(cmd), 0);
}

/* Kept when a check failed, to look at. */
static void remove_dir(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ(system(cmd), 0);
}

static void traced_with(const char *devices, int cut, void (*fn)(cl_uint))
{
	char trace[96];

	require_python();
	make_dir();
	snprintf(trace, sizeof(trace), "%s/trace.json", dir);
	traced_child(trace, devices, cut, fn);
}

static void traced(const char *devices, int cut)
{
	traced_with(devices, cut, workload);
}

TEST(one_device_events_and_counts)
{
	traced("1", 0);
	check_trace("");
	remove_dir();
}

TEST(two_devices_lane_per_device)
{
	traced("2", 0);
	check_trace("");
	remove_dir();
}

/* Without the closing bracket (Chrome's array format allows it), every
 * event written so far is whole, and the SVG tool still reads it. */
TEST(cut_short_trace_is_readable)
{
	char cmd[512];

	traced("1", 1);
	check_trace("--truncated");
	snprintf(cmd, sizeof(cmd),
		 "python3 %s/tools/hmmcl-trace-svg %s/trace.json -o %s/t.svg",
		 HX_SRC_DIR, dir, dir);
	CHECK_EQ(system(cmd), 0);
	remove_dir();
}

/* The SVG tool draws every event, with a titled lane for each. */
TEST(svg_has_every_lane_and_event)
{
	char cmd[512], opt[96];

	traced("2", 0);
	snprintf(cmd, sizeof(cmd),
		 "python3 %s/tools/hmmcl-trace-svg %s/trace.json -o %s/t.svg",
		 HX_SRC_DIR, dir, dir);
	CHECK_EQ(system(cmd), 0);
	snprintf(opt, sizeof(opt), "--svg %s/t.svg", dir);
	check_trace(opt);
	remove_dir();
}

/* A trace file that cannot be created costs the application nothing. */
TEST(unwritable_trace_file_is_ignored)
{
	struct stat sb;

	make_dir();
	traced_child("/nonexistent-dir/trace.json", "1", 0, workload);
	CHECK(stat("/nonexistent-dir/trace.json", &sb) != 0);
	remove_dir();
}

/* Events from several host threads are written whole, none lost. */
TEST(threads_write_whole_events)
{
	traced_with("1", 0, threads_workload);
	check_trace("");
	remove_dir();
}

TEST(first_touch_migrations_inside_the_kernel)
{
	traced_with("1", 0, first_touch_workload);
	check_trace("");
	remove_dir();
}
