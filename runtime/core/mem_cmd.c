/* The commands of the buffer entry points. Buffer storage never moves
 * while the object lives and is host memory, so a command resolves its
 * pointers at enqueue time and its run is a memmove or a fill. */
#include "mem.h"

#include "event.h"

#include <stdlib.h>
#include <string.h>

#define HX_MAX_KEEP 2

/* First member of every payload: how to free it and drop what it holds. */
struct cmd_head {
	void (*free)(void *payload);
};

struct copy_cmd {
	struct cmd_head head;
	char *dst;
	const char *src;
	struct hx_rect d, s;
	size_t region[3];
	cl_mem keep[HX_MAX_KEEP];
};

struct fill_cmd {
	struct cmd_head head;
	char *dst;
	size_t size, psize;
	cl_mem keep;
	unsigned char pattern[128];
};

struct sync_cmd {
	struct cmd_head head;
	cl_uint nmem;
	cl_mem mems[];
};

/* A command's references go as soon as it has run: an in-order queue
 * keeps its last event alive until the next command, and the memory must
 * not wait for that (destructor callbacks, storage). */
static void copy_drop(struct copy_cmd *c)
{
	int i;

	for (i = 0; i < HX_MAX_KEEP; i++) {
		if (c->keep[i])
			hx_release(c->keep[i]);
		c->keep[i] = NULL;
	}
}

static cl_int copy_run(cl_event ev)
{
	struct copy_cmd *c = ev->payload;

	hx_rect_copy(c->dst, &c->d, c->src, &c->s, c->region);
	copy_drop(c);
	return CL_COMPLETE;
}

static void copy_free(void *p)
{
	copy_drop(p);
	free(p);
}

static void payload_cleanup(cl_event ev)
{
	struct cmd_head *h = ev->payload;

	h->free(h);
}

/* Submits a command of queue a->q; the payload (which already holds its
 * references) belongs to the event from here on, or is freed on error. */
static cl_int submit_command(const struct hx_enqueue_args *a,
			     cl_command_type type, struct cmd_head *payload,
			     cl_int (*run)(cl_event))
{
	cl_event ev;
	cl_int err = hx_event_create(a->q->ctx, a->q, type, &ev);

	if (err) {
		payload->free(payload);
		return err;
	}
	ev->payload = payload;
	ev->run = run;
	ev->cleanup = payload_cleanup;
	return hx_submit(ev, a->nwait, a->wait, a->blocking, a->event_out);
}

cl_int hx_enqueue_copy(const struct hx_enqueue_args *a, cl_command_type type,
		       char *dst, const struct hx_rect *d, const char *src,
		       const struct hx_rect *s, const size_t region[3],
		       cl_mem keep0, cl_mem keep1)
{
	struct copy_cmd *c = calloc(1, sizeof(*c));

	if (!c)
		return CL_OUT_OF_HOST_MEMORY;
	c->head.free = copy_free;
	c->dst = dst;
	c->src = src;
	c->d = *d;
	c->s = *s;
	memcpy(c->region, region, sizeof(c->region));
	c->keep[0] = keep0;
	c->keep[1] = keep1;
	if (keep0)
		hx_retain(keep0);
	if (keep1)
		hx_retain(keep1);
	return submit_command(a, type, &c->head, copy_run);
}

static void fill_bytes(struct fill_cmd *f)
{
	size_t i;

	if (f->psize == 1) {
		memset(f->dst, f->pattern[0], f->size);
		return;
	}
	if (f->size == 0)
		return;
	/* Doubling copies: log2(size / psize) memcpy calls. */
	memcpy(f->dst, f->pattern, f->psize);
	for (i = f->psize; i < f->size; i *= 2)
		memcpy(f->dst + i, f->dst, i <= f->size - i ? i : f->size - i);
}

static cl_int fill_run(cl_event ev)
{
	struct fill_cmd *f = ev->payload;

	fill_bytes(f);
	hx_release(f->keep);
	f->keep = NULL;
	return CL_COMPLETE;
}

static void fill_free(void *p)
{
	struct fill_cmd *f = p;

	if (f->keep)
		hx_release(f->keep);
	free(f);
}

cl_int hx_enqueue_fill(const struct hx_enqueue_args *a, cl_mem m, char *dst,
		       size_t size, const void *pattern, size_t psize)
{
	struct fill_cmd *f = calloc(1, sizeof(*f));

	if (!f)
		return CL_OUT_OF_HOST_MEMORY;
	f->head.free = fill_free;
	f->dst = dst;
	f->size = size;
	f->psize = psize;
	memcpy(f->pattern, pattern, psize);
	f->keep = m;
	hx_retain(m);
	return submit_command(a, CL_COMMAND_FILL_BUFFER, &f->head, fill_run);
}

static void sync_drop(struct sync_cmd *c)
{
	cl_uint i;

	for (i = 0; i < c->nmem; i++)
		hx_release(c->mems[i]);
	c->nmem = 0;
}

/* Nothing to move: running is ordering, and letting the objects go. */
static cl_int sync_run(cl_event ev)
{
	sync_drop(ev->payload);
	return CL_COMPLETE;
}

static void sync_free(void *p)
{
	sync_drop(p);
	free(p);
}

cl_int hx_enqueue_mem_sync(const struct hx_enqueue_args *a,
			   cl_command_type type, cl_uint nmem,
			   const cl_mem *mems)
{
	struct sync_cmd *c = malloc(sizeof(*c) + nmem * sizeof(cl_mem));
	cl_uint i;

	if (!c)
		return CL_OUT_OF_HOST_MEMORY;
	c->head.free = sync_free;
	c->nmem = nmem;
	for (i = 0; i < nmem; i++) {
		c->mems[i] = mems[i];
		hx_retain(mems[i]);
	}
	return submit_command(a, type, &c->head, sync_run);
}
