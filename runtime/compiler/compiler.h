/* The kernel compiler: OpenCL C source -> kernel metadata and native code.
 *
 * An hx_cprog is one compiled program in one of three states, as in
 * OpenCL: a compiled object (clCompileProgram), a library (clLinkProgram
 * -create-library) or an executable (clBuildProgram / clLinkProgram).
 * Native code is produced per kernel and per variant on demand
 * (hx_compiler_get_code) and lives as long as the hx_cprog.
 *
 * Every function returns an OpenCL error code (CL_SUCCESS, or e.g.
 * CL_BUILD_PROGRAM_FAILURE, CL_INVALID_BUILD_OPTIONS, CL_INVALID_BINARY,
 * CL_OUT_OF_HOST_MEMORY), so the API layer can pass it through.
 *
 * Thread safety: every function may be called from several threads at
 * once; an hx_cprog is immutable after creation except for its lazily
 * built code, which is protected inside.
 *
 * Mapping for the API layer:
 *   clBuildProgram (source)       hx_compiler_build
 *   clBuildProgram (binary)       executable: nothing to do; object or
 *                                 library: hx_compiler_link of it alone
 *   clCompileProgram              hx_compiler_compile (input_headers)
 *   clLinkProgram                 hx_compiler_link
 *   clCreateProgramWithBinary     hx_compiler_load_binary
 *   CL_PROGRAM_BINARIES/_TYPE     hx_compiler_binary, hx_compiler_binary_type
 *   kernels, args, attributes     hx_compiler_kernel (hx_kernel_meta)
 *   CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE  hx_compiler_globals_size
 *   clEnqueueNDRangeKernel        hx_compiler_get_code -> engine
 *
 * Environment: HMMCL_CLANG (clang-16 path), HMMCL_CACHE=off,
 * HMMCL_CACHE_DIR (else $XDG_CACHE_HOME/hmmcl, else ~/.cache/hmmcl).
 */
#ifndef HMMCL_COMPILER_H
#define HMMCL_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#include "kernel_abi.h"

typedef struct hx_cprog hx_cprog;

/* One clCompileProgram input header: #include "name" finds source. */
typedef struct hx_cl_header {
	const char *name;
	const char *source;
} hx_cl_header;

/* What the host sees of one kernel argument (clGetKernelArgInfo and
 * clSetKernelArg validation). Qualifier values are the CL_KERNEL_ARG_*
 * constants of CL/cl.h. */
typedef struct hx_arg_meta {
	uint32_t address_qualifier; /* CL_KERNEL_ARG_ADDRESS_* */
	uint32_t access_qualifier;  /* CL_KERNEL_ARG_ACCESS_* */
	uint64_t type_qualifier;    /* CL_KERNEL_ARG_TYPE_* bits */
	const char *type_name;	    /* as written, e.g. "float*", "float4" */
	const char *name;    /* NULL unless built with -cl-kernel-arg-info */
	uint32_t is_pointer; /* global/constant/local pointer */
	uint32_t reserved;
	/* Bytes clSetKernelArg must receive: 8 for global/constant pointers,
	 * sizeof(value) for by-value args; 0 for __local (any size). */
	uint64_t size;
} hx_arg_meta;

typedef struct hx_kernel_meta {
	const char *name;
	uint32_t num_args;
	uint32_t
	    flags; /* HX_CODE_PER_ITEM (uses barriers), HX_CODE_USES_PRINTF */
	const hx_arg_meta *args;
	uint64_t reqd_work_group_size[3]; /* all 0 when absent */
	uint64_t work_group_size_hint[3]; /* all 0 when absent */
	const char *vec_type_hint;	  /* e.g. "float4", NULL when absent */
	const char *attributes;		  /* CL_KERNEL_ATTRIBUTES string */
	uint64_t local_static; /* bytes of static __local variables */
	uint64_t private_size; /* stack bytes per work-item (estimate) */
} hx_kernel_meta;

/* clBuildProgram from source: compile + link with the builtin library.
 * *log is always set (malloc'd, maybe empty; clang's diagnostics verbatim)
 * when log is not NULL. */
int hx_compiler_build(const char *source, const char *options, hx_cprog **out,
		      char **log);

/* clCompileProgram: source (+ input headers) -> compiled object. */
int hx_compiler_compile(const char *source, const char *options,
			const hx_cl_header *headers, size_t num_headers,
			hx_cprog **out, char **log);

/* clLinkProgram: objects/libraries -> executable, or a library with
 * -create-library. Unknown option: CL_INVALID_LINKER_OPTIONS. */
int hx_compiler_link(hx_cprog *const *inputs, size_t num_inputs,
		     const char *options, hx_cprog **out, char **log);

/* Validates build or compile options without building. */
int hx_compiler_check_options(const char *options);

/* clCreateProgramWithBinary: garbage or a foreign version gives
 * CL_INVALID_BINARY. */
int hx_compiler_load_binary(const void *data, size_t size, hx_cprog **out);

/* CL_PROGRAM_BINARIES: *data is malloc'd, the caller frees it. */
int hx_compiler_binary(const hx_cprog *p, void **data, size_t *size);

/* CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT / _LIBRARY / _EXECUTABLE. */
uint32_t hx_compiler_binary_type(const hx_cprog *p);

void hx_compiler_retain(hx_cprog *p);
void hx_compiler_release(hx_cprog *p);

size_t hx_compiler_num_kernels(const hx_cprog *p);
const hx_kernel_meta *hx_compiler_kernel(const hx_cprog *p, size_t index);
/* Index of the kernel called name, or -1. */
long hx_compiler_find_kernel(const hx_cprog *p, const char *name);

/* CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE. */
uint64_t hx_compiler_globals_size(const hx_cprog *p);

/* Native code of one kernel of an executable. variant is 0 (direct) or
 * HX_CODE_MIRRORED; both share the program's global variables. The first
 * call per kernel and variant generates (or loads from the cache) that
 * kernel's code; *out stays valid until the last release. */
int hx_compiler_get_code(hx_cprog *p, size_t kernel, uint32_t variant,
			 hx_kernel_code *out);

/* Statistics for tests and benchmarks. */
typedef struct hx_compiler_stats {
	uint64_t clang_runs; /* clang processes spawned */
	uint64_t cache_hits; /* programs or code objects read from disk */
	uint64_t codegens;   /* O3 + native code generations */
} hx_compiler_stats;
void hx_compiler_get_stats(hx_compiler_stats *s);

#endif
