/* Offsets and sizes of the OpenCL C mirror as clang lays it out for the
 * device, exported for test_layout.c. Order matters: see test_layout.c. */
#include "hx_group_cl.h"

#define OFF(T, f) __builtin_offsetof(T, f)

__constant ulong hx_layout_probe[] = {
	sizeof(hx_ndrange_cl),
	OFF(hx_ndrange_cl, work_dim),
	OFF(hx_ndrange_cl, global_offset),
	OFF(hx_ndrange_cl, global_size),
	OFF(hx_ndrange_cl, local_size),
	OFF(hx_ndrange_cl, num_groups),
	sizeof(hx_group_cl),
	OFF(hx_group_cl, nd),
	OFF(hx_group_cl, rt),
	OFF(hx_group_cl, group_id),
	OFF(hx_group_cl, local_size),
	OFF(hx_group_cl, local_id),
	OFF(hx_group_cl, local_mem),
	OFF(hx_group_cl, wg_scratch),
	OFF(hx_group_cl, engine),
	OFF(hx_group_cl, local_mem_size),
	OFF(hx_group_cl, private_lo),
	OFF(hx_group_cl, private_hi),
};
