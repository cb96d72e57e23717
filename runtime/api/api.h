/* What every entry point in runtime/api/ uses: one validation macro that
 * records the failing condition (HMMCL_DEBUG=api) and jumps to the single
 * exit, and the info-query copy rule. Only api/ writes errcode_ret. */
#ifndef HMMCL_API_H
#define HMMCL_API_H

#include "../core/debug.h"
#include "../core/object.h"
#include "../core/platform.h"

#include <string.h>

/* The few entry points the ICD loader looks up by name (icd/libhmmcl.map). */
#define HX_EXPORT __attribute__((visibility("default")))

void hx_api_fail(const char *func, const char *cond, cl_int err);

#define HX_API_ENTER()                                                      \
	cl_int hx_err_ = CL_SUCCESS;                                        \
	HX_DEBUG(HX_DBG_API, "api", "%s", __func__)

/* Fails the call with code when cond is false. */
#define HX_CHECK(cond, code)                                                \
	do {                                                                \
		if (__builtin_expect(!(cond), 0)) {                         \
			hx_err_ = (code);                                   \
			hx_api_fail(__func__, #cond, hx_err_);              \
			goto hx_exit;                                       \
		}                                                           \
	} while (0)

/* Fails the call with whatever a core function returned. */
#define HX_TRY(expr)                                                        \
	do {                                                                \
		hx_err_ = (expr);                                           \
		if (hx_err_ != CL_SUCCESS) {                                \
			hx_api_fail(__func__, #expr, hx_err_);              \
			goto hx_exit;                                       \
		}                                                           \
	} while (0)

#define HX_API_EXIT() hx_exit: return hx_err_

#define HX_API_EXIT_ERRCODE(errcode_ret)                                    \
	hx_exit:                                                            \
	if (errcode_ret)                                                    \
		*(errcode_ret) = hx_err_

#define HX_VALID(obj, type) hx_object_valid((obj), HX_TYPE_##type)

/* The info-query rule: value may be NULL (size query only); otherwise
 * size must hold n bytes or the call fails with CL_INVALID_VALUE. */
cl_int hx_info(size_t size, void *value, size_t *size_ret, const void *src,
	       size_t n);
cl_int hx_info_str(size_t size, void *value, size_t *size_ret,
		   const char *s);

#define HX_INFO_VAL(type, v)                                                \
	do {                                                                \
		type tmp_ = (v);                                            \
		return hx_info(size, value, size_ret, &tmp_, sizeof(tmp_)); \
	} while (0)

/* Wait-list rule shared by every enqueue: count and list agree, every
 * event valid and in the queue's context. */
cl_int hx_check_wait_list(cl_context ctx, cl_uint n, const cl_event *list);

#endif
