/* Integer division must not trap (OpenCL C 6.3: division by zero gives an
 * undefined value, not an exception), but x86 raises SIGFPE for x / 0 and
 * INT_MIN / -1. Before optimisation, every division and remainder whose
 * divisor is not a safe constant gets its divisor replaced by 1 in those
 * cases: the result is then x (or 0), one of the values the spec allows. */
#include "compiler_internal.h"

#include <llvm-c/Core.h>
#include <stdbool.h>

static bool is_division(LLVMOpcode op)
{
	return op == LLVMSDiv || op == LLVMUDiv || op == LLVMSRem ||
	       op == LLVMURem;
}

static bool is_signed(LLVMOpcode op)
{
	return op == LLVMSDiv || op == LLVMSRem;
}

/* A constant splat of v (scalar or fixed vector) of type ty. */
static LLVMValueRef splat(LLVMTypeRef ty, unsigned long long v)
{
	LLVMValueRef lanes[64];
	unsigned n, i;

	if (LLVMGetTypeKind(ty) != LLVMVectorTypeKind)
		return LLVMConstInt(ty, v, false);
	n = LLVMGetVectorSize(ty);
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		lanes[i] = LLVMConstInt(LLVMGetElementType(ty), v, false);
	return LLVMConstVector(lanes, n);
}

static unsigned int_bits(LLVMTypeRef ty)
{
	if (LLVMGetTypeKind(ty) == LLVMVectorTypeKind)
		ty = LLVMGetElementType(ty);
	return LLVMGetIntTypeWidth(ty);
}

/* Divisors that need no guard: constants other than 0 (and -1 when
 * signed). */
static bool safe_divisor(LLVMValueRef d, bool sign)
{
	long long v;

	if (!LLVMIsAConstantInt(d))
		return false;
	v = LLVMConstIntGetSExtValue(d);
	return v != 0 && !(sign && v == -1);
}

static void guard(LLVMBuilderRef b, LLVMValueRef inst)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(inst);
	LLVMValueRef a = LLVMGetOperand(inst, 0), d = LLVMGetOperand(inst, 1);
	LLVMTypeRef ty = LLVMTypeOf(d);
	unsigned bits = int_bits(ty);
	LLVMValueRef bad;

	if (safe_divisor(d, is_signed(op)))
		return;
	LLVMPositionBuilderBefore(b, inst);
	bad = LLVMBuildICmp(b, LLVMIntEQ, d, LLVMConstNull(ty), "hx.div0");
	if (is_signed(op) && bits <= 64) {
		LLVMValueRef m1 = LLVMBuildICmp(b, LLVMIntEQ, d,
						LLVMConstAllOnes(ty), "");
		LLVMValueRef mn = LLVMBuildICmp(
			b, LLVMIntEQ, a, splat(ty, 1ull << (bits - 1)), "");

		bad = LLVMBuildOr(b, bad, LLVMBuildAnd(b, m1, mn, ""),
				  "hx.divovf");
	}
	LLVMSetOperand(inst, 1,
		       LLVMBuildSelect(b, bad, splat(ty, 1), d, "hx.divisor"));
}

void hx_guard_division(LLVMModuleRef m)
{
	LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(m));
	LLVMValueRef f, inst;
	LLVMBasicBlockRef bb;

	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		for (bb = LLVMGetFirstBasicBlock(f); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (inst = LLVMGetFirstInstruction(bb); inst;
			     inst = LLVMGetNextInstruction(inst))
				if (is_division(LLVMGetInstructionOpcode(inst)))
					guard(b, inst);
	LLVMDisposeBuilder(b);
}
