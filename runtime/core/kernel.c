#include "kernel.h"

#include "compiler/compiler.h"
#include "mem.h"
#include "program.h"

#include <stdlib.h>
#include <string.h>

static void clear_arg(struct hx_kernel_arg *a)
{
	if (a->mem)
		hx_release(a->mem);
	free(a->big);
	memset(a, 0, sizeof(*a));
}

static void kernel_destroy(hx_object *obj)
{
	cl_kernel k = (cl_kernel)obj;
	uint32_t i;

	for (i = 0; i < k->meta->num_args; i++)
		clear_arg(&k->args[i]);
	free(k->args);
	free(k->svm_ptrs);
	pthread_mutex_destroy(&k->lock);
	hx_compiler_release(k->cprog);
	hx_program_kernel_attached(k->program, -1);
	hx_release(k->program);
}

static cl_int kernel_alloc(cl_program p, hx_cprog *cprog, size_t index,
			   cl_kernel *out)
{
	cl_kernel k = calloc(1, sizeof(*k));
	const hx_kernel_meta *meta = hx_compiler_kernel(cprog, index);

	if (!k)
		return CL_OUT_OF_HOST_MEMORY;
	k->args = calloc(meta->num_args ? meta->num_args : 1, sizeof(*k->args));
	if (!k->args) {
		free(k);
		return CL_OUT_OF_HOST_MEMORY;
	}
	hx_object_init(&k->obj, HX_TYPE_KERNEL, kernel_destroy);
	k->program = p;
	hx_retain(p);
	k->cprog = cprog;
	k->index = index;
	k->meta = meta;
	k->fine_grain_system = CL_TRUE;
	pthread_mutex_init(&k->lock, NULL);
	hx_program_kernel_attached(p, 1);
	*out = k;
	return CL_SUCCESS;
}

cl_int hx_kernel_create(cl_program p, const char *name, cl_kernel *out)
{
	hx_cprog *cprog = NULL;
	cl_int err;
	long index;

	err = hx_program_any_executable(p, &cprog);
	if (err)
		return err;
	index = hx_compiler_find_kernel(cprog, name);
	if (index < 0) {
		hx_compiler_release(cprog);
		return CL_INVALID_KERNEL_NAME;
	}
	err = kernel_alloc(p, cprog, (size_t)index, out);
	if (err)
		hx_compiler_release(cprog);
	return err;
}

cl_int hx_kernel_clone(cl_kernel src, cl_kernel *out)
{
	cl_kernel k;
	cl_int err;
	uint32_t i;

	hx_compiler_retain(src->cprog);
	err = kernel_alloc(src->program, src->cprog, src->index, &k);
	if (err) {
		hx_compiler_release(src->cprog);
		return err;
	}
	pthread_mutex_lock(&src->lock);
	for (i = 0; i < src->meta->num_args; i++) {
		k->args[i] = src->args[i];
		if (k->args[i].mem)
			hx_retain(k->args[i].mem);
		if (src->args[i].big) {
			k->args[i].big = malloc(src->args[i].size);
			if (k->args[i].big)
				memcpy(k->args[i].big, src->args[i].big,
				       src->args[i].size);
		}
	}
	if (src->nsvm_ptrs) {
		k->svm_ptrs = malloc(src->nsvm_ptrs * sizeof(void *));
		if (k->svm_ptrs) {
			memcpy(k->svm_ptrs, src->svm_ptrs,
			       src->nsvm_ptrs * sizeof(void *));
			k->nsvm_ptrs = src->nsvm_ptrs;
		}
	}
	k->fine_grain_system = src->fine_grain_system;
	pthread_mutex_unlock(&src->lock);
	*out = k;
	return CL_SUCCESS;
}

/* Validates and converts one clSetKernelArg value. */
static cl_int make_arg(cl_kernel k, const hx_arg_meta *m, size_t size,
		       const void *value, struct hx_kernel_arg *a)
{
	cl_mem mem;

	if (m->address_qualifier == CL_KERNEL_ARG_ADDRESS_LOCAL) {
		/* __local: arg_value must be NULL, arg_size non-zero. */
		if (value)
			return CL_INVALID_ARG_VALUE;
		if (size == 0)
			return CL_INVALID_ARG_SIZE;
		a->kind = HX_ARG_LOCAL;
		a->size = size;
		return CL_SUCCESS;
	}
	if (m->is_pointer) {
		/* A buffer argument takes sizeof(cl_mem). */
		if (size != sizeof(cl_mem))
			return CL_INVALID_ARG_SIZE;
		mem = value ? *(const cl_mem *)value : NULL;
		if (mem && (!hx_object_valid(mem, HX_TYPE_MEM) ||
			    mem->ctx != k->program->ctx))
			return CL_INVALID_MEM_OBJECT;
		a->kind = HX_ARG_MEM;
		a->size = sizeof(void *);
		a->mem = mem;
		if (mem)
			hx_retain(mem);
		return CL_SUCCESS;
	}
	/* By value: the size must be the argument's. */
	if (size != m->size)
		return CL_INVALID_ARG_SIZE;
	if (!value)
		return CL_INVALID_ARG_VALUE;
	a->kind = HX_ARG_VALUE;
	a->size = size;
	if (size > sizeof(a->value)) {
		a->big = malloc(size);
		if (!a->big)
			return CL_OUT_OF_HOST_MEMORY;
		memcpy(a->big, value, size);
	} else {
		memcpy(a->value, value, size);
	}
	return CL_SUCCESS;
}

cl_int hx_kernel_set_arg(cl_kernel k, cl_uint index, size_t size,
			 const void *value)
{
	struct hx_kernel_arg a = {0};
	cl_int err;

	if (index >= k->meta->num_args)
		return CL_INVALID_ARG_INDEX;
	err = make_arg(k, &k->meta->args[index], size, value, &a);
	if (err) {
		clear_arg(&a);
		return err;
	}
	pthread_mutex_lock(&k->lock);
	clear_arg(&k->args[index]);
	k->args[index] = a;
	pthread_mutex_unlock(&k->lock);
	return CL_SUCCESS;
}

cl_int hx_kernel_set_arg_svm(cl_kernel k, cl_uint index, const void *ptr)
{
	const hx_arg_meta *m;
	struct hx_kernel_arg a = {0};

	if (index >= k->meta->num_args)
		return CL_INVALID_ARG_INDEX;
	m = &k->meta->args[index];
	/* Only global and constant pointer arguments take SVM pointers. */
	if (!m->is_pointer ||
	    m->address_qualifier == CL_KERNEL_ARG_ADDRESS_LOCAL)
		return CL_INVALID_ARG_VALUE;
	a.kind = HX_ARG_SVM;
	a.size = sizeof(void *);
	memcpy(a.value, &ptr, sizeof(ptr));
	pthread_mutex_lock(&k->lock);
	clear_arg(&k->args[index]);
	k->args[index] = a;
	pthread_mutex_unlock(&k->lock);
	return CL_SUCCESS;
}

uint64_t hx_kernel_local_bytes(cl_kernel k)
{
	uint64_t total = k->meta->local_static;
	uint32_t i;

	pthread_mutex_lock(&k->lock);
	for (i = 0; i < k->meta->num_args; i++)
		if (k->args[i].kind == HX_ARG_LOCAL)
			total = ((total + 127) & ~127ull) + k->args[i].size;
	pthread_mutex_unlock(&k->lock);
	return total;
}
