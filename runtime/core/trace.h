/* HMMCL_TRACE=file.json: a timeline of the process in the Chrome trace
 * event format (JSON array), readable by Perfetto, chrome://tracing and
 * tools/hmmcl-trace-svg. See docs/trace.md for the events and lanes.
 *
 * Costs one predictable branch per hook when the variable is unset: every
 * hook is guarded by HX_TRACE_ON(). Events are written whole under one
 * lock and flushed at once, so a process that dies early leaves every
 * event written so far; the closing bracket is written at exit (atexit),
 * and a file without it is still accepted by the Chrome array format. */
#ifndef HMMCL_CORE_TRACE_H
#define HMMCL_CORE_TRACE_H

#include "object.h"

#include <stddef.h>
#include <stdint.h>

extern int hx_trace_enabled; /* set once when the library loads */

#define HX_TRACE_ON() __builtin_expect(hx_trace_enabled, 0)

/* A command of ev's queue ran from t0 to t1 (hx_now_ns) and ended with
 * status; also samples the fault counters at both ends. */
void hx_trace_command(cl_event ev, cl_ulong t0, cl_ulong t1, cl_int status);
/* Called at a command's start: samples the fault counters. */
void hx_trace_command_start(cl_event ev);
/* Names the command running on this thread (a kernel's name); the next
 * hx_trace_command on this thread uses it. */
void hx_trace_label(const char *name);
/* A migration of [start, start + size) to device to_dev (-1: system
 * memory) asked by a queue of device qdev moved bytes; from t0 to now. */
void hx_trace_migrate(unsigned qdev, int to_dev, uintptr_t start, size_t size,
		      uint64_t bytes, int undefined, cl_ulong t0);
/* A host thread waited from t0 to now in what (clFinish, ...). */
void hx_trace_wait(const char *what, cl_uint nevents, cl_ulong t0);

#endif
