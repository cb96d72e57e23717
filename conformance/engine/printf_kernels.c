/* printf "kernels" for test_printf.c, compiled with clang-16 so that the
 * variadic calls carry vectors of up to 16 bytes exactly as clang lowers
 * an OpenCL C printf call on x86-64. Larger vectors clang passes byval;
 * the compiler's rewritten call passes just the pointer, as done here. */
#include "kernel_abi.h"

typedef float float2 __attribute__((ext_vector_type(2)));
typedef float float4 __attribute__((ext_vector_type(4)));
typedef float float8 __attribute__((ext_vector_type(8)));
typedef float float16 __attribute__((ext_vector_type(16)));
typedef double double2 __attribute__((ext_vector_type(2)));
typedef int int2 __attribute__((ext_vector_type(2)));
typedef long long4 __attribute__((ext_vector_type(4)));
typedef long long16 __attribute__((ext_vector_type(16)));
typedef char char4 __attribute__((ext_vector_type(4)));
typedef unsigned char uchar8 __attribute__((ext_vector_type(8)));
typedef unsigned char uchar16 __attribute__((ext_vector_type(16)));
typedef short short3 __attribute__((ext_vector_type(3)));
typedef _Float16 half2 __attribute__((ext_vector_type(2)));
typedef _Float16 half4 __attribute__((ext_vector_type(4)));

void pf_scalars(void *const *args, hx_group *g)
{
	const hx_rt *rt = g->rt;

	rt->printf(g, "%d %i %u %x %X %o|%5d|%-5d|%05d|%+d|% d\n", -7, 8, 9u,
		   255, 255, 8, 42, 42, 42, 42, 42);
	rt->printf(g, "%ld %lu %lx\n", -5000000000l, 18446744073709551615ul,
		   0x123456789abcl);
	rt->printf(g, "%hhd %hd %hhu %hu\n", 300, 70000, 300, 70000);
	rt->printf(g, "%f %.2f %e %E %g %G %a\n", 1.5, 2.345f, 12345.678,
		   0.00025, 1e-10, 1e20, 1.0);
	rt->printf(g, "%c %s %%|%10s|%-4c|\n", 'x', "str", "right", 'y');
	rt->printf(g, "no args\n");
}

void pf_vectors(void *const *args, hx_group *g)
{
	const hx_rt *rt = g->rt;

	rt->printf(g, "%v4hlf|%d\n", (float4){1.0f, 2.5f, -3.0f, 4.25f}, 11);
	rt->printf(g, "%v2hld %v4hhd\n", (int2){-1, 2}, (char4){1, -2, 3, -4});
	rt->printf(g, "%v8hhx\n", (uchar8){0, 1, 2, 0xa, 0xb, 0xfe, 0xff, 16});
	rt->printf(g, "%v3hd\n", (short3){-300, 0, 300});
	rt->printf(
	    g, "%v16hhu\n",
	    (uchar16){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255});
	float8 f8 = {0.5f, 1, 2, 3, 4, 5, 6, 7.5f};
	float16 f16 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	long4 l4 = {-1, 1l << 40, 3, 4};
	long16 l16 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -15};

	rt->printf(g, "%d %v8hlf %d\n", 1, &f8, 2);
	rt->printf(g, "%.1v16hlf\n", &f16);
	rt->printf(g, "%v2lf %v4ld\n", (double2){0.125, -2}, &l4);
	rt->printf(g, "%v2hf %v4hf\n", (half2){0.5f16, -2.0f16},
		   (half4){1.0f16, 65504.0f16, 0.25f16, -0.0f16});
	rt->printf(g, "%v4f %.3f %v2hlf\n", (float4){1, 2, 3, 4}, 9.0,
		   (float2){0.5f, 0.25f});
	rt->printf(g, "%v16ld\n", &l16);
}

/* Every item prints a long line: each call's output stays whole. */
void pf_items(void *const *args, hx_group *g)
{
	g->rt->printf(g,
		      "item %3llu group %3llu "
		      "................................................"
		      "................................................\n",
		      (unsigned long long)g->local_id[0],
		      (unsigned long long)g->group_id[0]);
}

void pf_overflow(void *const *args, hx_group *g)
{
	int *failed = *(int **)args[0];

	if (g->rt->printf(g, "%1000d\n", (int)g->group_id[0]) < 0)
		__atomic_fetch_add(failed, 1, __ATOMIC_RELAXED);
}
