/* Randomised /dev/hmm ABI sequences against a shadow model.
 *
 *   hmm_fuzz [--seed N] [--ops N]     (or HMMCL_FUZZ_SEED, HMMCL_FUZZ_OPS)
 *
 * Areas of anonymous memory inside one mirrored block are written, read,
 * migrated between devices and system memory (also content-undefined),
 * accessed by the devices, unmapped, remapped, mremapped and madvised, and
 * the process forks now and then; every byte the model defines is checked
 * on every read, on the CPU and through the devices. Exit 0 on success;
 * on a mismatch it prints the seed, the operation number and the last
 * operations, so the run can be replayed.
 */
#include "hmm_door.h"

#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PS 4096UL
#define AREAS 8
#define SLOTS (2 * AREAS) /* places an area may live (mremap moves it) */
#define APAGES 32
#define ABYTES (APAGES * PS)
#define LOG 4096

static int H;
static struct hmm_dev_info info;
static char *block; /* SLOTS * ABYTES, mirrored by every device */
static struct {
	int slot;		    /* -1: not mapped */
	unsigned char data[ABYTES]; /* expected contents */
	unsigned char def[ABYTES];  /* 1: byte defined */
} area[AREAS];
static int slot_used[SLOTS];
/* HMMCL_FUZZ_HOLD=1: every private device holds its aperture; the fuzzer
 * remembers the aperture address of pages it saw on a device (as a device
 * MMU caches translations) and later reads and writes through it, however
 * the page moved since. Entries are dropped when the area is unmapped or
 * moved (an MMU drops them on the event) and on RELEASE. */
static int hold;
static char *aperture[HMM_DEV_MAX_DEVICES];
static char *stale[AREAS][APAGES]; /* remembered aperture page, or NULL */

static void forget_stale(int a)
{
	memset(stale[a], 0, sizeof(stale[a]));
}
static uint64_t rng_state, op_no, seed;
static char oplog[LOG][96];

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

static void logop(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logop(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(oplog[op_no % LOG], sizeof(oplog[0]), fmt, ap);
	va_end(ap);
}

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr,
		"fuzz_hmm: seed %llu op %llu: ", (unsigned long long)seed,
		(unsigned long long)op_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nlast operations:\n");
	for (uint64_t i = op_no >= LOG ? op_no - LOG + 1 : 0; i <= op_no; i++)
		fprintf(stderr, "  %6llu %s\n", (unsigned long long)i,
			oplog[i % LOG]);
	exit(1);
}

/* A crash reports where it happened and the operations leading there. */
static void on_crash(int sig, siginfo_t *si, void *uc)
{
	void *bt[32];
	int n = backtrace(bt, 32);

	fprintf(stderr, "fuzz_hmm: signal %d at address %p\n", sig,
		si->si_addr);
	backtrace_symbols_fd(bt, n, 2);
	die("crashed");
}

static char *base(int a)
{
	return block + (size_t)area[a].slot * ABYTES;
}

static int mapped_area(void)
{
	for (int tries = 0; tries < 16; tries++) {
		int a = (int)below(AREAS);

		if (area[a].slot >= 0)
			return a;
	}
	return -1;
}

static void check_bytes(int a, size_t off, const unsigned char *got, size_t n,
			const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (area[a].def[off + i] && got[i] != area[a].data[off + i])
			die("%s: area %d byte 0x%zx (page %zu): got 0x%02x "
			    "want 0x%02x",
			    what, a, off + i, (off + i) / PS, got[i],
			    area[a].data[off + i]);
}

static int free_slot(void)
{
	int n = 0, pick;

	for (int s = 0; s < SLOTS; s++)
		n += !slot_used[s];
	if (!n)
		return -1;
	pick = (int)below(n);
	for (int s = 0; s < SLOTS; s++)
		if (!slot_used[s] && pick-- == 0)
			return s;
	return -1;
}

static void map_area(int a)
{
	forget_stale(a);
	int s = free_slot();

	if (s < 0)
		return;
	if (mmap(block + (size_t)s * ABYTES, ABYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	slot_used[s] = 1;
	area[a].slot = s;
	memset(area[a].data, 0, ABYTES);
	memset(area[a].def, 1, ABYTES);
}

/* Puts a PROT_NONE placeholder back where the fuzzer unmapped. Another
 * thread (the backend's handler) may have mapped something into the hole
 * meanwhile: never clobber it (MAP_FIXED would), give the slot up. */
static void placeholder(int s)
{
	void *p = block + (size_t)s * ABYTES;

	slot_used[s] = 0;
	if (mmap(p, ABYTES, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
		     MAP_NORESERVE,
		 -1, 0) != p)
		slot_used[s] = 2; /* lost */
}

static void unmap_area(int a)
{
	forget_stale(a);
	if (munmap(base(a), ABYTES))
		die("munmap: %s", strerror(errno));
	placeholder(area[a].slot);
	area[a].slot = -1;
}

static void range(size_t *off, size_t *n, int pages)
{
	size_t p0 = below(APAGES), np = 1 + below(APAGES - p0);

	if (pages) {
		*off = p0 * PS;
		*n = np * PS;
	} else {
		*off = below(ABYTES);
		*n = 1 + below(ABYTES - *off < 3 * PS ? ABYTES - *off : 3 * PS);
	}
}

static void op_cpu_write(int a)
{
	size_t off, n;
	unsigned char v = (unsigned char)rnd();

	range(&off, &n, 0);
	logop("cpu write area %d [0x%zx,+0x%zx) = 0x%02x", a, off, n, v);
	memset(base(a) + off, v, n);
	memset(area[a].data + off, v, n);
	memset(area[a].def + off, 1, n);
}

static void op_cpu_read(int a)
{
	size_t off, n;

	range(&off, &n, 0);
	logop("cpu read area %d [0x%zx,+0x%zx)", a, off, n);
	check_bytes(a, off, (unsigned char *)base(a) + off, n, "cpu read");
}

static void op_migrate(int a)
{
	size_t off, n;
	int undefined = below(8) == 0;
	uint32_t target =
	    below(4) == 0 ? HMM_DEV_LOC_SYSTEM : (uint32_t)below(info.ndevices);
	struct hmm_dev_migrate m = {.start = (uintptr_t)base(a),
				    .target = target};
	static uint64_t st[APAGES];
	int err;

	range(&off, &n, 1);
	m.start += off;
	m.size = n;
	m.flags = undefined ? HMM_DEV_MIGRATE_CONTENT_UNDEFINED : 0;
	m.states = (uintptr_t)st;
	logop("migrate area %d [0x%zx,+0x%zx) to %d%s", a, off, n, (int)target,
	      undefined ? " undefined" : "");
	err = hx_hmm_ioctl(H, HMM_DEV_IOC_MIGRATE, &m) ? errno : 0;
	if (err && err != ENOSPC)
		die("migrate: %s", strerror(err));
	if (m.npages_done > n / PS || (!err && m.npages_done != n / PS))
		die("migrate: npages_done %llu of %zu",
		    (unsigned long long)m.npages_done, n / PS);
	if (undefined)
		memset(area[a].def + off, 0,
		       n); /* moved or failed, any page may drop */
	for (size_t i = 0; i < m.npages_done && target != HMM_DEV_LOC_SYSTEM;
	     i++) {
		if (HMM_DEV_PAGE_STATE(st[i]) != HMM_DEV_PAGE_DEVICE ||
		    HMM_DEV_PAGE_DEV(st[i]) != target)
			die("migrate: page %zu state 0x%llx", i,
			    (unsigned long long)st[i]);
		if (hold && aperture[target] && !stale[a][off / PS + i])
			stale[a][off / PS + i] =
			    aperture[target] +
			    (size_t)HMM_DEV_PAGE_APERTURE(st[i]) * PS;
	}
}

static void op_dev_rw(int a, int write)
{
	size_t off, n;
	static unsigned char buf[3 * PS];
	uint32_t d = (uint32_t)below(info.ndevices);
	struct hmm_dev_rw rw;

	range(&off, &n, 0);
	rw = (struct hmm_dev_rw){(uintptr_t)base(a) + off, n, (uintptr_t)buf, d,
				 0};
	logop("device %u %s area %d [0x%zx,+0x%zx)", d,
	      write ? "write" : "read", a, off, n);
	if (write) {
		unsigned char v = (unsigned char)rnd();

		memset(buf, v, n);
		memset(area[a].data + off, v, n);
		memset(area[a].def + off, 1, n);
	}
	if (hx_hmm_ioctl(H, write ? HMM_DEV_IOC_WRITE : HMM_DEV_IOC_READ, &rw))
		die("device %s: %s", write ? "write" : "read", strerror(errno));
	if (rw.bytes_done != n)
		die("device rw: %llu of %zu bytes",
		    (unsigned long long)rw.bytes_done, n);
	if (!write)
		check_bytes(a, off, buf, n, "device read");
}

static void op_fault(int a)
{
	size_t off, n;
	struct hmm_dev_fault f;

	range(&off, &n, 1);
	f = (struct hmm_dev_fault){(uintptr_t)base(a) + off, n, 0,
				   (uint32_t)below(info.ndevices),
				   below(2) ? HMM_DEV_FAULT_WRITE : 0};
	logop("device %u fault area %d [0x%zx,+0x%zx)", f.device, a, off, n);
	if (hx_hmm_ioctl(H, HMM_DEV_IOC_FAULT, &f) || f.npages_done != n / PS)
		die("device fault: %s", strerror(errno));
}

static void op_dontneed(int a)
{
	forget_stale(a);
	size_t off, n;

	range(&off, &n, 1);
	logop("madvise dontneed area %d [0x%zx,+0x%zx)", a, off, n);
	if (madvise(base(a) + off, n, MADV_DONTNEED))
		die("madvise: %s", strerror(errno));
	memset(area[a].data + off, 0, n);
	memset(area[a].def + off, 1, n);
}

static void op_mremap(int a)
{
	forget_stale(a);
	int s = free_slot(), from = area[a].slot;
	char *to;

	if (s < 0)
		return;
	to = block + (size_t)s * ABYTES;
	logop("mremap area %d slot %d -> %d", a, from, s);
	if (mremap(base(a), ABYTES, ABYTES, MREMAP_MAYMOVE | MREMAP_FIXED,
		   to) != to) {
		/* The kernel moves one VMA only; userfaultfd registration of
		 * migrated parts splits an area into several (documented). */
		if (errno != EFAULT)
			die("mremap: %s", strerror(errno));
		/* It may have moved a part: forget the area at both places. */
		if (mmap(to, ABYTES, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			     MAP_NORESERVE,
			 -1, 0) == MAP_FAILED)
			die("placeholder: %s", strerror(errno));
		unmap_area(a);
		return;
	}
	slot_used[s] = 1;
	area[a].slot = s;
	placeholder(from);
}

static void verify_all(const char *what)
{
	for (int a = 0; a < AREAS; a++)
		if (area[a].slot >= 0)
			check_bytes(a, 0, (unsigned char *)base(a), ABYTES,
				    what);
}

static void op_fork(void)
{
	pid_t pid;
	int status;

	logop("fork");
	pid = fork();
	if (pid == 0) {
		verify_all("child after fork");
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("fork child failed the check");
}

/* HMMCL_FUZZ_PARANOID=1: check every area through the device after every
 * operation (device reads never move pages), to find the first bad op. */
static void paranoid(void)
{
	static unsigned char buf[ABYTES];

	for (int a = 0; a < AREAS; a++) {
		struct hmm_dev_rw rw = {(uintptr_t)base(a), ABYTES,
					(uintptr_t)buf, 0, 0};

		if (area[a].slot < 0)
			continue;
		if (hx_hmm_ioctl(H, HMM_DEV_IOC_READ, &rw))
			die("paranoid read: %s", strerror(errno));
		check_bytes(a, 0, buf, ABYTES, "paranoid");
	}
}

/* A read or write through a remembered aperture address. */
static void op_stale(int a)
{
	size_t p = (size_t)below(APAGES), off, n;
	unsigned char v = (unsigned char)rnd();

	if (!stale[a][p])
		return;
	off = (size_t)below(PS);
	n = 1 + (size_t)below(PS - off);
	if (below(2)) {
		logop("stale aperture write area %d page %zu [0x%zx,+0x%zx) = "
		      "0x%02x",
		      a, p, off, n, v);
		memset(stale[a][p] + off, v, n);
		memset(area[a].data + p * PS + off, v, n);
		memset(area[a].def + p * PS + off, 1, n);
	} else {
		logop("stale aperture read area %d page %zu [0x%zx,+0x%zx)", a,
		      p, off, n);
		check_bytes(a, p * PS + off, (unsigned char *)stale[a][p] + off,
			    n, "stale aperture read");
	}
}

/* No remembered address remains: held slots may go. */
static void release_all(void)
{
	memset(stale, 0, sizeof(stale));
	for (uint32_t d = 0; d < info.ndevices; d++) {
		struct hmm_dev_aperture ap = {.device = d,
					      .op = HMM_DEV_APERTURE_RELEASE};

		if (aperture[d] && hx_hmm_ioctl(H, HMM_DEV_IOC_APERTURE, &ap))
			die("release: %s", strerror(errno));
	}
}

static void hold_setup(void)
{
	for (uint32_t d = 0; d < info.ndevices; d++) {
		struct hmm_dev_aperture ap = {.device = d,
					      .op = HMM_DEV_APERTURE_HOLD};
		void *m;

		if (info.devices[d].kind != HMM_DEV_MEM_PRIVATE ||
		    hx_hmm_ioctl(H, HMM_DEV_IOC_APERTURE, &ap))
			continue;
		m = hx_hmm_mmap(H, info.devices[d].mem_size,
				PROT_READ | PROT_WRITE,
				HMM_DEV_APERTURE_OFFSET(d));
		aperture[d] = m == MAP_FAILED ? NULL : m;
	}
}

static void drain_events(void)
{
	struct hmm_dev_event ev[16];

	while (hx_hmm_read(H, ev, sizeof(ev)) > 0)
		;
}

static const char *skip = ""; /* HMMCL_FUZZ_SKIP: op letters to leave out */

static void step(void)
{
	int a = mapped_area(), r = (int)below(1000);
	/* Letters per 1000: w cpu write, r cpu read, m migrate, d/e device
	 * read/write, f device fault, p madvise, x mremap, u munmap, n map,
	 * F fork and full check. */
	static const int edge[] = {250, 450, 700, 780, 850, 900,
				   930, 950, 975, 999, 1000};
	static const char letter[] = "wrmdefpxunF";
	int k = 0;

	while (r >= edge[k])
		k++;
	if (strchr(skip, letter[k]))
		return;

	if (a < 0) {
		a = (int)below(AREAS);
		logop("map area %d", a);
		if (area[a].slot < 0)
			map_area(a);
		return;
	}
	if (r < 250)
		op_cpu_write(a);
	else if (r < 450)
		op_cpu_read(a);
	else if (r < 700)
		op_migrate(a);
	else if (r < 780)
		op_dev_rw(a, 0);
	else if (r < 850)
		op_dev_rw(a, 1);
	else if (r < 900 && hold && below(2))
		op_stale(a);
	else if (r < 900)
		op_fault(a);
	else if (r < 930)
		op_dontneed(a);
	else if (r < 950)
		op_mremap(a);
	else if (r < 975) {
		logop("munmap area %d", a);
		unmap_area(a);
	} else if (r < 999) {
		int b = (int)below(AREAS);

		logop("map area %d", b);
		if (area[b].slot < 0)
			map_area(b);
	} else if (below(10) == 0) {
		op_fork();
	} else {
		logop("verify all");
		verify_all("full check");
	}
}

int main(int argc, char **argv)
{
	uint64_t ops = 100000;
	const char *e;
	int para = getenv("HMMCL_FUZZ_PARANOID") != NULL;

	seed = 1;
	if ((e = getenv("HMMCL_FUZZ_SEED")))
		seed = strtoull(e, NULL, 0);
	if ((e = getenv("HMMCL_FUZZ_SKIP")))
		skip = e;
	if ((e = getenv("HMMCL_FUZZ_OPS")))
		ops = strtoull(e, NULL, 0);
	hold = getenv("HMMCL_FUZZ_HOLD") && *getenv("HMMCL_FUZZ_HOLD") == '1';
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--ops"))
			ops = strtoull(argv[i + 1], NULL, 0);
	}
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	{
		static char altstack[64 << 10];
		stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
		struct sigaction sa = {.sa_sigaction = on_crash,
				       .sa_flags = SA_SIGINFO | SA_ONSTACK};

		sigaltstack(&ss, NULL);
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
	}
	H = hx_hmm_open(HX_HMM_BACKEND_AUTO);
	if (H < 0 || hx_hmm_ioctl(H, HMM_DEV_IOC_INFO, &info)) {
		fprintf(stderr, "fuzz_hmm: open: %s\n", strerror(errno));
		return 1;
	}
	block = mmap(NULL, SLOTS * ABYTES, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (block == MAP_FAILED)
		return 1;
	for (uint32_t d = 0; d < info.ndevices; d++) {
		struct hmm_dev_range r = {(uintptr_t)block, SLOTS * ABYTES, d,
					  0};

		if (hx_hmm_ioctl(H, HMM_DEV_IOC_REGISTER, &r))
			die("register: %s", strerror(errno));
	}
	for (int a = 0; a < AREAS; a++)
		area[a].slot = -1;
	if (hold)
		hold_setup();
	for (int a = 0; a < AREAS; a++)
		map_area(a);
	for (op_no = 0; op_no < ops; op_no++) {
		step();
		if (para)
			paranoid();
		if ((op_no & 255) == 0)
			drain_events();
		if (hold && (op_no & 1023) == 1023)
			release_all();
	}
	verify_all("final check");
	printf("fuzz_hmm: seed %llu: %llu operations, every byte checked\n",
	       (unsigned long long)seed, (unsigned long long)ops);
	return 0;
}
