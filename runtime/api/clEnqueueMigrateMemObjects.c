/* clEnqueueMigrateMemObjects, and clEnqueueNativeKernel (no native
 * kernels: CL_DEVICE_EXECUTION_CAPABILITIES is CL_EXEC_KERNEL only). */
#include "mem_api.h"

#define MIGRATE_FLAGS                                                          \
	(CL_MIGRATE_MEM_OBJECT_HOST | CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED)

static cl_int check_mem_list(cl_context ctx, cl_uint n, const cl_mem *list)
{
	cl_uint i;

	/* num_mem_objects is not 0 and mem_objects not NULL. */
	if (n == 0 || !list)
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++) {
		if (!HX_VALID(list[i], MEM))
			return CL_INVALID_MEM_OBJECT;
		/* Every object is in the queue's context. */
		if (list[i]->ctx != ctx)
			return CL_INVALID_CONTEXT;
	}
	return CL_SUCCESS;
}

/* Buffer storage is host memory the device reaches in place: a migration
 * has nothing to move, but it is a real command that orders with the
 * others of its queue and its wait list. */
CL_API_ENTRY cl_int CL_API_CALL clEnqueueMigrateMemObjects(
    cl_command_queue command_queue, cl_uint num_mem_objects,
    const cl_mem *mem_objects, cl_mem_migration_flags flags,
    cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
    cl_event *event)
{
	struct hx_enqueue_args a = {command_queue, num_events_in_wait_list,
				    event_wait_list, CL_FALSE, event};

	HX_API_ENTER();
	/* command_queue must be a valid host command-queue. */
	HX_CHECK(HX_VALID(command_queue, QUEUE) &&
		     !(command_queue->props & CL_QUEUE_ON_DEVICE),
		 CL_INVALID_COMMAND_QUEUE);
	HX_TRY(
	    check_mem_list(command_queue->ctx, num_mem_objects, mem_objects));
	/* flags is 0 or a combination of the CL_MIGRATE_MEM_OBJECT_* bits. */
	HX_CHECK(!(flags & ~(cl_mem_migration_flags)MIGRATE_FLAGS),
		 CL_INVALID_VALUE);
	HX_TRY(hx_check_wait_list(command_queue->ctx, num_events_in_wait_list,
				  event_wait_list));
	HX_TRY(hx_enqueue_mem_sync(&a, CL_COMMAND_MIGRATE_MEM_OBJECTS,
				   num_mem_objects, mem_objects));
	HX_API_EXIT();
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueNativeKernel(
    cl_command_queue command_queue, void(CL_CALLBACK *user_func)(void *),
    void *args, size_t cb_args, cl_uint num_mem_objects, const cl_mem *mem_list,
    const void **args_mem_loc, cl_uint num_events_in_wait_list,
    const cl_event *event_wait_list, cl_event *event)
{
	HX_API_ENTER();
	HX_CHECK(HX_VALID(command_queue, QUEUE) &&
		     !(command_queue->props & CL_QUEUE_ON_DEVICE),
		 CL_INVALID_COMMAND_QUEUE);
	/* The device cannot execute native kernels
	 * (CL_DEVICE_EXECUTION_CAPABILITIES lacks CL_EXEC_NATIVE_KERNEL). */
	HX_CHECK(0 && "device has no CL_EXEC_NATIVE_KERNEL",
		 CL_INVALID_OPERATION);
	HX_API_EXIT();
}
