#include "mem.h"

#include "context.h"
#include "debug.h"
#include "platform.h"
#include "svm.h"

#include <stdlib.h>
#include <string.h>

static void mem_destroy(hx_object *obj)
{
	cl_mem m = (cl_mem)obj;
	struct hx_mem_destructor *d, *dn;
	struct hx_mapping *mp, *mn;

	/* Callbacks run newest first (the list is kept that way), before the
	 * storage goes, as the spec requires. */
	for (d = m->destructors; d; d = dn) {
		dn = d->next;
		d->fn(m, d->user_data);
		free(d);
	}
	for (mp = m->maps; mp; mp = mn) {
		mn = mp->next;
		free(mp);
	}
	HX_DEBUG(HX_DBG_MEM, "mem", "free %p (%zu bytes)", m->data, m->size);
	free(m->alloc);
	free(m->props);
	if (m->parent)
		hx_release(m->parent);
	hx_release(m->ctx);
	pthread_mutex_destroy(&m->lock);
}

static cl_mem mem_new(cl_context ctx, cl_mem_flags flags, size_t size)
{
	cl_mem m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	hx_object_init(&m->obj, HX_TYPE_MEM, mem_destroy);
	pthread_mutex_init(&m->lock, NULL);
	m->ctx = ctx;
	hx_retain(ctx);
	m->type = CL_MEM_OBJECT_BUFFER;
	m->flags = flags;
	m->size = size;
	return m;
}

/* CL_MEM_USES_SVM_POINTER: host_ptr lies in a clSVMAlloc allocation of
 * the context. */
static cl_bool host_ptr_is_svm(cl_context ctx, const void *p)
{
	return hx_svm_find(ctx, p, NULL) ? CL_TRUE : CL_FALSE;
}

cl_int hx_buffer_create(cl_context ctx, cl_mem_flags flags, size_t size,
			void *host_ptr, const cl_mem_properties *props,
			size_t nprops, cl_mem *out)
{
	cl_mem m = mem_new(ctx, flags, size);

	if (!m)
		return CL_OUT_OF_HOST_MEMORY;
	if (props) {
		m->props = malloc(nprops * sizeof(*props));
		if (!m->props)
			goto err_release;
		memcpy(m->props, props, nprops * sizeof(*props));
		m->nprops = nprops;
	}
	if (flags & CL_MEM_USE_HOST_PTR) {
		/* The device reaches host memory: the application's memory is
		 * the buffer. */
		m->host_ptr = host_ptr;
		m->data = host_ptr;
		m->uses_svm = host_ptr_is_svm(ctx, host_ptr);
	} else {
		size_t rounded =
		    (size + HX_MEM_ALIGN - 1) & ~(size_t)(HX_MEM_ALIGN - 1);

		m->alloc = aligned_alloc(HX_MEM_ALIGN, rounded);
		if (!m->alloc) {
			hx_release(m);
			return CL_MEM_OBJECT_ALLOCATION_FAILURE;
		}
		m->data = m->alloc;
		if (flags & CL_MEM_COPY_HOST_PTR)
			memcpy(m->data, host_ptr, size);
	}
	HX_DEBUG(HX_DBG_MEM, "mem", "buffer %p: %zu bytes at %p flags 0x%llx",
		 (void *)m, size, m->data, (unsigned long long)flags);
	*out = m;
	return CL_SUCCESS;

err_release:
	hx_release(m);
	return CL_OUT_OF_HOST_MEMORY;
}

/* What a sub-buffer takes from its buffer when flags leave it open. */
static cl_mem_flags inherit_flags(cl_mem_flags parent, cl_mem_flags flags)
{
	if (!(flags & HX_MEM_ACCESS_FLAGS))
		flags |= parent & HX_MEM_ACCESS_FLAGS;
	if (!(flags & HX_MEM_HOST_ACCESS_FLAGS))
		flags |= parent & HX_MEM_HOST_ACCESS_FLAGS;
	return flags | (parent & HX_MEM_HOST_PTR_FLAGS);
}

cl_int hx_sub_buffer_create(cl_mem parent, cl_mem_flags flags, size_t origin,
			    size_t size, cl_mem *out)
{
	cl_mem m =
	    mem_new(parent->ctx, inherit_flags(parent->flags, flags), size);

	if (!m)
		return CL_OUT_OF_HOST_MEMORY;
	m->parent = parent;
	hx_retain(parent);
	m->offset = origin;
	m->data = (char *)parent->data + origin;
	if (parent->host_ptr)
		m->host_ptr = (char *)parent->host_ptr + origin;
	m->uses_svm = parent->uses_svm;
	*out = m;
	return CL_SUCCESS;
}

void *hx_mem_ptr(cl_mem m)
{
	return m->data;
}

cl_mem hx_mem_root(cl_mem m)
{
	return m->parent ? m->parent : m;
}

size_t hx_mem_root_offset(cl_mem m)
{
	return m->parent ? m->offset : 0;
}

cl_int hx_mem_add_destructor(cl_mem m, void(CL_CALLBACK *fn)(cl_mem, void *),
			     void *user_data)
{
	struct hx_mem_destructor *d = malloc(sizeof(*d));

	if (!d)
		return CL_OUT_OF_HOST_MEMORY;
	d->fn = fn;
	d->user_data = user_data;
	pthread_mutex_lock(&m->lock);
	d->next = m->destructors;
	m->destructors = d;
	pthread_mutex_unlock(&m->lock);
	return CL_SUCCESS;
}

cl_int hx_mem_map(cl_mem m, size_t offset, size_t size, cl_map_flags flags,
		  void **ptr_out)
{
	struct hx_mapping *mp = malloc(sizeof(*mp));

	if (!mp)
		return CL_OUT_OF_HOST_MEMORY;
	/* A mapped pointer is the buffer's own memory: the host and the
	 * device share it, nothing is staged. */
	mp->ptr = (char *)m->data + offset;
	mp->offset = offset;
	mp->size = size;
	mp->flags = flags;
	pthread_mutex_lock(&m->lock);
	mp->next = m->maps;
	m->maps = mp;
	m->map_count++;
	pthread_mutex_unlock(&m->lock);
	*ptr_out = mp->ptr;
	return CL_SUCCESS;
}

cl_int hx_mem_unmap(cl_mem m, void *ptr)
{
	struct hx_mapping **pp, *mp = NULL;

	pthread_mutex_lock(&m->lock);
	for (pp = &m->maps; *pp; pp = &(*pp)->next) {
		if ((*pp)->ptr == ptr) {
			mp = *pp;
			*pp = mp->next;
			m->map_count--;
			break;
		}
	}
	pthread_mutex_unlock(&m->lock);
	free(mp);
	return mp ? CL_SUCCESS : CL_INVALID_VALUE;
}

cl_uint hx_mem_map_count(cl_mem m)
{
	cl_uint n;

	pthread_mutex_lock(&m->lock);
	n = m->map_count;
	pthread_mutex_unlock(&m->lock);
	return n;
}

int hx_mem_host_can_read(cl_mem m)
{
	return !(m->flags & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_NO_ACCESS));
}

int hx_mem_host_can_write(cl_mem m)
{
	return !(m->flags & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS));
}
