/* SVM in a context of two devices (HMMCL_DEVICES=2): one allocation is
 * valid on both devices' queues. */
#include "cl_util.h"
#include "harness.h"

TEST(two_devices_share_allocations)
{
	cl_device_id dev[2] = {hx_test_device(0), hx_test_device(1)};
	cl_int err;
	cl_context ctx = clCreateContext(NULL, 2, dev, NULL, NULL, &err);
	cl_command_queue q0, q1;
	int *p, i, host[256];
	const void *ptr;
	cl_event ev;
	cl_command_type t;

	CHECK_CL(err);
	q0 = hx_test_queue(ctx, dev[0], 0);
	q1 = hx_test_queue(ctx, dev[1], 0);
	p = clSVMAlloc(ctx, CL_MEM_READ_WRITE, 256 * sizeof(int), 0);
	CHECK(p != NULL);
	for (i = 0; i < 256; i++)
		p[i] = i * 3;
	ptr = p + 128;
	/* Device 1 then device 0, then home. */
	CHECK_CL(clEnqueueSVMMigrateMem(q1, 1, &ptr, NULL, 0, 0, NULL, &ev));
	CHECK_CL(clEnqueueSVMMigrateMem(q0, 1, &ptr, NULL, 0, 1, &ev, NULL));
	CHECK_CL(
	    clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL));
	CHECK_EQ(t, CL_COMMAND_SVM_MIGRATE_MEM);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clFinish(q0));
	CHECK_CL(clEnqueueSVMMigrateMem(
	    q1, 1, &ptr, NULL, CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL, NULL));
	CHECK_CL(clEnqueueSVMMemcpy(q1, CL_TRUE, host, p, sizeof(host), 0, NULL,
				    NULL));
	for (i = 0; i < 256; i++)
		CHECK_EQ(host[i], i * 3);
	/* Freed through the other device's queue. */
	CHECK_CL(
	    clEnqueueSVMFree(q0, 1, (void **)&p, NULL, NULL, 0, NULL, NULL));
	CHECK_CL(clFinish(q0));
	CHECK_ERR(clEnqueueSVMMigrateMem(q1, 1, &ptr, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_CL(clReleaseCommandQueue(q0));
	CHECK_CL(clReleaseCommandQueue(q1));
	CHECK_CL(clReleaseContext(ctx));
}
