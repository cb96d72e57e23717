/* clBuildProgram / clCompileProgram / clLinkProgram pipelines. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "compiler_internal.h"

static bool is_lowered(const char *name)
{
	return !strncmp(name, "llvm.", 5) || !strncmp(name, "__hx_", 5) ||
	       !strcmp(name, "printf");
}

/* A call to a function neither the library nor the process defines would
 * fail at JIT time: report it at build time instead. */
static int check_undefined(LLVMModuleRef m, hx_buf *log)
{
	int ret = CL_SUCCESS;

	for (LLVMValueRef f = LLVMGetFirstFunction(m); f;
	     f = LLVMGetNextFunction(f)) {
		size_t len;
		const char *name = LLVMGetValueName2(f, &len);
		if (!LLVMIsDeclaration(f) || !LLVMGetFirstUse(f) ||
		    is_lowered(name))
			continue;
		if (!dlsym(RTLD_DEFAULT, name)) {
			hx_buf_printf(log, "error: undefined function '%s'\n",
				      name);
			ret = CL_BUILD_PROGRAM_FAILURE;
		}
	}
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g;
	     g = LLVMGetNextGlobal(g)) {
		size_t len;
		if (LLVMIsDeclaration(g) && LLVMGetFirstUse(g)) {
			hx_buf_printf(log, "error: undefined variable '%s'\n",
				      LLVMGetValueName2(g, &len));
			ret = CL_BUILD_PROGRAM_FAILURE;
		}
	}
	return ret;
}

/* Every function is inlined into the kernel entries: recursion (which
 * OpenCL C forbids, clang does not diagnose) cannot be compiled. */
static int check_recursion(LLVMModuleRef m, hx_buf *log)
{
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f;
	     f = LLVMGetNextFunction(f)) {
		hx_fnset reach = {0};
		bool rec = false;
		if (LLVMIsDeclaration(f) || hx_reachable(f, &reach))
			goto next;
		/* f is reach.fn[0]; does any reachable function call it? */
		for (size_t i = 0; i < reach.n && !rec; i++)
			rec = hx_calls(reach.fn[i], f);
	next:
		free(reach.fn);
		if (rec) {
			size_t len;
			hx_buf_printf(
			    log,
			    "error: recursive function '%s': recursion "
			    "is not supported in OpenCL C\n",
			    LLVMGetValueName2(f, &len));
			return CL_BUILD_PROGRAM_FAILURE;
		}
	}
	return CL_SUCCESS;
}

/* Program-scope (and static) global variables keep external names so the
 * code of both variants binds to one definition; everything else that is
 * not a kernel becomes internal so that dead builtins disappear. */
static void set_linkages(LLVMModuleRef m)
{
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f;
	     f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f) && !hx_is_kernel(f))
			LLVMSetLinkage(f, LLVMInternalLinkage);
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g;
	     g = LLVMGetNextGlobal(g)) {
		if (LLVMIsDeclaration(g))
			continue;
		bool shared = LLVMGetPointerAddressSpace(LLVMTypeOf(g)) == 1 &&
			      !LLVMIsGlobalConstant(g);
		LLVMLinkage l = LLVMGetLinkage(g);
		if (!shared) {
			LLVMSetLinkage(g, LLVMInternalLinkage);
		} else if (l == LLVMInternalLinkage ||
			   l == LLVMPrivateLinkage) {
			size_t len;
			char name[512];
			snprintf(name, sizeof(name), "__hx_g.%s",
				 LLVMGetValueName2(g, &len));
			LLVMSetValueName2(g, name, strlen(name));
			LLVMSetLinkage(g, LLVMExternalLinkage);
		}
	}
}

int hx_prepare_executable(LLVMModuleRef m, hx_buf *log)
{
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMErrorRef err;

	set_linkages(m);
	err = LLVMRunPasses(m, "globaldce", NULL, po);
	LLVMDisposePassBuilderOptions(po);
	if (err) {
		char *msg = LLVMGetErrorMessage(err);
		hx_buf_printf(log, "error: %s\n", msg);
		LLVMDisposeErrorMessage(msg);
		return CL_BUILD_PROGRAM_FAILURE;
	}
	int ret = check_recursion(m, log);
	return ret == CL_SUCCESS ? check_undefined(m, log) : ret;
}

/* Links bitcode modules (and, for an executable, the builtin library). */
static int link_bitcode(void *const *bcs, const size_t *sizes, size_t n,
			int dialect, bool opt_disable, bool library,
			hx_cprog **out, hx_buf *log)
{
	LLVMContextRef ctx = hx_llvm_context(log);
	LLVMModuleRef m = NULL;
	void *bc = NULL;
	size_t bc_size = 0;
	int ret = CL_LINK_PROGRAM_FAILURE;

	for (size_t i = 0; i < n; i++) {
		LLVMModuleRef mi = hx_llvm_parse(ctx, bcs[i], sizes[i], log);
		if (!mi)
			goto out;
		if (!m)
			m = mi;
		else if (LLVMLinkModules2(m, mi))
			goto out;
	}
	if (!library) {
		ret = hx_llvm_link_builtins(m, dialect, log);
		if (ret == CL_SUCCESS)
			ret = hx_prepare_executable(m, log);
		if (ret != CL_SUCCESS) {
			ret = CL_LINK_PROGRAM_FAILURE;
			goto out;
		}
	}
	ret = hx_llvm_write(m, &bc, &bc_size);
	if (ret == CL_SUCCESS)
		ret = hx_cprog_create(
		    library ? CL_PROGRAM_BINARY_TYPE_LIBRARY
			    : CL_PROGRAM_BINARY_TYPE_EXECUTABLE,
		    dialect, opt_disable, bc, bc_size, out, log);
out:
	if (m)
		LLVMDisposeModule(m);
	LLVMContextDispose(ctx);
	return ret;
}

/* The raw options and the clang arguments made from them (relative -I
 * paths are absolute there: another directory is another key). */
static void source_key(uint8_t key[32], const char *what, const char *source,
		       const char *options, const hx_options *o,
		       const hx_cl_header *headers, size_t nh, int dialect)
{
	hx_sha256 s;

	hx_sha256_init(&s);
	hx_cache_key_base(&s);
	hx_frontend_identity(&s);
	hx_sha256_str(&s, what);
	hx_sha256_str(&s, source);
	hx_sha256_str(&s, options);
	for (int i = 0; i < o->nargs; i++)
		hx_sha256_str(&s, o->args[i]);
	for (size_t i = 0; i < nh; i++) {
		hx_sha256_str(&s, headers[i].name);
		hx_sha256_str(&s, headers[i].source);
	}
	if (dialect)
		hx_builtins_identity(&s, dialect);
	hx_sha256_final(&s, key);
}

/* A cache entry: u64 length + build log (a cached build reports the same
 * warnings), u64 length + dependencies (files included from -I
 * directories: a changed one makes the entry stale), program binary. */
static bool cache_load(const uint8_t key[32], const char *kind, uint32_t type,
		       hx_cprog **out, hx_buf *log)
{
	char *data;
	size_t size;
	uint64_t loglen, deplen;
	bool ok;

	if (!hx_cache_get(key, kind, (void **)&data, &size))
		return false;
	ok = size >= 16 && (memcpy(&loglen, data, 8), loglen <= size - 16) &&
	     (memcpy(&deplen, data + 8 + loglen, 8),
	      deplen <= size - 16 - loglen) &&
	     hx_frontend_deps_valid(data + 16 + loglen, deplen) &&
	     hx_compiler_load_binary(data + 16 + loglen + deplen,
				     size - 16 - loglen - deplen,
				     out) == CL_SUCCESS;
	if (ok && (*out)->binary_type != type) {
		hx_compiler_release(*out);
		ok = false;
	}
	if (ok)
		hx_buf_append(log, data + 8, loglen);
	free(data);
	return ok;
}

static void cache_store(const uint8_t key[32], const char *kind,
			const hx_cprog *p, const hx_buf *log,
			const hx_buf *deps)
{
	hx_buf entry = {0};
	uint64_t loglen = log->len, deplen = deps->len;
	void *data;
	size_t size;

	if (!hx_cache_enabled() ||
	    hx_compiler_binary(p, &data, &size) != CL_SUCCESS)
		return;
	if (!hx_buf_append(&entry, &loglen, 8) &&
	    !hx_buf_append(&entry, log->data ? log->data : "", log->len) &&
	    !hx_buf_append(&entry, &deplen, 8) &&
	    !hx_buf_append(&entry, deps->data ? deps->data : "", deps->len) &&
	    !hx_buf_append(&entry, data, size))
		hx_cache_put(key, kind, entry.data, entry.len);
	free(entry.data);
	free(data);
}

static int finish(int ret, hx_buf *log, char **log_out)
{
	if (log_out)
		*log_out = hx_buf_take(log);
	else
		free(log->data);
	return ret;
}

int hx_compiler_compile(const char *source, const char *options,
			const hx_cl_header *headers, size_t num_headers,
			hx_cprog **out, char **log_out)
{
	hx_buf log = {0}, deps = {0};
	hx_options o;
	uint8_t key[32];
	void *bc;
	size_t bc_size;
	int ret;

	hx_llvm_init();
	ret = hx_options_parse(options, HX_OPT_COMPILE, &o);
	if (ret != CL_SUCCESS) {
		hx_buf_printf(&log, "error: invalid compile options: %s\n",
			      options);
		return finish(ret, &log, log_out);
	}
	source_key(key, "compile", source, options, &o, headers, num_headers,
		   0);
	if (!cache_load(key, "obj", CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT, out,
			&log)) {
		ret = hx_frontend_compile(source, headers, num_headers, &o, &bc,
					  &bc_size, &log, &deps);
		if (ret == CL_SUCCESS)
			ret = hx_cprog_create(
			    CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT, o.dialect,
			    o.opt_disable, bc, bc_size, out, &log);
		if (ret == CL_SUCCESS)
			cache_store(key, "obj", *out, &log, &deps);
	}
	hx_options_free(&o);
	free(deps.data);
	return finish(ret, &log, log_out);
}

int hx_compiler_build(const char *source, const char *options, hx_cprog **out,
		      char **log_out)
{
	hx_buf log = {0}, deps = {0};
	hx_options o;
	uint8_t key[32];
	void *bc = NULL;
	size_t bc_size;
	int ret;

	hx_llvm_init();
	ret = hx_options_parse(options, HX_OPT_BUILD, &o);
	if (ret != CL_SUCCESS) {
		hx_buf_printf(&log, "error: invalid build options: %s\n",
			      options);
		return finish(ret, &log, log_out);
	}
	source_key(key, "build", source, options, &o, NULL, 0, o.dialect);
	if (!cache_load(key, "exe", CL_PROGRAM_BINARY_TYPE_EXECUTABLE, out,
			&log)) {
		ret = hx_frontend_compile(source, NULL, 0, &o, &bc, &bc_size,
					  &log, &deps);
		if (ret == CL_SUCCESS)
			ret = link_bitcode(&bc, &bc_size, 1, o.dialect,
					   o.opt_disable, false, out, &log);
		free(bc);
		if (ret == CL_SUCCESS)
			cache_store(key, "exe", *out, &log, &deps);
		else if (ret == CL_COMPILE_PROGRAM_FAILURE ||
			 ret == CL_LINK_PROGRAM_FAILURE)
			ret = CL_BUILD_PROGRAM_FAILURE;
	}
	hx_options_free(&o);
	free(deps.data);
	return finish(ret, &log, log_out);
}

int hx_compiler_link(hx_cprog *const *inputs, size_t n, const char *options,
		     hx_cprog **out, char **log_out)
{
	hx_buf log = {0};
	hx_options o;
	void **bcs = calloc(n + 1, sizeof(*bcs));
	size_t *sizes = calloc(n + 1, sizeof(*sizes));
	bool opt_disable = false;
	int ret, dialect = 0;

	hx_llvm_init();
	ret = bcs && sizes ? hx_options_parse(options, HX_OPT_LINK, &o)
			   : CL_OUT_OF_HOST_MEMORY;
	if (ret != CL_SUCCESS) {
		hx_buf_printf(&log, "error: invalid link options: %s\n",
			      options);
		goto out_free;
	}
	for (size_t i = 0; i < n && ret == CL_SUCCESS; i++) {
		if (inputs[i]->binary_type == CL_PROGRAM_BINARY_TYPE_EXECUTABLE)
			ret = CL_INVALID_OPERATION;
		/* One builtin library per executable: 1.x and 3.0 mangle
		 * pointer builtins differently. */
		if (dialect && inputs[i]->dialect != dialect) {
			hx_buf_printf(&log, "error: cannot link OpenCL C 1.x "
					    "and 3.0 objects together\n");
			ret = CL_LINK_PROGRAM_FAILURE;
		}
		dialect = inputs[i]->dialect;
		opt_disable |= inputs[i]->opt_disable;
		bcs[i] = inputs[i]->bc;
		sizes[i] = inputs[i]->bc_size;
	}
	if (ret == CL_SUCCESS && n == 0)
		ret = CL_INVALID_VALUE;
	if (ret == CL_SUCCESS)
		ret = link_bitcode(bcs, sizes, n, dialect, opt_disable,
				   o.create_library, out, &log);
	hx_options_free(&o);
out_free:
	free(bcs);
	free(sizes);
	return finish(ret, &log, log_out);
}
