/* Map and unmap. The mapped pointer is the buffer's own memory (the host
 * and the device share it), so a map stages nothing: the command orders
 * the map after the commands it waits for. */
#include "mem_api.h"

#define MAP_FLAGS (CL_MAP_READ | CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION)

static cl_int check_map_flags(cl_mem buffer, cl_map_flags flags)
{
	/* Only CL_MAP_* bits; WRITE_INVALIDATE_REGION excludes READ and
	 * WRITE. */
	if ((flags & ~(cl_map_flags)MAP_FLAGS) ||
	    ((flags & CL_MAP_WRITE_INVALIDATE_REGION) &&
	     (flags & (CL_MAP_READ | CL_MAP_WRITE))))
		return CL_INVALID_VALUE;
	return CL_SUCCESS;
}

/* The host access flags of the buffer allow the map. */
static cl_int check_map_access(cl_mem buffer, cl_map_flags flags)
{
	/* No CL_MAP_READ of a HOST_WRITE_ONLY or HOST_NO_ACCESS buffer. */
	if ((flags & CL_MAP_READ) && !hx_mem_host_can_read(buffer))
		return CL_INVALID_OPERATION;
	/* No CL_MAP_WRITE(_INVALIDATE_REGION) of a HOST_READ_ONLY or
	 * HOST_NO_ACCESS buffer. */
	if ((flags & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION)) &&
	    !hx_mem_host_can_write(buffer))
		return CL_INVALID_OPERATION;
	return CL_SUCCESS;
}

CL_API_ENTRY void *CL_API_CALL clEnqueueMapBuffer(
    cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_map,
    cl_map_flags map_flags, size_t offset, size_t size,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event, cl_int *errcode_ret)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, blocking_map, event};
	void *ptr = NULL, *mapped = NULL;

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, buffer));
	HX_TRY(check_map_flags(buffer, map_flags));
	/* (offset, size) lies in the buffer and size is not 0. */
	HX_CHECK(size && hx_in_bounds(offset, size, buffer->size),
		 CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	HX_TRY(check_map_access(buffer, map_flags));
	HX_TRY(hx_mem_map(buffer, offset, size, map_flags, &mapped));
	hx_err_ = hx_enqueue_mem_sync(&a, CL_COMMAND_MAP_BUFFER, 1, &buffer);
	/* A map that failed hands out no pointer. */
	if (hx_err_ != CL_SUCCESS)
		hx_mem_unmap(buffer, mapped);
	else
		ptr = mapped;
	HX_API_EXIT_ERRCODE(errcode_ret);
	return ptr;
}

CL_API_ENTRY cl_int CL_API_CALL
clEnqueueUnmapMemObject(cl_command_queue command_queue, cl_mem memobj,
			void *mapped_ptr, cl_uint num_events_in_wait_list,
			const cl_event *event_wait_list, cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, CL_FALSE, event};

	HX_API_ENTER();
	/* command_queue must be a valid host command-queue. */
	HX_CHECK(HX_VALID(command_queue, QUEUE) &&
		     !(command_queue->props & CL_QUEUE_ON_DEVICE),
		 CL_INVALID_COMMAND_QUEUE);
	HX_CHECK(HX_VALID(memobj, MEM), CL_INVALID_MEM_OBJECT);
	/* The contexts of command_queue and memobj must be the same. */
	HX_CHECK(memobj->ctx == command_queue->ctx, CL_INVALID_CONTEXT);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* mapped_ptr came from a map of memobj not yet unmapped. */
	HX_TRY(hx_mem_unmap(memobj, mapped_ptr));
	HX_TRY(
	    hx_enqueue_mem_sync(&a, CL_COMMAND_UNMAP_MEM_OBJECT, 1, &memobj));
	HX_API_EXIT();
}
