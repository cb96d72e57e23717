/* Device faults: a wild pointer in kernel code is a launch status, not a
 * crash; faults outside kernel code still reach the old handler. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_test.h"

static void *wild;

static void wild_entry(void *const *args, hx_group *g)
{
	if (g->group_id[0] == 3)
		*(volatile int *)wild = 1;
}

static void run_wild(uint32_t flags)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 64, ls = 4;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	struct hx_run_result res;

	wild = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(wild != MAP_FAILED);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(run_kernel(e, wild_entry, flags, NULL, &nd, 0, &res),
			 -5);
		CHECK_EQ(res.error, HX_RUN_FAULT);
		CHECK_EQ(res.fault_addr, (uint64_t)(uintptr_t)wild);
		CHECK_EQ(res.fault_signal, SIGSEGV);
		CHECK(res.groups_run < 16);
	}
	munmap(wild, 4096);
	hx_engine_destroy(e);
}

TEST(wild_pointer_loop_mode)
{
	run_wild(0);
}

TEST(wild_pointer_per_item)
{
	run_wild(HX_CODE_PER_ITEM);
}

static int depth(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	return n ? depth(n - 1) + pad[0] : 0;
}

static void overflow_entry(void *const *args, hx_group *g)
{
	*(volatile int *)args[0] = depth(1 << 20);
}

TEST(stack_overflow_is_fault)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 8, ls = 8;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	struct hx_run_result res;
	int sink;
	void *args[1] = {&sink};

	CHECK_EQ(
	    run_kernel(e, overflow_entry, HX_CODE_PER_ITEM, args, &nd, 0, &res),
	    -5);
	CHECK_EQ(res.error, HX_RUN_FAULT);
	hx_engine_destroy(e);
}

/* The MMU hook: a NULL translation is a device fault at that address. */
static void *deny_odd_pages(void *ctx, unsigned worker, uint64_t addr,
			    uint64_t size, uint32_t access)
{
	*(int *)ctx += 1;
	return (addr >> 12) & 1 ? NULL : (void *)(uintptr_t)addr;
}

static void mirrored_entry(void *const *args, hx_group *g)
{
	uint64_t base = *(uint64_t *)args[0];
	uint64_t a = base + g->group_id[0] * 4096;
	int *p = g->rt->translate(g, a, 4, 2);

	*p = 7;
}

TEST(mmu_fault)
{
	/* One thread: groups run in order, so group 0's write lands before
	 * group 1 faults (with more, each thread starts in its own range of
	 * groups and the fault may stop the launch before group 0). */
	hx_engine *e = hx_engine_create(1);
	uint64_t gs = 2, ls = 1;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	struct hx_run_result res;
	char *alloc = aligned_alloc(4096, 3 * 4096);
	/* Page 0 of the range even (allowed), page 1 odd (denied). */
	char *mem = alloc + (((uintptr_t)alloc >> 12) & 1) * 4096;
	uint64_t base = (uint64_t)(uintptr_t)mem;
	void *args[1] = {&base};
	int calls = 0;
	struct hx_mmu mmu = {.translate = deny_odd_pages, .ctx = &calls};
	hx_kernel_code code = {.entry = mirrored_entry,
			       .flags = HX_CODE_MIRRORED};
	struct hx_launch l = {
	    .code = &code, .args = args, .nd = &nd, .mmu = &mmu};

	CHECK_EQ(hx_engine_run(e, &l, &res), -5);
	CHECK_EQ(res.error, HX_RUN_FAULT);
	CHECK_EQ(res.fault_addr, base + 4096);
	CHECK_EQ(res.fault_signal, 0);
	CHECK_EQ(*(int *)mem, 7);
	CHECK_EQ(calls, 2);
	/* The engine default: identity until an MMU is set. */
	l.mmu = NULL;
	CHECK_EQ(hx_engine_run(e, &l, &res), 0);
	hx_engine_set_mmu(e, &mmu);
	CHECK_EQ(hx_engine_run(e, &l, &res), -5);
	hx_engine_set_mmu(e, NULL);
	CHECK_EQ(hx_engine_run(e, &l, &res), 0);
	free(alloc);
	hx_engine_destroy(e);
}

static volatile sig_atomic_t app_handler_ran;
static volatile uintptr_t bad_addr = 8;

static void app_handler(int sig)
{
	app_handler_ran = 1;
	_exit(42);
}

/* A crash outside kernel code goes to the application's own handler
 * (installed before the engine) or kills the process as usual. */
TEST(fault_outside_kernel_chains)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, app_handler);
		hx_engine_destroy(hx_engine_create(0));
		hx_engine *e = hx_engine_create(0);

		(void)e;
		*(volatile int *)bad_addr = 1;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);
}

static void *hook_page;
static int hook_calls;

/* Resolves the fault by making the page accessible, as a backend that
 * migrates a page back would. */
static int hook(int sig, void *siginfo, void *uc)
{
	siginfo_t *si = siginfo;

	if ((char *)si->si_addr < (char *)hook_page ||
	    (char *)si->si_addr >= (char *)hook_page + 4096)
		return 0;
	hook_calls++;
	return mprotect(hook_page, 4096, PROT_READ | PROT_WRITE) == 0;
}

static void hook_entry(void *const *args, hx_group *g)
{
	((volatile int *)hook_page)[g->group_id[0]] = 5;
}

TEST(fault_hook_resolves)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 16, ls = 1;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	struct hx_run_result res;

	hook_page =
	    mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hx_engine_set_fault_hook(hook);
	CHECK_EQ(run_kernel(e, hook_entry, 0, NULL, &nd, 0, &res), 0);
	CHECK_EQ(hook_calls, 1);
	CHECK_EQ(((int *)hook_page)[15], 5);
	hx_engine_set_fault_hook(NULL);
	mprotect(hook_page, 4096, PROT_NONE);
	CHECK_EQ(run_kernel(e, hook_entry, 0, NULL, &nd, 0, &res), -5);
	/* Whichever group touched the page first. */
	CHECK(res.fault_addr >= (uint64_t)(uintptr_t)hook_page &&
	      res.fault_addr < (uint64_t)(uintptr_t)hook_page + 16 * 4);
	CHECK_EQ(res.fault_addr % 4, 0);
	munmap(hook_page, 4096);
	hx_engine_destroy(e);
}

static volatile int izero = 0, iminus1 = -1;
static volatile long lzero = 0;
static volatile unsigned char czero = 0;

/* Integer division by zero and INT_MIN / -1 trap on x86; OpenCL C makes
 * them an unspecified value. Built without UBSan, which would stop at
 * the very thing tested here. */
__attribute__((no_sanitize("undefined"))) static void
div_entry(void *const *args, hx_group *g)
{
	long *out = *(long **)args[0];
	int i = (int)g->group_id[0] + 1;
	unsigned char c = (unsigned char)i;
	short s = (short)i;

	out[g->group_id[0]] = i / izero + i % izero + INT32_MIN / iminus1 +
			      (long)i / lzero + (unsigned)i / (unsigned)izero +
			      c / czero + s / (short)izero + 1;
}

TEST(integer_division_by_zero_completes)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 64, ls = 4;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	long out[64];
	long *op = out;
	void *args[1] = {&op};
	struct hx_run_result res;

	memset(out, 0, sizeof(out));
	CHECK_EQ(run_kernel(e, div_entry, 0, args, &nd, 0, &res), 0);
	CHECK_EQ(res.groups_run, 16);
	for (int i = 0; i < 16; i++)
		CHECK(out[i] != 0); /* the item went on to its store */
	CHECK_EQ(run_kernel(e, div_entry, HX_CODE_PER_ITEM, args, &nd, 0, &res),
		 0);
	hx_engine_destroy(e);
}

__attribute__((no_sanitize("undefined"))) static int host_divide(int a)
{
	return a / izero;
}

/* Outside kernel code SIGFPE still reaches the application's handler. */
TEST(division_outside_kernel_still_traps)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGFPE, app_handler);
		hx_engine_destroy(hx_engine_create(0));
		_exit(host_divide(7));
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);
}
