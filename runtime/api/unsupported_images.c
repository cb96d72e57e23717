/* Images, samplers and pipes: no hmmcl device supports them
 * (CL_DEVICE_IMAGE_SUPPORT and CL_DEVICE_PIPE_SUPPORT are CL_FALSE), so
 * no image, sampler or pipe object can exist. Each call validates what it
 * can and returns the error the spec gives for that case. */
#include "mem_api.h"

#include "../core/context.h"

/* Creation of an image, sampler or pipe in a context none of whose
 * devices supports them. */
static void *no_object(cl_context context, cl_int *errcode_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	/* No device in the context supports images / pipes. */
	HX_CHECK(0 && "no device supports images or pipes",
		 CL_INVALID_OPERATION);
	HX_API_EXIT_ERRCODE(errcode_ret);
	return NULL;
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateImage(
    cl_context context, cl_mem_flags flags, const cl_image_format *image_format,
    const cl_image_desc *image_desc, void *host_ptr, cl_int *errcode_ret)
{
	return no_object(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateImageWithProperties(
    cl_context context, const cl_mem_properties *properties, cl_mem_flags flags,
    const cl_image_format *image_format, const cl_image_desc *image_desc,
    void *host_ptr, cl_int *errcode_ret)
{
	return no_object(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateImage2D(
    cl_context context, cl_mem_flags flags, const cl_image_format *image_format,
    size_t image_width, size_t image_height, size_t image_row_pitch,
    void *host_ptr, cl_int *errcode_ret)
{
	return no_object(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL
clCreateImage3D(cl_context context, cl_mem_flags flags,
		const cl_image_format *image_format, size_t image_width,
		size_t image_height, size_t image_depth, size_t image_row_pitch,
		size_t image_slice_pitch, void *host_ptr, cl_int *errcode_ret)
{
	return no_object(context, errcode_ret);
}

CL_API_ENTRY cl_sampler CL_API_CALL
clCreateSampler(cl_context context, cl_bool normalized_coords,
		cl_addressing_mode addressing_mode, cl_filter_mode filter_mode,
		cl_int *errcode_ret)
{
	return no_object(context, errcode_ret);
}

CL_API_ENTRY cl_sampler CL_API_CALL clCreateSamplerWithProperties(
    cl_context context, const cl_sampler_properties *sampler_properties,
    cl_int *errcode_ret)
{
	return no_object(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL
clCreatePipe(cl_context context, cl_mem_flags flags, cl_uint pipe_packet_size,
	     cl_uint pipe_max_packets, const cl_pipe_properties *properties,
	     cl_int *errcode_ret)
{
	return no_object(context, errcode_ret);
}

static int image_type_ok(cl_mem_object_type t)
{
	switch (t) {
	case CL_MEM_OBJECT_IMAGE1D:
	case CL_MEM_OBJECT_IMAGE1D_BUFFER:
	case CL_MEM_OBJECT_IMAGE1D_ARRAY:
	case CL_MEM_OBJECT_IMAGE2D:
	case CL_MEM_OBJECT_IMAGE2D_ARRAY:
	case CL_MEM_OBJECT_IMAGE3D:
		return 1;
	default:
		return 0;
	}
}

/* With no device that supports images the list of formats is empty. */
CL_API_ENTRY cl_int CL_API_CALL clGetSupportedImageFormats(
    cl_context context, cl_mem_flags flags, cl_mem_object_type image_type,
    cl_uint num_entries, cl_image_format *image_formats,
    cl_uint *num_image_formats)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	/* flags holds only memory flags valid for images. */
	HX_CHECK(!(flags & ~(cl_mem_flags)(HX_MEM_BUFFER_FLAGS |
					   CL_MEM_KERNEL_READ_AND_WRITE)),
		 CL_INVALID_VALUE);
	/* image_type names an image type. */
	HX_CHECK(image_type_ok(image_type), CL_INVALID_VALUE);
	/* num_entries is 0 only when image_formats is NULL. */
	HX_CHECK(num_entries > 0 || !image_formats, CL_INVALID_VALUE);
	if (num_image_formats)
		*num_image_formats = 0;
	HX_API_EXIT();
}

/* No image or pipe object exists, so no handle is a valid one. */
static cl_int no_mem_object(void)
{
	HX_API_ENTER();
	HX_CHECK(0 && "no image or pipe object can exist",
		 CL_INVALID_MEM_OBJECT);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clGetImageInfo(cl_mem image,
					       cl_image_info param_name,
					       size_t param_value_size,
					       void *param_value,
					       size_t *param_value_size_ret)
{
	return no_mem_object();
}

CL_API_ENTRY cl_int CL_API_CALL clGetPipeInfo(cl_mem pipe,
					      cl_pipe_info param_name,
					      size_t param_value_size,
					      void *param_value,
					      size_t *param_value_size_ret)
{
	return no_mem_object();
}

/* No sampler object exists. */
static cl_int no_sampler(void)
{
	HX_API_ENTER();
	HX_CHECK(0 && "no sampler object can exist", CL_INVALID_SAMPLER);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clRetainSampler(cl_sampler sampler)
{
	return no_sampler();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseSampler(cl_sampler sampler)
{
	return no_sampler();
}

CL_API_ENTRY cl_int CL_API_CALL clGetSamplerInfo(cl_sampler sampler,
						 cl_sampler_info param_name,
						 size_t param_value_size,
						 void *param_value,
						 size_t *param_value_size_ret)
{
	return no_sampler();
}

/* An image command: a valid queue, then the image argument, which cannot
 * be a valid image. */
static cl_int image_command(cl_command_queue q)
{
	HX_API_ENTER();
	/* command_queue must be a valid host command-queue. */
	HX_CHECK(HX_VALID(q, QUEUE) && !(q->props & CL_QUEUE_ON_DEVICE),
		 CL_INVALID_COMMAND_QUEUE);
	HX_CHECK(0 && "no image object can exist", CL_INVALID_MEM_OBJECT);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReadImage(
    cl_command_queue command_queue, cl_mem image, cl_bool blocking_read,
    const size_t *origin, const size_t *region, size_t row_pitch,
    size_t slice_pitch, void *ptr, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	return image_command(command_queue);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueWriteImage(
    cl_command_queue command_queue, cl_mem image, cl_bool blocking_write,
    const size_t *origin, const size_t *region, size_t input_row_pitch,
    size_t input_slice_pitch, const void *ptr, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	return image_command(command_queue);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyImage(
    cl_command_queue command_queue, cl_mem src_image, cl_mem dst_image,
    const size_t *src_origin, const size_t *dst_origin, const size_t *region,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event)
{
	return image_command(command_queue);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueFillImage(
    cl_command_queue command_queue, cl_mem image, const void *fill_color,
    const size_t *origin, const size_t *region, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	return image_command(command_queue);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyImageToBuffer(
    cl_command_queue command_queue, cl_mem src_image, cl_mem dst_buffer,
    const size_t *src_origin, const size_t *region, size_t dst_offset,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event)
{
	return image_command(command_queue);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueCopyBufferToImage(
    cl_command_queue command_queue, cl_mem src_buffer, cl_mem dst_image,
    size_t src_offset, const size_t *dst_origin, const size_t *region,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event)
{
	return image_command(command_queue);
}

CL_API_ENTRY void *CL_API_CALL clEnqueueMapImage(
    cl_command_queue command_queue, cl_mem image, cl_bool blocking_map,
    cl_map_flags map_flags, const size_t *origin, const size_t *region,
    size_t *image_row_pitch, size_t *image_slice_pitch,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event, cl_int *errcode_ret)
{
	cl_int err = image_command(command_queue);

	if (errcode_ret)
		*errcode_ret = err;
	return NULL;
}
