/* The contract's intrinsics (docs/compiler-contract.md): the library
 * never reads work-item state itself. These stay undefined in the library
 * bitcode; the compiler replaces every call after linking. */
#ifndef HX_INTRINSICS_H
#define HX_INTRINSICS_H

/* The local id of the running work-item in dimension dim (0..2). Constant
 * for one work-item, so marked const: LLVM may hoist and merge calls. */
ulong __hx_local_id(uint dim) __attribute__((const));
/* The hx_group of the running work-group (see hx_group_cl.h). */
__global void *__hx_group(void) __attribute__((const));
/* Every work-item of the group reaches it before any leaves;
 * flags are CLK_*_MEM_FENCE bits. */
void __hx_barrier(uint flags);

#endif
