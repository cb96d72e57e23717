/* One counter, incremented at the same time by host threads (C11 atomics)
 * and by a kernel (OpenCL C atomics at memory_scope_all_svm_devices), in
 * a fine-grain SVM buffer allocated with CL_MEM_SVM_ATOMICS. The host
 * threads keep incrementing until the kernel's event completes, so the two
 * sides overlap; the final value must be exactly the sum of both sides'
 * increments.
 *
 * Run twice: with the counter in system memory, then after its page was
 * migrated to the device with clEnqueueSVMMigrateMem, so that the kernel
 * works on device memory while the host's increments fault the page back.
 * Exit 0 when both totals are exact, 77 without CL_DEVICE_SVM_ATOMICS. */
#include "sample_util.h"

#include <pthread.h>
#include <stdatomic.h>

/* info[0]: set once the kernel runs; info[1]: the highest counter value
 * a kernel increment produced, i.e. the position of the kernel's last
 * increment in the counter's modification order; info[2]: set by the host
 * once it counts. Work-item 0 waits for info[2] (a bounded wait) before
 * its own increments, so that the two sides surely overlap. */
static const char *source =
    "#define RELAXED memory_order_relaxed, memory_scope_all_svm_devices\n"
    "kernel void count(global atomic_int *counter, global atomic_int *info,\n"
    "		   int iters)\n"
    "{\n"
    "	int last = 0;\n"
    "	if (get_global_id(0) == 0) {\n"
    "		atomic_store_explicit(&info[0], 1, RELAXED);\n"
    "		for (long spin = 0; spin < 200000000L; spin++)\n"
    "			if (atomic_load_explicit(&info[2], RELAXED))\n"
    "				break;\n"
    "	}\n"
    "	for (int i = 0; i < iters; i++)\n"
    "		last = atomic_fetch_add_explicit(counter, 1, RELAXED) + 1;\n"
    "	atomic_fetch_max_explicit(&info[1], last, RELAXED);\n"
    "}\n";

#define HOST_THREADS 2

struct host_thread {
	pthread_t tid;
	atomic_int *counter, *info;
	cl_event kernel_done;
	long done; /* increments this thread made */
};

static cl_int status(cl_event ev)
{
	cl_int st;

	CHECK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st),
			     &st, NULL));
	return st;
}

/* Waits until the kernel runs, then increments until it has finished
 * (checked every 256 steps). */
static void *host_increments(void *arg)
{
	struct host_thread *h = arg;
	cl_int st = CL_QUEUED;

	while (!atomic_load(&h->info[0]) && (st = status(h->kernel_done)) > 0)
		;
	while (st != CL_COMPLETE && st >= 0) {
		for (int i = 0; i < 256; i++)
			atomic_fetch_add_explicit(h->counter, 1,
						  memory_order_relaxed);
		h->done += 256;
		atomic_store(&h->info[2], 1);
		st = status(h->kernel_done);
	}
	return NULL;
}

struct env {
	cl_platform_id platform;
	clGetSVMStatisticsHMM_fn get;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_kernel k;
	atomic_int *info; /* the kernel's two words, never migrated */
};

/* The counter is 0 on entry (set by the caller, so that a migrated page
 * stays on the device until the round starts). Returns 1 when the final
 * value is exact. */
static int run_round(struct env *e, atomic_int *counter, size_t items,
		     int iters, const char *what)
{
	struct host_thread h[HOST_THREADS];
	cl_svm_statistics_hmm s0, s1;
	long kernel_part = (long)items * iters, host_part = 0;
	double t0, t;
	int i, final;

	atomic_store(&e->info[0], 0);
	atomic_store(&e->info[1], 0);
	atomic_store(&e->info[2], 0);
	s0 = sample_stats(e->get, e->dev);
	CHECK(clSetKernelArgSVMPointer(e->k, 0, counter));
	CHECK(clSetKernelArgSVMPointer(e->k, 1, e->info));
	CHECK(clSetKernelArg(e->k, 2, sizeof(iters), &iters));
	t0 = sample_now_ms();
	CHECK(clEnqueueNDRangeKernel(e->q, e->k, 1, NULL, &items, NULL, 0, NULL,
				     &h[0].kernel_done));
	CHECK(clFlush(e->q));
	for (i = 0; i < HOST_THREADS; i++) {
		h[i].counter = counter;
		h[i].info = e->info;
		h[i].kernel_done = h[0].kernel_done;
		h[i].done = 0;
		if (pthread_create(&h[i].tid, NULL, host_increments, &h[i])) {
			fprintf(stderr, "pthread_create failed\n");
			exit(1);
		}
	}
	for (i = 0; i < HOST_THREADS; i++) {
		pthread_join(h[i].tid, NULL);
		host_part += h[i].done;
	}
	CHECK(clWaitForEvents(1, &h[0].kernel_done));
	t = sample_now_ms() - t0;
	CHECK(clReleaseEvent(h[0].kernel_done));
	final = atomic_load(counter);
	s1 = sample_stats(e->get, e->dev);
	printf("  %s: counter %d = kernel %ld + host %ld (%d threads): %s, "
	       "%.2f ms\n",
	       what, final, kernel_part, host_part, HOST_THREADS,
	       final == kernel_part + host_part ? "exact" : "WRONG", t);
	printf("    %ld host increments landed before the kernel's last one\n",
	       (long)atomic_load(&e->info[1]) - kernel_part);
	printf("    this round: %llu device faults, %llu CPU faults, "
	       "%llu pages to the device, %llu to the host\n",
	       (unsigned long long)(s1.device_faults - s0.device_faults),
	       (unsigned long long)(s1.cpu_faults - s0.cpu_faults),
	       (unsigned long long)(s1.pages_to_device - s0.pages_to_device),
	       (unsigned long long)(s1.pages_to_host - s0.pages_to_host));
	return final == kernel_part + host_part;
}

int main(int argc, char **argv)
{
	size_t items = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	int iters = argc > 2 ? atoi(argv[2]) : 64, ok = 1;
	cl_svm_statistics_hmm s0, s1;
	const void *ptr;
	atomic_int *counter;
	cl_program prog;
	struct env e;
	cl_int err;

	e.platform = sample_platform();
	e.get = sample_stats_fn(e.platform);
	CHECK(clGetDeviceIDs(e.platform, CL_DEVICE_TYPE_ALL, 1, &e.dev, NULL));
	if (!(sample_svm_caps(e.dev) & CL_DEVICE_SVM_ATOMICS)) {
		printf("atomic_counter: skipped: the device does not report "
		       "CL_DEVICE_SVM_ATOMICS, so host and device atomics on "
		       "one location are not guaranteed to compose\n");
		return SAMPLE_SKIP;
	}
	e.ctx = clCreateContext(NULL, 1, &e.dev, NULL, NULL, &err);
	CHECK_RET(err);
	e.q = clCreateCommandQueueWithProperties(e.ctx, e.dev, NULL, &err);
	CHECK_RET(err);
	prog = sample_build(e.ctx, 1, &e.dev, source, "-cl-std=CL3.0");
	e.k = clCreateKernel(prog, "count", &err);
	CHECK_RET(err);
	counter =
	    clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS,
		       sizeof(*counter), 0);
	e.info =
	    clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS,
		       3 * sizeof(*e.info), 0);
	if (!counter || !e.info) {
		fprintf(stderr, "clSVMAlloc failed\n");
		return 1;
	}

	printf("atomic_counter: %zu work-items x %d increments against %d "
	       "host threads\n",
	       items, iters, HOST_THREADS);
	atomic_store(counter, 0);
	ok &= run_round(&e, counter, items, iters, "system memory");

	/* The counter's page to the device: the kernel now increments device
	 * memory, each host increment may fault the page back. */
	atomic_store(counter, 0);
	ptr = counter;
	s0 = sample_stats(e.get, e.dev);
	CHECK(clEnqueueSVMMigrateMem(e.q, 1, &ptr, NULL, 0, 0, NULL, NULL));
	CHECK(clFinish(e.q));
	s1 = sample_stats(e.get, e.dev);
	printf("  migrated the counter: %llu page(s) to the device\n",
	       (unsigned long long)(s1.pages_to_device - s0.pages_to_device));
	ok &= run_round(&e, counter, items, iters, "migrated first");

	clSVMFree(e.ctx, counter);
	clSVMFree(e.ctx, e.info);
	CHECK(clReleaseKernel(e.k));
	CHECK(clReleaseProgram(prog));
	CHECK(clReleaseCommandQueue(e.q));
	CHECK(clReleaseContext(e.ctx));
	return !ok;
}
