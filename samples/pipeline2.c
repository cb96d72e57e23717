/* A two-device pipeline: stage 1 runs on device 0, stage 2 on device 1,
 * and the intermediate data moves device -> device with
 * clEnqueueSVMMigrateMem between them. The data set is cut in chunks so
 * that stage 1 of one chunk overlaps stage 2 of the previous one; events
 * chain the commands across the two queues:
 *
 *   q0: migrate in[c] -> dev 0, mid[c] -> dev 0 (content undefined),
 *       stage1(in[c]) -> mid[c]                               event s1[c]
 *   q1: (after s1[c]) migrate mid[c] -> dev 1, out[c] -> dev 1
 *       (content undefined), stage2(mid[c]) -> out[c]
 *
 * Run with HMMCL_DEVICES=2 for two devices; with one device both stages
 * run on it. Prints per-device statistics; exit 0 when every result is
 * right. */
#include "sample_util.h"

static const char *source =
    "kernel void stage1(global const uint *in, global uint *mid)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	uint v = in[i];\n"
    "	mid[i] = (v * v) % 65521u + (uint)i;\n"
    "}\n"
    "kernel void stage2(global const uint *mid, global uint *out)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	uint v = mid[i];\n"
    "	out[i] = (v ^ (v >> 3)) + 7u;\n"
    "}\n";

#define CHUNKS 8

/* Both stages on the host; local is the index inside the chunk (the
 * kernels' get_global_id). */
static cl_uint expect(cl_uint v, cl_uint local)
{
	cl_uint m = (v * v) % 65521u + local;

	return (m ^ (m >> 3)) + 7u;
}

struct env {
	cl_uint ndev;
	cl_device_id dev[2];
	cl_context ctx;
	cl_command_queue q[2]; /* q[1] == q[0] with one device */
	cl_kernel k1, k2;
};

static cl_event migrate(cl_command_queue q, const void *p, size_t size,
			cl_mem_migration_flags flags, cl_uint nwait,
			const cl_event *wait)
{
	cl_event ev;

	CHECK(clEnqueueSVMMigrateMem(q, 1, &p, &size, flags, nwait, wait, &ev));
	return ev;
}

/* Enqueues both stages of one chunk; returns stage 2's event. */
static cl_event enqueue_chunk(struct env *e, cl_uint *in, cl_uint *mid,
			      cl_uint *out, size_t n)
{
	size_t bytes = n * sizeof(cl_uint);
	cl_event ev[3], s1, s2;

	ev[0] = migrate(e->q[0], in, bytes, 0, 0, NULL);
	ev[1] = migrate(e->q[0], mid, bytes,
			CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED, 0, NULL);
	CHECK(clSetKernelArgSVMPointer(e->k1, 0, in));
	CHECK(clSetKernelArgSVMPointer(e->k1, 1, mid));
	CHECK(clEnqueueNDRangeKernel(e->q[0], e->k1, 1, NULL, &n, NULL, 2, ev,
				     &s1));
	CHECK(clReleaseEvent(ev[0]));
	CHECK(clReleaseEvent(ev[1]));
	/* Device 0 -> device 1, once stage 1 has written the chunk. */
	ev[0] = migrate(e->q[1], mid, bytes, 0, 1, &s1);
	ev[1] = migrate(e->q[1], out, bytes,
			CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED, 0, NULL);
	ev[2] = s1;
	CHECK(clSetKernelArgSVMPointer(e->k2, 0, mid));
	CHECK(clSetKernelArgSVMPointer(e->k2, 1, out));
	CHECK(clEnqueueNDRangeKernel(e->q[1], e->k2, 1, NULL, &n, NULL, 3, ev,
				     &s2));
	for (int i = 0; i < 3; i++)
		CHECK(clReleaseEvent(ev[i]));
	CHECK(clFlush(e->q[0]));
	CHECK(clFlush(e->q[1]));
	return s2;
}

static void setup(struct env *e, cl_platform_id platform)
{
	cl_program prog;
	cl_int err;

	CHECK(
	    clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 2, e->dev, &e->ndev));
	e->ndev = e->ndev > 2 ? 2 : e->ndev;
	e->ctx = clCreateContext(NULL, e->ndev, e->dev, NULL, NULL, &err);
	CHECK_RET(err);
	for (cl_uint d = 0; d < e->ndev; d++) {
		e->q[d] = clCreateCommandQueueWithProperties(e->ctx, e->dev[d],
							     NULL, &err);
		CHECK_RET(err);
	}
	if (e->ndev == 1) {
		e->q[1] = e->q[0];
		e->dev[1] = e->dev[0];
	}
	prog = sample_build(e->ctx, e->ndev, e->dev, source, "");
	e->k1 = clCreateKernel(prog, "stage1", &err);
	CHECK_RET(err);
	e->k2 = clCreateKernel(prog, "stage2", &err);
	CHECK_RET(err);
	CHECK(clReleaseProgram(prog)); /* the kernels keep it */
}

int main(int argc, char **argv)
{
	/* A whole number of pages per chunk: migrations stay chunk-exact. */
	size_t chunk = argc > 1 ? strtoul(argv[1], NULL, 0) : 128 * 1024;
	size_t n = CHUNKS * chunk, i, bad = 0;
	cl_platform_id platform = sample_platform();
	clGetSVMStatisticsHMM_fn get = sample_stats_fn(platform);
	cl_svm_statistics_hmm s0[2], s1[2];
	cl_event done[CHUNKS];
	cl_uint *in, *mid, *out;
	struct env e;
	double t0, t1;
	int c;

	setup(&e, platform);
	in = clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n * 4, 0);
	mid = clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n * 4, 0);
	out = clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n * 4, 0);
	if (!in || !mid || !out) {
		fprintf(stderr, "clSVMAlloc failed\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		in[i] = (cl_uint)(i * 2654435761u);
	for (cl_uint d = 0; d < e.ndev; d++)
		s0[d] = sample_stats(get, e.dev[d]);

	t0 = sample_now_ms();
	for (c = 0; c < CHUNKS; c++)
		done[c] = enqueue_chunk(&e, in + c * chunk, mid + c * chunk,
					out + c * chunk, chunk);
	CHECK(clWaitForEvents(CHUNKS, done));
	t1 = sample_now_ms();
	for (cl_uint d = 0; d < e.ndev; d++)
		s1[d] = sample_stats(get, e.dev[d]);

	/* The host reads the results in place (they fault home). */
	for (i = 0; i < n; i++)
		bad += out[i] != expect(in[i], (cl_uint)(i % chunk));
	printf("pipeline2: %u device(s), %d chunks of %zu uints: stage 1 on "
	       "device 0, stage 2 on device %u, %.2f ms, %zu wrong\n",
	       e.ndev, CHUNKS, chunk, e.ndev - 1, t1 - t0, bad);
	for (cl_uint d = 0; d < e.ndev; d++) {
		char what[32];

		snprintf(what, sizeof(what), "device %u (pipeline):", d);
		s1[d].device_faults -= s0[d].device_faults;
		s1[d].cpu_faults -= s0[d].cpu_faults;
		s1[d].pages_to_device -= s0[d].pages_to_device;
		s1[d].pages_to_host -= s0[d].pages_to_host;
		s1[d].bytes_to_device -= s0[d].bytes_to_device;
		s1[d].bytes_to_host -= s0[d].bytes_to_host;
		s1[d].invalidations -= s0[d].invalidations;
		sample_print_stats(what, &s1[d]);
	}
	if (e.ndev == 2 && s1[1].pages_to_device) {
		/* Nothing else leaves device 0 before the host reads: its
		 * pages_to_host is the device 0 -> 1 hop of mid, all of it. */
		printf("  the intermediate data went device 0 -> device 1: "
		       "%llu pages (%zu expected)\n",
		       (unsigned long long)s1[0].pages_to_host, n * 4 / 4096);
		bad += s1[0].pages_to_host != n * 4 / 4096;
	}

	for (c = 0; c < CHUNKS; c++)
		CHECK(clReleaseEvent(done[c]));
	clSVMFree(e.ctx, in);
	clSVMFree(e.ctx, mid);
	clSVMFree(e.ctx, out);
	CHECK(clReleaseKernel(e.k1));
	CHECK(clReleaseKernel(e.k2));
	for (cl_uint d = 0; d < e.ndev; d++)
		CHECK(clReleaseCommandQueue(e.q[d]));
	CHECK(clReleaseContext(e.ctx));
	return bad != 0;
}
