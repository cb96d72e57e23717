/* Buffers in a context of two devices: one storage that queues of both
 * devices read and write, ordered by events across the queues. */
#include "mem_util.h"

TEST(two_device_queues)
{
	cl_device_id devs[2] = {hx_test_device(0), hx_test_device(1)};
	cl_int err = 1;
	cl_context ctx = clCreateContext(NULL, 2, devs, NULL, NULL, &err);
	cl_command_queue q0, q1;
	unsigned char want[8192], got[8192], pat = 0x3c;
	cl_buffer_region r = {4096, 4096};
	cl_event w, f;
	cl_mem m, s;

	CHECK_CL(err);
	q0 = hx_test_queue(ctx, devs[0], 0);
	q1 = hx_test_queue(ctx, devs[1], 0);
	m = new_buffer(ctx, 0, 8192, NULL);
	s = clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
	CHECK_CL(err);
	pattern_bytes(want, 8192, 1);
	/* Written through device 0, filled in part and read back through
	 * device 1 behind the first write's event. */
	CHECK_CL(
	    clEnqueueWriteBuffer(q0, m, CL_FALSE, 0, 8192, want, 0, NULL, &w));
	CHECK_CL(clEnqueueFillBuffer(q1, s, &pat, 1, 0, 128, 1, &w, &f));
	CHECK_CL(
	    clEnqueueReadBuffer(q1, m, CL_TRUE, 0, 8192, got, 1, &f, NULL));
	memset(want + 4096, pat, 128);
	check_bytes(got, want, 8192);
	CHECK_CL(clReleaseEvent(w));
	CHECK_CL(clReleaseEvent(f));
	CHECK_CL(clReleaseMemObject(s));
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseCommandQueue(q0));
	CHECK_CL(clReleaseCommandQueue(q1));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(queue_of_other_context)
{
	cl_device_id d1 = hx_test_device(1);
	cl_int err = 1;
	cl_context c1 = clCreateContext(NULL, 1, &d1, NULL, NULL, &err);
	cl_context c0 = hx_test_context(NULL);
	cl_command_queue q1 = hx_test_queue(c1, d1, 0);
	cl_mem m = new_buffer(c0, 0, 64, NULL);
	unsigned char buf[64];

	CHECK_CL(err);
	CHECK_ERR(
	    clEnqueueReadBuffer(q1, m, CL_TRUE, 0, 64, buf, 0, NULL, NULL),
	    CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueMigrateMemObjects(q1, 1, &m, 0, 0, NULL, NULL),
		  CL_INVALID_CONTEXT);
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseCommandQueue(q1));
	CHECK_CL(clReleaseContext(c0));
	CHECK_CL(clReleaseContext(c1));
}
