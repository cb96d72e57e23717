/* Buffers: creation with every flag, lifetime, read/write/copy/fill,
 * host access flags, migration, native kernels, destructor callbacks,
 * failed wait lists and enqueues from several host threads. */
#include "mem_util.h"

#include <pthread.h>
#include <stdint.h>

#define N 4096

TEST(create_every_flag)
{
	static const cl_mem_flags ok[] = {
	    0,
	    CL_MEM_READ_WRITE,
	    CL_MEM_WRITE_ONLY,
	    CL_MEM_READ_ONLY,
	    CL_MEM_ALLOC_HOST_PTR,
	    CL_MEM_HOST_WRITE_ONLY,
	    CL_MEM_HOST_READ_ONLY,
	    CL_MEM_HOST_NO_ACCESS,
	    CL_MEM_READ_ONLY | CL_MEM_HOST_NO_ACCESS | CL_MEM_ALLOC_HOST_PTR,
	};
	struct env e = env_new(0);
	cl_mem_flags got;
	unsigned i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cl_mem m = new_buffer(e.ctx, ok[i], 100, NULL);

		CHECK_CL(clGetMemObjectInfo(m, CL_MEM_FLAGS, sizeof(got), &got,
					    NULL));
		CHECK_EQ(got, ok[i]);
		CHECK_CL(clReleaseMemObject(m));
	}
	env_free(&e);
}

TEST(create_copy_host_ptr)
{
	struct env e = env_new(0);
	unsigned char src[N], got[N];
	cl_mem m;

	pattern_bytes(src, N, 1);
	m = new_buffer(e.ctx, CL_MEM_COPY_HOST_PTR, N, src);
	/* The copy is taken at creation: later host changes do not show. */
	memset(src, 0, 16);
	read_all(e.q, m, got, N);
	pattern_bytes(src, N, 1);
	check_bytes(got, src, N);
	CHECK_CL(clReleaseMemObject(m));
	m = new_buffer(e.ctx, CL_MEM_COPY_HOST_PTR | CL_MEM_ALLOC_HOST_PTR, N,
		       src);
	read_all(e.q, m, got, N);
	check_bytes(got, src, N);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(create_use_host_ptr)
{
	struct env e = env_new(0);
	unsigned char *host = malloc(N), got[N], want[N];
	void *hp = NULL;
	cl_mem m;

	pattern_bytes(host, N, 2);
	m = new_buffer(e.ctx, CL_MEM_USE_HOST_PTR, N, host);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_HOST_PTR, sizeof(hp), &hp, NULL));
	CHECK(hp == host);
	read_all(e.q, m, got, N);
	check_bytes(got, host, N);
	/* The buffer is the application's memory: a write lands there. */
	pattern_bytes(want, N, 3);
	CHECK_CL(
	    clEnqueueWriteBuffer(e.q, m, CL_TRUE, 0, N, want, 0, NULL, NULL));
	check_bytes(host, want, N);
	CHECK_CL(clReleaseMemObject(m));
	free(host);
	env_free(&e);
}

TEST(create_errors)
{
	struct env e = env_new(0);
	cl_context dead = hx_test_context(NULL);
	cl_ulong max_alloc = 0;
	char host[64];
	cl_int err;

	CHECK_CL(clReleaseContext(dead));
	CHECK(clCreateBuffer(NULL, 0, 64, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateBuffer(dead, 0, 64, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateBuffer(WRONG_TYPE(e.q, cl_context), 0, 64, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateBuffer(e.ctx, 0, 0, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE);
	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE,
				 sizeof(max_alloc), &max_alloc, NULL));
	CHECK(clCreateBuffer(e.ctx, 0, max_alloc + 1, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE);
	CHECK(clCreateBuffer(e.ctx, 0, SIZE_MAX, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE);
	/* Invalid and mutually exclusive flags. */
	{
		static const cl_mem_flags bad[] = {
		    (cl_mem_flags)1 << 40,
		    CL_MEM_SVM_FINE_GRAIN_BUFFER,
		    CL_MEM_KERNEL_READ_AND_WRITE,
		    CL_MEM_READ_WRITE | CL_MEM_READ_ONLY,
		    CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY,
		    CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_WRITE_ONLY,
		    CL_MEM_HOST_NO_ACCESS | CL_MEM_HOST_READ_ONLY,
		    CL_MEM_USE_HOST_PTR | CL_MEM_ALLOC_HOST_PTR,
		    CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR,
		};
		unsigned i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			err = 0;
			CHECK(clCreateBuffer(e.ctx, bad[i], 64, host, &err) ==
			      NULL);
			CHECK_ERR(err, CL_INVALID_VALUE);
		}
	}
	/* host_ptr and the host pointer flags must agree. */
	CHECK(clCreateBuffer(e.ctx, CL_MEM_USE_HOST_PTR, 64, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_HOST_PTR);
	CHECK(clCreateBuffer(e.ctx, CL_MEM_COPY_HOST_PTR, 64, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_HOST_PTR);
	CHECK(clCreateBuffer(e.ctx, 0, 64, host, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_HOST_PTR);
	CHECK(clCreateBuffer(e.ctx, CL_MEM_ALLOC_HOST_PTR, 64, host, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_HOST_PTR);
	/* errcode_ret may be NULL. */
	CHECK(clCreateBuffer(e.ctx, 0, 0, NULL, NULL) == NULL);
	env_free(&e);
}

TEST(create_with_properties)
{
	struct env e = env_new(0);
	cl_mem_properties empty[] = {0}, bad[] = {0x12345, 1, 0}, got[4];
	size_t n = 99;
	cl_int err = 1;
	cl_mem m;

	m = clCreateBufferWithProperties(e.ctx, NULL, 0, 64, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_PROPERTIES, 0, NULL, &n));
	CHECK_EQ(n, 0);
	CHECK_CL(clReleaseMemObject(m));
	m = clCreateBufferWithProperties(e.ctx, empty, CL_MEM_READ_ONLY, 64,
					 NULL, &err);
	CHECK_CL(err);
	got[0] = 77;
	CHECK_CL(
	    clGetMemObjectInfo(m, CL_MEM_PROPERTIES, sizeof(got), got, &n));
	CHECK_EQ(n, sizeof(cl_mem_properties));
	CHECK_EQ(got[0], 0);
	CHECK_ERR(clGetMemObjectInfo(m, CL_MEM_PROPERTIES,
				     sizeof(cl_mem_properties) - 1, got, &n),
		  CL_INVALID_VALUE);
	CHECK_CL(clReleaseMemObject(m));
	CHECK(clCreateBufferWithProperties(e.ctx, bad, 0, 64, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_PROPERTY);
	CHECK(clCreateBufferWithProperties(NULL, empty, 0, 64, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateBufferWithProperties(e.ctx, empty, 0, 0, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE);
	CHECK(clCreateBufferWithProperties(e.ctx, empty, CL_MEM_USE_HOST_PTR,
					   64, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_HOST_PTR);
	env_free(&e);
}

TEST(retain_release)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 64, NULL), dead = dead_buffer(e.ctx);
	cl_uint rc = 0;

	CHECK_CL(clRetainMemObject(m));
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof(rc), &rc,
				    NULL));
	CHECK_EQ(rc, 2);
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof(rc), &rc,
				    NULL));
	CHECK_EQ(rc, 1);
	CHECK_CL(clReleaseMemObject(m));
	/* Released, NULL and wrong-type handles. */
	CHECK_ERR(clRetainMemObject(m), CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clReleaseMemObject(m), CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clRetainMemObject(dead), CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clRetainMemObject(NULL), CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clReleaseMemObject(NULL), CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clRetainMemObject(WRONG_TYPE(e.ctx, cl_mem)),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clReleaseMemObject(WRONG_TYPE(e.q, cl_mem)),
		  CL_INVALID_MEM_OBJECT);
	env_free(&e);
}

TEST(buffer_keeps_context)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 64, NULL);
	cl_context ctx = NULL;
	cl_uint rc = 0;

	CHECK_CL(clGetContextInfo(e.ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof(rc),
				  &rc, NULL));
	CHECK_EQ(rc, 3); /* ours, the queue's, the buffer's */
	CHECK_CL(clReleaseCommandQueue(e.q));
	CHECK_CL(clReleaseContext(e.ctx));
	CHECK_CL(
	    clGetMemObjectInfo(m, CL_MEM_CONTEXT, sizeof(ctx), &ctx, NULL));
	CHECK(ctx == e.ctx);
	CHECK_CL(clGetContextInfo(ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof(rc),
				  &rc, NULL));
	CHECK_EQ(rc, 1);
	CHECK_CL(clReleaseMemObject(m));
	CHECK_ERR(clGetContextInfo(ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof(rc),
				   &rc, NULL),
		  CL_INVALID_CONTEXT);
}

TEST(read_write)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, N, NULL);
	unsigned char want[N], got[N];
	cl_command_type type = 0;
	cl_event ev;

	pattern_bytes(want, N, 4);
	CHECK_CL(
	    clEnqueueWriteBuffer(e.q, m, CL_TRUE, 0, N, want, 0, NULL, NULL));
	/* A partial overwrite, non-blocking, waited on through its event. */
	pattern_bytes(want + 100, 300, 5);
	CHECK_CL(clEnqueueWriteBuffer(e.q, m, CL_FALSE, 100, 300, want + 100, 0,
				      NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_WRITE_BUFFER);
	CHECK_CL(clReleaseEvent(ev));
	memset(got, 0xee, N);
	CHECK_CL(
	    clEnqueueReadBuffer(e.q, m, CL_FALSE, 0, N, got, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_READ_BUFFER);
	CHECK_CL(clReleaseEvent(ev));
	check_bytes(got, want, N);
	/* The last byte alone. */
	CHECK_CL(
	    clEnqueueReadBuffer(e.q, m, CL_TRUE, N - 1, 1, got, 0, NULL, NULL));
	CHECK_EQ(got[0], want[N - 1]);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

/* The error paths every buffer enqueue shares, checked on read and
 * write. */
TEST(read_write_errors)
{
	struct env e = env_new(0), o = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 64, NULL);
	cl_mem other = new_buffer(o.ctx, 0, 64, NULL);
	cl_mem dead = dead_buffer(e.ctx);
	cl_command_queue dq = hx_test_queue(e.ctx, e.dev, 0);
	cl_event oev = clCreateUserEvent(o.ctx, NULL);
	cl_event bad_ev = WRONG_TYPE(e.ctx, cl_event);
	char buf[64];

	CHECK_CL(clReleaseCommandQueue(dq));
	CHECK_ERR(clEnqueueReadBuffer(NULL, m, 1, 0, 8, buf, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueReadBuffer(dq, m, 1, 0, 8, buf, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueWriteBuffer(WRONG_TYPE(m, cl_command_queue), m, 1, 0,
				       8, buf, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueReadBuffer(e.q, NULL, 1, 0, 8, buf, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, dead, 1, 0, 8, buf, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueReadBuffer(e.q, WRONG_TYPE(e.q, cl_mem), 1, 0, 8,
				      buf, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueReadBuffer(e.q, other, 1, 0, 8, buf, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, other, 1, 0, 8, buf, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	/* Bounds, size 0, NULL ptr. */
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, 1, 60, 8, buf, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, m, 1, 65, 0, buf, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(
	    clEnqueueReadBuffer(e.q, m, 1, SIZE_MAX, 2, buf, 0, NULL, NULL),
	    CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, 1, 0, 0, buf, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, 1, 0, 8, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, m, 1, 0, 8, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	/* Wait lists. */
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, 1, 0, 8, buf, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, m, 1, 0, 8, buf, 0, &oev, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, 1, 0, 8, buf, 1, &bad_ev, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, 1, 0, 8, buf, 1, &oev, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_CL(clSetUserEventStatus(oev, CL_COMPLETE));
	CHECK_CL(clReleaseEvent(oev));
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseMemObject(other));
	env_free(&e);
	env_free(&o);
}

TEST(host_access_flags)
{
	struct env e = env_new(0);
	cl_mem wo = new_buffer(e.ctx, CL_MEM_HOST_WRITE_ONLY, 64, NULL);
	cl_mem ro = new_buffer(e.ctx, CL_MEM_HOST_READ_ONLY, 64, NULL);
	cl_mem na = new_buffer(e.ctx, CL_MEM_HOST_NO_ACCESS, 64, NULL);
	unsigned char buf[64], got[64];
	unsigned char pat = 0x5a;

	pattern_bytes(buf, 64, 6);
	CHECK_CL(clEnqueueWriteBuffer(e.q, wo, 1, 0, 64, buf, 0, NULL, NULL));
	CHECK_ERR(clEnqueueReadBuffer(e.q, wo, 1, 0, 64, got, 0, NULL, NULL),
		  CL_INVALID_OPERATION);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, ro, 1, 0, 64, buf, 0, NULL, NULL),
		  CL_INVALID_OPERATION);
	CHECK_CL(clEnqueueReadBuffer(e.q, ro, 1, 0, 64, got, 0, NULL, NULL));
	CHECK_ERR(clEnqueueReadBuffer(e.q, na, 1, 0, 64, got, 0, NULL, NULL),
		  CL_INVALID_OPERATION);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, na, 1, 0, 64, buf, 0, NULL, NULL),
		  CL_INVALID_OPERATION);
	/* Device-side commands ignore host access: copy a HOST_WRITE_ONLY
	 * buffer's data through a HOST_NO_ACCESS one into a HOST_READ_ONLY
	 * one and read it there. */
	CHECK_CL(clEnqueueCopyBuffer(e.q, wo, na, 0, 0, 64, 0, NULL, NULL));
	CHECK_CL(clEnqueueCopyBuffer(e.q, na, ro, 0, 0, 64, 0, NULL, NULL));
	CHECK_CL(clEnqueueReadBuffer(e.q, ro, 1, 0, 64, got, 0, NULL, NULL));
	check_bytes(got, buf, 64);
	CHECK_CL(clEnqueueFillBuffer(e.q, na, &pat, 1, 0, 64, 0, NULL, NULL));
	CHECK_CL(clEnqueueCopyBuffer(e.q, na, ro, 0, 0, 64, 0, NULL, NULL));
	CHECK_CL(clEnqueueReadBuffer(e.q, ro, 1, 0, 64, got, 0, NULL, NULL));
	memset(buf, pat, 64);
	check_bytes(got, buf, 64);
	CHECK_CL(clReleaseMemObject(wo));
	CHECK_CL(clReleaseMemObject(ro));
	CHECK_CL(clReleaseMemObject(na));
	env_free(&e);
}

TEST(copy)
{
	struct env e = env_new(0);
	cl_mem a = new_buffer(e.ctx, 0, N, NULL),
	       b = new_buffer(e.ctx, 0, N, NULL);
	unsigned char want[N], got[N], init[N];
	cl_command_type type = 0;
	cl_event ev;

	pattern_bytes(want, N, 7);
	pattern_bytes(init, N, 8);
	CHECK_CL(clEnqueueWriteBuffer(e.q, a, 0, 0, N, want, 0, NULL, NULL));
	CHECK_CL(clEnqueueWriteBuffer(e.q, b, 0, 0, N, init, 0, NULL, NULL));
	CHECK_CL(clEnqueueCopyBuffer(e.q, a, b, 10, 1000, 500, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_COPY_BUFFER);
	CHECK_CL(clReleaseEvent(ev));
	read_all(e.q, b, got, N);
	memcpy(init + 1000, want + 10, 500);
	check_bytes(got, init, N);
	/* Within one buffer, regions that touch but do not overlap. */
	CHECK_CL(clEnqueueCopyBuffer(e.q, a, a, 0, 100, 100, 0, NULL, NULL));
	read_all(e.q, a, got, N);
	memcpy(want + 100, want, 100);
	check_bytes(got, want, N);
	CHECK_CL(clReleaseMemObject(a));
	CHECK_CL(clReleaseMemObject(b));
	env_free(&e);
}

TEST(copy_errors)
{
	struct env e = env_new(0), o = env_new(0);
	cl_mem a = new_buffer(e.ctx, 0, 1024, NULL);
	cl_mem b = new_buffer(e.ctx, 0, 256, NULL);
	cl_mem other = new_buffer(o.ctx, 0, 1024, NULL);
	cl_buffer_region r1 = {0, 512}, r2 = {256, 512};
	cl_mem s1 =
	    clCreateSubBuffer(a, 0, CL_BUFFER_CREATE_TYPE_REGION, &r1, NULL);
	cl_mem s2 =
	    clCreateSubBuffer(a, 0, CL_BUFFER_CREATE_TYPE_REGION, &r2, NULL);

	CHECK_ERR(clEnqueueCopyBuffer(NULL, a, b, 0, 0, 8, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, NULL, b, 0, 0, 8, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, NULL, 0, 0, 8, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, other, 0, 0, 8, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, other, a, 0, 0, 8, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, b, 0, 0, 257, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, b, 1000, 0, 25, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, b, 0, 0, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, b, 0, 0, 8, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	/* Overlap in one buffer ... */
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, a, 0, 50, 100, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, a, a, 50, 0, 100, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP);
	/* ... and in two sub-buffers of one buffer: s1[300..400) is
	 * a[300..400), s2[0..100) is a[256..356). */
	CHECK_ERR(clEnqueueCopyBuffer(e.q, s1, s2, 300, 0, 100, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP);
	CHECK_ERR(clEnqueueCopyBuffer(e.q, s2, a, 0, 300, 100, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP);
	/* s1[0..256) and s2[0..256) = a[256..512) do not overlap. */
	CHECK_CL(clEnqueueCopyBuffer(e.q, s1, s2, 0, 0, 256, 0, NULL, NULL));
	CHECK_CL(clReleaseMemObject(s1));
	CHECK_CL(clReleaseMemObject(s2));
	CHECK_CL(clReleaseMemObject(a));
	CHECK_CL(clReleaseMemObject(b));
	CHECK_CL(clReleaseMemObject(other));
	env_free(&e);
	env_free(&o);
}

TEST(fill_every_pattern_size)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, N, NULL);
	unsigned char pat[128], want[N], got[N];
	size_t ps, off, size, i;
	cl_command_type type = 0;
	cl_event ev;

	for (ps = 1; ps <= 128; ps *= 2) {
		pattern_bytes(want, N, (unsigned)ps);
		pattern_bytes(pat, sizeof(pat), 100 + (unsigned)ps);
		CHECK_CL(
		    clEnqueueWriteBuffer(e.q, m, 0, 0, N, want, 0, NULL, NULL));
		off = 3 * ps;
		size = ps * (N / ps / 2 + 1);
		CHECK_CL(clEnqueueFillBuffer(e.q, m, pat, ps, off, size, 0,
					     NULL, &ev));
		read_all(e.q, m, got, N);
		CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type),
					&type, NULL));
		CHECK_EQ(type, CL_COMMAND_FILL_BUFFER);
		CHECK_CL(clReleaseEvent(ev));
		for (i = 0; i < size; i++)
			want[off + i] = pat[i % ps];
		check_bytes(got, want, N);
	}
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(fill_errors)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 256, NULL);
	unsigned char pat[256] = {0};

	CHECK_ERR(clEnqueueFillBuffer(NULL, m, pat, 4, 0, 16, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueFillBuffer(e.q, NULL, pat, 4, 0, 16, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueFillBuffer(e.q, dead_buffer(e.ctx), pat, 4, 0, 16, 0,
				      NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueFillBuffer(e.q, m, NULL, 4, 0, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueFillBuffer(e.q, m, pat, 0, 0, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueFillBuffer(e.q, m, pat, 3, 0, 12, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueFillBuffer(e.q, m, pat, 256, 0, 256, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueFillBuffer(e.q, m, pat, 4, 2, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueFillBuffer(e.q, m, pat, 4, 0, 18, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueFillBuffer(e.q, m, pat, 4, 248, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(
	    clEnqueueFillBuffer(e.q, m, pat, 4, 0, 16, 0, &(cl_event){0}, NULL),
	    CL_INVALID_EVENT_WAIT_LIST);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

struct failer {
	cl_event ev;
};

static void *fail_thread(void *arg)
{
	struct failer *f = arg;
	struct timespec ts = {0, 50 * 1000 * 1000};

	nanosleep(&ts, NULL);
	clSetUserEventStatus(f->ev, -1234);
	return NULL;
}

TEST(blocking_read_behind_failed_event)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 64, NULL);
	unsigned char zero[64] = {0}, got[64];
	cl_event u = clCreateUserEvent(e.ctx, NULL), rev = NULL;
	struct failer f = {u};
	cl_int st = 0;
	pthread_t t;

	CHECK_CL(clEnqueueWriteBuffer(e.q, m, 1, 0, 64, zero, 0, NULL, NULL));
	/* The event fails while the read blocks on it. */
	memset(got, 0xab, sizeof(got));
	pthread_create(&t, NULL, fail_thread, &f);
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, CL_TRUE, 0, 64, got, 1, &u, &rev),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	pthread_join(t, NULL);
	CHECK_EQ(got[0], 0xab); /* the read did not run */
	CHECK_CL(clGetEventInfo(rev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK(st < 0);
	CHECK_CL(clReleaseEvent(rev));
	/* An event that failed before the call. */
	CHECK_ERR(clEnqueueReadBuffer(e.q, m, CL_TRUE, 0, 64, got, 1, &u, NULL),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_ERR(
	    clEnqueueWriteBuffer(e.q, m, CL_TRUE, 0, 64, got, 1, &u, NULL),
	    CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(got[0], 0xab);
	CHECK_CL(clReleaseEvent(u));
	/* The queue goes on. */
	read_all(e.q, m, got, 64);
	check_bytes(got, zero, 64);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(migrate)
{
	struct env e = env_new(0);
	cl_mem a = new_buffer(e.ctx, 0, 256, NULL),
	       b = new_buffer(e.ctx, 0, 64, NULL);
	cl_mem both[2] = {a, b};
	static const cl_mem_migration_flags ok[] = {
	    0, CL_MIGRATE_MEM_OBJECT_HOST,
	    CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED,
	    CL_MIGRATE_MEM_OBJECT_HOST |
		CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED};
	cl_event u = clCreateUserEvent(e.ctx, NULL), ev, wev;
	unsigned char want[256], got[256];
	cl_command_type type = 0;
	cl_int st = 0;
	unsigned i;

	for (i = 0; i < 4; i++)
		CHECK_CL(clEnqueueMigrateMemObjects(e.q, 2, both, ok[i], 0,
						    NULL, NULL));
	/* A real command that orders: it waits for u, and a later write
	 * in the in-order queue waits for it. */
	CHECK_CL(clEnqueueMigrateMemObjects(e.q, 1, &a, 0, 1, &u, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_MIGRATE_MEM_OBJECTS);
	pattern_bytes(want, 256, 9);
	CHECK_CL(clEnqueueWriteBuffer(e.q, a, CL_FALSE, 0, 256, want, 0, NULL,
				      &wev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK(st > CL_COMPLETE);
	CHECK_CL(clGetEventInfo(wev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK(st > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clWaitForEvents(1, &wev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_COMPLETE);
	read_all(e.q, a, got, 256);
	check_bytes(got, want, 256);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseEvent(wev));
	CHECK_CL(clReleaseEvent(u));
	CHECK_CL(clReleaseMemObject(a));
	CHECK_CL(clReleaseMemObject(b));
	env_free(&e);
}

TEST(migrate_errors)
{
	struct env e = env_new(0), o = env_new(0);
	cl_mem a = new_buffer(e.ctx, 0, 64, NULL),
	       other = new_buffer(o.ctx, 0, 64, NULL);
	cl_mem list[2] = {a, NULL}, mixed[2] = {a, other};

	CHECK_ERR(clEnqueueMigrateMemObjects(NULL, 1, &a, 0, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueMigrateMemObjects(e.q, 0, &a, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueMigrateMemObjects(e.q, 1, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueMigrateMemObjects(e.q, 2, list, 0, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	list[1] = dead_buffer(e.ctx);
	CHECK_ERR(clEnqueueMigrateMemObjects(e.q, 2, list, 0, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueMigrateMemObjects(e.q, 2, mixed, 0, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueMigrateMemObjects(e.q, 1, &a, 1 << 5, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueMigrateMemObjects(e.q, 1, &a, 0, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_CL(clReleaseMemObject(a));
	CHECK_CL(clReleaseMemObject(other));
	env_free(&e);
	env_free(&o);
}

static void CL_CALLBACK native_fn(void *args)
{
	(void)args;
}

TEST(native_kernel_unsupported)
{
	struct env e = env_new(0);
	cl_device_exec_capabilities caps = 0;
	int arg = 0;

	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_EXECUTION_CAPABILITIES,
				 sizeof(caps), &caps, NULL));
	CHECK_EQ(caps, CL_EXEC_KERNEL);
	CHECK_ERR(clEnqueueNativeKernel(NULL, native_fn, &arg, sizeof(arg), 0,
					NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueNativeKernel(e.q, native_fn, &arg, sizeof(arg), 0,
					NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_OPERATION);
	env_free(&e);
}

/* Destructor callbacks record their order here. */
static int order[8];
static int norder;

static void CL_CALLBACK record(cl_mem m, void *ud)
{
	int i = __atomic_load_n(&norder, __ATOMIC_ACQUIRE);

	(void)m;
	order[i] = (int)(intptr_t)ud;
	__atomic_store_n(&norder, i + 1, __ATOMIC_RELEASE);
}

static void wait_for_callbacks(int n)
{
	struct timespec ts = {0, 1000 * 1000};
	int i;

	for (i = 0; i < 2000; i++) {
		if (__atomic_load_n(&norder, __ATOMIC_ACQUIRE) >= n)
			return;
		nanosleep(&ts, NULL);
	}
}

TEST(destructor_callbacks)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 64, NULL);

	norder = 0;
	CHECK_ERR(clSetMemObjectDestructorCallback(NULL, record, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(
	    clSetMemObjectDestructorCallback(dead_buffer(e.ctx), record, NULL),
	    CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clSetMemObjectDestructorCallback(m, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_CL(clSetMemObjectDestructorCallback(m, record, (void *)1));
	CHECK_CL(clSetMemObjectDestructorCallback(m, record, (void *)2));
	CHECK_CL(clSetMemObjectDestructorCallback(m, record, (void *)3));
	CHECK_CL(clRetainMemObject(m));
	CHECK_CL(clReleaseMemObject(m));
	CHECK_EQ(norder, 0);
	CHECK_CL(clReleaseMemObject(m));
	/* Newest first. */
	CHECK_EQ(norder, 3);
	CHECK_EQ(order[0], 3);
	CHECK_EQ(order[1], 2);
	CHECK_EQ(order[2], 1);
	env_free(&e);
}

TEST(destructor_waits_for_users)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 256, NULL);
	cl_buffer_region r = {128, 128};
	cl_mem sub =
	    clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, NULL);
	cl_event u = clCreateUserEvent(e.ctx, NULL);
	unsigned char data[128];

	norder = 0;
	CHECK_CL(clSetMemObjectDestructorCallback(m, record, (void *)10));
	CHECK_CL(clSetMemObjectDestructorCallback(sub, record, (void *)20));
	/* A queued command keeps the sub-buffer, which keeps the buffer. */
	pattern_bytes(data, 128, 10);
	CHECK_CL(clEnqueueWriteBuffer(e.q, sub, CL_FALSE, 0, 128, data, 1, &u,
				      NULL));
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseMemObject(sub));
	CHECK_EQ(norder, 0);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clFinish(e.q));
	/* The command's last reference may go on an executor thread just
	 * after clFinish returns. */
	wait_for_callbacks(2);
	CHECK_EQ(__atomic_load_n(&norder, __ATOMIC_ACQUIRE), 2);
	CHECK_EQ(order[0], 20);
	CHECK_EQ(order[1], 10);
	CHECK_CL(clReleaseEvent(u));
	env_free(&e);
}

/* Several host threads write and read back disjoint slices of one
 * buffer, through one shared queue or one queue each. */
#define THREADS 4
#define SLICE 65536
#define ROUNDS 50

struct worker {
	cl_command_queue q;
	cl_mem m;
	unsigned id;
	int ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char *want = malloc(SLICE), *got = malloc(SLICE);
	size_t off = (size_t)w->id * SLICE;
	unsigned r;
	cl_event ev;

	w->ok = 1;
	for (r = 0; r < ROUNDS && w->ok; r++) {
		pattern_bytes(want, SLICE, w->id * 1000 + r);
		/* The read waits for the write's event: queues may be
		 * out of order. */
		if (clEnqueueWriteBuffer(w->q, w->m, r & 1, off, SLICE, want, 0,
					 NULL, &ev)) {
			w->ok = 0;
			break;
		}
		if (clEnqueueReadBuffer(w->q, w->m, CL_TRUE, off, SLICE, got, 1,
					&ev, NULL) ||
		    memcmp(want, got, SLICE))
			w->ok = 0;
		clReleaseEvent(ev);
	}
	free(want);
	free(got);
	return NULL;
}

static void run_threads(int own_queues, cl_command_queue_properties props)
{
	struct env e = env_new(props);
	cl_mem m = new_buffer(e.ctx, 0, THREADS * SLICE, NULL);
	struct worker w[THREADS];
	pthread_t t[THREADS];
	unsigned i;

	for (i = 0; i < THREADS; i++) {
		w[i].q = own_queues ? hx_test_queue(e.ctx, e.dev, props) : e.q;
		w[i].m = m;
		w[i].id = i;
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK(w[i].ok);
		if (own_queues)
			CHECK_CL(clReleaseCommandQueue(w[i].q));
	}
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(threads_one_queue)
{
	run_threads(0, 0);
}

TEST(threads_one_queue_out_of_order)
{
	run_threads(0, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
}

TEST(threads_own_queues)
{
	run_threads(1, 0);
}

TEST(fill_size_zero_and_large)
{
	struct env e = env_new(0);
	size_t big = 48u << 20, i;
	cl_mem m = new_buffer(e.ctx, 0, big, NULL);
	unsigned char pat[16], *got = malloc(big);
	cl_uint p32 = 0xdeadbeef;

	/* size 0 is a multiple of every pattern size: nothing changes. */
	CHECK_CL(clEnqueueFillBuffer(e.q, m, &p32, 4, 0, big, 0, NULL, NULL));
	CHECK_CL(clEnqueueFillBuffer(e.q, m, pat, 16, 16, 0, 0, NULL, NULL));
	read_all(e.q, m, got, big);
	for (i = 0; i < big; i += 4)
		if (memcmp(got + i, &p32, 4))
			hx_test_fail(__FILE__, __LINE__, "byte %zu", i);
	/* A 16-byte pattern over most of a large buffer. */
	pattern_bytes(pat, 16, 3);
	CHECK_CL(clEnqueueFillBuffer(e.q, m, pat, 16, 4096, big - 8192, 0, NULL,
				     NULL));
	read_all(e.q, m, got, big);
	for (i = 0; i < big; i += 16)
		if (memcmp(got + i,
			   i < 4096 || i >= big - 4096 ? (void *)&p32 : pat,
			   4) ||
		    (i >= 4096 && i < big - 4096 && memcmp(got + i, pat, 16)))
			hx_test_fail(__FILE__, __LINE__, "byte %zu", i);
	free(got);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(profiling_times)
{
	struct env e = env_new(CL_QUEUE_PROFILING_ENABLE);
	cl_mem m = new_buffer(e.ctx, 0, 1 << 20, NULL);
	unsigned char *host = calloc(1, 1 << 20);
	cl_ulong t[4];
	cl_event ev;
	int i;

	CHECK_CL(clEnqueueWriteBuffer(e.q, m, CL_TRUE, 0, 1 << 20, host, 0,
				      NULL, &ev));
	for (i = 0; i < 4; i++)
		CHECK_CL(
		    clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_QUEUED + i,
					    sizeof(t[i]), &t[i], NULL));
	CHECK(t[0] <= t[1] && t[1] <= t[2] && t[2] <= t[3]);
	CHECK(t[3] > t[0]);
	CHECK_CL(clReleaseEvent(ev));
	free(host);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

/* Threads create buffers and sub-buffers, register callbacks and release
 * them while others do the same: each callback runs exactly once. */
static int destroyed;

static void CL_CALLBACK count_destroy(cl_mem m, void *ud)
{
	(void)m;
	(void)ud;
	__atomic_fetch_add(&destroyed, 1, __ATOMIC_RELAXED);
}

static void *churn(void *arg)
{
	cl_context ctx = arg;
	cl_buffer_region r = {128, 128};
	cl_mem m, s;
	int i;

	for (i = 0; i < 200; i++) {
		m = clCreateBuffer(ctx, 0, 1024, NULL, NULL);
		s = clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION, &r,
				      NULL);
		clSetMemObjectDestructorCallback(m, count_destroy, NULL);
		clSetMemObjectDestructorCallback(s, count_destroy, NULL);
		clReleaseMemObject(m);
		clReleaseMemObject(s);
	}
	return NULL;
}

TEST(threads_create_release)
{
	struct env e = env_new(0);
	pthread_t t[THREADS];
	unsigned i;

	destroyed = 0;
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, churn, e.ctx);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(__atomic_load_n(&destroyed, __ATOMIC_RELAXED),
		 THREADS * 200 * 2);
	env_free(&e);
}
