/* Programs: build, compile, link, binaries, and the cache around them. */
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "compiler_internal.h"

#define BIN_MAGIC "HMMCLBIN"
#define BIN_FORMAT 1

/* Binary header: everything that must match for the bitcode to be usable
 * by this library. Followed by bc_size bytes of LLVM bitcode. */
typedef struct bin_header {
	char magic[8];
	uint32_t format;
	uint32_t abi;	      /* HX_KERNEL_ABI_VERSION */
	uint32_t llvm[3];     /* major, minor, patch */
	uint32_t binary_type; /* CL_PROGRAM_BINARY_TYPE_* */
	uint32_t dialect;
	uint32_t flags; /* 1: -cl-opt-disable */
	uint64_t bc_size;
} bin_header;

int hx_cprog_create(uint32_t binary_type, int dialect, bool opt_disable,
		    void *bc, size_t bc_size, hx_cprog **out, hx_buf *log)
{
	hx_cprog *p = calloc(1, sizeof(*p));
	LLVMContextRef ctx;
	LLVMModuleRef m;
	hx_sha256 h;

	if (!p) {
		free(bc);
		return CL_OUT_OF_HOST_MEMORY;
	}
	atomic_init(&p->refs, 1);
	p->binary_type = binary_type;
	p->dialect = dialect;
	p->opt_disable = opt_disable;
	p->bc = bc;
	p->bc_size = bc_size;
	pthread_mutex_init(&p->lock, NULL);
	hx_sha256_init(&h);
	hx_sha256_field(&h, bc, bc_size);
	hx_sha256_final(&h, p->bc_hash);
	ctx = hx_llvm_context(log);
	m = hx_llvm_parse(ctx, bc, bc_size, log);
	int ret =
	    m ? (hx_meta_extract(p, m) ? CL_OUT_OF_HOST_MEMORY : CL_SUCCESS)
	      : CL_INVALID_BINARY;
	if (m)
		LLVMDisposeModule(m);
	LLVMContextDispose(ctx);
	if (ret != CL_SUCCESS) {
		hx_compiler_release(p);
		return ret;
	}
	*out = p;
	return CL_SUCCESS;
}

void hx_compiler_retain(hx_cprog *p)
{
	atomic_fetch_add(&p->refs, 1);
}

void hx_compiler_release(hx_cprog *p)
{
	if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	if (p->jit)
		hx_jit_destroy(p->jit);
	for (int v = 0; v < HX_NUM_VARIANTS; v++)
		free(p->code[v]);
	hx_meta_free(p);
	free(p->bc);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

uint32_t hx_compiler_binary_type(const hx_cprog *p)
{
	return p->binary_type;
}

size_t hx_compiler_num_kernels(const hx_cprog *p)
{
	return p->num_kernels;
}

const hx_kernel_meta *hx_compiler_kernel(const hx_cprog *p, size_t index)
{
	return index < p->num_kernels ? &p->kernels[index] : NULL;
}

long hx_compiler_find_kernel(const hx_cprog *p, const char *name)
{
	for (size_t i = 0; i < p->num_kernels; i++)
		if (!strcmp(p->kernels[i].name, name))
			return (long)i;
	return -1;
}

uint64_t hx_compiler_globals_size(const hx_cprog *p)
{
	return p->globals_size;
}

void hx_compiler_get_stats(hx_compiler_stats *s)
{
	s->clang_runs = atomic_load(&hx_stat_clang_runs);
	s->cache_hits = atomic_load(&hx_stat_cache_hits);
	s->codegens = atomic_load(&hx_stat_codegens);
}

static void fill_header(bin_header *h, const hx_cprog *p)
{
	unsigned v[3];

	memset(h, 0, sizeof(*h));
	memcpy(h->magic, BIN_MAGIC, 8);
	h->format = BIN_FORMAT;
	h->abi = HX_KERNEL_ABI_VERSION;
	LLVMGetVersion(&v[0], &v[1], &v[2]);
	for (int i = 0; i < 3; i++)
		h->llvm[i] = v[i];
	if (p) {
		h->binary_type = p->binary_type;
		h->dialect = (uint32_t)p->dialect;
		h->flags = p->opt_disable ? 1 : 0;
		h->bc_size = p->bc_size;
	}
}

int hx_compiler_binary(const hx_cprog *p, void **data, size_t *size)
{
	bin_header h;
	char *d = malloc(sizeof(h) + p->bc_size);

	if (!d)
		return CL_OUT_OF_HOST_MEMORY;
	fill_header(&h, p);
	memcpy(d, &h, sizeof(h));
	memcpy(d + sizeof(h), p->bc, p->bc_size);
	*data = d;
	*size = sizeof(h) + p->bc_size;
	return CL_SUCCESS;
}

int hx_compiler_load_binary(const void *data, size_t size, hx_cprog **out)
{
	bin_header h, want;
	void *bc;

	fill_header(&want, NULL);
	if (!data || size < sizeof(h))
		return CL_INVALID_BINARY;
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, want.magic, 8) || h.format != want.format ||
	    h.abi != want.abi || memcmp(h.llvm, want.llvm, sizeof(h.llvm)) ||
	    h.bc_size != size - sizeof(h) ||
	    (h.dialect != HX_DIALECT_12 && h.dialect != HX_DIALECT_30) ||
	    (h.binary_type != CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT &&
	     h.binary_type != CL_PROGRAM_BINARY_TYPE_LIBRARY &&
	     h.binary_type != CL_PROGRAM_BINARY_TYPE_EXECUTABLE))
		return CL_INVALID_BINARY;
	bc = malloc(h.bc_size ? h.bc_size : 1);
	if (!bc)
		return CL_OUT_OF_HOST_MEMORY;
	memcpy(bc, (const char *)data + sizeof(h), h.bc_size);
	return hx_cprog_create(h.binary_type, (int)h.dialect, h.flags & 1, bc,
			       h.bc_size, out, NULL);
}
