/* The mirrored variant: every global, constant and generic memory access
 * of the entry functions goes through g->rt->translate (the device MMU).
 *
 * Runs after O3 (and after masked/gather intrinsics are scalarised), so
 * the direct variant is untouched and vectorised as usual, and vector
 * accesses are translated once per vector. Each access checks a per-entry
 * software TLB of one page per access kind (read, write, atomic) held in
 * allocas that SROA turns into registers: a run of accesses within one
 * page calls translate once. Accesses that cross a page boundary take a
 * slow path through a bounce buffer, segment by segment. Pointers that
 * provably point to __private or __local memory, or into the program's
 * own variables, are not translated. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Target.h>

#include "compiler_internal.h"

#define PAGE 4096ull

/* ---- runtime helpers (called from mirrored code) ---- */

static void *xl(hx_group *g, uint64_t addr, uint64_t size, uint32_t access)
{
	return g->rt->translate(g, addr, size, access);
}

static uint64_t seg(uint64_t addr, uint64_t n)
{
	uint64_t room = PAGE - (addr & (PAGE - 1));

	return n < room ? n : room;
}

void hx_mirror_read(hx_group *g, uint64_t addr, uint64_t size, void *dst)
{
	for (uint64_t n; size; addr += n, size -= n, dst = (char *)dst + n) {
		n = seg(addr, size);
		memcpy(dst, xl(g, addr, n, 1), n);
	}
}

void hx_mirror_write(hx_group *g, uint64_t addr, uint64_t size, const void *src)
{
	for (uint64_t n; size;
	     addr += n, size -= n, src = (const char *)src + n) {
		n = seg(addr, size);
		memcpy(xl(g, addr, n, 2), src, n);
	}
}

/* how: bit 0 translate dst, bit 1 translate src. Chunks never cross a page
 * on a translated side; an overlapping move with dst above src copies
 * backwards, chunk by chunk, as memmove would. */
void hx_mirror_memcpy(hx_group *g, uint64_t dst, uint64_t src, uint64_t n,
		      uint32_t how)
{
	bool back = dst > src && dst < src + n;

	while (n) {
		uint64_t c = n, d, s;
		if (back) {
			d = dst + n - 1, s = src + n - 1;
			if (how & 1)
				c = c < (d & (PAGE - 1)) + 1
					? c
					: (d & (PAGE - 1)) + 1;
			if (how & 2)
				c = c < (s & (PAGE - 1)) + 1
					? c
					: (s & (PAGE - 1)) + 1;
			d = dst + n - c, s = src + n - c;
		} else {
			d = dst, s = src;
			if (how & 1)
				c = seg(d, c);
			if (how & 2)
				c = seg(s, c);
		}
		void *hd = how & 1 ? xl(g, d, c, 2) : (void *)(uintptr_t)d;
		const void *hs =
		    how & 2 ? xl(g, s, c, 1) : (void *)(uintptr_t)s;
		memmove(hd, hs, c);
		n -= c;
		if (!back)
			dst += c, src += c;
	}
}

void hx_mirror_memset(hx_group *g, uint64_t dst, uint32_t val, uint64_t n)
{
	for (uint64_t c; n; dst += c, n -= c) {
		c = seg(dst, n);
		memset(xl(g, dst, c, 2), (int)val, c);
	}
}

/* ---- the pass ---- */

typedef struct mctx {
	LLVMContextRef ctx;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTargetDataRef td;
	LLVMTypeRef i8, i32, i64, ptr, xl_ty;
	LLVMValueRef fn, g;
	/* One-entry TLB (page, host base) per access site, allocas that
	 * SROA promotes; sites of one kind share one in big functions. */
	LLVMValueRef *page, *base;
	size_t nslots;
	LLVMValueRef tmp; /* bounce buffer for page crossers */
	uint64_t tmp_size;
	/* Second level for loads: L2_N pages (tags, bases) by page number,
	 * valid while l2ok is 1 (cleared where the site entries are). */
	LLVMValueRef l2tag, l2base, l2ok;
} mctx;

/* PHIs already on the walk: a cycle adds no new origin. */
typedef struct walk {
	LLVMValueRef phis[16];
	int n;
} walk;

/* Is p provably a pointer that needs no translation: __private (alloca,
 * space 0), __local (space 3), or into a variable of the program itself
 * (program-scope and constant data live in runtime-owned host memory
 * that is never migrated)? Looks through GEPs, casts, selects, PHIs. */
static bool untranslated(LLVMValueRef p, walk *w, int depth)
{
	unsigned as = LLVMGetPointerAddressSpace(LLVMTypeOf(p));

	if (as == 0 || as == 3 || LLVMIsAAllocaInst(p) ||
	    LLVMIsAGlobalVariable(p))
		return true;
	if (depth > 12)
		return false;
	if (LLVMIsAGetElementPtrInst(p) || LLVMIsAAddrSpaceCastInst(p) ||
	    LLVMIsABitCastInst(p))
		return untranslated(LLVMGetOperand(p, 0), w, depth + 1);
	if (LLVMIsAConstantExpr(p) &&
	    (LLVMGetConstOpcode(p) == LLVMGetElementPtr ||
	     LLVMGetConstOpcode(p) == LLVMAddrSpaceCast ||
	     LLVMGetConstOpcode(p) == LLVMBitCast))
		return untranslated(LLVMGetOperand(p, 0), w, depth + 1);
	if (LLVMIsASelectInst(p))
		return untranslated(LLVMGetOperand(p, 1), w, depth + 1) &&
		       untranslated(LLVMGetOperand(p, 2), w, depth + 1);
	if (!LLVMIsAPHINode(p))
		return false;
	for (int i = 0; i < w->n; i++)
		if (w->phis[i] == p)
			return true;
	if (w->n == 16)
		return false;
	w->phis[w->n++] = p;
	for (unsigned i = 0; i < LLVMCountIncoming(p); i++)
		if (!untranslated(LLVMGetIncomingValue(p, i), w, depth + 1))
			return false;
	return true;
}

static bool needs_translate(LLVMValueRef p)
{
	unsigned as = LLVMGetPointerAddressSpace(LLVMTypeOf(p));

	walk w = {.n = 0};

	return (as == 1 || as == 2 || as == 4) && !untranslated(p, &w, 0);
}

static LLVMBasicBlockRef new_block(mctx *c, LLVMBasicBlockRef after)
{
	LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "");

	LLVMMoveBasicBlockAfter(bb, after);
	return bb;
}

/* PHIs of succ that name from as a predecessor get to instead. LLVM-C
 * cannot set an incoming block, so such a PHI is rebuilt. */
static void retarget_phis(mctx *c, LLVMBasicBlockRef succ,
			  LLVMBasicBlockRef from, LLVMBasicBlockRef to)
{
	LLVMValueRef phi = LLVMGetFirstInstruction(succ), next;

	for (; phi && LLVMIsAPHINode(phi); phi = next) {
		next = LLVMGetNextInstruction(phi);
		unsigned n = LLVMCountIncoming(phi);
		bool hit = false;
		for (unsigned i = 0; i < n; i++)
			hit |= LLVMGetIncomingBlock(phi, i) == from;
		if (!hit)
			continue;
		LLVMPositionBuilderBefore(c->b, phi);
		LLVMValueRef np = LLVMBuildPhi(c->b, LLVMTypeOf(phi), "");
		for (unsigned i = 0; i < n; i++) {
			LLVMValueRef v = LLVMGetIncomingValue(phi, i);
			LLVMBasicBlockRef b = LLVMGetIncomingBlock(phi, i);
			if (b == from)
				b = to;
			LLVMAddIncoming(np, &v, &b, 1);
		}
		LLVMReplaceAllUsesWith(phi, np);
		LLVMInstructionEraseFromParent(phi);
	}
}

/* Moves in and everything after it into a new block; the original block
 * keeps the instructions before in and no terminator yet. */
static LLVMBasicBlockRef split_before(mctx *c, LLVMValueRef in)
{
	LLVMBasicBlockRef bb = LLVMGetInstructionParent(in);
	LLVMBasicBlockRef rest = new_block(c, bb);
	LLVMValueRef t;

	LLVMPositionBuilderAtEnd(c->b, rest);
	for (LLVMValueRef i = in, next; i; i = next) {
		next = LLVMGetNextInstruction(i);
		LLVMInstructionRemoveFromParent(i);
		LLVMInsertIntoBuilder(c->b, i);
	}
	t = LLVMGetBasicBlockTerminator(rest);
	for (unsigned s = 0; t && s < LLVMGetNumSuccessors(t); s++) {
		LLVMBasicBlockRef succ = LLVMGetSuccessor(t, s);
		bool seen = false;
		for (unsigned k = 0; k < s; k++)
			seen |= LLVMGetSuccessor(t, k) == succ;
		if (!seen)
			retarget_phis(c, succ, bb, rest);
	}
	return rest;
}

static LLVMValueRef call_translate(mctx *c, LLVMValueRef addr, uint64_t size,
				   unsigned kind)
{
	LLVMValueRef idx = LLVMConstInt(c->i64, offsetof(hx_group, rt), 0);
	LLVMValueRef rt = LLVMBuildLoad2(
	    c->b, c->ptr, LLVMBuildGEP2(c->b, c->i8, c->g, &idx, 1, ""), "");
	idx = LLVMConstInt(c->i64, offsetof(hx_rt, translate), 0);
	LLVMValueRef fn = LLVMBuildLoad2(
	    c->b, c->ptr, LLVMBuildGEP2(c->b, c->i8, rt, &idx, 1, ""), "");
	LLVMValueRef args[4] = {c->g, addr, LLVMConstInt(c->i64, size, 0),
				LLVMConstInt(c->i32, kind, 0)};

	return LLVMBuildCall2(c->b, c->xl_ty, fn, args, 4, "");
}

static LLVMValueRef helper(mctx *c, const char *name, LLVMTypeRef *params,
			   unsigned n, LLVMTypeRef *fty)
{
	LLVMValueRef f = LLVMGetNamedFunction(c->m, name);

	*fty = LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), params, n, 0);
	return f ? f : LLVMAddFunction(c->m, name, *fty);
}

/* The bounce-buffer path of a page-crossing load or store. */
static void cross_path(mctx *c, LLVMValueRef in, LLVMValueRef addr,
		       uint64_t size, bool is_store)
{
	LLVMTypeRef params[4] = {c->ptr, c->i64, c->i64, c->ptr}, fty;
	LLVMValueRef f =
	    helper(c, is_store ? "hx_mirror_write" : "hx_mirror_read", params,
		   4, &fty);
	LLVMValueRef args[4] = {c->g, addr, LLVMConstInt(c->i64, size, 0),
				c->tmp};

	if (is_store) {
		LLVMValueRef st =
		    LLVMBuildStore(c->b, LLVMGetOperand(in, 0), c->tmp);
		LLVMSetAlignment(st, 1);
	}
	LLVMBuildCall2(c->b, fty, f, args, 4, "");
}

/* A load site's miss: the function's second-level table (L2_N pages,
 * direct mapped by page number) before translate, so that a site that
 * walks more pages than it reuses in a row (the column of a matrix)
 * calls out only once per page and group. The table is set empty
 * (all-ones tags: never a page address) after L2_AFTER misses since
 * entry or a call. Starts in *bb; returns the host page base with the builder
 * in the block it ends in, *bb updated. */
#define L2_N 256

static LLVMValueRef l2_translate(mctx *c, LLVMValueRef addr, LLVMValueRef pgoff,
				 uint64_t size)
{
	LLVMValueRef h = call_translate(c, addr, size, 1);

	return LLVMBuildSub(c->b, LLVMBuildPtrToInt(c->b, h, c->i64, ""), pgoff,
			    "");
}

/* l2ok counts the misses since entry or the last call up to L2_AFTER,
 * then the table is set (L2_AFTER + 1): a group of a streaming kernel
 * misses a few times (once per site and page) and must not pay for
 * clearing 2 KiB; one that walks a column misses all the time. */
#define L2_AFTER 8

static LLVMValueRef l2_lookup(mctx *c, LLVMBasicBlockRef *bb, LLVMValueRef addr,
			      LLVMValueRef page, LLVMValueRef pgoff,
			      uint64_t size)
{
	LLVMBasicBlockRef cold = new_block(c, *bb), first = new_block(c, cold);
	LLVMBasicBlockRef init = new_block(c, first),
			  probe = new_block(c, init);
	LLVMBasicBlockRef l2miss = new_block(c, probe);
	LLVMBasicBlockRef done = new_block(c, l2miss);
	LLVMValueRef ok = LLVMBuildLoad2(c->b, c->i64, c->l2ok, "");
	LLVMValueRef zero = LLVMConstInt(c->i64, 0, 0);
	LLVMValueRef ready = LLVMConstInt(c->i64, L2_AFTER + 1, 0);
	LLVMValueRef after = LLVMConstInt(c->i64, L2_AFTER, 0);

	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, ok, ready, ""),
			probe, cold);
	LLVMPositionBuilderAtEnd(c->b, cold);
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, ok, after, ""),
			first, init);
	LLVMPositionBuilderAtEnd(c->b, first);
	LLVMBuildStore(c->b,
		       LLVMBuildAdd(c->b, ok, LLVMConstInt(c->i64, 1, 0), ""),
		       c->l2ok);
	LLVMValueRef b0 = l2_translate(c, addr, pgoff, size);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, init);
	LLVMBuildMemSet(c->b, c->l2tag, LLVMConstInt(c->i8, 0xff, 0),
			LLVMConstInt(c->i64, L2_N * 8, 0), 16);
	LLVMBuildStore(c->b, ready, c->l2ok);
	LLVMBuildBr(c->b, probe);
	LLVMPositionBuilderAtEnd(c->b, probe);
	LLVMValueRef idx[2] = {
	    zero, LLVMBuildAnd(c->b,
			       LLVMBuildLShr(c->b, addr,
					     LLVMConstInt(c->i64, 12, 0), ""),
			       LLVMConstInt(c->i64, L2_N - 1, 0), "")};
	LLVMTypeRef arr = LLVMArrayType(c->i64, L2_N);
	LLVMValueRef tp =
	    LLVMBuildInBoundsGEP2(c->b, arr, c->l2tag, idx, 2, "");
	LLVMValueRef bp =
	    LLVMBuildInBoundsGEP2(c->b, arr, c->l2base, idx, 2, "");
	LLVMValueRef b1 = LLVMBuildLoad2(c->b, c->i64, bp, "");
	LLVMValueRef hit = LLVMBuildICmp(
	    c->b, LLVMIntEQ, LLVMBuildLoad2(c->b, c->i64, tp, ""), page, "");
	LLVMBuildCondBr(c->b, hit, done, l2miss);
	LLVMPositionBuilderAtEnd(c->b, l2miss);
	LLVMValueRef b2 = l2_translate(c, addr, pgoff, size);
	LLVMBuildStore(c->b, page, tp);
	LLVMBuildStore(c->b, b2, bp);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	LLVMValueRef base = LLVMBuildPhi(c->b, c->i64, "");
	LLVMValueRef vals[3] = {b0, b1, b2};
	LLVMBasicBlockRef from[3] = {first, probe, l2miss};
	LLVMAddIncoming(base, vals, from, 3);
	*bb = done;
	return base;
}

/* Marks a conditional branch as almost always taking its first
 * successor: the register allocator then keeps the loop's vectors in
 * registers on the hit path and spills around translate calls only on the
 * cold miss paths (without it a vector live across the diamond is spilled
 * for the whole iteration). */
static void likely_first(mctx *c, LLVMValueRef br)
{
	LLVMMetadataRef ops[3] = {
	    LLVMMDStringInContext2(c->ctx, "branch_weights", 14),
	    LLVMValueAsMetadata(LLVMConstInt(c->i32, 4096, 0)),
	    LLVMValueAsMetadata(LLVMConstInt(c->i32, 1, 0))};
	unsigned kind = LLVMGetMDKindIDInContext(c->ctx, "prof", 4);

	LLVMSetMetadata(br, kind,
			LLVMMetadataAsValue(c->ctx,
					    LLVMMDNodeInContext2(c->ctx, ops, 3)));
}

/* An empty TLB entry: addr - EMPTY is never within a page. */
#define EMPTY 0x8000000000000000ull

/* Rewrites the pointer operand op of access in. The hot path is one
 * subtraction, one compare and one addition (a crossing access fails the
 * compare too: its offset is beyond PAGE - size):
 *   head:  off = addr - tlb.page[site]; hit = off <= PAGE - size
 *   fast:  host = tlb.base[site] + off
 *   cross: page crossers to the bounce buffer, others to miss
 *   miss:  host = translate(addr), refill the entry
 *   join:  in, on the host pointer */
static void rewrite(mctx *c, LLVMValueRef in, unsigned op, uint64_t size,
		    unsigned kind, bool may_cross, size_t site)
{
	LLVMValueRef tlb_page = c->page[site], tlb_base = c->base[site];
	LLVMBasicBlockRef head = LLVMGetInstructionParent(in);
	LLVMBasicBlockRef join = split_before(c, in);
	/* After the split: in a one-block loop (p = p->next) the pointer is
	 * a PHI of head, which the split replaced by one that comes from
	 * join. */
	LLVMValueRef p = LLVMGetOperand(in, op);
	LLVMBasicBlockRef fast = new_block(c, head), miss = new_block(c, fast);
	LLVMBasicBlockRef cross = may_cross ? new_block(c, miss) : NULL;
	LLVMValueRef mask = LLVMConstInt(c->i64, ~(PAGE - 1), 0);

	LLVMPositionBuilderAtEnd(c->b, head);
	LLVMValueRef addr = LLVMBuildPtrToInt(c->b, p, c->i64, "");
	LLVMValueRef cached = LLVMBuildLoad2(c->b, c->i64, tlb_page, "");
	LLVMValueRef off = LLVMBuildSub(c->b, addr, cached, "");
	LLVMValueRef room = LLVMConstInt(c->i64, PAGE - size, 0);
	LLVMValueRef hit = LLVMBuildICmp(c->b, LLVMIntULE, off, room, "");
	likely_first(c, LLVMBuildCondBr(c->b, hit, fast,
					may_cross ? cross : miss));
	if (may_cross) {
		/* cross doubles as the dispatch block: crossing or plain miss.
		 */
		LLVMBasicBlockRef bounce = new_block(c, cross);
		LLVMPositionBuilderAtEnd(c->b, cross);
		LLVMValueRef in_page = LLVMBuildAnd(
		    c->b, addr, LLVMConstInt(c->i64, PAGE - 1, 0), "");
		LLVMBuildCondBr(
		    c->b, LLVMBuildICmp(c->b, LLVMIntUGT, in_page, room, ""),
		    bounce, miss);
		cross = bounce;
	}
	LLVMPositionBuilderAtEnd(c->b, fast);
	/* base + off, not addr + delta: instcombine turned the PHI of
	 * (ptrtoint p) + delta into one of pointers of two address spaces
	 * joined by an invalid bitcast. */
	LLVMValueRef h1 = LLVMBuildAdd(
	    c->b, LLVMBuildLoad2(c->b, c->i64, tlb_base, ""), off, "");
	LLVMBuildBr(c->b, join);
	LLVMPositionBuilderAtEnd(c->b, miss);
	LLVMValueRef page = LLVMBuildAnd(c->b, addr, mask, "");
	LLVMValueRef pgoff = LLVMBuildSub(c->b, addr, page, "");
	LLVMValueRef base =
	    kind == 1
		? l2_lookup(c, &miss, addr, page, pgoff, size)
		: LLVMBuildSub(c->b,
			       LLVMBuildPtrToInt(
				   c->b, call_translate(c, addr, size, kind),
				   c->i64, ""),
			       pgoff, "");
	LLVMBuildStore(c->b, page, tlb_page);
	LLVMBuildStore(c->b, base, tlb_base);
	LLVMValueRef h2 = LLVMBuildAdd(c->b, base, pgoff, "");
	LLVMBuildBr(c->b, join);
	LLVMValueRef vals[3] = {h1, h2, NULL};
	LLVMBasicBlockRef from[3] = {fast, miss, NULL};
	if (may_cross) {
		LLVMPositionBuilderAtEnd(c->b, cross);
		cross_path(c, in, addr, size, LLVMIsAStoreInst(in) != NULL);
		vals[2] = LLVMBuildPtrToInt(c->b, c->tmp, c->i64, "");
		from[2] = cross;
		LLVMBuildBr(c->b, join);
	}
	LLVMPositionBuilderBefore(c->b, in);
	LLVMValueRef phi = LLVMBuildPhi(c->b, c->i64, "");
	LLVMAddIncoming(phi, vals, from, may_cross ? 3 : 2);
	LLVMSetOperand(in, op, LLVMBuildIntToPtr(c->b, phi, LLVMTypeOf(p), ""));
}

/* llvm.memcpy/memmove/memset -> page-segmented helpers. */
static void rewrite_memintrin(mctx *c, LLVMValueRef call, bool is_set)
{
	LLVMValueRef dst = LLVMGetOperand(call, 0),
		     src = LLVMGetOperand(call, 1);
	LLVMValueRef len = LLVMGetOperand(call, 2), f;
	LLVMTypeRef fty;

	LLVMPositionBuilderBefore(c->b, call);
	LLVMValueRef d = LLVMBuildPtrToInt(c->b, dst, c->i64, "");
	LLVMValueRef n = LLVMBuildZExtOrBitCast(c->b, len, c->i64, "");
	if (is_set) {
		LLVMTypeRef params[4] = {c->ptr, c->i64, c->i32, c->i64};
		f = helper(c, "hx_mirror_memset", params, 4, &fty);
		LLVMValueRef args[4] = {
		    c->g, d, LLVMBuildZExt(c->b, src, c->i32, ""), n};
		LLVMBuildCall2(c->b, fty, f, args, 4, "");
	} else {
		LLVMTypeRef params[5] = {c->ptr, c->i64, c->i64, c->i64,
					 c->i32};
		unsigned how =
		    needs_translate(dst) | (needs_translate(src) << 1);
		f = helper(c, "hx_mirror_memcpy", params, 5, &fty);
		LLVMValueRef args[5] = {
		    c->g, d, LLVMBuildPtrToInt(c->b, src, c->i64, ""), n,
		    LLVMConstInt(c->i32, how, 0)};
		LLVMBuildCall2(c->b, fty, f, args, 5, "");
	}
	LLVMInstructionEraseFromParent(call);
}

typedef struct work {
	LLVMValueRef *v;
	size_t n, cap;
} work;

static int push(work *w, LLVMValueRef v)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		LLVMValueRef *nv = realloc(w->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		w->v = nv;
		w->cap = cap;
	}
	w->v[w->n++] = v;
	return 0;
}

static const char *callee(LLVMValueRef call)
{
	LLVMValueRef f = LLVMGetCalledValue(call);
	size_t len;

	return f && LLVMIsAFunction(f) ? LLVMGetValueName2(f, &len) : "";
}

/* Pointer operand index of a memory access, or -1. */
static int ptr_operand(LLVMValueRef in)
{
	if (LLVMIsALoadInst(in) || LLVMIsAAtomicRMWInst(in) ||
	    LLVMIsAAtomicCmpXchgInst(in))
		return 0;
	if (LLVMIsAStoreInst(in))
		return 1;
	return -1;
}

static int collect(mctx *c, work *acc, work *mem, work *calls)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(c->fn); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			int op = ptr_operand(in);
			if (op >= 0 &&
			    needs_translate(LLVMGetOperand(in, (unsigned)op))) {
				if (push(acc, in))
					return -1;
				continue;
			}
			if (!LLVMIsACallInst(in))
				continue;
			const char *name = callee(in);
			bool set = !strncmp(name, "llvm.memset", 11);
			if (set || !strncmp(name, "llvm.memcpy", 11) ||
			    !strncmp(name, "llvm.memmove", 12)) {
				if ((needs_translate(LLVMGetOperand(in, 0)) ||
				     (!set && needs_translate(
						  LLVMGetOperand(in, 1)))) &&
				    push(mem, in))
					return -1;
			} else if (strncmp(name, "llvm.", 5) &&
				   push(calls, in)) {
				return -1;
			}
		}
	return 0;
}

static LLVMTypeRef access_type(LLVMValueRef in)
{
	if (LLVMIsALoadInst(in))
		return LLVMTypeOf(in);
	return LLVMTypeOf(LLVMGetOperand(in, LLVMIsAStoreInst(in) ? 0 : 1));
}

static bool may_cross(mctx *c, LLVMValueRef in)
{
	return (LLVMIsALoadInst(in) || LLVMIsAStoreInst(in)) &&
	       LLVMGetOrdering(in) == LLVMAtomicOrderingNotAtomic &&
	       LLVMStoreSizeOfType(c->td, access_type(in)) > 1;
}

static unsigned access_kind(LLVMValueRef in)
{
	return LLVMIsALoadInst(in) ? 1 : LLVMIsAStoreInst(in) ? 2 : 3;
}

/* Separate TLB entries per stream keep interleaved streams (a[i] + b[i])
 * from evicting each other; beyond this many sites, one per kind. */
#define MAX_SITE_SLOTS 64

/* The pointer an access's address is a constant offset from: the parts
 * of one vectorised and interleaved stream (p, p + 16, p + 32 floats)
 * have one root and nearly always one page, so they share a TLB entry
 * (fewer live registers in the loop: no spills of cached pages). */
static LLVMValueRef stream_root(LLVMValueRef p)
{
	for (int depth = 0; depth < 8; depth++) {
		bool gep = LLVMIsAGetElementPtrInst(p) ||
			   (LLVMIsAConstantExpr(p) &&
			    LLVMGetConstOpcode(p) == LLVMGetElementPtr);
		bool cast = LLVMIsAAddrSpaceCastInst(p) ||
			    LLVMIsABitCastInst(p);
		if (gep)
			for (unsigned i = 1; i < (unsigned)LLVMGetNumOperands(p);
			     i++)
				gep &= LLVMIsAConstantInt(LLVMGetOperand(p, i)) !=
				       NULL;
		if (!gep && !cast)
			break;
		p = LLVMGetOperand(p, 0);
	}
	return p;
}

/* The site before i of the same kind and stream, or i. */
static size_t stream_of(const work *acc, size_t i)
{
	LLVMValueRef in = acc->v[i];
	LLVMValueRef root =
	    stream_root(LLVMGetOperand(in, (unsigned)ptr_operand(in)));

	for (size_t j = 0; j < i; j++) {
		LLVMValueRef o = acc->v[j];
		if (access_kind(o) == access_kind(in) &&
		    stream_root(LLVMGetOperand(o, (unsigned)ptr_operand(o))) ==
			root)
			return j;
	}
	return i;
}

/* TLB slots and bounce buffer at the top of the entry block. */
static int make_slots(mctx *c, const work *acc)
{
	LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(c->fn);
	bool per_site = acc->n <= MAX_SITE_SLOTS;
	LLVMValueRef kind_slot[4][2] = {{NULL}};
	uint64_t tmp = 16;

	c->page = calloc(acc->n + 1, sizeof(*c->page));
	c->base = calloc(acc->n + 1, sizeof(*c->base));
	if (!c->page || !c->base)
		return -1;
	c->nslots = acc->n;
	LLVMPositionBuilderBefore(c->b, LLVMGetFirstInstruction(entry));
	for (size_t i = 0; i < acc->n; i++) {
		uint64_t s = LLVMStoreSizeOfType(c->td, access_type(acc->v[i]));
		unsigned k = access_kind(acc->v[i]);
		tmp = s > tmp ? s : tmp;
		size_t j = per_site ? stream_of(acc, i) : i;
		if (j != i) {
			c->page[i] = c->page[j];
			c->base[i] = c->base[j];
			continue;
		}
		if (per_site || !kind_slot[k][0]) {
			kind_slot[k][0] =
			    LLVMBuildAlloca(c->b, c->i64, "tlb.page");
			kind_slot[k][1] =
			    LLVMBuildAlloca(c->b, c->i64, "tlb.base");
			LLVMBuildStore(c->b, LLVMConstInt(c->i64, EMPTY, 0),
				       kind_slot[k][0]);
			LLVMBuildStore(c->b, LLVMConstInt(c->i64, 0, 0),
				       kind_slot[k][1]);
		}
		c->page[i] = kind_slot[k][0];
		c->base[i] = kind_slot[k][1];
	}
	c->tmp = LLVMBuildAlloca(c->b, LLVMArrayType(c->i8, (unsigned)tmp),
				 "bounce");
	LLVMSetAlignment(c->tmp, 64);
	c->l2tag = c->l2base = c->l2ok = NULL;
	for (size_t i = 0; i < acc->n && !c->l2ok; i++)
		if (access_kind(acc->v[i]) == 1) {
			LLVMTypeRef arr = LLVMArrayType(c->i64, L2_N);
			c->l2tag = LLVMBuildAlloca(c->b, arr, "l2.tag");
			c->l2base = LLVMBuildAlloca(c->b, arr, "l2.base");
			LLVMSetAlignment(c->l2tag, 16);
			c->l2ok = LLVMBuildAlloca(c->b, c->i64, "l2.ok");
			LLVMBuildStore(c->b, LLVMConstInt(c->i64, 0, 0),
				       c->l2ok);
		}
	return 0;
}

/* Barrier, printf and other calls may let the host change mappings. */
static void flush_after(mctx *c, LLVMValueRef call)
{
	LLVMValueRef next = LLVMGetNextInstruction(call);

	if (!next)
		return;
	LLVMPositionBuilderBefore(c->b, next);
	for (size_t i = 0; i < c->nslots; i++)
		if (i == 0 || c->page[i] != c->page[i - 1])
			LLVMBuildStore(c->b, LLVMConstInt(c->i64, EMPTY, 0),
				       c->page[i]);
	if (c->l2ok)
		LLVMBuildStore(c->b, LLVMConstInt(c->i64, 0, 0), c->l2ok);
}

static int mirror_function(mctx *c, LLVMValueRef fn)
{
	work acc = {0}, mem = {0}, calls = {0};
	int ret = -1;

	c->fn = fn;
	c->g = LLVMGetParam(fn, 1);
	if (collect(c, &acc, &mem, &calls))
		goto out;
	if (make_slots(c, &acc))
		goto out;
	for (size_t i = 0; i < calls.n; i++)
		flush_after(c, calls.v[i]);
	for (size_t i = 0; i < mem.n; i++)
		rewrite_memintrin(
		    c, mem.v[i], !strncmp(callee(mem.v[i]), "llvm.memset", 11));
	for (size_t i = 0; i < acc.n; i++) {
		LLVMValueRef in = acc.v[i];
		rewrite(c, in, (unsigned)ptr_operand(in),
			LLVMStoreSizeOfType(c->td, access_type(in)),
			access_kind(in), may_cross(c, in), i);
	}
	ret = 0;
out:
	free(c->page);
	free(c->base);
	c->page = c->base = NULL;
	c->nslots = 0;
	free(acc.v);
	free(mem.v);
	free(calls.v);
	return ret;
}

int hx_mirror_module(LLVMModuleRef m)
{
	mctx c = {0};
	int ret = 0;

	c.m = m;
	c.ctx = LLVMGetModuleContext(m);
	c.b = LLVMCreateBuilderInContext(c.ctx);
	c.td = hx_llvm_target_data(m);
	c.i8 = LLVMInt8TypeInContext(c.ctx);
	c.i32 = LLVMInt32TypeInContext(c.ctx);
	c.i64 = LLVMInt64TypeInContext(c.ctx);
	c.ptr = LLVMPointerTypeInContext(c.ctx, 0);
	LLVMTypeRef params[4] = {c.ptr, c.i64, c.i64, c.i32};
	c.xl_ty = LLVMFunctionType(c.ptr, params, 4, 0);
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f && !ret;
	     f = LLVMGetNextFunction(f)) {
		size_t len;
		if (!LLVMIsDeclaration(f) &&
		    !strncmp(LLVMGetValueName2(f, &len), "__hx_entry_", 11))
			ret = mirror_function(&c, f);
	}
	LLVMDisposeTargetData(c.td);
	LLVMDisposeBuilder(c.b);
	return ret;
}
