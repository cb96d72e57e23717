/* Device faults: SIGSEGV/SIGBUS raised by kernel code abort the
 * work-group and become a negative launch status. Any other fault goes
 * to the handler that was installed before ours (never swallowed). */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#ifdef HX_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define ALT_STACK_SIZE (64 * 1024)

static struct sigaction old_segv, old_bus,
    old_fpe; /* written once, before use */
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static _Atomic(hx_fault_hook_fn) fault_hook;

void hx_engine_set_fault_hook(hx_fault_hook_fn hook)
{
	atomic_store(&fault_hook, hook);
	hx_fault_install();
}

void hx_group_abort(struct hx_worker *w)
{
	w->in_kernel = 0;
#ifdef HX_ASAN
	/* Leaving a fiber stack for the worker's own stack for good. */
	if (w->on_fiber)
		__sanitizer_start_switch_fiber(NULL, w->main_bottom,
					       w->main_size);
#endif
	siglongjmp(w->abort_jb, 1);
}

static void chain(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *old = sig == SIGSEGV  ? &old_segv
				      : sig == SIGBUS ? &old_bus
						      : &old_fpe;

	if (old->sa_flags & SA_SIGINFO) {
		old->sa_sigaction(sig, si, uc);
		return;
	}
	if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	/* Default action: restore it; the faulting instruction runs again
	 * and kills the process with the right signal. A signal sent with
	 * kill() does not come back by itself: raise it. */
	sigaction(sig, old, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

/* Length of the DIV/IDIV instruction at p, with its operand size in
 * *bits, or 0 if it is something else. */
static int div_length(const unsigned char *p, int *bits)
{
	int n = 0, opsize16 = 0, rex_w = 0, mod, rm;

	while (n < 8 &&
	       (p[n] == 0x66 || p[n] == 0x67 || p[n] == 0xf0 || p[n] == 0xf2 ||
		p[n] == 0xf3 || p[n] == 0x2e || p[n] == 0x36 || p[n] == 0x3e ||
		p[n] == 0x26 || p[n] == 0x64 || p[n] == 0x65))
		opsize16 |= p[n++] == 0x66;
	if ((p[n] & 0xf0) == 0x40)
		rex_w = (p[n++] >> 3) & 1;
	if ((p[n] != 0xf6 && p[n] != 0xf7) || ((p[n + 1] >> 3) & 7) < 6)
		return 0;
	*bits = p[n] == 0xf6 ? 8 : rex_w ? 64 : opsize16 ? 16 : 32;
	n++;
	mod = p[n] >> 6;
	rm = p[n] & 7;
	n++; /* ModRM */
	if (mod != 3 && rm == 4)
		n += 1 + (mod == 0 && (p[n] & 7) == 5) * 4; /* SIB (+disp32) */
	if (mod == 0 && rm == 5)
		n += 4; /* RIP-relative disp32 */
	return n + (mod == 1) + (mod == 2) * 4;
}

/* OpenCL C 6.3: an integer division by zero (or INT_MIN / -1) gives an
 * unspecified value, never an exception. Finish the faulting DIV/IDIV
 * with quotient and remainder 0 and go on. */
static int skip_division(ucontext_t *uc)
{
	greg_t *r = uc->uc_mcontext.gregs;
	int bits = 0,
	    len = div_length((const unsigned char *)r[REG_RIP], &bits);

	if (!len)
		return 0;
	if (bits <= 16) {
		r[REG_RAX] &= ~(greg_t)0xffff;
		if (bits == 16)
			r[REG_RDX] &= ~(greg_t)0xffff;
	} else {
		r[REG_RAX] = 0;
		r[REG_RDX] = 0;
	}
	r[REG_RIP] += len;
	return 1;
}

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	struct hx_worker *w = hx_worker_current();
	hx_fault_hook_fn hook = atomic_load(&fault_hook);

	if (sig == SIGFPE && w && w->in_kernel &&
	    (si->si_code == FPE_INTDIV || si->si_code == FPE_INTOVF) &&
	    skip_division(uc))
		return;
	if (sig != SIGFPE && hook && hook(sig, si, uc))
		return;
	if (w && w->in_kernel && si->si_code > 0) {
		w->fault_addr = (uint64_t)(uintptr_t)si->si_addr;
		w->fault_signal = sig;
		w->abort_error = HX_RUN_FAULT;
		hx_group_abort(w);
	}
	chain(sig, si, uc);
}

static void install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	/* SA_NODEFER: the handler leaves by siglongjmp without restoring
	 * the mask (sigsetjmp(.., 0) saves a system call per group). */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGFPE, &sa, &old_fpe);
}

void hx_fault_install(void)
{
	pthread_once(&install_once, install);
}

/* Fiber stacks overflow into guard pages: the handler needs its own
 * stack. A thread that already has one (the application's, ASan's)
 * keeps it. */
int hx_altstack_ensure(struct hx_worker *w)
{
	stack_t cur, ss;

	if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE))
		return 0;
	ss.ss_sp = malloc(ALT_STACK_SIZE);
	if (!ss.ss_sp)
		return -1;
	ss.ss_size = ALT_STACK_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL)) {
		free(ss.ss_sp);
		return -1;
	}
	w->alt_stack = ss.ss_sp;
	return 0;
}
