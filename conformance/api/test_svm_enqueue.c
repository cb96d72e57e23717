/* The SVM enqueue calls: clEnqueueSVMMemcpy, MemFill, Map/Unmap, Free and
 * MigrateMem — data verified, every spec error path, event command types
 * and ordering behind user events. */
#include "cl_util.h"
#include "harness.h"

struct env {
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
};

static struct env env_open(void)
{
	struct env e;

	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev, 0);
	return e;
}

static void env_close(struct env *e)
{
	CHECK_CL(clFinish(e->q));
	CHECK_CL(clReleaseCommandQueue(e->q));
	CHECK_CL(clReleaseContext(e->ctx));
}

static cl_command_type event_type(cl_event ev)
{
	cl_command_type t = 0;

	CHECK_CL(
	    clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL));
	return t;
}

static cl_int event_status(cl_event ev)
{
	cl_int s = 0;

	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(s), &s, NULL));
	return s;
}

/* Waits for ev, checks its type and releases it. */
static void finish_event(cl_event ev, cl_command_type type)
{
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_EQ(event_type(ev), type);
	CHECK_EQ(event_status(ev), CL_COMPLETE);
	CHECK_CL(clReleaseEvent(ev));
}

static void *svm(struct env *e, size_t n)
{
	void *p = clSVMAlloc(e->ctx, 0, n, 0);

	CHECK(p != NULL);
	return p;
}

/* ---- clEnqueueSVMMemcpy ---- */

TEST(memcpy_blocking_all_directions)
{
	struct env e = env_open();
	unsigned char *a = svm(&e, 4096), *b = svm(&e, 4096);
	unsigned char host[4096], back[4096];
	cl_event ev;
	int i;

	for (i = 0; i < 4096; i++)
		host[i] = (unsigned char)(i * 13 + 5);
	/* host -> svm, svm -> svm, svm -> host */
	CHECK_CL(clEnqueueSVMMemcpy(e.q, CL_TRUE, a, host, 4096, 0, NULL, &ev));
	CHECK_EQ(event_status(ev), CL_COMPLETE);
	finish_event(ev, CL_COMMAND_SVM_MEMCPY);
	CHECK(memcmp(a, host, 4096) == 0);
	CHECK_CL(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, b + 1, a, 4095, 0, NULL, NULL));
	CHECK(memcmp(b + 1, host, 4095) == 0);
	memset(back, 0, sizeof(back));
	CHECK_CL(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, back, b + 1, 4095, 0, NULL, NULL));
	CHECK(memcmp(back, host, 4095) == 0);
	/* Size 0 copies nothing and succeeds. */
	CHECK_CL(clEnqueueSVMMemcpy(e.q, CL_TRUE, back, a, 0, 0, NULL, NULL));
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	env_close(&e);
}

TEST(memcpy_waits_for_user_event)
{
	struct env e = env_open();
	int *a = svm(&e, 1024 * sizeof(int)), *b = svm(&e, 1024 * sizeof(int));
	cl_int err;
	cl_event gate = clCreateUserEvent(e.ctx, &err), ev;
	int i;

	CHECK_CL(err);
	for (i = 0; i < 1024; i++) {
		a[i] = i;
		b[i] = -1;
	}
	CHECK_CL(clEnqueueSVMMemcpy(e.q, CL_FALSE, b, a, 1024 * sizeof(int), 1,
				    &gate, &ev));
	CHECK(event_status(ev) > CL_COMPLETE);
	CHECK_EQ(b[100], -1);
	CHECK_CL(clSetUserEventStatus(gate, CL_COMPLETE));
	CHECK_CL(clWaitForEvents(1, &ev));
	for (i = 0; i < 1024; i++)
		CHECK_EQ(b[i], i);
	finish_event(ev, CL_COMMAND_SVM_MEMCPY);
	CHECK_CL(clReleaseEvent(gate));
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	env_close(&e);
}

TEST(memcpy_blocking_failed_dependency)
{
	struct env e = env_open();
	char *a = svm(&e, 64), host[64];
	cl_int err;
	cl_event gate = clCreateUserEvent(e.ctx, &err);

	CHECK_CL(err);
	memset(a, 7, 64);
	memset(host, 0, 64);
	CHECK_CL(clSetUserEventStatus(gate, -1));
	CHECK_ERR(clEnqueueSVMMemcpy(e.q, CL_TRUE, host, a, 64, 1, &gate, NULL),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	/* The copy did not run. */
	CHECK_EQ(host[0], 0);
	CHECK_CL(clReleaseEvent(gate));
	clSVMFree(e.ctx, a);
	env_close(&e);
}

TEST(memcpy_errors)
{
	struct env e = env_open(), other = env_open();
	char *a = svm(&e, 256), host[256];
	cl_int err;
	cl_event foreign = clCreateUserEvent(other.ctx, &err);

	CHECK_CL(err);
	CHECK_ERR(clEnqueueSVMMemcpy(NULL, CL_TRUE, a, host, 16, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueSVMMemcpy((cl_command_queue)e.ctx, CL_TRUE, a, host,
				     16, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	/* dst_ptr or src_ptr NULL, whatever the size. */
	CHECK_ERR(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, NULL, host, 16, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMemcpy(e.q, CL_TRUE, a, NULL, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMemcpy(e.q, CL_TRUE, a, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	/* Overlapping ranges, either way round, and the same range. */
	CHECK_ERR(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, a + 10, a, 11, 0, NULL, NULL),
	    CL_MEM_COPY_OVERLAP);
	CHECK_ERR(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, a, a + 10, 11, 0, NULL, NULL),
	    CL_MEM_COPY_OVERLAP);
	CHECK_ERR(clEnqueueSVMMemcpy(e.q, CL_TRUE, a, a, 1, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP);
	/* Adjacent ranges do not overlap. */
	CHECK_CL(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, a + 10, a, 10, 0, NULL, NULL));
	/* Wait-list rules. */
	CHECK_ERR(clEnqueueSVMMemcpy(e.q, CL_TRUE, a, host, 16, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, a, host, 16, 0, &foreign, NULL),
	    CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(
	    clEnqueueSVMMemcpy(e.q, CL_TRUE, a, host, 16, 1, &foreign, NULL),
	    CL_INVALID_CONTEXT);
	CHECK_CL(clReleaseEvent(foreign));
	clSVMFree(e.ctx, a);
	env_close(&e);
	env_close(&other);
}

/* ---- clEnqueueSVMMemFill ---- */

TEST(memfill_every_pattern_size)
{
	struct env e = env_open();
	unsigned char *p = clSVMAlloc(e.ctx, 0, 8192, 128);
	unsigned char pattern[128];
	size_t ps, i;
	cl_event ev;

	CHECK(p != NULL);
	for (i = 0; i < 128; i++)
		pattern[i] = (unsigned char)(i + 1);
	for (ps = 1; ps <= 128; ps *= 2) {
		size_t off = ps * 3, size = ps * 37;

		memset(p, 0xee, 8192);
		CHECK_CL(clEnqueueSVMMemFill(e.q, p + off, pattern, ps, size, 0,
					     NULL, &ev));
		finish_event(ev, CL_COMMAND_SVM_MEMFILL);
		for (i = 0; i < off; i++)
			CHECK_EQ(p[i], 0xee);
		for (i = 0; i < size; i++)
			CHECK_EQ(p[off + i], pattern[i % ps]);
		CHECK_EQ(p[off + size], 0xee);
	}
	/* Size 0 is a multiple of every pattern size. */
	CHECK_CL(clEnqueueSVMMemFill(e.q, p, pattern, 4, 0, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q));
	clSVMFree(e.ctx, p);
	env_close(&e);
}

TEST(memfill_pattern_copied_at_enqueue)
{
	struct env e = env_open();
	int *p = svm(&e, 64 * sizeof(int));
	int pattern = 0x12345678, i;
	cl_int err;
	cl_event gate = clCreateUserEvent(e.ctx, &err);

	CHECK_CL(err);
	CHECK_CL(clEnqueueSVMMemFill(e.q, p, &pattern, sizeof(pattern),
				     64 * sizeof(int), 1, &gate, NULL));
	/* The caller may reuse the pattern memory at once. */
	pattern = 0;
	CHECK_CL(clSetUserEventStatus(gate, CL_COMPLETE));
	CHECK_CL(clFinish(e.q));
	for (i = 0; i < 64; i++)
		CHECK_EQ(p[i], 0x12345678);
	CHECK_CL(clReleaseEvent(gate));
	clSVMFree(e.ctx, p);
	env_close(&e);
}

TEST(memfill_errors)
{
	struct env e = env_open();
	char *p = clSVMAlloc(e.ctx, 0, 1024, 128);
	char pattern[256] = {0};

	CHECK(p != NULL);
	CHECK_ERR(clEnqueueSVMMemFill(NULL, p, pattern, 4, 64, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	/* svm_ptr NULL. */
	CHECK_ERR(clEnqueueSVMMemFill(e.q, NULL, pattern, 4, 64, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	/* pattern NULL, pattern_size 0, not a power of two, above 128. */
	CHECK_ERR(clEnqueueSVMMemFill(e.q, p, NULL, 4, 64, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMemFill(e.q, p, pattern, 0, 64, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMemFill(e.q, p, pattern, 3, 63, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMemFill(e.q, p, pattern, 256, 512, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	/* svm_ptr not aligned to pattern_size. */
	CHECK_ERR(
	    clEnqueueSVMMemFill(e.q, p + 2, pattern, 4, 64, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	CHECK_ERR(
	    clEnqueueSVMMemFill(e.q, p + 64, pattern, 128, 128, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	/* size not a multiple of pattern_size. */
	CHECK_ERR(clEnqueueSVMMemFill(e.q, p, pattern, 8, 60, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMemFill(e.q, p, pattern, 4, 64, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	clSVMFree(e.ctx, p);
	env_close(&e);
}

TEST(fine_grain_without_map)
{
	struct env e = env_open();
	int *p = clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER,
			    1024 * sizeof(int), 0);
	int v = 5, i, sum = 0;

	if (!p)
		SKIP("no fine-grain buffer SVM on this device");
	CHECK_CL(clEnqueueSVMMemFill(e.q, p, &v, sizeof(v), 1024 * sizeof(int),
				     0, NULL, NULL));
	CHECK_CL(clFinish(e.q));
	/* Fine grain: the host reads and writes with no map in between. */
	for (i = 0; i < 1024; i++)
		sum += p[i];
	CHECK_EQ(sum, 5 * 1024);
	p[7] = 70;
	CHECK_CL(clEnqueueSVMMemcpy(e.q, CL_TRUE, p + 8, p + 7, sizeof(int), 0,
				    NULL, NULL));
	CHECK_EQ(p[8], 70);
	clSVMFree(e.ctx, p);
	env_close(&e);
}

/* ---- clEnqueueSVMMap / clEnqueueSVMUnmap ---- */

TEST(map_unmap_types_and_data)
{
	struct env e = env_open();
	int *p = svm(&e, 256 * sizeof(int));
	int pattern = 42, i;
	cl_event ev;

	CHECK_CL(clEnqueueSVMMemFill(e.q, p, &pattern, sizeof(int),
				     256 * sizeof(int), 0, NULL, NULL));
	/* A blocking map after the fill: the fill's data is visible. */
	CHECK_CL(clEnqueueSVMMap(e.q, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, p,
				 256 * sizeof(int), 0, NULL, &ev));
	CHECK_EQ(event_status(ev), CL_COMPLETE);
	for (i = 0; i < 256; i++)
		CHECK_EQ(p[i], 42);
	finish_event(ev, CL_COMMAND_SVM_MAP);
	for (i = 0; i < 256; i++)
		p[i] = i;
	CHECK_CL(clEnqueueSVMUnmap(e.q, p, 0, NULL, &ev));
	finish_event(ev, CL_COMMAND_SVM_UNMAP);
	CHECK_CL(clEnqueueSVMMap(e.q, CL_FALSE, CL_MAP_WRITE_INVALIDATE_REGION,
				 p + 10, 16, 0, NULL, &ev));
	finish_event(ev, CL_COMMAND_SVM_MAP);
	CHECK_CL(clEnqueueSVMUnmap(e.q, p + 10, 0, NULL, NULL));
	CHECK_CL(clEnqueueSVMMap(e.q, CL_TRUE, 0, p, 4, 0, NULL, NULL));
	CHECK_CL(clEnqueueSVMUnmap(e.q, p, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q));
	for (i = 0; i < 256; i++)
		CHECK_EQ(p[i], i);
	clSVMFree(e.ctx, p);
	env_close(&e);
}

TEST(map_orders_behind_wait_list)
{
	struct env e = env_open();
	char *p = svm(&e, 64);
	cl_int err;
	cl_event gate = clCreateUserEvent(e.ctx, &err), map, unmap;

	CHECK_CL(err);
	CHECK_CL(
	    clEnqueueSVMMap(e.q, CL_FALSE, CL_MAP_READ, p, 64, 1, &gate, &map));
	CHECK_CL(clEnqueueSVMUnmap(e.q, p, 0, NULL, &unmap));
	CHECK(event_status(map) > CL_COMPLETE);
	CHECK(event_status(unmap) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(gate, CL_COMPLETE));
	finish_event(map, CL_COMMAND_SVM_MAP);
	finish_event(unmap, CL_COMMAND_SVM_UNMAP);
	CHECK_CL(clReleaseEvent(gate));
	clSVMFree(e.ctx, p);
	env_close(&e);
}

TEST(map_blocking_failed_dependency)
{
	struct env e = env_open();
	char *p = svm(&e, 64);
	cl_int err;
	cl_event gate = clCreateUserEvent(e.ctx, &err), ev;

	CHECK_CL(err);
	CHECK_CL(clSetUserEventStatus(gate, -5));
	CHECK_ERR(
	    clEnqueueSVMMap(e.q, CL_TRUE, CL_MAP_READ, p, 64, 1, &gate, &ev),
	    CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(event_type(ev), CL_COMMAND_SVM_MAP);
	CHECK(event_status(ev) < 0);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseEvent(gate));
	clSVMFree(e.ctx, p);
	env_close(&e);
}

TEST(map_unmap_errors)
{
	struct env e = env_open();
	char *p = svm(&e, 64);
	const cl_map_flags rw = CL_MAP_READ | CL_MAP_WRITE;

	CHECK_ERR(clEnqueueSVMMap(NULL, CL_TRUE, rw, p, 64, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueSVMMap(e.q, CL_TRUE, rw, NULL, 64, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMap(e.q, CL_TRUE, rw, p, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	/* READ / WRITE and WRITE_INVALIDATE_REGION are mutually exclusive. */
	CHECK_ERR(clEnqueueSVMMap(e.q, CL_TRUE,
				  CL_MAP_READ | CL_MAP_WRITE_INVALIDATE_REGION,
				  p, 64, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMap(e.q, CL_TRUE,
				  CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION,
				  p, 64, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMap(e.q, CL_TRUE, (cl_map_flags)1 << 10, p, 64, 0,
				  NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMap(e.q, CL_TRUE, rw, p, 64, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueSVMUnmap(NULL, p, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueSVMUnmap(e.q, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMUnmap(e.q, p, 0, &(cl_event){NULL}, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	clSVMFree(e.ctx, p);
	env_close(&e);
}

/* ---- clEnqueueSVMFree ---- */

struct free_log {
	cl_command_queue queue;
	cl_uint n;
	void *ptrs[8];
	int calls;
	cl_context ctx;
};

static void CL_CALLBACK free_cb(cl_command_queue q, cl_uint n, void *ptrs[],
				void *user_data)
{
	struct free_log *log = user_data;
	cl_uint i;

	log->calls++;
	log->queue = q;
	log->n = n;
	for (i = 0; i < n && i < 8; i++) {
		log->ptrs[i] = ptrs[i];
		clSVMFree(log->ctx, ptrs[i]);
	}
}

TEST(svmfree_callback_gets_exact_pointers)
{
	struct env e = env_open();
	void *p[3] = {svm(&e, 16), svm(&e, 32), svm(&e, 48)};
	void *copy[3] = {p[0], p[1], p[2]};
	struct free_log log = {0};
	cl_event ev;

	log.ctx = e.ctx;
	CHECK_CL(clEnqueueSVMFree(e.q, 3, p, free_cb, &log, 0, NULL, &ev));
	/* The array may be reused once the call returned. */
	p[0] = p[1] = p[2] = NULL;
	finish_event(ev, CL_COMMAND_SVM_FREE);
	CHECK_EQ(log.calls, 1);
	CHECK(log.queue == e.q);
	CHECK_EQ(log.n, 3);
	CHECK(log.ptrs[0] == copy[0]);
	CHECK(log.ptrs[1] == copy[1]);
	CHECK(log.ptrs[2] == copy[2]);
	env_close(&e);
}

TEST(svmfree_callback_for_host_pointers)
{
	struct env e = env_open();
	void *p[1] = {malloc(100)};
	struct free_log log = {0};

	/* With a callback, any pointer may be handed over (the callback
	 * frees it; clSVMFree inside ignores a non-SVM pointer). */
	CHECK(p[0] != NULL);
	log.ctx = e.ctx;
	CHECK_CL(clEnqueueSVMFree(e.q, 1, p, free_cb, &log, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q));
	CHECK_EQ(log.calls, 1);
	CHECK(log.ptrs[0] == p[0]);
	free(p[0]);
	env_close(&e);
}

TEST(svmfree_without_callback_frees)
{
	struct env e = env_open();
	void *p[2] = {svm(&e, 100), svm(&e, 200)};
	const void *probe = p[1];
	cl_event ev;

	CHECK_CL(clEnqueueSVMFree(e.q, 2, p, NULL, NULL, 0, NULL, &ev));
	finish_event(ev, CL_COMMAND_SVM_FREE);
	/* Gone from the table: no longer an SVM allocation. */
	CHECK_ERR(
	    clEnqueueSVMMigrateMem(e.q, 1, &probe, NULL, 0, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	env_close(&e);
}

TEST(svmfree_waits_for_earlier_commands)
{
	struct env e = env_open();
	void *p[1] = {svm(&e, 64)};
	struct free_log log = {0};
	cl_int err;
	cl_event gate = clCreateUserEvent(e.ctx, &err);
	char host[64];

	CHECK_CL(err);
	log.ctx = e.ctx;
	CHECK_CL(
	    clEnqueueSVMMemcpy(e.q, CL_FALSE, host, p[0], 64, 1, &gate, NULL));
	CHECK_CL(clEnqueueSVMFree(e.q, 1, p, free_cb, &log, 0, NULL, NULL));
	/* In-order queue: the free runs after the copy it follows. */
	CHECK_EQ(log.calls, 0);
	CHECK_CL(clSetUserEventStatus(gate, CL_COMPLETE));
	CHECK_CL(clFinish(e.q));
	CHECK_EQ(log.calls, 1);
	CHECK_CL(clReleaseEvent(gate));
	env_close(&e);
}

TEST(svmfree_count_and_array_rules)
{
	struct env e = env_open();
	void *p[1] = {svm(&e, 64)};
	struct free_log log = {0};
	cl_event ev;

	log.ctx = e.ctx;
	CHECK_ERR(clEnqueueSVMFree(NULL, 1, p, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	/* num_svm_pointers 0 with an array, or an array missing. */
	CHECK_ERR(clEnqueueSVMFree(e.q, 0, p, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMFree(e.q, 1, NULL, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMFree(e.q, 1, p, NULL, NULL, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	/* Nothing was freed by the failed calls. */
	CHECK_CL(clEnqueueSVMMemcpy(e.q, CL_TRUE, p[0], "x", 1, 0, NULL, NULL));
	/* Zero pointers and no array: a valid empty command. */
	CHECK_CL(clEnqueueSVMFree(e.q, 0, NULL, free_cb, &log, 0, NULL, &ev));
	finish_event(ev, CL_COMMAND_SVM_FREE);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.n, 0);
	CHECK_CL(clEnqueueSVMFree(e.q, 0, NULL, NULL, NULL, 0, NULL, NULL));
	CHECK_CL(clEnqueueSVMFree(e.q, 1, p, NULL, NULL, 0, NULL, NULL));
	env_close(&e);
}

/* ---- clEnqueueSVMMigrateMem ---- */

TEST(migrate_ranges_and_types)
{
	struct env e = env_open();
	unsigned char *a = svm(&e, 8192), *b = svm(&e, 100);
	const void *ptrs[3] = {a, a + 4096, b + 99};
	size_t sizes[3] = {0, 4096, 1};
	const cl_mem_migration_flags flags[4] = {
	    0, CL_MIGRATE_MEM_OBJECT_HOST,
	    CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED,
	    CL_MIGRATE_MEM_OBJECT_HOST |
		CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED};
	cl_event ev;
	int i;

	for (i = 0; i < 8192; i++)
		a[i] = (unsigned char)i;
	for (i = 0; i < 4; i++) {
		CHECK_CL(clEnqueueSVMMigrateMem(e.q, 3, ptrs, sizes, flags[i],
						0, NULL, &ev));
		finish_event(ev, CL_COMMAND_SVM_MIGRATE_MEM);
	}
	/* CONTENT_UNDEFINED may have dropped the contents: write again. */
	for (i = 0; i < 8192; i++)
		a[i] = (unsigned char)i;
	/* sizes NULL: every allocation containing a pointer. */
	CHECK_CL(clEnqueueSVMMigrateMem(e.q, 3, ptrs, NULL, 0, 0, NULL, &ev));
	finish_event(ev, CL_COMMAND_SVM_MIGRATE_MEM);
	/* Migrating (without CONTENT_UNDEFINED) keeps the data. */
	for (i = 0; i < 8192; i++)
		CHECK_EQ(a[i], (unsigned char)i);
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	env_close(&e);
}

TEST(migrate_errors)
{
	struct env e = env_open(), other = env_open();
	unsigned char *a = svm(&e, 4096);
	unsigned char *o = clSVMAlloc(other.ctx, 0, 64, 0);
	char *heap = malloc(64);
	const void *ptrs[2] = {a, a + 100};
	const void *with_null[2] = {a, NULL};
	const void *p;
	size_t sizes[2] = {16, 16}, sz;

	CHECK(o && heap);
	CHECK_ERR(
	    clEnqueueSVMMigrateMem(NULL, 2, ptrs, sizes, 0, 0, NULL, NULL),
	    CL_INVALID_COMMAND_QUEUE);
	/* num_svm_pointers zero or svm_pointers NULL. */
	CHECK_ERR(clEnqueueSVMMigrateMem(e.q, 0, ptrs, sizes, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMigrateMem(e.q, 2, NULL, sizes, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	/* A NULL pointer lies in no allocation. */
	CHECK_ERR(
	    clEnqueueSVMMigrateMem(e.q, 2, with_null, sizes, 0, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	CHECK_ERR(
	    clEnqueueSVMMigrateMem(e.q, 2, with_null, NULL, 0, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	/* Flags outside the migration flags table. */
	CHECK_ERR(
	    clEnqueueSVMMigrateMem(e.q, 2, ptrs, sizes, 1 << 5, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	/* A range running past the end of its allocation. */
	p = a + 4000;
	sz = 97;
	CHECK_ERR(clEnqueueSVMMigrateMem(e.q, 1, &p, &sz, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	sz = 96;
	CHECK_CL(clEnqueueSVMMigrateMem(e.q, 1, &p, &sz, 0, 0, NULL, NULL));
	p = a + 4096; /* one past the end */
	CHECK_ERR(clEnqueueSVMMigrateMem(e.q, 1, &p, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	/* Plain host memory (fine-grain system SVM) needs an explicit
	 * size; so does another context's allocation, which is plain host
	 * memory to this one. */
	p = heap;
	sz = 64;
	CHECK_CL(clEnqueueSVMMigrateMem(e.q, 1, &p, &sz, 0, 0, NULL, NULL));
	CHECK_ERR(clEnqueueSVMMigrateMem(e.q, 1, &p, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	p = o;
	CHECK_ERR(clEnqueueSVMMigrateMem(e.q, 1, &p, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueSVMMigrateMem(e.q, 2, ptrs, sizes, 0, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	free(heap);
	clSVMFree(other.ctx, o);
	clSVMFree(e.ctx, a);
	env_close(&e);
	env_close(&other);
}

TEST(migrate_orders_behind_wait_list)
{
	struct env e = env_open();
	char *a = svm(&e, 64);
	const void *p = a;
	cl_int err;
	cl_event gate = clCreateUserEvent(e.ctx, &err), ev;

	CHECK_CL(err);
	CHECK_CL(clEnqueueSVMMigrateMem(e.q, 1, &p, NULL, 0, 1, &gate, &ev));
	CHECK(event_status(ev) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(gate, CL_COMPLETE));
	finish_event(ev, CL_COMMAND_SVM_MIGRATE_MEM);
	CHECK_CL(clReleaseEvent(gate));
	clSVMFree(e.ctx, a);
	env_close(&e);
}

TEST(out_of_order_queue_follows_events)
{
	struct env e;
	int *a, *b, v = 9, i;
	cl_event fill, copy;

	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev,
			    CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE |
				CL_QUEUE_PROFILING_ENABLE);
	a = svm(&e, 4096 * sizeof(int));
	b = svm(&e, 4096 * sizeof(int));
	CHECK_CL(clEnqueueSVMMemFill(e.q, a, &v, sizeof(v), 4096 * sizeof(int),
				     0, NULL, &fill));
	CHECK_CL(clEnqueueSVMMemcpy(e.q, CL_TRUE, b, a, 4096 * sizeof(int), 1,
				    &fill, &copy));
	for (i = 0; i < 4096; i++)
		CHECK_EQ(b[i], 9);
	/* Profiling: the copy started after the fill ended. */
	{
		cl_ulong fill_end = 0, copy_start = 0;

		CHECK_CL(clGetEventProfilingInfo(fill, CL_PROFILING_COMMAND_END,
						 sizeof(fill_end), &fill_end,
						 NULL));
		CHECK_CL(clGetEventProfilingInfo(
		    copy, CL_PROFILING_COMMAND_START, sizeof(copy_start),
		    &copy_start, NULL));
		CHECK(fill_end > 0);
		CHECK(copy_start >= fill_end);
	}
	finish_event(fill, CL_COMMAND_SVM_MEMFILL);
	finish_event(copy, CL_COMMAND_SVM_MEMCPY);
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	env_close(&e);
}
