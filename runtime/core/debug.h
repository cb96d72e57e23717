/* HMMCL_DEBUG=area[,area...]: traces to stderr.
 * Areas: api (entry points and the condition behind every failing
 * return), sched, mem, svm, hmm, compiler, engine; "all" for every one. */
#ifndef HMMCL_CORE_DEBUG_H
#define HMMCL_CORE_DEBUG_H

enum hx_debug_area {
	HX_DBG_API = 1u << 0,
	HX_DBG_SCHED = 1u << 1,
	HX_DBG_MEM = 1u << 2,
	HX_DBG_SVM = 1u << 3,
	HX_DBG_HMM = 1u << 4,
	HX_DBG_COMPILER = 1u << 5,
	HX_DBG_ENGINE = 1u << 6,
};

extern unsigned hx_debug_mask;
void hx_debug_init(void);
void hx_debug_print(const char *area, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define HX_DEBUG(area_bit, area_name, ...)                                  \
	do {                                                                \
		if (__builtin_expect(hx_debug_mask & (area_bit), 0))        \
			hx_debug_print(area_name, __VA_ARGS__);             \
	} while (0)

#endif
