/* Checks shared by the buffer entry points (runtime/api/cl*Buffer*.c). */
#ifndef HMMCL_API_MEM_API_H
#define HMMCL_API_MEM_API_H

#include "api.h"

#include "../core/event.h"
#include "../core/mem.h"

/* A valid host command-queue and a valid buffer of its context. */
static inline cl_int hx_check_queue_buffer(cl_command_queue q, cl_mem m)
{
	/* command_queue must be a valid host command-queue. */
	if (!HX_VALID(q, QUEUE) || (q->props & CL_QUEUE_ON_DEVICE))
		return CL_INVALID_COMMAND_QUEUE;
	/* buffer must be a valid buffer object. */
	if (!HX_VALID(m, MEM) || m->type != CL_MEM_OBJECT_BUFFER)
		return CL_INVALID_MEM_OBJECT;
	/* The contexts of command_queue and buffer must be the same. */
	if (m->ctx != q->ctx)
		return CL_INVALID_CONTEXT;
	return CL_SUCCESS;
}

/* [offset, offset + size) lies in a buffer of buf_size bytes. */
static inline int hx_in_bounds(size_t offset, size_t size, size_t buf_size)
{
	return offset <= buf_size && size <= buf_size - offset;
}

/* A linear range as a one-row rectangle. */
static inline struct hx_rect hx_linear(size_t offset)
{
	struct hx_rect r = {{offset, 0, 0}, 0, 0};

	return r;
}

#endif
