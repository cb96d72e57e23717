/* cl_hmm_svm_advise: every advice and its effect, measured with
 * clGetSVMStatisticsHMM and clGetSVMResidencyHMM; the residency query;
 * thrashing protection; every error code. Kernels run mirrored (a
 * sentinel page stays on device 0). Run with HMMCL_SVM_THRASH_COUNT=3 and
 * window and pin of 60 s (CMakeLists.txt). */
#include "advise_util.h"

#include <sys/mman.h>

#define PAGES 16
#define N (PAGES * PAGE / sizeof(int))

static int *buffer(struct adv_env *a, int seed)
{
	int *p = clSVMAlloc(a->e.ctx, 0, PAGES * PAGE, 0);

	CHECK(p != NULL);
	for (size_t i = 0; i < N; i++)
		p[i] = seed + (int)i;
	return p;
}

static void check_buffer(const int *p, int seed)
{
	for (size_t i = 0; i < N; i++)
		CHECK_EQ(p[i], seed + (int)i);
}

TEST(extension_listed_and_functions_found)
{
	struct adv_env a = adv_open(1, 0);
	char ext[4096];

	CHECK_CL(clGetDeviceInfo(a.e.dev[0], CL_DEVICE_EXTENSIONS, sizeof(ext),
				 ext, NULL));
	CHECK(strstr(ext, "cl_hmm_svm_advise") != NULL);
	adv_close(&a);
}

TEST(residency_follows_migrations_and_faults_nothing)
{
	struct adv_env a = adv_open(1, 0);
	int *p = buffer(&a, 1);
	cl_device_id loc[PAGES + 1];
	cl_svm_statistics_hmm s0, s1;
	size_t n = 0;

	/* Pages 2, 3 and 4 (a range from inside page 2, 2 pages + 8 long). */
	svm_migrate(&a.e, 0, (char *)p + 2 * PAGE + 100, 2 * PAGE + 8, 0);
	s0 = svm_stats(&a.e, 0);
	CHECK_CL(a.residency(a.e.ctx, p, PAGES * PAGE, PAGES + 1, loc, &n));
	CHECK_EQ(n, (size_t)PAGES);
	for (size_t i = 0; i < PAGES; i++)
		CHECK(loc[i] == (i >= 2 && i <= 4 ? a.e.dev[0] : NULL));
	/* The query moved nothing and faulted nothing. */
	s1 = svm_stats(&a.e, 0);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	CHECK_DELTA(s0, s1, pages_to_host, 0);
	CHECK_DELTA(s0, s1, device_faults, 0);
	/* Size only; an unaligned range counts every page it touches. */
	CHECK_CL(a.residency(a.e.ctx, (char *)p + PAGE - 1, 2, 0, NULL, &n));
	CHECK_EQ(n, (size_t)2);
	/* A host read brings page 3 home (one page per fault here). */
	CHECK_EQ(p[3 * PAGE / sizeof(int)], 1 + (int)(3 * PAGE / sizeof(int)));
	CHECK_EQ(adv_count(&a, p, PAGES, a.e.dev[0]), (size_t)2);
	CHECK_CL(
	    a.residency(a.e.ctx, (char *)p + 3 * PAGE, PAGE, 1, loc, NULL));
	CHECK(loc[0] == NULL);
	check_buffer(p, 1);
	CHECK_EQ(adv_count(&a, p, PAGES, NULL), (size_t)PAGES);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

TEST(residency_errors)
{
	struct adv_env a = adv_open(1, 0);
	int *p = buffer(&a, 1);
	cl_device_id loc[PAGES];
	size_t n = 0;
	void *gone;

	CHECK_ERR(a.residency(NULL, p, PAGE, 1, loc, &n), CL_INVALID_CONTEXT);
	CHECK_ERR(a.residency((cl_context)a.e.q[0], p, PAGE, 1, loc, &n),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(a.residency(a.e.ctx, NULL, PAGE, 1, loc, &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(a.residency(a.e.ctx, p, 0, 1, loc, &n), CL_INVALID_VALUE);
	CHECK_ERR(a.residency(a.e.ctx, p, PAGE, 1, NULL, NULL),
		  CL_INVALID_VALUE);
	/* Two pages, room for one. */
	CHECK_ERR(a.residency(a.e.ctx, p, 2 * PAGE, 1, loc, &n),
		  CL_INVALID_VALUE);
	/* Beyond the allocation's end. */
	CHECK_ERR(a.residency(a.e.ctx, p, PAGES * PAGE + 1, PAGES, loc, &n),
		  CL_INVALID_VALUE);
	/* Memory that is not mapped is no SVM memory. */
	gone = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(gone != MAP_FAILED);
	munmap(gone, PAGE);
	CHECK_ERR(a.residency(a.e.ctx, gone, PAGE, 1, loc, &n),
		  CL_INVALID_VALUE);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

TEST(advise_errors)
{
	struct adv_env a = adv_open(1, 0);
	int *p = buffer(&a, 1);
	cl_event ev;

	CHECK_ERR(a.advise(NULL, p, PAGE, CL_SVM_ADVICE_SET_READ_MOSTLY_HMM, 0,
			   NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(a.advise((cl_command_queue)a.e.ctx, p, PAGE,
			   CL_SVM_ADVICE_SET_READ_MOSTLY_HMM, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(a.advise(a.e.q[0], NULL, PAGE,
			   CL_SVM_ADVICE_SET_READ_MOSTLY_HMM, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(a.advise(a.e.q[0], p, 0, CL_SVM_ADVICE_SET_READ_MOSTLY_HMM, 0,
			   NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(a.advise(a.e.q[0], p, PAGE, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(a.advise(a.e.q[0], p, PAGE, CL_COMMAND_SVM_ADVISE_HMM, 0,
			   NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(a.advise(a.e.q[0], p, PAGES * PAGE + 1,
			   CL_SVM_ADVICE_SET_READ_MOSTLY_HMM, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(a.advise(a.e.q[0], p, PAGE, CL_SVM_ADVICE_SET_READ_MOSTLY_HMM,
			   1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(a.advise(a.e.q[0], p, PAGE, CL_SVM_ADVICE_SET_READ_MOSTLY_HMM,
			   0, &ev, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

/* Without advice a device fault on a system page is remote access. */
TEST(default_is_remote_access)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10);
	cl_svm_statistics_hmm s0, s1;

	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 0);
	/* p[i] += 1 on a system page: a read fault, then a write upgrade. */
	CHECK_DELTA(s0, s1, device_faults, 2 * PAGES);
	CHECK_EQ(adv_count(&a, p, PAGES, NULL), (size_t)PAGES);
	check_buffer(p, 11);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

TEST(preferred_device_migrates_on_first_touch)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10);
	cl_svm_statistics_hmm s0, s1;

	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	/* Every page went to the device with its data, no CPU fault. */
	CHECK_DELTA(s0, s1, pages_to_device, PAGES);
	CHECK_DELTA(s0, s1, bytes_to_device, PAGES * PAGE);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	/* 16 pages in at most two 64 KiB blocks, each one miss and one
	 * FAULT that maps the whole block. */
	CHECK(s1.device_faults - s0.device_faults <= 4);
	CHECK_EQ(adv_count(&a, p, PAGES, a.e.dev[0]), (size_t)PAGES);
	/* A second launch finds them there: nothing moves. */
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s0 = svm_stats(&a.e, 0);
	CHECK_DELTA(s1, s0, pages_to_device, 0);
	CHECK_DELTA(s1, s0, cpu_faults, 0);
	/* The host reads the results (they fault home, intact). */
	check_buffer(p, 12);
	CHECK_EQ(adv_count(&a, p, PAGES, NULL), (size_t)PAGES);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

TEST(preferred_host_and_unset_keep_remote_access)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10), *q = buffer(&a, 20);
	cl_svm_statistics_hmm s0, s1;

	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_HOST_HMM);
	adv_set(&a, 0, q, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	adv_set(&a, 0, q, PAGES * PAGE,
		CL_SVM_ADVICE_UNSET_PREFERRED_LOCATION_HMM);
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	CHECK_EQ(adv_inc(&a, 0, q, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 0);
	CHECK_EQ(adv_count(&a, p, PAGES, NULL), (size_t)PAGES);
	CHECK_EQ(adv_count(&a, q, PAGES, NULL), (size_t)PAGES);
	/* Preferred host then device: the last advice wins. */
	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	CHECK_EQ(adv_count(&a, p, PAGES, a.e.dev[0]), (size_t)PAGES);
	check_buffer(p, 12);
	check_buffer(q, 21);
	clSVMFree(a.e.ctx, p);
	clSVMFree(a.e.ctx, q);
	adv_close(&a);
}

/* Advice on part of a buffer: only those pages move. */
TEST(preferred_device_on_a_subrange_moves_only_it)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10);
	cl_device_id loc[PAGES];

	adv_set(&a, 0, (char *)p + 4 * PAGE, 3 * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	CHECK_CL(a.residency(a.e.ctx, p, PAGES * PAGE, PAGES, loc, NULL));
	for (size_t i = 0; i < PAGES; i++)
		CHECK(loc[i] == (i >= 4 && i < 7 ? a.e.dev[0] : NULL));
	check_buffer(p, 11);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

TEST(accessed_by_maps_ahead_and_never_migrates)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10);
	cl_svm_statistics_hmm s0, s1;

	/* Accessed-by wins over a preferred location of the same device. */
	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	adv_set(&a, 0, p, PAGES * PAGE, CL_SVM_ADVICE_SET_ACCESSED_BY_HMM);
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	/* Mapped at advice time: the kernel misses nothing. */
	CHECK_DELTA(s0, s1, device_faults, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 0);
	CHECK_EQ(adv_count(&a, p, PAGES, NULL), (size_t)PAGES);
	check_buffer(p, 11);
	/* Unset: the device faults again, and the preferred location now
	 * moves the pages. */
	adv_set(&a, 0, p, PAGES * PAGE, CL_SVM_ADVICE_UNSET_ACCESSED_BY_HMM);
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	CHECK(s1.device_faults - s0.device_faults >= 1);
	CHECK_DELTA(s0, s1, pages_to_device, PAGES);
	check_buffer(p, 12);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

/* Accessed-by survives invalidations: a later launch maps it again before
 * the kernel runs. */
TEST(accessed_by_mapped_again_after_invalidation)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10), *other = buffer(&a, 0);
	cl_svm_statistics_hmm s0, s1;

	adv_set(&a, 0, p, PAGES * PAGE, CL_SVM_ADVICE_SET_ACCESSED_BY_HMM);
	/* A migration drops every translation. */
	svm_migrate(&a.e, 0, other, 0, 0);
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	/* One FAULT call at launch for the 16 pages, none in the kernel. */
	CHECK_DELTA(s0, s1, device_faults, 1);
	check_buffer(p, 11);
	clSVMFree(a.e.ctx, p);
	clSVMFree(a.e.ctx, other);
	adv_close(&a);
}

TEST(read_mostly_is_never_migrated_by_a_device)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10);
	cl_svm_statistics_hmm s0, s1;

	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	adv_set(&a, 0, p, PAGES * PAGE, CL_SVM_ADVICE_SET_READ_MOSTLY_HMM);
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 0);
	CHECK_EQ(adv_count(&a, p, PAGES, NULL), (size_t)PAGES);
	/* The host reads it in place: no CPU fault. */
	check_buffer(p, 11);
	CHECK_DELTA(s0, svm_stats(&a.e, 0), cpu_faults, 0);
	/* An explicit migration is still honoured. */
	svm_migrate(&a.e, 0, p, 0, 0);
	CHECK_EQ(adv_count(&a, p, PAGES, a.e.dev[0]), (size_t)PAGES);
	svm_migrate(&a.e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	/* Unset: the preferred location acts again. */
	adv_set(&a, 0, p, PAGES * PAGE, CL_SVM_ADVICE_UNSET_READ_MOSTLY_HMM);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	CHECK_EQ(adv_count(&a, p, PAGES, a.e.dev[0]), (size_t)PAGES);
	check_buffer(p, 12);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

/* A page the kernel pulls in and the host takes back, again and again,
 * is pinned home after HMMCL_SVM_THRASH_COUNT (3) returns; explicit
 * migrations still move it. */
TEST(thrashing_page_is_pinned_home)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10);
	cl_svm_statistics_hmm s0, s1;
	int round;

	adv_set(&a, 0, p, PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	for (round = 0; round < 3; round++) {
		CHECK_EQ(adv_inc(&a, 0, p, PAGE / sizeof(int)), CL_COMPLETE);
		CHECK_EQ(adv_count(&a, p, 1, a.e.dev[0]), (size_t)1);
		p[5] += 100; /* the host takes it back */
		CHECK_EQ(adv_count(&a, p, 1, NULL), (size_t)1);
	}
	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, PAGE / sizeof(int)), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	/* Pinned: remote access, nothing moved. */
	CHECK_DELTA(s0, s1, pages_to_device, 0);
	CHECK_EQ(adv_count(&a, p, 1, NULL), (size_t)1);
	svm_migrate(&a.e, 0, p, PAGE, 0);
	CHECK_EQ(adv_count(&a, p, 1, a.e.dev[0]), (size_t)1);
	for (size_t i = 0; i < PAGE / sizeof(int); i++)
		CHECK_EQ(p[i], 10 + (int)i + 4 + (i == 5 ? 300 : 0));
	for (size_t i = PAGE / sizeof(int); i < N; i++)
		CHECK_EQ(p[i], 10 + (int)i);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}

TEST(advice_goes_with_the_allocation)
{
	struct adv_env a = adv_open(1, 1);
	int *p = buffer(&a, 10), *q;

	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	clSVMFree(a.e.ctx, p);
	q = buffer(&a, 10);
	if (q != p)
		SKIP("the allocator did not reuse the addresses");
	CHECK_EQ(adv_inc(&a, 0, q, N), CL_COMPLETE);
	CHECK_EQ(adv_count(&a, q, PAGES, NULL), (size_t)PAGES);
	clSVMFree(a.e.ctx, q);
	adv_close(&a);
}

/* Plain malloc memory (fine-grain system SVM): advice on it rounds
 * inward, and a preferred location moves it on first touch as well. */
TEST(preferred_device_on_malloc_memory)
{
	struct adv_env a = adv_open(1, 1);
	cl_device_svm_capabilities caps = 0;
	int *p = NULL;

	CHECK_CL(clGetDeviceInfo(a.e.dev[0], CL_DEVICE_SVM_CAPABILITIES,
				 sizeof(caps), &caps, NULL));
	if (!(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM))
		SKIP("no fine-grain system SVM");
	CHECK_EQ(posix_memalign((void **)&p, PAGE, PAGES * PAGE), 0);
	for (size_t i = 0; i < N; i++)
		p[i] = 30 + (int)i;
	/* One byte short of the last page: 15 whole pages inside. */
	adv_set(&a, 0, p, PAGES * PAGE - 1,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	CHECK_EQ(adv_count(&a, p, PAGES - 1, a.e.dev[0]), (size_t)PAGES - 1);
	CHECK_EQ(adv_count(&a, (char *)p + (PAGES - 1) * PAGE, 1, NULL),
		 (size_t)1);
	check_buffer(p, 31);
	CHECK_EQ(adv_count(&a, p, PAGES, NULL), (size_t)PAGES);
	free(p);
	adv_close(&a);
}

/* With no page on any device kernels run direct (no device fault at
 * all); a preferred device location makes them run mirrored, so that
 * their first touch can move the pages. */
TEST(preferred_device_alone_makes_kernels_mirrored)
{
	struct adv_env a = adv_open(1, 2); /* no sentinel page */
	int *p = buffer(&a, 10);
	cl_svm_statistics_hmm s0, s1;

	s0 = svm_stats(&a.e, 0);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	CHECK_DELTA(s0, s1, device_faults, 0);
	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s0 = svm_stats(&a.e, 0);
	CHECK(s0.device_faults > s1.device_faults);
	CHECK_DELTA(s1, s0, pages_to_device, PAGES);
	CHECK_EQ(adv_count(&a, p, PAGES, a.e.dev[0]), (size_t)PAGES);
	/* Unset, and everything home: direct again. */
	adv_set(&a, 0, p, PAGES * PAGE,
		CL_SVM_ADVICE_UNSET_PREFERRED_LOCATION_HMM);
	check_buffer(p, 12);
	CHECK_EQ(adv_inc(&a, 0, p, N), CL_COMPLETE);
	s1 = svm_stats(&a.e, 0);
	CHECK_DELTA(s0, s1, device_faults, 0);
	check_buffer(p, 13);
	clSVMFree(a.e.ctx, p);
	adv_close(&a);
}
