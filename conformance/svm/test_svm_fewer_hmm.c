/* Two OpenCL devices, but the backend told to emulate only one
 * (HMMCL_HMM_DEVICES overrides HMMCL_DEVICES): device 1 has no device
 * memory, so migrations to it complete and move nothing, and its counters
 * stay 0, while device 0 works as usual. */
#include "svm_util.h"

TEST(device_without_memory_moves_nothing)
{
	struct svm_env e = svm_open(2);
	unsigned char *p = clSVMAlloc(e.ctx, 0, 4 * PAGE, 0);
	cl_svm_statistics_hmm s;
	size_t i;

	svm_require_migration();
	CHECK(p != NULL);
	for (i = 0; i < 4 * PAGE; i++)
		p[i] = (unsigned char)(i + 1);
	svm_migrate(&e, 1, p, 0, 0);
	s = svm_stats(&e, 1);
	CHECK_EQ(s.pages_to_device, 0);
	CHECK_EQ(svm_stats(&e, 0).pages_to_device, 0);
	svm_migrate(&e, 0, p, 0, 0);
	CHECK_EQ(svm_stats(&e, 0).pages_to_device, 4);
	for (i = 0; i < 4 * PAGE; i++)
		CHECK_EQ(p[i], (unsigned char)(i + 1));
	clSVMFree(e.ctx, p);
	svm_close(&e);
}
