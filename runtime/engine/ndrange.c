/* NDRange checks and the automatic local size. */
#include "engine_internal.h"

int hx_ndrange_finish(hx_ndrange *nd)
{
	if (nd->work_dim < 1 || nd->work_dim > HX_MAX_DIMS)
		return -53; /* CL_INVALID_WORK_DIMENSION */
	for (unsigned d = 0; d < HX_MAX_DIMS; d++) {
		if (d >= nd->work_dim) {
			nd->global_size[d] = nd->local_size[d] = 1;
			nd->global_offset[d] = 0;
		}
		if (!nd->local_size[d])
			return -54; /* CL_INVALID_WORK_GROUP_SIZE */
		if (nd->global_size[d] + nd->global_offset[d] <
		    nd->global_size[d])
			return -56; /* CL_INVALID_GLOBAL_OFFSET */
		nd->num_groups[d] =
		    nd->global_size[d] / nd->local_size[d] +
		    (nd->global_size[d] % nd->local_size[d] != 0);
	}
	return 0;
}

/* Largest divisor of n that is <= limit and keeps at least min_groups
 * groups (other_groups of them come from the other dimensions); among
 * those, multiples of 16, then 8, win. Falls back to the largest. */
static uint64_t pick_dim(uint64_t n, uint64_t limit, uint64_t other_groups,
			 uint64_t min_groups)
{
	uint64_t best = 1;
	int best_key = -1;

	for (uint64_t l = 1; l <= n && l <= limit; l++) {
		int key;

		if (n % l)
			continue;
		key = (other_groups * (n / l) >= min_groups) * 4 +
		      (l % 16 == 0 ? 2 : l % 8 == 0);
		if (key >= best_key) {
			best_key = key;
			best = l;
		}
	}
	return best;
}

void hx_engine_pick_local_size(hx_ndrange *nd, uint64_t max_wg,
			       unsigned nthreads)
{
	uint64_t budget = max_wg && max_wg < HX_MAX_WORK_GROUP_SIZE
			      ? max_wg
			      : HX_MAX_WORK_GROUP_SIZE;
	uint64_t min_groups = 4 * (uint64_t)(nthreads ? nthreads : 1);
	uint64_t groups = 1;

	for (unsigned d = 0; d < HX_MAX_DIMS; d++) {
		if (d >= nd->work_dim || !nd->global_size[d]) {
			nd->local_size[d] = 1;
			continue;
		}
		groups *= nd->global_size[d];
	}
	/* groups now counts items; each dimension divides it by its size. */
	for (unsigned d = 0; d < nd->work_dim && d < HX_MAX_DIMS; d++) {
		uint64_t n = nd->global_size[d], others;

		if (!n)
			continue;
		others = groups / n;
		nd->local_size[d] = pick_dim(n, budget, others, min_groups);
		budget /= nd->local_size[d];
		groups = others * (n / nd->local_size[d]);
	}
	hx_ndrange_finish(nd);
}

const char *hx_run_error_name(enum hx_run_error err)
{
	switch (err) {
	case HX_RUN_OK:
		return "ok";
	case HX_RUN_FAULT:
		return "device fault";
	case HX_RUN_DIVERGENT_BARRIER:
		return "divergent barrier";
	case HX_RUN_BAD_BARRIER:
		return "barrier in a work-group loop kernel";
	case HX_RUN_PRINTF_OVERFLOW:
		return "printf buffer overflow";
	case HX_RUN_LOCAL_MEM:
		return "local memory beyond the device limit";
	case HX_RUN_WG_SIZE:
		return "work-group size beyond the maximum";
	case HX_RUN_BAD_NDRANGE:
		return "invalid NDRange";
	case HX_RUN_NO_MEMORY:
		return "out of host memory";
	}
	return "unknown";
}
