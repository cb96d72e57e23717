/* Command queues: creation, reference counting, queries, flush/finish. */
#include "api.h"

#include "../core/context.h"
#include "../core/event.h"

static const cl_command_queue_properties host_props =
	CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE;

static cl_int check_queue_args(cl_context ctx, cl_device_id dev,
			       cl_command_queue_properties props)
{
	if (!hx_object_valid(ctx, HX_TYPE_CONTEXT))
		return CL_INVALID_CONTEXT;
	if (!hx_device_valid(dev) || !hx_context_has_device(ctx, dev))
		return CL_INVALID_DEVICE;
	/* Unknown bits are invalid values; known ones we lack (on-device
	 * queues) are valid but unsupported. */
	if (props & ~(host_props | CL_QUEUE_ON_DEVICE |
		      CL_QUEUE_ON_DEVICE_DEFAULT))
		return CL_INVALID_VALUE;
	if ((props & CL_QUEUE_ON_DEVICE_DEFAULT) && !(props & CL_QUEUE_ON_DEVICE))
		return CL_INVALID_VALUE;
	if (props & CL_QUEUE_ON_DEVICE)
		return CL_INVALID_QUEUE_PROPERTIES;
	return CL_SUCCESS;
}

CL_API_ENTRY cl_command_queue CL_API_CALL
clCreateCommandQueue(cl_context context, cl_device_id device,
		     cl_command_queue_properties properties,
		     cl_int *errcode_ret)
{
	cl_command_queue q = NULL;

	HX_API_ENTER();
	HX_TRY(check_queue_args(context, device, properties));
	HX_TRY(hx_queue_create(context, device, properties, NULL, &q));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return q;
}

CL_API_ENTRY cl_command_queue CL_API_CALL clCreateCommandQueueWithProperties(
	cl_context context, cl_device_id device,
	const cl_queue_properties *properties, cl_int *errcode_ret)
{
	cl_command_queue_properties props = 0;
	cl_command_queue q = NULL;
	int seen_props = 0, seen_size = 0;
	size_t i;

	HX_API_ENTER();
	for (i = 0; properties && properties[i]; i += 2) {
		switch (properties[i]) {
		case CL_QUEUE_PROPERTIES:
			HX_CHECK(!seen_props++, CL_INVALID_VALUE);
			props = properties[i + 1];
			break;
		case CL_QUEUE_SIZE:
			HX_CHECK(!seen_size++, CL_INVALID_VALUE);
			break;
		default:
			HX_CHECK(0 && "unknown queue property", CL_INVALID_VALUE);
		}
	}
	HX_TRY(check_queue_args(context, device, props));
	/* CL_QUEUE_SIZE is for device queues only. */
	HX_CHECK(!seen_size, CL_INVALID_VALUE);
	HX_TRY(hx_queue_create(context, device, props, properties, &q));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return q;
}

CL_API_ENTRY cl_int CL_API_CALL clRetainCommandQueue(cl_command_queue q)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(q, QUEUE), CL_INVALID_COMMAND_QUEUE);
	hx_retain(q);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseCommandQueue(cl_command_queue q)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(q, QUEUE), CL_INVALID_COMMAND_QUEUE);
	/* Commands already enqueued hold q and run to completion. */
	hx_release(q);
	HX_API_EXIT();
}

static cl_int queue_info(cl_command_queue q, cl_command_queue_info param,
			 size_t size, void *value, size_t *size_ret)
{
	switch (param) {
	case CL_QUEUE_CONTEXT: HX_INFO_VAL(cl_context, q->ctx);
	case CL_QUEUE_DEVICE: HX_INFO_VAL(cl_device_id, q->dev);
	case CL_QUEUE_REFERENCE_COUNT: HX_INFO_VAL(cl_uint, hx_refcount(q));
	case CL_QUEUE_PROPERTIES:
		HX_INFO_VAL(cl_command_queue_properties, q->props);
	case CL_QUEUE_PROPERTIES_ARRAY:
		return hx_info(size, value, size_ret, q->prop_list,
			       q->nprop_list * sizeof(cl_queue_properties));
	case CL_QUEUE_DEVICE_DEFAULT: HX_INFO_VAL(cl_command_queue, NULL);
	case CL_QUEUE_SIZE:
		/* Only device queues have a size. */
		return CL_INVALID_COMMAND_QUEUE;
	default: return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetCommandQueueInfo(
	cl_command_queue command_queue, cl_command_queue_info param_name,
	size_t param_value_size, void *param_value,
	size_t *param_value_size_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(command_queue, QUEUE), CL_INVALID_COMMAND_QUEUE);
	HX_TRY(queue_info(command_queue, param_name, param_value_size,
			  param_value, param_value_size_ret));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetCommandQueueProperty(
	cl_command_queue command_queue, cl_command_queue_properties properties,
	cl_bool enable, cl_command_queue_properties *old_properties)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(command_queue, QUEUE), CL_INVALID_COMMAND_QUEUE);
	/* Removed from OpenCL in 1.1; changing the order mode of a live
	 * queue is not supported. */
	HX_CHECK(0 && "clSetCommandQueueProperty is not supported",
		 CL_INVALID_OPERATION);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetDefaultDeviceCommandQueue(
	cl_context context, cl_device_id device, cl_command_queue command_queue)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_CHECK(hx_device_valid(device) &&
			 hx_context_has_device(context, device),
		 CL_INVALID_DEVICE);
	/* No device supports on-device queues. */
	HX_CHECK(0 && "on-device queues are not supported",
		 CL_INVALID_OPERATION);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clFlush(cl_command_queue command_queue)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(command_queue, QUEUE), CL_INVALID_COMMAND_QUEUE);
	/* Commands are submitted as soon as they are ready. */
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clFinish(cl_command_queue command_queue)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(command_queue, QUEUE), CL_INVALID_COMMAND_QUEUE);
	HX_TRY(hx_queue_finish(command_queue));
	HX_API_EXIT();
}
