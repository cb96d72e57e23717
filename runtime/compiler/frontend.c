/* clang-16 as a subprocess: OpenCL C source -> LLVM bitcode. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CL/cl.h>

#include "clang_flags.h"
#include "compiler_internal.h"

extern char **environ;

#define X_STR(s) s,
static const char *const common_flags[] = {HX_CLANG_FLAGS_COMMON(X_STR) NULL};
static const char *const cl30_flags[] = {HX_CLANG_FLAGS_CL30(X_STR) NULL};
#undef X_STR

const char *hx_frontend_clang_path(void)
{
	const char *env = getenv("HMMCL_CLANG");

	return env && *env ? env : HMMCL_CLANG_PATH;
}

/* Path, size and mtime: a different or upgraded clang changes the key
 * without spawning it. */
void hx_frontend_identity(hx_sha256 *s)
{
	const char *path = hx_frontend_clang_path();
	struct stat st;

	hx_sha256_str(s, path);
	if (stat(path, &st) == 0) {
		int64_t v[2] = {st.st_size, st.st_mtim.tv_sec};
		hx_sha256_field(s, v, sizeof(v));
	}
}

/* Header names stay inside the temporary directory. */
static bool safe_name(const char *name)
{
	if (!*name || name[0] == '/')
		return false;
	for (const char *s = name; (s = strstr(s, "..")); s += 2)
		if ((s == name || s[-1] == '/') && (s[2] == '/' || !s[2]))
			return false;
	return true;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	/* Header names may contain directories: create them. */
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(path, 0700);
		*p = '/';
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t len = strlen(text);
	int ok = fwrite(text, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int read_file(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	hx_buf b = {0};
	char chunk[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (hx_buf_append(&b, chunk, n)) {
			fclose(f);
			free(b.data);
			return -1;
		}
	fclose(f);
	*size = b.len;
	*data = hx_buf_take(&b);
	return *data ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

/* argv: clang, common flags, dialect flags, user flags, -I dir, input. */
static char **make_argv(const hx_options *o)
{
	size_t n = 0;
	char **argv = calloc(64 + (size_t)o->nargs, sizeof(char *));

	if (!argv)
		return NULL;
	argv[n++] = (char *)hx_frontend_clang_path();
	for (size_t i = 0; common_flags[i]; i++)
		argv[n++] = (char *)common_flags[i];
	if (o->dialect == HX_DIALECT_30) {
		for (size_t i = 0; cl30_flags[i]; i++)
			argv[n++] = (char *)cl30_flags[i];
	} else {
		argv[n++] =
		    (char *)(o->std_given ? o->std_name : "-cl-std=CL1.2");
	}
	for (int i = 0; i < o->nargs; i++)
		argv[n++] = o->args[i];
	argv[n++] = "-I.";
	/* Dependencies: files from -I directories must invalidate the cache. */
	argv[n++] = "-MD";
	argv[n++] = "-MF";
	argv[n++] = "deps.d";
	argv[n++] = "input.cl";
	argv[n++] = "-o";
	argv[n++] = "output.bc";
	return argv;
}

/* Appends "size mtime path" lines for the absolute paths of a make-style
 * dependency file (the relative ones are the temporary directory's own). */
static void parse_deps(const char *text, hx_buf *deps)
{
	const char *s = strchr(text, ':');
	char path[4096];

	while (s && *s) {
		size_t n = 0;
		s++;
		while (*s == ' ' || *s == '\t' || *s == '\n' ||
		       (*s == '\\' && s[1] == '\n'))
			s += *s == '\\' ? 2 : 1;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n' &&
		       n + 1 < sizeof(path)) {
			if (*s == '\\' && s[1] == ' ')
				s++;
			else if (*s == '\\' && s[1] == '\n')
				break;
			path[n++] = *s++;
		}
		path[n] = 0;
		struct stat st;
		if (path[0] == '/' && stat(path, &st) == 0)
			hx_buf_printf(deps, "%lld %lld.%09ld %s\n",
				      (long long)st.st_size,
				      (long long)st.st_mtim.tv_sec,
				      st.st_mtim.tv_nsec, path);
		if (!*s)
			break;
		s--;
	}
}

bool hx_frontend_deps_valid(const char *deps, size_t len)
{
	const char *s = deps, *end = deps + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		char line[4200], path[4096], cur[64], want[64];
		long long size;
		struct stat st;
		if (!nl || (size_t)(nl - s) >= sizeof(line))
			return false;
		memcpy(line, s, (size_t)(nl - s));
		line[nl - s] = 0;
		if (sscanf(line, "%lld %63s %4095[^\n]", &size, want, path) !=
			3 ||
		    stat(path, &st) != 0)
			return false;
		snprintf(cur, sizeof(cur), "%lld.%09ld",
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		if (st.st_size != size || strcmp(cur, want))
			return false;
		s = nl + 1;
	}
	return true;
}

/* Runs clang in dir (relative names keep the diagnostics readable:
 * "input.cl:3:5: error: ..."); its stderr and stdout go to log.txt. */
static int run_clang(char **argv, const char *dir, int *status)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err;

	if (posix_spawn_file_actions_init(&fa))
		return -1;
	err = posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (!err)
		err = posix_spawn_file_actions_addopen(
		    &fa, 2, "log.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (!err)
		err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return -1;
	atomic_fetch_add(&hx_stat_clang_runs, 1);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static void append_file(hx_buf *log, const char *dir, const char *name)
{
	char path[4200];
	void *data;
	size_t size;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (read_file(path, &data, &size) == 0) {
		hx_buf_append(log, data, size);
		free(data);
	}
}

static int compile_in(const char *dir, const char *source,
		      const hx_cl_header *headers, size_t num_headers,
		      const hx_options *o, void **bc, size_t *bc_size,
		      hx_buf *log, hx_buf *deps)
{
	char path[4200];
	char **argv;
	int status = 0;
	void *text;
	size_t size;

	if (write_file(dir, "input.cl", source))
		return CL_OUT_OF_RESOURCES;
	for (size_t i = 0; i < num_headers; i++) {
		if (!headers[i].name || !safe_name(headers[i].name)) {
			hx_buf_printf(log, "error: invalid header name '%s'\n",
				      headers[i].name ? headers[i].name
						      : "(null)");
			return CL_COMPILE_PROGRAM_FAILURE;
		}
		if (write_file(dir, headers[i].name,
			       headers[i].source ? headers[i].source : ""))
			return CL_OUT_OF_RESOURCES;
	}
	argv = make_argv(o);
	if (!argv)
		return CL_OUT_OF_HOST_MEMORY;
	if (run_clang(argv, dir, &status)) {
		hx_buf_printf(log, "error: cannot run %s: %s\n", argv[0],
			      strerror(errno));
		free(argv);
		return CL_COMPILER_NOT_AVAILABLE;
	}
	free(argv);
	append_file(log, dir, "log.txt");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return CL_COMPILE_PROGRAM_FAILURE;
	snprintf(path, sizeof(path), "%s/deps.d", dir);
	if (deps && read_file(path, &text, &size) == 0) {
		parse_deps(text, deps);
		free(text);
	}
	snprintf(path, sizeof(path), "%s/output.bc", dir);
	if (read_file(path, bc, bc_size))
		return CL_OUT_OF_RESOURCES;
	return CL_SUCCESS;
}

int hx_frontend_compile(const char *source, const hx_cl_header *headers,
			size_t num_headers, const hx_options *o, void **bc,
			size_t *bc_size, hx_buf *log, hx_buf *deps)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	int ret;

	if (o->std_unsupported) {
		hx_buf_printf(log,
			      "error: %s: OpenCL C version not supported by "
			      "this device (supported: CL1.0, CL1.1, CL1.2, "
			      "CL3.0)\n",
			      o->std_name);
		return CL_COMPILE_PROGRAM_FAILURE;
	}
	snprintf(dir, sizeof(dir), "%s/hmmcl-cc-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		hx_buf_printf(log, "error: mkdtemp %s: %s\n", dir,
			      strerror(errno));
		return CL_OUT_OF_RESOURCES;
	}
	ret = compile_in(dir, source, headers, num_headers, o, bc, bc_size, log,
			 deps);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}
