/* OpenCL C printf: formats, vectors, atomic lines, overflow. */
#include <fcntl.h>
#include <unistd.h>

#include "engine_test.h"

void pf_scalars(void *const *args, hx_group *g);
void pf_vectors(void *const *args, hx_group *g);
void pf_items(void *const *args, hx_group *g);
void pf_overflow(void *const *args, hx_group *g);

/* Runs the launch with stdout sent to a temporary file; returns the text. */
static char *capture(hx_entry_fn fn, uint32_t flags, uint64_t gs, uint64_t ls,
		     void *const *args, struct hx_run_result *res)
{
	hx_engine *e = hx_engine_create(0);
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	char path[] = "/tmp/hx_printf_XXXXXX";
	int fd = mkstemp(path), saved;
	off_t len;
	char *text;

	CHECK(e && fd >= 0);
	unlink(path);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	run_kernel(e, fn, flags | HX_CODE_USES_PRINTF, args, &nd, 0, res);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	len = lseek(fd, 0, SEEK_END);
	text = calloc(1, (size_t)len + 1);
	CHECK_EQ(pread(fd, text, (size_t)len, 0), len);
	close(fd);
	hx_engine_destroy(e);
	return text;
}

static void check_text(const char *got, const char *want)
{
	if (strcmp(got, want))
		hx_test_fail(__FILE__, __LINE__,
			     "printf output\n--- got:\n%s--- want:\n%s", got,
			     want);
}

TEST(scalars)
{
	struct hx_run_result res;
	char *t = capture(pf_scalars, 0, 1, 1, NULL, &res);

	CHECK_EQ(res.status, 0);
	check_text(
	    t, "-7 8 9 ff FF 10|   42|42   |00042|+42| 42\n"
	       "-5000000000 18446744073709551615 123456789abc\n"
	       "44 4464 44 4464\n"
	       "1.500000 2.35 1.234568e+04 2.500000E-04 1e-10 1E+20 0x1p+0\n"
	       "x str %|     right|y   |\n"
	       "no args\n");
	free(t);
}

TEST(vectors)
{
	struct hx_run_result res;
	char *t = capture(pf_vectors, 0, 1, 1, NULL, &res);

	CHECK_EQ(res.status, 0);
	check_text(
	    t, "1.000000,2.500000,-3.000000,4.250000|11\n"
	       "-1,2 1,-2,3,-4\n"
	       "0,1,2,a,b,fe,ff,10\n"
	       "-300,0,300\n"
	       "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,255\n"
	       "1 0.500000,1.000000,2.000000,3.000000,4.000000,5.000000,"
	       "6.000000,7.500000 2\n"
	       "0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0,12.0,"
	       "13.0,14.0,15.0\n"
	       "0.125000,-2.000000 -1,1099511627776,3,4\n"
	       "0.500000,-2.000000 1.000000,65504.000000,0.250000,-0.000000\n"
	       "1.000000,2.000000,3.000000,4.000000 9.000 0.500000,0.250000\n"
	       "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,-15\n");
	free(t);
}

TEST(lines_stay_whole)
{
	struct hx_run_result res;
	char *t = capture(pf_items, HX_CODE_PER_ITEM, 64 * 40, 64, NULL, &res);
	int lines = 0, seen[64 * 40] = {0};

	CHECK_EQ(res.status, 0);
	for (char *p = t; *p; lines++) {
		unsigned lid, grp;
		char *nl = strchr(p, '\n');

		CHECK(nl);
		CHECK_EQ(nl - p, 19 + 96);
		CHECK_EQ(sscanf(p, "item %u group %u", &lid, &grp), 2);
		CHECK(lid < 64 && grp < 40);
		seen[grp * 64 + lid]++;
		p = nl + 1;
	}
	CHECK_EQ(lines, 64 * 40);
	for (int i = 0; i < 64 * 40; i++)
		CHECK_EQ(seen[i], 1);
	free(t);
}

TEST(overflow_reported)
{
	struct hx_run_result res;
	int failed = 0, *fp = &failed;
	void *args[1] = {&fp};
	char *t = capture(pf_overflow, 0, 2000, 1, args, &res);
	size_t len = strlen(t);

	CHECK_EQ(res.status, -5);
	CHECK_EQ(res.error, HX_RUN_PRINTF_OVERFLOW);
	CHECK(res.printf_lost > 0);
	CHECK_EQ(res.printf_lost, failed);
	/* What fit is printed, in whole lines only. */
	CHECK(len <= HX_PRINTF_BUFFER_SIZE);
	CHECK_EQ(len % 1001, 0);
	CHECK_EQ(len / 1001 + res.printf_lost, 2000);
	free(t);
}
