/* libhmmcl.so as the ICD loader sees it: exactly the cl_khr_icd entry
 * points are exported, everything else is reached through the dispatch
 * table. The library path comes from the .icd file the harness names in
 * OCL_ICD_VENDORS. */
#include "cl_util.h"
#include "harness.h"

#include <CL/cl_icd.h>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const exported[] = {
    "clIcdGetPlatformIDsKHR",
    "clGetPlatformInfo",
    "clGetExtensionFunctionAddress",
    "clGetExtensionFunctionAddressForPlatform",
};
#define NEXPORTED (sizeof(exported) / sizeof(exported[0]))

/* The library named by the .icd file in OCL_ICD_VENDORS. */
static void library_path(char *buf, size_t size)
{
	const char *icd = getenv("OCL_ICD_VENDORS");
	FILE *f;
	size_t len;

	CHECK(icd != NULL);
	CHECK(strstr(icd, ".icd") != NULL);
	f = fopen(icd, "r");
	CHECK(f != NULL);
	CHECK(fgets(buf, (int)size, f) != NULL);
	fclose(f);
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	CHECK(len > 0);
}

static void *open_library(void)
{
	char path[4096];
	void *h;

	library_path(path, sizeof(path));
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		hx_test_fail(__FILE__, __LINE__, "dlopen: %s", dlerror());
	return h;
}

TEST(exports_icd_entry_points)
{
	void *h = open_library();
	size_t i;

	for (i = 0; i < NEXPORTED; i++)
		if (!dlsym(h, exported[i]))
			hx_test_fail(__FILE__, __LINE__, "%s not exported",
				     exported[i]);
	dlclose(h);
}

/* Core entry points and internals are not visible: an application that
 * links libOpenCL must never bind to them directly. */
TEST(hides_everything_else)
{
	static const char *const hidden[] = {
	    "clGetPlatformIDs", "clGetDeviceIDs",   "clGetDeviceInfo",
	    "clCreateContext",	"clReleaseContext", "clEnqueueMarker",
	    "clFinish",		"clWaitForEvents",  "clCreateUserEvent",
	    "hx_dispatch",	"hx_platform_get",  "hx_object_valid",
	    "hx_enqueue",	"hx_debug_mask",
	};
	void *h = open_library();
	size_t i;

	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (dlsym(h, hidden[i]))
			hx_test_fail(__FILE__, __LINE__, "%s is exported",
				     hidden[i]);
	dlclose(h);
}

static int is_exported_name(const char *name)
{
	size_t i;

	for (i = 0; i < NEXPORTED; i++)
		if (strcmp(name, exported[i]) == 0)
			return 1;
	return 0;
}

/* Walks .dynsym: every defined global symbol is one of the four, and
 * all four are there. */
TEST(dynamic_symbol_table_is_exact)
{
	char path[4096];
	struct stat st;
	const unsigned char *m;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const Elf64_Sym *sym;
	const char *strtab;
	size_t i, j, n, found = 0;
	int fd;

	library_path(path, sizeof(path));
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	eh = (const Elf64_Ehdr *)m;
	CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
	CHECK_EQ(eh->e_ident[EI_CLASS], ELFCLASS64);
	sh = (const Elf64_Shdr *)(m + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		sym = (const Elf64_Sym *)(m + sh[i].sh_offset);
		strtab = (const char *)(m + sh[sh[i].sh_link].sh_offset);
		n = sh[i].sh_size / sizeof(Elf64_Sym);
		for (j = 1; j < n; j++) {
			unsigned bind = ELF64_ST_BIND(sym[j].st_info);
			const char *name = strtab + sym[j].st_name;

			if (sym[j].st_shndx == SHN_UNDEF ||
			    (bind != STB_GLOBAL && bind != STB_WEAK) ||
			    ELF64_ST_TYPE(sym[j].st_info) == STT_NOTYPE)
				continue;
			if (!is_exported_name(name))
				hx_test_fail(__FILE__, __LINE__,
					     "unexpected export %s", name);
			found++;
		}
	}
	munmap((void *)m, (size_t)st.st_size);
	close(fd);
	CHECK_EQ(found, NEXPORTED);
}

/* The exported functions are the ones the loader calls: the loader's
 * platform is the one clIcdGetPlatformIDsKHR returns, and extension
 * lookups through the loader land on the same function. */
TEST(exports_match_loader_view)
{
	void *h = open_library();
	clIcdGetPlatformIDsKHR_fn icd_ids =
	    (clIcdGetPlatformIDsKHR_fn)dlsym(h, "clIcdGetPlatformIDsKHR");
	cl_int(CL_API_CALL * info)(cl_platform_id, cl_platform_info, size_t,
				   void *, size_t *) =
	    (cl_int(CL_API_CALL *)(cl_platform_id, cl_platform_info, size_t,
				   void *, size_t *))dlsym(h,
							   "clGetPlatformInfo");
	void *(CL_API_CALL * ext)(const char *) =
	    (void *(CL_API_CALL *)(const char *))dlsym(
		h, "clGetExtensionFunctionAddress");
	cl_platform_id p = hx_test_platform(), mine = NULL;
	char buf[256];
	cl_uint n = 0;

	CHECK(icd_ids && info && ext);
	CHECK_CL(icd_ids(1, &mine, &n));
	CHECK_EQ(n, 1);
	CHECK(mine == p);
	CHECK_CL(
	    info(mine, CL_PLATFORM_ICD_SUFFIX_KHR, sizeof(buf), buf, NULL));
	CHECK(strcmp(buf, "HMM") == 0);
	CHECK_CL(info(mine, CL_PLATFORM_EXTENSIONS, sizeof(buf), buf, NULL));
	CHECK(strstr(buf, "cl_khr_icd") != NULL);
	CHECK(ext("clIcdGetPlatformIDsKHR") == (void *)icd_ids);
	CHECK(clGetExtensionFunctionAddressForPlatform(
		  p, "clIcdGetPlatformIDsKHR") == (void *)icd_ids);
	CHECK(ext("clNoSuchFunction") == NULL);
	CHECK(ext(NULL) == NULL);
	dlclose(h);
}

/* Every object starts with the dispatch table the loader calls through;
 * its slots for our entry points are filled. */
TEST(dispatch_table_filled)
{
	cl_device_id dev;
	cl_context ctx = hx_test_context(&dev);
	cl_command_queue q = hx_test_queue(ctx, dev, 0);
	cl_event ev = NULL;
	const struct _cl_icd_dispatch *d =
	    *(const struct _cl_icd_dispatch *const *)ctx;

	CHECK(d == *(const struct _cl_icd_dispatch *const *)dev);
	CHECK(d == *(const struct _cl_icd_dispatch *const *)q);
	CHECK(d == *(const struct _cl_icd_dispatch *const *)hx_test_platform());
	CHECK(d->clGetPlatformIDs && d->clGetPlatformInfo &&
	      d->clGetDeviceIDs && d->clGetDeviceInfo && d->clCreateContext &&
	      d->clCreateContextFromType && d->clRetainContext &&
	      d->clReleaseContext && d->clGetContextInfo &&
	      d->clCreateCommandQueue && d->clRetainCommandQueue &&
	      d->clReleaseCommandQueue && d->clGetCommandQueueInfo &&
	      d->clFlush && d->clFinish && d->clWaitForEvents &&
	      d->clGetEventInfo && d->clRetainEvent && d->clReleaseEvent &&
	      d->clGetEventProfilingInfo && d->clSetEventCallback &&
	      d->clCreateUserEvent && d->clSetUserEventStatus &&
	      d->clEnqueueMarker && d->clEnqueueBarrier &&
	      d->clEnqueueWaitForEvents && d->clEnqueueMarkerWithWaitList &&
	      d->clEnqueueBarrierWithWaitList &&
	      d->clCreateCommandQueueWithProperties &&
	      d->clSetContextDestructorCallback && d->clGetHostTimer &&
	      d->clGetDeviceAndHostTimer && d->clCreateSubDevices &&
	      d->clRetainDevice && d->clReleaseDevice &&
	      d->clGetExtensionFunctionAddressForPlatform);
	CHECK_CL(d->clEnqueueMarkerWithWaitList(q, 0, NULL, &ev));
	CHECK(*(const struct _cl_icd_dispatch *const *)ev == d);
	CHECK_CL(d->clWaitForEvents(1, &ev));
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseCommandQueue(q));
	CHECK_CL(clReleaseContext(ctx));
}
