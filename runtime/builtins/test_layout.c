/* The OpenCL C mirror of the kernel ABI (hx_group_cl.h, compiled by clang
 * into layout_probe.o) against kernel_abi.h, and the embedded bitcode. */
#include <stddef.h>
#include <stdint.h>

#include "builtins.h"
#include "harness.h"
#include "kernel_abi.h"

extern const uint64_t hx_layout_probe[];

TEST(ndrange_offsets)
{
	CHECK_EQ(hx_layout_probe[0], sizeof(hx_ndrange));
	CHECK_EQ(hx_layout_probe[1], offsetof(hx_ndrange, work_dim));
	CHECK_EQ(hx_layout_probe[2], offsetof(hx_ndrange, global_offset));
	CHECK_EQ(hx_layout_probe[3], offsetof(hx_ndrange, global_size));
	CHECK_EQ(hx_layout_probe[4], offsetof(hx_ndrange, local_size));
	CHECK_EQ(hx_layout_probe[5], offsetof(hx_ndrange, num_groups));
}

TEST(group_offsets)
{
	CHECK_EQ(hx_layout_probe[6], sizeof(hx_group));
	CHECK_EQ(hx_layout_probe[7], offsetof(hx_group, nd));
	CHECK_EQ(hx_layout_probe[8], offsetof(hx_group, rt));
	CHECK_EQ(hx_layout_probe[9], offsetof(hx_group, group_id));
	CHECK_EQ(hx_layout_probe[10], offsetof(hx_group, local_size));
	CHECK_EQ(hx_layout_probe[11], offsetof(hx_group, local_id));
	CHECK_EQ(hx_layout_probe[12], offsetof(hx_group, local_mem));
	CHECK_EQ(hx_layout_probe[13], offsetof(hx_group, wg_scratch));
	CHECK_EQ(hx_layout_probe[14], offsetof(hx_group, engine));
	CHECK_EQ(hx_layout_probe[15], offsetof(hx_group, local_mem_size));
	CHECK_EQ(hx_layout_probe[16], offsetof(hx_group, private_lo));
	CHECK_EQ(hx_layout_probe[17], offsetof(hx_group, private_hi));
}

/* Both dialects are embedded as LLVM bitcode (magic "BC\xC0\xDE"). */
TEST(bitcode_embedded)
{
	size_t size = 1;
	for (int dialect = 12; dialect <= 30; dialect += 18) {
		const unsigned char *bc = hx_builtins_bitcode(dialect, &size);
		CHECK(bc != NULL);
		CHECK(size > 100000);
		CHECK(bc[0] == 'B' && bc[1] == 'C' && bc[2] == 0xC0 &&
		      bc[3] == 0xDE);
	}
	CHECK(hx_builtins_bitcode(20, &size) == NULL);
	CHECK_EQ(size, 0);
}
