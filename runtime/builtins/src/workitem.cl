/* Work-item functions: everything comes from __hx_group() and
 * __hx_local_id(); an out-of-range dimension returns the spec's value
 * (0 for ids and offsets, 1 for sizes and counts). */
#include "hx_lib.h"

OVL uint get_work_dim(void)
{
	/* work_dim and the reserved word after it, as one 8-byte read. */
	return (uint)HX_RD(hx_nd()->work_dim);
}

OVL size_t get_global_size(uint d)
{
	return d < 3 ? HX_RD(hx_nd()->global_size[d]) : 1;
}

OVL size_t get_global_offset(uint d)
{
	return d < 3 ? HX_RD(hx_nd()->global_offset[d]) : 0;
}

OVL size_t get_local_size(uint d)
{
	return d < 3 ? HX_RD(hx_grp()->local_size[d]) : 1;
}

OVL size_t get_enqueued_local_size(uint d)
{
	return d < 3 ? HX_RD(hx_nd()->local_size[d]) : 1;
}

OVL size_t get_num_groups(uint d)
{
	return d < 3 ? HX_RD(hx_nd()->num_groups[d]) : 1;
}

OVL size_t get_group_id(uint d)
{
	return d < 3 ? HX_RD(hx_grp()->group_id[d]) : 0;
}

OVL size_t get_local_id(uint d)
{
	return d < 3 ? __hx_local_id(d) : 0;
}

/* Groups start at multiples of the enqueued size, also when the last
 * group of a non-uniform NDRange is short. */
OVL size_t get_global_id(uint d)
{
	if (d >= 3)
		return 0;
	return HX_RD(hx_grp()->group_id[d]) * HX_RD(hx_nd()->local_size[d]) +
	       __hx_local_id(d) + HX_RD(hx_nd()->global_offset[d]);
}

OVL size_t get_global_linear_id(void)
{
	__private const hx_ndrange_cl *nd = hx_nd();
	size_t id0 = get_global_id(0) - HX_RD(nd->global_offset[0]);
	size_t id1 = get_global_id(1) - HX_RD(nd->global_offset[1]);
	size_t id2 = get_global_id(2) - HX_RD(nd->global_offset[2]);
	return (id2 * HX_RD(nd->global_size[1]) + id1) * HX_RD(nd->global_size[0]) + id0;
}

OVL size_t get_local_linear_id(void)
{
	__private const hx_group_cl *g = hx_grp();
	return (__hx_local_id(2) * HX_RD(g->local_size[1]) + __hx_local_id(1)) *
		       HX_RD(g->local_size[0]) +
	       __hx_local_id(0);
}
