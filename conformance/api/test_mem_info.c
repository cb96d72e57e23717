/* clGetMemObjectInfo: every parameter, size queries, too-small buffers,
 * invalid handles; CL_MEM_USES_SVM_POINTER over clSVMAlloc memory. */
#include "mem_util.h"

struct param {
	cl_mem_info name;
	size_t size;
};

static const struct param params[] = {
    {CL_MEM_TYPE, sizeof(cl_mem_object_type)},
    {CL_MEM_FLAGS, sizeof(cl_mem_flags)},
    {CL_MEM_SIZE, sizeof(size_t)},
    {CL_MEM_HOST_PTR, sizeof(void *)},
    {CL_MEM_MAP_COUNT, sizeof(cl_uint)},
    {CL_MEM_REFERENCE_COUNT, sizeof(cl_uint)},
    {CL_MEM_CONTEXT, sizeof(cl_context)},
    {CL_MEM_ASSOCIATED_MEMOBJECT, sizeof(cl_mem)},
    {CL_MEM_OFFSET, sizeof(size_t)},
    {CL_MEM_USES_SVM_POINTER, sizeof(cl_bool)},
};

TEST(sizes_and_small_buffers)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, CL_MEM_READ_ONLY, 1000, NULL);
	unsigned char buf[64];
	size_t n;
	unsigned i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		n = 0;
		CHECK_CL(clGetMemObjectInfo(m, params[i].name, 0, NULL, &n));
		CHECK_EQ(n, params[i].size);
		n = 0;
		CHECK_CL(clGetMemObjectInfo(m, params[i].name, sizeof(buf), buf,
					    &n));
		CHECK_EQ(n, params[i].size);
		CHECK_CL(clGetMemObjectInfo(m, params[i].name, params[i].size,
					    buf, NULL));
		CHECK_ERR(clGetMemObjectInfo(m, params[i].name,
					     params[i].size - 1, buf, NULL),
			  CL_INVALID_VALUE);
	}
	CHECK_ERR(clGetMemObjectInfo(m, 0x7777, sizeof(buf), buf, &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetMemObjectInfo(m, CL_IMAGE_FORMAT, sizeof(buf), buf, &n),
		  CL_INVALID_VALUE);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(values)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, CL_MEM_READ_ONLY, 1000, NULL);
	cl_mem_object_type type = 0;
	cl_mem_flags flags = 0;
	size_t size = 0, off = 7;
	void *hp = (void *)1;
	cl_uint mc = 9, rc = 0;
	cl_context ctx = NULL;
	cl_mem assoc = (cl_mem)1;
	cl_bool svm = CL_TRUE;

	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_TYPE, sizeof(type), &type, NULL));
	CHECK_EQ(type, CL_MEM_OBJECT_BUFFER);
	CHECK_CL(
	    clGetMemObjectInfo(m, CL_MEM_FLAGS, sizeof(flags), &flags, NULL));
	CHECK_EQ(flags, CL_MEM_READ_ONLY);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof(size), &size, NULL));
	CHECK_EQ(size, 1000);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_HOST_PTR, sizeof(hp), &hp, NULL));
	CHECK(hp == NULL);
	CHECK_CL(
	    clGetMemObjectInfo(m, CL_MEM_MAP_COUNT, sizeof(mc), &mc, NULL));
	CHECK_EQ(mc, 0);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof(rc), &rc,
				    NULL));
	CHECK_EQ(rc, 1);
	CHECK_CL(
	    clGetMemObjectInfo(m, CL_MEM_CONTEXT, sizeof(ctx), &ctx, NULL));
	CHECK(ctx == e.ctx);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_ASSOCIATED_MEMOBJECT,
				    sizeof(assoc), &assoc, NULL));
	CHECK(assoc == NULL);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_OFFSET, sizeof(off), &off, NULL));
	CHECK_EQ(off, 0);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(svm),
				    &svm, NULL));
	CHECK_EQ(svm, CL_FALSE);
	CHECK_CL(clReleaseMemObject(m));
	env_free(&e);
}

TEST(invalid_handles)
{
	struct env e = env_new(0);
	cl_uint rc;

	CHECK_ERR(clGetMemObjectInfo(NULL, CL_MEM_REFERENCE_COUNT, sizeof(rc),
				     &rc, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clGetMemObjectInfo(dead_buffer(e.ctx), CL_MEM_REFERENCE_COUNT,
				     sizeof(rc), &rc, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clGetMemObjectInfo(WRONG_TYPE(e.q, cl_mem),
				     CL_MEM_REFERENCE_COUNT, sizeof(rc), &rc,
				     NULL),
		  CL_INVALID_MEM_OBJECT);
	env_free(&e);
}

TEST(uses_svm_pointer)
{
	struct env e = env_new(0);
	cl_device_svm_capabilities caps = 0;
	unsigned char *plain = malloc(4096), *svm;
	cl_buffer_region r = {256, 256};
	cl_bool uses = CL_FALSE;
	cl_mem m, s;

	/* Memory from malloc is not an SVM allocation of the context. */
	m = new_buffer(e.ctx, CL_MEM_USE_HOST_PTR, 4096, plain);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(uses),
				    &uses, NULL));
	CHECK_EQ(uses, CL_FALSE);
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clGetDeviceInfo(e.dev, CL_DEVICE_SVM_CAPABILITIES,
				 sizeof(caps), &caps, NULL));
	if (!caps)
		SKIP("device reports no SVM");
	svm = clSVMAlloc(e.ctx, CL_MEM_READ_WRITE, 8192, 0);
	CHECK(svm != NULL);
	/* A buffer over the middle of a clSVMAlloc allocation, and its
	 * sub-buffer. */
	m = new_buffer(e.ctx, CL_MEM_USE_HOST_PTR, 4096, svm + 1024);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(uses),
				    &uses, NULL));
	CHECK_EQ(uses, CL_TRUE);
	s = clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, NULL);
	CHECK(s != NULL);
	uses = CL_FALSE;
	CHECK_CL(clGetMemObjectInfo(s, CL_MEM_USES_SVM_POINTER, sizeof(uses),
				    &uses, NULL));
	CHECK_EQ(uses, CL_TRUE);
	CHECK_CL(clReleaseMemObject(s));
	CHECK_CL(clReleaseMemObject(m));
	/* COPY_HOST_PTR from SVM memory gives a buffer of its own. */
	m = new_buffer(e.ctx, CL_MEM_COPY_HOST_PTR, 4096, svm);
	CHECK_CL(clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(uses),
				    &uses, NULL));
	CHECK_EQ(uses, CL_FALSE);
	CHECK_CL(clReleaseMemObject(m));
	clSVMFree(e.ctx, svm);
	free(plain);
	env_free(&e);
}
