/* Command queues: creation with and without properties, queries,
 * reference counting, flush/finish and the errors of each. */
#include "cl_util.h"
#include "harness.h"

static cl_command_queue make(cl_context ctx, cl_device_id dev,
			     const cl_queue_properties *props, cl_int *err)
{
	return clCreateCommandQueueWithProperties(ctx, dev, props, err);
}

static cl_ulong queue_props(cl_command_queue q)
{
	cl_command_queue_properties v = ~0ull;
	size_t n = 0;

	CHECK_CL(
	    clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES, sizeof(v), &v, &n));
	CHECK_EQ(n, sizeof(v));
	return v;
}

static cl_uint queue_refs(cl_command_queue q)
{
	cl_uint v = 0;

	CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, sizeof(v),
				       &v, NULL));
	return v;
}

TEST(create_in_order_and_query)
{
	cl_device_id dev, gdev = NULL;
	cl_context ctx = hx_test_context(&dev), gctx = NULL;
	cl_command_queue q = hx_test_queue(ctx, dev, 0), def = (void *)1;
	cl_queue_properties arr[8];
	size_t n = 0;

	CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(gctx), &gctx,
				       &n));
	CHECK_EQ(n, sizeof(cl_context));
	CHECK(gctx == ctx);
	CHECK_CL(
	    clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(gdev), &gdev, &n));
	CHECK(gdev == dev);
	CHECK_EQ(queue_props(q), 0);
	CHECK_EQ(queue_refs(q), 1);
	/* The list as given, terminator included. */
	CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY,
				       sizeof(arr), arr, &n));
	CHECK_EQ(n, 3 * sizeof(cl_queue_properties));
	CHECK_EQ(arr[0], CL_QUEUE_PROPERTIES);
	CHECK_EQ(arr[1], 0);
	CHECK_EQ(arr[2], 0);
	CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_DEVICE_DEFAULT, sizeof(def),
				       &def, &n));
	CHECK_EQ(n, sizeof(cl_command_queue));
	CHECK(def == NULL);
	/* CL_QUEUE_SIZE is for device queues only. */
	CHECK_ERR(
	    clGetCommandQueueInfo(q, CL_QUEUE_SIZE, sizeof(cl_uint), arr, NULL),
	    CL_INVALID_COMMAND_QUEUE);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_out_of_order_profiling)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	const cl_command_queue_properties all =
	    CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE;
	cl_command_queue q = hx_test_queue(ctx, dev, all);

	CHECK_EQ(queue_props(q), all);
	CHECK_CL(clReleaseCommandQueue(q));
	q = hx_test_queue(ctx, dev, CL_QUEUE_PROFILING_ENABLE);
	CHECK_EQ(queue_props(q), CL_QUEUE_PROFILING_ENABLE);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

/* No property list (NULL, or only the terminator): the defaults, and an
 * empty CL_QUEUE_PROPERTIES_ARRAY for NULL. */
TEST(create_default_properties)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_queue_properties empty[] = {0}, arr[4];
	cl_int err = 1;
	cl_command_queue q = make(ctx, dev, NULL, &err);
	size_t n = 99;

	CHECK_CL(err);
	CHECK_EQ(queue_props(q), 0);
	CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY,
				       sizeof(arr), arr, &n));
	CHECK_EQ(n, 0);
	CHECK_CL(clReleaseCommandQueue(q));
	q = make(ctx, dev, empty, &err);
	CHECK_CL(err);
	CHECK_EQ(queue_props(q), 0);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

/* The OpenCL 1.x entry point; its queues have no property array. */
TEST(create_legacy)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_int err = 1;
	cl_command_queue q = clCreateCommandQueue(
	    ctx, dev, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, &err);
	size_t n = 99;

	CHECK_CL(err);
	CHECK_EQ(queue_props(q), CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	CHECK_CL(
	    clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY, 0, NULL, &n));
	CHECK_EQ(n, 0);
	CHECK_CL(clFinish(q));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK(clCreateCommandQueue(ctx, dev, (cl_ulong)1 << 40, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(clCreateCommandQueue((cl_context)dev, dev, 0, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_invalid_properties)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_queue_properties unknown_name[] = {0x7777, 0, 0};
	cl_queue_properties unknown_bit[] = {CL_QUEUE_PROPERTIES,
					     (cl_ulong)1 << 40, 0};
	cl_queue_properties twice[] = {CL_QUEUE_PROPERTIES, 0,
				       CL_QUEUE_PROPERTIES, 0, 0};
	cl_queue_properties dflt_alone[] = {CL_QUEUE_PROPERTIES,
					    CL_QUEUE_ON_DEVICE_DEFAULT, 0};
	cl_queue_properties size_on_host[] = {CL_QUEUE_SIZE, 1024, 0};
	cl_queue_properties on_device[] = {
	    CL_QUEUE_PROPERTIES,
	    CL_QUEUE_ON_DEVICE | CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, 0};
	cl_int err = 0;

	CHECK(make(ctx, dev, unknown_name, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(make(ctx, dev, unknown_bit, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(make(ctx, dev, twice, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(make(ctx, dev, dflt_alone, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	CHECK(make(ctx, dev, size_on_host, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_VALUE);
	/* Valid, but this device has no on-device queues. */
	CHECK(make(ctx, dev, on_device, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_QUEUE_PROPERTIES);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_invalid_context_or_device)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_int err = 0;

	CHECK(make((cl_context)q, dev, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(make(ctx, (cl_device_id)q, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(retain_release_counts)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);

	CHECK_CL(clRetainCommandQueue(q));
	CHECK_EQ(queue_refs(q), 2);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_EQ(queue_refs(q), 1);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(released_queue_is_invalid)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_uint v;

	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_ERR(clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, sizeof(v),
					&v, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clRetainCommandQueue(q), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clReleaseCommandQueue(q), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clFlush(q), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clFinish(q), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueMarkerWithWaitList(q, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(wrong_object_type)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue fake = (cl_command_queue)ctx;
	cl_uint v;

	CHECK_ERR(clGetCommandQueueInfo(fake, CL_QUEUE_REFERENCE_COUNT,
					sizeof(v), &v, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clRetainCommandQueue(fake), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clReleaseCommandQueue(fake), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clFlush(fake), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clFinish(fake), CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clFinish((cl_command_queue)dev), CL_INVALID_COMMAND_QUEUE);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(info_errors)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_context got = NULL;
	size_t n = 5;

	CHECK_ERR(clGetCommandQueueInfo(q, 0x7777, sizeof(got), &got, &n),
		  CL_INVALID_VALUE);
	CHECK_EQ(n, 5);
	CHECK_ERR(clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(got) - 1,
					&got, NULL),
		  CL_INVALID_VALUE);
	CHECK(got == NULL);
	CHECK_ERR(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY,
					sizeof(cl_queue_properties), &got,
					NULL),
		  CL_INVALID_VALUE);
	CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES, 0, NULL, &n));
	CHECK_EQ(n, sizeof(cl_command_queue_properties));
	CHECK_CL(
	    clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, 0, NULL, &n));
	CHECK_EQ(n, sizeof(cl_uint));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(flush_finish_empty)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q =
	    hx_test_queue(ctx, dev, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);

	CHECK_CL(clFlush(q));
	CHECK_CL(clFinish(q));
	CHECK_CL(clFinish(q));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(set_property_and_default_queue_unsupported)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_command_queue_properties old = 0;

	CHECK_ERR(clSetCommandQueueProperty(q, CL_QUEUE_PROFILING_ENABLE,
					    CL_TRUE, &old),
		  CL_INVALID_OPERATION);
	CHECK_EQ(queue_props(q), 0);
	CHECK_ERR(clSetDefaultDeviceCommandQueue(ctx, dev, q),
		  CL_INVALID_OPERATION);
	CHECK_ERR(clSetDefaultDeviceCommandQueue((cl_context)q, dev, q),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clSetDefaultDeviceCommandQueue(ctx, (cl_device_id)ctx, q),
		  CL_INVALID_DEVICE);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

/* Commands keep their queue alive: released with a command waiting on a
 * user event, the queue still runs it. */
TEST(release_with_pending_command)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0), got = NULL;
	cl_int err, st = 99;
	cl_event user = clCreateUserEvent(ctx, &err), m;

	CHECK_CL(err);
	CHECK_CL(clEnqueueMarkerWithWaitList(q, 1, &user, &m));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(
	    clGetEventInfo(m, CL_EVENT_COMMAND_QUEUE, sizeof(got), &got, NULL));
	CHECK(got == q);
	CHECK_CL(clSetUserEventStatus(user, CL_COMPLETE));
	CHECK_CL(clWaitForEvents(1, &m));
	CHECK_CL(clGetEventInfo(m, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_COMPLETE);
	CHECK_CL(clReleaseEvent(m));
	CHECK_CL(clReleaseEvent(user));
	CHECK_CL(clReleaseContext(ctx));
}
