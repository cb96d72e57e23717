#include "platform.h"

#include "debug.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct _cl_platform_id platform;
static pthread_once_t platform_once = PTHREAD_ONCE_INIT;

cl_ulong hx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (cl_ulong)ts.tv_sec * 1000000000ull + (cl_ulong)ts.tv_nsec;
}

static unsigned long long parse_size(const char *s, unsigned long long dflt)
{
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return dflt;
	v = strtoull(s, &end, 0);
	switch (*end) {
	case 'G': case 'g': v <<= 30; break;
	case 'M': case 'm': v <<= 20; break;
	case 'K': case 'k': v <<= 10; break;
	default: break;
	}
	return v ? v : dflt;
}

/* The largest data cache and its line size (CL_DEVICE_GLOBAL_MEM_CACHE_*). */
static uint64_t largest_cache(const struct hx_topology *t)
{
	uint64_t c = t->l3_size;

	if (t->l2_size > c)
		c = t->l2_size;
	if (t->l1d_size > c)
		c = t->l1d_size;
	return c;
}

static cl_device_type device_type(void)
{
	const char *s = getenv("HMMCL_DEVICE_TYPE");

	if (s && strcmp(s, "gpu") == 0)
		return CL_DEVICE_TYPE_GPU;
	if (s && strcmp(s, "cpu") == 0)
		return CL_DEVICE_TYPE_CPU;
	return CL_DEVICE_TYPE_ACCELERATOR;
}

static void init_device(struct _cl_device_id *dev, cl_uint index,
			const struct hx_topology *t)
{
	hx_object_init(&dev->obj, HX_TYPE_DEVICE, NULL);
	dev->platform = &platform;
	dev->index = index;
	dev->type = device_type();
	snprintf(dev->name, sizeof(dev->name), "hmmcl HMM device %u (%s)",
		 index, t->cpu_model[0] ? t->cpu_model : "host CPU");
	/* The engine runs one worker per core of the process's binding. */
	dev->compute_units = t->compute_units ? t->compute_units : 1;
	dev->clock_mhz = 0;
	dev->global_mem_size =
		parse_size(getenv("HMMCL_DEVICE_MEMORY"), 4ull << 30);
	dev->max_alloc_size = dev->global_mem_size / 4;
	if (dev->max_alloc_size < (128ull << 20))
		dev->max_alloc_size = 128ull << 20;
	if (dev->max_alloc_size > dev->global_mem_size)
		dev->max_alloc_size = dev->global_mem_size;
	dev->cache_size = largest_cache(t);
	dev->cacheline_size = t->cache_line ? t->cache_line : 64;
	dev->local_mem_size = HX_DEVICE_LOCAL_MEM_SIZE;
	dev->numa_nodes = t->numa_nodes ? t->numa_nodes : 1;
	dev->compiler_available = CL_TRUE;
	/* The device shares the process's address space: kernels reach any
	 * host pointer (direct variant in place, mirrored variant through
	 * /dev/hmm or in place for what no device mirrors), and atomics on
	 * it are the CPU's own, also on device-resident pages, which move
	 * whole (UFFDIO_MOVE or write-protect + copy) so that an RMW lands
	 * on exactly one copy (docs/svm.md). */
	dev->svm_caps = CL_DEVICE_SVM_COARSE_GRAIN_BUFFER |
			CL_DEVICE_SVM_FINE_GRAIN_BUFFER |
			CL_DEVICE_SVM_FINE_GRAIN_SYSTEM | CL_DEVICE_SVM_ATOMICS;
}

static cl_uint clock_mhz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	double mhz = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return (cl_uint)mhz;
}

static void init_platform(void)
{
	struct hx_topology t = {0};
	const char *env = getenv("HMMCL_DEVICES");
	long n = env ? strtol(env, NULL, 10) : 1;
	cl_uint i, mhz;

	hx_debug_init();
	if (n < 1)
		n = 1;
	if (n > HX_MAX_DEVICES)
		n = HX_MAX_DEVICES;
	/* The engine's hwloc reading: devices report the cores it uses. */
	hx_topology_get(&t);
	mhz = clock_mhz();
	hx_object_init(&platform.obj, HX_TYPE_PLATFORM, NULL);
	platform.ndevices = (cl_uint)n;
	for (i = 0; i < platform.ndevices; i++) {
		init_device(&platform.devices[i], i, &t);
		platform.devices[i].clock_mhz = mhz;
	}
	HX_DEBUG(HX_DBG_API, "api", "platform: %u device(s), %u cores each",
		 platform.ndevices, t.compute_units);
}

cl_platform_id hx_platform_get(void)
{
	pthread_once(&platform_once, init_platform);
	return &platform;
}

int hx_device_valid(cl_device_id dev)
{
	return hx_object_valid(dev, HX_TYPE_DEVICE);
}
