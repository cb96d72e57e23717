/* The command scheduler: dependency resolution, the ready list, executor
 * threads, and waiting that helps. See event.h for the rules. */
#include "event.h"

#include "context.h"
#include "debug.h"
#include "platform.h"
#include "trace.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t sched_lock = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
/* Signalled on every completion: wakes waiters. */
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static unsigned long completions; /* sched; also read without the lock */
/* Signalled when the ready list gets work: wakes executors. */
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static cl_event ready_head, ready_tail; /* sched */
static unsigned ready_count;           /* sched: commands on the list */
static unsigned idle_executors;        /* sched: asleep on ready_cond */
static unsigned spinning_executors;    /* sched: polling ready_head */
static pthread_once_t executors_once = PTHREAD_ONCE_INIT;

#define EXECUTORS 2

/* Work collected under the lock and done after it is dropped. */
struct deferred {
	struct hx_event_callback *cbs[64];
	cl_event cb_ev[64];
	cl_int cb_status[64];
	unsigned ncbs;
	cl_event release[64];
	unsigned nrelease;
	/* Commands made ready whose CL_SUBMITTED callbacks are in cbs:
	 * they join the ready list once those have run. */
	cl_event push[64];
	unsigned npush;
};

static void defer_release(struct deferred *d, cl_event ev);
static void push_ready_locked(cl_event ev);

static void run_deferred(struct deferred *d)
{
	unsigned i;

	for (i = 0; i < d->ncbs; i++) {
		d->cbs[i]->fn(d->cb_ev[i], d->cb_status[i],
			      d->cbs[i]->user_data);
		free(d->cbs[i]);
		hx_release(d->cb_ev[i]);
	}
	d->ncbs = 0;
	if (d->npush) {
		pthread_mutex_lock(&sched_lock);
		for (i = 0; i < d->npush; i++)
			push_ready_locked(d->push[i]);
		pthread_mutex_unlock(&sched_lock);
		d->npush = 0;
	}
	for (i = 0; i < d->nrelease; i++)
		hx_release(d->release[i]);
	d->nrelease = 0;
}

/* Flushes deferred work when its arrays fill up: drops and retakes the
 * lock, which callers allow at the points where they call it. */
static void deferred_room_locked(struct deferred *d)
{
	if (d->ncbs < 64 && d->nrelease < 64 && d->npush < 64)
		return;
	pthread_mutex_unlock(&sched_lock);
	run_deferred(d);
	pthread_mutex_lock(&sched_lock);
}

static void defer_release(struct deferred *d, cl_event ev)
{
	deferred_room_locked(d);
	d->release[d->nrelease++] = ev;
}

/* Moves the callbacks due at the new status to d; returns how many. */
static unsigned take_callbacks_locked(cl_event ev, cl_int status,
				      struct deferred *d)
{
	struct hx_event_callback **pp = &ev->callbacks, *cb;
	unsigned n = 0;

	while ((cb = *pp)) {
		if (status > cb->on_status) {
			pp = &cb->next;
			continue;
		}
		*pp = cb->next;
		deferred_room_locked(d);
		hx_retain(ev);
		d->cbs[d->ncbs] = cb;
		d->cb_ev[d->ncbs] = ev;
		d->cb_status[d->ncbs] = status < 0 ? status : cb->on_status;
		d->ncbs++;
		n++;
		pp = &ev->callbacks; /* the list may have changed */
	}
	return n;
}

static void stamp_locked(cl_event ev, cl_int status)
{
	cl_ulong now = hx_now_ns();

	switch (status) {
	case CL_SUBMITTED: ev->t_submit = now; break;
	case CL_RUNNING: ev->t_start = now; break;
	default:
		if (!ev->t_submit)
			ev->t_submit = now;
		if (!ev->t_start)
			ev->t_start = now;
		ev->t_end = now;
		ev->t_complete = now;
		break;
	}
}

/* The command hx_enqueue is enqueuing on this thread, if it may run
 * inline; set to NULL by push_ready_locked when it became ready and was
 * kept for the enqueuing thread instead (inline_ready). */
static __thread cl_event inline_candidate, inline_ready;
/* Set while a thread that goes on executing (an executor, a waiter)
 * completes a command: the first command that completion makes ready
 * (the next one of an in-order queue) is kept for it, still hot in its
 * cache, instead of going to another thread through the ready list. */
static __thread bool keep_next;
static __thread cl_event kept;

static void push_ready_locked(cl_event ev)
{
	if (ev == inline_candidate) {
		inline_candidate = NULL;
		inline_ready = ev;
		return;
	}
	if (keep_next && !kept) {
		kept = ev;
		return;
	}
	ev->ready_next = NULL;
	if (ready_tail)
		ready_tail->ready_next = ev;
	else
		ready_head = ev;
	ready_tail = ev;
	ready_count++;
	/* A spinning executor takes the command without a wake-up. */
	if (idle_executors && ready_count > spinning_executors)
		pthread_cond_signal(&ready_cond);
}

static cl_event pop_ready_locked(void)
{
	cl_event ev = ready_head;

	if (ev) {
		ready_head = ev->ready_next;
		if (!ready_head)
			ready_tail = NULL;
		ready_count--;
	}
	return ev;
}

/* Called when one dependency of ev resolved. Returns 1 when ev must now
 * end with CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST: the caller does
 * it, so that a long chain of failures is a loop, not a recursion. */
static int resolve_one_locked(cl_event ev, int failed, struct deferred *d)
{
	if (failed)
		ev->dep_failed = 1;
	assert(ev->pending > 0);
	if (--ev->pending)
		return 0;
	if (ev->dep_failed)
		return 1;
	ev->status = CL_SUBMITTED;
	stamp_locked(ev, CL_SUBMITTED);
	if (!take_callbacks_locked(ev, CL_SUBMITTED, d)) {
		push_ready_locked(ev);
		return 0;
	}
	/* Its CL_SUBMITTED callbacks run before its CL_RUNNING ones. */
	deferred_room_locked(d);
	d->push[d->npush++] = ev;
	return 0;
}

static void unlink_inflight_locked(cl_event ev, struct deferred *d)
{
	cl_command_queue q = ev->queue;

	if (!q)
		return;
	if (ev->q_prev)
		ev->q_prev->q_next = ev->q_next;
	else
		q->inflight = ev->q_next;
	if (ev->q_next)
		ev->q_next->q_prev = ev->q_prev;
	ev->q_prev = ev->q_next = NULL;
	q->ninflight--;
	defer_release(d, ev); /* the queue's reference */
	/* A completed command orders nothing: drop the queue's ordering
	 * references now, or queue and event would hold each other. */
	if (q->last == ev) {
		q->last = NULL;
		defer_release(d, ev);
	}
	if (q->barrier == ev) {
		q->barrier = NULL;
		defer_release(d, ev);
	}
}

/* Ends ev with status and resolves its dependents; those that fail with
 * it are linked on *failed through ready_next (they never were ready). */
static void finish_one_locked(cl_event ev, cl_int status, struct deferred *d,
			      cl_event *failed)
{
	struct hx_dependent *deps;
	cl_uint i, n;

	ev->status = status;
	stamp_locked(ev, status);
	take_callbacks_locked(ev, status, d);
	deps = ev->dependents;
	n = ev->ndependents;
	ev->dependents = NULL;
	ev->ndependents = ev->dependents_cap = 0;
	for (i = 0; i < n; i++) {
		if (resolve_one_locked(deps[i].ev,
				       status < 0 && deps[i].propagate_error,
				       d)) {
			deps[i].ev->ready_next = *failed;
			*failed = deps[i].ev;
		}
		defer_release(d, ev); /* the edge's reference */
	}
	free(deps);
	unlink_inflight_locked(ev, d);
	__atomic_store_n(&completions, completions + 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&done_cond);
}

/* How long a waiting host thread spins (lock dropped) before it sleeps:
 * a short command on an executor ends within that, and a futex sleep and
 * wake cost more than the command (a 4 KiB migration: ~6 µs). */
#define SPIN_NS 30000

/* Spins (sched_lock not held) until a command is ready, or one
 * completes when seen is given, or ns have passed. */
static void spin_unlocked(const unsigned long *seen, long ns)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 1;; i++) {
		if ((seen && __atomic_load_n(&completions, __ATOMIC_ACQUIRE) !=
				 *seen) ||
		    __atomic_load_n(&ready_head, __ATOMIC_RELAXED))
			return;
		__builtin_ia32_pause();
		if (i % 64 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((t.tv_sec - t0.tv_sec) * 1000000000L +
				(t.tv_nsec - t0.tv_nsec) >
			    ns)
				return;
		}
	}
}

/* Waits until some command completes or becomes ready (the caller checks
 * its own condition again). sched_lock held. */
static void wait_done_locked(void)
{
	unsigned long seen = completions;

	pthread_mutex_unlock(&sched_lock);
	spin_unlocked(&seen, SPIN_NS);
	pthread_mutex_lock(&sched_lock);
	if (completions == seen && !ready_head)
		pthread_cond_wait(&done_cond, &sched_lock);
}

/* Ends ev with status (CL_COMPLETE or negative), and every command that
 * fails because of it. */
static void finish_locked(cl_event ev, cl_int status, struct deferred *d)
{
	cl_event failed = NULL;

	for (;;) {
		finish_one_locked(ev, status, d, &failed);
		if (!failed)
			return;
		ev = failed;
		failed = ev->ready_next;
		ev->ready_next = NULL;
		status = CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
	}
}

/* Runs ev; with keep, returns the command its completion made ready
 * for this thread to run next (or NULL). */
static cl_event execute(cl_event ev, bool keep)
{
	struct deferred d = {0};
	cl_ulong t0 = 0;
	cl_int status;

	pthread_mutex_lock(&sched_lock);
	ev->status = CL_RUNNING;
	stamp_locked(ev, CL_RUNNING);
	take_callbacks_locked(ev, CL_RUNNING, &d);
	pthread_mutex_unlock(&sched_lock);
	run_deferred(&d);

	if (HX_TRACE_ON()) {
		hx_trace_command_start(ev);
		t0 = hx_now_ns();
	}
	status = ev->run ? ev->run(ev) : CL_COMPLETE;
	if (status > 0)
		status = CL_COMPLETE;
	if (HX_TRACE_ON())
		hx_trace_command(ev, t0, hx_now_ns(), status);
	HX_DEBUG(HX_DBG_SCHED, "sched", "command 0x%x done: %d",
		 (unsigned)ev->type, status);

	keep_next = keep;
	kept = NULL;
	pthread_mutex_lock(&sched_lock);
	finish_locked(ev, status, &d);
	pthread_mutex_unlock(&sched_lock);
	run_deferred(&d);
	keep_next = false;
	ev = kept;
	kept = NULL;
	return ev;
}

/* How long one executor that ran out of work polls for the next command
 * before it sleeps: a host thread enqueueing a stream of short commands
 * then never pays a futex wake and a context switch per command (each
 * costs microseconds in a VM). One executor at most spins. */
#define EXECUTOR_SPIN_NS 50000

/* Spins with the lock dropped until a command is ready or the time is up;
 * returns the command, or NULL. sched_lock held. */
static cl_event spin_for_work_locked(void)
{
	cl_event ev;

	if (spinning_executors)
		return NULL;
	spinning_executors++;
	pthread_mutex_unlock(&sched_lock);
	spin_unlocked(NULL, EXECUTOR_SPIN_NS);
	pthread_mutex_lock(&sched_lock);
	spinning_executors--;
	ev = pop_ready_locked();
	/* Commands pushed while it spun may have counted on it. */
	if (ready_head && idle_executors)
		pthread_cond_signal(&ready_cond);
	return ev;
}

static void *executor_main(void *arg)
{
	cl_event ev;

	(void)arg;
	pthread_mutex_lock(&sched_lock);
	for (;;) {
		ev = pop_ready_locked();
		if (!ev)
			ev = spin_for_work_locked();
		if (!ev) {
			idle_executors++;
			pthread_cond_wait(&ready_cond, &sched_lock);
			idle_executors--;
			continue;
		}
		pthread_mutex_unlock(&sched_lock);
		while (ev)
			ev = execute(ev, true);
		pthread_mutex_lock(&sched_lock);
	}
	return NULL;
}

static void start_executors(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int i;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < EXECUTORS; i++)
		pthread_create(&t, &attr, executor_main, NULL);
	pthread_attr_destroy(&attr);
}

static void event_destroy(hx_object *obj)
{
	cl_event ev = (cl_event)obj;
	struct hx_event_callback *cb, *next;

	if (ev->cleanup)
		ev->cleanup(ev);
	for (cb = ev->callbacks; cb; cb = next) {
		next = cb->next;
		free(cb);
	}
	free(ev->dependents);
	if (ev->queue)
		hx_release(ev->queue);
	hx_release(ev->ctx);
}

cl_int hx_event_create(cl_context ctx, cl_command_queue q,
		       cl_command_type type, cl_event *out)
{
	cl_event ev = calloc(1, sizeof(*ev));

	if (!ev)
		return CL_OUT_OF_HOST_MEMORY;
	pthread_once(&executors_once, start_executors);
	hx_object_init(&ev->obj, HX_TYPE_EVENT, event_destroy);
	ev->ctx = ctx;
	hx_retain(ctx);
	ev->queue = q;
	if (q)
		hx_retain(q);
	ev->type = type;
	ev->status = q ? CL_QUEUED : CL_SUBMITTED;
	ev->t_queued = hx_now_ns();
	*out = ev;
	return CL_SUCCESS;
}

/* Makes ev wait for dep. Returns 0 when dep had already completed. */
static int add_edge_locked(cl_event dep, cl_event ev, int propagate)
{
	struct hx_dependent *grown;

	if (dep->status <= CL_COMPLETE) {
		if (dep->status < 0 && propagate)
			ev->dep_failed = 1;
		return 0;
	}
	if (dep->ndependents == dep->dependents_cap) {
		cl_uint cap = dep->dependents_cap ? dep->dependents_cap * 2 : 4;

		grown = realloc(dep->dependents, cap * sizeof(*grown));
		if (!grown)
			abort(); /* cannot keep the promise of ordering */
		dep->dependents = grown;
		dep->dependents_cap = cap;
	}
	dep->dependents[dep->ndependents].ev = ev;
	dep->dependents[dep->ndependents].propagate_error = propagate;
	dep->ndependents++;
	hx_retain(dep); /* dropped when dep finishes */
	ev->pending++;
	return 1;
}

void hx_enqueue(cl_event ev, cl_uint nwait, const cl_event *wait,
		int waits_for_all, int is_barrier)
{
	cl_command_queue q = ev->queue;
	struct deferred d = {0};
	cl_event old_last = NULL, old_barrier = NULL, it;
	cl_uint i;

	pthread_mutex_lock(&sched_lock);
	ev->pending = 1; /* held until all edges are in place */
	for (i = 0; i < nwait; i++)
		add_edge_locked(wait[i], ev, 1);
	if (q->props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE) {
		if (waits_for_all && nwait == 0)
			for (it = q->inflight; it; it = it->q_next)
				add_edge_locked(it, ev, 1);
		if (q->barrier)
			add_edge_locked(q->barrier, ev, 1);
		if (is_barrier) {
			old_barrier = q->barrier;
			q->barrier = ev;
			hx_retain(ev);
		}
	} else {
		if (q->last)
			add_edge_locked(q->last, ev, 0);
		old_last = q->last;
		q->last = ev;
		hx_retain(ev);
	}
	/* The queue holds the event until it completes. */
	ev->q_next = q->inflight;
	if (q->inflight)
		q->inflight->q_prev = ev;
	q->inflight = ev;
	q->ninflight++;
	inline_candidate = ev->run_inline ? ev : NULL;
	inline_ready = NULL;
	if (resolve_one_locked(ev, 0, &d))
		finish_locked(ev, CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
			      &d);
	if (old_last)
		defer_release(&d, old_last);
	if (old_barrier)
		defer_release(&d, old_barrier);
	inline_candidate = NULL;
	pthread_mutex_unlock(&sched_lock);
	run_deferred(&d);
	if (inline_ready) {
		cl_event r = inline_ready;

		inline_ready = NULL;
		execute(r, false);
	}
}

/* Runs one ready command if there is one; returns whether it did. */
static int help_locked(void)
{
	cl_event ev = pop_ready_locked();

	if (!ev)
		return 0;
	pthread_mutex_unlock(&sched_lock);
	while (ev)
		ev = execute(ev, true);
	pthread_mutex_lock(&sched_lock);
	return 1;
}

/* t0: when the host thread started waiting, for the trace. */
static cl_int wait_list(cl_uint n, const cl_event *list, const char *what,
			cl_ulong t0)
{
	cl_int err = CL_SUCCESS;
	cl_uint i;

	pthread_mutex_lock(&sched_lock);
	for (i = 0; i < n; i++) {
		while (list[i]->status > CL_COMPLETE)
			if (!help_locked())
				wait_done_locked();
		if (list[i]->status < 0)
			err = CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
	}
	pthread_mutex_unlock(&sched_lock);
	if (HX_TRACE_ON())
		hx_trace_wait(what, n, t0);
	return err;
}

cl_int hx_event_wait(cl_uint n, const cl_event *list)
{
	return wait_list(n, list, "clWaitForEvents",
			 HX_TRACE_ON() ? hx_now_ns() : 0);
}

cl_int hx_queue_finish(cl_command_queue q)
{
	cl_ulong t0 = HX_TRACE_ON() ? hx_now_ns() : 0;
	cl_uint n;

	pthread_mutex_lock(&sched_lock);
	n = q->ninflight;
	while (q->ninflight)
		if (!help_locked())
			wait_done_locked();
	pthread_mutex_unlock(&sched_lock);
	if (HX_TRACE_ON())
		hx_trace_wait("clFinish", n, t0);
	return CL_SUCCESS;
}

cl_int hx_submit(cl_event ev, cl_uint nwait, const cl_event *wait,
		 cl_bool blocking, cl_event *event_out)
{
	cl_ulong t0 = HX_TRACE_ON() ? hx_now_ns() : 0;
	cl_int err = CL_SUCCESS;

	hx_retain(ev); /* ours, for the wait below */
	hx_enqueue(ev, nwait, wait, 0, 0);
	if (blocking)
		err = wait_list(1, &ev, "blocking call", t0);
	if (event_out)
		*event_out = ev;
	else
		hx_release(ev);
	return err;
}

void hx_event_set_status(cl_event ev, cl_int status)
{
	struct deferred d = {0};

	pthread_mutex_lock(&sched_lock);
	finish_locked(ev, status, &d);
	pthread_mutex_unlock(&sched_lock);
	run_deferred(&d);
}

cl_int hx_user_event_set_status(cl_event ev, cl_int status)
{
	struct deferred d = {0};

	pthread_mutex_lock(&sched_lock);
	if (ev->status != CL_SUBMITTED) {
		pthread_mutex_unlock(&sched_lock);
		return CL_INVALID_OPERATION;
	}
	finish_locked(ev, status, &d);
	pthread_mutex_unlock(&sched_lock);
	run_deferred(&d);
	return CL_SUCCESS;
}

cl_int hx_event_get_status(cl_event ev)
{
	cl_int s;

	pthread_mutex_lock(&sched_lock);
	s = ev->status;
	pthread_mutex_unlock(&sched_lock);
	return s;
}

void hx_event_get_times(cl_event ev, cl_ulong t[5])
{
	pthread_mutex_lock(&sched_lock);
	t[0] = ev->t_queued;
	t[1] = ev->t_submit;
	t[2] = ev->t_start;
	t[3] = ev->t_end;
	t[4] = ev->t_complete;
	pthread_mutex_unlock(&sched_lock);
}

cl_int hx_event_add_callback(cl_event ev, cl_int on_status,
			     hx_event_notify_fn fn, void *user_data)
{
	struct hx_event_callback *cb = calloc(1, sizeof(*cb));
	struct deferred d = {0};

	if (!cb)
		return CL_OUT_OF_HOST_MEMORY;
	cb->fn = fn;
	cb->user_data = user_data;
	cb->on_status = on_status;
	pthread_mutex_lock(&sched_lock);
	cb->next = ev->callbacks;
	ev->callbacks = cb;
	take_callbacks_locked(ev, ev->status, &d);
	pthread_mutex_unlock(&sched_lock);
	run_deferred(&d);
	return CL_SUCCESS;
}
