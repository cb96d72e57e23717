/* Build, compile and link options: validation and clang arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CL/cl.h>

#include "clang_flags.h"
#include "compiler_internal.h"

/* Passed to clang unchanged. -cl-opt-disable is handled here instead:
 * clang would emit optnone, which stops the inlining every kernel needs. */
static const char *const pass_flags[] = {
    "-w",
    "-Werror",
    "-cl-fast-relaxed-math",
    "-cl-mad-enable",
    "-cl-no-signed-zeros",
    "-cl-finite-math-only",
    "-cl-unsafe-math-optimizations",
    "-cl-denorms-are-zero",
    "-cl-single-precision-constant",
    "-cl-kernel-arg-info",
    "-g",
    "-cl-strict-aliasing",
    "-cl-uniform-work-group-size",
    NULL,
};

/* clLinkProgram accepts only these (OpenCL 3.0, 5.8.7). */
static const char *const link_flags[] = {
    "-cl-denorms-are-zero",	     "-cl-no-signed-zeros",
    "-cl-unsafe-math-optimizations", "-cl-finite-math-only",
    "-cl-fast-relaxed-math",	     "-cl-no-subgroup-ifp",
    "-enable-link-options",	     NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* Splits on blanks; single and double quotes group. */
static int tokenize(const char *s, char ***out, int *n)
{
	size_t len = s ? strlen(s) : 0;
	char **tok = calloc(len / 2 + 2, sizeof(*tok));
	int cnt = 0;

	if (!tok)
		return -1;
	while (s && *s) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s)
			break;
		char *t = malloc(strlen(s) + 1), *w = t, q = 0;
		if (!t)
			goto err;
		for (; *s && (q || (*s != ' ' && *s != '\t' && *s != '\n' &&
				    *s != '\r'));
		     s++) {
			if (!q && (*s == '"' || *s == '\''))
				q = *s;
			else if (q && *s == q)
				q = 0;
			else
				*w++ = *s;
		}
		*w = 0;
		tok[cnt++] = t;
	}
	*out = tok;
	*n = cnt;
	return 0;
err:
	while (cnt)
		free(tok[--cnt]);
	free(tok);
	return -1;
}

static int add_arg(hx_options *o, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *s = malloc(la + lb + 1);

	if (!s)
		return -1;
	memcpy(s, a, la);
	if (b)
		memcpy(s + la, b, lb);
	s[la + lb] = 0;
	o->args[o->nargs++] = s;
	return 0;
}

/* clang runs in a temporary directory: relative include paths are made
 * absolute against the application's working directory. */
static int add_include(hx_options *o, const char *dir)
{
	char cwd[4096], *path;
	int ret;

	if (dir[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return add_arg(o, "-I", dir);
	path = malloc(strlen(cwd) + strlen(dir) + 2);
	if (!path)
		return -1;
	sprintf(path, "%s/%s", cwd, dir);
	ret = add_arg(o, "-I", path);
	free(path);
	return ret;
}

static int parse_std(hx_options *o, const char *v)
{
	static const char *const ok[] = {"CL1.0", "CL1.1", "CL1.2", "CL3.0"};

	snprintf(o->std_name, sizeof(o->std_name), "-cl-std=%.15s", v);
	o->std_given = true;
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(v, ok[i])) {
			o->dialect = i == 3 ? HX_DIALECT_30 : HX_DIALECT_12;
			return 0;
		}
	/* A real OpenCL C version the device does not report. */
	if (!strcmp(v, "CL2.0")) {
		o->std_unsupported = true;
		return 0;
	}
	return -1;
}

/* Handles one token (and maybe its argument); -1 means invalid. */
static int parse_one(hx_options *o, char **tok, int n, int *i,
		     enum hx_opt_mode mode)
{
	const char *t = tok[*i];

	if (mode == HX_OPT_LINK) {
		if (!strcmp(t, "-create-library")) {
			o->create_library = true;
			return 0;
		}
		return in_list(link_flags, t) ? 0 : -1;
	}
	if (!strcmp(t, "-D") && *i + 1 < n) {
		*i += 1;
		return add_arg(o, "-D", tok[*i]);
	}
	if (!strcmp(t, "-I") && *i + 1 < n) {
		*i += 1;
		return add_include(o, tok[*i]);
	}
	if (!strncmp(t, "-D", 2) && t[2])
		return add_arg(o, t, NULL);
	if (!strncmp(t, "-I", 2) && t[2])
		return add_include(o, t + 2);
	if (!strncmp(t, "-cl-std=", 8))
		return parse_std(o, t + 8);
	if (!strcmp(t, "-cl-opt-disable")) {
		o->opt_disable = true;
		return 0;
	}
	if (in_list(pass_flags, t))
		return add_arg(o, t, NULL);
	/* Accepted and meaningless for this device (no sub-groups); clang
	 * does not know it, so it is not passed on. */
	if (!strcmp(t, "-cl-no-subgroup-ifp"))
		return 0;
	if (!strcmp(t, "-cl-fp32-correctly-rounded-divide-sqrt"))
		return add_arg(o, t, NULL);
	return -1;
}

int hx_options_parse(const char *options, enum hx_opt_mode mode, hx_options *o)
{
	char **tok = NULL;
	int n = 0, ret = CL_SUCCESS;

	memset(o, 0, sizeof(*o));
	o->dialect = HX_DIALECT_12;
	if (tokenize(options, &tok, &n))
		return CL_OUT_OF_HOST_MEMORY;
	o->args = calloc((size_t)n + 1, sizeof(char *));
	if (!o->args)
		ret = CL_OUT_OF_HOST_MEMORY;
	for (int i = 0; i < n && ret == CL_SUCCESS; i++)
		if (parse_one(o, tok, n, &i, mode))
			ret = mode == HX_OPT_LINK ? CL_INVALID_LINKER_OPTIONS
						  : CL_INVALID_BUILD_OPTIONS;
	for (int i = 0; i < n; i++)
		free(tok[i]);
	free(tok);
	if (ret != CL_SUCCESS)
		hx_options_free(o);
	return ret;
}

void hx_options_free(hx_options *o)
{
	for (int i = 0; i < o->nargs; i++)
		free(o->args[i]);
	free(o->args);
	o->args = NULL;
	o->nargs = 0;
}

int hx_compiler_check_options(const char *options)
{
	hx_options o;
	int ret = hx_options_parse(options, HX_OPT_BUILD, &o);

	if (ret == CL_SUCCESS)
		hx_options_free(&o);
	return ret;
}
