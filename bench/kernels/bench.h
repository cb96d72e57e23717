/* hmmcl-bench: one table of kernel figures for OpenCL platforms and the
 * native C reference on the same cores. */
#ifndef HMMCL_BENCH_H
#define HMMCL_BENCH_H

#include <stddef.h>
#include <stdint.h>

enum metric {
	M_LAUNCH,	  /* us, median enqueue+finish of an empty kernel */
	M_LAUNCH_ARG,	  /* the same with one (unused) buffer argument */
	M_ENQUEUE,	  /* kernels/s */
	M_VADD,		  /* GB/s */
	M_SAXPY,	  /* GB/s */
	M_REDUCE,	  /* GB/s, local-memory tree with barriers */
	M_MM_NAIVE,	  /* GFLOP/s */
	M_MM_TILED,	  /* GFLOP/s */
	M_ATOMICS,	  /* Mops/s on one contended counter */
	M_COMPILE_COLD,	  /* ms */
	M_COMPILE_CACHED, /* ms */
	M_COUNT
};

struct bench_cfg {
	int quick;
	size_t n_stream;  /* floats per vector for vadd/saxpy/reduce */
	size_t n_matmul;  /* matrix order */
	size_t n_atomics; /* work-items in the atomics kernel */
	int reps;	  /* timed repetitions (median) */
	int launches;	  /* empty-kernel launches */
};

/* One column of the table. NAN: not measured. */
struct bench_col {
	char name[96];
	double v[M_COUNT];
	int wrong[M_COUNT]; /* result check failed */
};

extern const char *const bench_source;

double bench_now(void);
double bench_median(double *v, int n);
/* Runs every OpenCL figure on the platform whose name or vendor contains
 * 'match' (case-insensitive). Returns 0, or 77 when there is none. */
int bench_cl(const struct bench_cfg *cfg, const char *match,
	     struct bench_col *out);
void bench_native(const struct bench_cfg *cfg, struct bench_col *out);

#endif
