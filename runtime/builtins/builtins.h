/* The OpenCL C builtin library as LLVM bitcode, embedded at build time.
 * See docs/builtins.md and docs/compiler-contract.md. */
#ifndef HMMCL_BUILTINS_H
#define HMMCL_BUILTINS_H

#include <stddef.h>

/* The library bitcode for dialect 12 (OpenCL C 1.x kernels: pointer
 * builtins per named address space) or 30 (OpenCL C 2.0/3.0 kernels:
 * generic address space). Returns NULL (and *size = 0) for any other
 * dialect. The bytes are static and live as long as the process. */
const unsigned char *hx_builtins_bitcode(int dialect, size_t *size);

#endif
