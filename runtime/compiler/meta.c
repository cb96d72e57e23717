/* Kernel metadata for the API layer, read from clang's kernel_arg_*
 * metadata and the kernel attributes, plus call-graph facts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>

#include "compiler_internal.h"

/* The function's metadata node of this kind (as a value), or NULL. */
static LLVMValueRef md_node(LLVMValueRef fn, const char *kind)
{
	LLVMContextRef ctx = LLVMGetModuleContext(LLVMGetGlobalParent(fn));
	unsigned id =
	    LLVMGetMDKindIDInContext(ctx, kind, (unsigned)strlen(kind));
	size_t n = 0;
	LLVMValueMetadataEntry *e = LLVMGlobalCopyAllMetadata(fn, &n);
	LLVMValueRef node = NULL;

	for (size_t j = 0; j < n; j++)
		if (LLVMValueMetadataEntriesGetKind(e, (unsigned)j) == id)
			node = LLVMMetadataAsValue(
			    ctx, LLVMValueMetadataEntriesGetMetadata(
				     e, (unsigned)j));
	if (e)
		LLVMDisposeValueMetadataEntries(e);
	return node;
}

/* Operand i of the function's metadata node kind, or NULL. */
static LLVMValueRef md_op(LLVMValueRef fn, const char *kind, unsigned i)
{
	LLVMValueRef node = md_node(fn, kind), ret = NULL;

	if (node && i < LLVMGetMDNodeNumOperands(node)) {
		LLVMValueRef *ops =
		    calloc(LLVMGetMDNodeNumOperands(node), sizeof(*ops));
		if (ops) {
			LLVMGetMDNodeOperands(node, ops);
			ret = ops[i];
			free(ops);
		}
	}
	return ret;
}

/* Present, even empty (a kernel without arguments has !{}). */
static bool has_md(LLVMValueRef fn, const char *kind)
{
	return md_node(fn, kind) != NULL;
}

static const char *md_str(LLVMValueRef fn, const char *kind, unsigned i)
{
	LLVMValueRef v = md_op(fn, kind, i);
	unsigned len;

	return v ? LLVMGetMDString(v, &len) : NULL;
}

static uint64_t md_int(LLVMValueRef fn, const char *kind, unsigned i)
{
	LLVMValueRef v = md_op(fn, kind, i);

	return v && LLVMIsAConstantInt(v) ? LLVMConstIntGetZExtValue(v) : 0;
}

bool hx_is_kernel(LLVMValueRef fn)
{
	/* clang marks kernels with the SPIR kernel calling convention; a
	 * kernel without arguments has an empty kernel_arg_* node. */
	return LLVMCountBasicBlocks(fn) &&
	       (LLVMGetFunctionCallConv(fn) == LLVMSPIRKERNELCallConv ||
		has_md(fn, "kernel_arg_addr_space"));
}

/* String pool: every metadata string lives in one block freed with p. */
typedef struct strpool {
	hx_buf buf;
} strpool;

static size_t pool_add(strpool *sp, const char *s)
{
	size_t off = sp->buf.len;

	hx_buf_append(&sp->buf, s ? s : "", strlen(s ? s : "") + 1);
	return off;
}

/* "float4", "uint" ... from the vec_type_hint operand. */
static void vec_hint_name(LLVMValueRef fn, char *out, size_t size)
{
	LLVMValueRef v = md_op(fn, "vec_type_hint", 0);
	LLVMTypeRef t = LLVMTypeOf(v), e = t;
	unsigned lanes = 1;
	bool is_signed = md_int(fn, "vec_type_hint", 1) != 0;
	const char *base = "int";

	if (LLVMGetTypeKind(t) == LLVMVectorTypeKind) {
		e = LLVMGetElementType(t);
		lanes = LLVMGetVectorSize(t);
	}
	switch (LLVMGetTypeKind(e)) {
	case LLVMHalfTypeKind:
		base = "half";
		break;
	case LLVMFloatTypeKind:
		base = "float";
		break;
	case LLVMDoubleTypeKind:
		base = "double";
		break;
	case LLVMIntegerTypeKind:
		switch (LLVMGetIntTypeWidth(e)) {
		case 8:
			base = is_signed ? "char" : "uchar";
			break;
		case 16:
			base = is_signed ? "short" : "ushort";
			break;
		case 64:
			base = is_signed ? "long" : "ulong";
			break;
		default:
			base = is_signed ? "int" : "uint";
			break;
		}
		break;
	default:
		break;
	}
	if (lanes > 1)
		snprintf(out, size, "%s%u", base, lanes);
	else
		snprintf(out, size, "%s", base);
}

static uint64_t qual_bits(const char *q)
{
	uint64_t bits = 0;

	if (q && strstr(q, "const"))
		bits |= CL_KERNEL_ARG_TYPE_CONST;
	if (q && strstr(q, "restrict"))
		bits |= CL_KERNEL_ARG_TYPE_RESTRICT;
	if (q && strstr(q, "volatile"))
		bits |= CL_KERNEL_ARG_TYPE_VOLATILE;
	if (q && strstr(q, "pipe"))
		bits |= CL_KERNEL_ARG_TYPE_PIPE;
	return bits;
}

static uint32_t access_qual(const char *a)
{
	if (a && !strcmp(a, "read_only"))
		return CL_KERNEL_ARG_ACCESS_READ_ONLY;
	if (a && !strcmp(a, "write_only"))
		return CL_KERNEL_ARG_ACCESS_WRITE_ONLY;
	if (a && !strcmp(a, "read_write"))
		return CL_KERNEL_ARG_ACCESS_READ_WRITE;
	return CL_KERNEL_ARG_ACCESS_NONE;
}

static const uint32_t addr_quals[] = {
    CL_KERNEL_ARG_ADDRESS_PRIVATE,
    CL_KERNEL_ARG_ADDRESS_GLOBAL,
    CL_KERNEL_ARG_ADDRESS_CONSTANT,
    CL_KERNEL_ARG_ADDRESS_LOCAL,
};

/* Byte size the host passes for a by-value parameter. */
static uint64_t value_size(LLVMValueRef fn, unsigned i, LLVMTargetDataRef td)
{
	unsigned kind = LLVMGetEnumAttributeKindForName("byval", 5);
	LLVMAttributeRef a = LLVMGetEnumAttributeAtIndex(fn, i + 1, kind);
	LLVMTypeRef t =
	    a ? LLVMGetTypeAttributeValue(a) : LLVMTypeOf(LLVMGetParam(fn, i));

	return LLVMABISizeOfType(td, t);
}

/* Strings are pool offsets + 1 until fix_strings() turns them into
 * pointers (the pool may move while it grows). */
#define OFF(x) ((const char *)(uintptr_t)((x) + 1))

static int kernel_args(LLVMValueRef fn, hx_kernel_meta *k, strpool *sp,
		       LLVMTargetDataRef td)
{
	hx_arg_meta *args;

	k->num_args = LLVMCountParams(fn);
	args = calloc(k->num_args ? k->num_args : 1, sizeof(*args));
	if (!args)
		return -1;
	for (unsigned i = 0; i < k->num_args; i++) {
		hx_arg_meta *a = &args[i];
		uint64_t as = md_int(fn, "kernel_arg_addr_space", i);
		a->address_qualifier = addr_quals[as < 4 ? as : 0];
		a->access_qualifier =
		    access_qual(md_str(fn, "kernel_arg_access_qual", i));
		a->type_qualifier =
		    qual_bits(md_str(fn, "kernel_arg_type_qual", i));
		a->type_name =
		    OFF(pool_add(sp, md_str(fn, "kernel_arg_type", i)));
		const char *name = md_str(fn, "kernel_arg_name", i);
		a->name = name ? OFF(pool_add(sp, name)) : NULL;
		a->is_pointer = as != 0;
		if (as == 3)
			a->size = 0;
		else if (as != 0)
			a->size = sizeof(void *);
		else
			a->size = value_size(fn, i, td);
	}
	k->args = args;
	return 0;
}

static void kernel_attrs(LLVMValueRef fn, hx_kernel_meta *k, strpool *sp)
{
	char attrs[256] = "", hint[32];
	size_t n = 0;

	for (unsigned d = 0; d < 3; d++) {
		k->reqd_work_group_size[d] =
		    md_int(fn, "reqd_work_group_size", d);
		k->work_group_size_hint[d] =
		    md_int(fn, "work_group_size_hint", d);
	}
	if (has_md(fn, "reqd_work_group_size"))
		n += snprintf(attrs + n, sizeof(attrs) - n,
			      "reqd_work_group_size(%llu,%llu,%llu)",
			      (unsigned long long)k->reqd_work_group_size[0],
			      (unsigned long long)k->reqd_work_group_size[1],
			      (unsigned long long)k->reqd_work_group_size[2]);
	if (has_md(fn, "work_group_size_hint"))
		n += snprintf(attrs + n, sizeof(attrs) - n,
			      "%swork_group_size_hint(%llu,%llu,%llu)",
			      n ? " " : "",
			      (unsigned long long)k->work_group_size_hint[0],
			      (unsigned long long)k->work_group_size_hint[1],
			      (unsigned long long)k->work_group_size_hint[2]);
	k->vec_type_hint = NULL;
	if (has_md(fn, "vec_type_hint")) {
		vec_hint_name(fn, hint, sizeof(hint));
		k->vec_type_hint = OFF(pool_add(sp, hint));
		snprintf(attrs + n, sizeof(attrs) - n, "%svec_type_hint(%s)",
			 n ? " " : "", hint);
	}
	k->attributes = OFF(pool_add(sp, attrs));
}

/* Stack estimate: the allocas of every reachable function. */
static uint64_t private_estimate(const hx_fnset *reach, LLVMTargetDataRef td)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < reach->n; i++)
		for (LLVMBasicBlockRef bb =
			 LLVMGetFirstBasicBlock(reach->fn[i]);
		     bb; bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
			     in = LLVMGetNextInstruction(in))
				if (LLVMIsAAllocaInst(in))
					sum += LLVMABISizeOfType(
					    td, LLVMGetAllocatedType(in));
	return sum;
}

static int kernel_facts(LLVMModuleRef m, LLVMValueRef fn, hx_kernel_meta *k,
			LLVMTargetDataRef td)
{
	hx_fnset reach = {0};
	hx_local_var *vars = NULL;
	size_t nvars;
	int ret = -1;

	if (hx_reachable(fn, &reach) ||
	    hx_local_layout(m, &reach, &vars, &nvars, &k->local_static))
		goto out;
	k->flags = 0;
	if (hx_fnset_calls(&reach, "__hx_barrier"))
		k->flags |= HX_CODE_PER_ITEM;
	if (hx_fnset_calls(&reach, "printf"))
		k->flags |= HX_CODE_USES_PRINTF;
	k->private_size = private_estimate(&reach, td);
	ret = 0;
out:
	free(vars);
	free(reach.fn);
	return ret;
}

static void fix_strings(hx_cprog *p)
{
#define FIX(s) ((s) = (s) ? p->strings + ((uintptr_t)(s)-1) : NULL)
	for (size_t i = 0; i < p->num_kernels; i++) {
		hx_kernel_meta *k = &p->kernels[i];
		hx_arg_meta *args = (hx_arg_meta *)k->args;
		FIX(k->name);
		FIX(k->vec_type_hint);
		FIX(k->attributes);
		for (unsigned a = 0; a < k->num_args; a++) {
			FIX(args[a].type_name);
			FIX(args[a].name);
		}
	}
#undef FIX
}

static uint64_t globals_size(LLVMModuleRef m, LLVMTargetDataRef td)
{
	uint64_t sum = 0;

	for (LLVMValueRef gv = LLVMGetFirstGlobal(m); gv;
	     gv = LLVMGetNextGlobal(gv))
		if (LLVMGetPointerAddressSpace(LLVMTypeOf(gv)) == 1 &&
		    !LLVMIsGlobalConstant(gv) && !LLVMIsDeclaration(gv))
			sum +=
			    LLVMABISizeOfType(td, LLVMGlobalGetValueType(gv));
	return sum;
}

int hx_meta_extract(hx_cprog *p, LLVMModuleRef m)
{
	LLVMTargetDataRef td = hx_llvm_target_data(m);
	strpool sp = {{0}};
	size_t n = 0;
	int ret = -1;

	for (LLVMValueRef f = LLVMGetFirstFunction(m); f;
	     f = LLVMGetNextFunction(f))
		n += hx_is_kernel(f);
	p->kernels = calloc(n ? n : 1, sizeof(*p->kernels));
	if (!p->kernels)
		goto out;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f;
	     f = LLVMGetNextFunction(f)) {
		if (!hx_is_kernel(f))
			continue;
		hx_kernel_meta *k = &p->kernels[p->num_kernels++];
		size_t len;
		k->name = OFF(pool_add(&sp, LLVMGetValueName2(f, &len)));
		kernel_attrs(f, k, &sp);
		if (kernel_args(f, k, &sp, td) || kernel_facts(m, f, k, td))
			goto out;
	}
	p->globals_size = globals_size(m, td);
	pool_add(&sp, "");
	p->strings = hx_buf_take(&sp.buf);
	fix_strings(p);
	ret = 0;
out:
	if (ret)
		free(sp.buf.data);
	LLVMDisposeTargetData(td);
	return ret;
}

void hx_meta_free(hx_cprog *p)
{
	for (size_t i = 0; i < p->num_kernels; i++)
		free((void *)p->kernels[i].args);
	free(p->kernels);
	free(p->strings);
	p->kernels = NULL;
	p->num_kernels = 0;
}
