/* Events: user events, queries, reference counting, waiting, callback
 * registration and profiling-info errors. Ordering and execution are in
 * test_sched.c. */
#include "cl_util.h"
#include "harness.h"

#include <pthread.h>
#include <unistd.h>

static cl_int status_of(cl_event ev)
{
	cl_int st = 99;
	size_t n = 0;

	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, &n));
	CHECK_EQ(n, sizeof(cl_int));
	return st;
}

static cl_uint refs_of(cl_event ev)
{
	cl_uint v = 0;

	CHECK_CL(
	    clGetEventInfo(ev, CL_EVENT_REFERENCE_COUNT, sizeof(v), &v, NULL));
	return v;
}

static cl_event user_event(cl_context ctx)
{
	cl_int err = 1;
	cl_event ev = clCreateUserEvent(ctx, &err);

	CHECK_CL(err);
	CHECK(ev != NULL);
	return ev;
}

TEST(user_event_queries)
{
	cl_context ctx = hx_test_context(NULL), gctx = NULL;
	cl_event ev = user_event(ctx);
	cl_command_queue q = (void *)1;
	cl_command_type type = 0;
	size_t n = 0;

	CHECK_EQ(status_of(ev), CL_SUBMITTED);
	CHECK_CL(
	    clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type, &n));
	CHECK_EQ(n, sizeof(cl_command_type));
	CHECK_EQ(type, CL_COMMAND_USER);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_QUEUE, sizeof(q), &q, &n));
	CHECK_EQ(n, sizeof(cl_command_queue));
	CHECK(q == NULL);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_CONTEXT, sizeof(gctx), &gctx, &n));
	CHECK_EQ(n, sizeof(cl_context));
	CHECK(gctx == ctx);
	CHECK_EQ(refs_of(ev), 1);
	CHECK_CL(clSetUserEventStatus(ev, CL_COMPLETE));
	CHECK_EQ(status_of(ev), CL_COMPLETE);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(marker_event_queries)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0), gq = NULL;
	cl_command_type type = 0;
	cl_event ev;

	CHECK_CL(clEnqueueMarkerWithWaitList(q, 0, NULL, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_MARKER);
	CHECK_CL(
	    clGetEventInfo(ev, CL_EVENT_COMMAND_QUEUE, sizeof(gq), &gq, NULL));
	CHECK(gq == q);
	CHECK_CL(clFinish(q));
	CHECK_EQ(status_of(ev), CL_COMPLETE);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clEnqueueBarrierWithWaitList(q, 0, NULL, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_BARRIER);
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(create_user_event_errors)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_int err = 0;

	CHECK(clCreateUserEvent((cl_context)dev, &err) == NULL);
	CHECK_ERR(err, CL_INVALID_CONTEXT);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(set_user_event_status_errors)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_event ev = user_event(ctx), m;

	/* Only CL_COMPLETE or a negative code. */
	CHECK_ERR(clSetUserEventStatus(ev, CL_SUBMITTED), CL_INVALID_VALUE);
	CHECK_ERR(clSetUserEventStatus(ev, CL_RUNNING), CL_INVALID_VALUE);
	CHECK_ERR(clSetUserEventStatus(ev, 17), CL_INVALID_VALUE);
	CHECK_EQ(status_of(ev), CL_SUBMITTED);
	/* Not a user event. */
	CHECK_CL(clEnqueueMarkerWithWaitList(q, 0, NULL, &m));
	CHECK_ERR(clSetUserEventStatus(m, CL_COMPLETE), CL_INVALID_EVENT);
	CHECK_ERR(clSetUserEventStatus((cl_event)q, CL_COMPLETE),
		  CL_INVALID_EVENT);
	/* Only once. */
	CHECK_CL(clSetUserEventStatus(ev, CL_COMPLETE));
	CHECK_ERR(clSetUserEventStatus(ev, CL_COMPLETE), CL_INVALID_OPERATION);
	CHECK_ERR(clSetUserEventStatus(ev, -5), CL_INVALID_OPERATION);
	CHECK_EQ(status_of(ev), CL_COMPLETE);
	CHECK_CL(clFinish(q));
	CHECK_CL(clReleaseEvent(m));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

/* A negative status is the event's final status. */
TEST(user_event_error_status)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event ev = user_event(ctx);

	CHECK_CL(clSetUserEventStatus(ev, -1234));
	CHECK_EQ(status_of(ev), -1234);
	CHECK_ERR(clWaitForEvents(1, &ev),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(info_errors)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event ev = user_event(ctx);
	cl_int st = 5;
	size_t n = 9;

	CHECK_ERR(clGetEventInfo(ev, 0x7777, sizeof(st), &st, &n),
		  CL_INVALID_VALUE);
	CHECK_EQ(n, 9);
	CHECK_ERR(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				 sizeof(st) - 1, &st, NULL),
		  CL_INVALID_VALUE);
	CHECK_EQ(st, 5);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_REFERENCE_COUNT, 0, NULL, &n));
	CHECK_EQ(n, sizeof(cl_uint));
	CHECK_CL(
	    clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, 0, NULL, &n));
	CHECK_EQ(n, sizeof(cl_int));
	CHECK_ERR(clGetEventInfo((cl_event)ctx, CL_EVENT_REFERENCE_COUNT,
				 sizeof(st), &st, NULL),
		  CL_INVALID_EVENT);
	CHECK_CL(clSetUserEventStatus(ev, CL_COMPLETE));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(retain_release_counts)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event ev = user_event(ctx);

	CHECK_CL(clRetainEvent(ev));
	CHECK_EQ(refs_of(ev), 2);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_EQ(refs_of(ev), 1);
	CHECK_ERR(clRetainEvent((cl_event)ctx), CL_INVALID_EVENT);
	CHECK_ERR(clReleaseEvent((cl_event)ctx), CL_INVALID_EVENT);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(released_event_is_invalid)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_event ev = user_event(ctx);
	cl_int st;

	CHECK_CL(clSetUserEventStatus(ev, CL_COMPLETE));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_ERR(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				 sizeof(st), &st, NULL),
		  CL_INVALID_EVENT);
	CHECK_ERR(clRetainEvent(ev), CL_INVALID_EVENT);
	CHECK_ERR(clReleaseEvent(ev), CL_INVALID_EVENT);
	CHECK_ERR(clWaitForEvents(1, &ev), CL_INVALID_EVENT);
	CHECK_ERR(clSetUserEventStatus(ev, CL_COMPLETE), CL_INVALID_EVENT);
	CHECK_ERR(clEnqueueMarkerWithWaitList(q, 1, &ev, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

/* An enqueued command's event stays valid as long as the application
 * holds it, whatever the queue does meanwhile. */
TEST(command_event_valid_while_held)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_event m1, m2, b;
	int i;

	CHECK_CL(clEnqueueMarkerWithWaitList(q, 0, NULL, &m1));
	CHECK_CL(clEnqueueMarker(q, &m2));
	CHECK_CL(clEnqueueBarrierWithWaitList(q, 0, NULL, &b));
	CHECK_CL(clFinish(q));
	for (i = 0; i < 4; i++) {
		CHECK_CL(clEnqueueMarkerWithWaitList(q, 0, NULL, NULL));
		CHECK_CL(clEnqueueBarrierWithWaitList(q, 0, NULL, NULL));
		CHECK_CL(clEnqueueBarrier(q));
	}
	CHECK_CL(clFinish(q));
	CHECK_EQ(status_of(m1), CL_COMPLETE);
	CHECK_EQ(status_of(m2), CL_COMPLETE);
	CHECK_EQ(status_of(b), CL_COMPLETE);
	CHECK(refs_of(m1) >= 1);
	CHECK_CL(clReleaseEvent(m1));
	CHECK_CL(clReleaseEvent(m2));
	CHECK_CL(clReleaseEvent(b));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}

TEST(wait_errors)
{
	cl_context ctx = hx_test_context(NULL), ctx2 = hx_test_context(NULL);
	cl_event a = user_event(ctx), b = user_event(ctx2), list[2] = {a, b};
	cl_event bad[2] = {a, (cl_event)ctx};

	CHECK_ERR(clWaitForEvents(0, list), CL_INVALID_VALUE);
	CHECK_ERR(clWaitForEvents(1, NULL), CL_INVALID_VALUE);
	CHECK_ERR(clWaitForEvents(2, list), CL_INVALID_CONTEXT);
	CHECK_ERR(clWaitForEvents(2, bad), CL_INVALID_EVENT);
	CHECK_CL(clSetUserEventStatus(a, CL_COMPLETE));
	CHECK_CL(clSetUserEventStatus(b, CL_COMPLETE));
	CHECK_CL(clWaitForEvents(1, &a));
	CHECK_CL(clReleaseEvent(a));
	CHECK_CL(clReleaseEvent(b));
	CHECK_CL(clReleaseContext(ctx));
	CHECK_CL(clReleaseContext(ctx2));
}

static void *complete_later(void *arg)
{
	usleep(50 * 1000);
	clSetUserEventStatus((cl_event)arg, CL_COMPLETE);
	return NULL;
}

/* clWaitForEvents blocks until another thread completes the event. */
TEST(wait_blocks_until_complete)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event ev = user_event(ctx);
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, complete_later, ev), 0);
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_EQ(status_of(ev), CL_COMPLETE);
	pthread_join(t, NULL);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseContext(ctx));
}

/* Waiting on several events, one failed: all are waited for, and the
 * call reports the failure. */
TEST(wait_list_with_failure)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event a = user_event(ctx), b = user_event(ctx), list[2] = {a, b};
	pthread_t t;

	CHECK_CL(clSetUserEventStatus(a, -3));
	CHECK_EQ(pthread_create(&t, NULL, complete_later, b), 0);
	CHECK_ERR(clWaitForEvents(2, list),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(status_of(b), CL_COMPLETE);
	pthread_join(t, NULL);
	CHECK_CL(clReleaseEvent(a));
	CHECK_CL(clReleaseEvent(b));
	CHECK_CL(clReleaseContext(ctx));
}

static void CL_CALLBACK cb_count(cl_event ev, cl_int st, void *ud)
{
	(void)ev, (void)st;
	__atomic_add_fetch((int *)ud, 1, __ATOMIC_SEQ_CST);
}

TEST(set_callback_errors)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event ev = user_event(ctx);
	int count = 0;

	CHECK_ERR(clSetEventCallback(ev, CL_COMPLETE, NULL, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clSetEventCallback(ev, CL_QUEUED, cb_count, &count),
		  CL_INVALID_VALUE);
	CHECK_ERR(clSetEventCallback(ev, -1, cb_count, &count),
		  CL_INVALID_VALUE);
	CHECK_ERR(clSetEventCallback(ev, 7, cb_count, &count),
		  CL_INVALID_VALUE);
	CHECK_ERR(
	    clSetEventCallback((cl_event)ctx, CL_COMPLETE, cb_count, &count),
	    CL_INVALID_EVENT);
	CHECK_EQ(count, 0);
	CHECK_CL(clSetUserEventStatus(ev, CL_COMPLETE));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_ERR(clSetEventCallback(ev, CL_COMPLETE, cb_count, &count),
		  CL_INVALID_EVENT);
	CHECK_CL(clReleaseContext(ctx));
}

/* A callback keeps the event alive: released by the application before
 * it completes, the callback still gets a valid event. */
static void CL_CALLBACK cb_query(cl_event ev, cl_int st, void *ud)
{
	cl_command_type type = 0;

	if (clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
			   NULL) == CL_SUCCESS &&
	    type == CL_COMMAND_USER && st == CL_COMPLETE)
		__atomic_add_fetch((int *)ud, 1, __ATOMIC_SEQ_CST);
}

TEST(callback_after_application_release)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event ev = user_event(ctx);
	int ok = 0;

	CHECK_CL(clSetEventCallback(ev, CL_COMPLETE, cb_query, &ok));
	CHECK_CL(clRetainEvent(ev));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clSetUserEventStatus(ev, CL_COMPLETE));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_EQ(__atomic_load_n(&ok, __ATOMIC_SEQ_CST), 1);
	CHECK_CL(clReleaseContext(ctx));
}

TEST(profiling_info_errors)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue plain = hx_test_queue(ctx, dev, 0);
	cl_command_queue prof =
	    hx_test_queue(ctx, dev, CL_QUEUE_PROFILING_ENABLE);
	cl_event user = user_event(ctx), m, pending;
	cl_ulong t = 0;
	size_t n = 0;

	/* Not a profiling queue. */
	CHECK_CL(clEnqueueMarkerWithWaitList(plain, 0, NULL, &m));
	CHECK_CL(clFinish(plain));
	CHECK_ERR(clGetEventProfilingInfo(m, CL_PROFILING_COMMAND_START,
					  sizeof(t), &t, NULL),
		  CL_PROFILING_INFO_NOT_AVAILABLE);
	CHECK_CL(clReleaseEvent(m));
	/* A user event. */
	CHECK_ERR(clGetEventProfilingInfo(user, CL_PROFILING_COMMAND_QUEUED,
					  sizeof(t), &t, NULL),
		  CL_PROFILING_INFO_NOT_AVAILABLE);
	/* Not complete yet. */
	CHECK_CL(clEnqueueMarkerWithWaitList(prof, 1, &user, &pending));
	CHECK_ERR(clGetEventProfilingInfo(pending, CL_PROFILING_COMMAND_END,
					  sizeof(t), &t, NULL),
		  CL_PROFILING_INFO_NOT_AVAILABLE);
	CHECK_CL(clSetUserEventStatus(user, CL_COMPLETE));
	CHECK_CL(clFinish(prof));
	CHECK_CL(clGetEventProfilingInfo(pending, CL_PROFILING_COMMAND_END,
					 sizeof(t), &t, &n));
	CHECK_EQ(n, sizeof(cl_ulong));
	CHECK_CL(clGetEventProfilingInfo(pending, CL_PROFILING_COMMAND_END, 0,
					 NULL, &n));
	CHECK_EQ(n, sizeof(cl_ulong));
	CHECK_ERR(clGetEventProfilingInfo(pending, 0x7777, sizeof(t), &t, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetEventProfilingInfo(pending, CL_PROFILING_COMMAND_END,
					  sizeof(t) - 1, &t, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(clGetEventProfilingInfo((cl_event)prof,
					  CL_PROFILING_COMMAND_END, sizeof(t),
					  &t, NULL),
		  CL_INVALID_EVENT);
	CHECK_CL(clReleaseEvent(pending));
	CHECK_CL(clReleaseEvent(user));
	CHECK_CL(clReleaseCommandQueue(plain));
	CHECK_CL(clReleaseCommandQueue(prof));
	CHECK_CL(clReleaseContext(ctx));
}

/* A failed command has no profiling information. */
TEST(profiling_info_failed_command)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, CL_QUEUE_PROFILING_ENABLE);
	cl_event user = user_event(ctx), m;
	cl_ulong t;

	CHECK_CL(clEnqueueMarkerWithWaitList(q, 1, &user, &m));
	CHECK_CL(clSetUserEventStatus(user, -9));
	CHECK_CL(clFinish(q));
	CHECK(status_of(m) < 0);
	CHECK_ERR(clGetEventProfilingInfo(m, CL_PROFILING_COMMAND_END,
					  sizeof(t), &t, NULL),
		  CL_PROFILING_INFO_NOT_AVAILABLE);
	CHECK_CL(clReleaseEvent(m));
	CHECK_CL(clReleaseEvent(user));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}
