/* clCreateSubBuffer: shared storage, flag inheritance, every error. */
#include "mem_util.h"

static cl_mem sub(cl_mem parent, cl_mem_flags flags, size_t origin, size_t size,
		  cl_int *err)
{
	cl_buffer_region r = {origin, size};

	*err = 1;
	return clCreateSubBuffer(parent, flags, CL_BUFFER_CREATE_TYPE_REGION,
				 &r, err);
}

static cl_mem_flags flags_of(cl_mem m)
{
	cl_mem_flags f = 0;

	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_FLAGS, sizeof(f), &f, NULL));
	return f;
}

TEST(shares_parent_storage)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 4096, NULL), s;
	unsigned char want[4096], got[4096];
	cl_uint rc = 0;
	cl_mem assoc = NULL;
	size_t off = 1;
	cl_int err;

	pattern_bytes(want, 4096, 1);
	CHECK_CL(clEnqueueWriteBuffer(e.q, m, 1, 0, 4096, want, 0, NULL, NULL));
	s = sub(m, 0, 1024, 512, &err);
	CHECK_CL(err);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof(rc), &rc,
				    NULL));
	CHECK_EQ(rc, 2);
	CHECK_CL(clGetMemObjectInfo(s, CL_MEM_ASSOCIATED_MEMOBJECT,
				    sizeof(assoc), &assoc, NULL));
	CHECK(assoc == m);
	CHECK_CL(clGetMemObjectInfo(s, CL_MEM_OFFSET, sizeof(off), &off, NULL));
	CHECK_EQ(off, 1024);
	read_all(e.q, s, got, 512);
	check_bytes(got, want + 1024, 512);
	/* A write to the sub-buffer is a write to the buffer. */
	pattern_bytes(want + 1024 + 10, 100, 2);
	CHECK_CL(clEnqueueWriteBuffer(e.q, s, 1, 10, 100, want + 1034, 0, NULL,
				      NULL));
	read_all(e.q, m, got, 4096);
	check_bytes(got, want, 4096);
	/* The sub-buffer keeps the buffer's storage alive. */
	CHECK_CL(clReleaseMemObject(m));
	read_all(e.q, s, got, 512);
	check_bytes(got, want + 1024, 512);
	CHECK_CL(clReleaseMemObject(s));
	env_free(&e);
}

TEST(flag_inheritance)
{
	struct env e = env_new(0);
	unsigned char host[4096];
	cl_mem ro = new_buffer(e.ctx, CL_MEM_READ_ONLY | CL_MEM_HOST_READ_ONLY,
			       1024, NULL);
	cl_mem use = new_buffer(e.ctx, CL_MEM_USE_HOST_PTR | CL_MEM_WRITE_ONLY,
				4096, host);
	cl_mem cp = new_buffer(
	    e.ctx, CL_MEM_COPY_HOST_PTR | CL_MEM_ALLOC_HOST_PTR, 1024, host);
	cl_mem s;
	void *hp = NULL;
	cl_int err;

	s = sub(ro, 0, 0, 128, &err);
	CHECK_CL(err);
	CHECK_EQ(flags_of(s), CL_MEM_READ_ONLY | CL_MEM_HOST_READ_ONLY);
	CHECK_CL(clReleaseMemObject(s));
	s = sub(ro, CL_MEM_HOST_NO_ACCESS, 0, 128, &err);
	CHECK_CL(err);
	CHECK_EQ(flags_of(s), CL_MEM_READ_ONLY | CL_MEM_HOST_NO_ACCESS);
	CHECK_CL(clReleaseMemObject(s));
	/* USE_HOST_PTR is inherited; CL_MEM_HOST_PTR is host_ptr + origin. */
	s = sub(use, CL_MEM_HOST_WRITE_ONLY, 256, 128, &err);
	CHECK_CL(err);
	CHECK_EQ(flags_of(s), CL_MEM_USE_HOST_PTR | CL_MEM_WRITE_ONLY |
				  CL_MEM_HOST_WRITE_ONLY);
	CHECK_CL(clGetMemObjectInfo(s, CL_MEM_HOST_PTR, sizeof(hp), &hp, NULL));
	CHECK(hp == host + 256);
	CHECK_CL(clReleaseMemObject(s));
	s = sub(cp, CL_MEM_WRITE_ONLY, 128, 128, &err);
	CHECK_CL(err);
	CHECK_EQ(flags_of(s), CL_MEM_COPY_HOST_PTR | CL_MEM_ALLOC_HOST_PTR |
				  CL_MEM_WRITE_ONLY);
	CHECK_CL(clGetMemObjectInfo(s, CL_MEM_HOST_PTR, sizeof(hp), &hp, NULL));
	CHECK(hp == NULL);
	CHECK_CL(clReleaseMemObject(s));
	CHECK_CL(clReleaseMemObject(ro));
	CHECK_CL(clReleaseMemObject(use));
	CHECK_CL(clReleaseMemObject(cp));
	env_free(&e);
}

TEST(errors)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 4096, NULL), s, s2;
	cl_mem wo = new_buffer(e.ctx, CL_MEM_WRITE_ONLY, 1024, NULL);
	cl_mem ro = new_buffer(e.ctx, CL_MEM_READ_ONLY, 1024, NULL);
	cl_mem hw = new_buffer(e.ctx, CL_MEM_HOST_WRITE_ONLY, 1024, NULL);
	cl_mem hr = new_buffer(e.ctx, CL_MEM_HOST_READ_ONLY, 1024, NULL);
	cl_mem hn = new_buffer(e.ctx, CL_MEM_HOST_NO_ACCESS, 1024, NULL);
	cl_buffer_region r = {0, 64};
	cl_uint align_bits = 0;
	cl_int err;

	CHECK(sub(NULL, 0, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT);
	CHECK(sub(dead_buffer(e.ctx), 0, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT);
	CHECK(sub(WRONG_TYPE(e.ctx, cl_mem), 0, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT);
	/* No sub-buffer of a sub-buffer. */
	s = sub(m, 0, 0, 1024, &err);
	CHECK_CL(err);
	CHECK(sub(s, 0, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT);
	/* Flags. */
	CHECK(sub(m, CL_MEM_USE_HOST_PTR, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(m, CL_MEM_ALLOC_HOST_PTR, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(m, CL_MEM_COPY_HOST_PTR, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(m, (cl_mem_flags)1 << 40, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(m, CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY, 0, 64, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(wo, CL_MEM_READ_WRITE, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(wo, CL_MEM_READ_ONLY, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(ro, CL_MEM_READ_WRITE, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(ro, CL_MEM_WRITE_ONLY, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(hw, CL_MEM_HOST_READ_ONLY, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(hr, CL_MEM_HOST_WRITE_ONLY, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(hn, CL_MEM_HOST_READ_ONLY, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(hn, CL_MEM_HOST_WRITE_ONLY, 0, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	/* Narrowing is allowed. */
	s2 = sub(wo, CL_MEM_WRITE_ONLY | CL_MEM_HOST_NO_ACCESS, 0, 64, &err);
	CHECK_CL(err);
	CHECK_CL(clReleaseMemObject(s2));
	/* Type and info. */
	CHECK(clCreateSubBuffer(m, 0, 0x1234, &r, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION, NULL,
				&err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	/* Region: size 0, out of bounds, misaligned origin. */
	CHECK(sub(m, 0, 0, 0, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE);
	CHECK(sub(m, 0, 4096 - 128, 129, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(m, 0, 8192, 64, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(sub(m, 0, 128, SIZE_MAX, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_MEM_BASE_ADDR_ALIGN,
				 sizeof(align_bits), &align_bits, NULL));
	CHECK_EQ(align_bits, 1024);
	CHECK(sub(m, 0, align_bits / 8 / 2, 64, &err) == NULL);
	CHECK_ERR(err, CL_MISALIGNED_SUB_BUFFER_OFFSET);
	CHECK(sub(m, 0, 1, 64, &err) == NULL);
	CHECK_ERR(err, CL_MISALIGNED_SUB_BUFFER_OFFSET);
	s2 = sub(m, 0, align_bits / 8, 4096 - align_bits / 8, &err);
	CHECK_CL(err);
	CHECK_CL(clReleaseMemObject(s2));
	CHECK_CL(clReleaseMemObject(s));
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseMemObject(wo));
	CHECK_CL(clReleaseMemObject(ro));
	CHECK_CL(clReleaseMemObject(hw));
	CHECK_CL(clReleaseMemObject(hr));
	CHECK_CL(clReleaseMemObject(hn));
	env_free(&e);
}

TEST(sub_buffer_host_access)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 1024, NULL), s;
	unsigned char buf[64] = {0};
	cl_int err;

	s = sub(m, CL_MEM_HOST_READ_ONLY, 128, 128, &err);
	CHECK_CL(err);
	CHECK_ERR(clEnqueueWriteBuffer(e.q, s, 1, 0, 64, buf, 0, NULL, NULL),
		  CL_INVALID_OPERATION);
	CHECK_CL(clEnqueueReadBuffer(e.q, s, 1, 0, 64, buf, 0, NULL, NULL));
	/* Bounds are the sub-buffer's own. */
	CHECK_ERR(clEnqueueReadBuffer(e.q, s, 1, 100, 64, buf, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_CL(clReleaseMemObject(s));
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}
