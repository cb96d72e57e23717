/* Events: waiting, queries, profiling, callbacks, user events. */
#include "api.h"

#include "../core/context.h"
#include "../core/event.h"

CL_API_ENTRY cl_int CL_API_CALL clWaitForEvents(cl_uint num_events,
						const cl_event *event_list)
{
	cl_uint i;

	HX_API_ENTER();
	HX_CHECK(num_events > 0 && event_list, CL_INVALID_VALUE);
	for (i = 0; i < num_events; i++) {
		HX_CHECK(HX_VALID(event_list[i], EVENT), CL_INVALID_EVENT);
		/* All events belong to one context. */
		HX_CHECK(event_list[i]->ctx == event_list[0]->ctx,
			 CL_INVALID_CONTEXT);
	}
	HX_TRY(hx_event_wait(num_events, event_list));
	HX_API_EXIT();
}

static cl_int event_info(cl_event ev, cl_event_info param, size_t size,
			 void *value, size_t *size_ret)
{
	switch (param) {
	case CL_EVENT_COMMAND_QUEUE: HX_INFO_VAL(cl_command_queue, ev->queue);
	case CL_EVENT_CONTEXT: HX_INFO_VAL(cl_context, ev->ctx);
	case CL_EVENT_COMMAND_TYPE: HX_INFO_VAL(cl_command_type, ev->type);
	case CL_EVENT_COMMAND_EXECUTION_STATUS:
		HX_INFO_VAL(cl_int, hx_event_get_status(ev));
	case CL_EVENT_REFERENCE_COUNT: HX_INFO_VAL(cl_uint, hx_refcount(ev));
	default: return CL_INVALID_VALUE;
	}
}

CL_API_ENTRY cl_int CL_API_CALL clGetEventInfo(cl_event event,
					       cl_event_info param_name,
					       size_t param_value_size,
					       void *param_value,
					       size_t *param_value_size_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(event, EVENT), CL_INVALID_EVENT);
	HX_TRY(event_info(event, param_name, param_value_size, param_value,
			  param_value_size_ret));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clRetainEvent(cl_event event)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(event, EVENT), CL_INVALID_EVENT);
	hx_retain(event);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseEvent(cl_event event)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(event, EVENT), CL_INVALID_EVENT);
	hx_release(event);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clGetEventProfilingInfo(
	cl_event event, cl_profiling_info param_name, size_t param_value_size,
	void *param_value, size_t *param_value_size_ret)
{
	cl_ulong t[5];
	int index;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(event, EVENT), CL_INVALID_EVENT);
	/* Only commands of a profiling queue that completed have times. */
	HX_CHECK(event->queue &&
			 (event->queue->props & CL_QUEUE_PROFILING_ENABLE),
		 CL_PROFILING_INFO_NOT_AVAILABLE);
	HX_CHECK(hx_event_get_status(event) == CL_COMPLETE,
		 CL_PROFILING_INFO_NOT_AVAILABLE);
	index = (int)param_name - CL_PROFILING_COMMAND_QUEUED;
	HX_CHECK(index >= 0 && index < 5, CL_INVALID_VALUE);
	hx_event_get_times(event, t);
	HX_TRY(hx_info(param_value_size, param_value, param_value_size_ret,
		       &t[index], sizeof(cl_ulong)));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetEventCallback(
	cl_event event, cl_int command_exec_callback_type,
	void(CL_CALLBACK *pfn_notify)(cl_event, cl_int, void *),
	void *user_data)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(event, EVENT), CL_INVALID_EVENT);
	HX_CHECK(pfn_notify, CL_INVALID_VALUE);
	HX_CHECK(command_exec_callback_type == CL_SUBMITTED ||
			 command_exec_callback_type == CL_RUNNING ||
			 command_exec_callback_type == CL_COMPLETE,
		 CL_INVALID_VALUE);
	HX_TRY(hx_event_add_callback(event, command_exec_callback_type,
				     pfn_notify, user_data));
	HX_API_EXIT();
}

CL_API_ENTRY cl_event CL_API_CALL clCreateUserEvent(cl_context context,
						    cl_int *errcode_ret)
{
	cl_event ev = NULL;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_TRY(hx_event_create(context, NULL, CL_COMMAND_USER, &ev));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return ev;
}

CL_API_ENTRY cl_int CL_API_CALL clSetUserEventStatus(cl_event event,
						     cl_int execution_status)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(event, EVENT) && event->type == CL_COMMAND_USER,
		 CL_INVALID_EVENT);
	/* Only CL_COMPLETE or a negative error code. */
	HX_CHECK(execution_status <= CL_COMPLETE, CL_INVALID_VALUE);
	/* ... and only once. */
	HX_TRY(hx_user_event_set_status(event, execution_status));
	HX_API_EXIT();
}

static cl_int enqueue_sync_point(cl_command_queue q, cl_command_type type,
				 cl_uint nwait, const cl_event *wait,
				 cl_event *event)
{
	cl_event ev;
	cl_int err;

	if (!hx_object_valid(q, HX_TYPE_QUEUE))
		return CL_INVALID_COMMAND_QUEUE;
	err = hx_check_wait_list(q->ctx, nwait, wait);
	if (err)
		return err;
	err = hx_event_create(q->ctx, q, type, &ev);
	if (err)
		return err;
	/* hx_enqueue takes the creation reference; this one is the
	 * caller's (or dropped below). */
	hx_retain(ev);
	hx_enqueue(ev, nwait, wait, 1, type == CL_COMMAND_BARRIER);
	if (event)
		*event = ev;
	else
		hx_release(ev);
	return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueMarkerWithWaitList(
	cl_command_queue command_queue, cl_uint num_events_in_wait_list,
	const cl_event *event_wait_list, cl_event *event)
{
	HX_API_ENTER();
	HX_TRY(enqueue_sync_point(command_queue, CL_COMMAND_MARKER,
				  num_events_in_wait_list, event_wait_list,
				  event));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueBarrierWithWaitList(
	cl_command_queue command_queue, cl_uint num_events_in_wait_list,
	const cl_event *event_wait_list, cl_event *event)
{
	HX_API_ENTER();
	HX_TRY(enqueue_sync_point(command_queue, CL_COMMAND_BARRIER,
				  num_events_in_wait_list, event_wait_list,
				  event));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueMarker(cl_command_queue q,
						cl_event *event)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(q, QUEUE), CL_INVALID_COMMAND_QUEUE);
	HX_CHECK(event, CL_INVALID_VALUE);
	HX_TRY(enqueue_sync_point(q, CL_COMMAND_MARKER, 0, NULL, event));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueBarrier(cl_command_queue q)
{
	HX_API_ENTER();
	HX_TRY(enqueue_sync_point(q, CL_COMMAND_BARRIER, 0, NULL, NULL));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWaitForEvents(
	cl_command_queue q, cl_uint num_events, const cl_event *event_list)
{
	cl_uint i;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(q, QUEUE), CL_INVALID_COMMAND_QUEUE);
	HX_CHECK(num_events > 0 && event_list, CL_INVALID_VALUE);
	/* This 1.1 call names bad events CL_INVALID_EVENT, not
	 * CL_INVALID_EVENT_WAIT_LIST. */
	for (i = 0; i < num_events; i++)
		HX_CHECK(HX_VALID(event_list[i], EVENT), CL_INVALID_EVENT);
	HX_TRY(enqueue_sync_point(q, CL_COMMAND_BARRIER, num_events,
				  event_list, NULL));
	HX_API_EXIT();
}
