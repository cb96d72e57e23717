/* Contexts: creation (properties, devices, callbacks), from type,
 * reference counting, queries and destructor callbacks. */
#include "cl_util.h"
#include "harness.h"

#include <CL/cl_egl.h>
#include <CL/cl_gl.h>

static cl_uint ctx_uint(cl_context ctx, cl_context_info p)
{
	cl_uint v = 0;
	size_t n = 0;

	CHECK_CL(clGetContextInfo(ctx, p, sizeof(v), &v, &n));
	CHECK_EQ(n, sizeof(v));
	return v;
}

static void CL_CALLBACK notify(const char *err, const void *pi, size_t cb,
			       void *ud)
{
	(void)err, (void)pi, (void)cb, (void)ud;
}

TEST(create_basic)
{
	cl_device_id dev = hx_test_device(0), got[4];
	cl_int err = 1;
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	size_t n = 99;

	CHECK_CL(err);
	CHECK(ctx != NULL);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_REFERENCE_COUNT), 1);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_NUM_DEVICES), 1);
	CHECK_CL(
	    clGetContextInfo(ctx, CL_CONTEXT_DEVICES, sizeof(got), got, &n));
	CHECK_EQ(n, sizeof(cl_device_id));
	CHECK(got[0] == dev);
	/* No properties given: an empty list. */
	CHECK_CL(clGetContextInfo(ctx, CL_CONTEXT_PROPERTIES, 0, NULL, &n));
	CHECK_EQ(n, 0);
	CHECK_CL(
	    clGetContextInfo(ctx, CL_CONTEXT_PROPERTIES, sizeof(got), got, &n));
	CHECK_EQ(n, 0);
	CHECK_CL(clReleaseContext(ctx));
}

/* errcode_ret may be NULL. */
TEST(create_no_errcode)
{
	cl_device_id dev = hx_test_device(0);
	cl_context ctx = clCreateContext(NULL, 1, &dev, notify, &dev, NULL);

	CHECK(ctx != NULL);
	CHECK_CL(clReleaseContext(ctx));
	ctx = clCreateContext(NULL, 0, &dev, NULL, NULL, NULL);
	CHECK(ctx == NULL);
}

/* The property list is returned as given, terminator included. */
TEST(create_with_properties)
{
	cl_device_id dev = hx_test_device(0);
	cl_context_properties props[] = {
	    CL_CONTEXT_PLATFORM, (cl_context_properties)hx_test_platform(),
	    CL_CONTEXT_INTEROP_USER_SYNC, CL_TRUE, 0};
	cl_context_properties got[8];
	cl_int err;
	cl_context ctx = clCreateContext(props, 1, &dev, NULL, NULL, &err);
	size_t n = 0;

	CHECK_CL(err);
	CHECK_CL(
	    clGetContextInfo(ctx, CL_CONTEXT_PROPERTIES, sizeof(got), got, &n));
	CHECK_EQ(n, sizeof(props));
	CHECK(memcmp(got, props, sizeof(props)) == 0);
	CHECK_ERR(
	    clGetContextInfo(ctx, CL_CONTEXT_PROPERTIES, n - 1, got, NULL),
	    CL_INVALID_VALUE);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_invalid_values)
{
	cl_device_id dev = hx_test_device(0);
	cl_context_properties plat[] = {
	    CL_CONTEXT_PLATFORM, (cl_context_properties)hx_test_platform(), 0};
	cl_int err = 0;

	CHECK(clCreateContext(plat, 0, &dev, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateContext(plat, 1, NULL, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	/* user_data without a callback. */
	CHECK(clCreateContext(plat, 1, &dev, NULL, &dev, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
}

TEST(create_invalid_properties)
{
	cl_device_id dev = hx_test_device(0);
	cl_platform_id p = hx_test_platform();
	cl_context_properties unknown[] = {0x7777, 1, 0};
	cl_context_properties twice[] = {
	    CL_CONTEXT_PLATFORM, (cl_context_properties)p, CL_CONTEXT_PLATFORM,
	    (cl_context_properties)p, 0};
	cl_context_properties bad_sync[] = {CL_CONTEXT_PLATFORM,
					    (cl_context_properties)p,
					    CL_CONTEXT_INTEROP_USER_SYNC, 7, 0};
	cl_int err = 0;

	CHECK(clCreateContext(unknown, 1, &dev, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROPERTY);
	CHECK(clCreateContext(bad_sync, 1, &dev, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROPERTY);
	CHECK(clCreateContext(twice, 1, &dev, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PROPERTY);
}

/* A platform property naming an object of another type (the loader
 * dispatches on it to hmmcl). */
TEST(create_invalid_platform)
{
	cl_device_id dev = hx_test_device(0);
	cl_context_properties bad[] = {CL_CONTEXT_PLATFORM,
				       (cl_context_properties)dev, 0};
	cl_int err = 0;

	CHECK(clCreateContext(bad, 1, &dev, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PLATFORM);
	CHECK(clCreateContextFromType(bad, CL_DEVICE_TYPE_ALL, NULL, NULL,
				      &err) == NULL);
	CHECK_ERR(err, CL_INVALID_PLATFORM);
}

TEST(create_invalid_device)
{
	cl_device_id dev = hx_test_device(0);
	cl_context ctx = hx_test_context(NULL);
	cl_device_id devs[2] = {dev, (cl_device_id)ctx};
	cl_int err = 0;

	CHECK(clCreateContext(NULL, 2, devs, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE);
	CHECK_CL(clReleaseContext(ctx));
}

/* "Duplicate devices specified in devices are ignored." */
TEST(create_duplicate_devices_ignored)
{
	cl_device_id dev = hx_test_device(0), devs[3] = {dev, dev, dev};
	cl_int err = 0;
	cl_context ctx = clCreateContext(NULL, 3, devs, NULL, NULL, &err);

	CHECK_CL(err);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_NUM_DEVICES), 1);
	CHECK_CL(clReleaseContext(ctx));
}

static cl_context from_type(cl_device_type type, cl_int *err)
{
	cl_context_properties props[] = {
	    CL_CONTEXT_PLATFORM, (cl_context_properties)hx_test_platform(), 0};

	return clCreateContextFromType(props, type, NULL, NULL, err);
}

TEST(create_from_type)
{
	cl_device_id dev = hx_test_device(0), got = NULL;
	cl_device_type type = 0;
	cl_int err = 1;
	cl_context ctx;

	CHECK_CL(
	    clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(type), &type, NULL));
	ctx = from_type(CL_DEVICE_TYPE_ALL, &err);
	CHECK_CL(err);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_NUM_DEVICES), 1);
	CHECK_CL(
	    clGetContextInfo(ctx, CL_CONTEXT_DEVICES, sizeof(got), &got, NULL));
	CHECK(got == dev);
	CHECK_CL(clReleaseContext(ctx));
	ctx = from_type(CL_DEVICE_TYPE_DEFAULT, &err);
	CHECK_CL(err);
	CHECK_CL(clReleaseContext(ctx));
	ctx = from_type(type, &err);
	CHECK_CL(err);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_from_type_errors)
{
	cl_device_type type = 0, other;
	cl_int err = 0;

	CHECK_CL(clGetDeviceInfo(hx_test_device(0), CL_DEVICE_TYPE,
				 sizeof(type), &type, NULL));
	other = (type & CL_DEVICE_TYPE_GPU) ? CL_DEVICE_TYPE_CPU
					    : CL_DEVICE_TYPE_GPU;
	CHECK(from_type(other, &err) == NULL);
	CHECK_ERR(err, CL_DEVICE_NOT_FOUND);
	CHECK(from_type((cl_device_type)1 << 40, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE_TYPE);
	CHECK(clCreateContextFromType(NULL, CL_DEVICE_TYPE_ALL, NULL, &err,
				      &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
}

TEST(retain_release_counts)
{
	cl_context ctx = hx_test_context(NULL);

	CHECK_CL(clRetainContext(ctx));
	CHECK_CL(clRetainContext(ctx));
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_REFERENCE_COUNT), 3);
	CHECK_CL(clReleaseContext(ctx));
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_REFERENCE_COUNT), 2);
	CHECK_CL(clReleaseContext(ctx));
	CHECK_CL(clReleaseContext(ctx));
}

/* A released context is an invalid handle for every call. */
TEST(released_context_is_invalid)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_int err = 0;
	cl_uint v;

	CHECK_CL(clReleaseContext(ctx));
	CHECK_ERR(
	    clGetContextInfo(ctx, CL_CONTEXT_NUM_DEVICES, sizeof(v), &v, NULL),
	    CL_INVALID_CONTEXT);
	CHECK_ERR(clRetainContext(ctx), CL_INVALID_CONTEXT);
	CHECK_ERR(clReleaseContext(ctx), CL_INVALID_CONTEXT);
	CHECK(clCreateCommandQueueWithProperties(ctx, dev, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateUserEvent(ctx, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
}

TEST(wrong_object_type)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_uint v;

	CHECK_ERR(clGetContextInfo((cl_context)q, CL_CONTEXT_NUM_DEVICES,
				   sizeof(v), &v, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clRetainContext((cl_context)q), CL_INVALID_CONTEXT);
	CHECK_ERR(clReleaseContext((cl_context)dev), CL_INVALID_CONTEXT);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(info_errors)
{
	cl_context ctx = hx_test_context(NULL);
	cl_uint v = 5;
	size_t n = 77;

	CHECK_ERR(clGetContextInfo(ctx, 0x7777, sizeof(v), &v, &n),
		  CL_INVALID_VALUE);
	CHECK_EQ(n, 77);
	CHECK_ERR(clGetContextInfo(ctx, CL_CONTEXT_NUM_DEVICES, sizeof(v) - 1,
				   &v, &n),
		  CL_INVALID_VALUE);
	CHECK_EQ(v, 5);
	CHECK_CL(clGetContextInfo(ctx, CL_CONTEXT_NUM_DEVICES, 0, NULL, &n));
	CHECK_EQ(n, sizeof(cl_uint));
	CHECK_CL(
	    clGetContextInfo(ctx, CL_CONTEXT_REFERENCE_COUNT, 0, NULL, &n));
	CHECK_EQ(n, sizeof(cl_uint));
	CHECK_CL(clGetContextInfo(ctx, CL_CONTEXT_DEVICES, 0, NULL, &n));
	CHECK_EQ(n, sizeof(cl_device_id));
	CHECK_CL(clReleaseContext(ctx));
}

static int order[8], norder;

static void CL_CALLBACK destructor(cl_context ctx, void *ud)
{
	(void)ctx;
	order[norder++] = (int)(intptr_t)ud;
}

/* Destructor callbacks run at the last release, newest first. */
TEST(destructor_callbacks)
{
	cl_context ctx = hx_test_context(NULL);

	CHECK_CL(clSetContextDestructorCallback(ctx, destructor, (void *)1));
	CHECK_CL(clSetContextDestructorCallback(ctx, destructor, (void *)2));
	CHECK_CL(clSetContextDestructorCallback(ctx, destructor, (void *)3));
	CHECK_CL(clRetainContext(ctx));
	CHECK_CL(clReleaseContext(ctx));
	CHECK_EQ(norder, 0);
	CHECK_CL(clReleaseContext(ctx));
	CHECK_EQ(norder, 3);
	CHECK_EQ(order[0], 3);
	CHECK_EQ(order[1], 2);
	CHECK_EQ(order[2], 1);
}

TEST(destructor_callback_errors)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);

	CHECK_ERR(clSetContextDestructorCallback(ctx, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(
	    clSetContextDestructorCallback((cl_context)dev, destructor, NULL),
	    CL_INVALID_CONTEXT);
	CHECK_CL(clReleaseContext(ctx));
	CHECK_ERR(clSetContextDestructorCallback(ctx, destructor, NULL),
		  CL_INVALID_CONTEXT);
}

/* A queue and an event keep their context alive after the application
 * released it; the destructor runs when the last of them goes. */
TEST(context_outlives_its_release)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_context got = NULL;
	cl_int err;
	cl_event ev = clCreateUserEvent(ctx, &err);

	CHECK_CL(err);
	CHECK_CL(clSetContextDestructorCallback(ctx, destructor, (void *)7));
	CHECK_CL(clReleaseContext(ctx));
	CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(got), &got,
				       NULL));
	CHECK(got == ctx);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_NUM_DEVICES), 1);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_EQ(norder, 0);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_CONTEXT, sizeof(got), &got, NULL));
	CHECK(got == ctx);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_EQ(norder, 1);
	CHECK_EQ(order[0], 7);
}

/* GL and EGL sharing: no hmmcl context comes from a GL or EGL context,
 * so each entry point fails with the error for that case, after the
 * usual handle and argument checks. */
TEST(gl_egl_sharing_unsupported)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_mem not_mem = (cl_mem)ctx;
	cl_context_properties props[] = {
	    CL_CONTEXT_PLATFORM, (cl_context_properties)hx_test_platform(),
	    CL_GL_CONTEXT_KHR, 1, 0};
	cl_gl_object_type type;
	cl_GLuint name;
	cl_int err = 0;
	size_t n;

	CHECK(clCreateFromGLBuffer(ctx, CL_MEM_READ_WRITE, 1, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateFromGLTexture(ctx, CL_MEM_READ_WRITE, 0x0DE1, 0, 1,
				    &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateFromGLRenderbuffer(ctx, CL_MEM_READ_WRITE, 1, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateFromGLBuffer((cl_context)q, CL_MEM_READ_WRITE, 1, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateEventFromGLsyncKHR(ctx, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateEventFromEGLSyncKHR(ctx, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateFromEGLImageKHR(ctx, NULL, NULL, CL_MEM_READ_WRITE, NULL,
				      &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK_ERR(clGetGLObjectInfo(not_mem, &type, &name),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clGetGLTextureInfo(not_mem, CL_GL_TEXTURE_TARGET,
				     sizeof(name), &name, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clGetGLContextInfoKHR(props,
					CL_CURRENT_DEVICE_FOR_GL_CONTEXT_KHR,
					sizeof(dev), &dev, &n),
		  CL_INVALID_GL_SHAREGROUP_REFERENCE_KHR);
	CHECK_ERR(clEnqueueAcquireGLObjects(q, 0, NULL, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueReleaseGLObjects(q, 0, NULL, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueAcquireGLObjects(q, 1, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueAcquireGLObjects(q, 0, &not_mem, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueAcquireGLObjects(q, 1, &not_mem, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueAcquireGLObjects(q, 0, NULL, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueAcquireEGLObjectsKHR(q, 0, NULL, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueReleaseEGLObjectsKHR(q, 0, NULL, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueAcquireGLObjects((cl_command_queue)ctx, 0, NULL, 0,
					    NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}
