/* On-disk kernel cache: one file per entry, named by the SHA-256 of
 * everything the entry depends on, written atomically (rename). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler_internal.h"

#define CACHE_MAGIC "HMMCLKC1"
/* Bump when code generation changes what an entry contains. */
#define HX_COMPILER_REV 28

_Atomic uint64_t hx_stat_clang_runs, hx_stat_cache_hits, hx_stat_codegens;

int hx_buf_append(hx_buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int hx_buf_printf(hx_buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return hx_buf_append(
	    b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

char *hx_buf_take(hx_buf *b)
{
	char *d = b->data;

	if (!d)
		d = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

bool hx_cache_enabled(void)
{
	const char *e = getenv("HMMCL_CACHE");

	return !(e && (!strcmp(e, "off") || !strcmp(e, "0")));
}

static int cache_dir(char *out, size_t size)
{
	const char *d = getenv("HMMCL_CACHE_DIR"), *x, *h;
	int n;

	if (d && *d)
		n = snprintf(out, size, "%s", d);
	else if ((x = getenv("XDG_CACHE_HOME")) && *x)
		n = snprintf(out, size, "%s/hmmcl", x);
	else if ((h = getenv("HOME")) && *h)
		n = snprintf(out, size, "%s/.cache/hmmcl", h);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static int entry_path(const uint8_t key[32], const char *kind, char *out,
		      size_t size)
{
	char dir[4096], hex[65];

	if (cache_dir(dir, sizeof(dir)))
		return -1;
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", key[i]);
	int n = snprintf(out, size, "%s/%s.%s", dir, hex, kind);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* mkdir -p for the cache directory. */
static void make_dirs(const char *file)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s", file);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0700);
			*s = '/';
		}
}

/* Entry layout: magic, key, u64 size, bytes. The stored key guards
 * against truncated or foreign files. */
bool hx_cache_get(const uint8_t key[32], const char *kind, void **data,
		  size_t *size)
{
	char path[4200], magic[8];
	uint8_t k[32];
	uint64_t n;
	bool ok = false;

	if (!hx_cache_enabled() || entry_path(key, kind, path, sizeof(path)))
		return false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	if (fread(magic, 1, 8, f) == 8 && !memcmp(magic, CACHE_MAGIC, 8) &&
	    fread(k, 1, 32, f) == 32 && !memcmp(k, key, 32) &&
	    fread(&n, 8, 1, f) == 1 && n < ((uint64_t)1 << 32)) {
		*data = malloc(n ? n : 1);
		ok = *data && fread(*data, 1, n, f) == n;
		if (!ok)
			free(*data);
		*size = n;
	}
	fclose(f);
	if (ok)
		atomic_fetch_add(&hx_stat_cache_hits, 1);
	return ok;
}

void hx_cache_put(const uint8_t key[32], const char *kind, const void *data,
		  size_t size)
{
	char path[4200], tmp[4300];
	uint64_t n = size;

	if (!hx_cache_enabled() || entry_path(key, kind, path, sizeof(path)))
		return;
	make_dirs(path);
	static _Atomic unsigned seq;
	snprintf(tmp, sizeof(tmp), "%s.%d.%u.tmp", path, (int)getpid(),
		 atomic_fetch_add(&seq, 1));
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return;
	bool ok = fwrite(CACHE_MAGIC, 1, 8, f) == 8 &&
		  fwrite(key, 1, 32, f) == 32 && fwrite(&n, 8, 1, f) == 1 &&
		  fwrite(data, 1, size, f) == size;
	if (fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}

void hx_cache_key_base(hx_sha256 *s)
{
	unsigned maj, min, patch;
	uint32_t abi = HX_KERNEL_ABI_VERSION, fmt = HX_COMPILER_REV;

	LLVMGetVersion(&maj, &min, &patch);
	uint32_t v[3] = {maj, min, patch};
	hx_sha256_field(s, v, sizeof(v));
	hx_sha256_field(s, &abi, sizeof(abi));
	hx_sha256_field(s, &fmt, sizeof(fmt));
	hx_sha256_str(s, hx_llvm_host_cpu());
	hx_sha256_str(s, hx_llvm_host_features());
}
