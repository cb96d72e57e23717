/* clEnqueueSVMMigrateMem: validates and resolves the ranges; the move
 * itself is hx_svm_migrate's (runtime/core/svm.c, the SVM manager's). */
#include "api.h"

#include "../core/event.h"
#include "../core/svm.h"

#include <stdlib.h>

struct svm_migrate_cmd {
	cl_mem_migration_flags flags;
	cl_uint n;
	struct hx_svm_range r[];
};

static cl_int svm_migrate_run(cl_event ev)
{
	struct svm_migrate_cmd *c = ev->payload;

	return hx_svm_migrate(ev->queue, c->r, c->n, c->flags);
}

static void svm_migrate_cleanup(cl_event ev)
{
	free(ev->payload);
	ev->payload = NULL;
}

static cl_int build(cl_context ctx, cl_uint n, const void **ptrs,
		    const size_t *sizes, cl_mem_migration_flags flags,
		    struct svm_migrate_cmd **out)
{
	struct svm_migrate_cmd *c;
	cl_uint i;
	cl_int err;

	c = malloc(sizeof(*c) + (size_t)n * sizeof(c->r[0]));
	if (!c)
		return CL_OUT_OF_HOST_MEMORY;
	c->flags = flags;
	c->n = n;
	for (i = 0; i < n; i++) {
		/* Each pointer lies within a clSVMAlloc allocation (NULL
		 * never does); sizes NULL or sizes[i] 0: the entire
		 * allocation; else [p, p + sizes[i]) must stay inside it. */
		err = hx_svm_resolve_range(ctx, ptrs[i], sizes ? sizes[i] : 0,
					   &c->r[i]);
		if (err) {
			free(c);
			return err;
		}
	}
	*out = c;
	return CL_SUCCESS;
}

/* A few pages move in a few µs, less than waking an executor thread
 * costs: such a migration runs on the enqueuing thread when it is ready
 * at once (sizes as resolved: 0 named the whole allocation). */
static int small(const struct svm_migrate_cmd *c)
{
	size_t total = 0;
	cl_uint i;

	for (i = 0; i < c->n; i++)
		total += c->r[i].size;
	return total <= ((size_t)64 << 10);
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMigrateMem(
    cl_command_queue command_queue, cl_uint num_svm_pointers,
    const void **svm_pointers, const size_t *sizes,
    cl_mem_migration_flags flags, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	struct svm_migrate_cmd *c = NULL;
	cl_event ev;

	HX_API_ENTER();
	HX_TRY(hx_svm_check_queue(command_queue));
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	/* CL_INVALID_VALUE if num_svm_pointers is zero or svm_pointers is
	 * NULL. */
	HX_CHECK(num_svm_pointers && svm_pointers, CL_INVALID_VALUE);
	/* flags: only the Memory Migration Flags table's values. */
	HX_CHECK(!(flags & ~(CL_MIGRATE_MEM_OBJECT_HOST |
			     CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED)),
		 CL_INVALID_VALUE);
	HX_TRY(build(command_queue->ctx, num_svm_pointers, svm_pointers, sizes,
		     flags, &c));
	hx_err_ = hx_event_create(command_queue->ctx, command_queue,
				  CL_COMMAND_SVM_MIGRATE_MEM, &ev);
	if (hx_err_) {
		free(c);
		HX_TRY(hx_err_);
	}
	ev->run = svm_migrate_run;
	ev->cleanup = svm_migrate_cleanup;
	ev->payload = c;
	ev->run_inline = small(c);
	HX_TRY(hx_submit(ev, num_events_in_wait_list, event_wait_list, CL_FALSE,
			 event));
	HX_API_EXIT();
}
