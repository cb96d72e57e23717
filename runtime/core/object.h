/* The common header of every OpenCL object, and their lifetime.
 *
 * Every _cl_* struct begins with struct hx_object, whose first word is the
 * ICD dispatch pointer (cl_khr_icd). A handle is valid when it is non-NULL,
 * its dispatch pointer is ours and its type tag is the one expected: this
 * check runs in every build. A released object is tagged HX_TYPE_DEAD and
 * kept in a quarantine for a while before its memory is freed, so that a
 * stale handle is reported as invalid instead of being used.
 *
 * Internal references (each holds one count on its target):
 *   context -> device (root devices are never freed)
 *   queue   -> context, device
 *   event   -> context, queue (queue is NULL for user events)
 *   mem     -> context, parent mem (sub-buffers)
 *   program -> context;  kernel -> program
 *   a queued command -> its event, the mem objects and kernel it uses,
 *   its wait-list events (until it has been resolved)
 */
#ifndef HMMCL_CORE_OBJECT_H
#define HMMCL_CORE_OBJECT_H

#include <CL/cl_icd.h>
#include <stdatomic.h>
#include <stdint.h>

enum hx_type {
	HX_TYPE_INVALID = 0,
	HX_TYPE_PLATFORM,
	HX_TYPE_DEVICE,
	HX_TYPE_CONTEXT,
	HX_TYPE_QUEUE,
	HX_TYPE_EVENT,
	HX_TYPE_MEM,
	HX_TYPE_SAMPLER,
	HX_TYPE_PROGRAM,
	HX_TYPE_KERNEL,
	HX_TYPE_DEAD = 0x0dead0,
};

typedef struct hx_object {
	const struct _cl_icd_dispatch *dispatch; /* must stay first */
	uint32_t type;                          /* enum hx_type */
	atomic_uint refcount;
	/* Frees what the object owns (not the object itself). */
	void (*destroy)(struct hx_object *obj);
} hx_object;

extern const struct _cl_icd_dispatch hx_dispatch;

void hx_object_init(hx_object *obj, enum hx_type type,
		    void (*destroy)(hx_object *obj));
/* True when p is a live object of the given type. */
int hx_object_valid(const void *p, enum hx_type type);
void hx_retain(void *obj);
/* Drops one reference; the last one destroys the object. */
void hx_release(void *obj);
unsigned hx_refcount(const void *obj);

#endif
