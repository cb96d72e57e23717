/* Device faults: SIGSEGV/SIGBUS raised by kernel code abort the
 * work-group and become a negative launch status. Any other fault goes
 * to the handler that was installed before ours (never swallowed). */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

#ifdef HX_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define ALT_STACK_SIZE (64 * 1024)

static struct sigaction old_segv, old_bus; /* written once, before use */
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
	const struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;

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

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	struct hx_worker *w = hx_worker_current();
	hx_fault_hook_fn hook = atomic_load(&fault_hook);

	if (hook && hook(sig, si, uc))
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
