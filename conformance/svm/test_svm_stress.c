/* Stress (CI-sized): host threads write and verify their own slices of a
 * fine-grain SVM buffer while migrations of the whole buffer bounce it
 * between two devices and the host, and SVM copies read it through the
 * device path. Every byte is verified after every write. By hand:
 * HMMCL_SVM_STRESS_ROUNDS=<n> for a longer run. */
#include "svm_util.h"

#include <pthread.h>
#include <stdatomic.h>

#define SLICES 2
#define SLICE_PAGES 24

static atomic_int running = SLICES;

struct slice {
	unsigned char *p;
	unsigned id;
	int rounds;
	int bad;
};

static unsigned char value(unsigned id, int round, size_t i)
{
	return (unsigned char)(id * 37 + (unsigned)round * 11 + i * 7);
}

static void *host_main(void *arg)
{
	struct slice *s = arg;
	const size_t n = SLICE_PAGES * PAGE;
	size_t i;
	int r;

	for (r = 0; r < s->rounds && !s->bad; r++) {
		for (i = 0; i < n; i += 1 + (i % 61))
			s->p[i] = value(s->id, r, i);
		for (i = 0; i < n; i += 1 + (i % 61))
			if (s->p[i] != value(s->id, r, i)) {
				fprintf(stderr,
					"slice %u round %d byte %zu: "
					"%d != %d\n",
					s->id, r, i, s->p[i],
					value(s->id, r, i));
				s->bad++;
				break;
			}
	}
	running--;
	return NULL;
}

static int rounds(void)
{
	const char *e = getenv("HMMCL_SVM_STRESS_ROUNDS");

	return e ? atoi(e) : 20000;
}

static void bounce(struct svm_env *e, unsigned char *buf, size_t n,
		   unsigned char *h, unsigned k)
{
	const void *ptr = buf;
	cl_mem_migration_flags f = k % 3 == 2 ? CL_MIGRATE_MEM_OBJECT_HOST : 0;

	CHECK_CL(
	    clEnqueueSVMMigrateMem(e->q[k % 2], 1, &ptr, &n, f, 0, NULL, NULL));
	/* A read through the device path while pages are wherever. */
	CHECK_CL(clEnqueueSVMMemcpy(e->q[k % 2], CL_FALSE, h, buf, PAGE, 0,
				    NULL, NULL));
	if (k % 8 == 7) {
		CHECK_CL(clFinish(e->q[0]));
		CHECK_CL(clFinish(e->q[1]));
	}
}

TEST(host_writers_against_bouncing_migrations)
{
	struct svm_env e = svm_open(2);
	const size_t n = SLICES * SLICE_PAGES * PAGE;
	unsigned char *buf =
	    clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
	unsigned char h[PAGE];
	struct slice s[SLICES];
	pthread_t t[SLICES];
	unsigned i, k = 0;

	svm_require_migration();
	CHECK(buf != NULL);
	for (i = 0; i < SLICES; i++) {
		s[i] = (struct slice){buf + i * SLICE_PAGES * PAGE, i, rounds(),
				      0};
		CHECK_EQ(pthread_create(&t[i], NULL, host_main, &s[i]), 0);
	}
	do
		bounce(&e, buf, n, h, k++);
	while (running > 0);
	CHECK_CL(clFinish(e.q[0]));
	CHECK_CL(clFinish(e.q[1]));
	for (i = 0; i < SLICES; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(s[i].bad, 0);
	}
	/* The migrations really moved pages, on both devices. */
	CHECK(svm_stats(&e, 0).pages_to_device > 0);
	CHECK(svm_stats(&e, 1).pages_to_device > 0);
	printf("%u migrations, %llu + %llu pages to the devices\n", k,
	       (unsigned long long)svm_stats(&e, 0).pages_to_device,
	       (unsigned long long)svm_stats(&e, 1).pages_to_device);
	clSVMFree(e.ctx, buf);
	svm_close(&e);
}

/* Kernels on both devices write and verify their own slices of a plain
 * malloc buffer (fine-grain system SVM) and of the SVM buffer, while host
 * threads do the same on theirs and migrations bounce both buffers
 * between the devices and the host. */
static const char *stress_src =
    "uchar value(uint id, uint round, size_t i)\n"
    "{ return (uchar)(id * 37u + round * 11u + (uint)i * 7u); }\n"
    "kernel void wr(global uchar *p, uint id, uint round)\n"
    "{ size_t i = get_global_id(0); p[i] = value(id, round, i); }\n"
    "kernel void ck(global const uchar *p, uint id, uint round,\n"
    "               global int *bad)\n"
    "{ size_t i = get_global_id(0);\n"
    "  if (p[i] != value(id, round, i)) atomic_inc(bad); }\n";

struct kslices {
	cl_kernel wr[2], ck[2];
	unsigned char *p[2]; /* one slice per device */
	int *bad;	     /* fine-grain SVM, one counter per device */
};

static void kernel_round(struct svm_env *e, struct kslices *ks, unsigned d,
			 cl_uint round)
{
	size_t n = SLICE_PAGES * PAGE;
	cl_uint id = 10 + d;

	CHECK_CL(clSetKernelArgSVMPointer(ks->wr[d], 0, ks->p[d]));
	CHECK_CL(clSetKernelArg(ks->wr[d], 1, sizeof(id), &id));
	CHECK_CL(clSetKernelArg(ks->wr[d], 2, sizeof(round), &round));
	CHECK_CL(clSetKernelArgSVMPointer(ks->ck[d], 0, ks->p[d]));
	CHECK_CL(clSetKernelArg(ks->ck[d], 1, sizeof(id), &id));
	CHECK_CL(clSetKernelArg(ks->ck[d], 2, sizeof(round), &round));
	CHECK_CL(clSetKernelArgSVMPointer(ks->ck[d], 3, ks->bad + d));
	/* In-order queue: ck sees wr's bytes, wherever they went meanwhile. */
	CHECK_CL(clEnqueueNDRangeKernel(e->q[d], ks->wr[d], 1, NULL, &n, NULL,
					0, NULL, NULL));
	CHECK_CL(clEnqueueNDRangeKernel(e->q[d], ks->ck[d], 1, NULL, &n, NULL,
					0, NULL, NULL));
}

static void make_kernels(struct svm_env *e, struct kslices *ks,
			 cl_program *prog)
{
	cl_int err;
	unsigned d;

	*prog = clCreateProgramWithSource(e->ctx, 1, &stress_src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(*prog, 2, e->dev, NULL, NULL, NULL));
	for (d = 0; d < 2; d++) {
		ks->wr[d] = clCreateKernel(*prog, "wr", &err);
		CHECK_CL(err);
		ks->ck[d] = clCreateKernel(*prog, "ck", &err);
		CHECK_CL(err);
	}
}

TEST(kernels_and_host_writers_against_bouncing_migrations)
{
	struct svm_env e = svm_open(2);
	const size_t n = SLICES * SLICE_PAGES * PAGE, m = 2 * SLICE_PAGES * PAGE;
	unsigned char *buf =
	    clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
	unsigned char *heap = aligned_alloc(PAGE, m), h[PAGE];
	struct kslices ks;
	struct slice s[SLICES];
	pthread_t t[SLICES];
	cl_program prog;
	unsigned i, k = 0, d;

	svm_require_migration();
	CHECK(buf && heap);
	ks.bad = clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, 2 * sizeof(int),
			    0);
	CHECK(ks.bad != NULL);
	ks.bad[0] = ks.bad[1] = 0;
	ks.p[0] = heap;
	ks.p[1] = heap + SLICE_PAGES * PAGE;
	make_kernels(&e, &ks, &prog);
	for (i = 0; i < SLICES; i++) {
		s[i] = (struct slice){buf + i * SLICE_PAGES * PAGE, i,
				      rounds() / 4, 0};
		CHECK_EQ(pthread_create(&t[i], NULL, host_main, &s[i]), 0);
	}
	do {
		bounce(&e, buf, n, h, k);
		bounce(&e, heap, m, h, k + 1);
		for (d = 0; d < 2; d++)
			kernel_round(&e, &ks, d, k);
		k++;
	} while (running > 0);
	CHECK_CL(clFinish(e.q[0]));
	CHECK_CL(clFinish(e.q[1]));
	for (i = 0; i < SLICES; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(s[i].bad, 0);
	}
	CHECK_EQ(ks.bad[0], 0);
	CHECK_EQ(ks.bad[1], 0);
	/* The host sees each device's last round. */
	for (d = 0; d < 2; d++)
		for (i = 0; i < SLICE_PAGES * PAGE; i++)
			if (ks.p[d][i] != (unsigned char)((10 + d) * 37 +
							  (k - 1) * 11 + i * 7))
				CHECK_EQ(ks.p[d][i], 0);
	CHECK(svm_stats(&e, 0).pages_to_device > 0);
	CHECK(svm_stats(&e, 1).pages_to_device > 0);
	printf("%u rounds, %llu + %llu pages to the devices, %llu + %llu "
	       "device faults\n",
	       k, (unsigned long long)svm_stats(&e, 0).pages_to_device,
	       (unsigned long long)svm_stats(&e, 1).pages_to_device,
	       (unsigned long long)svm_stats(&e, 0).device_faults,
	       (unsigned long long)svm_stats(&e, 1).device_faults);
	for (d = 0; d < 2; d++) {
		CHECK_CL(clReleaseKernel(ks.wr[d]));
		CHECK_CL(clReleaseKernel(ks.ck[d]));
	}
	CHECK_CL(clReleaseProgram(prog));
	clSVMFree(e.ctx, ks.bad);
	clSVMFree(e.ctx, buf);
	free(heap);
	svm_close(&e);
}
