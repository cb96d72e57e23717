/* Splits narrow vector arithmetic (<2 x float>, <2 x i32>, <2 x double>...)
 * into scalars inside work-item loops that unroll-and-jam has copied.
 *
 * The jammed copies of a float2 kernel are independent <2 x float> chains,
 * one per work-item, and LLVM 16's SLP vectoriser packs scalars, never
 * vectors: the loop kept running 2 lanes per FMA where float runs 8 or
 * 16. Once each copy is two scalar chains, the SLP pass that follows packs
 * the lanes of several items into one wide vector (clpeak float2: 46 ->
 * 113 GFLOPS, docs/compiler.md). Only the jammed loops are touched, and
 * only vectors of at most NARROW_LANES lanes: float4 split the same way
 * was packed back into <4 x float> (no gain), and splitting every vector
 * (LLVM's scalarizer) cost float16 more than half its throughput.
 *
 * Values the split instructions take from outside are read with
 * extractelement right after their definition; split values used by
 * anything else are rebuilt with insertelement, which instcombine drops
 * when nothing needs them. The LLVM-C API of LLVM 16 cannot read or set
 * fast-math and no-wrap flags, so the scalar copies go without them: the
 * result is the same, only later folds that need them are lost. */
#include "compiler_internal.h"

#include <llvm-c/Core.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NARROW_LANES 2

/* Pointer -> index, open addressing; cap is a power of two. */
typedef struct {
	LLVMValueRef *key;
	size_t *val;
	size_t cap;
} pmap;

typedef struct {
	LLVMValueRef lane[NARROW_LANES];
	bool cand, built;
} slot;

typedef struct {
	LLVMModuleRef m;
	LLVMContextRef ctx;
	LLVMBuilderRef b;
	LLVMValueRef fn;
	pmap map; /* value -> slots[] */
	slot *slots;
	size_t ns, cap;
	LLVMValueRef *cands; /* in block order */
	size_t nc;
	LLVMValueRef *exts; /* extractelements of split values */
	size_t nx;
	unsigned id_fmuladd, id_fma, id_fabs, id_minnum, id_maxnum;
} split;

static size_t phash(LLVMValueRef p, size_t cap)
{
	uintptr_t h = (uintptr_t)p;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 7) & (cap - 1);
}

static int pmap_init(pmap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < 2 * n + 16)
		m->cap *= 2;
	m->key = calloc(m->cap, sizeof(*m->key));
	m->val = calloc(m->cap, sizeof(*m->val));
	return m->key && m->val ? 0 : -1;
}

static size_t *pmap_at(pmap *m, LLVMValueRef k, bool insert)
{
	size_t i = phash(k, m->cap);

	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	if (!m->key[i]) {
		if (!insert)
			return NULL;
		m->key[i] = k;
	}
	return &m->val[i];
}

static void pmap_free(pmap *m)
{
	free(m->key);
	free(m->val);
}

/* -------- which loops: the jammed x loops ------------------------------- */

/* The string an MDNode operand (itself a node) starts with, or NULL. */
static const char *md_head(LLVMValueRef node, unsigned *len)
{
	LLVMValueRef first = NULL;
	unsigned n;

	if (!node || !LLVMIsAMDNode(node))
		return NULL;
	n = LLVMGetMDNodeNumOperands(node);
	if (n) {
		LLVMValueRef *ops = calloc(n, sizeof(*ops));
		if (!ops)
			return NULL;
		LLVMGetMDNodeOperands(node, ops);
		first = ops[0];
		free(ops);
	}
	return first ? LLVMGetMDString(first, len) : NULL;
}

/* Whether loop ID node has the property `name`. */
static bool md_has(LLVMValueRef node, const char *name)
{
	unsigned n = LLVMGetMDNodeNumOperands(node), len = 0;
	LLVMValueRef *ops = calloc(n ? n : 1, sizeof(*ops));
	bool found = false;

	if (!ops)
		return false;
	LLVMGetMDNodeOperands(node, ops);
	for (unsigned i = 1; i < n && !found; i++) {
		const char *s = md_head(ops[i], &len);
		found = s && len == strlen(name) && !memcmp(s, name, len);
	}
	free(ops);
	return found;
}

/* A latch the jam hint was put on (codegen.c) and that unroll-and-jam has
 * processed: it marks the loop unrolled when it made the copies. */
static bool jammed_latch(LLVMValueRef term, unsigned kind)
{
	LLVMValueRef md = LLVMGetMetadata(term, kind);

	return md && md_has(md, "llvm.loop.unroll_and_jam.count") &&
	       md_has(md, "llvm.loop.unroll.disable");
}

typedef struct {
	LLVMBasicBlockRef *bb;
	size_t n;
	size_t **pred; /* pred[i]: indices, terminated by SIZE_MAX */
	pmap idx;
} cfg;

static size_t bb_index(cfg *g, LLVMBasicBlockRef b)
{
	size_t *v = pmap_at(&g->idx, LLVMBasicBlockAsValue(b), false);

	return v ? *v : SIZE_MAX;
}

static int cfg_build(cfg *g, LLVMValueRef fn)
{
	size_t *np;

	g->n = LLVMCountBasicBlocks(fn);
	g->bb = calloc(g->n, sizeof(*g->bb));
	g->pred = calloc(g->n, sizeof(*g->pred));
	np = calloc(g->n, sizeof(*np));
	if (!g->bb || !g->pred || !np || pmap_init(&g->idx, g->n))
		goto fail;
	LLVMGetBasicBlocks(fn, g->bb);
	for (size_t i = 0; i < g->n; i++)
		*pmap_at(&g->idx, LLVMBasicBlockAsValue(g->bb[i]), true) = i;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < g->n; i++) {
			LLVMValueRef t = LLVMGetBasicBlockTerminator(g->bb[i]);
			unsigned ns = t ? LLVMGetNumSuccessors(t) : 0;
			for (unsigned s = 0; s < ns; s++) {
				size_t j = bb_index(g, LLVMGetSuccessor(t, s));
				if (pass == 0)
					np[j]++;
				else
					g->pred[j][np[j]++] = i;
			}
		}
		for (size_t j = 0; j < g->n; j++) {
			if (pass == 0) {
				g->pred[j] =
				    malloc((np[j] + 1) * sizeof(size_t));
				if (!g->pred[j])
					goto fail;
			} else {
				g->pred[j][np[j]] = SIZE_MAX;
			}
			np[j] = 0;
		}
	}
	free(np);
	return 0;
fail:
	free(np);
	return -1;
}

static void cfg_free(cfg *g)
{
	for (size_t i = 0; g->pred && i < g->n; i++)
		free(g->pred[i]);
	free(g->pred);
	free(g->bb);
	pmap_free(&g->idx);
}

/* Whether h dominates l: l is unreachable from the entry without h. */
static bool dominates(cfg *g, size_t h, size_t l, bool *seen, size_t *stack)
{
	size_t sp = 0;

	if (h == 0)
		return true;
	memset(seen, 0, g->n);
	seen[0] = seen[h] = true;
	stack[sp++] = 0;
	while (sp) {
		size_t i = stack[--sp];
		LLVMValueRef t = LLVMGetBasicBlockTerminator(g->bb[i]);
		unsigned ns = t ? LLVMGetNumSuccessors(t) : 0;
		if (i == l)
			return false;
		for (unsigned s = 0; s < ns; s++) {
			size_t j = bb_index(g, LLVMGetSuccessor(t, s));
			if (!seen[j]) {
				seen[j] = true;
				stack[sp++] = j;
			}
		}
	}
	return true;
}

/* Marks in in_loop[] the natural loop of latch l: its header (the
 * successor dominating l) and every block reaching l without it. */
static void mark_loop(cfg *g, size_t l, bool *in_loop, bool *seen,
		      size_t *stack)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(g->bb[l]);
	size_t h = SIZE_MAX, sp = 0;

	for (unsigned s = 0; s < LLVMGetNumSuccessors(t) && h == SIZE_MAX;
	     s++) {
		size_t j = bb_index(g, LLVMGetSuccessor(t, s));
		if (dominates(g, j, l, seen, stack))
			h = j;
	}
	if (h == SIZE_MAX)
		return;
	memset(seen, 0, g->n);
	seen[h] = true;
	in_loop[h] = true;
	if (!seen[l]) {
		seen[l] = true;
		stack[sp++] = l;
	}
	while (sp) {
		size_t i = stack[--sp];
		in_loop[i] = true;
		for (size_t *p = g->pred[i]; *p != SIZE_MAX; p++)
			if (!seen[*p]) {
				seen[*p] = true;
				stack[sp++] = *p;
			}
	}
}

/* -------- the split ----------------------------------------------------- */

static unsigned lanes_of(LLVMTypeRef t)
{
	return LLVMGetTypeKind(t) == LLVMVectorTypeKind ? LLVMGetVectorSize(t)
							: 0;
}

static bool narrow_type(LLVMTypeRef t)
{
	unsigned n = lanes_of(t);
	LLVMTypeKind k;

	if (n < 2 || n > NARROW_LANES)
		return false;
	k = LLVMGetTypeKind(LLVMGetElementType(t));
	return k == LLVMFloatTypeKind || k == LLVMDoubleTypeKind ||
	       k == LLVMIntegerTypeKind;
}

static bool lanewise_binop(LLVMOpcode op)
{
	switch (op) {
	case LLVMFAdd:
	case LLVMFSub:
	case LLVMFMul:
	case LLVMFDiv:
	case LLVMAdd:
	case LLVMSub:
	case LLVMMul:
	case LLVMAnd:
	case LLVMOr:
	case LLVMXor:
	case LLVMShl:
	case LLVMLShr:
	case LLVMAShr:
		return true;
	default:
		return false;
	}
}

static bool lanewise_cast(LLVMOpcode op)
{
	switch (op) {
	case LLVMTrunc:
	case LLVMZExt:
	case LLVMSExt:
	case LLVMFPToUI:
	case LLVMFPToSI:
	case LLVMUIToFP:
	case LLVMSIToFP:
	case LLVMFPTrunc:
	case LLVMFPExt:
		return true;
	default:
		return false;
	}
}

/* Lane-wise intrinsics whose every operand has the result's type. */
static bool lanewise_call(split *s, LLVMValueRef in)
{
	LLVMValueRef f = LLVMGetCalledValue(in);
	unsigned id = f && LLVMIsAFunction(f) ? LLVMGetIntrinsicID(f) : 0;
	int n = LLVMGetNumArgOperands(in);

	if (!id ||
	    (id != s->id_fmuladd && id != s->id_fma && id != s->id_fabs &&
	     id != s->id_minnum && id != s->id_maxnum))
		return false;
	for (int i = 0; i < n; i++)
		if (LLVMTypeOf(LLVMGetOperand(in, (unsigned)i)) !=
		    LLVMTypeOf(in))
			return false;
	return true;
}

static bool splittable(split *s, LLVMValueRef in)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(in);
	LLVMValueRef ix;

	if (!narrow_type(LLVMTypeOf(in)))
		return false;
	if (op == LLVMPHI || op == LLVMShuffleVector || op == LLVMFNeg ||
	    lanewise_binop(op))
		return true;
	if (lanewise_cast(op))
		return lanes_of(LLVMTypeOf(LLVMGetOperand(in, 0))) ==
		       lanes_of(LLVMTypeOf(in));
	if (op == LLVMInsertElement) {
		ix = LLVMGetOperand(in, 2);
		return LLVMIsAConstantInt(ix) &&
		       LLVMConstIntGetZExtValue(ix) < lanes_of(LLVMTypeOf(in));
	}
	return op == LLVMCall && lanewise_call(s, in);
}

static slot *slot_of(split *s, LLVMValueRef v, bool insert)
{
	size_t *i = pmap_at(&s->map, v, false);

	if (i)
		return &s->slots[*i];
	if (!insert || s->ns == s->cap)
		return NULL;
	i = pmap_at(&s->map, v, true);
	*i = s->ns;
	memset(&s->slots[s->ns], 0, sizeof(slot));
	return &s->slots[s->ns++];
}

static LLVMValueRef first_non_phi(LLVMBasicBlockRef bb)
{
	LLVMValueRef in = LLVMGetFirstInstruction(bb);

	while (in && LLVMGetInstructionOpcode(in) == LLVMPHI)
		in = LLVMGetNextInstruction(in);
	return in;
}

/* Where a value's lanes are read once: right after its definition. */
static void position_after(split *s, LLVMValueRef v)
{
	if (LLVMIsAInstruction(v) && LLVMGetInstructionOpcode(v) == LLVMPHI)
		LLVMPositionBuilderBefore(
		    s->b, first_non_phi(LLVMGetInstructionParent(v)));
	else if (LLVMIsAInstruction(v))
		LLVMPositionBuilderBefore(s->b, LLVMGetNextInstruction(v));
	else
		LLVMPositionBuilderBefore(
		    s->b, first_non_phi(LLVMGetEntryBasicBlock(s->fn)));
}

static int build(split *s, LLVMValueRef in);

static LLVMValueRef extract(split *s, LLVMValueRef v, unsigned i)
{
	LLVMTypeRef i32 = LLVMInt32TypeInContext(s->ctx);

	return LLVMBuildExtractElement(s->b, v, LLVMConstInt(i32, i, 0), "");
}

/* Lane i of v, for a use placed before `before`. */
static LLVMValueRef lane(split *s, LLVMValueRef v, unsigned i,
			 LLVMValueRef before)
{
	LLVMValueRef c;
	slot *sl;

	if (LLVMIsConstant(v) && (c = LLVMGetAggregateElement(v, i)))
		return c;
	sl = slot_of(s, v, false);
	if (sl && sl->cand) {
		if (!sl->built && build(s, v))
			return NULL;
		return sl->lane[i];
	}
	if (lanes_of(LLVMTypeOf(v)) > NARROW_LANES ||
	    !(sl || (sl = slot_of(s, v, true)))) {
		/* Wide or out of slots: read at the use. */
		LLVMPositionBuilderBefore(s->b, before);
		return extract(s, v, i);
	}
	if (!sl->built) {
		position_after(s, v);
		for (unsigned k = 0; k < lanes_of(LLVMTypeOf(v)); k++)
			sl->lane[k] = extract(s, v, k);
		sl->built = true;
	}
	return sl->lane[i];
}

/* Gathers the lanes of operand `op` of in into ops[op][...]. */
static int gather(split *s, LLVMValueRef in, unsigned nops, unsigned n,
		  LLVMValueRef ops[3][NARROW_LANES])
{
	for (unsigned o = 0; o < nops; o++)
		for (unsigned i = 0; i < n; i++)
			if (!(ops[o][i] =
				  lane(s, LLVMGetOperand(in, o), i, in)))
				return -1;
	return 0;
}

static LLVMValueRef shuffle_lane(split *s, LLVMValueRef in, unsigned i)
{
	LLVMValueRef a = LLVMGetOperand(in, 0);
	unsigned na = lanes_of(LLVMTypeOf(a));
	int m = LLVMGetMaskValue(in, i);

	if (m == LLVMGetUndefMaskElem())
		return LLVMGetPoison(LLVMGetElementType(LLVMTypeOf(in)));
	if ((unsigned)m < na)
		return lane(s, a, (unsigned)m, in);
	return lane(s, LLVMGetOperand(in, 1), (unsigned)m - na, in);
}

static int build_call(split *s, LLVMValueRef in, unsigned n,
		      LLVMValueRef ops[3][NARROW_LANES], slot *sl)
{
	LLVMTypeRef t = LLVMGetElementType(LLVMTypeOf(in));
	unsigned id = LLVMGetIntrinsicID(LLVMGetCalledValue(in));
	unsigned nargs = (unsigned)LLVMGetNumArgOperands(in);
	LLVMValueRef f = LLVMGetIntrinsicDeclaration(s->m, id, &t, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(s->ctx, id, &t, 1);

	if (gather(s, in, nargs, n, ops))
		return -1;
	LLVMPositionBuilderBefore(s->b, in);
	for (unsigned i = 0; i < n; i++) {
		LLVMValueRef a[3];
		for (unsigned k = 0; k < nargs; k++)
			a[k] = ops[k][i];
		sl->lane[i] = LLVMBuildCall2(s->b, fty, f, a, nargs, "");
	}
	return 0;
}

static bool split_extract(split *s, LLVMValueRef in);

/* A scalar operand: an extract of a split value is that value's lane
 * (the extract itself goes in replace()). */
static LLVMValueRef scalar(split *s, LLVMValueRef v)
{
	if (!LLVMIsAInstruction(v) || !split_extract(s, v))
		return v;
	return lane(s, LLVMGetOperand(v, 0),
		    (unsigned)LLVMConstIntGetZExtValue(LLVMGetOperand(v, 1)),
		    v);
}

/* Builds the scalar lanes of candidate in, before it. Phis get empty
 * scalar phis here; their incoming values are added by fill_phis. */
static int build(split *s, LLVMValueRef in)
{
	slot *sl = slot_of(s, in, false);
	LLVMOpcode op = LLVMGetInstructionOpcode(in);
	LLVMTypeRef t = LLVMGetElementType(LLVMTypeOf(in));
	unsigned n = lanes_of(LLVMTypeOf(in));
	LLVMValueRef ops[3][NARROW_LANES];

	sl->built = true; /* a phi may reach itself */
	if (op == LLVMPHI) {
		LLVMPositionBuilderBefore(s->b, in);
		for (unsigned i = 0; i < n; i++)
			sl->lane[i] = LLVMBuildPhi(s->b, t, "");
		return 0;
	}
	if (op == LLVMCall)
		return build_call(s, in, n, ops, sl);
	if (op == LLVMShuffleVector) {
		for (unsigned i = 0; i < n; i++)
			if (!(ops[0][i] = shuffle_lane(s, in, i)))
				return -1;
		memcpy(sl->lane, ops[0], sizeof(sl->lane));
		return 0;
	}
	if (op == LLVMInsertElement) {
		unsigned k =
		    (unsigned)LLVMConstIntGetZExtValue(LLVMGetOperand(in, 2));
		for (unsigned i = 0; i < n; i++)
			if (i != k && !(sl->lane[i] = lane(
					    s, LLVMGetOperand(in, 0), i, in)))
				return -1;
		sl->lane[k] = scalar(s, LLVMGetOperand(in, 1));
		return sl->lane[k] ? 0 : -1;
	}
	if (gather(s, in, op == LLVMFNeg || lanewise_cast(op) ? 1 : 2, n, ops))
		return -1;
	LLVMPositionBuilderBefore(s->b, in);
	for (unsigned i = 0; i < n; i++) {
		if (op == LLVMFNeg)
			sl->lane[i] = LLVMBuildFNeg(s->b, ops[0][i], "");
		else if (lanewise_cast(op))
			sl->lane[i] = LLVMBuildCast(s->b, op, ops[0][i], t, "");
		else
			sl->lane[i] =
			    LLVMBuildBinOp(s->b, op, ops[0][i], ops[1][i], "");
	}
	return 0;
}

static int fill_phis(split *s)
{
	for (size_t c = 0; c < s->nc; c++) {
		LLVMValueRef in = s->cands[c];
		slot *sl = slot_of(s, in, false);
		if (LLVMGetInstructionOpcode(in) != LLVMPHI)
			continue;
		for (unsigned k = 0; k < LLVMCountIncoming(in); k++) {
			LLVMBasicBlockRef from = LLVMGetIncomingBlock(in, k);
			LLVMValueRef term = LLVMGetBasicBlockTerminator(from);
			for (unsigned i = 0; i < lanes_of(LLVMTypeOf(in));
			     i++) {
				LLVMValueRef v = lane(
				    s, LLVMGetIncomingValue(in, k), i, term);
				if (!v)
					return -1;
				LLVMAddIncoming(sl->lane[i], &v, &from, 1);
			}
		}
	}
	return 0;
}

/* Extracts of split values become their lanes; the split instructions
 * are replaced by their lanes put back together, then erased. */
static void replace(split *s)
{
	LLVMTypeRef i32 = LLVMInt32TypeInContext(s->ctx);

	for (size_t x = 0; x < s->nx; x++) {
		LLVMValueRef e = s->exts[x];
		slot *sl = slot_of(s, LLVMGetOperand(e, 0), false);
		unsigned k =
		    (unsigned)LLVMConstIntGetZExtValue(LLVMGetOperand(e, 1));
		LLVMReplaceAllUsesWith(e, sl->lane[k]);
		LLVMInstructionEraseFromParent(e);
	}
	for (size_t c = 0; c < s->nc; c++) {
		LLVMValueRef in = s->cands[c], v;
		slot *sl = slot_of(s, in, false);
		if (!LLVMGetFirstUse(in))
			continue;
		if (LLVMGetInstructionOpcode(in) == LLVMPHI)
			LLVMPositionBuilderBefore(
			    s->b, first_non_phi(LLVMGetInstructionParent(in)));
		else
			LLVMPositionBuilderBefore(s->b, in);
		v = LLVMGetPoison(LLVMTypeOf(in));
		for (unsigned i = 0; i < lanes_of(LLVMTypeOf(in)); i++)
			v = LLVMBuildInsertElement(s->b, v, sl->lane[i],
						   LLVMConstInt(i32, i, 0), "");
		LLVMReplaceAllUsesWith(in, v);
	}
	for (size_t c = 0; c < s->nc; c++)
		LLVMInstructionEraseFromParent(s->cands[c]);
}

static bool split_extract(split *s, LLVMValueRef in)
{
	slot *sl;
	LLVMValueRef ix;

	if (LLVMGetInstructionOpcode(in) != LLVMExtractElement)
		return false;
	sl = slot_of(s, LLVMGetOperand(in, 0), false);
	ix = LLVMGetOperand(in, 1);
	return sl && sl->cand && LLVMIsAConstantInt(ix) &&
	       LLVMConstIntGetZExtValue(ix) <
		   lanes_of(LLVMTypeOf(LLVMGetOperand(in, 0)));
}

/* Collects the candidates and the extracts of them in the marked blocks. */
static int collect(split *s, cfg *g, const bool *in_loop)
{
	size_t total = 0;

	for (size_t i = 0; i < g->n; i++)
		for (LLVMValueRef in = LLVMGetFirstInstruction(g->bb[i]); in;
		     in = LLVMGetNextInstruction(in))
			total++;
	s->cap = 2 * total + 16;
	s->slots = calloc(s->cap, sizeof(*s->slots));
	s->cands = calloc(total + 1, sizeof(*s->cands));
	s->exts = calloc(total + 1, sizeof(*s->exts));
	if (!s->slots || !s->cands || !s->exts || pmap_init(&s->map, s->cap))
		return -1;
	for (size_t i = 0; i < g->n; i++)
		for (LLVMValueRef in = LLVMGetFirstInstruction(g->bb[i]);
		     in_loop[i] && in; in = LLVMGetNextInstruction(in))
			if (splittable(s, in)) {
				slot_of(s, in, true)->cand = true;
				s->cands[s->nc++] = in;
			}
	for (size_t i = 0; i < g->n; i++)
		for (LLVMValueRef in = LLVMGetFirstInstruction(g->bb[i]);
		     in_loop[i] && in; in = LLVMGetNextInstruction(in))
			if (split_extract(s, in))
				s->exts[s->nx++] = in;
	return 0;
}

static int split_function(split *s, LLVMValueRef fn, unsigned kind)
{
	cfg g = {0};
	bool *in_loop = NULL, *seen = NULL, any = false;
	size_t *stack = NULL;
	int ret = -1;

	s->fn = fn;
	if (cfg_build(&g, fn))
		goto out;
	in_loop = calloc(g.n, 1);
	seen = calloc(g.n, 1);
	stack = calloc(g.n, sizeof(*stack));
	if (!in_loop || !seen || !stack)
		goto out;
	for (size_t i = 0; i < g.n; i++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(g.bb[i]);
		if (t && jammed_latch(t, kind)) {
			mark_loop(&g, i, in_loop, seen, stack);
			any = true;
		}
	}
	ret = 0;
	if (!any)
		goto out;
	ret = -1;
	if (collect(s, &g, in_loop))
		goto out;
	for (size_t c = 0; c < s->nc; c++) {
		slot *sl = slot_of(s, s->cands[c], false);
		if (!sl->built && build(s, s->cands[c]))
			goto out;
	}
	if (fill_phis(s))
		goto out;
	replace(s);
	ret = 0;
out:
	free(s->slots);
	free(s->cands);
	free(s->exts);
	pmap_free(&s->map);
	s->slots = NULL;
	s->cands = s->exts = NULL;
	s->map = (pmap){0};
	s->ns = s->nc = s->nx = 0;
	free(in_loop);
	free(seen);
	free(stack);
	cfg_free(&g);
	return ret;
}

static unsigned intrinsic(const char *name)
{
	return LLVMLookupIntrinsicID(name, strlen(name));
}

int hx_split_narrow_vectors(LLVMModuleRef m)
{
	split s = {0};
	unsigned kind;
	int ret = 0;

	s.m = m;
	s.ctx = LLVMGetModuleContext(m);
	s.b = LLVMCreateBuilderInContext(s.ctx);
	s.id_fmuladd = intrinsic("llvm.fmuladd");
	s.id_fma = intrinsic("llvm.fma");
	s.id_fabs = intrinsic("llvm.fabs");
	s.id_minnum = intrinsic("llvm.minnum");
	s.id_maxnum = intrinsic("llvm.maxnum");
	kind = LLVMGetMDKindIDInContext(s.ctx, "llvm.loop", 9);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f && !ret;
	     f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f))
			ret = split_function(&s, f, kind);
	LLVMDisposeBuilder(s.b);
	return ret;
}
