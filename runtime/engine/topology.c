/* Machine facts from hwloc for the device queries. */
#include "engine_internal.h"

#include <hwloc.h>
#include <string.h>

static struct hx_topology topo_cache;
static int topo_status = -1;
static pthread_once_t topo_once = PTHREAD_ONCE_INIT;

static void cache_info(hwloc_topology_t t, hwloc_obj_type_t type,
		       uint64_t *size, unsigned *line)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(t, type, 0);

	if (!o || !o->attr)
		return;
	*size = o->attr->cache.size;
	if (line && o->attr->cache.linesize)
		*line = o->attr->cache.linesize;
}

static void copy_info(hwloc_obj_t o, const char *name, char *dst, size_t n)
{
	const char *v = o ? hwloc_obj_get_info_by_name(o, name) : NULL;

	if (v)
		snprintf(dst, n, "%s", v);
}

static void fill(hwloc_topology_t t, struct hx_topology *out)
{
	hwloc_cpuset_t allowed = hwloc_bitmap_alloc();
	hwloc_obj_t pkg, o = NULL;
	int n;

	if (hwloc_get_cpubind(t, allowed, HWLOC_CPUBIND_PROCESS) ||
	    hwloc_bitmap_iszero(allowed))
		hwloc_bitmap_copy(allowed,
				  hwloc_topology_get_allowed_cpuset(t));
	n = hwloc_bitmap_weight(allowed);
	out->pus = n > 0 ? (unsigned)n : 1;
	n = hwloc_get_nbobjs_inside_cpuset_by_type(t, allowed, HWLOC_OBJ_CORE);
	out->compute_units = n > 0 ? (unsigned)n : out->pus;
	n = hwloc_get_nbobjs_inside_cpuset_by_type(t, allowed,
						   HWLOC_OBJ_PACKAGE);
	out->packages = n > 0 ? (unsigned)n : 1;
	n = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
	out->numa_nodes = n > 0 ? (unsigned)n : 1;
	out->cache_line = 64;
	cache_info(t, HWLOC_OBJ_L1CACHE, &out->l1d_size, &out->cache_line);
	cache_info(t, HWLOC_OBJ_L2CACHE, &out->l2_size, NULL);
	cache_info(t, HWLOC_OBJ_L3CACHE, &out->l3_size, NULL);
	while ((o = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_NUMANODE, o)))
		out->memory += o->attr ? o->attr->numanode.local_memory : 0;
	pkg = hwloc_get_obj_by_type(t, HWLOC_OBJ_PACKAGE, 0);
	copy_info(pkg, "CPUVendor", out->cpu_vendor, sizeof(out->cpu_vendor));
	copy_info(pkg, "CPUModel", out->cpu_model, sizeof(out->cpu_model));
	hwloc_bitmap_free(allowed);
}

static void load(void)
{
	hwloc_topology_t t;

	if (hwloc_topology_init(&t))
		return;
	if (!hwloc_topology_load(t)) {
		fill(t, &topo_cache);
		topo_status = 0;
	}
	hwloc_topology_destroy(t);
}

int hx_topology_get(struct hx_topology *out)
{
	pthread_once(&topo_once, load);
	if (topo_status)
		return -1;
	*out = topo_cache;
	return 0;
}
