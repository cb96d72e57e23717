/* Helpers shared by the engine tests. */
#ifndef HMMCL_ENGINE_TEST_H
#define HMMCL_ENGINE_TEST_H

#include "engine.h"
#include "harness.h"

static inline hx_ndrange nd_make(unsigned dims, const uint64_t *gsz,
				 const uint64_t *lsz, const uint64_t *off)
{
	hx_ndrange nd;

	memset(&nd, 0, sizeof(nd));
	nd.work_dim = dims;
	for (unsigned d = 0; d < 3; d++) {
		nd.global_size[d] = d < dims ? gsz[d] : 1;
		nd.local_size[d] = d < dims && lsz ? lsz[d] : 1;
		nd.global_offset[d] = d < dims && off ? off[d] : 0;
	}
	return nd;
}

static inline int run_kernel(hx_engine *e, hx_entry_fn fn, uint32_t flags,
			     void *const *args, const hx_ndrange *nd,
			     uint64_t local_bytes, struct hx_run_result *res)
{
	hx_kernel_code code = {.entry = fn, .flags = flags};
	struct hx_launch l = {
	    .code = &code, .args = args, .nd = nd, .local_bytes = local_bytes};

	return hx_engine_run(e, &l, res);
}

/* Global id of the item a loop-mode entry runs. */
static inline uint64_t gid(const hx_group *g, unsigned d, uint64_t lid)
{
	return g->nd->global_offset[d] + g->group_id[d] * g->nd->local_size[d] +
	       lid;
}

#endif
