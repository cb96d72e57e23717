/* The mirrored variant and the device MMU: while pages are
 * device-resident, kernels run the mirrored variant and reach device pages
 * through the aperture (no CPU fault, one device fault per distinct page),
 * system pages in place; a wild pointer is a reported device fault; once
 * everything went home the direct variant runs again (no device fault). */
#include "svm_util.h"

#include <stdio.h>
#include <sys/mman.h>

static const char *src =
    "kernel void scale(global const int *in, global int *out, int k)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	out[i] = in[i] * k + (int)i;\n"
    "}\n"
    "kernel void evens(global int *buf, global uint *sink, int iters)\n"
    "{\n"
    "	size_t i = 2 * get_global_id(0);\n"
    "	int x = buf[i];\n"
    "	uint h = (uint)x;\n"
    "	for (int r = 0; r < iters; r++)\n"
    "		h = h * 1664525u + 1013904223u;\n"
    "	sink[i / 2] = h;\n"
    "	buf[i] = x + 1;\n"
    "}\n"
    "kernel void poke(global int *out, ulong addr)\n"
    "{\n"
    "	out[get_global_id(0)] = *(global const int *)addr;\n"
    "}\n";

static char notified[512];

static void CL_CALLBACK notify(const char *msg, const void *p, size_t n,
			       void *user)
{
	(void)p;
	(void)n;
	(void)user;
	snprintf(notified, sizeof(notified), "%s", msg);
}

static struct svm_env open_env(void)
{
	struct svm_env e = svm_open(1);
	cl_int err;

	/* Our own context, with a notify callback. */
	CHECK_CL(clReleaseCommandQueue(e.q[0]));
	CHECK_CL(clReleaseContext(e.ctx));
	e.ctx = clCreateContext(NULL, 1, e.dev, notify, NULL, &err);
	CHECK_CL(err);
	e.q[0] = hx_test_queue(e.ctx, e.dev[0], 0);
	return e;
}

static cl_kernel build(struct svm_env *e, cl_program *prog)
{
	cl_int err;
	cl_kernel k;

	*prog = clCreateProgramWithSource(e->ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(*prog, 1, e->dev, "", NULL, NULL));
	k = clCreateKernel(*prog, "scale", &err);
	CHECK_CL(err);
	return k;
}

/* Returns the event's final status. */
static cl_int run_scale(struct svm_env *e, cl_kernel k, const int *in, int *out,
			size_t n, int factor)
{
	cl_event ev;
	cl_int st;

	CHECK_CL(clSetKernelArgSVMPointer(k, 0, in));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, out));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(factor), &factor));
	CHECK_CL(clEnqueueNDRangeKernel(e->q[0], k, 1, NULL, &n, NULL, 0, NULL,
					&ev));
	clWaitForEvents(1, &ev);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK_CL(clReleaseEvent(ev));
	return st;
}

struct fix {
	struct svm_env e;
	cl_program prog;
	cl_kernel k;
	int *in, *out;
	size_t n;
};

static struct fix setup(size_t pages)
{
	struct fix f;

	svm_require_migration();
	f.e = open_env();
	f.n = pages * PAGE / sizeof(int);
	f.in = clSVMAlloc(f.e.ctx, 0, f.n * sizeof(int), 0);
	f.out = clSVMAlloc(f.e.ctx, 0, f.n * sizeof(int), 0);
	CHECK(f.in && f.out);
	for (size_t i = 0; i < f.n; i++) {
		f.in[i] = (int)(i * 3 + 1);
		f.out[i] = -1;
	}
	f.k = build(&f.e, &f.prog);
	return f;
}

static void teardown(struct fix *f)
{
	CHECK_CL(clReleaseKernel(f->k));
	CHECK_CL(clReleaseProgram(f->prog));
	clSVMFree(f->e.ctx, f->in);
	clSVMFree(f->e.ctx, f->out);
	svm_close(&f->e);
}

static void check_out(struct fix *f, int factor)
{
	for (size_t i = 0; i < f->n; i++)
		CHECK_EQ(f->out[i], f->in[i] * factor + (int)i);
}

TEST(kernel_on_device_pages_takes_no_cpu_fault)
{
	struct fix f = setup(16);
	cl_svm_statistics_hmm a, b;

	svm_migrate(&f.e, 0, f.in, 0, 0);
	svm_migrate(&f.e, 0, f.out, 0, 0);
	a = svm_stats(&f.e, 0);
	CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, 5), CL_COMPLETE);
	b = svm_stats(&f.e, 0);
	/* 32 distinct pages in one 2 MiB block of the pool: one device
	 * fault maps them all, whatever the workers; nothing came home,
	 * nothing moved. */
	CHECK_DELTA(a, b, cpu_faults, 0);
	CHECK_DELTA(a, b, device_faults, 1);
	CHECK_DELTA(a, b, pages_to_host, 0);
	CHECK_DELTA(a, b, pages_to_device, 0);
	/* The host reads the results: now the pages come home. */
	check_out(&f, 5);
	b = svm_stats(&f.e, 0);
	CHECK_DELTA(a, b, cpu_faults, 32);
	teardown(&f);
}

TEST(system_pages_in_place_while_others_are_on_the_device)
{
	struct fix f = setup(8);
	cl_svm_statistics_hmm a, b;

	svm_migrate(&f.e, 0, f.in, 0, 0); /* out stays in system memory */
	a = svm_stats(&f.e, 0);
	CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, 3), CL_COMPLETE);
	b = svm_stats(&f.e, 0);
	CHECK_DELTA(a, b, cpu_faults, 0);
	/* One block fault for the reads maps out's system pages read-only
	 * (a read FAULT), the first store faults the block again for
	 * writing. */
	CHECK_DELTA(a, b, device_faults, 2);
	CHECK_DELTA(a, b, pages_to_device, 0);
	check_out(&f, 3);
	teardown(&f);
}

/* The host writes a device-resident input between two launches: its write
 * brings the page home (one CPU fault) and the next launch sees it. */
TEST(host_write_between_launches_is_seen)
{
	struct fix f = setup(4);
	cl_svm_statistics_hmm a, b;

	svm_migrate(&f.e, 0, f.in, 0, 0);
	svm_migrate(&f.e, 0, f.out, 0, 0);
	CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, 2), CL_COMPLETE);
	a = svm_stats(&f.e, 0);
	f.in[PAGE / sizeof(int) + 7] = 1000;
	b = svm_stats(&f.e, 0);
	CHECK_DELTA(a, b, cpu_faults, 1);
	CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, 2), CL_COMPLETE);
	b = svm_stats(&f.e, 0);
	CHECK_DELTA(a, b, cpu_faults, 1); /* the kernel took none */
	check_out(&f, 2);
	CHECK_EQ(f.out[PAGE / sizeof(int) + 7],
		 2000 + (int)(PAGE / sizeof(int) + 7));
	teardown(&f);
}

/* A kernel dereferences an inaccessible address (PROT_NONE, kept mapped
 * so that nothing else lands there meanwhile). */
TEST(wild_pointer_is_a_reported_device_fault)
{
	struct fix f = setup(2);
	char *hole =
	    mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cl_ulong addr = (uintptr_t)hole + 8;
	cl_int err;
	cl_kernel poke = clCreateKernel(f.prog, "poke", &err);
	cl_event ev;
	cl_int st;
	size_t one = 1;
	char want[64];

	CHECK_CL(err);
	CHECK(hole != MAP_FAILED);
	svm_migrate(&f.e, 0, f.out, 0, 0); /* mirrored from now on */
	notified[0] = 0;
	CHECK_CL(clSetKernelArgSVMPointer(poke, 0, f.out));
	CHECK_CL(clSetKernelArg(poke, 1, sizeof(addr), &addr));
	CHECK_CL(clEnqueueNDRangeKernel(f.e.q[0], poke, 1, NULL, &one, NULL, 0,
					NULL, &ev));
	clWaitForEvents(1, &ev);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK(st < 0);
	CHECK_CL(clReleaseEvent(ev));
	CHECK(strstr(notified, "device fault in kernel poke") != NULL);
	snprintf(want, sizeof(want), "0x%llx", (unsigned long long)addr);
	CHECK(strstr(notified, want) != NULL);
	/* The process and the queue live on. */
	CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, 4), CL_COMPLETE);
	check_out(&f, 4);
	CHECK_CL(clReleaseKernel(poke));
	munmap(hole, PAGE);
	teardown(&f);
}

TEST(direct_again_once_everything_went_home)
{
	struct fix f = setup(8);
	cl_svm_statistics_hmm a, b;

	svm_migrate(&f.e, 0, f.in, 0, 0);
	a = svm_stats(&f.e, 0);
	CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, 6), CL_COMPLETE);
	b = svm_stats(&f.e, 0);
	CHECK(b.device_faults > a.device_faults); /* mirrored */
	svm_migrate(&f.e, 0, f.in, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	a = svm_stats(&f.e, 0);
	CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, 7), CL_COMPLETE);
	b = svm_stats(&f.e, 0);
	CHECK_DELTA(a, b, device_faults, 0); /* direct: no MMU at all */
	CHECK_DELTA(a, b, cpu_faults, 0);
	check_out(&f, 7);
	teardown(&f);
}

/* Many launches while the pages stay on the device: every one is exact,
 * none takes a CPU fault, and only the first misses in the page table
 * (translations outlive launches while nothing moves). */
TEST(repeated_mirrored_launches)
{
	struct fix f = setup(8);
	cl_svm_statistics_hmm a, b;

	svm_migrate(&f.e, 0, f.in, 0, 0);
	svm_migrate(&f.e, 0, f.out, 0, 0);
	a = svm_stats(&f.e, 0);
	for (int r = 0; r < 20; r++)
		CHECK_EQ(run_scale(&f.e, f.k, f.in, f.out, f.n, r),
			 CL_COMPLETE);
	b = svm_stats(&f.e, 0);
	CHECK_DELTA(a, b, cpu_faults, 0);
	CHECK_DELTA(a, b, device_faults, 1); /* one block: in and out */
	check_out(&f, 19);
	teardown(&f);
}

/* The host writes the odd ints of device-resident pages while a mirrored
 * kernel reads and writes the even ones: the host's writes take pages
 * home under the kernel's cached aperture addresses, the kernel's next
 * access brings them back. No write is lost on either side. */
TEST(host_and_kernel_write_the_same_pages_at_once)
{
	struct fix f = setup(16);
	cl_int err;
	cl_kernel k = clCreateKernel(f.prog, "evens", &err);
	volatile int *buf = f.in;
	size_t half = f.n / 2;
	int iters = 3000, last = 0;
	cl_event ev;
	cl_int st = CL_QUEUED;

	CHECK_CL(err);
	svm_migrate(&f.e, 0, f.in, 0, 0);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, f.in));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, f.out));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(iters), &iters));
	CHECK_CL(clEnqueueNDRangeKernel(f.e.q[0], k, 1, NULL, &half, NULL, 0,
					NULL, &ev));
	CHECK_CL(clFlush(f.e.q[0]));
	/* Whole passes until the kernel is done, then one more. */
	for (int r = 1; st > CL_COMPLETE || r < 3; r++) {
		for (size_t i = 1; i < f.n; i += 2)
			buf[i] = -r;
		last = r;
		if (st > CL_COMPLETE)
			CHECK_CL(clGetEventInfo(
			    ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st),
			    &st, NULL));
	}
	CHECK_EQ(st, CL_COMPLETE);
	CHECK_CL(clReleaseEvent(ev));
	fprintf(stderr, "%d host passes, %llu CPU faults\n", last,
		(unsigned long long)svm_stats(&f.e, 0).cpu_faults);
	for (size_t i = 0; i < f.n; i++)
		CHECK_EQ(buf[i], i % 2 ? -last : (int)(i * 3 + 1) + 1);
	CHECK_CL(clReleaseKernel(k));
	teardown(&f);
}
