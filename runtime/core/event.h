/* Events, command queues and the command scheduler.
 *
 * Every enqueued command is an event carrying a run function. A command
 * becomes ready when all its dependencies (wait list, queue order,
 * barriers) have completed; ready commands run on the scheduler's executor
 * threads or on a host thread that is waiting (clFinish, clWaitForEvents,
 * blocking calls), so that a short command never costs two sleep/wake
 * round trips. Commands are submitted as soon as they are ready: clFlush
 * has nothing left to do. A command marked run_inline (a small migration)
 * that is ready at enqueue runs on the enqueuing thread instead, and a
 * waiting host thread spins up to 30 µs before it sleeps.
 *
 * Errors: a command whose run fails ends with a negative status; commands
 * that list it in their wait list (or wait behind it at a barrier) end
 * with CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST without running. The
 * implicit order of an in-order queue does not propagate errors.
 *
 * Locking: one scheduler lock (hx_sched_lock) protects every field marked
 * "sched" below, in every event and queue. Lock order: a context lock may
 * be taken before the scheduler lock, never after. Callbacks and run
 * functions are called without the lock held.
 */
#ifndef HMMCL_CORE_EVENT_H
#define HMMCL_CORE_EVENT_H

#include "object.h"

#include <pthread.h>

typedef void(CL_CALLBACK *hx_event_notify_fn)(cl_event ev, cl_int status,
					       void *user_data);

struct hx_event_callback {
	hx_event_notify_fn fn;
	void *user_data;
	cl_int on_status; /* CL_SUBMITTED, CL_RUNNING or CL_COMPLETE */
	struct hx_event_callback *next;
};

struct hx_dependent {
	cl_event ev;
	int propagate_error;
};

struct _cl_event {
	hx_object obj;
	cl_context ctx;
	cl_command_queue queue; /* NULL for user events */
	cl_command_type type;

	cl_int status;                        /* sched */
	cl_uint pending;                      /* sched: unresolved deps */
	int dep_failed;                       /* sched */
	struct hx_dependent *dependents;      /* sched */
	cl_uint ndependents, dependents_cap;  /* sched */
	struct hx_event_callback *callbacks;  /* sched */
	cl_event ready_next;                  /* sched: ready list link */
	cl_event q_prev, q_next;              /* sched: queue in-flight list */
	cl_ulong t_queued, t_submit, t_start, t_end, t_complete; /* sched */

	/* The command. run returns CL_COMPLETE or a negative status;
	 * cleanup releases what the payload holds. Both may be NULL. */
	cl_int (*run)(cl_event ev);
	void (*cleanup)(cl_event ev);
	void *payload;
	/* Cheaper than waking an executor (a few µs): when it is ready at
	 * enqueue, the enqueuing thread runs it before returning. */
	int run_inline;
};

struct _cl_command_queue {
	hx_object obj;
	cl_context ctx;
	cl_device_id dev;
	cl_command_queue_properties props;
	cl_queue_properties *prop_list; /* as given, incl. the 0; or NULL */
	size_t nprop_list;
	cl_uint size;                   /* CL_QUEUE_SIZE (device queues only) */
	cl_event last;                  /* sched: in-order: last command */
	cl_event barrier;               /* sched: out-of-order: last barrier */
	cl_event inflight;              /* sched: commands not yet complete */
	cl_uint ninflight;              /* sched */
};

/* A new event for a command of the given type on q (q NULL: user event,
 * status CL_SUBMITTED). */
cl_int hx_event_create(cl_context ctx, cl_command_queue q,
		       cl_command_type type, cl_event *out);

/* Enqueues ev on its queue behind the wait list and the queue's order.
 * barrier: ev waits for every earlier command of the queue (markers and
 * barriers with an empty wait list) and, for CL_COMMAND_BARRIER, later
 * commands of an out-of-order queue wait for ev. Ownership of one
 * reference to ev passes to the scheduler. */
void hx_enqueue(cl_event ev, cl_uint nwait, const cl_event *wait,
		int waits_for_all, int is_barrier);

/* Common tail of an enqueue call: enqueue, hand the event to the caller
 * (event_out) or drop it, and for blocking calls wait for completion.
 * Returns CL_SUCCESS, or CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST when
 * a blocking command did not complete. */
cl_int hx_submit(cl_event ev, cl_uint nwait, const cl_event *wait,
		 cl_bool blocking, cl_event *event_out);

/* Waits (helping to run ready commands) until every event completed.
 * Returns CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST if one failed. */
cl_int hx_event_wait(cl_uint n, const cl_event *list);
cl_int hx_queue_finish(cl_command_queue q);

/* User events and the executor: a status change with its callbacks. */
void hx_event_set_status(cl_event ev, cl_int status);
cl_int hx_event_get_status(cl_event ev);
/* Sets a user event's status once; CL_INVALID_OPERATION the second time. */
cl_int hx_user_event_set_status(cl_event ev, cl_int status);
void hx_event_get_times(cl_event ev, cl_ulong t[5]);
/* Registers a callback; calls it at once when the status was reached. */
cl_int hx_event_add_callback(cl_event ev, cl_int on_status,
			     hx_event_notify_fn fn, void *user_data);

cl_int hx_queue_create(cl_context ctx, cl_device_id dev,
		       cl_command_queue_properties props,
		       const cl_queue_properties *plist, cl_command_queue *out);

#endif
