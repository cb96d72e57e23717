#include "cl_util.h"

#include "harness.h"

cl_platform_id hx_test_platform(void)
{
	cl_platform_id ids[16];
	cl_uint n = 0, i;
	char name[64];

	CHECK_CL(clGetPlatformIDs(16, ids, &n));
	for (i = 0; i < n && i < 16; i++) {
		CHECK_CL(clGetPlatformInfo(ids[i], CL_PLATFORM_NAME,
					   sizeof(name), name, NULL));
		if (strcmp(name, "hmmcl") == 0)
			return ids[i];
	}
	hx_test_fail(__FILE__, __LINE__, "no hmmcl platform among %u", n);
}

cl_device_id hx_test_device(unsigned i)
{
	cl_device_id devs[16];
	cl_uint n = 0;

	CHECK_CL(clGetDeviceIDs(hx_test_platform(), CL_DEVICE_TYPE_ALL, 16,
				devs, &n));
	CHECK(i < n);
	return devs[i];
}

cl_context hx_test_context(cl_device_id *dev_out)
{
	cl_device_id dev = hx_test_device(0);
	cl_int err = CL_SUCCESS;
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);

	CHECK_CL(err);
	CHECK(ctx != NULL);
	if (dev_out)
		*dev_out = dev;
	return ctx;
}

cl_command_queue hx_test_queue(cl_context ctx, cl_device_id dev,
			       cl_command_queue_properties props)
{
	cl_queue_properties p[] = {CL_QUEUE_PROPERTIES, props, 0};
	cl_int err = CL_SUCCESS;
	cl_command_queue q =
		clCreateCommandQueueWithProperties(ctx, dev, p, &err);

	CHECK_CL(err);
	CHECK(q != NULL);
	return q;
}
