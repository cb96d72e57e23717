#include "context.h"
#include "event.h"

#include <stdlib.h>
#include <string.h>

static void queue_destroy(hx_object *obj)
{
	cl_command_queue q = (cl_command_queue)obj;

	/* Every command held a reference on q, so none is in flight. */
	if (q->last)
		hx_release(q->last);
	if (q->barrier)
		hx_release(q->barrier);
	free(q->prop_list);
	hx_release(q->ctx);
}

cl_int hx_queue_create(cl_context ctx, cl_device_id dev,
		       cl_command_queue_properties props,
		       const cl_queue_properties *plist, cl_command_queue *out)
{
	cl_command_queue q = calloc(1, sizeof(*q));
	size_t n = 0;

	if (!q)
		return CL_OUT_OF_HOST_MEMORY;
	if (plist) {
		while (plist[n])
			n += 2;
		n++;
		q->prop_list = malloc(n * sizeof(*plist));
		if (!q->prop_list) {
			free(q);
			return CL_OUT_OF_HOST_MEMORY;
		}
		memcpy(q->prop_list, plist, n * sizeof(*plist));
		q->nprop_list = n;
	}
	hx_object_init(&q->obj, HX_TYPE_QUEUE, queue_destroy);
	q->ctx = ctx;
	hx_retain(ctx);
	q->dev = dev;
	q->props = props;
	*out = q;
	return CL_SUCCESS;
}
