/* GL and EGL sharing: no hmmcl context is ever created from a GL or EGL
 * context (cl_khr_gl_sharing and cl_khr_egl_image are not advertised), so
 * every call fails with the error the extensions give for that case. */
#include "api.h"

#include "../core/context.h"
#include "../core/event.h"

#include <CL/cl_egl.h>
#include <CL/cl_gl.h>

static cl_mem no_gl_mem(cl_context context, cl_int *errcode_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	/* The context was not created from a GL context. */
	HX_CHECK(0 && "context has no GL share group", CL_INVALID_CONTEXT);
	HX_API_EXIT_ERRCODE(errcode_ret);
	return NULL;
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLBuffer(cl_context context,
						     cl_mem_flags flags,
						     cl_GLuint bufobj,
						     cl_int *errcode_ret)
{
	return no_gl_mem(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLTexture(
	cl_context context, cl_mem_flags flags, cl_GLenum target,
	cl_GLint miplevel, cl_GLuint texture, cl_int *errcode_ret)
{
	return no_gl_mem(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLTexture2D(
	cl_context context, cl_mem_flags flags, cl_GLenum target,
	cl_GLint miplevel, cl_GLuint texture, cl_int *errcode_ret)
{
	return no_gl_mem(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLTexture3D(
	cl_context context, cl_mem_flags flags, cl_GLenum target,
	cl_GLint miplevel, cl_GLuint texture, cl_int *errcode_ret)
{
	return no_gl_mem(context, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLRenderbuffer(
	cl_context context, cl_mem_flags flags, cl_GLuint renderbuffer,
	cl_int *errcode_ret)
{
	return no_gl_mem(context, errcode_ret);
}

CL_API_ENTRY cl_int CL_API_CALL clGetGLObjectInfo(cl_mem memobj,
						  cl_gl_object_type *type,
						  cl_GLuint *name)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(memobj, MEM), CL_INVALID_MEM_OBJECT);
	/* No memory object is a GL object. */
	HX_CHECK(0 && "not a GL object", CL_INVALID_GL_OBJECT);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clGetGLTextureInfo(cl_mem memobj,
						   cl_gl_texture_info param,
						   size_t size, void *value,
						   size_t *size_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(memobj, MEM), CL_INVALID_MEM_OBJECT);
	HX_CHECK(0 && "not a GL texture", CL_INVALID_GL_OBJECT);
	HX_API_EXIT();
}

static cl_int no_acquire(cl_command_queue q, cl_uint num_objects,
			 const cl_mem *mem_objects, cl_uint nwait,
			 const cl_event *wait)
{
	cl_uint i;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(q, QUEUE), CL_INVALID_COMMAND_QUEUE);
	/* num_objects is 0 and mem_objects is not NULL, or the reverse. */
	HX_CHECK((num_objects == 0) == (mem_objects == NULL),
		 CL_INVALID_VALUE);
	for (i = 0; i < num_objects; i++)
		HX_CHECK(HX_VALID(mem_objects[i], MEM), CL_INVALID_MEM_OBJECT);
	HX_TRY(hx_check_wait_list(q->ctx, nwait, wait));
	/* The queue's context was not created from a GL or EGL context. */
	HX_CHECK(0 && "context has no GL/EGL share group", CL_INVALID_CONTEXT);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueAcquireGLObjects(
	cl_command_queue q, cl_uint n, const cl_mem *objs, cl_uint nwait,
	const cl_event *wait, cl_event *event)
{
	return no_acquire(q, n, objs, nwait, wait);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReleaseGLObjects(
	cl_command_queue q, cl_uint n, const cl_mem *objs, cl_uint nwait,
	const cl_event *wait, cl_event *event)
{
	return no_acquire(q, n, objs, nwait, wait);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueAcquireEGLObjectsKHR(
	cl_command_queue q, cl_uint n, const cl_mem *objs, cl_uint nwait,
	const cl_event *wait, cl_event *event)
{
	return no_acquire(q, n, objs, nwait, wait);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueReleaseEGLObjectsKHR(
	cl_command_queue q, cl_uint n, const cl_mem *objs, cl_uint nwait,
	const cl_event *wait, cl_event *event)
{
	return no_acquire(q, n, objs, nwait, wait);
}

CL_API_ENTRY cl_int CL_API_CALL clGetGLContextInfoKHR(
	const cl_context_properties *properties, cl_gl_context_info param_name,
	size_t param_value_size, void *param_value,
	size_t *param_value_size_ret)
{
	HX_API_ENTER();
	/* cl_khr_gl_sharing is not supported: no GL context is valid. */
	HX_CHECK(0 && "cl_khr_gl_sharing is not supported",
		 CL_INVALID_GL_SHAREGROUP_REFERENCE_KHR);
	HX_API_EXIT();
}

CL_API_ENTRY cl_event CL_API_CALL clCreateEventFromGLsyncKHR(
	cl_context context, cl_GLsync sync, cl_int *errcode_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_CHECK(0 && "context has no GL share group", CL_INVALID_CONTEXT);
	HX_API_EXIT_ERRCODE(errcode_ret);
	return NULL;
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateFromEGLImageKHR(
	cl_context context, CLeglDisplayKHR display, CLeglImageKHR image,
	cl_mem_flags flags, const cl_egl_image_properties_khr *properties,
	cl_int *errcode_ret)
{
	return no_gl_mem(context, errcode_ret);
}

CL_API_ENTRY cl_event CL_API_CALL clCreateEventFromEGLSyncKHR(
	cl_context context, CLeglSyncKHR sync, CLeglDisplayKHR display,
	cl_int *errcode_ret)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_CHECK(0 && "context has no EGL display", CL_INVALID_CONTEXT);
	HX_API_EXIT_ERRCODE(errcode_ret);
	return NULL;
}
