/* Buffer and sub-buffer creation. */
#include "api.h"

#include "../core/context.h"
#include "../core/mem.h"

static int at_most_one(cl_mem_flags bits)
{
	return (bits & (bits - 1)) == 0;
}

/* The flag rules of clCreateBuffer*, with host_ptr. */
static cl_int check_flags(cl_mem_flags flags, const void *host_ptr)
{
	/* flags holds only memory flags valid for buffers ... */
	if (flags & ~(cl_mem_flags)HX_MEM_BUFFER_FLAGS)
		return CL_INVALID_VALUE;
	/* ... and no mutually exclusive pair: one device access, one host
	 * access, USE_HOST_PTR with neither ALLOC_HOST_PTR nor
	 * COPY_HOST_PTR. */
	if (!at_most_one(flags & HX_MEM_ACCESS_FLAGS) ||
	    !at_most_one(flags & HX_MEM_HOST_ACCESS_FLAGS) ||
	    ((flags & CL_MEM_USE_HOST_PTR) &&
	     (flags & (CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR))))
		return CL_INVALID_VALUE;
	/* host_ptr is NULL with USE/COPY_HOST_PTR, or given without them. */
	if (!host_ptr !=
	    !(flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR)))
		return CL_INVALID_HOST_PTR;
	return CL_SUCCESS;
}

/* size is 0 or above CL_DEVICE_MAX_MEM_ALLOC_SIZE of every device. */
static int size_ok(cl_context ctx, size_t size)
{
	cl_uint i;

	if (size == 0)
		return 0;
	for (i = 0; i < ctx->ndevices; i++)
		if (size <= ctx->devices[i]->max_alloc_size)
			return 1;
	return 0;
}

static cl_mem create_buffer(cl_context context,
			    const cl_mem_properties *properties,
			    cl_mem_flags flags, size_t size, void *host_ptr,
			    cl_int *errcode_ret)
{
	cl_mem mem = NULL;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	/* Core OpenCL 3.0 defines no buffer property: only an empty list. */
	HX_CHECK(!properties || properties[0] == 0, CL_INVALID_PROPERTY);
	HX_CHECK(size_ok(context, size), CL_INVALID_BUFFER_SIZE);
	HX_TRY(check_flags(flags, host_ptr));
	HX_TRY(hx_buffer_create(context, flags, size, host_ptr, properties,
				properties ? 1 : 0, &mem));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return mem;
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateBuffer(cl_context context,
					       cl_mem_flags flags, size_t size,
					       void *host_ptr,
					       cl_int *errcode_ret)
{
	return create_buffer(context, NULL, flags, size, host_ptr, errcode_ret);
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateBufferWithProperties(
    cl_context context, const cl_mem_properties *properties, cl_mem_flags flags,
    size_t size, void *host_ptr, cl_int *errcode_ret)
{
	return create_buffer(context, properties, flags, size, host_ptr,
			     errcode_ret);
}

/* The flag rules of clCreateSubBuffer against the buffer's flags. */
static cl_int check_sub_flags(cl_mem_flags parent, cl_mem_flags flags)
{
	/* Only access flags; the host pointer flags are inherited and
	 * cannot be specified. */
	if (flags &
	    ~(cl_mem_flags)(HX_MEM_ACCESS_FLAGS | HX_MEM_HOST_ACCESS_FLAGS))
		return CL_INVALID_VALUE;
	if (!at_most_one(flags & HX_MEM_ACCESS_FLAGS) ||
	    !at_most_one(flags & HX_MEM_HOST_ACCESS_FLAGS))
		return CL_INVALID_VALUE;
	/* A WRITE_ONLY buffer gives no READ_WRITE or READ_ONLY sub-buffer,
	 * a READ_ONLY one no READ_WRITE or WRITE_ONLY sub-buffer. */
	if ((parent & CL_MEM_WRITE_ONLY) &&
	    (flags & (CL_MEM_READ_WRITE | CL_MEM_READ_ONLY)))
		return CL_INVALID_VALUE;
	if ((parent & CL_MEM_READ_ONLY) &&
	    (flags & (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY)))
		return CL_INVALID_VALUE;
	/* Host access may only narrow: HOST_WRITE_ONLY excludes
	 * HOST_READ_ONLY, HOST_READ_ONLY excludes HOST_WRITE_ONLY,
	 * HOST_NO_ACCESS excludes both. */
	if ((parent & CL_MEM_HOST_WRITE_ONLY) &&
	    (flags & CL_MEM_HOST_READ_ONLY))
		return CL_INVALID_VALUE;
	if ((parent & CL_MEM_HOST_READ_ONLY) &&
	    (flags & CL_MEM_HOST_WRITE_ONLY))
		return CL_INVALID_VALUE;
	if ((parent & CL_MEM_HOST_NO_ACCESS) &&
	    (flags & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_WRITE_ONLY)))
		return CL_INVALID_VALUE;
	return CL_SUCCESS;
}

/* origin is aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN of some device of
 * the context (all hmmcl devices share one alignment). */
static int origin_aligned(size_t origin)
{
	return origin % HX_MEM_ALIGN == 0;
}

CL_API_ENTRY cl_mem CL_API_CALL clCreateSubBuffer(
    cl_mem buffer, cl_mem_flags flags, cl_buffer_create_type buffer_create_type,
    const void *buffer_create_info, cl_int *errcode_ret)
{
	const cl_buffer_region *r = buffer_create_info;
	cl_mem mem = NULL;

	HX_API_ENTER();
	/* buffer is a valid buffer object and not a sub-buffer. */
	HX_CHECK(HX_VALID(buffer, MEM) &&
		     buffer->type == CL_MEM_OBJECT_BUFFER && !buffer->parent,
		 CL_INVALID_MEM_OBJECT);
	HX_TRY(check_sub_flags(buffer->flags, flags));
	/* Only CL_BUFFER_CREATE_TYPE_REGION, with its info. */
	HX_CHECK(buffer_create_type == CL_BUFFER_CREATE_TYPE_REGION,
		 CL_INVALID_VALUE);
	HX_CHECK(r, CL_INVALID_VALUE);
	/* The region's size is not 0 ... */
	HX_CHECK(r->size != 0, CL_INVALID_BUFFER_SIZE);
	/* ... and the region lies in buffer. */
	HX_CHECK(r->origin <= buffer->size &&
		     r->size <= buffer->size - r->origin,
		 CL_INVALID_VALUE);
	/* Some device of the context takes the origin's alignment. */
	HX_CHECK(origin_aligned(r->origin), CL_MISALIGNED_SUB_BUFFER_OFFSET);
	HX_TRY(hx_sub_buffer_create(buffer, flags, r->origin, r->size, &mem));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return mem;
}
