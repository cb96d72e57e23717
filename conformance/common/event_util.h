/* Event helpers shared by the scheduler tests: each fails the case on an
 * unexpected error, so the tests read as the scenario they check. */
#ifndef HMMCL_EVENT_UTIL_H
#define HMMCL_EVENT_UTIL_H

#include "cl_util.h"

cl_int hx_ev_status(cl_event ev);
cl_event hx_ev_user(cl_context ctx);
cl_event hx_ev_marker(cl_command_queue q, cl_uint n, const cl_event *w);
cl_event hx_ev_barrier(cl_command_queue q, cl_uint n, const cl_event *w);
/* Polls until ev reaches a final status or 2 s pass; returns it. */
cl_int hx_ev_settle(cl_event ev);
/* Gives the executors time to run anything that is (wrongly) ready. */
void hx_ev_pause_ms(int ms);
/* Counts ev's CL_COMPLETE callback; hx_ev_wait_completions waits until
 * n such callbacks ran (callbacks run after the status is visible). */
void hx_ev_on_complete(cl_event ev);
void hx_ev_wait_completions(int n);
cl_ulong hx_ev_prof(cl_event ev, cl_profiling_info p);
void hx_ev_release(cl_event *evs, int n);

#endif
