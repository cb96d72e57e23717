/* SVM atomics: host C11 atomics and kernel atomics at
 * memory_scope_all_svm_devices on one fine-grain buffer allocated with
 * CL_MEM_SVM_ATOMICS compose. Concurrent increments give an exact total;
 * a kernel's release store publishes data the host acquires while the
 * kernel still runs; host and kernel hand messages back and forth (the
 * host waits for a device flag while the kernel runs: no deadlock). Each
 * again after the buffer's pages were migrated to the device, so that the
 * kernel works on device memory while the host's accesses fault pages
 * back; and with two devices and the host on one counter. Every case
 * skips when the device does not report CL_DEVICE_SVM_ATOMICS. */
#include "svm_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* Kernel waits are bounded (a lost flag ends the kernel with a result
 * the host reports; the bound is far beyond the host's own time bound,
 * so that a busy machine cannot make the kernel give up first); the
 * host's are bounded in time. */
static const char *src =
    "#define ALL memory_scope_all_svm_devices\n"
    "#define LIMIT (1L << 38)\n"
    "static int wait_for(volatile global atomic_int *flag, int want)\n"
    "{\n"
    "	for (long s = 0; s < LIMIT; s++)\n"
    "		if (atomic_load_explicit(flag, memory_order_acquire, ALL) ==\n"
    "		    want)\n"
    "			return 1;\n"
    "	return 0;\n"
    "}\n"
    "/* info[0] kernel started, [1] highest counter value a kernel\n"
    " * increment produced, [2] host started (release), [3] gave up. */\n"
    "kernel void count(global atomic_int *counter, global atomic_int *info,\n"
    "		   int iters)\n"
    "{\n"
    "	int last = 0;\n"
    "	if (get_global_id(0) == 0) {\n"
    "		atomic_store_explicit(&info[0], 1, memory_order_relaxed, "
    "ALL);\n"
    "		if (!wait_for(&info[2], 1))\n"
    "			atomic_store_explicit(&info[3], 1,\n"
    "					      memory_order_relaxed, ALL);\n"
    "	}\n"
    "	for (int i = 0; i < iters; i++)\n"
    "		last = atomic_fetch_add_explicit(counter, 1,\n"
    "			memory_order_relaxed, ALL) + 1;\n"
    "	atomic_fetch_max_explicit(&info[1], last, memory_order_relaxed,\n"
    "				  ALL);\n"
    "}\n"
    "/* flags[0] published, [1] host's ack, [3] result. */\n"
    "kernel void publish(global atomic_int *flags, global int *data, int m)\n"
    "{\n"
    "	for (int i = 0; i < m; i++)\n"
    "		data[i] = i * 5 + 1;\n"
    "	atomic_store_explicit(&flags[0], 1, memory_order_release, ALL);\n"
    "	atomic_store_explicit(&flags[3], wait_for(&flags[1], 1) ? 1 : -1,\n"
    "			      memory_order_relaxed, ALL);\n"
    "}\n"
    "/* flags[0] host's round, [1] device's round, [3] result: 0 when\n"
    " * every message was right, < 0 when a wait gave up. */\n"
    "kernel void pingpong(global atomic_int *flags, global const int *hdata,\n"
    "		      global int *ddata, int m, int rounds)\n"
    "{\n"
    "	int bad = 0;\n"
    "	for (int r = 1; r <= rounds; r++) {\n"
    "		if (!wait_for(&flags[0], r)) {\n"
    "			bad = -r;\n"
    "			break;\n"
    "		}\n"
    "		for (int i = 0; i < m; i++)\n"
    "			bad += hdata[i] != r * 7 + i;\n"
    "		for (int i = 0; i < m; i++)\n"
    "			ddata[i] = r * 11 - i;\n"
    "		atomic_store_explicit(&flags[1], r, memory_order_release,\n"
    "				      ALL);\n"
    "	}\n"
    "	atomic_store_explicit(&flags[3], bad, memory_order_relaxed, ALL);\n"
    "}\n";

#define FG_ATOMIC (CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS)
#define HOST_WAIT_S 60.0

struct fix {
	struct svm_env e;
	cl_program prog;
};

static struct fix setup(cl_uint ndev)
{
	cl_device_svm_capabilities caps = 0;
	struct fix f;
	cl_int err;

	f.e = svm_open(ndev);
	for (cl_uint d = 0; d < ndev; d++) {
		CHECK_CL(clGetDeviceInfo(f.e.dev[d], CL_DEVICE_SVM_CAPABILITIES,
					 sizeof(caps), &caps, NULL));
		if (!(caps & CL_DEVICE_SVM_ATOMICS))
			SKIP(
			    "the device does not report CL_DEVICE_SVM_ATOMICS");
	}
	f.prog = clCreateProgramWithSource(f.e.ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(
	    clBuildProgram(f.prog, ndev, f.e.dev, "-cl-std=CL3.0", NULL, NULL));
	return f;
}

static void teardown(struct fix *f)
{
	CHECK_CL(clReleaseProgram(f->prog));
	svm_close(&f->e);
}

static cl_kernel kernel(struct fix *f, const char *name)
{
	cl_int err;
	cl_kernel k = clCreateKernel(f->prog, name, &err);

	CHECK_CL(err);
	return k;
}

static cl_int status_of(cl_event ev)
{
	cl_int st;

	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	return st;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Waits (acquire) until *flag == want while the kernel of ev runs: the
 * kernel must not complete before it publishes, nor take forever. result
 * is the kernel's result word, printed when it does. */
static void host_wait(atomic_int *flag, int want, cl_event ev,
		      atomic_int *result)
{
	double t0 = now_s();
	unsigned s;
	cl_int st;

	for (s = 0; atomic_load_explicit(flag, memory_order_acquire) != want;
	     s++) {
		if (s % 1024)
			continue;
		st = status_of(ev);
		/* The kernel may publish and end between the load above and
		 * the status: look at the flag once more. */
		if (st <= CL_COMPLETE &&
		    atomic_load_explicit(flag, memory_order_acquire) != want)
			hx_test_fail(__FILE__, __LINE__,
				     "kernel ended (status %d, result %d) "
				     "while the host waited for %d (flag %d)",
				     st, atomic_load(result), want,
				     atomic_load(flag));
		CHECK(now_s() - t0 < HOST_WAIT_S);
	}
}

/* Migrates [p, p + size) to device d and checks that pages moved. */
static void to_device(struct fix *f, cl_uint d, const void *p, size_t size)
{
	cl_svm_statistics_hmm s0 = svm_stats(&f->e, d);

	svm_require_migration();
	svm_migrate(&f->e, d, p, size, 0);
	CHECK(svm_stats(&f->e, d).pages_to_device > s0.pages_to_device);
}

/* ---- concurrent increments ---- */

#define HOST_THREADS 2

struct counting {
	atomic_int *counter;
	atomic_int *info[2]; /* each running kernel's info words */
	cl_event ev[2];
	unsigned nk;
	long done[HOST_THREADS];
};

static int all_complete(struct counting *c)
{
	for (unsigned i = 0; i < c->nk; i++) {
		cl_int st = status_of(c->ev[i]);

		if (st > CL_COMPLETE)
			return 0;
		CHECK_EQ(st, CL_COMPLETE);
	}
	return 1;
}

/* Host thread: waits until the kernels run, counts 256, tells them
 * (release: these increments happen before every increment of each
 * kernel's item 0), then counts on until every kernel is done. */
static void count_on_host(struct counting *c, long *done)
{
	double t0 = now_s();
	unsigned i, k;

	for (k = 0; k < c->nk; k++)
		while (!atomic_load(&c->info[k][0]))
			CHECK(now_s() - t0 < HOST_WAIT_S);
	do {
		for (i = 0; i < 256; i++)
			atomic_fetch_add_explicit(c->counter, 1,
						  memory_order_relaxed);
		*done += 256;
		for (k = 0; k < c->nk; k++)
			atomic_store_explicit(&c->info[k][2], 1,
					      memory_order_release);
	} while (!all_complete(c));
}

static struct counting *shared;

static void *host_thread(void *arg)
{
	count_on_host(shared, &shared->done[(intptr_t)arg]);
	return NULL;
}

/* Runs `count` on nk devices (items x iters each) against HOST_THREADS
 * host threads; the counter starts at 0. Checks the exact total and that
 * host increments landed inside every kernel's run. */
static void count_race(struct fix *f, atomic_int *counter, atomic_int *info,
		       unsigned nk, size_t items, int iters)
{
	struct counting c = {.counter = counter, .nk = nk};
	pthread_t tid[HOST_THREADS];
	long host = 0, kernel_part = (long)(nk * items) * iters;
	cl_kernel k = kernel(f, "count");
	unsigned d;
	int i;

	shared = &c;
	for (d = 0; d < nk; d++) {
		c.info[d] = info + 16 * d;
		for (i = 0; i < 4; i++)
			atomic_store(&c.info[d][i], 0);
		CHECK_CL(clSetKernelArgSVMPointer(k, 0, counter));
		CHECK_CL(clSetKernelArgSVMPointer(k, 1, c.info[d]));
		CHECK_CL(clSetKernelArg(k, 2, sizeof(iters), &iters));
		CHECK_CL(clEnqueueNDRangeKernel(f->e.q[d], k, 1, NULL, &items,
						NULL, 0, NULL, &c.ev[d]));
		CHECK_CL(clFlush(f->e.q[d]));
	}
	for (i = 0; i < HOST_THREADS; i++)
		CHECK_EQ(pthread_create(&tid[i], NULL, host_thread,
					(void *)(intptr_t)i),
			 0);
	for (i = 0; i < HOST_THREADS; i++) {
		CHECK_EQ(pthread_join(tid[i], NULL), 0);
		host += c.done[i];
	}
	for (d = 0; d < nk; d++) {
		CHECK_EQ(atomic_load(&c.info[d][3]), 0); /* did not give up */
		/* Before each kernel's last increment came at least the 256
		 * host increments its item 0 waited for, then item 0's own:
		 * the two sides overlapped. */
		CHECK(atomic_load(&c.info[d][1]) >= 256 + iters);
		CHECK_CL(clReleaseEvent(c.ev[d]));
	}
	printf("counter %d = kernels %ld + host %ld\n", atomic_load(counter),
	       kernel_part, host);
	CHECK_EQ(atomic_load(counter), kernel_part + host);
	CHECK_CL(clReleaseKernel(k));
}

static void increments(int migrated)
{
	struct fix f = setup(1);
	atomic_int *counter = clSVMAlloc(f.e.ctx, FG_ATOMIC, PAGE, 0);
	atomic_int *info = clSVMAlloc(f.e.ctx, FG_ATOMIC, PAGE, 0);
	cl_svm_statistics_hmm s0, s1;

	CHECK(counter && info);
	atomic_store(counter, 0);
	if (migrated)
		to_device(&f, 0, counter, 0);
	s0 = svm_stats(&f.e, 0);
	count_race(&f, counter, info, 1, 2048, 64);
	s1 = svm_stats(&f.e, 0);
	if (migrated) {
		/* The kernel reached the counter through the device MMU and
		 * the host's increments faulted the page back. */
		CHECK(s1.device_faults > s0.device_faults);
		CHECK(s1.cpu_faults > s0.cpu_faults);
	}
	clSVMFree(f.e.ctx, counter);
	clSVMFree(f.e.ctx, info);
	teardown(&f);
}

TEST(concurrent_increments_exact)
{
	increments(0);
}

TEST(concurrent_increments_exact_after_migration)
{
	increments(1);
}

/* Kernels on two devices and the host's threads on one counter. */
TEST(two_devices_and_host_increment_one_counter)
{
	struct fix f = setup(2);
	atomic_int *counter = clSVMAlloc(f.e.ctx, FG_ATOMIC, PAGE, 0);
	atomic_int *info = clSVMAlloc(f.e.ctx, FG_ATOMIC, PAGE, 0);

	CHECK(counter && info);
	atomic_store(counter, 0);
	count_race(&f, counter, info, 2, 1024, 64);
	clSVMFree(f.e.ctx, counter);
	clSVMFree(f.e.ctx, info);
	teardown(&f);
}

/* ---- publication and message passing ---- */

#define MSG_INTS 2048 /* 8 KiB of data after the flags: several pages */

struct msg {
	atomic_int *flags;
	int *hdata, *ddata;
	size_t bytes;
};

static struct msg msg_alloc(struct fix *f)
{
	struct msg m;

	m.bytes = 64 + 2 * MSG_INTS * sizeof(int);
	m.flags = clSVMAlloc(f->e.ctx, FG_ATOMIC, m.bytes, 0);
	CHECK(m.flags != NULL);
	memset(m.flags, 0, m.bytes);
	m.hdata = (int *)(m.flags + 16);
	m.ddata = m.hdata + MSG_INTS;
	return m;
}

/* The kernel writes data with plain stores and publishes it with a
 * release store; the host acquires the flag while the kernel still runs
 * (it waits for the host's ack) and must see every int. */
static void publish(int migrated)
{
	struct fix f = setup(1);
	struct msg m = msg_alloc(&f);
	cl_kernel k = kernel(&f, "publish");
	int n = MSG_INTS, i;
	cl_event ev;

	if (migrated)
		to_device(&f, 0, m.flags, 0);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, m.flags));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, m.hdata));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(n), &n));
	CHECK_CL(clEnqueueTask(f.e.q[0], k, 0, NULL, &ev));
	CHECK_CL(clFlush(f.e.q[0]));
	host_wait(&m.flags[0], 1, ev, &m.flags[3]);
	CHECK(status_of(ev) > CL_COMPLETE);
	for (i = 0; i < n; i++)
		if (m.hdata[i] != i * 5 + 1)
			CHECK_EQ(m.hdata[i], i * 5 + 1);
	atomic_store_explicit(&m.flags[1], 1, memory_order_release);
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_EQ(status_of(ev), CL_COMPLETE);
	CHECK_EQ(atomic_load(&m.flags[3]), 1);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseKernel(k));
	clSVMFree(f.e.ctx, m.flags);
	teardown(&f);
}

TEST(device_release_store_host_acquire)
{
	publish(0);
}

TEST(device_release_store_host_acquire_after_migration)
{
	publish(1);
}

/* Rounds of: the host writes a message and releases its round number;
 * the kernel acquires it, checks the message, writes its answer and
 * releases its round number; the host acquires that (waiting for a
 * device flag while the kernel runs) and checks the answer. */
static void handshake(int migrated, int rounds)
{
	struct fix f = setup(1);
	struct msg m = msg_alloc(&f);
	cl_kernel k = kernel(&f, "pingpong");
	cl_svm_statistics_hmm s0, s1;
	int n = MSG_INTS, r, i;
	cl_event ev;

	if (migrated)
		to_device(&f, 0, m.flags, 0);
	s0 = svm_stats(&f.e, 0);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, m.flags));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, m.hdata));
	CHECK_CL(clSetKernelArgSVMPointer(k, 2, m.ddata));
	CHECK_CL(clSetKernelArg(k, 3, sizeof(n), &n));
	CHECK_CL(clSetKernelArg(k, 4, sizeof(rounds), &rounds));
	CHECK_CL(clEnqueueTask(f.e.q[0], k, 0, NULL, &ev));
	CHECK_CL(clFlush(f.e.q[0]));
	for (r = 1; r <= rounds; r++) {
		for (i = 0; i < n; i++)
			m.hdata[i] = r * 7 + i;
		atomic_store_explicit(&m.flags[0], r, memory_order_release);
		host_wait(&m.flags[1], r, ev, &m.flags[3]);
		for (i = 0; i < n; i++)
			if (m.ddata[i] != r * 11 - i)
				CHECK_EQ(m.ddata[i], r * 11 - i);
	}
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_EQ(status_of(ev), CL_COMPLETE);
	CHECK_EQ(atomic_load(&m.flags[3]), 0); /* every message right */
	s1 = svm_stats(&f.e, 0);
	printf("%d rounds: %llu device faults, %llu CPU faults\n", rounds,
	       (unsigned long long)(s1.device_faults - s0.device_faults),
	       (unsigned long long)(s1.cpu_faults - s0.cpu_faults));
	if (migrated)
		CHECK(s1.cpu_faults > s0.cpu_faults);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseKernel(k));
	clSVMFree(f.e.ctx, m.flags);
	teardown(&f);
}

TEST(message_passing_handshake)
{
	handshake(0, 200);
}

TEST(message_passing_handshake_after_migration)
{
	handshake(1, 100);
}
