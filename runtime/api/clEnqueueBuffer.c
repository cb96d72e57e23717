/* Linear buffer commands: read, write, copy, fill. */
#include "mem_api.h"

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReadBuffer(
    cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_read,
    size_t offset, size_t size, void *ptr, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, blocking_read, event};
	struct hx_rect h = hx_linear(0), b = hx_linear(offset);
	size_t region[3] = {size, 1, 1};

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, buffer));
	/* (offset, size) lies in the buffer, size is not 0, ptr not NULL. */
	HX_CHECK(ptr && size && hx_in_bounds(offset, size, buffer->size),
		 CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* Not on a CL_MEM_HOST_WRITE_ONLY or CL_MEM_HOST_NO_ACCESS buffer. */
	HX_CHECK(hx_mem_host_can_read(buffer), CL_INVALID_OPERATION);
	HX_TRY(hx_enqueue_copy(&a, CL_COMMAND_READ_BUFFER, ptr, &h,
			       hx_mem_ptr(buffer), &b, region, buffer, NULL));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL
clEnqueueWriteBuffer(cl_command_queue command_queue, cl_mem buffer,
		     cl_bool blocking_write, size_t offset, size_t size,
		     const void *ptr, cl_uint num_events_in_wait_list,
		     const cl_event *event_wait_list, cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, blocking_write, event};
	struct hx_rect h = hx_linear(0), b = hx_linear(offset);
	size_t region[3] = {size, 1, 1};

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, buffer));
	/* (offset, size) lies in the buffer, size is not 0, ptr not NULL. */
	HX_CHECK(ptr && size && hx_in_bounds(offset, size, buffer->size),
		 CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* Not on a CL_MEM_HOST_READ_ONLY or CL_MEM_HOST_NO_ACCESS buffer. */
	HX_CHECK(hx_mem_host_can_write(buffer), CL_INVALID_OPERATION);
	HX_TRY(hx_enqueue_copy(&a, CL_COMMAND_WRITE_BUFFER, hx_mem_ptr(buffer),
			       &b, ptr, &h, region, buffer, NULL));
	HX_API_EXIT();
}

/* Two ranges of buffers that share storage (one buffer, or sub-buffers
 * of one buffer) meet. */
static int ranges_overlap(cl_mem src, size_t so, cl_mem dst, size_t d_o,
			  size_t size)
{
	if (hx_mem_root(src) != hx_mem_root(dst))
		return 0;
	so += hx_mem_root_offset(src);
	d_o += hx_mem_root_offset(dst);
	return so < d_o + size && d_o < so + size;
}

CL_API_ENTRY cl_int CL_API_CALL
clEnqueueCopyBuffer(cl_command_queue command_queue, cl_mem src_buffer,
		    cl_mem dst_buffer, size_t src_offset, size_t dst_offset,
		    size_t size, cl_uint num_events_in_wait_list,
		    const cl_event *event_wait_list, cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, CL_FALSE, event};
	struct hx_rect s = hx_linear(src_offset), d = hx_linear(dst_offset);
	size_t region[3] = {size, 1, 1};

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, src_buffer));
	HX_TRY(hx_check_queue_buffer(command_queue, dst_buffer));
	/* Both ranges lie in their buffers and size is not 0. */
	HX_CHECK(size && hx_in_bounds(src_offset, size, src_buffer->size) &&
		     hx_in_bounds(dst_offset, size, dst_buffer->size),
		 CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* The ranges may not overlap in one buffer or in sub-buffers of one
	 * buffer. */
	HX_CHECK(!ranges_overlap(src_buffer, src_offset, dst_buffer, dst_offset,
				 size),
		 CL_MEM_COPY_OVERLAP);
	HX_TRY(hx_enqueue_copy(
	    &a, CL_COMMAND_COPY_BUFFER, hx_mem_ptr(dst_buffer), &d,
	    hx_mem_ptr(src_buffer), &s, region, src_buffer, dst_buffer));
	HX_API_EXIT();
}

static int pattern_size_ok(size_t n)
{
	return n >= 1 && n <= 128 && (n & (n - 1)) == 0;
}

CL_API_ENTRY cl_int CL_API_CALL
clEnqueueFillBuffer(cl_command_queue command_queue, cl_mem buffer,
		    const void *pattern, size_t pattern_size, size_t offset,
		    size_t size, cl_uint num_events_in_wait_list,
		    const cl_event *event_wait_list, cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, CL_FALSE, event};

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, buffer));
	/* pattern is not NULL; pattern_size is one of 1, 2, 4, ..., 128. */
	HX_CHECK(pattern && pattern_size_ok(pattern_size), CL_INVALID_VALUE);
	/* offset and size are multiples of pattern_size. */
	HX_CHECK(offset % pattern_size == 0 && size % pattern_size == 0,
		 CL_INVALID_VALUE);
	/* (offset, size) lies in the buffer. */
	HX_CHECK(hx_in_bounds(offset, size, buffer->size), CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	HX_TRY(hx_enqueue_fill(&a, buffer, (char *)hx_mem_ptr(buffer) + offset,
			       size, pattern, pattern_size));
	HX_API_EXIT();
}
