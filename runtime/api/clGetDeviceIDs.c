#include "api.h"

static int type_matches(cl_device_id dev, cl_device_type type)
{
	if (type == CL_DEVICE_TYPE_ALL)
		return 1;
	/* The first device is the default one. */
	if ((type & CL_DEVICE_TYPE_DEFAULT) && dev->index == 0)
		return 1;
	return (type & dev->type) != 0;
}

CL_API_ENTRY cl_int CL_API_CALL clGetDeviceIDs(cl_platform_id platform,
					       cl_device_type device_type,
					       cl_uint num_entries,
					       cl_device_id *devices,
					       cl_uint *num_devices)
{
	const cl_device_type known = CL_DEVICE_TYPE_DEFAULT |
				     CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_GPU |
				     CL_DEVICE_TYPE_ACCELERATOR |
				     CL_DEVICE_TYPE_CUSTOM;
	cl_uint i, n = 0;

	HX_API_ENTER();
	if (!platform)
		platform = hx_platform_get();
	HX_CHECK(HX_VALID(platform, PLATFORM), CL_INVALID_PLATFORM);
	/* device_type is not a valid value (0 names no type). */
	HX_CHECK(device_type == CL_DEVICE_TYPE_ALL ||
			 (device_type && !(device_type & ~known)),
		 CL_INVALID_DEVICE_TYPE);
	/* num_entries is 0 and devices is not NULL, or both are NULL. */
	HX_CHECK(!(num_entries == 0 && devices), CL_INVALID_VALUE);
	HX_CHECK(devices || num_devices, CL_INVALID_VALUE);
	for (i = 0; i < platform->ndevices; i++) {
		cl_device_id dev = &platform->devices[i];

		if (!type_matches(dev, device_type))
			continue;
		if (devices && n < num_entries)
			devices[n] = dev;
		n++;
	}
	HX_CHECK(n > 0, CL_DEVICE_NOT_FOUND);
	if (num_devices)
		*num_devices = n;
	HX_API_EXIT();
}
