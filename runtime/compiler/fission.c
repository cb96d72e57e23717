/* Work-item loops for kernels with barriers (docs/compiler.md,
 * "Barriers: work-item loops").
 *
 * The entry (kernel inlined, barriers still __hx_barrier calls) becomes a
 * state machine run by one call per group: the code between barriers is a
 * region; a sweep runs the current region for every work-item in turn
 * (z/y/x loops), each item until it reaches a barrier, which records the
 * barrier as the next region, or returns. OpenCL requires every item of a
 * group to reach the same barriers in the same order, so the items of one
 * sweep agree on the next region. SSA values used across a region
 * boundary, and every private variable left after SROA, live in
 * per-work-item context arrays allocated on the stack per group. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "compiler_internal.h"

/* Context bytes per work-item above which a kernel keeps fibers: the
 * arrays are allocas of up to 1024 items (256 KiB) on the stack of the
 * thread that runs the group, which may be the application's. */
#define MAX_CTX_BYTES 256

typedef struct bkey {
	LLVMBasicBlockRef bb;
	int idx;
} bkey;

typedef struct slot {
	LLVMValueRef v;	 /* value or private alloca */
	uint64_t stride; /* bytes per work-item (0: uniform) */
	unsigned align;
	LLVMValueRef ptr; /* this item's address (in the dispatch block) */
	/* Uniform values: one scalar per group, written to w during a
	 * sweep and read from ptr, which gets w at the end of the sweep
	 * (item 1 must not read what item 0 wrote in the same sweep). */
	bool uni;
	LLVMValueRef w;
} slot;

#define MAX_CHAIN 16

typedef struct guard {
	LLVMBasicBlockRef start, g; /* region start, guard block */
	LLVMBasicBlockRef chain[MAX_CHAIN]; /* blocks from start to g */
	int n;
	unsigned xop;	  /* icmp operand that is the local id */
	bool strict, sgn; /* x < u or x <= u; signed compare */
	unsigned pass;	  /* successor taken when x is in range */
} guard;

/* A set of values (open addressing). */
typedef struct pset {
	LLVMValueRef *k;
	size_t cap, n;
} pset;

typedef struct fis {
	LLVMContextRef ctx;
	LLVMBuilderRef b;
	LLVMTargetDataRef td;
	LLVMTypeRef i8, i32, i64, ptr;
	LLVMValueRef fn, g;
	LLVMBasicBlockRef kstart; /* first block of the inlined kernel */
	LLVMBasicBlockRef *bb;	  /* blocks; [0] the entry */
	bkey *keys;		  /* sorted by bb */
	int nb;
	LLVMBasicBlockRef *heads; /* heads[k]: block ending in barrier k+1 */
	int nbar;
	int *succ, *soff, *pred, *poff; /* graph of nb + 2 nodes: D, L */
	int *po, *idom;
	slot *slots;
	size_t nslots, cap;
	pset div;    /* values that may differ between items */
	pset seen;   /* every value the analysis knows (others: divergent) */
	bool *taint; /* per node: may run after a divergent branch in a sweep */
	char *mark;  /* per node: scratch */
	guard *guards; /* at most one per region start */
	int nguards;
} fis;

static int cmp_key(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const bkey *)a)->bb;
	uintptr_t y = (uintptr_t)((const bkey *)b)->bb;

	return x < y ? -1 : x > y;
}

static int bidx(const fis *f, LLVMBasicBlockRef bb)
{
	bkey k = {bb, 0}, *r;

	r = bsearch(&k, f->keys, (size_t)f->nb, sizeof(k), cmp_key);
	return r ? r->idx : -1;
}

static bool is_call_to(LLVMValueRef in, const char *name)
{
	LLVMValueRef callee;
	size_t len;

	if (!LLVMIsACallInst(in))
		return false;
	callee = LLVMGetCalledValue(in);
	return callee && LLVMIsAFunction(callee) &&
	       !strcmp(LLVMGetValueName2(callee, &len), name);
}

/* Moves everything from the start of x's block through x (nothing if x
 * is NULL) into a new block placed before it, which falls through to the
 * rest. The rest then has a single predecessor. */
static LLVMBasicBlockRef split_after(fis *f, LLVMBasicBlockRef tail,
				     LLVMValueRef x)
{
	LLVMBasicBlockRef head =
	    LLVMInsertBasicBlockInContext(f->ctx, tail, "");
	LLVMValueRef in, next;
	bool last = x == NULL;

	LLVMPositionBuilderAtEnd(f->b, head);
	for (in = LLVMGetFirstInstruction(tail); !last; in = next) {
		next = LLVMGetNextInstruction(in);
		last = in == x;
		LLVMInstructionRemoveFromParent(in);
		LLVMInsertIntoBuilder(f->b, in);
	}
	for (LLVMBasicBlockRef p = LLVMGetFirstBasicBlock(f->fn); p;
	     p = LLVMGetNextBasicBlock(p)) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(p);
		if (!t || p == head)
			continue;
		for (unsigned i = 0; i < LLVMGetNumSuccessors(t); i++)
			if (LLVMGetSuccessor(t, i) == tail)
				LLVMSetSuccessor(t, i, head);
	}
	LLVMPositionBuilderAtEnd(f->b, head);
	LLVMBuildBr(f->b, tail);
	return head;
}

static bool is_param_of(LLVMValueRef v, LLVMValueRef fn)
{
	for (unsigned i = 0; i < LLVMCountParams(fn); i++)
		if (LLVMGetParam(fn, i) == v)
			return true;
	return false;
}

/* The same for every item of a group, computed once: allocas and the
 * argument loads (from args[] and the hx_group, never from memory the
 * kernel can write) that start the entry. */
static bool group_setup(fis *f, LLVMValueRef in, LLVMBasicBlockRef bb)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(in);

	if (op == LLVMAlloca)
		return true;
	if (op != LLVMLoad && op != LLVMGetElementPtr &&
	    op != LLVMAddrSpaceCast && op != LLVMBitCast)
		return false;
	if (op == LLVMLoad &&
	    LLVMGetPointerAddressSpace(LLVMTypeOf(LLVMGetOperand(in, 0))) != 0)
		return false;
	for (int i = 0; i < LLVMGetNumOperands(in); i++) {
		LLVMValueRef o = LLVMGetOperand(in, (unsigned)i);
		if (!LLVMIsAConstant(o) && !is_param_of(o, f->fn) &&
		    !(LLVMIsAInstruction(o) &&
		      LLVMGetInstructionParent(o) == bb))
			return false;
	}
	return true;
}

/* The entry block keeps the group set-up; the kernel proper starts in a
 * block of its own (region 0). */
static void split_entry(fis *f)
{
	LLVMBasicBlockRef bb = LLVMGetEntryBasicBlock(f->fn);
	LLVMValueRef last = NULL;

	for (LLVMValueRef in = LLVMGetFirstInstruction(bb);
	     in && group_setup(f, in, bb); in = LLVMGetNextInstruction(in))
		last = in;
	f->bb[0] = split_after(f, bb, last);
}

static bool is_ret(LLVMBasicBlockRef bb)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);

	return t && LLVMGetInstructionOpcode(t) == LLVMRet;
}

static int head_index(const fis *f, LLVMBasicBlockRef bb)
{
	for (int k = 0; k < f->nbar; k++)
		if (f->heads[k] == bb)
			return k;
	return -1;
}

/* Successors of node i in the transformed graph: D (= nb) dispatches to
 * the kernel start and every barrier's continuation, or skips to L
 * (= nb + 1), the work-item latch, which goes back to D. */
static int node_succs(const fis *f, int i, int *out)
{
	int n = 0, D = f->nb, L = f->nb + 1;

	if (i == 0) {
		out[n++] = D;
	} else if (i == D) {
		out[n++] = bidx(f, f->kstart);
		for (int k = 0; k < f->nbar; k++)
			out[n++] = bidx(f, LLVMGetNextBasicBlock(f->heads[k]));
		out[n++] = L;
	} else if (i == L) {
		out[n++] = D;
	} else if (head_index(f, f->bb[i]) >= 0 || is_ret(f->bb[i])) {
		out[n++] = L;
	} else {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(f->bb[i]);
		for (unsigned s = 0; t && s < LLVMGetNumSuccessors(t); s++)
			out[n++] = bidx(f, LLVMGetSuccessor(t, s));
	}
	return n;
}

static int build_preds(fis *f)
{
	int N = f->nb + 2, E = f->soff[N], *fill;

	f->poff = calloc((size_t)N + 1, sizeof(int));
	f->pred = malloc(((size_t)E + 1) * sizeof(int));
	fill = calloc((size_t)N + 1, sizeof(int));
	if (!f->poff || !f->pred || !fill) {
		free(fill);
		return -1;
	}
	for (int e = 0; e < E; e++)
		f->poff[f->succ[e] + 1]++;
	for (int i = 0; i < N; i++)
		f->poff[i + 1] += f->poff[i];
	for (int i = 0; i < N; i++)
		for (int e = f->soff[i]; e < f->soff[i + 1]; e++) {
			int s = f->succ[e];
			f->pred[f->poff[s] + fill[s]++] = i;
		}
	free(fill);
	return 0;
}

static int build_graph(fis *f)
{
	int N = f->nb + 2, total = 0, *tmp;
	size_t maxs = (size_t)f->nbar + 3;

	for (int i = 0; i < f->nb; i++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(f->bb[i]);
		if (t && LLVMGetNumSuccessors(t) + 1 > maxs)
			maxs = LLVMGetNumSuccessors(t) + 1;
	}
	f->soff = calloc((size_t)N + 1, sizeof(int));
	tmp = malloc(maxs * sizeof(int));
	f->succ = malloc(((size_t)N * maxs + 1) * sizeof(int));
	if (!f->soff || !tmp || !f->succ) {
		free(tmp);
		return -1;
	}
	for (int i = 0; i < N; i++) {
		int n = node_succs(f, i, tmp);
		f->soff[i] = total;
		for (int s = 0; s < n; s++) {
			if (tmp[s] < 0) {
				free(tmp);
				return -1;
			}
			f->succ[total++] = tmp[s];
		}
	}
	f->soff[N] = total;
	free(tmp);
	return build_preds(f);
}

static int intersect(const fis *f, int a, int b)
{
	while (a != b) {
		while (f->po[a] < f->po[b])
			a = f->idom[a];
		while (f->po[b] < f->po[a])
			b = f->idom[b];
	}
	return a;
}

/* Post-order numbers (iterative DFS from the entry), then the
 * Cooper-Harvey-Kennedy iteration in reverse post-order. */
static int dominators(fis *f)
{
	int N = f->nb + 2, *stk = malloc(2 * (size_t)N * sizeof(int));
	int *order = malloc((size_t)N * sizeof(int)), sp = 0, np = 0;
	bool changed = true;

	f->po = malloc((size_t)N * sizeof(int));
	f->idom = malloc((size_t)N * sizeof(int));
	if (!stk || !order || !f->po || !f->idom) {
		free(stk);
		free(order);
		return -1;
	}
	for (int i = 0; i < N; i++)
		f->po[i] = f->idom[i] = -1;
	f->po[0] = -2; /* on the stack */
	stk[sp++] = 0;
	stk[sp++] = f->soff[0];
	while (sp) {
		int n = stk[sp - 2], *e = &stk[sp - 1];
		if (*e < f->soff[n + 1]) {
			int s = f->succ[(*e)++];
			if (f->po[s] == -1) {
				f->po[s] = -2;
				stk[sp++] = s;
				stk[sp++] = f->soff[s];
			}
			continue;
		}
		f->po[n] = np;
		order[np++] = n;
		sp -= 2;
	}
	f->idom[0] = 0;
	while (changed) {
		changed = false;
		for (int r = np - 2; r >= 0; r--) {
			int n = order[r], nd = -1;
			for (int e = f->poff[n]; e < f->poff[n + 1]; e++) {
				int p = f->pred[e];
				if (f->idom[p] >= 0)
					nd = nd < 0 ? p : intersect(f, p, nd);
			}
			if (nd >= 0 && f->idom[n] != nd) {
				f->idom[n] = nd;
				changed = true;
			}
		}
	}
	free(stk);
	free(order);
	return 0;
}

static bool dominates(const fis *f, int a, int b)
{
	if (b < 0 || f->po[b] < 0)
		return true; /* unreachable use */
	while (b != a && b != 0)
		b = f->idom[b];
	return b == a;
}

static int add_slot(fis *f, LLVMValueRef v, LLVMTypeRef t, unsigned align)
{
	LLVMTypeKind k = LLVMGetTypeKind(t);
	uint64_t size;
	unsigned a;

	if (k == LLVMTokenTypeKind || k == LLVMLabelTypeKind ||
	    k == LLVMMetadataTypeKind || k == LLVMVoidTypeKind ||
	    k == LLVMFunctionTypeKind || k == LLVMScalableVectorTypeKind)
		return 1;
	size = LLVMABISizeOfType(f->td, t);
	a = LLVMABIAlignmentOfType(f->td, t);
	if (align > a)
		a = align;
	if (f->nslots == f->cap) {
		size_t nc = f->cap ? 2 * f->cap : 32;
		slot *ns = realloc(f->slots, nc * sizeof(*ns));
		if (!ns)
			return -1;
		f->slots = ns;
		f->cap = nc;
	}
	f->slots[f->nslots++] = (slot){v, (size + a - 1) / a * a, a, NULL};
	if (!f->slots[f->nslots - 1].stride)
		f->slots[f->nslots - 1].stride = a;
	return 0;
}

/* Available everywhere without a slot: constants, parameters, the
 * entry block's group set-up. */
static bool available(const fis *f, LLVMValueRef v)
{
	return !LLVMIsAInstruction(v) ||
	       LLVMGetInstructionParent(v) == f->bb[0];
}

/* Cheaper to recompute at a use than to keep per item: work-item ids,
 * the group pointer, loads of the (read-only) hx_group and hx_ndrange
 * fields through it, and address or integer arithmetic on those. */
static bool remat_ok(const fis *f, LLVMValueRef v, int depth, bool *grp)
{
	LLVMOpcode op;
	bool g = false;

	if (available(f, v))
		return true;
	if (depth > 6)
		return false;
	if (is_call_to(v, "__hx_local_id") || is_call_to(v, "__hx_group")) {
		for (unsigned i = 0; i < LLVMGetNumArgOperands(v); i++)
			if (!LLVMIsAConstant(LLVMGetOperand(v, i)))
				return false;
		*grp = is_call_to(v, "__hx_group");
		return true;
	}
	op = LLVMGetInstructionOpcode(v);
	if (op == LLVMLoad) {
		if (LLVMGetVolatile(v) ||
		    LLVMGetOrdering(v) != LLVMAtomicOrderingNotAtomic ||
		    !remat_ok(f, LLVMGetOperand(v, 0), depth + 1, &g) || !g)
			return false;
		*grp = true;
		return true;
	}
	if (!LLVMIsAGetElementPtrInst(v) && !LLVMIsACastInst(v) &&
	    !LLVMIsAICmpInst(v) && op != LLVMAdd && op != LLVMSub &&
	    op != LLVMMul && op != LLVMShl && op != LLVMLShr &&
	    op != LLVMAShr && op != LLVMAnd && op != LLVMOr && op != LLVMXor)
		return false;
	for (int i = 0; i < LLVMGetNumOperands(v); i++) {
		bool og = false;
		if (!remat_ok(f, LLVMGetOperand(v, (unsigned)i), depth + 1,
			      &og))
			return false;
		g |= og;
	}
	*grp = g;
	return true;
}

static bool rematerializable(const fis *f, LLVMValueRef v)
{
	bool g = false;

	return remat_ok(f, v, 0, &g);
}

static void inherit(fis *f, LLVMValueRef v, LLVMValueRef c);

/* A copy of v's computation before the builder's position. */
static LLVMValueRef remat_build(fis *f, LLVMValueRef v)
{
	LLVMValueRef c;

	if (available(f, v))
		return v;
	c = LLVMInstructionClone(v);
	for (int i = 0; i < LLVMGetNumOperands(v); i++) {
		LLVMValueRef o = LLVMGetOperand(v, (unsigned)i);
		if (LLVMIsAFunction(o) || available(f, o))
			continue;
		LLVMSetOperand(c, (unsigned)i, remat_build(f, o));
	}
	inherit(f, v, c);
	LLVMInsertIntoBuilder(f->b, c);
	return c;
}

/* Block where operand op of user u is used (a PHI's incoming block). */
static LLVMBasicBlockRef use_block(LLVMValueRef u, unsigned op)
{
	if (LLVMIsAPHINode(u))
		return LLVMGetIncomingBlock(u, op);
	return LLVMGetInstructionParent(u);
}

static bool use_ok(const fis *f, int def, LLVMValueRef u, unsigned op)
{
	LLVMBasicBlockRef ub = use_block(u, op);

	if (!LLVMIsAPHINode(u) && ub == f->bb[def])
		return true;
	return dominates(f, def, bidx(f, ub));
}

/* Calls fn(f, v, user, operand) for every use of v that the transformed
 * CFG no longer dominates; stops at the first nonzero return. */
static int bad_uses(fis *f, int def, LLVMValueRef v,
		    int (*fn)(fis *, LLVMValueRef, LLVMValueRef, unsigned))
{
	LLVMValueRef *users = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	/* Users first: fn may add uses of v. */
	for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef us = LLVMGetUser(u);
		if (n && users[n - 1] == us)
			continue; /* several operands of one user */
		if (!LLVMIsAInstruction(us)) {
			free(users);
			return -1;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			LLVMValueRef *nu = realloc(users, cap * sizeof(*nu));
			if (!nu) {
				free(users);
				return -1;
			}
			users = nu;
		}
		users[n++] = us;
	}
	for (size_t i = 0; i < n && !r; i++) {
		unsigned nops = (unsigned)LLVMGetNumOperands(users[i]);
		for (unsigned op = 0; op < nops && !r; op++)
			if (LLVMGetOperand(users[i], op) == v &&
			    !use_ok(f, def, users[i], op))
				r = fn(f, v, users[i], op);
	}
	free(users);
	return r;
}

static int count_bad(fis *f, LLVMValueRef v, LLVMValueRef u, unsigned op)
{
	(void)f, (void)v, (void)u, (void)op;
	return 1;
}

static void position_for_use(fis *f, LLVMValueRef u, unsigned op)
{
	if (LLVMIsAPHINode(u))
		LLVMPositionBuilderBefore(
		    f->b, LLVMGetBasicBlockTerminator(use_block(u, op)));
	else
		LLVMPositionBuilderBefore(f->b, u);
}

static int remat_use(fis *f, LLVMValueRef v, LLVMValueRef u, unsigned op)
{
	position_for_use(f, u, op);
	LLVMSetOperand(u, op, remat_build(f, v));
	return 0;
}

static bool unsupported(LLVMValueRef in)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(in);
	LLVMValueRef callee;
	size_t len;

	if (op == LLVMInvoke || op == LLVMCallBr || op == LLVMIndirectBr ||
	    op == LLVMLandingPad)
		return true;
	if (op != LLVMCall)
		return false;
	callee = LLVMGetCalledValue(in);
	if (!callee || !LLVMIsAFunction(callee))
		return true; /* indirect: OpenCL C has none */
	return !strncmp(LLVMGetValueName2(callee, &len), "llvm.stacksave", 14);
}

static size_t phash(LLVMValueRef v, size_t cap)
{
	return (size_t)(((uintptr_t)v >> 4) * 0x9E3779B97F4A7C15ull) &
	       (cap - 1);
}

static bool pset_has(const pset *s, LLVMValueRef v)
{
	if (!s->cap)
		return false;
	for (size_t i = phash(v, s->cap);; i = (i + 1) & (s->cap - 1)) {
		if (s->k[i] == v)
			return true;
		if (!s->k[i])
			return false;
	}
}

static int pset_add(pset *s, LLVMValueRef v)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		pset ns = {calloc(s->cap ? 2 * s->cap : 64, sizeof(*ns.k)),
			   s->cap ? 2 * s->cap : 64, 0};
		if (!ns.k)
			return -1;
		for (size_t j = 0; j < s->cap; j++)
			if (s->k[j])
				pset_add(&ns, s->k[j]);
		free(s->k);
		*s = ns;
	}
	for (i = phash(v, s->cap); s->k[i]; i = (i + 1) & (s->cap - 1))
		if (s->k[i] == v)
			return 0;
	s->k[i] = v;
	s->n++;
	return 0;
}

/* Whether v may differ between the items of a group (as far as the
 * uniformity analysis has got). */
static bool divergent(const fis *f, LLVMValueRef v)
{
	return LLVMIsAInstruction(v) && !available(f, v) &&
	       (pset_has(&f->div, v) || !pset_has(&f->seen, v));
}

/* A copy c of v made after the analysis is as divergent as v. */
static void inherit(fis *f, LLVMValueRef v, LLVMValueRef c)
{
	if (!f->seen.cap)
		return;
	if (divergent(f, v) && pset_add(&f->div, c))
		return;
	pset_add(&f->seen, c);
}

static bool pure_op(LLVMOpcode op)
{
	return (op >= LLVMAdd && op <= LLVMXor) ||
	       (op >= LLVMTrunc && op <= LLVMBitCast) ||
	       op == LLVMAddrSpaceCast ||
	       op == LLVMICmp || op == LLVMFCmp || op == LLVMSelect ||
	       op == LLVMGetElementPtr || op == LLVMExtractElement ||
	       op == LLVMInsertElement || op == LLVMShuffleVector ||
	       op == LLVMExtractValue || op == LLVMInsertValue ||
	       op == LLVMFreeze || op == LLVMFNeg;
}

/* Divergent: work-item ids, memory the items may write, calls, PHIs
 * where paths of a divergent branch meet (tainted blocks), and whatever
 * uses a divergent value. Uniform: the group set-up, the read-only
 * hx_group/hx_ndrange fields, and pure operations on uniform values. */
static bool div_rule(const fis *f, LLVMValueRef in, int bi)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(in);
	bool g = false;

	if (op == LLVMCall)
		return !is_call_to(in, "__hx_group");
	if (op == LLVMPHI) {
		if (f->taint[bi])
			return true;
		for (unsigned i = 0; i < LLVMCountIncoming(in); i++)
			if (divergent(f, LLVMGetIncomingValue(in, i)))
				return true;
		return false;
	}
	if (op == LLVMLoad && (!remat_ok(f, in, 0, &g) || !g))
		return true;
	if (op != LLVMLoad && !pure_op(op))
		return true;
	for (int i = 0; i < LLVMGetNumOperands(in); i++)
		if (divergent(f, LLVMGetOperand(in, (unsigned)i)))
			return true;
	return false;
}

/* The condition of block i's branch when it may differ between items. */
static bool divergent_branch(const fis *f, int i)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(f->bb[i]);

	if (!t || head_index(f, f->bb[i]) >= 0)
		return false;
	if (LLVMGetInstructionOpcode(t) == LLVMSwitch)
		return divergent(f, LLVMGetOperand(t, 0));
	return LLVMGetInstructionOpcode(t) == LLVMBr && LLVMIsConditional(t) &&
	       divergent(f, LLVMGetCondition(t));
}

/* Marks (in f->mark when taint is false, else in f->taint) every node
 * reachable from node i's successors before the sweep's latch; returns
 * whether a node was newly marked. */
static bool reach_from(fis *f, int i, int *stk, bool taint)
{
	int sp = 0;
	bool changed = false;

	for (int e = f->soff[i]; e < f->soff[i + 1]; e++)
		stk[sp++] = f->succ[e];
	while (sp) {
		int n = stk[--sp];
		if (n >= f->nb || (taint ? f->taint[n] : f->mark[n]))
			continue;
		if (taint)
			f->taint[n] = true;
		else
			f->mark[n] = 1;
		changed = true;
		for (int e = f->soff[n]; e < f->soff[n + 1]; e++)
			stk[sp++] = f->succ[e];
	}
	return changed;
}

/* Fixed point of div_rule and the taint of blocks reachable from a
 * divergent branch (optimistic start, so loop PHIs can be uniform). */
static int uniformity(fis *f)
{
	int N = f->nb + 2, *stk = malloc(((size_t)f->soff[N] + 1) * sizeof(int));
	bool changed = true;

	f->taint = calloc((size_t)N, sizeof(bool));
	f->mark = calloc((size_t)N, 1);
	if (!stk || !f->taint || !f->mark) {
		free(stk);
		return -1;
	}
	for (int i = 1; i < f->nb; i++)
		for (LLVMValueRef in = LLVMGetFirstInstruction(f->bb[i]); in;
		     in = LLVMGetNextInstruction(in))
			if (pset_add(&f->seen, in)) {
				free(stk);
				return -1;
			}
	while (changed) {
		changed = false;
		for (int i = 1; i < f->nb; i++)
			for (LLVMValueRef in = LLVMGetFirstInstruction(f->bb[i]);
			     in; in = LLVMGetNextInstruction(in)) {
				if (pset_has(&f->div, in) || !div_rule(f, in, i))
					continue;
				if (pset_add(&f->div, in)) {
					free(stk);
					return -1;
				}
				changed = true;
			}
		for (int i = 1; i < f->nb; i++)
			if (divergent_branch(f, i))
				changed |= reach_from(f, i, stk, true);
	}
	free(stk);
	return 0;
}

static int marked_use(fis *f, LLVMValueRef v, LLVMValueRef u, unsigned op)
{
	int b = bidx(f, use_block(u, op));

	(void)v;
	return b < 0 || f->mark[b];
}

/* A value crossing a barrier can be one scalar per group when it is
 * uniform, every item that has not returned runs its definition in a
 * sweep (no divergent branch before it), and no use can follow the
 * definition in the same sweep without the definition dominating it
 * (such a use would need this sweep's value, the others the last). */
static bool uniform_slot(fis *f, int def, LLVMValueRef v)
{
	int N = f->nb + 2, *stk;
	bool ok;

	if (divergent(f, v) || f->taint[def])
		return false;
	stk = malloc(((size_t)f->soff[N] + 1) * sizeof(int));
	if (!stk)
		return false;
	memset(f->mark, 0, (size_t)N);
	reach_from(f, def, stk, false);
	free(stk);
	ok = bad_uses(f, def, v, marked_use) == 0;
	return ok;
}

/* Guards "if (get_local_id(0) < u)" with u uniform, reached by a
 * uniform path from a region's start and whose failing side does
 * nothing before the barrier: the region's x loop can stop at u. */

/* The local id in dimension 0, possibly through integer casts. */
static bool is_lid0(LLVMValueRef v)
{
	while (LLVMIsATruncInst(v) || LLVMIsAZExtInst(v) || LLVMIsASExtInst(v))
		v = LLVMGetOperand(v, 0);
	return is_call_to(v, "__hx_local_id") &&
	       LLVMIsAConstantInt(LLVMGetOperand(v, 0)) &&
	       LLVMConstIntGetZExtValue(LLVMGetOperand(v, 0)) == 0;
}

/* Block gb's branch as a guard x < u / x <= u (either operand order,
 * either successor); false when it is not one. */
static bool guard_form(fis *f, LLVMBasicBlockRef gb, guard *q)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(gb), c, o[2];
	LLVMIntPredicate p;

	if (!t || LLVMGetInstructionOpcode(t) != LLVMBr || !LLVMIsConditional(t))
		return false;
	c = LLVMGetCondition(t);
	if (!LLVMIsAICmpInst(c) || LLVMGetInstructionParent(c) != gb ||
	    LLVMGetTypeKind(LLVMTypeOf(LLVMGetOperand(c, 0))) !=
		LLVMIntegerTypeKind ||
	    LLVMGetIntTypeWidth(LLVMTypeOf(LLVMGetOperand(c, 0))) < 32)
		return false;
	o[0] = LLVMGetOperand(c, 0);
	o[1] = LLVMGetOperand(c, 1);
	p = LLVMGetICmpPredicate(c);
	if (is_lid0(o[0]) && !divergent(f, o[1]))
		q->xop = 0;
	else if (is_lid0(o[1]) && !divergent(f, o[0]))
		q->xop = 1;
	else
		return false;
	if (q->xop == 1) /* as x OP u */
		p = p == LLVMIntULT   ? LLVMIntUGT
		    : p == LLVMIntUGT ? LLVMIntULT
		    : p == LLVMIntULE ? LLVMIntUGE
		    : p == LLVMIntUGE ? LLVMIntULE
		    : p == LLVMIntSLT ? LLVMIntSGT
		    : p == LLVMIntSGT ? LLVMIntSLT
		    : p == LLVMIntSLE ? LLVMIntSGE
		    : p == LLVMIntSGE ? LLVMIntSLE
				      : p;
	if (p == LLVMIntEQ || p == LLVMIntNE)
		return false;
	q->sgn = p >= LLVMIntSGT;
	/* x < u, x <= u pass when true; x >= u, x > u when false */
	q->pass = p == LLVMIntULT || p == LLVMIntULE || p == LLVMIntSLT ||
			  p == LLVMIntSLE
		      ? 0
		      : 1;
	q->strict = p == LLVMIntULT || p == LLVMIntSLT || p == LLVMIntUGE ||
		    p == LLVMIntSGE;
	q->g = gb;
	return true;
}

/* Nothing an item could do that others would miss: pure operations,
 * the hx_group fields, ids. */
static bool quiet_block(const fis *f, LLVMBasicBlockRef bb)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);

	for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in && in != t;
	     in = LLVMGetNextInstruction(in)) {
		LLVMOpcode op = LLVMGetInstructionOpcode(in);
		if (pure_op(op) || op == LLVMPHI || is_call_to(in, "__hx_group") ||
		    is_call_to(in, "__hx_local_id"))
			continue;
		if (op == LLVMLoad && !divergent(f, in))
			continue;
		return false;
	}
	return true;
}

/* The failing side: empty blocks down to barriers, no return. */
static bool empty_side(fis *f, int from, int *stk)
{
	memset(f->mark, 0, (size_t)f->nb + 2);
	f->mark[from] = 1;
	reach_from(f, from, stk, false);
	for (int i = 0; i < f->nb; i++) {
		LLVMValueRef in, t;
		if (!f->mark[i])
			continue;
		t = LLVMGetBasicBlockTerminator(f->bb[i]);
		in = LLVMGetFirstInstruction(f->bb[i]);
		if (head_index(f, f->bb[i]) >= 0) {
			if (in != LLVMGetPreviousInstruction(t))
				return false;
		} else if (in != t || LLVMGetInstructionOpcode(t) != LLVMBr ||
			   LLVMIsConditional(t)) {
			return false;
		}
	}
	return true;
}

/* Blocks on the one path from region start s to guard block gi, in
 * q->chain; false unless every block on it is quiet and untainted, the
 * path is unique and gi runs at most once per item and sweep. */
static bool guard_chain(fis *f, int s, int gi, guard *q, int *stk)
{
	char *bw = calloc((size_t)f->nb + 2, 1);
	int sp = 0, b = s;
	bool ok = false;

	memset(f->mark, 0, (size_t)f->nb + 2);
	reach_from(f, gi, stk, false);
	if (!bw || f->mark[gi] || f->taint[gi] || !quiet_block(f, f->bb[gi]))
		goto out;
	bw[gi] = 1; /* blocks that reach gi within the sweep */
	stk[sp++] = gi;
	while (sp) {
		int n = stk[--sp];
		for (int e = f->poff[n]; e < f->poff[n + 1]; e++) {
			int p = f->pred[e];
			if (p > 0 && p < f->nb && !bw[p] && p != s) {
				bw[p] = 1;
				stk[sp++] = p;
			}
		}
	}
	for (q->n = 0; b != gi; q->n++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(f->bb[b]);
		int next = -1;
		if (q->n == MAX_CHAIN || f->taint[b] || !t ||
		    LLVMGetInstructionOpcode(t) != LLVMBr ||
		    head_index(f, f->bb[b]) >= 0 || !quiet_block(f, f->bb[b]))
			goto out;
		q->chain[q->n] = f->bb[b];
		for (unsigned i = 0; i < LLVMGetNumSuccessors(t); i++) {
			int x = bidx(f, LLVMGetSuccessor(t, i));
			if (x < 0 || !bw[x] || x == next)
				continue;
			if (next >= 0)
				goto out;
			next = x;
		}
		if (next < 0)
			goto out;
		b = next;
	}
	ok = true;
out:
	free(bw);
	return ok;
}

static bool slot_in_chain(const fis *f, const guard *q)
{
	for (size_t i = 0; i < f->nslots; i++) {
		const slot *s = &f->slots[i];
		LLVMBasicBlockRef d = LLVMGetInstructionParent(s->v);
		if (s->uni || LLVMIsAAllocaInst(s->v))
			continue;
		if (d == q->g)
			return true;
		for (int k = 0; k < q->n; k++)
			if (q->chain[k] == d)
				return true;
	}
	return false;
}

/* One guard at most per region start, the first that qualifies. */
static int region_guard(fis *f, int s, int *stk)
{
	char *fw = malloc((size_t)f->nb + 2);
	guard q = {0};

	if (!fw)
		return -1;
	memset(f->mark, 0, (size_t)f->nb + 2);
	f->mark[s] = 1;
	reach_from(f, s, stk, false);
	memcpy(fw, f->mark, (size_t)f->nb + 2);
	for (int i = 1; i < f->nb; i++) {
		if (!fw[i] || f->taint[i] || !guard_form(f, f->bb[i], &q) ||
		    !empty_side(f, bidx(f, LLVMGetSuccessor(
					     LLVMGetBasicBlockTerminator(f->bb[i]),
					     1 - q.pass)),
				stk) ||
		    !guard_chain(f, s, i, &q, stk) || slot_in_chain(f, &q))
			continue;
		guard *ng = realloc(f->guards, (f->nguards + 1) * sizeof(*ng));
		if (!ng) {
			free(fw);
			return -1;
		}
		q.start = f->bb[s];
		f->guards = ng;
		f->guards[f->nguards++] = q;
		break;
	}
	free(fw);
	return 0;
}

static int find_guards(fis *f)
{
	int *stk = malloc(((size_t)f->soff[f->nb + 2] + 1) * sizeof(int));
	int r = stk ? region_guard(f, bidx(f, f->kstart), stk) : -1;

	for (int k = 0; k < f->nbar && !r; k++)
		r = region_guard(f, bidx(f, LLVMGetNextBasicBlock(f->heads[k])),
				 stk);
	free(stk);
	return r;
}

/* Which values need a context slot; 1 when the kernel must keep fibers. */
static int analyse(fis *f)
{
	uint64_t bytes = 1; /* the done flag */
	bool uni;
	int r;

	if (uniformity(f))
		return -1;

	for (int i = 0; i < f->nb; i++)
		for (LLVMValueRef in = LLVMGetFirstInstruction(f->bb[i]); in;
		     in = LLVMGetNextInstruction(in)) {
			if (unsupported(in))
				return 1;
			if (LLVMIsAAllocaInst(in)) {
				LLVMValueRef n = LLVMGetOperand(in, 0);
				if (i != 0 || !LLVMIsAConstantInt(n) ||
				    LLVMConstIntGetZExtValue(n) != 1)
					return 1;
				for (LLVMUseRef u = LLVMGetFirstUse(in); u;
				     u = LLVMGetNextUse(u))
					if (LLVMGetInstructionParent(
						LLVMGetUser(u)) == f->bb[0])
						return 1;
				if ((r = add_slot(f, in,
						  LLVMGetAllocatedType(in),
						  LLVMGetAlignment(in))))
					return r;
				continue;
			}
			if (i == 0 ||
			    LLVMGetTypeKind(LLVMTypeOf(in)) == LLVMVoidTypeKind)
				continue;
			if (rematerializable(f, in)) {
				if (bad_uses(f, i, in, remat_use) < 0)
					return 1;
				continue;
			}
			r = bad_uses(f, i, in, count_bad);
			if (r < 0)
				return 1;
			if (!r)
				continue;
			uni = uniform_slot(f, i, in);
			if ((r = add_slot(f, in, LLVMTypeOf(in), 0)))
				return r;
			if (uni && f->nslots) {
				f->slots[f->nslots - 1].uni = true;
				f->slots[f->nslots - 1].stride = 0;
			}
		}
	for (size_t s = 0; s < f->nslots; s++)
		bytes += f->slots[s].stride;
	if (bytes > MAX_CTX_BYTES)
		return 1;
	return find_guards(f);
}

static int demote_use(fis *f, LLVMValueRef v, LLVMValueRef u, unsigned op)
{
	slot *s = NULL;
	LLVMValueRef ld;

	for (size_t i = 0; i < f->nslots && !s; i++)
		if (f->slots[i].v == v)
			s = &f->slots[i];
	if (!s)
		return -1;
	position_for_use(f, u, op);
	ld = LLVMBuildLoad2(f->b, LLVMTypeOf(v), s->ptr, "");
	LLVMSetAlignment(ld, s->align);
	LLVMSetOperand(u, op, ld);
	return 0;
}

/* Slot s gets the item's value right after its definition, uses that
 * the new CFG does not dominate load it; private allocas become the
 * item's part of the context array. */
static int place_slot(fis *f, slot *s)
{
	LLVMValueRef v = s->v, st, at;
	int def = bidx(f, LLVMGetInstructionParent(v));

	if (LLVMIsAAllocaInst(v)) {
		LLVMReplaceAllUsesWith(v, s->ptr);
		LLVMInstructionEraseFromParent(v);
		return 0;
	}
	if (bad_uses(f, def, v, demote_use))
		return -1;
	at = LLVMGetNextInstruction(v);
	if (LLVMIsAPHINode(v))
		while (LLVMIsAPHINode(at))
			at = LLVMGetNextInstruction(at);
	LLVMPositionBuilderBefore(f->b, at);
	st = LLVMBuildStore(f->b, v, s->uni ? s->w : s->ptr);
	LLVMSetAlignment(st, s->align);
	return 0;
}

static LLVMValueRef gep8(fis *f, LLVMValueRef base, LLVMValueRef off)
{
	return LLVMBuildInBoundsGEP2(f->b, f->i8, base, &off, 1, "");
}

static LLVMBasicBlockRef block(fis *f, const char *name)
{
	return LLVMAppendBasicBlockInContext(f->ctx, f->fn, name);
}

/* A uniform slot's two scalars, static allocas (promoted to registers
 * by O3), defined from the start so that no path reads undef. */
static void uniform_allocas(fis *f, slot *s, LLVMBasicBlockRef entry)
{
	LLVMTypeRef t = LLVMTypeOf(s->v);

	LLVMPositionBuilderBefore(f->b, LLVMGetFirstInstruction(entry));
	s->ptr = LLVMBuildAlloca(f->b, t, "uni");
	s->w = LLVMBuildAlloca(f->b, t, "uni.w");
	LLVMPositionBuilderAtEnd(f->b, entry);
	LLVMBuildStore(f->b, LLVMConstNull(t), s->ptr);
	LLVMBuildStore(f->b, LLVMConstNull(t), s->w);
}

typedef struct loops {
	LLVMBasicBlockRef sweep, hdr[3], disp, latch[3], end, cont;
	LLVMValueRef ls[3], id[3], cur, next, doneflags, nwi;
	LLVMValueRef nret; /* items that returned in this sweep */
} loops;

/* Per-item slots: local size x stride bytes each; uniform ones: two
 * scalars. */
static void context_arrays(fis *f, const loops *l, LLVMBasicBlockRef entry)
{
	for (size_t i = 0; i < f->nslots; i++) {
		LLVMValueRef a;
		if (f->slots[i].uni) {
			uniform_allocas(f, &f->slots[i], entry);
			continue;
		}
		a = LLVMBuildArrayAlloca(
		    f->b, f->i8,
		    LLVMBuildNUWMul(f->b, l->nwi,
				    LLVMConstInt(f->i64, f->slots[i].stride, 0),
				    ""),
		    "ctx");
		LLVMSetAlignment(a, f->slots[i].align);
		f->slots[i].ptr = a; /* the base until the dispatch */
	}
}

/* entry: context arrays; sweep: run region cur for every item
 * (z, y, x loops), then continue with the region the items' barrier
 * named, or return when every item returned. */
static void build_frame(fis *f, loops *l)
{
	static const char *const nm[3] = {"x", "y", "z"};
	LLVMValueRef zero = LLVMConstInt(f->i64, 0, 0), wi, flag, t;
	LLVMValueRef m1 = LLVMConstInt(f->i32, (unsigned long long)-1, 1);
	LLVMBasicBlockRef entry = f->bb[0], prev;

	t = LLVMGetBasicBlockTerminator(entry);
	LLVMPositionBuilderBefore(f->b, LLVMGetFirstInstruction(entry));
	l->next = LLVMBuildAlloca(f->b, f->i32, "next");
	l->nret = LLVMBuildAlloca(f->b, f->i32, "nret");
	LLVMInstructionEraseFromParent(t);
	LLVMPositionBuilderAtEnd(f->b, entry);
	for (int d = 0; d < 3; d++)
		l->ls[d] = LLVMBuildLoad2(
		    f->b, f->i64,
		    gep8(f, f->g,
			 LLVMConstInt(f->i64,
				      offsetof(hx_group, local_size) + 8 * d,
				      0)),
		    "");
	l->nwi = LLVMBuildNUWMul(
	    f->b, LLVMBuildNUWMul(f->b, l->ls[0], l->ls[1], ""), l->ls[2], "");
	context_arrays(f, l, entry);
	l->doneflags = LLVMBuildArrayAlloca(f->b, f->i8, l->nwi, "done");
	LLVMBuildMemSet(f->b, l->doneflags, LLVMConstInt(f->i8, 0, 0), l->nwi,
			1);
	l->sweep = block(f, "sweep");
	LLVMBuildBr(f->b, l->sweep);
	LLVMPositionBuilderAtEnd(f->b, l->sweep);
	l->cur = LLVMBuildPhi(f->b, f->i32, "region");
	t = LLVMConstInt(f->i32, 0, 0);
	LLVMAddIncoming(l->cur, &t, &entry, 1);
	LLVMBuildStore(f->b, m1, l->next);
	LLVMBuildStore(f->b, LLVMConstInt(f->i32, 0, 0), l->nret);
	prev = l->sweep;
	for (int d = 2; d >= 0; d--) {
		l->hdr[d] = block(f, nm[d]);
		LLVMBuildBr(f->b, l->hdr[d]);
		LLVMPositionBuilderAtEnd(f->b, l->hdr[d]);
		l->id[d] = LLVMBuildPhi(f->b, f->i64, nm[d]);
		LLVMAddIncoming(l->id[d], &zero, &prev, 1);
		prev = l->hdr[d];
	}
	wi = LLVMBuildNUWAdd(
	    f->b,
	    LLVMBuildNUWMul(
		f->b,
		LLVMBuildNUWAdd(f->b,
				LLVMBuildNUWMul(f->b, l->id[2], l->ls[1], ""),
				l->id[1], ""),
		l->ls[0], ""),
	    l->id[0], "wi");
	for (size_t i = 0; i < f->nslots; i++)
		if (!f->slots[i].uni)
			f->slots[i].ptr =
			    gep8(f, f->slots[i].ptr,
			 LLVMBuildNUWMul(
			     f->b, wi,
			     LLVMConstInt(f->i64, f->slots[i].stride, 0), ""));
	l->doneflags = gep8(f, l->doneflags, wi);
	flag = LLVMBuildLoad2(f->b, f->i8, l->doneflags, "");
	l->disp = block(f, "dispatch");
	l->latch[0] = block(f, "latch.x");
	LLVMBuildCondBr(
	    f->b,
	    LLVMBuildICmp(f->b, LLVMIntNE, flag, LLVMConstInt(f->i8, 0, 0), ""),
	    l->latch[0], l->disp);
}

/* Closes the z/y/x loops after the latch and ends the sweep. */
static void close_frame(fis *f, loops *l)
{
	LLVMValueRef one = LLVMConstInt(f->i64, 1, 0), nv;
	LLVMValueRef m1 = LLVMConstInt(f->i32, (unsigned long long)-1, 1);
	LLVMBasicBlockRef end = block(f, "sweep.end"), exit = block(f, "exit");

	l->cont = block(f, "sweep.next");
	l->end = end;

	for (int d = 0; d < 3; d++) {
		LLVMBasicBlockRef out = d < 2 ? block(f, "latch") : end;
		LLVMPositionBuilderAtEnd(f->b, l->latch[d]);
		LLVMValueRef n = LLVMBuildNUWAdd(f->b, l->id[d], one, "");
		LLVMBuildCondBr(
		    f->b, LLVMBuildICmp(f->b, LLVMIntULT, n, l->ls[d], ""),
		    l->hdr[d], out);
		LLVMAddIncoming(l->id[d], &n, &l->latch[d], 1);
		if (d < 2)
			l->latch[d + 1] = out;
	}
	LLVMPositionBuilderAtEnd(f->b, end);
	for (size_t i = 0; i < f->nslots; i++) {
		slot *s = &f->slots[i];
		if (s->uni)
			LLVMBuildStore(
			    f->b, LLVMBuildLoad2(f->b, LLVMTypeOf(s->v), s->w, ""),
			    s->ptr);
	}
	nv = LLVMBuildLoad2(f->b, f->i32, l->next, "");
	LLVMBuildCondBr(f->b, LLVMBuildICmp(f->b, LLVMIntEQ, nv, m1, ""), exit,
			l->cont);
	LLVMPositionBuilderAtEnd(f->b, l->cont);
	LLVMBuildBr(f->b, l->sweep);
	LLVMAddIncoming(l->cur, &nv, &l->cont, 1);
	LLVMPositionBuilderAtEnd(f->b, exit);
	LLVMBuildRetVoid(f->b);
}

/* Barriers end their region with "next = k; continue with the next
 * item"; returns mark the item done. */
static void build_exits(fis *f, loops *l)
{
	LLVMValueRef sw, t, x;

	LLVMPositionBuilderAtEnd(f->b, l->disp);
	sw = LLVMBuildSwitch(f->b, l->cur, f->kstart, (unsigned)f->nbar);
	for (int k = 0; k < f->nbar; k++) {
		LLVMValueRef id = LLVMConstInt(f->i32, (unsigned)k + 1, 0);
		t = LLVMGetBasicBlockTerminator(f->heads[k]);
		LLVMAddCase(sw, id, LLVMGetSuccessor(t, 0));
		x = LLVMGetPreviousInstruction(t);
		LLVMInstructionEraseFromParent(t);
		LLVMInstructionEraseFromParent(x);
		LLVMPositionBuilderAtEnd(f->b, f->heads[k]);
		LLVMBuildStore(f->b, id, l->next);
		LLVMBuildBr(f->b, l->latch[0]);
	}
	for (int i = 1; i < f->nb; i++) {
		if (!is_ret(f->bb[i]))
			continue;
		LLVMInstructionEraseFromParent(
		    LLVMGetBasicBlockTerminator(f->bb[i]));
		LLVMPositionBuilderAtEnd(f->b, f->bb[i]);
		LLVMBuildStore(
		    f->b,
		    LLVMBuildAdd(f->b, LLVMBuildLoad2(f->b, f->i32, l->nret, ""),
				 LLVMConstInt(f->i32, 1, 0), ""),
		    l->nret);
		LLVMBuildStore(f->b, LLVMConstInt(f->i8, 1, 0), l->doneflags);
		LLVMBuildBr(f->b, l->latch[0]);
	}
}

/* __hx_local_id(d) becomes the loop ids before the nest is cloned per
 * region (each clone has its own ids). Out-of-range dims give 0. */
static void lower_local_ids(fis *f, const loops *l)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f->fn); bb;
	     bb = LLVMGetNextBasicBlock(bb)) {
		LLVMValueRef in = LLVMGetFirstInstruction(bb), next;
		for (; in; in = next) {
			LLVMValueRef dim, r = LLVMConstInt(f->i64, 0, 0);
			next = LLVMGetNextInstruction(in);
			if (!is_call_to(in, "__hx_local_id"))
				continue;
			dim = LLVMGetOperand(in, 0);
			LLVMPositionBuilderBefore(f->b, in);
			for (int d = 2; d >= 0; d--)
				r = LLVMBuildSelect(
				    f->b,
				    LLVMBuildICmp(f->b, LLVMIntEQ, dim,
						  LLVMConstInt(LLVMTypeOf(dim),
							       (unsigned)d, 0),
						  ""),
				    l->id[d], r, "");
			if (LLVMTypeOf(r) != LLVMTypeOf(in))
				r = LLVMBuildIntCast2(f->b, r, LLVMTypeOf(in),
						      0, "");
			LLVMReplaceAllUsesWith(in, r);
			LLVMInstructionEraseFromParent(in);
		}
	}
}

typedef struct vpair {
	LLVMValueRef from, to;
} vpair;

typedef struct cmap {
	vpair *p;
	size_t n, cap;
	LLVMBasicBlockRef *blocks; /* the blocks to clone */
	size_t nblocks, bcap;
} cmap;

static int cmp_pair(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const vpair *)a)->from;
	uintptr_t y = (uintptr_t)((const vpair *)b)->from;

	return x < y ? -1 : x > y;
}

static int map_add(cmap *m, LLVMValueRef from, LLVMValueRef to)
{
	if (m->n == m->cap) {
		size_t nc = m->cap ? 2 * m->cap : 256;
		vpair *np = realloc(m->p, nc * sizeof(*np));
		if (!np)
			return -1;
		m->p = np;
		m->cap = nc;
	}
	m->p[m->n++] = (vpair){from, to};
	return 0;
}

static LLVMValueRef map_get(const cmap *m, LLVMValueRef v)
{
	vpair k = {v, NULL}, *r;

	r = bsearch(&k, m->p, m->n, sizeof(k), cmp_pair);
	return r ? r->to : NULL;
}

static bool in_set(const cmap *m, LLVMBasicBlockRef bb)
{
	for (size_t i = 0; i < m->nblocks; i++)
		if (m->blocks[i] == bb)
			return true;
	return false;
}

static int set_add(cmap *m, LLVMBasicBlockRef bb)
{
	if (in_set(m, bb))
		return 0;
	if (m->nblocks == m->bcap) {
		size_t nc = m->bcap ? 2 * m->bcap : 64;
		LLVMBasicBlockRef *nb = realloc(m->blocks, nc * sizeof(*nb));
		if (!nb)
			return -1;
		m->blocks = nb;
		m->bcap = nc;
	}
	m->blocks[m->nblocks++] = bb;
	return 0;
}

/* Region r's item loop nest: the z/y/x headers and latches, and every
 * block reachable from the region's start before the item latch. */
static int region_set(const loops *l, LLVMBasicBlockRef start, cmap *m)
{
	m->nblocks = 0;
	for (int d = 2; d >= 0; d--)
		if (set_add(m, l->hdr[d]))
			return -1;
	for (int d = 0; d < 3; d++)
		if (set_add(m, l->latch[d]))
			return -1;
	if (set_add(m, start))
		return -1;
	for (size_t i = 6; i < m->nblocks; i++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(m->blocks[i]);
		for (unsigned s = 0; t && s < LLVMGetNumSuccessors(t); s++)
			if (set_add(m, LLVMGetSuccessor(t, s)))
				return -1;
	}
	return 0;
}

/* A clone's PHIs name the original predecessors (LLVM-C cannot change
 * an incoming block): rebuilt with mapped ones, dropping predecessors
 * outside the clone. */
static void rebuild_phi(fis *f, const cmap *m, LLVMValueRef phi)
{
	LLVMValueRef np;

	LLVMPositionBuilderBefore(f->b, phi);
	np = LLVMBuildPhi(f->b, LLVMTypeOf(phi), "");
	for (unsigned i = 0; i < LLVMCountIncoming(phi); i++) {
		LLVMValueRef bv = LLVMBasicBlockAsValue(
				 LLVMGetIncomingBlock(phi, i)),
			     v = LLVMGetIncomingValue(phi, i);
		LLVMValueRef nb = map_get(m, bv);
		LLVMBasicBlockRef b;
		if (!nb)
			continue;
		b = LLVMValueAsBasicBlock(nb);
		LLVMAddIncoming(np, &v, &b, 1);
	}
	LLVMReplaceAllUsesWith(phi, np);
	LLVMInstructionEraseFromParent(phi);
}

static void remap_block(const cmap *m, LLVMBasicBlockRef nb)
{
	LLVMValueRef in = LLVMGetFirstInstruction(nb), t;

	for (; in; in = LLVMGetNextInstruction(in))
		for (int i = 0; i < LLVMGetNumOperands(in); i++) {
			LLVMValueRef o = LLVMGetOperand(in, (unsigned)i), c;
			if (LLVMValueIsBasicBlock(o) || !(c = map_get(m, o)))
				continue;
			LLVMSetOperand(in, (unsigned)i, c);
		}
	t = LLVMGetBasicBlockTerminator(nb);
	for (unsigned s = 0; s < LLVMGetNumSuccessors(t); s++) {
		LLVMValueRef c =
		    map_get(m, LLVMBasicBlockAsValue(LLVMGetSuccessor(t, s)));
		if (c)
			LLVMSetSuccessor(t, s, LLVMValueAsBasicBlock(c));
	}
}

static void rebuild_phis(fis *f, const cmap *m, LLVMBasicBlockRef nb)
{
	LLVMValueRef in = LLVMGetFirstInstruction(nb), next;

	for (; in && LLVMIsAPHINode(in); in = next) {
		next = LLVMGetNextInstruction(in);
		rebuild_phi(f, m, in);
	}
}

/* v's computation again at the end of the bound block: only what every
 * item computes alike and cannot trap (uniform scalars, hx_group
 * fields, pure arithmetic); *ok false otherwise. */
static LLVMValueRef pre_remat(fis *f, LLVMValueRef v, bool *ok, int depth)
{
	LLVMOpcode op;
	LLVMValueRef c;
	bool g = false, uni = false;

	if (!*ok || !LLVMIsAInstruction(v) || available(f, v))
		return v;
	op = LLVMGetInstructionOpcode(v);
	if (depth > 16)
		op = LLVMUnreachable;
	if (op == LLVMPHI && LLVMCountIncoming(v) == 1)
		return pre_remat(f, LLVMGetIncomingValue(v, 0), ok, depth + 1);
	for (size_t i = 0; op == LLVMLoad && i < f->nslots; i++)
		uni |= f->slots[i].uni && f->slots[i].ptr == LLVMGetOperand(v, 0);
	if (op == LLVMLoad)
		g = !LLVMGetVolatile(v) &&
		    LLVMGetOrdering(v) == LLVMAtomicOrderingNotAtomic &&
		    (uni || (remat_ok(f, v, 0, &g) && g));
	else if (op == LLVMCall)
		g = is_call_to(v, "__hx_group");
	else
		g = pure_op(op) && op != LLVMUDiv && op != LLVMSDiv &&
		    op != LLVMURem && op != LLVMSRem;
	if (!g) {
		*ok = false;
		return v;
	}
	c = LLVMInstructionClone(v);
	for (int i = 0; i < LLVMGetNumOperands(v); i++) {
		LLVMValueRef o = LLVMGetOperand(v, (unsigned)i);
		if (!LLVMIsAFunction(o))
			LLVMSetOperand(c, (unsigned)i,
				       pre_remat(f, o, ok, depth + 1));
	}
	LLVMInsertIntoBuilder(f->b, c);
	return c;
}

static LLVMValueRef umin(fis *f, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildSelect(f->b, LLVMBuildICmp(f->b, LLVMIntULT, a, b, ""),
			       a, b, "");
}

/* How many x ids pass the guard against u (at least 1: item 0 runs
 * the region, if only to reach the barrier), at most ls. */
static LLVMValueRef bound_value(fis *f, const guard *q, LLVMValueRef u,
				LLVMValueRef ls)
{
	LLVMValueRef zero = LLVMConstInt(f->i64, 0, 0), one, b;

	one = LLVMConstInt(f->i64, 1, 0);
	if (LLVMGetIntTypeWidth(LLVMTypeOf(u)) < 64)
		u = q->sgn ? LLVMBuildSExt(f->b, u, f->i64, "")
			   : LLVMBuildZExt(f->b, u, f->i64, "");
	if (q->strict)
		b = umin(f, u, ls);
	else
		b = LLVMBuildSelect(f->b,
				    LLVMBuildICmp(f->b, LLVMIntULT, u, ls, ""),
				    LLVMBuildAdd(f->b, u, one, ""), ls, "");
	if (q->sgn)
		b = LLVMBuildSelect(f->b,
				    LLVMBuildICmp(f->b, LLVMIntSLT, u, zero, ""),
				    zero, b, "");
	return LLVMBuildSelect(f->b, LLVMBuildICmp(f->b, LLVMIntEQ, b, zero, ""),
			       one, b, "");
}

static LLVMBasicBlockRef cloned(const cmap *m, LLVMBasicBlockRef bb)
{
	return LLVMValueAsBasicBlock(map_get(m, LLVMBasicBlockAsValue(bb)));
}

/* Whether this sweep goes the chain's way to the guard. */
static LLVMValueRef chain_taken(fis *f, const cmap *m, const guard *q,
				bool *ok)
{
	LLVMValueRef r = LLVMConstInt(LLVMInt1TypeInContext(f->ctx), 1, 0);

	for (int i = 0; i < q->n; i++) {
		LLVMValueRef t = LLVMGetBasicBlockTerminator(cloned(m, q->chain[i]));
		LLVMBasicBlockRef nx =
		    cloned(m, i + 1 < q->n ? q->chain[i + 1] : q->g);
		LLVMValueRef c;
		if (!LLVMIsConditional(t) ||
		    LLVMGetSuccessor(t, 0) == LLVMGetSuccessor(t, 1))
			continue;
		c = pre_remat(f, LLVMGetCondition(t), ok, 0);
		if (LLVMGetSuccessor(t, 1) == nx)
			c = LLVMBuildNot(f->b, c, "");
		r = LLVMBuildAnd(f->b, r, c, "");
	}
	return r;
}

/* The region's x loop (latch xl) stops at the guard's bound when the
 * sweep reaches the guard; there the guard is then true for every x
 * run but 0, so it tests x = 0 instead (loop-invariant: O3 unswitches
 * it and vectorises without masks). pre ends branching to hdr. */
static void build_bound(fis *f, const loops *l, const cmap *m,
			const guard *q, LLVMBasicBlockRef pre,
			LLVMBasicBlockRef xl, LLVMBasicBlockRef hdr)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(cloned(m, q->g));
	LLVMValueRef c = LLVMGetCondition(t), reach, u, b, o[2];
	bool ok = true;

	LLVMPositionBuilderAtEnd(f->b, pre);
	reach = chain_taken(f, m, q, &ok);
	u = pre_remat(f, LLVMGetOperand(c, 1 - q->xop), &ok, 0);
	if (ok) {
		b = LLVMBuildSelect(f->b, reach, bound_value(f, q, u, l->ls[0]),
				    l->ls[0], "xbound");
		LLVMSetOperand(LLVMGetCondition(LLVMGetBasicBlockTerminator(xl)),
			       1, b);
		o[0] = LLVMGetOperand(c, 0);
		o[1] = LLVMGetOperand(c, 1);
		o[q->xop] = LLVMConstInt(LLVMTypeOf(o[q->xop]), 0, 0);
		LLVMPositionBuilderBefore(f->b, t);
		LLVMSetCondition(t, LLVMBuildICmp(f->b, LLVMGetICmpPredicate(c),
						  o[0], o[1], ""));
		LLVMPositionBuilderAtEnd(f->b, pre);
	}
	LLVMBuildBr(f->b, hdr);
}

/* Clones region r's loop nest; entered from `from` (the fast dispatch),
 * the x header goes straight to the region's start, no done test. */
static LLVMBasicBlockRef clone_region(fis *f, const loops *l, cmap *m,
				      LLVMBasicBlockRef start,
				      LLVMBasicBlockRef from, const guard *q)
{
	LLVMBasicBlockRef *nbs, pre = q ? block(f, "bound") : NULL;
	LLVMValueRef t;

	if (pre)
		from = pre;
	if (region_set(l, start, m))
		return NULL;
	nbs = malloc(m->nblocks * sizeof(*nbs));
	if (!nbs)
		return NULL;
	m->n = 0;
	for (size_t i = 0;
	     i < m->nblocks &&
	     !map_add(m, LLVMBasicBlockAsValue(m->blocks[i]),
		      LLVMBasicBlockAsValue(nbs[i] = block(f, "region")));
	     i++) {
		LLVMPositionBuilderAtEnd(f->b, nbs[i]);
		for (LLVMValueRef in = LLVMGetFirstInstruction(m->blocks[i]);
		     in; in = LLVMGetNextInstruction(in)) {
			LLVMValueRef c = LLVMInstructionClone(in);
			LLVMInsertIntoBuilder(f->b, c);
			if (map_add(m, in, c)) {
				free(nbs);
				return NULL;
			}
		}
	}
	if (map_add(m, LLVMBasicBlockAsValue(l->sweep),
		    LLVMBasicBlockAsValue(from)) ||
	    map_add(m, LLVMBasicBlockAsValue(l->disp),
		    LLVMBasicBlockAsValue(nbs[2]))) {
		free(nbs);
		return NULL;
	}
	qsort(m->p, m->n, sizeof(*m->p), cmp_pair);
	/* The x header: no done test, straight to the region. */
	t = LLVMGetBasicBlockTerminator(nbs[2]);
	LLVMInstructionEraseFromParent(t);
	LLVMPositionBuilderAtEnd(f->b, nbs[2]);
	LLVMBuildBr(f->b, start);
	for (size_t i = 0; i < m->nblocks; i++)
		remap_block(m, nbs[i]);
	/* After every operand: the map names the clones rebuild_phi
	 * replaces. */
	for (size_t i = 0; i < m->nblocks; i++)
		rebuild_phis(f, m, nbs[i]);
	start = nbs[0];
	if (pre) {
		build_bound(f, l, m, q, pre, nbs[3], nbs[0]);
		start = pre;
	}
	free(nbs);
	return start;
}

/* The last store of a block that ends a region: to the done flag (a
 * return) or to next (a barrier). */
static LLVMValueRef exit_store(LLVMBasicBlockRef bb)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);
	LLVMValueRef s = t ? LLVMGetPreviousInstruction(t) : NULL;

	return s && LLVMIsAStoreInst(s) ? LLVMGetOperand(s, 1) : NULL;
}

/* Whether region set m both returns and reaches a barrier: items may
 * then have returned while others wait (a kernel breaking the barrier
 * rule), which only the done flags of the slow nest handle. */
static bool mixed_exits(const cmap *m, const loops *l)
{
	bool ret = false, bar = false;

	for (size_t i = 6; i < m->nblocks; i++) {
		LLVMValueRef p = exit_store(m->blocks[i]);
		ret |= p == l->doneflags;
		bar |= p == l->next;
	}
	return ret && bar;
}

/* After a sweep that ended at a barrier: if an item returned in it,
 * others wait at the barrier, and later sweeps run in the slow nest so
 * that the returned items stay skipped. (Counting the returns in the
 * sweep costs less than scanning every item's done flag.) */
static void build_scan(fis *f, const loops *l, LLVMValueRef slow)
{
	LLVMValueRef t = LLVMGetBasicBlockTerminator(l->end), n;
	LLVMBasicBlockRef out =
	    LLVMInsertBasicBlockInContext(f->ctx, l->cont, "scan.end");

	LLVMSetSuccessor(t, 1, out);
	LLVMPositionBuilderAtEnd(f->b, out);
	n = LLVMBuildICmp(f->b, LLVMIntNE,
			  LLVMBuildLoad2(f->b, f->i32, l->nret, ""),
			  LLVMConstInt(f->i32, 0, 0), "");
	LLVMBuildStore(
	    f->b,
	    LLVMBuildOr(f->b, LLVMBuildZExt(f->b, n, f->i8, ""),
			LLVMBuildLoad2(f->b, f->i8, slow, ""), ""),
	    slow);
	LLVMBuildBr(f->b, l->cont);
}

/* One loop nest per region, without the done test and the region
 * switch, so that O3 can vectorise each region across items. The
 * original nest stays as the slow path for kernels whose items may
 * have returned while others wait at a barrier. */
static int split_regions(fis *f, const loops *l)
{
	LLVMValueRef sw = LLVMGetBasicBlockTerminator(l->disp), fsw, slow;
	LLVMBasicBlockRef fast = block(f, "fast"), c;
	unsigned ns = LLVMGetNumSuccessors(sw);
	cmap m = {0};
	bool mixed = false;
	int r = -1;

	LLVMPositionBuilderAtEnd(f->b, fast);
	fsw = LLVMBuildSwitch(f->b, l->cur, fast, ns - 1);
	for (unsigned i = 0; i < ns; i++) {
		LLVMBasicBlockRef st = LLVMGetSuccessor(sw, i);
		const guard *q = NULL;
		for (int k = 0; k < f->nguards; k++)
			if (f->guards[k].start == st)
				q = &f->guards[k];
		if (!(c = clone_region(f, l, &m, st, fast, q)))
			goto out;
		mixed |= mixed_exits(&m, l);
		if (i == 0)
			LLVMSetSuccessor(fsw, 0, c);
		else
			LLVMAddCase(fsw, LLVMConstInt(f->i32, i, 0), c);
	}
	LLVMInstructionEraseFromParent(LLVMGetBasicBlockTerminator(l->sweep));
	LLVMPositionBuilderAtEnd(f->b, l->sweep);
	if (!mixed) {
		/* The slow nest stays valid IR (its PHIs name the sweep)
		 * until O3 drops it. */
		LLVMBuildCondBr(
		    f->b, LLVMConstInt(LLVMInt1TypeInContext(f->ctx), 0, 0),
		    l->hdr[2], fast);
		r = 0;
		goto out;
	}
	LLVMPositionBuilderBefore(f->b, LLVMGetFirstInstruction(f->bb[0]));
	slow = LLVMBuildAlloca(f->b, f->i8, "slow");
	LLVMPositionBuilderBefore(f->b, LLVMGetBasicBlockTerminator(f->bb[0]));
	LLVMBuildStore(f->b, LLVMConstInt(f->i8, 0, 0), slow);
	LLVMPositionBuilderAtEnd(f->b, l->sweep);
	LLVMBuildCondBr(f->b,
			LLVMBuildICmp(f->b, LLVMIntNE,
				      LLVMBuildLoad2(f->b, f->i8, slow, ""),
				      LLVMConstInt(f->i8, 0, 0), ""),
			l->hdr[2], fast);
	build_scan(f, l, slow);
	r = 0;
out:
	free(m.p);
	free(m.blocks);
	return r;
}

/* Lifetime markers would tell O3 that an item's context is dead
 * between two regions. */
static void drop_lifetimes(fis *f)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f->fn); bb;
	     bb = LLVMGetNextBasicBlock(bb)) {
		LLVMValueRef in = LLVMGetFirstInstruction(bb), next;
		for (; in; in = next) {
			next = LLVMGetNextInstruction(in);
			if (is_call_to(in, "llvm.lifetime.start.p0") ||
			    is_call_to(in, "llvm.lifetime.end.p0"))
				LLVMInstructionEraseFromParent(in);
		}
	}
}

/* Splits after every barrier; 1 when one sits where regions cannot
 * start (the entry block). */
static int split_barriers(fis *f)
{
	LLVMValueRef *x = NULL;
	int n = 0, cap = 0;

	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f->fn); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			if (!is_call_to(in, "__hx_barrier"))
				continue;
			if (bb == f->bb[0]) {
				free(x);
				return 1;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 8;
				LLVMValueRef *nx = realloc(x, cap * sizeof(*x));
				if (!nx) {
					free(x);
					return -1;
				}
				x = nx;
			}
			x[n++] = in;
		}
	f->heads = malloc(((size_t)n + 1) * sizeof(*f->heads));
	if (!f->heads) {
		free(x);
		return -1;
	}
	for (int i = 0; i < n; i++)
		f->heads[i] =
		    split_after(f, LLVMGetInstructionParent(x[i]), x[i]);
	f->nbar = n;
	free(x);
	/* The kernel's first block may have been split. */
	f->kstart = LLVMGetSuccessor(LLVMGetBasicBlockTerminator(f->bb[0]), 0);
	return 0;
}

static int index_blocks(fis *f)
{
	unsigned n = LLVMCountBasicBlocks(f->fn);

	f->bb = malloc((n + 1) * sizeof(*f->bb));
	f->keys = malloc((n + 1) * sizeof(*f->keys));
	if (!f->bb || !f->keys)
		return -1;
	LLVMGetBasicBlocks(f->fn, f->bb);
	for (unsigned i = 0; i < n; i++)
		f->keys[i] = (bkey){f->bb[i], (int)i};
	f->nb = (int)n;
	qsort(f->keys, n, sizeof(*f->keys), cmp_key);
	return 0;
}

static int prepare(fis *f)
{
	LLVMValueRef t;
	int r;

	f->bb = malloc(sizeof(*f->bb));
	if (!f->bb)
		return -1;
	split_entry(f);
	t = LLVMGetBasicBlockTerminator(f->bb[0]);
	if (!t || LLVMGetInstructionOpcode(t) != LLVMBr || LLVMIsConditional(t))
		return 1;
	drop_lifetimes(f);
	if ((r = split_barriers(f)))
		return r;
	free(f->bb);
	f->bb = NULL;
	if (index_blocks(f) || build_graph(f) || dominators(f))
		return -1;
	return analyse(f);
}

/* __local and __global/__constant memory never overlap, but LLVM's
 * loop vectoriser cannot compare pointers of different address spaces
 * at run time ("cannot identify array bounds"): a region copying
 * in[gid] to tmp[l] stayed scalar. Scoped no-alias metadata says it,
 * added to whatever scopes inlining put there (restrict arguments). */
static LLVMMetadataRef md_append(fis *f, LLVMValueRef in, unsigned kind,
				 LLVMMetadataRef scope)
{
	LLVMValueRef old = LLVMGetMetadata(in, kind);
	unsigned n = old ? LLVMGetMDNodeNumOperands(old) : 0;
	LLVMValueRef *ops = malloc((n + 1) * sizeof(*ops));
	LLVMMetadataRef *mds = malloc((n + 1) * sizeof(*mds)), r = NULL;

	if (ops && mds) {
		if (n)
			LLVMGetMDNodeOperands(old, ops);
		for (unsigned i = 0; i < n; i++)
			mds[i] = LLVMValueAsMetadata(ops[i]);
		mds[n] = scope;
		r = LLVMMDNodeInContext2(f->ctx, mds, n + 1);
	}
	free(ops);
	free(mds);
	return r;
}

static void tag_address_spaces(fis *f)
{
	unsigned ks = LLVMGetMDKindIDInContext(f->ctx, "alias.scope", 11);
	unsigned kn = LLVMGetMDKindIDInContext(f->ctx, "noalias", 7);
	LLVMMetadataRef dom = LLVMMDStringInContext2(f->ctx, "hx.as", 5), s[2];

	for (int i = 0; i < 2; i++) {
		LLVMMetadataRef o[2] = {
		    LLVMMDStringInContext2(f->ctx, i ? "hx.local" : "hx.global",
					   i ? 8 : 9),
		    LLVMMDNodeInContext2(f->ctx, &dom, 1)};
		s[i] = LLVMMDNodeInContext2(f->ctx, o, 2);
	}
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f->fn); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			LLVMValueRef p;
			unsigned as;
			int loc;
			LLVMMetadataRef a, b;
			if (LLVMIsALoadInst(in))
				p = LLVMGetOperand(in, 0);
			else if (LLVMIsAStoreInst(in))
				p = LLVMGetOperand(in, 1);
			else
				continue;
			as = LLVMGetPointerAddressSpace(LLVMTypeOf(p));
			if (as < 1 || as > 3)
				continue;
			loc = as == 3;
			a = md_append(f, in, ks, s[loc]);
			b = md_append(f, in, kn, s[!loc]);
			if (!a || !b)
				continue;
			LLVMSetMetadata(in, ks, LLVMMetadataAsValue(f->ctx, a));
			LLVMSetMetadata(in, kn, LLVMMetadataAsValue(f->ctx, b));
		}
}

static void fis_free(fis *f)
{
	free(f->bb);
	free(f->keys);
	free(f->heads);
	free(f->succ);
	free(f->soff);
	free(f->pred);
	free(f->poff);
	free(f->po);
	free(f->idom);
	free(f->slots);
	free(f->div.k);
	free(f->seen.k);
	free(f->taint);
	free(f->mark);
	free(f->guards);
	if (f->b)
		LLVMDisposeBuilder(f->b);
	if (f->td)
		LLVMDisposeTargetData(f->td);
}

int hx_fission(LLVMModuleRef m, LLVMValueRef fn, LLVMValueRef g,
	       LLVMValueRef lid[3])
{
	fis f = {0};
	loops l = {0};
	int r;

	f.ctx = LLVMGetModuleContext(m);
	f.b = LLVMCreateBuilderInContext(f.ctx);
	f.td = hx_llvm_target_data(m);
	f.i8 = LLVMInt8TypeInContext(f.ctx);
	f.i32 = LLVMInt32TypeInContext(f.ctx);
	f.i64 = LLVMInt64TypeInContext(f.ctx);
	f.ptr = LLVMPointerTypeInContext(f.ctx, 0);
	f.fn = fn;
	f.g = g;
	r = prepare(&f);
	if (r == 0) {
		build_frame(&f, &l);
		for (size_t i = 0; i < f.nslots && !r; i++)
			r = place_slot(&f, &f.slots[i]);
		if (!r) {
			build_exits(&f, &l);
			close_frame(&f, &l);
			lower_local_ids(&f, &l);
			r = split_regions(&f, &l);
		}
		if (!r) {
			tag_address_spaces(&f);
			for (int d = 0; d < 3; d++)
				lid[d] = l.id[d];
		}
	}
	fis_free(&f);
	return r < 0 ? -1 : r ? 0 : 1;
}
