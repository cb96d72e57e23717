/* The clang-16 flags shared by the builtin library and user kernels.
 *
 * This header is the single place where they live: runtime/compiler uses
 * the X-macros below, and CMake (hx_clang_flags.cmake) reads the quoted
 * strings of each HX_CLANG_FLAGS_* block so that runtime/builtins compiles
 * the library with exactly the same target, address-space map, extensions
 * and feature macros. Keep one X("...") per line inside each block.
 *
 * Address spaces (-ffake-address-space-map): private 0, global 1,
 * constant 2, local 3, generic 4.
 */
#ifndef HMMCL_CLANG_FLAGS_H
#define HMMCL_CLANG_FLAGS_H

#define HX_CLANG_TRIPLE "x86_64-pc-linux-gnu"

/* Every compile: target, header, address spaces, extensions, and bitcode
 * that is optimisable after linking (no optnone: -O2 with LLVM passes off). */
#define HX_CLANG_FLAGS_COMMON(X) \
	X("--target=x86_64-pc-linux-gnu") \
	X("-x") \
	X("cl") \
	X("-emit-llvm") \
	X("-c") \
	X("-O2") \
	X("-Xclang") \
	X("-disable-llvm-passes") \
	X("-Xclang") \
	X("-finclude-default-header") \
	X("-Xclang") \
	X("-ffake-address-space-map") \
	X("-Xclang") \
	X("-cl-ext=-all,+cl_khr_fp64,+cl_khr_int64_base_atomics,+cl_khr_int64_extended_atomics,+cl_khr_global_int32_base_atomics,+cl_khr_global_int32_extended_atomics,+cl_khr_local_int32_base_atomics,+cl_khr_local_int32_extended_atomics,+cl_khr_byte_addressable_store,+__opencl_c_generic_address_space,+__opencl_c_program_scope_global_variables,+__opencl_c_atomic_order_acq_rel,+__opencl_c_atomic_order_seq_cst,+__opencl_c_atomic_scope_device,+__opencl_c_atomic_scope_all_devices,+__opencl_c_work_group_collective_functions,+__opencl_c_fp64,+__opencl_c_int64")

/* Dialect 12 (user kernels with no -cl-std or -cl-std=CL1.x link the
 * library built with these; the user's own -cl-std replaces the first). */
#define HX_CLANG_FLAGS_CL12(X) \
	X("-cl-std=CL1.2")

/* Dialect 30: the x86 default header defines the 3.0 feature macros only
 * for SPIR targets, so every feature the device reports is defined here. */
#define HX_CLANG_FLAGS_CL30(X) \
	X("-cl-std=CL3.0") \
	X("-D__opencl_c_generic_address_space=1") \
	X("-D__opencl_c_program_scope_global_variables=1") \
	X("-D__opencl_c_atomic_order_acq_rel=1") \
	X("-D__opencl_c_atomic_order_seq_cst=1") \
	X("-D__opencl_c_atomic_scope_device=1") \
	X("-D__opencl_c_atomic_scope_all_devices=1") \
	X("-D__opencl_c_work_group_collective_functions=1") \
	X("-D__opencl_c_fp64=1") \
	X("-D__opencl_c_int64=1")

#endif
