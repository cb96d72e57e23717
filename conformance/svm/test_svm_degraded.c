/* Without userfaultfd (HMMCL_HMM_NO_UFFD=1: the backend's degraded mode)
 * pages cannot leave system memory: a migration is a hint, so it completes,
 * moves nothing, counts nothing, and every byte stays where it was. */
#include "svm_util.h"

TEST(migration_is_a_hint_that_moves_nothing)
{
	struct svm_env e = svm_open(1);
	unsigned char *p = clSVMAlloc(e.ctx, 0, 8 * PAGE, 0);
	cl_svm_statistics_hmm s;
	size_t i;

	CHECK(p != NULL);
	for (i = 0; i < 8 * PAGE; i++)
		p[i] = (unsigned char)(i * 3);
	svm_migrate(&e, 0, p, 0, 0);
	svm_migrate(&e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED);
	svm_migrate(&e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	s = svm_stats(&e, 0);
	CHECK_EQ(s.pages_to_device, 0);
	CHECK_EQ(s.pages_to_host, 0);
	CHECK_EQ(s.cpu_faults, 0);
	for (i = 0; i < 8 * PAGE; i++)
		CHECK_EQ(p[i], (unsigned char)(i * 3));
	clSVMFree(e.ctx, p);
	svm_close(&e);
}
