/* Native code: objects emitted by codegen.c (fresh or from the cache)
 * loaded into one ORC LLJIT per program, so program-scope variables are
 * defined once and shared by both variants. See docs/compiler.md for the
 * LLJIT vs object + dlopen measurement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>

#include "compiler_internal.h"

struct hx_jit {
	LLVMOrcLLJITRef jit;
	LLVMOrcJITDylibRef jd;
};

static int take_error(LLVMErrorRef err, hx_buf *log, const char *what)
{
	char *msg;

	if (!err)
		return 0;
	msg = LLVMGetErrorMessage(err);
	if (log)
		hx_buf_printf(log, "error: %s: %s\n", what, msg);
	LLVMDisposeErrorMessage(msg);
	return -1;
}

/* The mirrored variant's slow paths are C functions of this library:
 * absolute symbols, so hidden visibility does not matter. */
static int define_helpers(struct hx_jit *j, hx_buf *log)
{
	static const struct {
		const char *name;
		void *fn;
	} h[] = {
	    {"hx_mirror_read", (void *)hx_mirror_read},
	    {"hx_mirror_write", (void *)hx_mirror_write},
	    {"hx_mirror_memcpy", (void *)hx_mirror_memcpy},
	    {"hx_mirror_memset", (void *)hx_mirror_memset},
	};
	LLVMOrcCSymbolMapPair pairs[4];

	for (int i = 0; i < 4; i++) {
		pairs[i].Name = LLVMOrcLLJITMangleAndIntern(j->jit, h[i].name);
		pairs[i].Sym.Address =
		    (LLVMOrcJITTargetAddress)(uintptr_t)h[i].fn;
		pairs[i].Sym.Flags.GenericFlags =
		    LLVMJITSymbolGenericFlagsExported |
		    LLVMJITSymbolGenericFlagsCallable;
		pairs[i].Sym.Flags.TargetFlags = 0;
	}
	return take_error(
	    LLVMOrcJITDylibDefine(j->jd, LLVMOrcAbsoluteSymbols(pairs, 4)), log,
	    "JIT helpers");
}

int hx_jit_create(struct hx_jit **out, hx_buf *log)
{
	struct hx_jit *j = calloc(1, sizeof(*j));
	LLVMOrcDefinitionGeneratorRef gen;

	if (!j)
		return CL_OUT_OF_HOST_MEMORY;
	hx_llvm_init();
	if (take_error(LLVMOrcCreateLLJIT(&j->jit, LLVMOrcCreateLLJITBuilder()),
		       log, "LLJIT")) {
		free(j);
		return CL_OUT_OF_RESOURCES;
	}
	j->jd = LLVMOrcLLJITGetMainJITDylib(j->jit);
	/* libm and friends for the builtin library's external calls. */
	if (take_error(
		LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
		    &gen, LLVMOrcLLJITGetGlobalPrefix(j->jit), NULL, NULL),
		log, "JIT process symbols") ||
	    (LLVMOrcJITDylibAddGenerator(j->jd, gen), define_helpers(j, log))) {
		hx_jit_destroy(j);
		return CL_OUT_OF_RESOURCES;
	}
	*out = j;
	return CL_SUCCESS;
}

int hx_jit_add_object(struct hx_jit *j, const void *obj, size_t size,
		      hx_buf *log)
{
	LLVMMemoryBufferRef mb = LLVMCreateMemoryBufferWithMemoryRangeCopy(
	    obj, size, "hmmcl-kernel.o");

	if (!mb)
		return CL_OUT_OF_HOST_MEMORY;
	return take_error(LLVMOrcLLJITAddObjectFile(j->jit, j->jd, mb), log,
			  "JIT object")
		   ? CL_OUT_OF_RESOURCES
		   : CL_SUCCESS;
}

void *hx_jit_lookup(struct hx_jit *j, const char *name, hx_buf *log)
{
	LLVMOrcExecutorAddress addr = 0;

	if (take_error(LLVMOrcLLJITLookup(j->jit, &addr, name), log, name))
		return NULL;
	return (void *)(uintptr_t)addr;
}

void hx_jit_destroy(struct hx_jit *j)
{
	if (j->jit)
		LLVMConsumeError(LLVMOrcDisposeLLJIT(j->jit));
	free(j);
}

/* ---- per-program code (called with p->lock held) ---- */

static void code_key(const hx_cprog *p, const char *what, uint8_t key[32])
{
	hx_sha256 s;

	hx_sha256_init(&s);
	hx_cache_key_base(&s);
	hx_sha256_str(&s, what);
	hx_sha256_field(&s, p->bc_hash, 32);
	hx_sha256_field(&s, &p->opt_disable, sizeof(p->opt_disable));
	hx_sha256_str(&s, getenv("HMMCL_JAM")); /* codegen overrides */
	hx_sha256_str(&s, getenv("HMMCL_FISSION"));
	hx_sha256_final(&s, key);
}

/* The object for what ("globals", "direct:NAME", "mirrored:NAME"): from
 * the cache, else generated and stored. */
static int get_object(hx_cprog *p, int variant, size_t kernel,
		      const char *what, void **obj, size_t *size, hx_buf *log)
{
	uint8_t key[32];
	int ret;

	code_key(p, what, key);
	if (hx_cache_get(key, "o", obj, size))
		return CL_SUCCESS;
	ret = variant < 0 ? hx_codegen_globals(p, obj, size, log)
			  : hx_codegen(p, variant, kernel, obj, size, log);
	if (ret == CL_SUCCESS)
		hx_cache_put(key, "o", *obj, *size);
	return ret;
}

static int add(hx_cprog *p, int variant, size_t kernel, const char *what,
	       hx_buf *log)
{
	void *obj = NULL;
	size_t size = 0;
	int ret = get_object(p, variant, kernel, what, &obj, &size, log);

	if (ret == CL_SUCCESS)
		ret = hx_jit_add_object(p->jit, obj, size, log);
	free(obj);
	return ret;
}

/* The program's JIT with its global variables, and the table of one
 * variant's kernels (entries still NULL). */
static int prepare_variant_locked(hx_cprog *p, int v, hx_buf *log)
{
	int ret = CL_SUCCESS;

	if (!p->jit) {
		ret = hx_jit_create(&p->jit, log);
		if (ret == CL_SUCCESS && p->globals_size)
			ret = add(p, -1, 0, "globals", log);
		if (ret != CL_SUCCESS) {
			if (p->jit)
				hx_jit_destroy(p->jit);
			p->jit = NULL;
			return ret;
		}
	}
	if (!p->code[v])
		p->code[v] = calloc(p->num_kernels + 1, sizeof(*p->code[v]));
	return p->code[v] ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY;
}

/* Generates (or loads from the cache) one kernel's code: an application
 * that launches one kernel of a large program pays for that one only. */
static int load_kernel_locked(hx_cprog *p, int v, size_t i, hx_buf *log)
{
	const hx_kernel_meta *k = &p->kernels[i];
	hx_kernel_code *code;
	char name[512];
	int ret = prepare_variant_locked(p, v, log);

	if (ret != CL_SUCCESS)
		return ret;
	snprintf(name, sizeof(name), "%s:%s", v ? "mirrored" : "direct",
		 k->name);
	ret = add(p, v, i, name, log);
	if (ret != CL_SUCCESS)
		return ret;
	code = &p->code[v][i];
	hx_entry_name(k->name, v, name, sizeof(name));
	hx_entry_fn entry = (hx_entry_fn)hx_jit_lookup(p->jit, name, log);
	hx_mode_name(k->name, v, name, sizeof(name));
	const uint32_t *loops = hx_jit_lookup(p->jit, name, log);
	if (!entry || !loops)
		return CL_OUT_OF_RESOURCES;
	code->flags = k->flags | (v ? HX_CODE_MIRRORED : 0);
	if (*loops) /* barriers compiled as work-item loops */
		code->flags &= ~(uint32_t)HX_CODE_PER_ITEM;
	code->local_static = k->local_static;
	code->private_size = k->private_size;
	code->entry = entry;
	return CL_SUCCESS;
}

int hx_compiler_get_code(hx_cprog *p, size_t kernel, uint32_t variant,
			 hx_kernel_code *out)
{
	int v = (variant & HX_CODE_MIRRORED) ? HX_VARIANT_MIRRORED
					     : HX_VARIANT_DIRECT;
	hx_buf log = {0};
	int ret = CL_SUCCESS;

	if (p->binary_type != CL_PROGRAM_BINARY_TYPE_EXECUTABLE)
		return CL_INVALID_PROGRAM_EXECUTABLE;
	if (kernel >= p->num_kernels)
		return CL_INVALID_KERNEL;
	pthread_mutex_lock(&p->lock);
	if (!p->code[v] || !p->code[v][kernel].entry)
		ret = load_kernel_locked(p, v, kernel, &log);
	if (ret == CL_SUCCESS)
		*out = p->code[v][kernel];
	pthread_mutex_unlock(&p->lock);
	/* Code generation of a built program failing is a compiler bug:
	 * make it visible. */
	if (ret != CL_SUCCESS && log.data)
		fprintf(stderr, "hmmcl: kernel code generation failed:\n%s",
			log.data);
	free(log.data);
	return ret;
}
