/* hmmcl-bench: kernel figures of one or two OpenCL platforms (chosen by
 * name through the ICD loader) next to native C on the same cores.
 *
 *   hmmcl-bench [--platform NAME] [--both] [--quick] [--no-native]
 *
 * --both runs "hmmcl" and "Portable" (PoCL) in one run and prints the
 * speedup of the first over the second. Exit 77: no matching platform.
 * Timings are printed, never judged; a wrong result exits 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static const struct {
	const char *name, *unit;
	int lower_better;
} rows[M_COUNT] = {
    [M_LAUNCH] = {"launch latency (empty, enq+finish)", "us", 1},
    [M_LAUNCH_ARG] = {"launch latency (empty, 1 buffer arg)", "us", 1},
    [M_ENQUEUE] = {"enqueue throughput (empty, 1 arg)", "kernels/s", 0},
    [M_VADD] = {"vadd", "GB/s", 0},
    [M_SAXPY] = {"saxpy", "GB/s", 0},
    [M_REDUCE] = {"reduction (local mem + barriers)", "GB/s", 0},
    [M_MM_NAIVE] = {"matmul naive", "GFLOP/s", 0},
    [M_MM_TILED] = {"matmul tiled 16x16 (barriers)", "GFLOP/s", 0},
    [M_ATOMICS] = {"atomic_inc, one counter", "Mops/s", 0},
    [M_COMPILE_COLD] = {"build + first run (cold)", "ms", 1},
    [M_COMPILE_CACHED] = {"build + first run (cached)", "ms", 1},
};

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	if (n <= 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void cell(double v, int wrong)
{
	if (isnan(v))
		printf(" %14s", "-");
	else
		printf(" %13.*f%s",
		       v >= 100	 ? 0
		       : v >= 10 ? 1
				 : 2,
		       v, wrong ? "!" : " ");
}

/* The host's 1-minute load average: timings on a busy host mislead. */
static double loadavg(void)
{
	double l = NAN;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = NAN;
		fclose(f);
	}
	return l;
}

static void print_table(const struct bench_cfg *cfg, struct bench_col *cols,
			int ncols, int have_native)
{
	int np = ncols - have_native; /* platform columns */

	printf("\nhmmcl-bench%s: medians of %d runs; vectors %zu floats, "
	       "matmul %zux%zu, atomics %zu items\n",
	       cfg->quick ? " --quick" : "", cfg->reps, cfg->n_stream,
	       cfg->n_matmul, cfg->n_matmul, cfg->n_atomics);
	printf("host load average %.2f (timings on a busy host mislead)\n",
	       loadavg());
	for (int c = 0; c < ncols; c++)
		printf("  [%c] %s\n", 'A' + c, cols[c].name);
	printf("%-38s %-9s", "metric", "unit");
	for (int c = 0; c < ncols; c++)
		printf(" %14c", 'A' + c);
	if (np == 2)
		printf(" %14s", "speedup A/B");
	if (have_native)
		printf(" %14s", "A % of native");
	printf("\n");
	for (int m = 0; m < M_COUNT; m++) {
		const struct bench_col *a = &cols[0], *b = &cols[1];
		const struct bench_col *nat = &cols[ncols - 1];

		printf("%-38s %-9s", rows[m].name, rows[m].unit);
		for (int c = 0; c < ncols; c++)
			cell(cols[c].v[m], cols[c].wrong[m]);
		if (np == 2)
			cell(rows[m].lower_better ? b->v[m] / a->v[m]
						  : a->v[m] / b->v[m],
			     0);
		if (have_native)
			cell(rows[m].lower_better ? NAN
						  : 100 * a->v[m] / nat->v[m],
			     0);
		printf("\n");
	}
	printf("(! = result check failed; speedup > 1: A is faster)\n");
}

static void configure(struct bench_cfg *cfg)
{
	if (cfg->quick) {
		*cfg = (struct bench_cfg){.quick = 1,
					  .n_stream = 1 << 18,
					  .n_matmul = 64,
					  .n_atomics = 1 << 16,
					  .reps = 3,
					  .launches = 50};
	} else {
		*cfg = (struct bench_cfg){.n_stream = 1 << 23,
					  .n_matmul = 512,
					  .n_atomics = 1 << 22,
					  .reps = 9,
					  .launches = 2000};
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: hmmcl-bench [--platform NAME] [--both] "
			"[--quick] [--no-native]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *plats[2] = {"", NULL};
	int nplat = 1, native = 1, st = 0;
	struct bench_cfg cfg = {0};
	struct bench_col cols[3];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--platform") && i + 1 < argc)
			plats[0] = argv[++i], nplat = 1;
		else if (!strcmp(argv[i], "--both"))
			plats[0] = "hmmcl", plats[1] = "Portable", nplat = 2;
		else if (!strcmp(argv[i], "--quick"))
			cfg.quick = 1;
		else if (!strcmp(argv[i], "--no-native"))
			native = 0;
		else
			return usage();
	}
	configure(&cfg);
	memset(cols, 0, sizeof(cols));
	for (int p = 0; p < nplat; p++) {
		int r = bench_cl(&cfg, plats[p], &cols[p]);

		if (r == 77) {
			snprintf(cols[p].name, sizeof(cols[p].name),
				 "(no platform matching \"%s\")", plats[p]);
			if (nplat == 1) {
				printf("SKIP: no OpenCL platform matching "
				       "\"%s\"\n",
				       plats[p]);
				return 77;
			}
		} else if (r) {
			st = 1;
		}
		for (int m = 0; m < M_COUNT; m++)
			st |= cols[p].wrong[m];
	}
	if (native)
		bench_native(&cfg, &cols[nplat]);
	print_table(&cfg, cols, nplat + native, native);
	return st;
}
