/* Rectangular buffer commands: read, write and copy of 2D/3D regions. */
#include "mem_api.h"

/* The region, the buffer's rectangle (bounded by the buffer) and the host
 * rectangle (unbounded): CL_INVALID_VALUE on any pitch or bounds rule. */
static cl_int resolve(cl_mem buffer, const size_t *region, struct hx_rect *b,
		      const size_t *buffer_origin, size_t b_row, size_t b_slice,
		      struct hx_rect *h, const size_t *host_origin,
		      size_t h_row, size_t h_slice)
{
	cl_int err;

	/* The origins and region are given and no region element is 0. */
	if (!buffer_origin || !host_origin || !region || !region[0] ||
	    !region[1] || !region[2])
		return CL_INVALID_VALUE;
	*b = (struct hx_rect){
	    {buffer_origin[0], buffer_origin[1], buffer_origin[2]},
	    b_row,
	    b_slice};
	*h = (struct hx_rect){
	    {host_origin[0], host_origin[1], host_origin[2]}, h_row, h_slice};
	err = hx_rect_resolve(b, region, buffer->size);
	if (err == CL_SUCCESS)
		err = hx_rect_resolve(h, region, 0);
	return err;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReadBufferRect(
    cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_read,
    const size_t *buffer_origin, const size_t *host_origin,
    const size_t *region, size_t buffer_row_pitch, size_t buffer_slice_pitch,
    size_t host_row_pitch, size_t host_slice_pitch, void *ptr,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, blocking_read, event};
	struct hx_rect b, h;

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, buffer));
	/* ptr is not NULL. */
	HX_CHECK(ptr, CL_INVALID_VALUE);
	/* Pitch rules; the region lies in the buffer. */
	HX_TRY(resolve(buffer, region, &b, buffer_origin, buffer_row_pitch,
		       buffer_slice_pitch, &h, host_origin, host_row_pitch,
		       host_slice_pitch));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* Not on a CL_MEM_HOST_WRITE_ONLY or CL_MEM_HOST_NO_ACCESS buffer. */
	HX_CHECK(hx_mem_host_can_read(buffer), CL_INVALID_OPERATION);
	HX_TRY(hx_enqueue_copy(&a, CL_COMMAND_READ_BUFFER_RECT, ptr, &h,
			       hx_mem_ptr(buffer), &b, region, buffer, NULL));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWriteBufferRect(
    cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_write,
    const size_t *buffer_origin, const size_t *host_origin,
    const size_t *region, size_t buffer_row_pitch, size_t buffer_slice_pitch,
    size_t host_row_pitch, size_t host_slice_pitch, const void *ptr,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, blocking_write, event};
	struct hx_rect b, h;

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, buffer));
	/* ptr is not NULL. */
	HX_CHECK(ptr, CL_INVALID_VALUE);
	/* Pitch rules; the region lies in the buffer. */
	HX_TRY(resolve(buffer, region, &b, buffer_origin, buffer_row_pitch,
		       buffer_slice_pitch, &h, host_origin, host_row_pitch,
		       host_slice_pitch));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* Not on a CL_MEM_HOST_READ_ONLY or CL_MEM_HOST_NO_ACCESS buffer. */
	HX_CHECK(hx_mem_host_can_write(buffer), CL_INVALID_OPERATION);
	HX_TRY(hx_enqueue_copy(&a, CL_COMMAND_WRITE_BUFFER_RECT,
			       hx_mem_ptr(buffer), &b, ptr, &h, region, buffer,
			       NULL));
	HX_API_EXIT();
}

/* Both rectangles checked, each against its own buffer. */
static cl_int resolve_copy(cl_mem src, cl_mem dst, const size_t *region,
			   struct hx_rect *s, const size_t *src_origin,
			   size_t s_row, size_t s_slice, struct hx_rect *d,
			   const size_t *dst_origin, size_t d_row,
			   size_t d_slice)
{
	cl_int err = resolve(src, region, s, src_origin, s_row, s_slice, d,
			     dst_origin, d_row, d_slice);

	if (err == CL_SUCCESS)
		err = hx_rect_resolve(d, region, dst->size);
	return err;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyBufferRect(
    cl_command_queue command_queue, cl_mem src_buffer, cl_mem dst_buffer,
    const size_t *src_origin, const size_t *dst_origin, const size_t *region,
    size_t src_row_pitch, size_t src_slice_pitch, size_t dst_row_pitch,
    size_t dst_slice_pitch, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, CL_FALSE, event};
	struct hx_rect s, d;

	HX_API_ENTER();
	HX_TRY(hx_check_queue_buffer(command_queue, src_buffer));
	HX_TRY(hx_check_queue_buffer(command_queue, dst_buffer));
	/* Pitch rules; each region lies in its buffer. */
	HX_TRY(resolve_copy(src_buffer, dst_buffer, region, &s, src_origin,
			    src_row_pitch, src_slice_pitch, &d, dst_origin,
			    dst_row_pitch, dst_slice_pitch));
	/* Within one buffer the source and destination pitches agree. */
	HX_CHECK(src_buffer != dst_buffer || s.row_pitch == d.row_pitch ||
		     s.slice_pitch == d.slice_pitch,
		 CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* The regions may not overlap in one buffer or in sub-buffers of one
	 * buffer. */
	HX_CHECK(hx_mem_root(src_buffer) != hx_mem_root(dst_buffer) ||
		     !hx_rect_overlap(&s, hx_mem_root_offset(src_buffer), &d,
				      hx_mem_root_offset(dst_buffer), region),
		 CL_MEM_COPY_OVERLAP);
	HX_TRY(hx_enqueue_copy(
	    &a, CL_COMMAND_COPY_BUFFER_RECT, hx_mem_ptr(dst_buffer), &d,
	    hx_mem_ptr(src_buffer), &s, region, src_buffer, dst_buffer));
	HX_API_EXIT();
}
