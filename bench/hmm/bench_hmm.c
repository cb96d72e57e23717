/* /dev/hmm benchmark: migration bandwidth to a device and back for 4 KiB
 * .. 64 MiB, single CPU fault latency, 64 MiB fault-back bandwidth, and in
 * the same run the references: memcpy bandwidth and a bare userfaultfd
 * round trip. Prints medians and the ratios to the targets; never
 * asserts timings.  bench_hmm [--quick]
 */
#include "hmm_door.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PS 4096UL

static int H;
static int quick;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char *map(size_t n)
{
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static int mig(void *p, size_t n, uint32_t target)
{
	struct hmm_dev_migrate m = {
	    .start = (uintptr_t)p, .size = n, .target = target};

	if (hx_hmm_ioctl(H, HMM_DEV_IOC_MIGRATE, &m)) {
		fprintf(stderr, "migrate %zu: %s\n", n, strerror(errno));
		exit(1);
	}
	return 0;
}

static double memcpy_bw(size_t n, int reps)
{
	char *a = map(n), *b = map(n);
	double t[32];

	memset(a, 1, n);
	memset(b, 2, n);
	for (int i = 0; i < reps; i++) {
		double t0 = now();

		memcpy(b, a, n);
		t[i] = now() - t0;
	}
	munmap(a, n);
	munmap(b, n);
	return n / median(t, reps);
}

/* A bare userfaultfd round trip: one missing page, a handler thread that
 * answers with UFFDIO_COPY, the faulting thread timed. */
static int bare_uffd;
static char bare_src[4096];

static void *bare_handler(void *arg)
{
	struct uffd_msg m;
	struct pollfd p = {bare_uffd, POLLIN, 0};

	for (;;) {
		if (poll(&p, 1, -1) < 0)
			return NULL;
		if (read(bare_uffd, &m, sizeof(m)) != sizeof(m))
			continue;
		if (m.event != UFFD_EVENT_PAGEFAULT)
			continue;
		struct uffdio_copy c = {m.arg.pagefault.address & ~(PS - 1),
					(uintptr_t)bare_src, PS, 0, 0};
		ioctl(bare_uffd, UFFDIO_COPY, &c);
	}
	return NULL;
}

static double bare_round_trip(int reps)
{
	struct uffdio_api api = {.api = UFFD_API};
	char *p = map(PS);
	pthread_t t;
	double *v = malloc(reps * sizeof(*v));

	bare_uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (bare_uffd < 0 || ioctl(bare_uffd, UFFDIO_API, &api))
		return -1;
	struct uffdio_register r = {{(uintptr_t)p, PS},
				    UFFDIO_REGISTER_MODE_MISSING};
	if (ioctl(bare_uffd, UFFDIO_REGISTER, &r))
		return -1;
	pthread_create(&t, NULL, bare_handler, NULL);
	for (int i = 0; i < reps; i++) {
		madvise(p, PS, MADV_DONTNEED);
		double t0 = now();

		*(volatile char *)p;
		v[i] = now() - t0;
	}
	double m = median(v, reps);

	free(v);
	return m;
}

static void migrate_table(double mc, double *bw64_to, double *bw64_back)
{
	static const size_t sizes[] = {4 << 10, 16 << 10, 64 << 10, 256 << 10,
				       1 << 20, 4 << 20,  16 << 20, 64 << 20};
	int ns = quick ? 4 : 8;

	printf("\n%-10s %14s %14s %10s %10s\n", "size", "to device",
	       "to system", "to/memcpy", "back/memcpy");
	for (int s = 0; s < ns; s++) {
		size_t n = sizes[s];
		int reps = quick	     ? 3
			   : n <= (1 << 20)  ? 51
			   : n <= (16 << 20) ? 11
					     : 7;
		char *p = map(n);
		double to[64], back[64];
		struct hmm_dev_range rg = {(uintptr_t)p, n, 0, 0};

		memset(p, 3, n);
		hx_hmm_ioctl(H, HMM_DEV_IOC_REGISTER, &rg);
		for (int i = 0; i < reps; i++) {
			double t0 = now();

			mig(p, n, 0);
			double t1 = now();

			mig(p, n, HMM_DEV_LOC_SYSTEM);
			to[i] = n / (t1 - t0);
			back[i] = n / (now() - t1);
		}
		double mt = median(to, reps), mb = median(back, reps);

		printf("%7zu KiB %9.2f GB/s %9.2f GB/s %9.2fx %9.2fx\n",
		       n >> 10, mt / 1e9, mb / 1e9, mt / mc, mb / mc);
		if (n == sizes[ns - 1]) {
			*bw64_to = mt;
			*bw64_back = mb;
		}
		hx_hmm_ioctl(H, HMM_DEV_IOC_UNREGISTER, &rg);
		munmap(p, n);
	}
}

static double single_fault(int reps)
{
	char *p = map(PS);
	double *v = malloc(reps * sizeof(*v));
	struct hmm_dev_range rg = {(uintptr_t)p, PS, 0, 0};

	memset(p, 4, PS);
	hx_hmm_ioctl(H, HMM_DEV_IOC_REGISTER, &rg);
	for (int i = 0; i < reps; i++) {
		mig(p, PS, 0);
		double t0 = now();

		*(volatile char *)p;
		v[i] = now() - t0;
	}
	double m = median(v, reps);

	free(v);
	return m;
}

static double fault_back_bw(size_t n, int reps)
{
	char *p = map(n);
	double v[16];
	struct hmm_dev_range rg = {(uintptr_t)p, n, 0, 0};

	memset(p, 5, n);
	hx_hmm_ioctl(H, HMM_DEV_IOC_REGISTER, &rg);
	for (int i = 0; i < reps; i++) {
		mig(p, n, 0);
		double t0 = now();

		for (size_t o = 0; o < n; o += PS)
			*(volatile char *)(p + o);
		v[i] = n / (now() - t0);
	}
	munmap(p, n);
	return median(v, reps);
}

int main(int argc, char **argv)
{
	struct hmm_dev_info info;

	quick = argc > 1 && !strcmp(argv[1], "--quick");
	H = hx_hmm_open(HX_HMM_BACKEND_AUTO);
	if (H < 0 || hx_hmm_ioctl(H, HMM_DEV_IOC_INFO, &info)) {
		fprintf(stderr, "bench_hmm: open: %s\n", strerror(errno));
		return 1;
	}
	if (!(info.features & HMM_DEV_FEATURE_MIGRATE_ANON)) {
		printf(
		    "bench_hmm: migration unavailable (degraded reason %u)\n",
		    info.degraded_reason);
		return 0;
	}
	size_t big = quick ? 1 << 20 : 64 << 20;
	double mc = memcpy_bw(big, quick ? 3 : 9);
	double rt = bare_round_trip(quick ? 20 : 401);
	double to = 0, back = 0;

	printf("/dev/hmm benchmark: %s backend, fault-around %u pages, %s\n",
	       info.backend == HMM_DEV_BACKEND_USER ? "user-space" : "kernel",
	       info.fault_around_pages,
	       info.features & HMM_DEV_FEATURE_MIGRATE_MOVE ? "UFFDIO_MOVE"
							    : "copy only");
	printf("memcpy %zu MiB: %.2f GB/s (median)\n", big >> 20, mc / 1e9);
	printf("bare userfaultfd round trip: %.2f us (median)\n", rt * 1e6);
	migrate_table(mc, &to, &back);
	double sf = single_fault(quick ? 20 : 401);
	double fb = fault_back_bw(big, quick ? 2 : 7);

	printf("\nsingle CPU fault (4 KiB, migrate back): %.2f us (median)\n",
	       sf * 1e6);
	printf("fault-back %zu MiB (one read per page): %.2f GB/s (median)\n",
	       big >> 20, fb / 1e9);
	printf("\n%-40s %10s %10s\n", "target", "measured", "goal");
	printf("%-40s %9.2fx %10s\n", "migrate to device / memcpy", to / mc,
	       ">= 0.80x");
	printf("%-40s %9.2fx %10s\n", "migrate to system / memcpy", back / mc,
	       ">= 0.80x");
	printf("%-40s %9.2fx %10s\n", "fault-back / memcpy", fb / mc,
	       ">= 0.50x");
	printf("%-40s %9.2fx %10s\n", "single fault / bare uffd round trip",
	       sf / rt, "<= 1.20x");
	return 0;
}
