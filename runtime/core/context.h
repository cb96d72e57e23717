#ifndef HMMCL_CORE_CONTEXT_H
#define HMMCL_CORE_CONTEXT_H

#include "object.h"

#include <pthread.h>

typedef void(CL_CALLBACK *hx_context_notify_fn)(const char *errinfo,
						 const void *private_info,
						 size_t cb, void *user_data);

struct hx_ctx_destructor {
	void(CL_CALLBACK *fn)(cl_context ctx, void *user_data);
	void *user_data;
	struct hx_ctx_destructor *next;
};

struct _cl_context {
	hx_object obj;
	cl_uint ndevices;
	cl_device_id *devices;
	cl_context_properties *props; /* copy incl. the terminating 0 */
	size_t nprops;                /* entries incl. the terminating 0 */
	hx_context_notify_fn notify;
	void *notify_data;
	pthread_mutex_t lock;
	struct hx_ctx_destructor *destructors; /* protected by lock */
};

cl_int hx_context_create(const cl_context_properties *props, cl_uint ndev,
			 const cl_device_id *devs, hx_context_notify_fn notify,
			 void *user_data, cl_context *out);
int hx_context_has_device(cl_context ctx, cl_device_id dev);
/* Reports an asynchronous error through the context's callback. */
void hx_context_notify(cl_context ctx, const char *errinfo);

#endif
