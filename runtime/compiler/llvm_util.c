/* LLVM-C helpers: initialisation, bitcode, host CPU, builtins, call graph. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "builtins.h"
#include "compiler_internal.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static char *host_cpu, *host_features;

/* With AVX-512, vectorise 256 bits wide (explicit 512-bit vector types
 * still use zmm): the LLVM default for the AVX-512 CPUs it knows, and on
 * a CPU it does not know ("generic") its default is 512, which measured
 * slower here (vadd 62-69 -> 70-80 GB/s, saxpy and reduction likewise). */
static char *prefer_256(char *features)
{
	static const char add[] = ",+prefer-256-bit";
	char *f;

	if (!strstr(features, "+avx512f") || strstr(features, "prefer-256-bit"))
		return features;
	f = malloc(strlen(features) + sizeof(add));
	if (!f)
		return features;
	strcpy(f, features);
	strcat(f, add);
	LLVMDisposeMessage(features);
	return f;
}

static void init(void)
{
	LLVMInitializeX86TargetInfo();
	LLVMInitializeX86Target();
	LLVMInitializeX86TargetMC();
	LLVMInitializeX86AsmPrinter();
	LLVMInitializeX86AsmParser();
	/* The builtin library calls libm. Loaded RTLD_LOCAL (as an ICD
	 * loader may load libhmmcl.so), our libm would not be in the global
	 * scope that dlsym(RTLD_DEFAULT) and the JIT's process symbol
	 * generator search: make sure it is. */
	if (!dlopen("libm.so.6", RTLD_NOW | RTLD_GLOBAL))
		fprintf(stderr, "hmmcl: cannot load libm.so.6: %s\n",
			dlerror());
	/* Unroll-and-jam of the work-item loop (codegen.c) is off by
	 * default in the O3 pipeline. */
	const char *argv[] = {"hmmcl", "-enable-unroll-and-jam"};
	LLVMParseCommandLineOptions(2, argv, NULL);
	host_cpu = LLVMGetHostCPUName();
	host_features = prefer_256(LLVMGetHostCPUFeatures());
}

void hx_llvm_init(void)
{
	pthread_once(&init_once, init);
}

const char *hx_llvm_host_cpu(void)
{
	hx_llvm_init();
	return host_cpu;
}

const char *hx_llvm_host_features(void)
{
	hx_llvm_init();
	return host_features;
}

/* Without a handler, LLVM exits the process on an error diagnostic (e.g.
 * corrupt bitcode): collect them in the log instead. */
static void diag_handler(LLVMDiagnosticInfoRef di, void *ctx)
{
	char *msg = LLVMGetDiagInfoDescription(di);
	const char *sev = "note";

	switch (LLVMGetDiagInfoSeverity(di)) {
	case LLVMDSError:
		sev = "error";
		break;
	case LLVMDSWarning:
		sev = "warning";
		break;
	default:
		break;
	}
	if (ctx && LLVMGetDiagInfoSeverity(di) != LLVMDSRemark)
		hx_buf_printf(ctx, "%s: %s\n", sev, msg);
	LLVMDisposeMessage(msg);
}

LLVMContextRef hx_llvm_context(hx_buf *log)
{
	LLVMContextRef ctx = LLVMContextCreate();

	LLVMContextSetDiagnosticHandler(ctx, diag_handler, log);
	return ctx;
}

LLVMModuleRef hx_llvm_parse(LLVMContextRef ctx, const void *bc, size_t size,
			    hx_buf *log)
{
	LLVMMemoryBufferRef mb =
	    LLVMCreateMemoryBufferWithMemoryRange(bc, size, "bitcode", 0);
	LLVMModuleRef m = NULL;

	if (!mb)
		return NULL;
	if (LLVMParseBitcodeInContext2(ctx, mb, &m)) {
		if (log)
			hx_buf_printf(log, "error: invalid LLVM bitcode\n");
		m = NULL;
	}
	LLVMDisposeMemoryBuffer(mb);
	return m;
}

int hx_llvm_write(LLVMModuleRef m, void **bc, size_t *size)
{
	LLVMMemoryBufferRef mb = LLVMWriteBitcodeToMemoryBuffer(m);

	if (!mb)
		return CL_OUT_OF_HOST_MEMORY;
	*size = LLVMGetBufferSize(mb);
	*bc = malloc(*size ? *size : 1);
	if (*bc)
		memcpy(*bc, LLVMGetBufferStart(mb), *size);
	LLVMDisposeMemoryBuffer(mb);
	return *bc ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY;
}

/* Reads the library lazily and makes its definitions linkonce_odr: the
 * IR linker then pulls in (and materialises) only what the program
 * references, instead of parsing and linking all of it (~600 ms). */
static LLVMModuleRef lazy_library(LLVMContextRef ctx, int dialect, hx_buf *log)
{
	size_t size = 0;
	const unsigned char *bc = hx_builtins_bitcode(dialect, &size);
	LLVMMemoryBufferRef mb;
	LLVMModuleRef lib = NULL;

	if (!bc || !size) {
		hx_buf_printf(log, "error: no builtin library for dialect %d\n",
			      dialect);
		return NULL;
	}
	mb = LLVMCreateMemoryBufferWithMemoryRange((const char *)bc, size,
						   "builtins", 0);
	if (LLVMGetBitcodeModuleInContext2(ctx, mb, &lib)) {
		LLVMDisposeMemoryBuffer(mb);
		hx_buf_printf(log, "error: invalid builtin library bitcode\n");
		return NULL;
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(lib); f;
	     f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f) &&
		    LLVMGetLinkage(f) == LLVMExternalLinkage)
			LLVMSetLinkage(f, LLVMLinkOnceODRLinkage);
	for (LLVMValueRef g = LLVMGetFirstGlobal(lib); g;
	     g = LLVMGetNextGlobal(g))
		if (!LLVMIsDeclaration(g) &&
		    LLVMGetLinkage(g) == LLVMExternalLinkage)
			LLVMSetLinkage(g, LLVMLinkOnceODRLinkage);
	return lib;
}

int hx_llvm_link_builtins(LLVMModuleRef m, int dialect, hx_buf *log)
{
	LLVMModuleRef lib = lazy_library(LLVMGetModuleContext(m), dialect, log);

	if (!lib)
		return CL_BUILD_PROGRAM_FAILURE;
	/* Same triple and layout by construction; avoid linker warnings. */
	LLVMSetTarget(lib, LLVMGetTarget(m));
	LLVMSetDataLayout(lib, LLVMGetDataLayoutStr(m));
	if (LLVMLinkModules2(m, lib)) {
		hx_buf_printf(log,
			      "error: linking the builtin library failed\n");
		return CL_BUILD_PROGRAM_FAILURE;
	}
	return CL_SUCCESS;
}

void hx_builtins_identity(hx_sha256 *s, int dialect)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static uint8_t hash[2][32]; /* protected by lock */
	static bool done[2];	    /* protected by lock */
	int i = dialect == HX_DIALECT_30;

	pthread_mutex_lock(&lock);
	if (!done[i]) {
		size_t size = 0;
		const unsigned char *bc = hx_builtins_bitcode(dialect, &size);
		hx_sha256 h;
		hx_sha256_init(&h);
		hx_sha256_field(&h, bc, bc ? size : 0);
		hx_sha256_final(&h, hash[i]);
		done[i] = true;
	}
	hx_sha256_field(s, hash[i], 32);
	pthread_mutex_unlock(&lock);
}

LLVMTargetDataRef hx_llvm_target_data(LLVMModuleRef m)
{
	return LLVMCreateTargetData(LLVMGetDataLayoutStr(m));
}

static int fnset_add(hx_fnset *set, LLVMValueRef f)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 32;
		LLVMValueRef *fn = realloc(set->fn, cap * sizeof(*fn));
		if (!fn)
			return -1;
		set->fn = fn;
		set->cap = cap;
	}
	set->fn[set->n++] = f;
	return 0;
}

bool hx_fnset_has(const hx_fnset *set, LLVMValueRef f)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->fn[i] == f)
			return true;
	return false;
}

bool hx_fnset_calls(const hx_fnset *set, const char *callee)
{
	for (size_t i = 0; i < set->n; i++) {
		size_t len;
		const char *name = LLVMGetValueName2(set->fn[i], &len);
		if (!strcmp(name, callee))
			return true;
	}
	return false;
}

bool hx_calls(LLVMValueRef fn, LLVMValueRef callee)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in))
			if (LLVMIsACallInst(in) &&
			    LLVMGetCalledValue(in) == callee)
				return true;
	return false;
}

/* Worklist over direct calls; declarations are members but not expanded. */
int hx_reachable(LLVMValueRef f, hx_fnset *set)
{
	if (fnset_add(set, f))
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		LLVMValueRef fn = set->fn[i];
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
			     in = LLVMGetNextInstruction(in)) {
				if (!LLVMIsACallInst(in))
					continue;
				LLVMValueRef c = LLVMGetCalledValue(in);
				if (LLVMIsAFunction(c) &&
				    !hx_fnset_has(set, c) && fnset_add(set, c))
					return -1;
			}
	}
	return 0;
}

/* Is v used (possibly through constant expressions) in a function of set? */
static bool used_in(LLVMValueRef v, const hx_fnset *set, int depth)
{
	for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsAInstruction(user)) {
			LLVMValueRef fn = LLVMGetBasicBlockParent(
			    LLVMGetInstructionParent(user));
			if (hx_fnset_has(set, fn))
				return true;
		} else if (LLVMIsAConstant(user) && depth < 16 &&
			   used_in(user, set, depth + 1)) {
			return true;
		}
	}
	return false;
}

int hx_local_layout(LLVMModuleRef m, const hx_fnset *reach, hx_local_var **vars,
		    size_t *nvars, uint64_t *total)
{
	LLVMTargetDataRef td = hx_llvm_target_data(m);
	uint64_t off = 0;
	size_t n = 0, cap = 0;
	hx_local_var *v = NULL;

	for (LLVMValueRef gv = LLVMGetFirstGlobal(m); gv;
	     gv = LLVMGetNextGlobal(gv)) {
		if (LLVMGetPointerAddressSpace(LLVMTypeOf(gv)) != 3 ||
		    !used_in(gv, reach, 0))
			continue;
		LLVMTypeRef t = LLVMGlobalGetValueType(gv);
		uint64_t align = LLVMGetAlignment(gv);
		if (align < LLVMABIAlignmentOfType(td, t))
			align = LLVMABIAlignmentOfType(td, t);
		off = (off + align - 1) / align * align;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			hx_local_var *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				LLVMDisposeTargetData(td);
				return -1;
			}
			v = nv;
		}
		v[n].gv = gv;
		v[n++].offset = off;
		off += LLVMABISizeOfType(td, t);
	}
	LLVMDisposeTargetData(td);
	*vars = v;
	*nvars = n;
	*total = off;
	return 0;
}
