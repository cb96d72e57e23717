/* Images, samplers and pipes: no hmmcl device supports them, and every
 * entry point says so with the spec's error for that case. */
#include "mem_util.h"

static const cl_image_format fmt = {CL_RGBA, CL_UNORM_INT8};

TEST(device_reports_no_images_no_pipes)
{
	cl_device_id dev = hx_test_device(0);
	cl_bool images = CL_TRUE, pipes = CL_TRUE;

	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_IMAGE_SUPPORT, sizeof(images),
				 &images, NULL));
	CHECK_EQ(images, CL_FALSE);
	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_PIPE_SUPPORT, sizeof(pipes),
				 &pipes, NULL));
	CHECK_EQ(pipes, CL_FALSE);
}

TEST(create_image)
{
	struct env e = env_new(0);
	cl_image_desc desc = {0};
	cl_mem_properties props[] = {0};
	cl_int err;

	desc.image_type = CL_MEM_OBJECT_IMAGE2D;
	desc.image_width = desc.image_height = 16;
	err = 0;
	CHECK(clCreateImage(e.ctx, 0, &fmt, &desc, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clCreateImage(NULL, 0, &fmt, &desc, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	err = 0;
	CHECK(clCreateImageWithProperties(e.ctx, props, 0, &fmt, &desc, NULL,
					  &err) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clCreateImageWithProperties(WRONG_TYPE(e.q, cl_context), props, 0,
					  &fmt, &desc, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	err = 0;
	CHECK(clCreateImage2D(e.ctx, 0, &fmt, 16, 16, 0, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clCreateImage2D(NULL, 0, &fmt, 16, 16, 0, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	err = 0;
	CHECK(clCreateImage3D(e.ctx, 0, &fmt, 16, 16, 4, 0, 0, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clCreateImage3D(NULL, 0, &fmt, 16, 16, 4, 0, 0, NULL, &err) ==
	      NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK(clCreateImage(e.ctx, 0, &fmt, &desc, NULL, NULL) == NULL);
	env_free(&e);
}

TEST(supported_image_formats)
{
	struct env e = env_new(0);
	cl_image_format out[4];
	cl_uint n = 99;

	CHECK_CL(clGetSupportedImageFormats(
	    e.ctx, CL_MEM_READ_WRITE, CL_MEM_OBJECT_IMAGE2D, 0, NULL, &n));
	CHECK_EQ(n, 0);
	n = 99;
	CHECK_CL(clGetSupportedImageFormats(e.ctx, CL_MEM_KERNEL_READ_AND_WRITE,
					    CL_MEM_OBJECT_IMAGE3D, 4, out, &n));
	CHECK_EQ(n, 0);
	CHECK_CL(clGetSupportedImageFormats(e.ctx, 0, CL_MEM_OBJECT_IMAGE1D, 4,
					    out, NULL));
	CHECK_ERR(clGetSupportedImageFormats(NULL, 0, CL_MEM_OBJECT_IMAGE2D, 0,
					     NULL, &n),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clGetSupportedImageFormats(e.ctx, (cl_mem_flags)1 << 40,
					     CL_MEM_OBJECT_IMAGE2D, 0, NULL,
					     &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetSupportedImageFormats(e.ctx, 0, CL_MEM_OBJECT_BUFFER, 0,
					     NULL, &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetSupportedImageFormats(e.ctx, 0, CL_MEM_OBJECT_PIPE, 0,
					     NULL, &n),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetSupportedImageFormats(e.ctx, 0, CL_MEM_OBJECT_IMAGE2D, 0,
					     out, &n),
		  CL_INVALID_VALUE);
	env_free(&e);
}

TEST(image_info_and_commands)
{
	struct env e = env_new(0);
	cl_mem buf = new_buffer(e.ctx, 0, 4096, NULL);
	size_t org[3] = {0, 0, 0}, region[3] = {1, 1, 1}, pitch;
	unsigned char host[64];
	float color[4] = {0};
	cl_int err;

	/* A buffer is not an image, and no image can exist. */
	CHECK_ERR(
	    clGetImageInfo(buf, CL_IMAGE_WIDTH, sizeof(pitch), &pitch, NULL),
	    CL_INVALID_MEM_OBJECT);
	CHECK_ERR(
	    clGetImageInfo(NULL, CL_IMAGE_WIDTH, sizeof(pitch), &pitch, NULL),
	    CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueReadImage(e.q, buf, 1, org, region, 0, 0, host, 0,
				     NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueReadImage(NULL, buf, 1, org, region, 0, 0, host, 0,
				     NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueWriteImage(e.q, buf, 1, org, region, 0, 0, host, 0,
				      NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueWriteImage(NULL, buf, 1, org, region, 0, 0, host, 0,
				      NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(
	    clEnqueueCopyImage(e.q, buf, buf, org, org, region, 0, NULL, NULL),
	    CL_INVALID_MEM_OBJECT);
	CHECK_ERR(
	    clEnqueueCopyImage(NULL, buf, buf, org, org, region, 0, NULL, NULL),
	    CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(
	    clEnqueueFillImage(e.q, buf, color, org, region, 0, NULL, NULL),
	    CL_INVALID_MEM_OBJECT);
	CHECK_ERR(
	    clEnqueueFillImage(NULL, buf, color, org, region, 0, NULL, NULL),
	    CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueCopyImageToBuffer(e.q, buf, buf, org, region, 0, 0,
					     NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueCopyImageToBuffer(NULL, buf, buf, org, region, 0, 0,
					     NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(clEnqueueCopyBufferToImage(e.q, buf, buf, 0, org, region, 0,
					     NULL, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clEnqueueCopyBufferToImage(NULL, buf, buf, 0, org, region, 0,
					     NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE);
	err = 0;
	CHECK(clEnqueueMapImage(e.q, buf, 1, CL_MAP_READ, org, region, &pitch,
				NULL, 0, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT);
	CHECK(clEnqueueMapImage(NULL, buf, 1, CL_MAP_READ, org, region, &pitch,
				NULL, 0, NULL, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_COMMAND_QUEUE);
	CHECK_CL(clReleaseMemObject(buf));
	env_free(&e);
}

TEST(samplers)
{
	struct env e = env_new(0);
	cl_sampler_properties props[] = {CL_SAMPLER_NORMALIZED_COORDS, CL_TRUE,
					 0};
	cl_uint rc;
	cl_int err = 0;

	CHECK(clCreateSampler(e.ctx, CL_TRUE, CL_ADDRESS_CLAMP,
			      CL_FILTER_NEAREST, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clCreateSampler(NULL, CL_TRUE, CL_ADDRESS_CLAMP,
			      CL_FILTER_NEAREST, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	err = 0;
	CHECK(clCreateSamplerWithProperties(e.ctx, props, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clCreateSamplerWithProperties(NULL, props, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK_ERR(clRetainSampler(NULL), CL_INVALID_SAMPLER);
	CHECK_ERR(clReleaseSampler(WRONG_TYPE(e.ctx, cl_sampler)),
		  CL_INVALID_SAMPLER);
	CHECK_ERR(clGetSamplerInfo(WRONG_TYPE(e.q, cl_sampler),
				   CL_SAMPLER_REFERENCE_COUNT, sizeof(rc), &rc,
				   NULL),
		  CL_INVALID_SAMPLER);
	env_free(&e);
}

TEST(pipes)
{
	struct env e = env_new(0);
	cl_mem buf = new_buffer(e.ctx, 0, 64, NULL);
	cl_uint v;
	cl_int err = 0;

	CHECK(clCreatePipe(e.ctx, 0, 16, 16, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_OPERATION);
	CHECK(clCreatePipe(NULL, 0, 16, 16, NULL, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK_ERR(clGetPipeInfo(buf, CL_PIPE_PACKET_SIZE, sizeof(v), &v, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(clGetPipeInfo(NULL, CL_PIPE_PACKET_SIZE, sizeof(v), &v, NULL),
		  CL_INVALID_MEM_OBJECT);
	CHECK_CL(clReleaseMemObject(buf));
	env_free(&e);
}
