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
