/* The timeline trace (HMMCL_TRACE=file.json). See trace.h and
 * docs/trace.md.
 *
 * Lanes (Chrome "tid"s of one "pid"): one per device for its commands
 * (migrations nest inside their migrate command), one per device for its
 * device fault bursts, one for CPU fault bursts, one per host thread that
 * waited. Fault bursts come from sampling the /dev/hmm counters at every
 * command start and end, every wait end and at exit: when a counter
 * moved between two samples, a burst spans the interval between them. */
#include "trace.h"

#include "event.h"
#include "platform.h"

#ifdef HMMCL_HAVE_HX_SVM
#include "svm/svm_mgr.h"
#endif

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Above any OS thread id (pid_max <= 2^22): host lanes use those. */
#define TID_DEVICE(d) ((1 << 30) + 2 * (int)(d))
#define TID_DEV_FAULTS(d) ((1 << 30) + 1 + 2 * (int)(d))
#define TID_CPU_FAULTS ((1 << 30) - 1)

int hx_trace_enabled;

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *trace_fp; /* protected by trace_lock; NULL: closed */
static int pid;
static unsigned char named[HX_MAX_DEVICES]; /* protected by trace_lock */
static int cpu_lane_named;		    /* protected by trace_lock */
static int sampling;			    /* protected by trace_lock */
static cl_ulong last_sample;		    /* protected by trace_lock */
/* Counters at the last sample, per device: protected by trace_lock. */
static uint64_t last_cpu[HX_MAX_DEVICES], last_dev[HX_MAX_DEVICES];
static _Thread_local char label[128];
static _Thread_local int host_lane_named;

static double us(cl_ulong ns)
{
	return (double)ns / 1000.0;
}

/* Writes one event (a JSON object) and its separator. trace_lock held. */
static void put_locked(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void put_locked(const char *fmt, ...)
{
	va_list ap;

	if (!trace_fp)
		return;
	va_start(ap, fmt);
	vfprintf(trace_fp, fmt, ap);
	va_end(ap);
	fputs(",\n", trace_fp);
	/* Every event reaches the file at once: a crash loses none. */
	fflush(trace_fp);
}

static void name_lane_locked(int tid, const char *name, int sort)
{
	put_locked(
	    "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\","
	    "\"args\":{\"name\":\"%s\"}}",
	    pid, tid, name);
	put_locked(
	    "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,"
	    "\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%d}}",
	    pid, tid, sort);
}

static void name_device_lanes_locked(unsigned d)
{
	char name[64];

	if (d >= HX_MAX_DEVICES || named[d])
		return;
	named[d] = 1;
	snprintf(name, sizeof(name), "device %u", d);
	name_lane_locked(TID_DEVICE(d), name, 2 * (int)d);
	snprintf(name, sizeof(name), "device %u faults", d);
	name_lane_locked(TID_DEV_FAULTS(d), name, 2 * (int)d + 1);
}

/* A burst of n faults between the previous sample and now. */
static void burst_locked(int tid, const char *what, unsigned dev, uint64_t n,
			 cl_ulong now)
{
	put_locked("{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"cat\":\"fault\","
		   "\"name\":\"%s\",\"ts\":%.3f,\"dur\":%.3f,"
		   "\"args\":{\"device\":%u,\"faults\":%llu}}",
		   pid, tid, what, us(last_sample), us(now - last_sample), dev,
		   (unsigned long long)n);
}

/* Compares the fault counters with the last sample. trace_lock held. */
static void sample_locked(cl_ulong now)
{
#ifdef HMMCL_HAVE_HX_SVM
	struct hx_svm_dev_stats s;
	unsigned d, n = hx_svm_mgr_ndevices();

	sampling = 1;
	for (d = 0; d < n && d < HX_MAX_DEVICES; d++) {
		hx_svm_mgr_stats(d, &s);
		if (s.cpu_faults > last_cpu[d]) {
			if (!cpu_lane_named++)
				name_lane_locked(TID_CPU_FAULTS,
						 "host: CPU faults", 1000);
			burst_locked(TID_CPU_FAULTS, "CPU faults", d,
				     s.cpu_faults - last_cpu[d], now);
		}
		if (s.device_faults > last_dev[d]) {
			name_device_lanes_locked(d);
			burst_locked(TID_DEV_FAULTS(d), "device faults", d,
				     s.device_faults - last_dev[d], now);
		}
		last_cpu[d] = s.cpu_faults;
		last_dev[d] = s.device_faults;
	}
#endif
	last_sample = now;
}

static const char *command_name(cl_command_type t)
{
	static const struct {
		cl_command_type type;
		const char *name;
	} names[] = {
	    {CL_COMMAND_NDRANGE_KERNEL, "NDRangeKernel"},
	    {CL_COMMAND_TASK, "Task"},
	    {CL_COMMAND_NATIVE_KERNEL, "NativeKernel"},
	    {CL_COMMAND_READ_BUFFER, "ReadBuffer"},
	    {CL_COMMAND_WRITE_BUFFER, "WriteBuffer"},
	    {CL_COMMAND_COPY_BUFFER, "CopyBuffer"},
	    {CL_COMMAND_READ_IMAGE, "ReadImage"},
	    {CL_COMMAND_WRITE_IMAGE, "WriteImage"},
	    {CL_COMMAND_COPY_IMAGE, "CopyImage"},
	    {CL_COMMAND_COPY_IMAGE_TO_BUFFER, "CopyImageToBuffer"},
	    {CL_COMMAND_COPY_BUFFER_TO_IMAGE, "CopyBufferToImage"},
	    {CL_COMMAND_MAP_BUFFER, "MapBuffer"},
	    {CL_COMMAND_MAP_IMAGE, "MapImage"},
	    {CL_COMMAND_UNMAP_MEM_OBJECT, "UnmapMemObject"},
	    {CL_COMMAND_MARKER, "Marker"},
	    {CL_COMMAND_READ_BUFFER_RECT, "ReadBufferRect"},
	    {CL_COMMAND_WRITE_BUFFER_RECT, "WriteBufferRect"},
	    {CL_COMMAND_COPY_BUFFER_RECT, "CopyBufferRect"},
	    {CL_COMMAND_BARRIER, "Barrier"},
	    {CL_COMMAND_MIGRATE_MEM_OBJECTS, "MigrateMemObjects"},
	    {CL_COMMAND_FILL_BUFFER, "FillBuffer"},
	    {CL_COMMAND_FILL_IMAGE, "FillImage"},
	    {CL_COMMAND_SVM_FREE, "SVMFree"},
	    {CL_COMMAND_SVM_MEMCPY, "SVMMemcpy"},
	    {CL_COMMAND_SVM_MEMFILL, "SVMMemFill"},
	    {CL_COMMAND_SVM_MAP, "SVMMap"},
	    {CL_COMMAND_SVM_UNMAP, "SVMUnmap"},
	    {CL_COMMAND_SVM_MIGRATE_MEM, "SVMMigrateMem"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == t)
			return names[i].name;
	return "Command";
}

/* Copies s into a JSON string body (s: a kernel name; escaped anyway). */
static void json_escape(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, cap - o, "\\%c", c);
		else if (c < 0x20)
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = 0;
}

void hx_trace_label(const char *name)
{
	json_escape(label, sizeof(label), name);
}

void hx_trace_command_start(cl_event ev)
{
	(void)ev;
	pthread_mutex_lock(&trace_lock);
	sample_locked(hx_now_ns());
	pthread_mutex_unlock(&trace_lock);
}

void hx_trace_command(cl_event ev, cl_ulong t0, cl_ulong t1, cl_int status)
{
	unsigned d = ev->queue ? ev->queue->dev->index : 0;
	const char *cmd = command_name(ev->type);

	pthread_mutex_lock(&trace_lock);
	name_device_lanes_locked(d);
	put_locked("{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"cat\":\"%s\","
		   "\"name\":\"%s\",\"ts\":%.3f,\"dur\":%.3f,"
		   "\"args\":{\"device\":%u,\"command\":\"%s\",\"status\":%d,"
		   "\"queue\":\"%p\"}}",
		   pid, TID_DEVICE(d),
		   ev->type == CL_COMMAND_NDRANGE_KERNEL ? "kernel" : "command",
		   label[0] ? label : cmd, us(t0), us(t1 - t0), d, cmd,
		   (int)status, (void *)ev->queue);
	sample_locked(t1);
	pthread_mutex_unlock(&trace_lock);
	label[0] = 0;
}

/* what: "migrate" (clEnqueueSVMMigrateMem), "first touch", "evict". */
static void migration(const char *what, unsigned qdev, int to_dev,
		      uintptr_t start, size_t size, uint64_t bytes,
		      int undefined, cl_ulong t0)
{
	cl_ulong t1 = hx_now_ns();
	char to[32];

	if (to_dev < 0)
		snprintf(to, sizeof(to), "host");
	else
		snprintf(to, sizeof(to), "device %d", to_dev);
	pthread_mutex_lock(&trace_lock);
	name_device_lanes_locked(qdev);
	put_locked("{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"cat\":\"migration\","
		   "\"name\":\"%s to %s\",\"ts\":%.3f,\"dur\":%.3f,"
		   "\"args\":{\"device\":%u,\"to\":\"%s\",\"bytes\":%llu,"
		   "\"range_bytes\":%zu,\"start\":\"%#lx\",\"undefined\":%d,"
		   "\"why\":\"%s\"}}",
		   pid, TID_DEVICE(qdev), what, to, us(t0), us(t1 - t0), qdev,
		   to, (unsigned long long)bytes, size, (unsigned long)start,
		   undefined, what);
	pthread_mutex_unlock(&trace_lock);
}

void hx_trace_migrate(unsigned qdev, int to_dev, uintptr_t start, size_t size,
		      uint64_t bytes, int undefined, cl_ulong t0)
{
	migration("migrate", qdev, to_dev, start, size, bytes, undefined, t0);
}

#ifdef HMMCL_HAVE_HX_SVM
/* The placement policy's own migrations (first touch, eviction). */
static void policy_migration(const char *what, unsigned dev, int to_dev,
			     uintptr_t start, size_t size, uint64_t bytes,
			     uint64_t t0)
{
	migration(what, dev, to_dev == HX_SVM_TO_SYSTEM ? -1 : to_dev, start,
		  size, bytes, 0, t0);
}
#endif

void hx_trace_wait(const char *what, cl_uint nevents, cl_ulong t0)
{
	cl_ulong t1 = hx_now_ns();
	int tid = (int)syscall(SYS_gettid);
	char name[64];

	pthread_mutex_lock(&trace_lock);
	if (!host_lane_named) {
		host_lane_named = 1;
		snprintf(name, sizeof(name), "host thread %d: waits", tid);
		name_lane_locked(tid, name, 2000);
	}
	put_locked("{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"cat\":\"wait\","
		   "\"name\":\"%s\",\"ts\":%.3f,\"dur\":%.3f,"
		   "\"args\":{\"events\":%u}}",
		   pid, tid, what, us(t0), us(t1 - t0), nevents);
	sample_locked(t1);
	pthread_mutex_unlock(&trace_lock);
}

/* Ends the array: the last element has no separator after it. */
static void trace_close(void)
{
	pthread_mutex_lock(&trace_lock);
	if (trace_fp) {
		/* Faults after the last command (the host reading results)
		 * only show in a sample taken now. */
		if (sampling)
			sample_locked(hx_now_ns());
		fprintf(trace_fp,
			"{\"ph\":\"M\",\"pid\":%d,\"name\":\"trace_end\","
			"\"args\":{\"ts\":%.3f}}\n]\n",
			pid, us(hx_now_ns()));
		fclose(trace_fp);
		trace_fp = NULL;
	}
	pthread_mutex_unlock(&trace_lock);
}

__attribute__((constructor)) static void trace_load(void)
{
	const char *path = getenv("HMMCL_TRACE");

	if (!path || !*path)
		return;
	trace_fp = fopen(path, "w");
	if (!trace_fp) {
		fprintf(stderr, "hmmcl: HMMCL_TRACE=%s: cannot open\n", path);
		return;
	}
	pid = (int)getpid();
	last_sample = hx_now_ns();
	fputs("[\n", trace_fp);
	pthread_mutex_lock(&trace_lock);
	put_locked("{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\","
		   "\"args\":{\"name\":\"hmmcl (pid %d)\"}}",
		   pid, pid);
	pthread_mutex_unlock(&trace_lock);
	atexit(trace_close);
#ifdef HMMCL_HAVE_HX_SVM
	hx_svm_set_migrate_hook(policy_migration);
#endif
	hx_trace_enabled = 1;
}
