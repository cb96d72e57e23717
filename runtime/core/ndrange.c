/* Kernel launches. Every device shares one engine (one worker per core):
 * devices are address-space and memory domains, not core partitions, so
 * kernels of several devices interleave on all cores. */
#include "ndrange.h"

#include "compiler/compiler.h"
#include "context.h"
#include "engine/engine.h"
#include "event.h"
#include "kernel.h"
#include "mem.h"
#include "platform.h"
#include "svm/svm_mmu.h"
#include "trace.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ndrange_cmd {
	cl_kernel kernel;         /* retained */
	hx_cprog *cprog;          /* retained */
	hx_ndrange nd;
	uint64_t local_bytes;
	uint32_t nargs;
	void **argv;              /* argv[i] points into values */
	uint64_t *values;         /* 16-byte slots, or big args after them */
	cl_mem *mems;             /* retained buffers, nargs entries */
	/* values, argv and mems follow in the same allocation: one malloc
	 * per launch, which matters when a host thread enqueues short
	 * kernels as fast as an executor completes them. */
	_Alignas(16) uint64_t storage[];
};

static hx_engine *engine;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void create_engine(void)
{
	engine = hx_engine_create(0);
}

struct hx_engine *hx_shared_engine(void)
{
	pthread_once(&engine_once, create_engine);
	return engine;
}

/* Releases what the command retained. Done as soon as the launch ends,
 * not when the event dies: after clFinish the application may release
 * its kernel and rebuild the program, which must not find the kernel
 * still attached through a completed command. */
static void drop_refs(struct ndrange_cmd *c)
{
	uint32_t i;

	for (i = 0; c->mems && i < c->nargs; i++) {
		if (c->mems[i])
			hx_release(c->mems[i]);
		c->mems[i] = NULL;
	}
	if (c->cprog)
		hx_compiler_release(c->cprog);
	if (c->kernel)
		hx_release(c->kernel);
	c->cprog = NULL;
	c->kernel = NULL;
}

static void ndrange_cleanup(cl_event ev)
{
	struct ndrange_cmd *c = ev->payload;

	if (!c)
		return;
	drop_refs(c);
	free(c);
}

static void report_failure(cl_event ev, struct ndrange_cmd *c,
			   const struct hx_run_result *res)
{
	char msg[256];

	if (res->error == HX_RUN_FAULT)
		snprintf(msg, sizeof(msg),
			 "device fault in kernel %s at address 0x%llx",
			 c->kernel->meta->name,
			 (unsigned long long)res->fault_addr);
	else
		snprintf(msg, sizeof(msg), "kernel %s failed: %s (%d)",
			 c->kernel->meta->name, hx_run_error_name(res->error),
			 res->status);
	hx_context_notify(ev->ctx, msg);
}

/* The variant: direct while no page of the process is device-resident
 * (holding the gate against migrations to a device), else mirrored with
 * the MMU of the queue's device. */
static cl_int run_launch(cl_event ev, struct ndrange_cmd *c)
{
	struct hx_run_result res;
	struct hx_launch launch;
	hx_kernel_code code;
	const struct hx_mmu *mmu = NULL;
	int direct;
	cl_int err;

	/* A zero global size runs nothing and completes (OpenCL 2.1+). */
	if (!c->nd.global_size[0] || !c->nd.global_size[1] ||
	    !c->nd.global_size[2])
		return CL_COMPLETE;
	direct = hx_svm_direct_enter();
	if (!direct)
		mmu = hx_svm_mirrored_begin(ev->queue->dev->index);
	err = hx_compiler_get_code(c->cprog, c->kernel->index,
				   mmu ? HX_CODE_MIRRORED : 0, &code);
	if (!err) {
		memset(&launch, 0, sizeof(launch));
		launch.code = &code;
		launch.args = c->argv;
		launch.nd = &c->nd;
		launch.local_bytes = c->local_bytes;
		launch.mmu = mmu;
		hx_engine_run(hx_shared_engine(), &launch, &res);
		if (res.status)
			report_failure(ev, c, &res);
		err = res.status;
	}
	if (direct)
		hx_svm_direct_exit();
	else if (mmu)
		hx_svm_mirrored_end();
	return err;
}

static cl_int ndrange_run(cl_event ev)
{
	struct ndrange_cmd *c = ev->payload;
	cl_int status;

	if (HX_TRACE_ON())
		hx_trace_label(c->kernel->meta->name);
	status = run_launch(ev, c);

	drop_refs(c);
	return status;
}

/* Copies argument i into the command. */
static void snapshot_arg(struct ndrange_cmd *c, uint32_t i,
			 const struct hx_kernel_arg *a, uint64_t *local_off)
{
	uint64_t *slot = &c->values[2 * i];
	void *ptr;

	switch (a->kind) {
	case HX_ARG_LOCAL:
		*local_off = (*local_off + 127) & ~127ull;
		slot[0] = *local_off;
		*local_off += a->size;
		break;
	case HX_ARG_MEM:
		ptr = a->mem ? hx_mem_ptr(a->mem) : NULL;
		memcpy(slot, &ptr, sizeof(ptr));
		c->mems[i] = a->mem;
		if (a->mem)
			hx_retain(a->mem);
		break;
	default:
		break;
	}
	c->argv[i] = slot;
}

/* The command with room for kernel k's arguments as they are now. */
static struct ndrange_cmd *cmd_alloc(cl_kernel k)
{
	uint32_t i, nargs = k->meta->num_args;
	size_t big = 0, nvalues;
	struct ndrange_cmd *c;

	for (i = 0; i < nargs; i++)
		if (k->args[i].kind == HX_ARG_VALUE && k->args[i].size > 16)
			big += (k->args[i].size + 15) & ~15ull;
	nvalues = 2 * nargs + big / 8 + 2;
	c = calloc(1, sizeof(*c) + nvalues * sizeof(uint64_t) +
			  2 * (nargs + 1) * sizeof(void *));
	if (!c)
		return NULL;
	c->nargs = nargs;
	c->values = c->storage;
	c->argv = (void **)(c->values + nvalues);
	c->mems = (cl_mem *)(c->argv + nargs + 1);
	return c;
}

static cl_int snapshot_args(cl_kernel k, struct ndrange_cmd *c)
{
	uint64_t local_off = k->meta->local_static;
	size_t off = 2 * c->nargs;
	uint32_t i;

	for (i = 0; i < c->nargs; i++) {
		const struct hx_kernel_arg *a = &k->args[i];

		/* Every argument must have been set. */
		if (a->kind == HX_ARG_UNSET)
			return CL_INVALID_KERNEL_ARGS;
		snapshot_arg(c, i, a, &local_off);
		if (a->kind != HX_ARG_VALUE && a->kind != HX_ARG_SVM)
			continue;
		if (a->size <= 16) {
			memcpy(&c->values[2 * i], a->big ? a->big : a->value,
			       a->size);
		} else {
			memcpy(&c->values[off], a->big ? a->big : a->value,
			       a->size);
			c->argv[i] = &c->values[off];
			off += ((a->size + 15) & ~15ull) / 8;
		}
	}
	c->local_bytes = local_off;
	return CL_SUCCESS;
}

static void fill_ndrange(hx_ndrange *nd, const struct hx_ndrange_spec *s,
			 const uint64_t *reqd)
{
	cl_uint d;

	memset(nd, 0, sizeof(*nd));
	nd->work_dim = s->work_dim;
	for (d = 0; d < 3; d++) {
		nd->global_offset[d] = d < s->work_dim ? s->offset[d] : 0;
		nd->global_size[d] = d < s->work_dim ? s->global[d] : 1;
		nd->local_size[d] = 1;
		if (d < s->work_dim && s->local_given)
			nd->local_size[d] = s->local[d];
		else if (d < s->work_dim && reqd[0])
			nd->local_size[d] = reqd[d];
	}
	for (d = 0; d < 3; d++)
		if (!nd->global_size[d])
			return;
	if (s->local_given || reqd[0])
		hx_ndrange_finish(nd);
	else
		hx_engine_pick_local_size(nd, 0,
					  hx_engine_threads(hx_shared_engine()));
}

cl_int hx_ndrange_command(cl_event ev, cl_kernel k,
			  const struct hx_ndrange_spec *spec)
{
	struct ndrange_cmd *c;
	cl_int err;

	pthread_mutex_lock(&k->lock);
	c = cmd_alloc(k);
	if (!c) {
		pthread_mutex_unlock(&k->lock);
		return CL_OUT_OF_HOST_MEMORY;
	}
	c->kernel = k;
	hx_retain(k);
	c->cprog = k->cprog;
	hx_compiler_retain(k->cprog);
	ev->payload = c;
	ev->cleanup = ndrange_cleanup;
	ev->run = ndrange_run;
	err = snapshot_args(k, c);
	pthread_mutex_unlock(&k->lock);
	if (err)
		return err;
	fill_ndrange(&c->nd, spec, k->meta->reqd_work_group_size);
	return CL_SUCCESS;
}
