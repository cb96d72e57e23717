/* User-space backend modes: degraded (no userfaultfd), user-mode-only
 * userfaultfd, the copy fallback, and HMMCL_DEBUG=hmm. Each case sets its
 * environment before the backend starts (one process per case). */
#include "hmm_fixture.h"

#include <fcntl.h>
#include <sys/wait.h>

static void user_only(void)
{
	if (fx_kernel())
		SKIP("user-space backend modes");
}

TEST(degraded_without_userfaultfd)
{
	char *p = map_anon(8 * PS), b[16];

	user_only();
	setenv("HMMCL_HMM_NO_UFFD", "1", 1);
	setenv("HMMCL_HMM_DEVICES", "private:8M,coherent:8M", 1);
	fx_open();
	CHECK_EQ(INFO.degraded_reason, HMM_DEV_DEGRADED_DISABLED);
	CHECK(!(INFO.features & HMM_DEV_FEATURE_MIGRATE_ANON));
	fill(p, 8 * PS, 40);
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	CHECK_ERRNO(reg(p, 8 * PS, 1), 0);
	/* Mirroring and device access still work; migration says why not. */
	CHECK_ERRNO(dev_rw(0, 0, p + 3, b, 16), 0);
	CHECK_EQ((uint8_t)b[0], pat(3, 40));
	CHECK_ERRNO(dev_rw(1, 0, p + 3, b, 16), 0);
	CHECK_ERRNO(mig(p, 8 * PS, 0), EACCES);
	CHECK_EQ(mem_free(0), INFO.devices[0].mem_size);
	/* Coherent placement is bookkeeping: it still works. */
	CHECK_ERRNO(mig(p, 8 * PS, 1), 0);
	CHECK_EQ(mem_free(1), INFO.devices[1].mem_size - 8 * PS);
	CHECK_ERRNO(mig(p, 8 * PS, HMM_DEV_LOC_SYSTEM), 0);
	CHECK_EQ(verify(p, 8 * PS, 40), -1);
}

TEST(debug_says_why)
{
	char path[] = "/tmp/hmm_dbg_XXXXXX", buf[4096] = {0};
	int fd = mkstemp(path), saved = dup(2);

	user_only();
	CHECK(fd >= 0);
	unlink(path);
	setenv("HMMCL_HMM_NO_UFFD", "1", 1);
	setenv("HMMCL_DEBUG", "api,hmm", 1);
	dup2(fd, 2);
	fx_open();
	dup2(saved, 2);
	CHECK(pread(fd, buf, sizeof(buf) - 1, 0) > 0);
	CHECK(strstr(buf, "degraded") != NULL);
	CHECK(strstr(buf, "HMMCL_HMM_NO_UFFD") != NULL);
}

TEST(debug_off_is_silent)
{
	char path[] = "/tmp/hmm_dbg_XXXXXX";
	int fd = mkstemp(path), saved = dup(2);

	user_only();
	unlink(path);
	setenv("HMMCL_HMM_NO_UFFD", "1", 1);
	setenv("HMMCL_DEBUG", "api,hmmx", 1);
	dup2(fd, 2);
	fx_open();
	dup2(saved, 2);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 0);
}

TEST(user_mode_only_userfaultfd)
{
	char *p = map_anon(8 * PS), b[32];
	int fds[2];

	user_only();
	setenv("HMMCL_HMM_USER_MODE_ONLY", "1", 1);
	fx_open();
	fx_need_migration();
	CHECK(!(INFO.features & HMM_DEV_FEATURE_KERNEL_ACCESS));
	fill(p, 8 * PS, 41);
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	CHECK_ERRNO(mig(p, 8 * PS, 0), 0);
	/* Kernel-mode access to a migrated page: EFAULT, as info says. */
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], p + PS, 32), -1);
	CHECK_EQ(errno, EFAULT);
	/* The device path and user-mode faults still work. */
	CHECK_ERRNO(dev_rw(0, 0, p + 2 * PS, b, 32), 0);
	CHECK_EQ((uint8_t)b[0], pat(2 * PS, 41));
	CHECK_EQ(verify(p, 8 * PS, 41), -1);
}

TEST(copy_fallback_after_fork)
{
	char *p = map_anon(16 * PS);
	pid_t pid;
	int status;

	user_only();
	fx_open();
	fx_need_migration();
	fill(p, 16 * PS, 42);
	CHECK_ERRNO(reg(p, 16 * PS, 0), 0);
	pid = fork();
	if (pid == 0) {
		sleep(1); /* keep the pages shared while the parent migrates */
		_exit(verify(p, 16 * PS, 42) == -1 ? 0 : 1);
	}
	stats_reset();
	CHECK_ERRNO(mig(p, 16 * PS, 0), 0);
	if (INFO.features & HMM_DEV_FEATURE_MIGRATE_MOVE)
		CHECK_EQ(stats(0).pages_to_device, 16);
	else
		CHECK_EQ(stats(0).copy_fallback_pages, 16);
	p[7] = 1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	p[7] = (char)pat(7, 42);
	CHECK_EQ(verify(p, 16 * PS, 42), -1);
}

TEST(forced_copy_read_only)
{
	char *p = map_anon(8 * PS);

	user_only();
	fx_open();
	fx_need_migration();
	fill(p, 8 * PS, 43);
	CHECK_EQ(mprotect(p, 8 * PS, PROT_READ), 0);
	CHECK_ERRNO(reg(p, 8 * PS, 0), 0);
	stats_reset();
	/* UFFDIO_MOVE refuses read-only memory: the copy path moves it. */
	CHECK_ERRNO(mig(p, 8 * PS, 0), 0);
	CHECK_EQ(stats(0).copy_fallback_pages, 8);
	CHECK_EQ(verify(p, 8 * PS, 43), -1);
	CHECK_EQ(stats(0).pages_to_system >= 1, 1);
}
