/* OpenCL C printf on the host's stdout.
 *
 * Each call is formatted on the calling thread, then copied into the
 * launch's buffer (HX_PRINTF_BUFFER_SIZE) at an offset reserved with one
 * atomic add, so the output of one call stays in one piece. The buffer is
 * written to stdout with one write(2) when the launch ends: OpenCL makes
 * printf output visible at kernel completion, and a kernel never blocks
 * on the terminal. A call that does not fit returns -1 and is counted;
 * the launch then ends with CL_OUT_OF_RESOURCES.
 *
 * Arguments arrive as clang's x86-64 lowering of the variadic call passes
 * them, with the callee swapped by the compiler: scalars promoted as in C,
 * vectors of <= 4 bytes in a general register (i16/i32), 8 and 16 bytes in
 * an SSE register; larger vectors clang passes indirectly (byval) and the
 * compiler's rewritten call keeps only the pointer, so they arrive as a
 * pointer to the value.
 */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct out {
	char *buf;
	size_t len, cap;
	int heap;
};

typedef char v16b __attribute__((vector_size(16)));

static int put(struct out *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = (o->len + n) * 2;
		char *b = o->heap ? realloc(o->buf, cap) : malloc(cap);

		if (!b)
			return -1;
		if (!o->heap)
			memcpy(b, o->buf, o->len);
		o->buf = b;
		o->cap = cap;
		o->heap = 1;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	return 0;
}

static float half_to_float(uint16_t h)
{
	uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 31,
		 m = h & 1023;
	uint32_t bits;
	float f;

	if (e == 31) {
		bits = s | 0x7f800000 | (m << 13);
	} else if (e) {
		bits = s | ((e + 112) << 23) | (m << 13);
	} else if (m) { /* subnormal: value m * 2^-24 */
		f = (float)m * 0x1p-24f;
		return s ? -f : f;
	} else {
		bits = s;
	}
	memcpy(&f, &bits, 4);
	return f;
}

/* A conversion specification, as parsed. */
struct spec {
	char host[32]; /* flags, width, precision for snprintf */
	int vec;       /* 0 or 2, 3, 4, 8, 16 */
	int len;       /* 0, 'H' (hh), 'h', 'L' (hl), 'l' */
	char conv;
};

static const char *parse(const char *p, struct spec *s)
{
	size_t n = 0;

	s->host[n++] = '%';
	while (*p && strchr("-+ #0", *p) && n < 20)
		s->host[n++] = *p++;
	while (*p >= '0' && *p <= '9' && n < 24)
		s->host[n++] = *p++;
	if (*p == '.') {
		s->host[n++] = *p++;
		while (*p >= '0' && *p <= '9' && n < 28)
			s->host[n++] = *p++;
	}
	s->host[n] = 0;
	s->vec = 0;
	if (*p == 'v') {
		s->vec = (int)strtol(p + 1, (char **)&p, 10);
		if (s->vec != 2 && s->vec != 3 && s->vec != 4 && s->vec != 8 &&
		    s->vec != 16)
			return NULL;
	}
	s->len = 0;
	if (p[0] == 'h' && p[1] == 'h')
		s->len = 'H', p += 2;
	else if (p[0] == 'h' && p[1] == 'l')
		s->len = 'L', p += 2;
	else if (p[0] == 'h' || p[0] == 'l')
		s->len = *p++;
	if (p[0] == 'l' && s->len == 'l')
		p++; /* ll: accepted as l */
	if (!*p || !strchr("diouxXfFeEgGaAcsp", *p))
		return NULL;
	s->conv = *p++;
	if (s->len == 'L' && !s->vec)
		return NULL; /* hl is for vectors only */
	return p;
}

static int emitf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int emitf(struct out *o, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(tmp))
		return put(o, tmp, (size_t)n);
	{
		char *big = malloc((size_t)n + 1);
		int r;

		if (!big)
			return -1;
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		r = put(o, big, (size_t)n);
		free(big);
		return r;
	}
}

static int emit_int(struct out *o, const struct spec *s, uint64_t raw,
		    int bytes)
{
	char fmt[48];
	int shift = 64 - 8 * bytes;

	snprintf(fmt, sizeof(fmt), "%sll%c", s->host, s->conv);
	if (s->conv == 'd' || s->conv == 'i')
		return emitf(o, fmt,
			     (long long)((int64_t)(raw << shift) >> shift));
	return emitf(o, fmt, (unsigned long long)((raw << shift) >> shift));
}

static int emit_float(struct out *o, const struct spec *s, double v)
{
	char fmt[48];

	snprintf(fmt, sizeof(fmt), "%s%c", s->host, s->conv);
	return emitf(o, fmt, v);
}

static int is_float(char conv)
{
	return strchr("fFeEgGaA", conv) != NULL;
}

/* Reads a vector of 'size' bytes as the kernel passes it (see top). */
static void read_vector(va_list *ap, void *dst, size_t size)
{
	if (size <= 4) {
		unsigned v = va_arg(*ap, unsigned);

		memcpy(dst, &v, size);
	} else if (size == 8) {
		double v = va_arg(*ap, double);

		memcpy(dst, &v, 8);
	} else if (size == 16) {
		v16b v = va_arg(*ap, v16b);

		memcpy(dst, &v, 16);
	} else {
		memcpy(dst, va_arg(*ap, const void *), size);
	}
}

static int emit_vector(struct out *o, const struct spec *s, va_list *ap)
{
	int esize = s->len == 'H'   ? 1
		    : s->len == 'h' ? 2
		    : s->len == 'l' ? 8
				    : 4;
	int n = s->vec, r = 0;
	unsigned char v[128];

	if (strchr("csp", s->conv) || (is_float(s->conv) && esize == 1))
		return -2;
	read_vector(ap, v, (size_t)(n == 3 ? 4 : n) * esize);
	for (int k = 0; k < n && !r; k++) {
		uint64_t raw = 0;

		memcpy(&raw, v + k * esize, esize);
		if (k)
			r = put(o, ",", 1);
		if (r)
			break;
		if (!is_float(s->conv)) {
			r = emit_int(o, s, raw, esize);
		} else if (esize == 2) {
			r = emit_float(o, s, half_to_float((uint16_t)raw));
		} else if (esize == 4) {
			float f;

			memcpy(&f, &raw, 4);
			r = emit_float(o, s, f);
		} else {
			double d;

			memcpy(&d, &raw, 8);
			r = emit_float(o, s, d);
		}
	}
	return r;
}

static int emit_scalar(struct out *o, const struct spec *s, va_list *ap)
{
	char fmt[48];

	if (is_float(s->conv))
		return emit_float(o, s, va_arg(*ap, double));
	if (s->conv == 'c' || s->conv == 's' || s->conv == 'p') {
		snprintf(fmt, sizeof(fmt), "%s%c", s->host, s->conv);
		if (s->conv == 'c')
			return emitf(o, fmt, va_arg(*ap, int));
		if (s->conv == 'p')
			return emitf(o, fmt, va_arg(*ap, void *));
		{
			const char *str = va_arg(*ap, const char *);

			return emitf(o, fmt, str ? str : "(null)");
		}
	}
	if (s->len == 'l')
		return emit_int(o, s, (uint64_t)va_arg(*ap, long), 8);
	return emit_int(o, s, (uint64_t)(unsigned)va_arg(*ap, int),
			s->len == 'H'	? 1
			: s->len == 'h' ? 2
					: 4);
}

static int format(struct out *o, const char *fmt, va_list *ap)
{
	const char *p = fmt;

	while (*p) {
		const char *pct = strchr(p, '%'), *next;
		struct spec s;
		int r;

		if (!pct)
			return put(o, p, strlen(p));
		if (put(o, p, (size_t)(pct - p)))
			return -1;
		if (pct[1] == '%') {
			if (put(o, "%", 1))
				return -1;
			p = pct + 2;
			continue;
		}
		next = parse(pct + 1, &s);
		r = !next   ? -2
		    : s.vec ? emit_vector(o, &s, ap)
			    : emit_scalar(o, &s, ap);
		if (r == -1)
			return -1;
		if (r == -2) { /* undefined by the spec: print it as written */
			if (put(o, "%", 1))
				return -1;
			p = pct + 1;
			continue;
		}
		p = next;
	}
	return 0;
}

static char *job_buffer(struct hx_job *j)
{
	char *b = atomic_load_explicit(&j->pf_buf, memory_order_acquire);
	char *none = NULL;

	if (b)
		return b;
	/* Kernel not flagged HX_CODE_USES_PRINTF: allocate on first use. */
	b = malloc(HX_PRINTF_BUFFER_SIZE);
	if (!b)
		return NULL;
	if (!atomic_compare_exchange_strong(&j->pf_buf, &none, b)) {
		free(b);
		b = none;
	}
	return b;
}

static void lose(struct hx_job *j, uint64_t off)
{
	uint64_t hole = atomic_load(&j->pf_hole);

	atomic_fetch_add(&j->pf_lost, 1);
	while (off < hole &&
	       !atomic_compare_exchange_weak(&j->pf_hole, &hole, off))
		;
}

int hx_rt_printf(hx_group *g, const char *fmt, ...)
{
	struct hx_worker *w = g->engine;
	struct hx_job *j = w->job;
	char stackbuf[512];
	struct out o = {.buf = stackbuf, .cap = sizeof(stackbuf)};
	uint64_t off = HX_PRINTF_BUFFER_SIZE;
	char *buf;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = format(&o, fmt, &ap);
	va_end(ap);
	buf = job_buffer(j);
	if (!r && buf) {
		off = atomic_fetch_add(&j->pf_used, o.len);
		if (off + o.len <= HX_PRINTF_BUFFER_SIZE)
			memcpy(buf + off, o.buf, o.len);
		else
			r = -1;
	} else {
		r = -1;
	}
	if (r)
		lose(j, off);
	if (o.heap)
		free(o.buf);
	return r ? -1 : 0;
}

int hx_printf_begin(struct hx_worker *w, struct hx_job *j)
{
	atomic_store(&j->pf_hole, HX_PRINTF_BUFFER_SIZE);
	if (!(j->flags & HX_CODE_USES_PRINTF))
		return 0;
	if (!w->pf_buf)
		w->pf_buf = malloc(HX_PRINTF_BUFFER_SIZE);
	atomic_store(&j->pf_buf, w->pf_buf);
	return w->pf_buf ? 0 : -1;
}

/* Runs after every thread left the launch. */
void hx_printf_end(struct hx_worker *w, struct hx_job *j)
{
	char *buf = atomic_load(&j->pf_buf);
	uint64_t len = atomic_load(&j->pf_used),
		 hole = atomic_load(&j->pf_hole);

	if (len > hole)
		len = hole;
	if (buf && len) {
		size_t done = 0;

		fflush(stdout); /* keep the host's own earlier output first */
		while (done < len) {
			ssize_t n =
			    write(STDOUT_FILENO, buf + done, len - done);

			if (n <= 0)
				break;
			done += (size_t)n;
		}
	}
	if (buf && buf != w->pf_buf)
		free(buf);
	if (atomic_load(&j->pf_lost)) {
		int none = 0;

		atomic_compare_exchange_strong(&j->error, &none,
					       HX_RUN_PRINTF_OVERFLOW);
	}
}
