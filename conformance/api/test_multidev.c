/* Two devices on one platform (HMMCL_DEVICES=2): device listing,
 * multi-device contexts, queues per device, and command chains that
 * cross devices. */
#include "cl_util.h"
#include "event_util.h"
#include "harness.h"

#include <pthread.h>
#include <unistd.h>

static cl_uint get_uint(cl_device_id d, cl_device_info p)
{
	cl_uint v = 0;
	size_t n = 0;

	CHECK_CL(clGetDeviceInfo(d, p, sizeof(v), &v, &n));
	CHECK_EQ(n, sizeof(v));
	return v;
}

static void get_str(cl_device_id d, cl_device_info p, char *buf, size_t size)
{
	size_t n = 0;

	CHECK_CL(clGetDeviceInfo(d, p, size, buf, &n));
	CHECK(n >= 1 && n <= size);
	CHECK_EQ(strlen(buf) + 1, n);
}

static cl_uint ctx_uint(cl_context ctx, cl_context_info p)
{
	cl_uint v = 0;

	CHECK_CL(clGetContextInfo(ctx, p, sizeof(v), &v, NULL));
	return v;
}

static cl_context from_type(cl_device_type type, cl_int *err)
{
	cl_context_properties props[] = {
	    CL_CONTEXT_PLATFORM, (cl_context_properties)hx_test_platform(), 0};

	return clCreateContextFromType(props, type, NULL, NULL, err);
}

static cl_command_queue make(cl_context ctx, cl_device_id dev,
			     const cl_queue_properties *props, cl_int *err)
{
	return clCreateCommandQueueWithProperties(ctx, dev, props, err);
}

TEST(ids_two_devices)
{
	cl_platform_id p = hx_test_platform();
	cl_device_id devs[4] = {0}, one = NULL, def = NULL;
	char n0[256], n1[256];
	cl_uint n = 0;

	CHECK_CL(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 4, devs, &n));
	CHECK_EQ(n, 2);
	CHECK(devs[0] && devs[1] && devs[0] != devs[1]);
	CHECK(devs[2] == NULL);
	/* Fewer entries than devices: only num_entries are written, the
	 * count is the total. */
	CHECK_CL(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &one, &n));
	CHECK_EQ(n, 2);
	CHECK(one == devs[0]);
	/* Exactly one default device. */
	CHECK_CL(clGetDeviceIDs(p, CL_DEVICE_TYPE_DEFAULT, 1, &def, &n));
	CHECK_EQ(n, 1);
	get_str(devs[0], CL_DEVICE_NAME, n0, sizeof(n0));
	get_str(devs[1], CL_DEVICE_NAME, n1, sizeof(n1));
	CHECK(strcmp(n0, n1) != 0);
	CHECK(get_uint(devs[1], CL_DEVICE_MAX_COMPUTE_UNITS) >= 1);
}

TEST(create_two_devices)
{
	cl_device_id devs[2] = {hx_test_device(0), hx_test_device(1)}, got[2];
	cl_int err = 0;
	cl_context ctx = clCreateContext(NULL, 2, devs, NULL, NULL, &err);
	cl_command_queue q0, q1;

	CHECK_CL(err);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_NUM_DEVICES), 2);
	CHECK_CL(
	    clGetContextInfo(ctx, CL_CONTEXT_DEVICES, sizeof(got), got, NULL));
	CHECK(got[0] == devs[0] && got[1] == devs[1]);
	CHECK_ERR(clGetContextInfo(ctx, CL_CONTEXT_DEVICES,
				   sizeof(cl_device_id), got, NULL),
		  CL_INVALID_VALUE);
	q0 = hx_test_queue(ctx, devs[0], 0);
	q1 = hx_test_queue(ctx, devs[1], 0);
	CHECK_CL(clFinish(q0));
	CHECK_CL(clFinish(q1));
	CHECK_CL(clReleaseCommandQueue(q0));
	CHECK_CL(clReleaseCommandQueue(q1));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_from_type_two_devices)
{
	cl_int err = 0;
	cl_context ctx = from_type(CL_DEVICE_TYPE_ALL, &err);

	CHECK_CL(err);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_NUM_DEVICES), 2);
	CHECK_CL(clReleaseContext(ctx));
	ctx = from_type(CL_DEVICE_TYPE_DEFAULT, &err);
	CHECK_CL(err);
	CHECK_EQ(ctx_uint(ctx, CL_CONTEXT_NUM_DEVICES), 1);
	CHECK_CL(clReleaseContext(ctx));
}

/* A device of the platform that is not in the context. */
TEST(create_device_not_in_context)
{
	cl_device_id dev0, dev1 = hx_test_device(1);
	cl_context ctx = hx_test_context(&dev0);
	cl_int err = 0;

	CHECK(dev0 != dev1);
	CHECK(make(ctx, dev1, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE);
	CHECK(clCreateCommandQueue(ctx, dev1, 0, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_DEVICE);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(queues_on_two_devices)
{
	cl_device_id devs[2] = {hx_test_device(0), hx_test_device(1)}, got;
	cl_int err;
	cl_context ctx = clCreateContext(NULL, 2, devs, NULL, NULL, &err);
	cl_command_queue q;
	int i;

	CHECK_CL(err);
	for (i = 0; i < 2; i++) {
		q = hx_test_queue(ctx, devs[i], CL_QUEUE_PROFILING_ENABLE);
		CHECK_CL(clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(got),
					       &got, NULL));
		CHECK(got == devs[i]);
		CHECK_CL(clReleaseCommandQueue(q));
	}
	CHECK_CL(clReleaseContext(ctx));
}

/* Queues on two devices of one context, a chain that crosses back and
 * forth, then an error that crosses too. */
TEST(chain_across_two_devices)
{
	cl_device_id devs[2] = {hx_test_device(0), hx_test_device(1)};
	cl_int err;
	cl_context ctx = clCreateContext(NULL, 2, devs, NULL, NULL, &err);
	cl_command_queue q[2];
	cl_event u, ev[6], fail, f[2];
	int i;

	CHECK_CL(err);
	q[0] = hx_test_queue(ctx, devs[0], CL_QUEUE_PROFILING_ENABLE);
	q[1] = hx_test_queue(ctx, devs[1],
			     CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE |
				 CL_QUEUE_PROFILING_ENABLE);
	u = hx_ev_user(ctx);
	for (i = 0; i < 6; i++) {
		ev[i] = hx_ev_marker(q[i % 2], 1, i ? &ev[i - 1] : &u);
		hx_ev_on_complete(ev[i]);
	}
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clWaitForEvents(1, &ev[5]));
	hx_ev_wait_completions(6);
	for (i = 1; i < 6; i++)
		CHECK(hx_ev_prof(ev[i - 1], CL_PROFILING_COMMAND_END) <=
		      hx_ev_prof(ev[i], CL_PROFILING_COMMAND_START));
	fail = hx_ev_user(ctx);
	f[0] = hx_ev_barrier(q[1], 1, &fail);
	f[1] = hx_ev_marker(q[0], 1, &f[0]);
	CHECK_CL(clSetUserEventStatus(fail, -3));
	CHECK_ERR(clWaitForEvents(2, f),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK(hx_ev_status(f[1]) < 0);
	for (i = 0; i < 2; i++) {
		CHECK_CL(clFinish(q[i]));
		CHECK_CL(clReleaseCommandQueue(q[i]));
	}
	hx_ev_release(ev, 6);
	hx_ev_release(f, 2);
	hx_ev_release((cl_event[]){u, fail}, 2);
	CHECK_CL(clReleaseContext(ctx));
}

/* The second device answers like the first, apart from its identity. */
TEST(second_device_info)
{
	cl_device_id d0 = hx_test_device(0), d1 = hx_test_device(1);
	cl_platform_id p = NULL;
	cl_ulong m0 = 0, m1 = 0, h = 0, t = 0;

	CHECK_CL(clGetDeviceInfo(d1, CL_DEVICE_PLATFORM, sizeof(p), &p, NULL));
	CHECK(p == hx_test_platform());
	CHECK_CL(clGetDeviceInfo(d0, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(m0), &m0,
				 NULL));
	CHECK_CL(clGetDeviceInfo(d1, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(m1), &m1,
				 NULL));
	CHECK_EQ(m0, m1);
	CHECK_EQ(get_uint(d0, CL_DEVICE_MAX_COMPUTE_UNITS),
		 get_uint(d1, CL_DEVICE_MAX_COMPUTE_UNITS));
	CHECK_EQ(get_uint(d1, CL_DEVICE_REFERENCE_COUNT), 1);
	CHECK_CL(clGetDeviceAndHostTimer(d1, &t, &h));
	CHECK(t > 0 && h > 0);
}
