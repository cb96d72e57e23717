/* Test harness: one process per case, selected by argv[1].
 *
 *   TEST(name) { ... }        defines a case; CMake finds it by the
 *                             "TEST(" at the start of a line.
 *   CHECK(cond)               fails the case, printing the condition.
 *   CHECK_EQ(a, b)            integer compare, prints both operands.
 *   CHECK_CL(expr)            expects CL_SUCCESS, prints the error name.
 *   CHECK_ERR(expr, code)     expects an exact OpenCL error code.
 *   SKIP("why")               exits 77: CTest reports the case skipped.
 */
#ifndef HMMCL_HARNESS_H
#define HMMCL_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define HX_SKIP_CODE 77

typedef void (*hx_test_fn)(void);
void hx_test_register(const char *name, hx_test_fn fn);
const char *hx_cl_error_name(int err);
void hx_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define TEST(name)                                                          \
	static void test_##name(void);                                      \
	__attribute__((constructor)) static void register_##name(void)      \
	{                                                                   \
		hx_test_register(#name, test_##name);                       \
	}                                                                   \
	static void test_##name(void)

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			hx_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		long long va_ = (long long)(a), vb_ = (long long)(b);       \
		if (va_ != vb_)                                             \
			hx_test_fail(__FILE__, __LINE__,                    \
				     "CHECK_EQ(%s, %s): %lld != %lld", #a, #b,  \
				     va_, vb_);                             \
	} while (0)

#define CHECK_ERR(expr, code)                                               \
	do {                                                                \
		int got_ = (int)(expr), want_ = (int)(code);                \
		if (got_ != want_)                                          \
			hx_test_fail(__FILE__, __LINE__,                    \
				     "%s: got %s (%d), want %s (%d)", #expr,    \
				     hx_cl_error_name(got_), got_,          \
				     hx_cl_error_name(want_), want_);       \
	} while (0)

#define CHECK_CL(expr) CHECK_ERR(expr, 0)

#define SKIP(...)                                                           \
	do {                                                                \
		printf("SKIP: " __VA_ARGS__);                               \
		printf("\n");                                               \
		exit(HX_SKIP_CODE);                                         \
	} while (0)

#endif
