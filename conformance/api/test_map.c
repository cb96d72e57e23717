/* clEnqueueMapBuffer / clEnqueueUnmapMemObject: the mapped pointer is the
 * buffer's own memory, map counts, host access flags, failed maps. */
#include "mem_util.h"

#include <stdint.h>

static cl_uint map_count(cl_mem m)
{
	cl_uint n = 99;

	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_MAP_COUNT, sizeof(n), &n, NULL));
	return n;
}

TEST(map_read_write)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 4096, NULL);
	unsigned char want[4096], got[4096], *p;
	cl_command_type type = 0;
	cl_int err = 1;
	cl_event ev;

	pattern_bytes(want, 4096, 1);
	CHECK_CL(clEnqueueWriteBuffer(e.q, m, 1, 0, 4096, want, 0, NULL, NULL));
	p = clEnqueueMapBuffer(e.q, m, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 100,
			       1000, 0, NULL, &ev, &err);
	CHECK_CL(err);
	CHECK(p != NULL);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_MAP_BUFFER);
	CHECK_CL(clReleaseEvent(ev));
	check_bytes(p, want + 100, 1000);
	CHECK_EQ(map_count(m), 1);
	/* Writes through the pointer are the buffer's contents. */
	pattern_bytes(p, 1000, 2);
	memcpy(want + 100, p, 1000);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, m, p, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_UNMAP_MEM_OBJECT);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_EQ(map_count(m), 0);
	read_all(e.q, m, got, 4096);
	check_bytes(got, want, 4096);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(map_pointer_is_buffer_memory)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, CL_MEM_ALLOC_HOST_PTR, 4096, NULL);
	unsigned char *host = malloc(4096), *p0, *p1, *p2;
	cl_mem u;
	cl_int err;

	/* Two maps of one buffer are views of one memory, the first byte
	 * aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN (1024 bits). */
	p0 = clEnqueueMapBuffer(e.q, m, 1, CL_MAP_WRITE, 0, 4096, 0, NULL, NULL,
				&err);
	CHECK_CL(err);
	CHECK_EQ((uintptr_t)p0 % 128, 0);
	p1 = clEnqueueMapBuffer(e.q, m, 1, CL_MAP_READ, 64, 64, 0, NULL, NULL,
				&err);
	CHECK_CL(err);
	CHECK(p1 == p0 + 64);
	p0[64] = 0x42;
	CHECK_EQ(p1[0], 0x42);
	CHECK_EQ(map_count(m), 2);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, m, p1, 0, NULL, NULL));
	CHECK_CL(clEnqueueUnmapMemObject(e.q, m, p0, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q));
	CHECK_EQ(map_count(m), 0);
	/* USE_HOST_PTR: the map is host_ptr + offset. */
	u = new_buffer(e.ctx, CL_MEM_USE_HOST_PTR, 4096, host);
	p2 = clEnqueueMapBuffer(e.q, u, 1, CL_MAP_READ, 300, 10, 0, NULL, NULL,
				&err);
	CHECK_CL(err);
	CHECK(p2 == host + 300);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, u, p2, 0, NULL, NULL));
	CHECK_CL(clReleaseMemObject(u));
	CHECK_CL(clReleaseMemObject(m));
	free(host);
	env_free(&e);
}

TEST(map_errors)
{
	struct env e = env_new(0), o = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 256, NULL),
	       other = new_buffer(o.ctx, 0, 64, NULL);
	cl_int err;

#define MAP(q, mem, fl, off, sz)                                               \
	(err = 1,                                                              \
	 clEnqueueMapBuffer(q, mem, 1, fl, off, sz, 0, NULL, NULL, &err))
	CHECK(MAP(NULL, m, CL_MAP_READ, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_COMMAND_QUEUE);
	CHECK(MAP(e.q, NULL, CL_MAP_READ, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT);
	CHECK(MAP(e.q, dead_buffer(e.ctx), CL_MAP_READ, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT);
	CHECK(MAP(e.q, other, CL_MAP_READ, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(MAP(e.q, m, 1 << 7, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(MAP(e.q, m, CL_MAP_WRITE_INVALIDATE_REGION | CL_MAP_READ, 0, 8) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(MAP(e.q, m, CL_MAP_WRITE_INVALIDATE_REGION | CL_MAP_WRITE, 0,
		  8) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(MAP(e.q, m, CL_MAP_READ, 0, 0) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(MAP(e.q, m, CL_MAP_READ, 250, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clEnqueueMapBuffer(e.q, m, 1, CL_MAP_READ, 0, 8, 1, NULL, NULL,
				 &err) == NULL);
	CHECK_ERR(err, CL_INVALID_EVENT_WAIT_LIST);
	CHECK_EQ(map_count(m), 0);
	/* errcode_ret may be NULL. */
	CHECK(clEnqueueMapBuffer(e.q, m, 1, CL_MAP_READ, 0, 0, 0, NULL, NULL,
				 NULL) == NULL);
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseMemObject(other));
	env_free(&e);
	env_free(&o);
}

TEST(map_host_access)
{
	struct env e = env_new(0);
	cl_mem wo = new_buffer(e.ctx, CL_MEM_HOST_WRITE_ONLY, 64, NULL);
	cl_mem ro = new_buffer(e.ctx, CL_MEM_HOST_READ_ONLY, 64, NULL);
	cl_mem na = new_buffer(e.ctx, CL_MEM_HOST_NO_ACCESS, 64, NULL);
	void *p;
	cl_int err;

	CHECK(MAP(e.q, wo, CL_MAP_READ, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	p = MAP(e.q, wo, CL_MAP_WRITE, 0, 8);
	CHECK_CL(err);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, wo, p, 0, NULL, NULL));
	p = MAP(e.q, wo, CL_MAP_WRITE_INVALIDATE_REGION, 0, 8);
	CHECK_CL(err);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, wo, p, 0, NULL, NULL));
	CHECK(MAP(e.q, ro, CL_MAP_WRITE, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(MAP(e.q, ro, CL_MAP_WRITE_INVALIDATE_REGION, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	p = MAP(e.q, ro, CL_MAP_READ, 0, 8);
	CHECK_CL(err);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, ro, p, 0, NULL, NULL));
	CHECK(MAP(e.q, na, CL_MAP_READ, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(MAP(e.q, na, CL_MAP_WRITE, 0, 8) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK_EQ(map_count(wo) + map_count(ro) + map_count(na), 0);
	CHECK_CL(clReleaseMemObject(wo));
	CHECK_CL(clReleaseMemObject(ro));
	CHECK_CL(clReleaseMemObject(na));
	env_free(&e);
}

TEST(unmap_errors)
{
	struct env e = env_new(0), o = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 256, NULL),
	       m2 = new_buffer(e.ctx, 0, 256, NULL);
	cl_mem other = new_buffer(o.ctx, 0, 64, NULL);
	unsigned char *p;
	cl_int err;

	p = MAP(e.q, m, CL_MAP_READ, 16, 32);
	CHECK_CL(err);
	CHECK_ERR(clEnqueueUnmapMemObject(NULL, m, p, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueUnmapMemObject(e.q, NULL, p, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueUnmapMemObject(e.q, other, p, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	/* Not a pointer mapped from this object. */
	CHECK_ERR(clEnqueueUnmapMemObject(e.q, m, p + 1, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueUnmapMemObject(e.q, m2, p, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueUnmapMemObject(e.q, m, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueUnmapMemObject(e.q, m, p, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_EQ(map_count(m), 1);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, m, p, 0, NULL, NULL));
	/* Twice: the second has nothing left to unmap. */
	CHECK_ERR(clEnqueueUnmapMemObject(e.q, m, p, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseMemObject(m2));
	CHECK_CL(clReleaseMemObject(other));
	env_free(&e);
	env_free(&o);
}

TEST(map_behind_failed_event)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 256, NULL);
	cl_event u = clCreateUserEvent(e.ctx, NULL), ev;
	unsigned char *p;
	cl_int err = 1, st = 0;

	CHECK_CL(clSetUserEventStatus(u, -5));
	p = clEnqueueMapBuffer(e.q, m, CL_TRUE, CL_MAP_READ, 0, 64, 1, &u, NULL,
			       &err);
	CHECK(p == NULL);
	CHECK_ERR(err, CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(map_count(m), 0);
	/* A non-blocking map returns its pointer; its event reports. */
	p = clEnqueueMapBuffer(e.q, m, CL_FALSE, CL_MAP_READ, 0, 64, 1, &u, &ev,
			       &err);
	CHECK_CL(err);
	CHECK(p != NULL);
	CHECK_ERR(clWaitForEvents(1, &ev),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK(st < 0);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clEnqueueUnmapMemObject(e.q, m, p, 0, NULL, NULL));
	CHECK_CL(clReleaseEvent(u));
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(map_waits_for_earlier_commands)
{
	struct env e = env_new(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_mem m = new_buffer(e.ctx, 0, 4096, NULL);
	cl_event u = clCreateUserEvent(e.ctx, NULL), wev;
	unsigned char want[4096], *p;
	cl_int err;

	pattern_bytes(want, 4096, 3);
	CHECK_CL(
	    clEnqueueWriteBuffer(e.q, m, CL_FALSE, 0, 4096, want, 1, &u, &wev));
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	p = clEnqueueMapBuffer(e.q, m, CL_TRUE, CL_MAP_READ, 0, 4096, 1, &wev,
			       NULL, &err);
	CHECK_CL(err);
	check_bytes(p, want, 4096);
	CHECK_CL(clEnqueueUnmapMemObject(e.q, m, p, 0, NULL, NULL));
	CHECK_CL(clReleaseEvent(wev));
	CHECK_CL(clReleaseEvent(u));
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}
