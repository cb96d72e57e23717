#include "object.h"

#include <pthread.h>
#include <stdlib.h>

/* Freed objects wait here, tagged dead, before their memory is reused,
 * so that a handle used after its last release is caught by
 * hx_object_valid() rather than read from reused memory. */
#define QUARANTINE 1024

static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static hx_object *quarantine[QUARANTINE]; /* protected by quarantine_lock */
static unsigned quarantine_next;          /* protected by quarantine_lock */

void hx_object_init(hx_object *obj, enum hx_type type,
		    void (*destroy)(hx_object *obj))
{
	obj->dispatch = &hx_dispatch;
	obj->type = type;
	atomic_init(&obj->refcount, 1);
	obj->destroy = destroy;
}

int hx_object_valid(const void *p, enum hx_type type)
{
	const hx_object *obj = p;

	return obj && obj->dispatch == &hx_dispatch && obj->type == type &&
	       atomic_load(&obj->refcount) > 0;
}

void hx_retain(void *p)
{
	hx_object *obj = p;

	atomic_fetch_add(&obj->refcount, 1);
}

unsigned hx_refcount(const void *p)
{
	const hx_object *obj = p;

	return atomic_load(&obj->refcount);
}

static void bury(hx_object *obj)
{
	hx_object *old;

	obj->type = HX_TYPE_DEAD;
	pthread_mutex_lock(&quarantine_lock);
	old = quarantine[quarantine_next];
	quarantine[quarantine_next] = obj;
	quarantine_next = (quarantine_next + 1) % QUARANTINE;
	pthread_mutex_unlock(&quarantine_lock);
	free(old);
}

void hx_release(void *p)
{
	hx_object *obj = p;

	if (atomic_fetch_sub(&obj->refcount, 1) != 1)
		return;
	if (obj->destroy)
		obj->destroy(obj);
	bury(obj);
}
