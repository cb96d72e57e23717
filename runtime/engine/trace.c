/* HMMCL_DEBUG=engine (or all): one stderr line per engine and per launch,
 * in the format of the runtime's other traces. Read once, at the first
 * hx_engine_create(). */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hx_trace_on;

static int has_area(const char *env, const char *area)
{
	size_t n = strlen(area);

	for (const char *p = env; (p = strstr(p, area)); p += n)
		if ((p == env || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

void hx_trace_init(void)
{
	const char *env = getenv("HMMCL_DEBUG");

	hx_trace_on = env && (has_area(env, "engine") || has_area(env, "all"));
}

void hx_trace(const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "hmmcl[engine]: ");
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	strncat(line, "\n", sizeof(line) - strlen(line) - 1);
	fputs(line, stderr); /* one call: lines of several threads stay whole */
}
