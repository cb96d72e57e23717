/* OpenCL C mirror of hx_ndrange and hx_group (runtime/engine/kernel_abi.h).
 * Pointer fields are ulong so that the layout does not depend on the
 * address-space map. test_layout.c compiles this header with clang and
 * checks every offset against the C definitions. */
#ifndef HX_GROUP_CL_H
#define HX_GROUP_CL_H

#define HX_MAX_DIMS 3

typedef struct hx_ndrange_cl {
	uint work_dim;
	uint reserved;
	ulong global_offset[HX_MAX_DIMS];
	ulong global_size[HX_MAX_DIMS];
	ulong local_size[HX_MAX_DIMS]; /* enqueued local size */
	ulong num_groups[HX_MAX_DIMS];
} hx_ndrange_cl;

typedef struct hx_group_cl {
	ulong nd; /* const hx_ndrange * */
	ulong rt; /* const hx_rt * */
	ulong group_id[HX_MAX_DIMS];
	ulong local_size[HX_MAX_DIMS]; /* this group's size */
	ulong local_id[HX_MAX_DIMS]; /* per-item mode only: use __hx_local_id */
	ulong local_mem;	     /* char * */
	ulong wg_scratch;	     /* char *: 16 bytes per item + 64 */
	ulong engine;
	ulong local_mem_size; /* bytes of __local memory at local_mem */
	ulong private_lo;     /* [private_lo, private_hi): where the running */
	ulong private_hi;     /* item's __private objects may live */
} hx_group_cl;

#endif
