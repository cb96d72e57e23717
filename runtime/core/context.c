#include "context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void context_destroy(hx_object *obj)
{
	cl_context ctx = (cl_context)obj;
	struct hx_ctx_destructor *d, *next;

	/* Destructor callbacks run in reverse order of registration: the
	 * list is kept newest first. */
	for (d = ctx->destructors; d; d = next) {
		next = d->next;
		d->fn(ctx, d->user_data);
		free(d);
	}
	free(ctx->devices);
	free(ctx->props);
	pthread_mutex_destroy(&ctx->lock);
}

cl_int hx_context_create(const cl_context_properties *props, cl_uint ndev,
			 const cl_device_id *devs, hx_context_notify_fn notify,
			 void *user_data, cl_context *out)
{
	cl_context ctx = calloc(1, sizeof(*ctx));
	size_t n = 0;

	if (!ctx)
		return CL_OUT_OF_HOST_MEMORY;
	ctx->devices = malloc(ndev * sizeof(cl_device_id));
	if (props)
		while (props[n])
			n += 2;
	if (props) {
		ctx->nprops = n + 1;
		ctx->props = malloc(ctx->nprops * sizeof(*props));
	}
	if (!ctx->devices || (props && !ctx->props)) {
		free(ctx->devices);
		free(ctx->props);
		free(ctx);
		return CL_OUT_OF_HOST_MEMORY;
	}
	hx_object_init(&ctx->obj, HX_TYPE_CONTEXT, context_destroy);
	memcpy(ctx->devices, devs, ndev * sizeof(cl_device_id));
	ctx->ndevices = ndev;
	if (props)
		memcpy(ctx->props, props, ctx->nprops * sizeof(*props));
	ctx->notify = notify;
	ctx->notify_data = user_data;
	pthread_mutex_init(&ctx->lock, NULL);
	*out = ctx;
	return CL_SUCCESS;
}

int hx_context_has_device(cl_context ctx, cl_device_id dev)
{
	cl_uint i;

	for (i = 0; i < ctx->ndevices; i++)
		if (ctx->devices[i] == dev)
			return 1;
	return 0;
}

void hx_context_notify(cl_context ctx, const char *errinfo)
{
	if (ctx->notify)
		ctx->notify(errinfo, NULL, 0, ctx->notify_data);
	else
		fprintf(stderr, "hmmcl: %s\n", errinfo);
}
