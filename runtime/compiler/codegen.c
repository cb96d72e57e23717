/* Code generation: entry functions, intrinsic lowering, __local layout,
 * O3 with the host CPU, native object. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "compiler_internal.h"

/* What one entry needs while its intrinsics are lowered. */
typedef struct entry_info {
	LLVMValueRef entry;
	LLVMValueRef kernel;
	bool per_item;
	bool fission;		/* barriers: work-item loops (fission.c) */
	LLVMValueRef g;		/* hx_group * */
	LLVMValueRef lid[3];	/* loop induction values (loop mode) */
	LLVMValueRef local_mem; /* g->local_mem, loaded in the entry block */
	hx_local_var *vars;
	size_t nvars;
} entry_info;

typedef struct cg {
	LLVMContextRef ctx;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTypeRef i8, i32, i64, ptr, entry_ty;
	entry_info *e;
	size_t ne;
	int variant;
	hx_buf *log;
} cg;

/* Both variants live in one JIT: the names differ ('.' cannot occur in
 * an OpenCL C identifier). */
void hx_entry_name(const char *kernel, int variant, char *out, size_t size)
{
	snprintf(out, size, "__hx_entry_%c.%s",
		 variant == HX_VARIANT_MIRRORED ? 'm' : 'd', kernel);
}

/* An i32 next to each entry: nonzero when a kernel with barriers was
 * compiled as work-item loops (no HX_CODE_PER_ITEM for the engine). */
void hx_mode_name(const char *kernel, int variant, char *out, size_t size)
{
	snprintf(out, size, "__hx_mode_%c.%s",
		 variant == HX_VARIANT_MIRRORED ? 'm' : 'd', kernel);
}

/* Pointer to the field at byte offset off of base. */
static LLVMValueRef field(cg *c, LLVMValueRef base, size_t off)
{
	LLVMValueRef idx = LLVMConstInt(c->i64, off, 0);

	return LLVMBuildGEP2(c->b, c->i8, base, &idx, 1, "");
}

static LLVMValueRef load_field(cg *c, LLVMTypeRef t, LLVMValueRef base,
			       size_t off)
{
	return LLVMBuildLoad2(c->b, t, field(c, base, off), "");
}

static bool has_byval(LLVMValueRef fn, unsigned i)
{
	unsigned kind = LLVMGetEnumAttributeKindForName("byval", 5);

	return LLVMGetEnumAttributeAtIndex(fn, i + 1, kind) != NULL;
}

/* The value of kernel argument i from the host's args[i] (kernel_abi.h). */
static LLVMValueRef arg_value(cg *c, entry_info *e, LLVMValueRef args,
			      unsigned i)
{
	LLVMTypeRef t = LLVMTypeOf(LLVMGetParam(e->kernel, i));
	LLVMValueRef slot = load_field(c, c->ptr, args, 8 * (size_t)i), v;

	if (has_byval(e->kernel, i))
		return slot;
	if (LLVMGetTypeKind(t) == LLVMPointerTypeKind &&
	    LLVMGetPointerAddressSpace(t) == 3) {
		LLVMValueRef off = LLVMBuildLoad2(c->b, c->i64, slot, "");
		LLVMSetAlignment(off, 1);
		LLVMValueRef p =
		    LLVMBuildGEP2(c->b, c->i8, e->local_mem, &off, 1, "");
		return LLVMBuildAddrSpaceCast(c->b, p, t, "");
	}
	v = LLVMBuildLoad2(c->b, t, slot, "");
	LLVMSetAlignment(v, 1);
	return v;
}

/* The kernel's floating-point attributes (from -cl-fast-relaxed-math,
 * -cl-denorms-are-zero...) hold for the entry it is inlined into. */
static void copy_fp_attrs(LLVMValueRef from, LLVMValueRef to)
{
	static const char *const names[] = {
	    "unsafe-fp-math",	   "no-infs-fp-math",
	    "no-nans-fp-math",	   "no-signed-zeros-fp-math",
	    "approx-func-fp-math", "less-precise-fpmad",
	    "denormal-fp-math",	   "denormal-fp-math-f32",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		LLVMAttributeRef a = LLVMGetStringAttributeAtIndex(
		    from, LLVMAttributeFunctionIndex, names[i],
		    (unsigned)strlen(names[i]));
		if (a)
			LLVMAddAttributeAtIndex(to, LLVMAttributeFunctionIndex,
						a);
	}
}

static LLVMValueRef call_kernel(cg *c, entry_info *e, LLVMValueRef *vals)
{
	LLVMTypeRef fty = LLVMGlobalGetValueType(e->kernel);
	LLVMValueRef call = LLVMBuildCall2(c->b, fty, e->kernel, vals,
					   LLVMCountParams(e->kernel), "");

	LLVMSetInstructionCallConv(call, LLVMGetFunctionCallConv(e->kernel));
	return call;
}

/* do { body } while (++iv < limit): returns the induction phi; the
 * builder ends positioned in the body block. */
static LLVMValueRef loop_open(cg *c, const char *name, LLVMBasicBlockRef *hdr)
{
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(c->b);
	LLVMValueRef fn = LLVMGetBasicBlockParent(pre);
	LLVMBasicBlockRef body =
	    LLVMAppendBasicBlockInContext(c->ctx, fn, name);
	LLVMValueRef zero = LLVMConstInt(c->i64, 0, 0), phi;

	LLVMBuildBr(c->b, body);
	LLVMPositionBuilderAtEnd(c->b, body);
	phi = LLVMBuildPhi(c->b, c->i64, name);
	LLVMAddIncoming(phi, &zero, &pre, 1);
	*hdr = body;
	return phi;
}

/* How many work-items the x loop interleaves when the kernel has an inner
 * loop (the loop vectoriser only handles innermost loops): unroll-and-jam
 * makes independent copies of the inner loop's body, which the SLP
 * vectoriser run after O3 packs across work-items. */
static unsigned jam_count(LLVMValueRef kernel)
{
	const char *e = getenv("HMMCL_JAM");
	unsigned lanes = 1;

	if (e && *e)
		return (unsigned)atoi(e);
	/* Measured (docs/compiler.md): 32 chains of scalars, 8 of float4,
	 * 4 of float8/float16 keep the FMA units busy without spilling 16
	 * ymm registers; with AVX-512's 32 registers, 8 chains of float8
	 * and float16 (clpeak on the AVX-512 host: float8 103 -> 172,
	 * float16 200 -> 327 GFLOPS). */
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(kernel); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMTypeRef t = LLVMTypeOf(in);
			if (LLVMGetTypeKind(t) == LLVMVectorTypeKind &&
			    LLVMGetVectorSize(t) > lanes)
				lanes = LLVMGetVectorSize(t);
		}
	if (lanes >= 8)
		return strstr(hx_llvm_host_features(), "+avx512f") ? 8 : 4;
	return 32 / lanes;
}

static void jam_hint(cg *c, LLVMValueRef br, LLVMValueRef kernel)
{
	static const char key[] = "llvm.loop.unroll_and_jam.count";
	unsigned n = jam_count(kernel);
	LLVMMetadataRef tmp, count, loop, ops[2];

	if (n < 2)
		return;
	ops[0] = LLVMMDStringInContext2(c->ctx, key, sizeof(key) - 1);
	ops[1] = LLVMValueAsMetadata(LLVMConstInt(c->i32, n, 0));
	count = LLVMMDNodeInContext2(c->ctx, ops, 2);
	/* A loop ID refers to itself: build it around a temporary. */
	tmp = LLVMTemporaryMDNode(c->ctx, NULL, 0);
	ops[0] = tmp;
	ops[1] = count;
	loop = LLVMMDNodeInContext2(c->ctx, ops, 2);
	LLVMMetadataReplaceAllUsesWith(tmp, loop);
	LLVMSetMetadata(br, LLVMGetMDKindIDInContext(c->ctx, "llvm.loop", 9),
			LLVMMetadataAsValue(c->ctx, loop));
}

static void loop_close(cg *c, entry_info *e, LLVMValueRef phi,
		       LLVMBasicBlockRef hdr, LLVMValueRef limit)
{
	LLVMValueRef fn = LLVMGetBasicBlockParent(hdr);
	LLVMValueRef next =
	    LLVMBuildNUWAdd(c->b, phi, LLVMConstInt(c->i64, 1, 0), "");
	LLVMBasicBlockRef latch = LLVMGetInsertBlock(c->b);
	LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(c->ctx, fn, "");

	LLVMValueRef br = LLVMBuildCondBr(
	    c->b, LLVMBuildICmp(c->b, LLVMIntULT, next, limit, ""), hdr, exit);
	LLVMAddIncoming(phi, &next, &latch, 1);
	if (phi == e->lid[0])
		jam_hint(c, br, e->kernel);
	LLVMPositionBuilderAtEnd(c->b, exit);
}

/* Builds the entry of one kernel: loads the arguments once, then either
 * calls the kernel once (per-item mode) or loops over the local ids. */
static int build_entry(cg *c, entry_info *e)
{
	char name[512];
	size_t len;
	unsigned n = LLVMCountParams(e->kernel);
	LLVMValueRef *vals = calloc(n + 1, sizeof(*vals)), args;
	LLVMBasicBlockRef hdr[3];

	if (!vals)
		return -1;
	hx_entry_name(LLVMGetValueName2(e->kernel, &len), c->variant, name,
		      sizeof(name));
	e->entry = LLVMAddFunction(c->m, name, c->entry_ty);
	copy_fp_attrs(e->kernel, e->entry);
	LLVMPositionBuilderAtEnd(
	    c->b, LLVMAppendBasicBlockInContext(c->ctx, e->entry, "entry"));
	args = LLVMGetParam(e->entry, 0);
	e->g = LLVMGetParam(e->entry, 1);
	e->local_mem =
	    load_field(c, c->ptr, e->g, offsetof(hx_group, local_mem));
	for (unsigned i = 0; i < n; i++)
		vals[i] = arg_value(c, e, args, i);
	if (e->per_item) {
		call_kernel(c, e, vals);
	} else {
		LLVMValueRef ls[3];
		for (int d = 0; d < 3; d++)
			ls[d] = load_field(c, c->i64, e->g,
					   offsetof(hx_group, local_size) +
					       8 * (size_t)d);
		for (int d = 2; d >= 0; d--)
			e->lid[d] = loop_open(c,
					      d == 0   ? "x"
					      : d == 1 ? "y"
						       : "z",
					      &hdr[d]);
		call_kernel(c, e, vals);
		for (int d = 0; d < 3; d++)
			loop_close(c, e, e->lid[d], hdr[d], ls[d]);
	}
	LLVMBuildRetVoid(c->b);
	free(vals);
	return 0;
}

static const char *callee_name(LLVMValueRef call)
{
	LLVMValueRef f = LLVMGetCalledValue(call);
	size_t len;

	return f && LLVMIsAFunction(f) ? LLVMGetValueName2(f, &len) : "";
}

/* __hx_local_id(dim): dim may still be a variable here; O3 folds the
 * select chain when it is constant. Out-of-range dims give 0. */
static LLVMValueRef lower_local_id(cg *c, entry_info *e, LLVMValueRef dim)
{
	LLVMValueRef id[3], r = LLVMConstInt(c->i64, 0, 0);

	for (int d = 0; d < 3; d++)
		id[d] = e->per_item ? load_field(c, c->i64, e->g,
						 offsetof(hx_group, local_id) +
						     8 * (size_t)d)
				    : e->lid[d];
	for (int d = 2; d >= 0; d--) {
		LLVMValueRef is = LLVMBuildICmp(
		    c->b, LLVMIntEQ, dim,
		    LLVMConstInt(LLVMTypeOf(dim), (unsigned)d, 0), "");
		r = LLVMBuildSelect(c->b, is, id[d], r, "");
	}
	return r;
}

/* g->rt->fn(g, ...): the engine's services are function pointers. */
static LLVMValueRef rt_call(cg *c, entry_info *e, size_t off, LLVMTypeRef fty,
			    LLVMValueRef *args, unsigned n)
{
	LLVMValueRef rt = load_field(c, c->ptr, e->g, offsetof(hx_group, rt));
	LLVMValueRef fn = load_field(c, c->ptr, rt, off);

	return LLVMBuildCall2(c->b, fty, fn, args, n, "");
}

static LLVMValueRef lower_printf(cg *c, entry_info *e, LLVMValueRef call)
{
	unsigned n = (unsigned)LLVMGetNumArgOperands(call);
	LLVMValueRef *args = calloc(n + 2, sizeof(*args)), r;
	LLVMTypeRef params[2] = {c->ptr, c->ptr};
	LLVMTypeRef fty = LLVMFunctionType(c->i32, params, 2, 1);

	if (!args)
		return NULL;
	args[0] = e->g;
	args[1] =
	    LLVMBuildAddrSpaceCast(c->b, LLVMGetOperand(call, 0), c->ptr, "");
	for (unsigned i = 1; i < n; i++)
		args[i + 1] = LLVMGetOperand(call, i);
	r = rt_call(c, e, offsetof(hx_rt, printf), fty, args, n + 1);
	free(args);
	return r;
}

static int lower_call(cg *c, entry_info *e, LLVMValueRef call)
{
	const char *name = callee_name(call);
	LLVMValueRef r = NULL;

	LLVMPositionBuilderBefore(c->b, call);
	if (!strcmp(name, "__hx_local_id")) {
		r = lower_local_id(c, e, LLVMGetOperand(call, 0));
	} else if (!strcmp(name, "__hx_group")) {
		r = LLVMBuildAddrSpaceCast(c->b, e->g, LLVMTypeOf(call), "");
	} else if (!strcmp(name, "__hx_barrier")) {
		LLVMTypeRef params[2] = {c->ptr, c->i32};
		LLVMValueRef args[2] = {e->g, LLVMGetOperand(call, 0)};
		if (!e->per_item)
			return -1;
		rt_call(c, e, offsetof(hx_rt, barrier),
			LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), params,
					 2, 0),
			args, 2);
	} else if (!strcmp(name, "printf")) {
		r = lower_printf(c, e, call);
		if (!r)
			return -1;
	} else {
		return 0;
	}
	if (r)
		LLVMReplaceAllUsesWith(call, r);
	LLVMInstructionEraseFromParent(call);
	return 0;
}

static int lower_intrinsics(cg *c, entry_info *e)
{
	size_t n = 0, cap = 64;
	LLVMValueRef *calls = malloc(cap * sizeof(*calls));
	int ret = 0;

	if (!calls)
		return -1;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(e->entry); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			if (!LLVMIsACallInst(in))
				continue;
			if (n == cap) {
				LLVMValueRef *nc =
				    realloc(calls, 2 * cap * sizeof(*calls));
				if (!nc) {
					free(calls);
					return -1;
				}
				calls = nc;
				cap *= 2;
			}
			calls[n++] = in;
		}
	for (size_t i = 0; i < n && !ret; i++)
		ret = lower_call(c, e, calls[i]);
	free(calls);
	return ret;
}

static bool contains(LLVMValueRef v, LLVMValueRef gv, int depth)
{
	if (v == gv)
		return true;
	if (!LLVMIsAConstantExpr(v) || depth > 16)
		return false;
	for (int i = 0; i < LLVMGetNumOperands(v); i++)
		if (contains(LLVMGetOperand(v, (unsigned)i), gv, depth + 1))
			return true;
	return false;
}

/* Rebuilds constant expression ce as instructions before the builder,
 * with gv replaced by rep. NULL for an expression kind we do not expect
 * around __local variables. */
static LLVMValueRef materialize(cg *c, LLVMValueRef ce, LLVMValueRef gv,
				LLVMValueRef rep)
{
	unsigned n = (unsigned)LLVMGetNumOperands(ce);
	LLVMValueRef ops[16];

	if (ce == gv)
		return rep;
	if (!contains(ce, gv, 0))
		return ce;
	if (n > 16)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		ops[i] = materialize(c, LLVMGetOperand(ce, i), gv, rep);
		if (!ops[i])
			return NULL;
	}
	switch (LLVMGetConstOpcode(ce)) {
	case LLVMGetElementPtr:
		return LLVMIsInBounds(ce)
			   ? LLVMBuildInBoundsGEP2(
				 c->b, LLVMGetGEPSourceElementType(ce), ops[0],
				 ops + 1, n - 1, "")
			   : LLVMBuildGEP2(c->b,
					   LLVMGetGEPSourceElementType(ce),
					   ops[0], ops + 1, n - 1, "");
	case LLVMAddrSpaceCast:
	case LLVMBitCast:
	case LLVMPtrToInt:
	case LLVMIntToPtr:
		return LLVMBuildCast(c->b, LLVMGetConstOpcode(ce), ops[0],
				     LLVMTypeOf(ce), "");
	/* A null test of a __local address (to_local(p) on a constant p),
	 * or arithmetic on one, which barrier splitting may leave as
	 * constant expressions in the kernel. */
	case LLVMICmp:
		return LLVMBuildICmp(c->b, LLVMGetICmpPredicate(ce), ops[0],
				     ops[1], "");
	case LLVMAdd:
	case LLVMSub:
	case LLVMMul:
	case LLVMShl:
	case LLVMXor:
		return LLVMBuildBinOp(c->b, LLVMGetConstOpcode(ce), ops[0],
				      ops[1], "");
	default:
		return NULL;
	}
}

static entry_info *entry_of(cg *c, LLVMValueRef in)
{
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInstructionParent(in));

	for (size_t i = 0; i < c->ne; i++)
		if (c->e[i].entry == fn)
			return &c->e[i];
	return NULL;
}

/* g->local_mem + offset of gv in entry e, right after local_mem is
 * loaded in the entry block. */
static LLVMValueRef local_ptr(cg *c, entry_info *e, LLVMValueRef gv)
{
	for (size_t i = 0; i < e->nvars; i++)
		if (e->vars[i].gv == gv) {
			LLVMValueRef off =
			    LLVMConstInt(c->i64, e->vars[i].offset, 0);
			LLVMPositionBuilderBefore(
			    c->b, LLVMGetNextInstruction(e->local_mem));
			LLVMValueRef p = LLVMBuildGEP2(
			    c->b, c->i8, e->local_mem, &off, 1, "");
			return LLVMBuildAddrSpaceCast(c->b, p, LLVMTypeOf(gv),
						      "");
		}
	return NULL;
}

/* Replaces the uses of gv inside instruction in (directly or through
 * constant expressions). */
static int replace_in(cg *c, LLVMValueRef in, LLVMValueRef gv)
{
	entry_info *e = entry_of(c, in);
	unsigned n = (unsigned)LLVMGetNumOperands(in);

	if (!e)
		return -1;
	LLVMValueRef rep = local_ptr(c, e, gv);
	if (!rep)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		LLVMValueRef op = LLVMGetOperand(in, i), v;
		if (!contains(op, gv, 0))
			continue;
		if (LLVMIsAPHINode(in))
			LLVMPositionBuilderBefore(
			    c->b, LLVMGetBasicBlockTerminator(
				      LLVMGetIncomingBlock(in, i)));
		else
			LLVMPositionBuilderBefore(c->b, in);
		v = materialize(c, op, gv, rep);
		if (!v)
			return -1;
		if (v != op)
			LLVMSetOperand(in, i, v);
	}
	return 0;
}

/* Instructions using v, directly or through constant expressions. */
static int collect_users(LLVMValueRef v, LLVMValueRef **out, size_t *n,
			 size_t *cap, int depth)
{
	for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);
		if (LLVMIsAInstruction(user)) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 16;
				LLVMValueRef *o =
				    realloc(*out, *cap * sizeof(*o));
				if (!o)
					return -1;
				*out = o;
			}
			(*out)[(*n)++] = user;
		} else if (depth < 16 &&
			   collect_users(user, out, n, cap, depth + 1)) {
			return -1;
		}
	}
	return 0;
}

/* Static __local variables become g->local_mem + offset (per entry). */
static int lower_locals(cg *c)
{
	LLVMValueRef gv = LLVMGetFirstGlobal(c->m), next;

	for (; gv; gv = next) {
		next = LLVMGetNextGlobal(gv);
		if (LLVMGetPointerAddressSpace(LLVMTypeOf(gv)) != 3)
			continue;
		LLVMValueRef *users = NULL;
		size_t n = 0, cap = 0;
		int ret = collect_users(gv, &users, &n, &cap, 0);
		for (size_t i = 0; i < n && !ret; i++)
			ret = replace_in(c, users[i], gv);
		free(users);
		if (ret) {
			hx_buf_printf(c->log,
				      "error: cannot place __local variable\n");
			return -1;
		}
	}
	return 0;
}

static void set_fn_attrs(cg *c)
{
	const char *drop[] = {"noinline", "optnone"};

	for (LLVMValueRef f = LLVMGetFirstFunction(c->m); f;
	     f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		for (int i = 0; i < 2; i++)
			LLVMRemoveEnumAttributeAtIndex(
			    f, LLVMAttributeFunctionIndex,
			    LLVMGetEnumAttributeKindForName(drop[i],
							    strlen(drop[i])));
		LLVMAddTargetDependentFunctionAttr(f, "target-cpu",
						   hx_llvm_host_cpu());
		LLVMAddTargetDependentFunctionAttr(f, "target-features",
						   hx_llvm_host_features());
		bool is_entry = false;
		for (size_t i = 0; i < c->ne; i++)
			is_entry |= c->e[i].entry == f;
		if (is_entry)
			continue;
		/* No thread-locals, no per-item state: everything inlines into
		 * the entries, where the intrinsics are lowered. */
		LLVMAddAttributeAtIndex(
		    f, LLVMAttributeFunctionIndex,
		    LLVMCreateEnumAttribute(
			c->ctx,
			LLVMGetEnumAttributeKindForName("alwaysinline", 12),
			0));
		LLVMSetLinkage(f, LLVMInternalLinkage);
	}
}

static int run_passes(cg *c, const char *passes, LLVMTargetMachineRef tm)
{
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMErrorRef err = LLVMRunPasses(c->m, passes, tm, po);

	LLVMDisposePassBuilderOptions(po);
	if (err) {
		char *msg = LLVMGetErrorMessage(err);
		hx_buf_printf(c->log, "error: passes %s: %s\n", passes, msg);
		LLVMDisposeErrorMessage(msg);
		return -1;
	}
	return 0;
}

static LLVMTargetMachineRef make_tm(bool opt_disable)
{
	LLVMTargetRef t;
	char *err = NULL;

	if (LLVMGetTargetFromTriple("x86_64-pc-linux-gnu", &t, &err)) {
		LLVMDisposeMessage(err);
		return NULL;
	}
	return LLVMCreateTargetMachine(
	    t, "x86_64-pc-linux-gnu", hx_llvm_host_cpu(),
	    hx_llvm_host_features(),
	    opt_disable ? LLVMCodeGenLevelNone : LLVMCodeGenLevelAggressive,
	    LLVMRelocPIC, LLVMCodeModelSmall);
}

static int emit_object(cg *c, LLVMTargetMachineRef tm, void **obj, size_t *size)
{
	LLVMMemoryBufferRef mb = NULL;
	char *err = NULL;

	if (LLVMTargetMachineEmitToMemoryBuffer(tm, c->m, LLVMObjectFile, &err,
						&mb)) {
		hx_buf_printf(c->log, "error: code generation: %s\n",
			      err ? err : "");
		LLVMDisposeMessage(err);
		return -1;
	}
	*size = LLVMGetBufferSize(mb);
	*obj = malloc(*size ? *size : 1);
	if (*obj)
		memcpy(*obj, LLVMGetBufferStart(mb), *size);
	LLVMDisposeMemoryBuffer(mb);
	return *obj ? 0 : -1;
}

static int cg_init(cg *c, const hx_cprog *p, hx_buf *log)
{
	memset(c, 0, sizeof(*c));
	c->log = log;
	c->ctx = hx_llvm_context(log);
	c->m = hx_llvm_parse(c->ctx, p->bc, p->bc_size, log);
	if (!c->m)
		return -1;
	c->b = LLVMCreateBuilderInContext(c->ctx);
	c->i8 = LLVMInt8TypeInContext(c->ctx);
	c->i32 = LLVMInt32TypeInContext(c->ctx);
	c->i64 = LLVMInt64TypeInContext(c->ctx);
	c->ptr = LLVMPointerTypeInContext(c->ctx, 0);
	LLVMTypeRef params[2] = {c->ptr, c->ptr};
	c->entry_ty =
	    LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), params, 2, 0);
	return 0;
}

static void cg_free(cg *c)
{
	for (size_t i = 0; i < c->ne; i++)
		free(c->e[i].vars);
	free(c->e);
	if (c->b)
		LLVMDisposeBuilder(c->b);
	if (c->m)
		LLVMDisposeModule(c->m);
	if (c->ctx)
		LLVMContextDispose(c->ctx);
}

/* The entry of kernel number `kernel` in module order (the order of
 * hx_cprog.kernels); the other kernels stay plain functions, which the
 * first globaldce drops unless this one calls them. */
static int make_entries(cg *c, const hx_cprog *p, size_t kernel)
{
	size_t index = 0;

	c->e = calloc(p->num_kernels + 1, sizeof(*c->e));
	if (!c->e)
		return -1;
	for (LLVMValueRef f = LLVMGetFirstFunction(c->m); f;
	     f = LLVMGetNextFunction(f)) {
		if (!hx_is_kernel(f) || index++ != kernel)
			continue;
		entry_info *e = &c->e[c->ne++];
		hx_fnset reach = {0};
		uint64_t total;
		e->kernel = f;
		if (hx_reachable(f, &reach) ||
		    hx_local_layout(c->m, &reach, &e->vars, &e->nvars,
				    &total)) {
			free(reach.fn);
			return -1;
		}
		e->per_item = hx_fnset_calls(&reach, "__hx_barrier");
		free(reach.fn);
	}
	for (size_t i = 0; i < c->ne; i++)
		if (build_entry(c, &c->e[i]))
			return -1;
	return 0;
}

/* Program-scope variables are defined once, in the globals object. */
static void extern_globals(cg *c)
{
	for (LLVMValueRef g = LLVMGetFirstGlobal(c->m); g;
	     g = LLVMGetNextGlobal(g))
		if (LLVMGetPointerAddressSpace(LLVMTypeOf(g)) == 1 &&
		    !LLVMIsGlobalConstant(g) && !LLVMIsDeclaration(g)) {
			LLVMSetInitializer(g, NULL);
			LLVMSetLinkage(g, LLVMExternalLinkage);
		}
}

static bool fission_wanted(void)
{
	const char *e = getenv("HMMCL_FISSION");

	return !e || strcmp(e, "0") != 0;
}

static void add_mode(cg *c, entry_info *e)
{
	char name[512];
	size_t len;
	LLVMValueRef gv;

	/* The kernel function itself is gone (inlined): use the entry's
	 * name, "__hx_entry_d." + kernel. */
	hx_mode_name(LLVMGetValueName2(e->entry, &len) + 13, c->variant, name,
		     sizeof(name));
	gv = LLVMAddGlobal(c->m, c->i32, name);
	LLVMSetInitializer(gv, LLVMConstInt(c->i32, e->fission, 0));
	LLVMSetGlobalConstant(gv, 1);
}

/* optnone (which needs noinline) keeps function passes off f. */
static void set_optnone(cg *c, LLVMValueRef f, bool on)
{
	static const char *const names[] = {"optnone", "noinline"};

	for (int i = 0; i < 2; i++) {
		unsigned k = LLVMGetEnumAttributeKindForName(
		    names[i], strlen(names[i]));
		if (on)
			LLVMAddAttributeAtIndex(
			    f, LLVMAttributeFunctionIndex,
			    LLVMCreateEnumAttribute(c->ctx, k, 0));
		else
			LLVMRemoveEnumAttributeAtIndex(
			    f, LLVMAttributeFunctionIndex, k);
	}
}

/* Private scalars to SSA values; the work-item functions' dimension
 * tests fold so that __hx_local_id calls can be recomputed after a
 * barrier instead of kept per item. Only the entries with barriers: the
 * others keep their loops (e->lid) untouched. A barrier must never be
 * duplicated onto paths some items take and others do not. */
static int pre_fission(cg *c)
{
	LLVMValueRef bar = LLVMGetNamedFunction(c->m, "__hx_barrier");
	int ret;

	for (int i = 0; bar && i < 2; i++) {
		const char *a = i ? "noduplicate" : "convergent";
		LLVMAddAttributeAtIndex(
		    bar, LLVMAttributeFunctionIndex,
		    LLVMCreateEnumAttribute(
			c->ctx, LLVMGetEnumAttributeKindForName(a, strlen(a)),
			0));
	}
	for (size_t i = 0; i < c->ne; i++)
		if (!c->e[i].per_item)
			set_optnone(c, c->e[i].entry, true);
	ret = run_passes(c, "function(sroa,early-cse,instcombine,simplifycfg)",
			 NULL);
	for (size_t i = 0; i < c->ne; i++) {
		entry_info *e = &c->e[i];
		if (!e->per_item) {
			set_optnone(c, e->entry, false);
			continue;
		}
		/* The passes may have merged or removed the first load. */
		LLVMPositionBuilderBefore(
		    c->b, LLVMGetFirstInstruction(LLVMGetEntryBasicBlock(e->entry)));
		e->local_mem = load_field(c, c->ptr, e->g,
					  offsetof(hx_group, local_mem));
	}
	return ret;
}

/* Kernels with barriers: work-item loops where fission.c can prove them
 * right, one fiber per item otherwise (HMMCL_FISSION=0: always). */
static int fission_all(cg *c)
{
	bool any = false;

	for (size_t i = 0; i < c->ne; i++)
		any |= c->e[i].per_item;
	if (any && fission_wanted() && pre_fission(c))
		return -1;
	for (size_t i = 0; i < c->ne && any && fission_wanted(); i++) {
		entry_info *e = &c->e[i];
		int r = e->per_item
			    ? hx_fission(c->m, e->entry, e->g, e->lid)
			    : 0;
		if (r < 0) {
			hx_buf_printf(c->log, "error: work-item loops failed\n");
			return -1;
		}
		if (r) {
			e->per_item = false;
			e->fission = true;
		}
	}
	for (size_t i = 0; i < c->ne; i++)
		add_mode(c, &c->e[i]);
	return 0;
}

static int lower_all(cg *c)
{
	for (size_t i = 0; i < c->ne; i++)
		if (lower_intrinsics(c, &c->e[i])) {
			hx_buf_printf(
			    c->log,
			    "error: cannot lower work-item intrinsics\n");
			return -1;
		}
	if (lower_locals(c))
		return -1;
	extern_globals(c);
	return run_passes(c, "globaldce", NULL);
}

static int verify(cg *c)
{
	char *msg = NULL;

	if (LLVMVerifyModule(c->m, LLVMReturnStatusAction, &msg)) {
		hx_buf_printf(c->log, "error: invalid kernel module: %s\n",
			      msg ? msg : "");
		LLVMDisposeMessage(msg);
		return -1;
	}
	LLVMDisposeMessage(msg);
	return 0;
}

/* HMMCL_DUMP_IR=dir writes the final IR of each generated kernel. */
static void dump_ir(cg *c, const hx_cprog *p, int variant, size_t kernel,
		    const char *stage)
{
	const char *dir = getenv("HMMCL_DUMP_IR");
	char path[4096];
	char *err = NULL;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%02x%02x%02x%02x-%s-%s%s.ll", dir,
		 p->bc_hash[0], p->bc_hash[1], p->bc_hash[2], p->bc_hash[3],
		 p->kernels[kernel].name,
		 variant == HX_VARIANT_MIRRORED ? "mirrored" : "direct", stage);
	if (LLVMPrintModuleToFile(c->m, path, &err))
		fprintf(stderr, "hmmcl: HMMCL_DUMP_IR: %s\n", err ? err : path);
	LLVMDisposeMessage(err);
}

int hx_codegen(const hx_cprog *p, int variant, size_t kernel, void **obj,
	       size_t *obj_size, hx_buf *log)
{
	LLVMTargetMachineRef tm = make_tm(p->opt_disable);
	cg c = {0};
	int ret = -1;

	if (!tm || cg_init(&c, p, log))
		goto out;
	c.variant = variant;
	if (make_entries(&c, p, kernel))
		goto out;
	if (c.ne != 1) {
		hx_buf_printf(log, "error: no kernel number %zu\n", kernel);
		goto out;
	}
	set_fn_attrs(&c);
	if (run_passes(&c, "always-inline,globaldce", NULL) ||
	    fission_all(&c) || lower_all(&c))
		goto out;
	hx_guard_division(c.m);
	if (verify(&c))
		goto out;
	dump_ir(&c, p, variant, kernel, "-pre");
	if (run_passes(&c, p->opt_disable ? "default<O0>" : "default<O3>", tm))
		goto out;
	/* After unroll-and-jam (late in O3): split the copies' <2 x T>
	 * arithmetic (narrow.c), then pack the copies across items. */
	if (!p->opt_disable &&
	    (hx_split_narrow_vectors(c.m) || verify(&c) ||
	     run_passes(&c,
			"function(slp-vectorizer,vector-combine,instcombine,"
			"simplifycfg)",
			tm)))
		goto out;
	/* After O3: the direct variant is vectorised untouched, and the
	 * mirrored one also sees the vectoriser's and idiom recogniser's
	 * accesses (masked, memcpy/memset). */
	if (variant == HX_VARIANT_MIRRORED &&
	    (run_passes(&c, "function(scalarize-masked-mem-intrin)", NULL) ||
	     hx_mirror_module(c.m) || verify(&c) ||
	     run_passes(&c, "function(sroa,early-cse,instcombine,simplifycfg)",
			tm) ||
	     verify(&c)))
		goto out;
	atomic_fetch_add(&hx_stat_codegens, 1);
	dump_ir(&c, p, variant, kernel, "");
	ret = emit_object(&c, tm, obj, obj_size);
out:
	cg_free(&c);
	if (tm)
		LLVMDisposeTargetMachine(tm);
	return ret ? CL_BUILD_PROGRAM_FAILURE : CL_SUCCESS;
}

int hx_codegen_globals(const hx_cprog *p, void **obj, size_t *obj_size,
		       hx_buf *log)
{
	LLVMTargetMachineRef tm = make_tm(true);
	LLVMValueRef f, next;
	cg c = {0};
	int ret = -1;

	if (!tm || cg_init(&c, p, log))
		goto out;
	/* Internal and unreferenced: globaldce drops every function. */
	for (f = LLVMGetFirstFunction(c.m); f; f = next) {
		next = LLVMGetNextFunction(f);
		if (!LLVMIsDeclaration(f))
			LLVMSetLinkage(f, LLVMInternalLinkage);
	}
	if (run_passes(&c, "globaldce", NULL) == 0)
		ret = emit_object(&c, tm, obj, obj_size);
out:
	cg_free(&c);
	if (tm)
		LLVMDisposeTargetMachine(tm);
	return ret ? CL_BUILD_PROGRAM_FAILURE : CL_SUCCESS;
}
