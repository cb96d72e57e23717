/* The command scheduler through markers, barriers and user events:
 * queue order, wait lists, out-of-order queues, error propagation,
 * callbacks at every status, profiling timestamps, clFinish, many host
 * threads, and chains across queues and devices. */
#include "cl_util.h"
#include "event_util.h"
#include "harness.h"

#include <pthread.h>
#include <unistd.h>

struct env {
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
};

static struct env setup(cl_command_queue_properties props)
{
	struct env e;

	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev, props);
	return e;
}

static void teardown(struct env *e)
{
	CHECK_CL(clFinish(e->q));
	CHECK_CL(clReleaseCommandQueue(e->q));
	CHECK_CL(clReleaseContext(e->ctx));
}

/* In-order: each command waits for the one before it. */
TEST(in_order_queue_order)
{
	struct env e = setup(CL_QUEUE_PROFILING_ENABLE);
	cl_event u = hx_ev_user(e.ctx), ev[4];
	int i;

	ev[0] = hx_ev_marker(e.q, 1, &u);
	for (i = 1; i < 4; i++)
		ev[i] = hx_ev_marker(e.q, 0, NULL);
	for (i = 0; i < 4; i++)
		hx_ev_on_complete(ev[i]);
	hx_ev_pause_ms(20);
	for (i = 0; i < 4; i++)
		CHECK(hx_ev_status(ev[i]) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clFinish(e.q));
	hx_ev_wait_completions(4);
	for (i = 0; i < 4; i++)
		CHECK_EQ(hx_ev_status(ev[i]), CL_COMPLETE);
	for (i = 1; i < 4; i++)
		CHECK(hx_ev_prof(ev[i - 1], CL_PROFILING_COMMAND_END) <=
		      hx_ev_prof(ev[i], CL_PROFILING_COMMAND_START));
	hx_ev_release(ev, 4);
	CHECK_CL(clReleaseEvent(u));
	teardown(&e);
}

/* A wait list holds a command back until the events complete. */
TEST(wait_list_dependency)
{
	struct env e = setup(0);
	cl_event u1 = hx_ev_user(e.ctx), u2 = hx_ev_user(e.ctx);
	cl_event w[2] = {u1, u2}, m = hx_ev_marker(e.q, 2, w);

	hx_ev_pause_ms(10);
	CHECK_EQ(hx_ev_status(m), CL_QUEUED);
	CHECK_CL(clSetUserEventStatus(u2, CL_COMPLETE));
	hx_ev_pause_ms(10);
	CHECK_EQ(hx_ev_status(m), CL_QUEUED);
	CHECK_CL(clSetUserEventStatus(u1, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(m), CL_COMPLETE);
	CHECK_CL(clReleaseEvent(m));
	CHECK_CL(clReleaseEvent(u1));
	CHECK_CL(clReleaseEvent(u2));
	teardown(&e);
}

/* A wait list of events that already completed does not hold back. */
TEST(wait_list_already_complete)
{
	struct env e = setup(0);
	cl_event u = hx_ev_user(e.ctx), m;

	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	m = hx_ev_marker(e.q, 1, &u);
	CHECK_CL(clWaitForEvents(1, &m));
	CHECK_EQ(hx_ev_status(m), CL_COMPLETE);
	CHECK_CL(clReleaseEvent(m));
	CHECK_CL(clReleaseEvent(u));
	teardown(&e);
}

/* Out-of-order: commands with disjoint wait lists complete in the order
 * their dependencies do. */
TEST(out_of_order_independent)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event ua = hx_ev_user(e.ctx), ub = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &ua), b = hx_ev_marker(e.q, 1, &ub);

	CHECK_CL(clSetUserEventStatus(ub, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(b), CL_COMPLETE);
	CHECK(hx_ev_status(a) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(ua, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(a), CL_COMPLETE);
	hx_ev_release((cl_event[]){a, b, ua, ub}, 4);
	teardown(&e);
}

/* The same on an in-order queue: b waits for a. */
TEST(in_order_not_reordered)
{
	struct env e = setup(0);
	cl_event ua = hx_ev_user(e.ctx), ub = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &ua), b = hx_ev_marker(e.q, 1, &ub);

	CHECK_CL(clSetUserEventStatus(ub, CL_COMPLETE));
	hx_ev_pause_ms(20);
	CHECK(hx_ev_status(b) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(ua, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(b), CL_COMPLETE);
	CHECK_EQ(hx_ev_status(a), CL_COMPLETE);
	hx_ev_release((cl_event[]){a, b, ua, ub}, 4);
	teardown(&e);
}

/* A marker with no wait list waits for every earlier command of an
 * out-of-order queue. */
TEST(out_of_order_marker_waits_for_all)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event ua = hx_ev_user(e.ctx), ub = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &ua), b = hx_ev_marker(e.q, 1, &ub);
	cl_event m = hx_ev_marker(e.q, 0, NULL);

	CHECK_CL(clSetUserEventStatus(ua, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(a), CL_COMPLETE);
	hx_ev_pause_ms(10);
	CHECK(hx_ev_status(m) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(ub, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(m), CL_COMPLETE);
	hx_ev_release((cl_event[]){a, b, m, ua, ub}, 5);
	teardown(&e);
}

/* A marker with a wait list waits for that list only. */
TEST(out_of_order_marker_with_wait_list)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event ua = hx_ev_user(e.ctx), ub = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &ua), b = hx_ev_marker(e.q, 1, &ub);
	cl_event m = hx_ev_marker(e.q, 1, &a);

	CHECK_CL(clSetUserEventStatus(ua, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(m), CL_COMPLETE);
	CHECK(hx_ev_status(b) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(ub, CL_COMPLETE));
	hx_ev_release((cl_event[]){a, b, m, ua, ub}, 5);
	teardown(&e);
}

/* A barrier with a wait list waits for the list, and every later command
 * of the out-of-order queue waits for the barrier. */
TEST(out_of_order_barrier_with_wait_list)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event ua = hx_ev_user(e.ctx), ub = hx_ev_user(e.ctx);
	cl_event uc = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &ua), b = hx_ev_marker(e.q, 1, &ub);
	cl_event bar = hx_ev_barrier(e.q, 1, &ua), c = hx_ev_marker(e.q, 1, &uc);

	CHECK_CL(clSetUserEventStatus(uc, CL_COMPLETE));
	hx_ev_pause_ms(20);
	CHECK(hx_ev_status(c) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(ua, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(c), CL_COMPLETE);
	CHECK_EQ(hx_ev_status(bar), CL_COMPLETE);
	/* a waited for ua only: it runs unordered with bar and c. */
	CHECK_EQ(hx_ev_settle(a), CL_COMPLETE);
	/* Not in the barrier's list: still waiting. */
	CHECK(hx_ev_status(b) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(ub, CL_COMPLETE));
	hx_ev_release((cl_event[]){a, b, bar, c, ua, ub, uc}, 7);
	teardown(&e);
}

/* A barrier with no wait list waits for everything before it. */
TEST(out_of_order_barrier_waits_for_all)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event ua = hx_ev_user(e.ctx), ub = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &ua), b = hx_ev_marker(e.q, 1, &ub);
	cl_event bar = hx_ev_barrier(e.q, 0, NULL), c = hx_ev_marker(e.q, 0, NULL);
	cl_event d;

	CHECK_CL(clSetUserEventStatus(ua, CL_COMPLETE));
	hx_ev_pause_ms(20);
	CHECK(hx_ev_status(bar) > CL_COMPLETE);
	CHECK(hx_ev_status(c) > CL_COMPLETE);
	/* Even a command whose own wait list is complete waits. */
	d = hx_ev_marker(e.q, 1, &a);
	hx_ev_pause_ms(10);
	CHECK(hx_ev_status(d) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(ub, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(d), CL_COMPLETE);
	CHECK_EQ(hx_ev_settle(c), CL_COMPLETE);
	CHECK_EQ(hx_ev_status(bar), CL_COMPLETE);
	hx_ev_release((cl_event[]){a, b, bar, c, d, ua, ub}, 7);
	teardown(&e);
}

/* The OpenCL 1.1 forms. */
TEST(legacy_marker_barrier_wait_for_events)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event u = hx_ev_user(e.ctx), m, after;

	CHECK_CL(clEnqueueWaitForEvents(e.q, 1, &u));
	after = hx_ev_marker(e.q, 0, NULL);
	hx_ev_pause_ms(10);
	CHECK(hx_ev_status(after) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_EQ(hx_ev_settle(after), CL_COMPLETE);
	CHECK_CL(clEnqueueBarrier(e.q));
	CHECK_CL(clEnqueueMarker(e.q, &m));
	CHECK_CL(clWaitForEvents(1, &m));
	CHECK_ERR(clEnqueueMarker(e.q, NULL), CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueWaitForEvents(e.q, 0, NULL), CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueWaitForEvents(e.q, 0, &u), CL_INVALID_VALUE);
	CHECK_ERR(clEnqueueWaitForEvents(e.q, 1, (cl_event *)&e.q),
		  CL_INVALID_EVENT);
	CHECK_ERR(clEnqueueBarrier((cl_command_queue)e.ctx),
		  CL_INVALID_COMMAND_QUEUE);
	hx_ev_release((cl_event[]){u, m, after}, 3);
	teardown(&e);
}

TEST(enqueue_errors)
{
	struct env e = setup(0);
	cl_context other = hx_test_context(NULL);
	cl_event u = hx_ev_user(e.ctx), foreign = hx_ev_user(other);
	cl_event bad[2] = {u, (cl_event)e.q}, ev = NULL;

	CHECK_ERR(clEnqueueMarkerWithWaitList(e.q, 1, NULL, &ev),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueMarkerWithWaitList(e.q, 0, &u, &ev),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueBarrierWithWaitList(e.q, 2, bad, &ev),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_ERR(clEnqueueMarkerWithWaitList(e.q, 1, &foreign, &ev),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(clEnqueueBarrierWithWaitList(e.q, 1, &foreign, &ev),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(
	    clEnqueueMarkerWithWaitList((cl_command_queue)e.ctx, 0, NULL, &ev),
	    CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(
	    clEnqueueBarrierWithWaitList((cl_command_queue)u, 0, NULL, &ev),
	    CL_INVALID_COMMAND_QUEUE);
	CHECK(ev == NULL);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clSetUserEventStatus(foreign, CL_COMPLETE));
	hx_ev_release((cl_event[]){u, foreign}, 2);
	CHECK_CL(clReleaseContext(other));
	teardown(&e);
}

/* A failed event fails the commands that list it, and theirs in turn,
 * with a negative status; they never run. */
TEST(error_propagates_through_wait_lists)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event u = hx_ev_user(e.ctx), ok = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &u), w[2] = {ok, a};
	cl_event b = hx_ev_marker(e.q, 2, w), c = hx_ev_barrier(e.q, 1, &b);

	CHECK_CL(clSetUserEventStatus(ok, CL_COMPLETE));
	CHECK_CL(clSetUserEventStatus(u, -42));
	CHECK_EQ(hx_ev_settle(c), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(hx_ev_status(a), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(hx_ev_status(b), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_ERR(clWaitForEvents(1, &c),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	/* Listing an event that already failed. */
	hx_ev_release(&b, 1);
	b = hx_ev_marker(e.q, 1, &a);
	CHECK_EQ(hx_ev_settle(b), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	hx_ev_release((cl_event[]){u, ok, a, b, c}, 5);
	teardown(&e);
}

/* Commands waiting behind a barrier of an out-of-order queue fail when
 * the barrier fails. */
TEST(out_of_order_failed_barrier_fails_waiting_commands)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event u = hx_ev_user(e.ctx), ok = hx_ev_user(e.ctx);
	cl_event bar = hx_ev_barrier(e.q, 1, &u), a = hx_ev_marker(e.q, 1, &ok);
	cl_event b = hx_ev_barrier(e.q, 0, NULL);

	CHECK_CL(clSetUserEventStatus(ok, CL_COMPLETE));
	hx_ev_pause_ms(10);
	CHECK(hx_ev_status(a) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(u, -8));
	CHECK_EQ(hx_ev_settle(b), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(hx_ev_status(bar), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_EQ(hx_ev_status(a), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	hx_ev_release((cl_event[]){u, ok, bar, a, b}, 5);
	teardown(&e);
}

/* Queue order alone does not propagate an error (event.h): the next
 * command of an in-order queue runs. */
TEST(in_order_error_does_not_fail_successor)
{
	struct env e = setup(0);
	cl_event u = hx_ev_user(e.ctx);
	cl_event a = hx_ev_marker(e.q, 1, &u), b = hx_ev_marker(e.q, 0, NULL);

	CHECK_CL(clSetUserEventStatus(u, -1));
	CHECK_CL(clFinish(e.q));
	CHECK(hx_ev_status(a) < 0);
	CHECK_EQ(hx_ev_status(b), CL_COMPLETE);
	hx_ev_release((cl_event[]){u, a, b}, 3);
	teardown(&e);
}

/* A long chain that fails at its head: every link ends failed (the
 * failure travels by a loop: 300000 nested calls would overflow the
 * stack). */
TEST(error_long_chain)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event u = hx_ev_user(e.ctx), prev = u, next, last;
	int i;

	CHECK_CL(clRetainEvent(u));
	for (i = 0; i < 300000; i++) {
		next = hx_ev_marker(e.q, 1, &prev);
		CHECK_CL(clReleaseEvent(prev));
		prev = next;
	}
	last = prev;
	CHECK_CL(clSetUserEventStatus(u, -7));
	CHECK_ERR(clWaitForEvents(1, &last),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	CHECK_CL(clFinish(e.q));
	hx_ev_release((cl_event[]){u, last}, 2);
	teardown(&e);
}

/* Status sequence seen by callbacks, one slot per registration. */
struct seen {
	pthread_mutex_t lock;
	int n;
	cl_int st[16];
	int tag[16];
};

static struct seen seen = {PTHREAD_MUTEX_INITIALIZER, 0, {0}, {0}};

static void CL_CALLBACK log_cb(cl_event ev, cl_int st, void *ud)
{
	(void)ev;
	pthread_mutex_lock(&seen.lock);
	if (seen.n < 16) {
		seen.st[seen.n] = st;
		seen.tag[seen.n] = (int)(intptr_t)ud;
		seen.n++;
	}
	pthread_mutex_unlock(&seen.lock);
}

static int seen_count(void)
{
	int n;

	pthread_mutex_lock(&seen.lock);
	n = seen.n;
	pthread_mutex_unlock(&seen.lock);
	return n;
}

static void wait_seen(int n)
{
	int i;

	for (i = 0; i < 2000 && seen_count() < n; i++)
		usleep(1000);
	CHECK_EQ(seen_count(), n);
}

/* Callbacks for CL_SUBMITTED, CL_RUNNING and CL_COMPLETE each run once,
 * with that status, in the order of the statuses. */
TEST(callbacks_every_status)
{
	struct env e = setup(0);
	cl_event u = hx_ev_user(e.ctx), m = hx_ev_marker(e.q, 1, &u);
	int i;

	CHECK_CL(clSetEventCallback(m, CL_COMPLETE, log_cb, (void *)3));
	CHECK_CL(clSetEventCallback(m, CL_RUNNING, log_cb, (void *)2));
	CHECK_CL(clSetEventCallback(m, CL_SUBMITTED, log_cb, (void *)1));
	hx_ev_pause_ms(10);
	CHECK_EQ(seen_count(), 0);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clFinish(e.q));
	wait_seen(3);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(seen.tag[i], i + 1);
		CHECK_EQ(seen.st[i], i == 0   ? CL_SUBMITTED
				     : i == 1 ? CL_RUNNING
					      : CL_COMPLETE);
	}
	hx_ev_pause_ms(10);
	CHECK_EQ(seen_count(), 3);
	hx_ev_release((cl_event[]){u, m}, 2);
	teardown(&e);
}

/* The same order every time: a CL_SUBMITTED callback, run by the
 * thread that made the command ready, finishes before an executor runs
 * the command and its CL_COMPLETE callback. */
TEST(callbacks_status_order_repeated)
{
	struct env e = setup(0);
	cl_event u, m;
	int i;

	for (i = 0; i < 500; i++) {
		pthread_mutex_lock(&seen.lock);
		seen.n = 0;
		pthread_mutex_unlock(&seen.lock);
		u = hx_ev_user(e.ctx);
		m = hx_ev_marker(e.q, 1, &u);
		CHECK_CL(
		    clSetEventCallback(m, CL_SUBMITTED, log_cb, (void *)1));
		CHECK_CL(clSetEventCallback(m, CL_COMPLETE, log_cb, (void *)3));
		CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
		CHECK_CL(clFinish(e.q));
		wait_seen(2);
		if (seen.tag[0] != 1)
			hx_test_fail(__FILE__, __LINE__,
				     "round %d: CL_COMPLETE callback first", i);
		hx_ev_release((cl_event[]){u, m}, 2);
	}
	teardown(&e);
}

/* Registered after the status was reached: called anyway, once. */
TEST(callbacks_registered_after_completion)
{
	struct env e = setup(0);
	cl_event m = hx_ev_marker(e.q, 0, NULL);
	int i;

	CHECK_CL(clFinish(e.q));
	CHECK_CL(clSetEventCallback(m, CL_SUBMITTED, log_cb, (void *)1));
	CHECK_CL(clSetEventCallback(m, CL_RUNNING, log_cb, (void *)2));
	CHECK_CL(clSetEventCallback(m, CL_COMPLETE, log_cb, (void *)3));
	wait_seen(3);
	for (i = 0; i < 3; i++)
		CHECK_EQ(seen.st[i], seen.tag[i] == 1	? CL_SUBMITTED
				     : seen.tag[i] == 2 ? CL_RUNNING
							: CL_COMPLETE);
	hx_ev_pause_ms(10);
	CHECK_EQ(seen_count(), 3);
	hx_ev_release(&m, 1);
	teardown(&e);
}

/* User events start submitted: a CL_SUBMITTED callback runs at once,
 * CL_COMPLETE when the status is set. */
TEST(callbacks_user_event)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event u = hx_ev_user(ctx);

	CHECK_CL(clSetEventCallback(u, CL_COMPLETE, log_cb, (void *)2));
	CHECK_CL(clSetEventCallback(u, CL_SUBMITTED, log_cb, (void *)1));
	wait_seen(1);
	CHECK_EQ(seen.st[0], CL_SUBMITTED);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	wait_seen(2);
	CHECK_EQ(seen.tag[1], 2);
	CHECK_EQ(seen.st[1], CL_COMPLETE);
	CHECK_CL(clReleaseEvent(u));
	CHECK_CL(clReleaseContext(ctx));
}

/* A command that fails calls its callbacks, for every status, with the
 * negative status. */
TEST(callbacks_on_failure)
{
	struct env e = setup(0);
	cl_event u = hx_ev_user(e.ctx), m = hx_ev_marker(e.q, 1, &u);
	int i;

	CHECK_CL(clSetEventCallback(m, CL_SUBMITTED, log_cb, (void *)1));
	CHECK_CL(clSetEventCallback(m, CL_RUNNING, log_cb, (void *)2));
	CHECK_CL(clSetEventCallback(m, CL_COMPLETE, log_cb, (void *)3));
	CHECK_CL(clSetUserEventStatus(u, -5));
	CHECK_CL(clFinish(e.q));
	wait_seen(3);
	for (i = 0; i < 3; i++)
		CHECK(seen.st[i] < 0);
	/* And one registered afterwards. */
	CHECK_CL(clSetEventCallback(m, CL_COMPLETE, log_cb, (void *)4));
	wait_seen(4);
	CHECK(seen.st[3] < 0);
	hx_ev_release((cl_event[]){u, m}, 2);
	teardown(&e);
}

/* A callback may call the API: here it enqueues on the queue and
 * releases its event. */
static void CL_CALLBACK enqueue_from_cb(cl_event ev, cl_int st, void *ud)
{
	cl_command_queue q = ud;
	cl_event m = NULL;

	if (clEnqueueMarkerWithWaitList(q, 1, &ev, &m) == CL_SUCCESS) {
		clSetEventCallback(m, CL_COMPLETE, log_cb, (void *)9);
		clReleaseEvent(m);
	}
	clReleaseEvent(ev);
	(void)st;
}

TEST(callback_calls_api)
{
	struct env e = setup(0);
	cl_event u = hx_ev_user(e.ctx), m = hx_ev_marker(e.q, 1, &u);

	CHECK_CL(clSetEventCallback(m, CL_COMPLETE, enqueue_from_cb, e.q));
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	wait_seen(1);
	CHECK_EQ(seen.tag[0], 9);
	CHECK_CL(clFinish(e.q));
	CHECK_CL(clReleaseEvent(u));
	teardown(&e);
}

/* queued <= submit <= start <= end <= complete, within the host timer
 * readings around the command, and consecutive commands in order. */
TEST(profiling_timestamps_monotonic)
{
	struct env e = setup(CL_QUEUE_PROFILING_ENABLE);
	cl_event u = hx_ev_user(e.ctx), ev[3];
	cl_ulong t[3][5], h0 = 0, h1 = 0;
	int i, j;

	CHECK_CL(clGetHostTimer(e.dev, &h0));
	ev[0] = hx_ev_marker(e.q, 1, &u);
	ev[1] = hx_ev_marker(e.q, 0, NULL);
	ev[2] = hx_ev_barrier(e.q, 0, NULL);
	hx_ev_pause_ms(5);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clFinish(e.q));
	CHECK_CL(clGetHostTimer(e.dev, &h1));
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 5; j++)
			t[i][j] = hx_ev_prof(ev[i], CL_PROFILING_COMMAND_QUEUED + j);
		CHECK(h0 <= t[i][0]);
		for (j = 1; j < 5; j++)
			CHECK(t[i][j - 1] <= t[i][j]);
		CHECK(t[i][4] <= h1);
	}
	/* The first command waited ~5 ms for the user event. */
	CHECK(t[0][1] - t[0][0] >= 4000000);
	CHECK(t[0][3] <= t[1][2]);
	CHECK(t[1][3] <= t[2][2]);
	hx_ev_release(ev, 3);
	CHECK_CL(clReleaseEvent(u));
	teardown(&e);
}

static void *complete_later(void *arg)
{
	usleep(50 * 1000);
	clSetUserEventStatus((cl_event)arg, CL_COMPLETE);
	return NULL;
}

/* clFinish returns only when every command of the queue completed. */
TEST(finish_waits_for_all)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event u = hx_ev_user(e.ctx), ev[8];
	pthread_t t;
	int i;

	for (i = 0; i < 8; i++)
		ev[i] = i % 2 ? hx_ev_marker(e.q, 1, &u) : hx_ev_barrier(e.q, 1, &u);
	CHECK_CL(clFlush(e.q));
	CHECK_EQ(pthread_create(&t, NULL, complete_later, u), 0);
	CHECK_CL(clFinish(e.q));
	for (i = 0; i < 8; i++)
		CHECK_EQ(hx_ev_status(ev[i]), CL_COMPLETE);
	pthread_join(t, NULL);
	hx_ev_release(ev, 8);
	CHECK_CL(clReleaseEvent(u));
	teardown(&e);
}

/* Many markers in one in-order queue, one clFinish. */
TEST(long_in_order_stream)
{
	struct env e = setup(0);
	cl_event last;
	int i;

	for (i = 0; i < 20000; i++)
		CHECK_CL(clEnqueueMarkerWithWaitList(e.q, 0, NULL, NULL));
	last = hx_ev_marker(e.q, 0, NULL);
	CHECK_CL(clFinish(e.q));
	CHECK_EQ(hx_ev_status(last), CL_COMPLETE);
	CHECK_CL(clReleaseEvent(last));
	teardown(&e);
}

#define THREADS 8
#define PER_THREAD 500

struct worker {
	cl_command_queue shared, own;
	int failures;
};

static void *enqueue_worker(void *arg)
{
	struct worker *w = arg;
	cl_event ev[2];
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		if (clEnqueueMarkerWithWaitList(w->shared, 0, NULL, &ev[0]) ||
		    clEnqueueBarrierWithWaitList(w->own, 1, &ev[0], &ev[1])) {
			w->failures++;
			break;
		}
		if (clWaitForEvents(2, ev))
			w->failures++;
		clReleaseEvent(ev[0]);
		clReleaseEvent(ev[1]);
		if (i % 100 == 0 && clFinish(w->shared))
			w->failures++;
	}
	return NULL;
}

/* Many host threads enqueue on a shared queue and on their own, with
 * cross-queue wait lists, and wait. */
TEST(many_threads_enqueue_and_wait)
{
	struct env e = setup(0);
	struct worker w[THREADS];
	pthread_t t[THREADS];
	cl_command_queue ooo =
	    hx_test_queue(e.ctx, e.dev, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i].shared = i % 2 ? e.q : ooo;
		w[i].own = hx_test_queue(e.ctx, e.dev, 0);
		w[i].failures = 0;
		CHECK_EQ(pthread_create(&t[i], NULL, enqueue_worker, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(w[i].failures, 0);
		CHECK_CL(clFinish(w[i].own));
		CHECK_CL(clReleaseCommandQueue(w[i].own));
	}
	CHECK_CL(clFinish(ooo));
	CHECK_CL(clReleaseCommandQueue(ooo));
	teardown(&e);
}

struct setter {
	cl_event *evs;
	int n;
};

static void *set_all(void *arg)
{
	struct setter *s = arg;
	int i;

	for (i = 0; i < s->n; i++)
		clSetUserEventStatus(s->evs[i], CL_COMPLETE);
	return NULL;
}

/* Threads waiting on commands while another thread releases them. */
TEST(many_threads_waiting)
{
	struct env e = setup(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
	cl_event u[64], m[64];
	struct setter s = {u, 64};
	pthread_t setter_t;
	int i;

	for (i = 0; i < 64; i++) {
		u[i] = hx_ev_user(e.ctx);
		m[i] = hx_ev_marker(e.q, 1, &u[i]);
	}
	CHECK_EQ(pthread_create(&setter_t, NULL, set_all, &s), 0);
	CHECK_CL(clWaitForEvents(64, m));
	pthread_join(setter_t, NULL);
	for (i = 0; i < 64; i++)
		CHECK_EQ(hx_ev_status(m[i]), CL_COMPLETE);
	hx_ev_release(u, 64);
	hx_ev_release(m, 64);
	teardown(&e);
}

/* q1 -> q2 -> q1 through wait lists, in one context. */
TEST(chain_across_two_queues)
{
	struct env e = setup(CL_QUEUE_PROFILING_ENABLE);
	cl_command_queue q2 = hx_test_queue(
	    e.ctx, e.dev,
	    CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE);
	cl_event u = hx_ev_user(e.ctx), a, b, c;

	a = hx_ev_marker(e.q, 1, &u);
	b = hx_ev_marker(q2, 1, &a);
	c = hx_ev_barrier(e.q, 1, &b);
	hx_ev_on_complete(a);
	hx_ev_on_complete(b);
	hx_ev_on_complete(c);
	hx_ev_pause_ms(10);
	CHECK(hx_ev_status(c) > CL_COMPLETE);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clWaitForEvents(1, &c));
	CHECK_CL(clFinish(q2));
	hx_ev_wait_completions(3);
	CHECK(hx_ev_prof(a, CL_PROFILING_COMMAND_END) <=
	      hx_ev_prof(b, CL_PROFILING_COMMAND_START));
	CHECK(hx_ev_prof(b, CL_PROFILING_COMMAND_END) <=
	      hx_ev_prof(c, CL_PROFILING_COMMAND_START));
	hx_ev_release((cl_event[]){u, a, b, c}, 4);
	CHECK_CL(clReleaseCommandQueue(q2));
	teardown(&e);
}

#define REGISTRARS 4
#define PER_REGISTRAR 300

static int cb_calls[REGISTRARS * PER_REGISTRAR];

static void CL_CALLBACK count_cb(cl_event ev, cl_int st, void *ud)
{
	(void)ev;
	if (st == CL_COMPLETE)
		__atomic_add_fetch(&cb_calls[(intptr_t)ud], 1,
				   __ATOMIC_SEQ_CST);
}

struct registrar {
	cl_event ev;
	int base, failures;
};

static void *register_many(void *arg)
{
	struct registrar *r = arg;
	int i;

	for (i = 0; i < PER_REGISTRAR; i++)
		if (clSetEventCallback(r->ev, CL_COMPLETE, count_cb,
				       (void *)(intptr_t)(r->base + i)))
			r->failures++;
	return NULL;
}

/* Callbacks registered from several threads while the event completes:
 * each runs exactly once, whether registered before or after. */
TEST(callbacks_race_with_completion)
{
	struct env e = setup(0);
	cl_event u = hx_ev_user(e.ctx), m = hx_ev_marker(e.q, 1, &u);
	struct registrar r[REGISTRARS];
	pthread_t t[REGISTRARS];
	int i, missing = 0;

	for (i = 0; i < REGISTRARS; i++) {
		r[i].ev = i % 2 ? u : m;
		r[i].base = i * PER_REGISTRAR;
		r[i].failures = 0;
		CHECK_EQ(pthread_create(&t[i], NULL, register_many, &r[i]), 0);
	}
	usleep(200);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	for (i = 0; i < REGISTRARS; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(r[i].failures, 0);
	}
	CHECK_CL(clFinish(e.q));
	for (i = 0; i < 2000; i++) {
		int j;

		missing = 0;
		for (j = 0; j < REGISTRARS * PER_REGISTRAR; j++)
			missing += __atomic_load_n(&cb_calls[j],
						   __ATOMIC_SEQ_CST) == 0;
		if (!missing)
			break;
		usleep(1000);
	}
	CHECK_EQ(missing, 0);
	for (i = 0; i < REGISTRARS * PER_REGISTRAR; i++)
		CHECK_EQ(cb_calls[i], 1);
	hx_ev_release((cl_event[]){u, m}, 2);
	teardown(&e);
}

static void *create_release_worker(void *arg)
{
	cl_device_id dev = arg;
	cl_context ctx;
	cl_command_queue q;
	cl_event u, m;
	cl_int err;
	cl_uint n;
	intptr_t failures = 0;
	int i;

	for (i = 0; i < 100; i++) {
		ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
		if (err) {
			failures++;
			continue;
		}
		q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
		failures += err != CL_SUCCESS;
		u = clCreateUserEvent(ctx, &err);
		failures += err != CL_SUCCESS;
		failures += clEnqueueMarkerWithWaitList(q, 1, &u, &m) != 0;
		failures += clReleaseCommandQueue(q) != 0;
		failures += clSetUserEventStatus(u, CL_COMPLETE) != 0;
		failures += clWaitForEvents(1, &m) != 0;
		failures += clGetContextInfo(ctx, CL_CONTEXT_NUM_DEVICES,
					     sizeof(n), &n, NULL) != 0;
		failures += clReleaseEvent(m) != 0;
		failures += clReleaseEvent(u) != 0;
		failures += clReleaseContext(ctx) != 0;
	}
	return (void *)failures;
}

/* Objects created, used and released from many threads at once. */
TEST(many_threads_create_release)
{
	pthread_t t[THREADS];
	void *ret;
	int i;

	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, create_release_worker,
					hx_test_device(0)),
			 0);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		CHECK_EQ((intptr_t)ret, 0);
	}
}

static void *retain_release_worker(void *arg)
{
	cl_event ev = arg;
	intptr_t failures = 0;
	int i;

	for (i = 0; i < 2000; i++) {
		failures += clRetainEvent(ev) != 0;
		failures += clReleaseEvent(ev) != 0;
	}
	return (void *)failures;
}

/* Concurrent retain/release of one event leaves its count intact. */
TEST(many_threads_retain_release)
{
	cl_context ctx = hx_test_context(NULL);
	cl_event u = hx_ev_user(ctx);
	pthread_t t[THREADS];
	cl_uint refs = 0;
	void *ret;
	int i;

	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, retain_release_worker, u),
			 0);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		CHECK_EQ((intptr_t)ret, 0);
	}
	CHECK_CL(clGetEventInfo(u, CL_EVENT_REFERENCE_COUNT, sizeof(refs),
				&refs, NULL));
	CHECK_EQ(refs, 1);
	CHECK_CL(clSetUserEventStatus(u, CL_COMPLETE));
	CHECK_CL(clReleaseEvent(u));
	CHECK_CL(clReleaseContext(ctx));
}
