#include "event_util.h"

#include "harness.h"

#include <pthread.h>
#include <unistd.h>

cl_int hx_ev_status(cl_event ev)
{
	cl_int st = 99;

	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	return st;
}

cl_event hx_ev_user(cl_context ctx)
{
	cl_int err = 1;
	cl_event ev = clCreateUserEvent(ctx, &err);

	CHECK_CL(err);
	return ev;
}

cl_event hx_ev_marker(cl_command_queue q, cl_uint n, const cl_event *w)
{
	cl_event ev = NULL;

	CHECK_CL(clEnqueueMarkerWithWaitList(q, n, w, &ev));
	CHECK(ev != NULL);
	return ev;
}

cl_event hx_ev_barrier(cl_command_queue q, cl_uint n, const cl_event *w)
{
	cl_event ev = NULL;

	CHECK_CL(clEnqueueBarrierWithWaitList(q, n, w, &ev));
	CHECK(ev != NULL);
	return ev;
}

cl_int hx_ev_settle(cl_event ev)
{
	int i;
	cl_int st = hx_ev_status(ev);

	for (i = 0; i < 2000 && st > CL_COMPLETE; i++) {
		usleep(1000);
		st = hx_ev_status(ev);
	}
	return st;
}

void hx_ev_pause_ms(int ms)
{
	usleep((useconds_t)ms * 1000);
}

static pthread_mutex_t completions_lock = PTHREAD_MUTEX_INITIALIZER;
static int completions; /* protected by completions_lock */

static void CL_CALLBACK count_completion(cl_event ev, cl_int st, void *ud)
{
	(void)ev, (void)st, (void)ud;
	pthread_mutex_lock(&completions_lock);
	completions++;
	pthread_mutex_unlock(&completions_lock);
}

void hx_ev_on_complete(cl_event ev)
{
	CHECK_CL(clSetEventCallback(ev, CL_COMPLETE, count_completion, NULL));
}

void hx_ev_wait_completions(int n)
{
	int i, got = 0;

	for (i = 0; i < 2000; i++) {
		pthread_mutex_lock(&completions_lock);
		got = completions;
		pthread_mutex_unlock(&completions_lock);
		if (got >= n)
			break;
		usleep(1000);
	}
	CHECK_EQ(got, n);
}

cl_ulong hx_ev_prof(cl_event ev, cl_profiling_info p)
{
	cl_ulong t = 0;

	CHECK_CL(clGetEventProfilingInfo(ev, p, sizeof(t), &t, NULL));
	return t;
}

void hx_ev_release(cl_event *evs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		CHECK_CL(clReleaseEvent(evs[i]));
}
