/* Internals of runtime/compiler shared between its files. */
#ifndef HMMCL_COMPILER_INTERNAL_H
#define HMMCL_COMPILER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "compiler.h"

/* Builtin library dialects (runtime/builtins/builtins.h). */
#define HX_DIALECT_12 12
#define HX_DIALECT_30 30

/* Variants of native code (hx_cprog.code[]). */
#define HX_VARIANT_DIRECT 0
#define HX_VARIANT_MIRRORED 1
#define HX_NUM_VARIANTS 2

/* ---- SHA-256 (sha256.c) ---- */
typedef struct hx_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
} hx_sha256;
void hx_sha256_init(hx_sha256 *s);
void hx_sha256_update(hx_sha256 *s, const void *data, size_t n);
/* Adds a length-prefixed field so that concatenations cannot collide. */
void hx_sha256_field(hx_sha256 *s, const void *data, size_t n);
void hx_sha256_str(hx_sha256 *s, const char *str);
void hx_sha256_final(hx_sha256 *s, uint8_t out[32]);

/* ---- growable byte buffer ---- */
typedef struct hx_buf {
	char *data;
	size_t len, cap;
} hx_buf;
int hx_buf_append(hx_buf *b, const void *data, size_t n);
int hx_buf_printf(hx_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the NUL-terminated string and gives up ownership. */
char *hx_buf_take(hx_buf *b);

/* ---- options (options.c) ---- */
enum hx_opt_mode { HX_OPT_BUILD, HX_OPT_COMPILE, HX_OPT_LINK };
typedef struct hx_options {
	int dialect;	      /* 12 or 30 */
	bool std_given;	      /* -cl-std= present */
	bool std_unsupported; /* -cl-std=CL2.0: a build failure, not bad options
			       */
	char std_name[24];    /* "-cl-std=CLx.y" */
	bool opt_disable;     /* -cl-opt-disable */
	bool create_library;
	int nargs;   /* clang arguments derived from the options */
	char **args; /* malloc'd strings */
} hx_options;
int hx_options_parse(const char *options, enum hx_opt_mode mode, hx_options *o);
void hx_options_free(hx_options *o);

/* ---- clang subprocess (frontend.c) ---- */
/* Compiles source to bitcode; *bc malloc'd. Returns CL_SUCCESS or
 * CL_COMPILE_PROGRAM_FAILURE; the diagnostics go to log. */
int hx_frontend_compile(const char *source, const hx_cl_header *headers,
			size_t num_headers, const hx_options *o, void **bc,
			size_t *bc_size, hx_buf *log, hx_buf *deps);
/* deps from hx_frontend_compile ("size mtime path" lines): do the files
 * still have that size and mtime? */
bool hx_frontend_deps_valid(const char *deps, size_t len);
/* Path and identity of the clang binary, for the cache key. */
const char *hx_frontend_clang_path(void);
void hx_frontend_identity(hx_sha256 *s);

/* ---- on-disk cache (cache.c) ---- */
bool hx_cache_enabled(void);
/* Reads the entry for key; *data malloc'd. Returns false on a miss. */
bool hx_cache_get(const uint8_t key[32], const char *kind, void **data,
		  size_t *size);
void hx_cache_put(const uint8_t key[32], const char *kind, const void *data,
		  size_t size);
/* Versions, ABI, host CPU: every key starts with this. */
void hx_cache_key_base(hx_sha256 *s);

/* ---- statistics ---- */
extern _Atomic uint64_t hx_stat_clang_runs, hx_stat_cache_hits,
    hx_stat_codegens;

/* ---- LLVM helpers (llvm_util.c) ---- */
void hx_llvm_init(void);
/* A context whose diagnostics go to log (may be NULL), never to exit(). */
LLVMContextRef hx_llvm_context(hx_buf *log);
/* Parses bitcode in ctx; NULL on failure (message appended to log). */
LLVMModuleRef hx_llvm_parse(LLVMContextRef ctx, const void *bc, size_t size,
			    hx_buf *log);
/* Serializes m; *bc malloc'd. */
int hx_llvm_write(LLVMModuleRef m, void **bc, size_t *size);
const char *hx_llvm_host_cpu(void);
const char *hx_llvm_host_features(void);
/* Links the builtin library of the dialect into m (consumed into m). */
int hx_llvm_link_builtins(LLVMModuleRef m, int dialect, hx_buf *log);
void hx_builtins_identity(hx_sha256 *s, int dialect);
LLVMTargetDataRef hx_llvm_target_data(LLVMModuleRef m);
/* Functions reachable from f through direct calls (including f). */
typedef struct hx_fnset {
	LLVMValueRef *fn;
	size_t n, cap;
} hx_fnset;
int hx_reachable(LLVMValueRef f, hx_fnset *set);
bool hx_fnset_has(const hx_fnset *set, LLVMValueRef f);
/* Does fn contain a direct call to callee? */
bool hx_calls(LLVMValueRef fn, LLVMValueRef callee);
bool hx_fnset_calls(const hx_fnset *set, const char *callee);

/* Static __local variables used by a kernel and their offsets in
 * g->local_mem, computed the same way at analysis and code generation. */
typedef struct hx_local_var {
	LLVMValueRef gv;
	uint64_t offset;
} hx_local_var;
int hx_local_layout(LLVMModuleRef m, const hx_fnset *reach, hx_local_var **vars,
		    size_t *nvars, uint64_t *total);

/* ---- programs (program.c, meta.c) ---- */
typedef struct hx_kcode_slot {
	hx_kernel_code code;
} hx_kcode_slot;

struct hx_jit;

struct hx_cprog {
	_Atomic uint32_t refs;
	uint32_t binary_type; /* CL_PROGRAM_BINARY_TYPE_* */
	int dialect;
	bool opt_disable;
	void *bc; /* the program's bitcode (object, library or executable) */
	size_t bc_size;
	uint8_t bc_hash[32];
	size_t num_kernels;
	hx_kernel_meta *kernels;
	uint64_t globals_size;
	char *strings; /* pool of every string the metadata points to */

	pthread_mutex_t lock;
	struct hx_jit *jit;		       /* protected by lock */
	hx_kernel_code *code[HX_NUM_VARIANTS]; /* protected by lock */
};

/* Wraps bitcode (taken over) into a program and extracts its metadata. */
int hx_cprog_create(uint32_t binary_type, int dialect, bool opt_disable,
		    void *bc, size_t bc_size, hx_cprog **out, hx_buf *log);
/* Fills kernels[] from the module's kernel functions. */
int hx_meta_extract(hx_cprog *p, LLVMModuleRef m);
void hx_meta_free(hx_cprog *p);
/* A kernel definition (has clang's kernel_arg_* metadata). */
bool hx_is_kernel(LLVMValueRef fn);

/* Turns linked user code + builtins into the executable's module:
 * globals renamed, everything but kernels internal, dead code removed. */
int hx_prepare_executable(LLVMModuleRef m, hx_buf *log);

/* ---- code generation (codegen.c, mirror.c) ---- */
/* Produces the object file for a variant of one kernel (index into
 * hx_cprog.kernels) of an executable's bitcode: a program's kernels are
 * generated when first launched, each on its own. */
int hx_codegen(const hx_cprog *p, int variant, size_t kernel, void **obj,
	       size_t *obj_size, hx_buf *log);
/* The object defining the program's global variables (shared by variants). */
int hx_codegen_globals(const hx_cprog *p, void **obj, size_t *obj_size,
		       hx_buf *log);
/* Entry symbol of a kernel in the object files. */
void hx_entry_name(const char *kernel, int variant, char *out, size_t size);
void hx_mode_name(const char *kernel, int variant, char *out, size_t size);
/* Mirrored variant: routes global/constant/generic accesses of the entry
 * functions through g->rt->translate. Runs after O3. */
int hx_mirror_module(LLVMModuleRef m);
/* Turns entry fn (kernel inlined, g its hx_group parameter) into
 * work-item loops split at its barriers (fission.c). Returns 1 done (lid:
 * the loops' ids for __hx_local_id), 0 when the kernel must keep one
 * fiber per item (fn still valid), -1 on error. */
int hx_fission(LLVMModuleRef m, LLVMValueRef fn, LLVMValueRef g,
	       LLVMValueRef lid[3]);
/* Splits <2 x T> arithmetic into scalars inside the jammed work-item loops,
 * for the SLP pass to pack across items; runs after O3 (narrow.c). */
int hx_split_narrow_vectors(LLVMModuleRef m);
/* Makes integer division and remainder unable to trap (divguard.c). */
void hx_guard_division(LLVMModuleRef m);
/* Runtime helpers the mirrored code calls (absolute symbols in the JIT). */
void hx_mirror_read(hx_group *g, uint64_t addr, uint64_t size, void *dst);
void hx_mirror_write(hx_group *g, uint64_t addr, uint64_t size,
		     const void *src);
void hx_mirror_memcpy(hx_group *g, uint64_t dst, uint64_t src, uint64_t n,
		      uint32_t how);
void hx_mirror_memset(hx_group *g, uint64_t dst, uint32_t val, uint64_t n);

/* ---- native code (jit.c) ---- */
int hx_jit_create(struct hx_jit **out, hx_buf *log);
/* Adds an object file (copied). */
int hx_jit_add_object(struct hx_jit *j, const void *obj, size_t size,
		      hx_buf *log);
void *hx_jit_lookup(struct hx_jit *j, const char *name, hx_buf *log);
void hx_jit_destroy(struct hx_jit *j);

#endif
