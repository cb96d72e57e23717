/* Context creation, reference counting and queries. */
#include "api.h"

#include "../core/context.h"

#include <stdlib.h>

/* Validates a context property list and returns the platform it names
 * (or ours when it names none). */
static cl_int check_properties(const cl_context_properties *props)
{
	size_t i, j;

	for (i = 0; props && props[i]; i += 2) {
		/* Each property name appears once. */
		for (j = 0; j < i; j += 2)
			if (props[j] == props[i])
				return CL_INVALID_PROPERTY;
		switch (props[i]) {
		case CL_CONTEXT_PLATFORM:
			if (!hx_object_valid((void *)props[i + 1],
					     HX_TYPE_PLATFORM))
				return CL_INVALID_PLATFORM;
			break;
		case CL_CONTEXT_INTEROP_USER_SYNC:
			/* A cl_bool: any other value is not valid. */
			if (props[i + 1] != CL_TRUE && props[i + 1] != CL_FALSE)
				return CL_INVALID_PROPERTY;
			break;
		default:
			return CL_INVALID_PROPERTY;
		}
	}
	return CL_SUCCESS;
}

CL_API_ENTRY cl_context CL_API_CALL clCreateContext(
	const cl_context_properties *properties, cl_uint num_devices,
	const cl_device_id *devices,
	void(CL_CALLBACK *pfn_notify)(const char *, const void *, size_t, void *),
	void *user_data, cl_int *errcode_ret)
{
	cl_device_id unique[HX_MAX_DEVICES];
	cl_context ctx = NULL;
	cl_uint i, j, n = 0;

	HX_API_ENTER();
	HX_TRY(check_properties(properties));
	HX_CHECK(devices && num_devices > 0, CL_INVALID_VALUE);
	/* user_data may be given only with a callback. */
	HX_CHECK(pfn_notify || !user_data, CL_INVALID_VALUE);
	for (i = 0; i < num_devices; i++) {
		HX_CHECK(hx_device_valid(devices[i]), CL_INVALID_DEVICE);
		/* Duplicate devices specified in devices are ignored. */
		for (j = 0; j < n && unique[j] != devices[i]; j++)
			;
		if (j == n)
			unique[n++] = devices[i];
	}
	HX_TRY(hx_context_create(properties, n, unique, pfn_notify, user_data,
				 &ctx));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return ctx;
}

CL_API_ENTRY cl_context CL_API_CALL clCreateContextFromType(
	const cl_context_properties *properties, cl_device_type device_type,
	void(CL_CALLBACK *pfn_notify)(const char *, const void *, size_t, void *),
	void *user_data, cl_int *errcode_ret)
{
	cl_device_id devs[HX_MAX_DEVICES];
	cl_uint n = 0;
	cl_context ctx = NULL;

	HX_API_ENTER();
	HX_TRY(check_properties(properties));
	HX_CHECK(pfn_notify || !user_data, CL_INVALID_VALUE);
	HX_TRY(clGetDeviceIDs(hx_platform_get(), device_type, HX_MAX_DEVICES,
			      devs, &n));
	HX_TRY(hx_context_create(properties, n, devs, pfn_notify, user_data,
				 &ctx));
	HX_API_EXIT_ERRCODE(errcode_ret);
	return ctx;
}

CL_API_ENTRY cl_int CL_API_CALL clRetainContext(cl_context context)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	hx_retain(context);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseContext(cl_context context)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	hx_release(context);
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clGetContextInfo(cl_context context,
						 cl_context_info param_name,
						 size_t param_value_size,
						 void *param_value,
						 size_t *param_value_size_ret)
{
	size_t size = param_value_size, *size_ret = param_value_size_ret;
	void *value = param_value;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	switch (param_name) {
	case CL_CONTEXT_REFERENCE_COUNT:
		HX_TRY(hx_info(size, value, size_ret,
			       &(cl_uint){hx_refcount(context)},
			       sizeof(cl_uint)));
		break;
	case CL_CONTEXT_NUM_DEVICES:
		HX_TRY(hx_info(size, value, size_ret, &context->ndevices,
			       sizeof(cl_uint)));
		break;
	case CL_CONTEXT_DEVICES:
		HX_TRY(hx_info(size, value, size_ret, context->devices,
			       context->ndevices * sizeof(cl_device_id)));
		break;
	case CL_CONTEXT_PROPERTIES:
		HX_TRY(hx_info(size, value, size_ret, context->props,
			       context->nprops * sizeof(cl_context_properties)));
		break;
	default:
		HX_CHECK(0 && "unknown param_name", CL_INVALID_VALUE);
	}
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clSetContextDestructorCallback(
	cl_context context,
	void(CL_CALLBACK *pfn_notify)(cl_context context, void *user_data),
	void *user_data)
{
	struct hx_ctx_destructor *d = NULL;

	HX_API_ENTER();
	HX_CHECK(HX_VALID(context, CONTEXT), CL_INVALID_CONTEXT);
	HX_CHECK(pfn_notify, CL_INVALID_VALUE);
	d = malloc(sizeof(*d));
	HX_CHECK(d, CL_OUT_OF_HOST_MEMORY);
	d->fn = pfn_notify;
	d->user_data = user_data;
	pthread_mutex_lock(&context->lock);
	d->next = context->destructors;
	context->destructors = d;
	pthread_mutex_unlock(&context->lock);
	HX_API_EXIT();
}
