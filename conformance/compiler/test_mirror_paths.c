/* The mirrored variant's access paths against a test MMU that maps every
 * page of a 2 MiB + region to a shadow page elsewhere (a permutation that
 * a launch may change): strided loops crossing pages at odd offsets, a
 * column walk whose pages alias in the second-level table, vectors
 * straddling two pages, the translation changing between launches. Any
 * untranslated, stale or wrongly split access reads or writes the wrong
 * bytes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cc_util.h"

enum { NP = 600, PG = 4096 }; /* > 2 MiB: pages 256 apart alias in L2 */

static char *real, *shadow;
static unsigned perm[NP];
static _Atomic unsigned long calls;

static void *xlate(struct hx_group *g, uint64_t addr, uint64_t size,
		   uint32_t access)
{
	uint64_t lo = (uint64_t)(uintptr_t)real;

	(void)g;
	calls++;
	CHECK(access >= 1 && access <= 3);
	if (addr < lo || addr >= lo + (uint64_t)NP * PG)
		return (void *)(uintptr_t)addr;
	uint64_t page = (addr - lo) / PG, off = (addr - lo) % PG;
	/* The compiler splits crossers: an access stays in its page. */
	CHECK(off + size <= PG);
	return shadow + (uint64_t)perm[page] * PG + off;
}

static void *sh(const void *p)
{
	uint64_t d = (uint64_t)((const char *)p - real);

	return shadow + (uint64_t)perm[d / PG] * PG + d % PG;
}

/* mul odd: a permutation of the pages; 0 resets the memory too. */
static void map(unsigned mul, int fresh)
{
	if (fresh) {
		real = mmap(NULL, (size_t)NP * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		shadow = mmap(NULL, (size_t)NP * PG, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(real != MAP_FAILED && shadow != MAP_FAILED);
	}
	for (unsigned i = 0; i < NP; i++)
		perm[i] = (i * mul + 7) % NP;
}

static const char *src =
    "kernel void strided(global const float *in, global float *out,\n"
    "                    int stride, int k) {\n"
    "  size_t i = get_global_id(0);\n"
    "  float s = 0.0f;\n"
    "  for (int j = 0; j < k; j++) s += in[i + (size_t)j * stride];\n"
    "  out[i] = s;\n"
    "}\n"
    "kernel void column(global const float *m, global float *out, int n,\n"
    "                   int rows) {\n"
    "  size_t c = get_global_id(0);\n"
    "  float s = 0.0f;\n"
    "  for (int r = 0; r < rows; r++) s += m[(size_t)r * n + c] * (r + 1);\n"
    "  out[c] = s;\n"
    "}\n"
    "kernel void straddle8(global const char *in, global char *out) {\n"
    "  size_t i = get_global_id(0);\n"
    "  vstore8(vload8(0, in + 8 * i + 5) + (char)1, 0, out + 8 * i + 3);\n"
    "}\n"
    "kernel void straddle16(global const float *in, global float *out) {\n"
    "  size_t i = get_global_id(0);\n"
    "  vstore16(vload16(0, in + 16 * i + 3) * 2.0f, 0, out + 16 * i + 1);\n"
    "}\n";

static const hx_rt rt = {cc_no_barrier, cc_no_printf, xlate};

static float val(size_t i)
{
	return (float)(i % 1000) * 0.5f;
}

/* Each item sums k elements stride apart from an odd start: streams that
 * cross pages at odd offsets, every item a different phase. */
static void strided(int stride, int k)
{
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "strided", HX_CODE_MIRRORED);
	const size_t items = 3000;
	float *in = (float *)(real + 12), *out;
	void *args[4] = {&in, &out, &stride, &k};
	size_t span = items + (size_t)(k - 1) * stride;

	CHECK((span + 4) * 4 + 12 < (size_t)(NP - 4) * PG);
	out = (float *)(real + (size_t)(NP - 3) * PG + 4);
	for (size_t i = 0; i < span; i++)
		*(float *)sh(&in[i]) = val(i);
	/* a 3 KiB group size: groups start at odd page offsets too */
	cc_run_1d(&kc, args, items, 768, &rt, NULL);
	for (size_t i = 0; i < items; i++) {
		float s = 0.0f;
		for (int j = 0; j < k; j++)
			s += val(i + (size_t)j * stride);
		CHECK_EQ(*(float *)sh(&out[i]), s);
	}
	hx_compiler_release(p);
}

TEST(mirrored_strided_loop_odd_offsets)
{
	map(7, 1);
	strided(1, 9);
	strided(3, 40);
	strided(1025, 6); /* a page and a float per step */
	strided(4099, 5);
}

/* A column walk over 520 rows of 2 KiB: pages 256 apart share a
 * second-level slot once the rows run past 1 MiB. */
TEST(mirrored_column_walk_aliasing)
{
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "column", HX_CODE_MIRRORED);
	int n = 512, rows = 520; /* 2 KiB rows: 260 pages, beyond L2_N */
	float *m, *out;
	void *args[4] = {&m, &out, &n, &rows};

	map(11, 1);
	m = (float *)real;
	out = (float *)(real + (size_t)(NP - 2) * PG);
	for (size_t i = 0; i < (size_t)n * rows; i++)
		*(float *)sh(&m[i]) = val(i);
	calls = 0;
	cc_run_1d(&kc, args, (uint64_t)n, 64, &rt, NULL);
	for (int c = 0; c < n; c++) {
		float s = 0.0f;
		for (int r = 0; r < rows; r++)
			s += val((size_t)r * n + (size_t)c) * (float)(r + 1);
		CHECK_EQ(*(float *)sh(&out[c]), s);
	}
	printf("column walk, %d groups x %d rows: %lu translate calls\n",
	       n / 64, rows, (unsigned long)calls);
	hx_compiler_release(p);
}

static void straddle(const char *name, size_t esz, size_t per, size_t in_off,
		     size_t out_off, uint64_t items)
{
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, name, HX_CODE_MIRRORED);
	char *in = real + PG - 64, *out = real + 300 * PG - 40;
	void *args[2] = {&in, &out};
	size_t nb = (items * per + in_off + per) * esz;

	for (size_t i = 0; i < nb; i++)
		*(char *)sh(in + i) = (char)(i * 13 + 1);
	for (size_t i = 0; i < nb; i++)
		*(char *)sh(out + i) = 0;
	cc_run_1d(&kc, args, items, 16, &rt, NULL);
	for (size_t i = 0; i < items * per; i++) {
		if (esz == 1) {
			char want = (char)(*(char *)sh(in + in_off + i) + 1);
			CHECK_EQ(*(char *)sh(out + out_off + i), want);
		} else {
			float x, y;
			memcpy(&x, sh(in + (in_off + i) * 4), 4);
			memcpy(&y, sh(out + (out_off + i) * 4), 4);
			CHECK_EQ(y, x * 2.0f);
		}
	}
	hx_compiler_release(p);
}

/* Vectors that straddle two pages, at every phase of the boundary. */
TEST(mirrored_vectors_straddle_pages)
{
	map(5, 1);
	straddle("straddle8", 1, 8, 5, 3, 2000);
	straddle("straddle16", 4, 16, 3, 1, 700);
}

/* The MMU maps the pages elsewhere between two launches: the second one
 * must use the new translations only (no cache outlives a launch). */
TEST(mirrored_translation_changes_between_launches)
{
	hx_cprog *p = cc_build(src, "");
	hx_kernel_code kc = cc_code(p, "strided", HX_CODE_MIRRORED);
	int stride = 1, k = 2;
	float *in, *out;
	void *args[4] = {&in, &out, &stride, &k};

	map(3, 1);
	in = (float *)(real + 8);
	out = (float *)(real + 40 * PG + 8);
	for (unsigned mul = 3; mul <= 13; mul += 10) {
		map(mul, 0);
		for (size_t i = 0; i < 4 * PG; i++)
			*(float *)sh(&in[i]) = val(i) + (float)mul;
		cc_run_1d(&kc, args, 4 * PG - 1, 512, &rt, NULL);
		for (size_t i = 0; i < 4 * PG - 1; i++)
			CHECK_EQ(*(float *)sh(&out[i]),
				 val(i) + val(i + 1) + 2.0f * (float)mul);
	}
	hx_compiler_release(p);
}
