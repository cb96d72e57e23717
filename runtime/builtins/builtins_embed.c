/* Embeds the two linked library bitcodes with .incbin (HX_BC12_PATH and
 * HX_BC30_PATH come from CMake), which is much faster to build than a
 * C array of several megabytes. */
#include "builtins.h"

#define HX_STR2(x) #x
#define HX_STR(x) HX_STR2(x)

#define HX_INCBIN(name, path)                                                  \
	__asm__(".section .rodata\n"                                           \
		".balign 16\n"                                                 \
		".globl " #name "_start\n"                                     \
		".hidden " #name "_start\n" #name "_start:\n"                  \
		".incbin \"" path "\"\n"                                       \
		".globl " #name "_end\n"                                       \
		".hidden " #name "_end\n" #name "_end:\n"                      \
		".byte 0\n"                                                    \
		".previous\n")

HX_INCBIN(hx_bc12, HX_STR(HX_BC12_PATH));
HX_INCBIN(hx_bc30, HX_STR(HX_BC30_PATH));

extern const unsigned char hx_bc12_start[], hx_bc12_end[];
extern const unsigned char hx_bc30_start[], hx_bc30_end[];

const unsigned char *hx_builtins_bitcode(int dialect, size_t *size)
{
	const unsigned char *start = NULL, *end = NULL;

	if (dialect == 12) {
		start = hx_bc12_start;
		end = hx_bc12_end;
	} else if (dialect == 30) {
		start = hx_bc30_start;
		end = hx_bc30_end;
	}
	*size = (size_t)(end - start);
	return start;
}
