#include "platform.h"

#include "debug.h"

#include <hwloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

struct topology {
	unsigned cores;
	unsigned numa;
	unsigned long long cache_size;
	unsigned cacheline;
	char cpu_name[96];
};

/* Cores inside the process's CPU binding (else the allowed set), as the
 * engine counts them (engine/topology.c): its workers run on those. */
static unsigned bound_cores(hwloc_topology_t topo)
{
	hwloc_cpuset_t set = hwloc_bitmap_alloc();
	int n;

	if (!set)
		return 0;
	if (hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) ||
	    hwloc_bitmap_iszero(set))
		hwloc_bitmap_copy(set, hwloc_topology_get_allowed_cpuset(topo));
	n = hwloc_get_nbobjs_inside_cpuset_by_type(topo, set, HWLOC_OBJ_CORE);
	if (n <= 0)
		n = hwloc_bitmap_weight(set);
	hwloc_bitmap_free(set);
	return n > 0 ? (unsigned)n : 0;
}

/* Cores we may run on (the process's allowed set), last-level cache. */
static void read_topology(struct topology *t)
{
	hwloc_topology_t topo;
	hwloc_obj_t obj;
	const char *model;
	int depth;

	memset(t, 0, sizeof(*t));
	t->cores = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	t->numa = 1;
	t->cacheline = 64;
	snprintf(t->cpu_name, sizeof(t->cpu_name), "host CPU");
	if (hwloc_topology_init(&topo) || hwloc_topology_load(topo))
		return;
	t->cores = bound_cores(topo);
	t->numa = (unsigned)hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	for (depth = hwloc_topology_get_depth(topo) - 1; depth >= 0; depth--) {
		obj = hwloc_get_obj_by_depth(topo, depth, 0);
		if (obj && hwloc_obj_type_is_dcache(obj->type) &&
		    obj->attr->cache.size > t->cache_size) {
			t->cache_size = obj->attr->cache.size;
			if (obj->attr->cache.linesize)
				t->cacheline = obj->attr->cache.linesize;
		}
	}
	obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
	model = obj ? hwloc_obj_get_info_by_name(obj, "CPUModel") : NULL;
	if (model)
		snprintf(t->cpu_name, sizeof(t->cpu_name), "%s", model);
	hwloc_topology_destroy(topo);
	if (!t->numa)
		t->numa = 1;
	if (!t->cores)
		t->cores = 1;
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
			const struct topology *t)
{
	hx_object_init(&dev->obj, HX_TYPE_DEVICE, NULL);
	dev->platform = &platform;
	dev->index = index;
	dev->type = device_type();
	snprintf(dev->name, sizeof(dev->name), "hmmcl HMM device %u (%s)",
		 index, t->cpu_name);
	dev->compute_units = t->cores;
	dev->clock_mhz = 0;
	dev->global_mem_size =
		parse_size(getenv("HMMCL_DEVICE_MEMORY"), 4ull << 30);
	dev->max_alloc_size = dev->global_mem_size / 4;
	if (dev->max_alloc_size < (128ull << 20))
		dev->max_alloc_size = 128ull << 20;
	if (dev->max_alloc_size > dev->global_mem_size)
		dev->max_alloc_size = dev->global_mem_size;
	dev->cache_size = t->cache_size;
	dev->cacheline_size = t->cacheline;
	dev->local_mem_size = HX_DEVICE_LOCAL_MEM_SIZE;
	dev->numa_nodes = t->numa;
	dev->compiler_available = CL_TRUE;
	/* Fine-grain buffers hold on the host side: SVM memory is host
	 * memory the host uses in place, without map/unmap. Fine-grain
	 * system and atomics wait for kernels on /dev/hmm. */
	dev->svm_caps = CL_DEVICE_SVM_COARSE_GRAIN_BUFFER |
			CL_DEVICE_SVM_FINE_GRAIN_BUFFER;
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
	struct topology t;
	const char *env = getenv("HMMCL_DEVICES");
	long n = env ? strtol(env, NULL, 10) : 1;
	cl_uint i, mhz;

	hx_debug_init();
	if (n < 1)
		n = 1;
	if (n > HX_MAX_DEVICES)
		n = HX_MAX_DEVICES;
	read_topology(&t);
	mhz = clock_mhz();
	hx_object_init(&platform.obj, HX_TYPE_PLATFORM, NULL);
	platform.ndevices = (cl_uint)n;
	for (i = 0; i < platform.ndevices; i++) {
		init_device(&platform.devices[i], i, &t);
		platform.devices[i].clock_mhz = mhz;
	}
	HX_DEBUG(HX_DBG_API, "api", "platform: %u device(s), %u cores each",
		 platform.ndevices, t.cores);
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
