#include "debug.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned hx_debug_mask;

static const struct {
	const char *name;
	unsigned bit;
} areas[] = {
	{"api", HX_DBG_API},         {"sched", HX_DBG_SCHED},
	{"mem", HX_DBG_MEM},         {"svm", HX_DBG_SVM},
	{"hmm", HX_DBG_HMM},         {"compiler", HX_DBG_COMPILER},
	{"engine", HX_DBG_ENGINE},   {"all", ~0u},
};

void hx_debug_init(void)
{
	const char *env = getenv("HMMCL_DEBUG");
	char buf[256], *save = NULL, *tok;
	size_t i;

	if (!env)
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
			if (strcmp(tok, areas[i].name) == 0)
				hx_debug_mask |= areas[i].bit;
	}
}

/* Read the variable when the library loads: the loader's first calls
 * (clIcdGetPlatformIDsKHR) come before the platform exists. Reading it
 * again later only sets the same bits. */
__attribute__((constructor)) static void debug_load(void)
{
	hx_debug_init();
}

void hx_debug_print(const char *area, const char *fmt, ...)
{
	char line[1024];
	int n;
	va_list ap;

	n = snprintf(line, sizeof(line), "hmmcl[%s]: ", area);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	/* One fputs per line keeps lines from several threads whole. */
	strncat(line, "\n", sizeof(line) - strlen(line) - 1);
	fputs(line, stderr);
}
