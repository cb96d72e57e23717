/* Device reference counting, partitioning and timers. Root devices are
 * never freed: retain and release only validate. */
#include "api.h"

CL_API_ENTRY cl_int CL_API_CALL clRetainDevice(cl_device_id device)
{
	HX_API_ENTER();
	HX_CHECK(hx_device_valid(device), CL_INVALID_DEVICE);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseDevice(cl_device_id device)
{
	HX_API_ENTER();
	HX_CHECK(hx_device_valid(device), CL_INVALID_DEVICE);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL
clCreateSubDevices(cl_device_id in_device,
		   const cl_device_partition_property *properties,
		   cl_uint num_devices, cl_device_id *out_devices,
		   cl_uint *num_devices_ret)
{
	HX_API_ENTER();
	HX_CHECK(hx_device_valid(in_device), CL_INVALID_DEVICE);
	HX_CHECK(properties && properties[0], CL_INVALID_VALUE);
	/* CL_DEVICE_PARTITION_PROPERTIES is empty: every partition scheme
	 * is valid but unsupported, which the spec makes CL_INVALID_VALUE. */
	HX_CHECK(0 && "device partitioning is not supported", CL_INVALID_VALUE);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL
clCreateSubDevicesEXT(cl_device_id in_device,
		      const cl_device_partition_property_ext *properties,
		      cl_uint num_entries, cl_device_id *out_devices,
		      cl_uint *num_devices)
{
	HX_API_ENTER();
	HX_CHECK(hx_device_valid(in_device), CL_INVALID_DEVICE);
	HX_CHECK(0 && "cl_ext_device_fission is not supported",
		 CL_INVALID_VALUE);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clRetainDeviceEXT(cl_device_id device)
{
	return clRetainDevice(device);
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseDeviceEXT(cl_device_id device)
{
	return clReleaseDevice(device);
}

CL_API_ENTRY cl_int CL_API_CALL clGetDeviceAndHostTimer(
	cl_device_id device, cl_ulong *device_timestamp, cl_ulong *host_timestamp)
{
	HX_API_ENTER();
	HX_CHECK(hx_device_valid(device), CL_INVALID_DEVICE);
	HX_CHECK(device_timestamp && host_timestamp, CL_INVALID_VALUE);
	/* Device and host share one clock. */
	*device_timestamp = *host_timestamp = hx_now_ns();
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clGetHostTimer(cl_device_id device,
					       cl_ulong *host_timestamp)
{
	HX_API_ENTER();
	HX_CHECK(hx_device_valid(device), CL_INVALID_DEVICE);
	HX_CHECK(host_timestamp, CL_INVALID_VALUE);
	*host_timestamp = hx_now_ns();
	HX_API_EXIT();
}
