; wait_group_events(int, generic event_t *) for the 1.2 library.
;
; clang's built-in declarations (-fdeclare-opencl-builtins) give 1.2
; kernels this generic-pointer overload when the generic address-space
; feature is enabled, but OpenCL C 1.2 cannot spell __generic. Written in
; IR so that the signature matches the callers exactly (a call whose type
; differs from the callee's is opaque to the compiler's barrier analysis).
; The list is not read: every copy is complete once the group has passed
; the barrier (cooperative copies, docs/builtins.md).
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @__hx_barrier(i32) #0

; CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE
define void @_Z17wait_group_eventsiPU9CLgeneric9ocl_event(i32 noundef %num, ptr addrspace(4) noundef %list) #0 {
  call void @__hx_barrier(i32 3) #0
  ret void
}

attributes #0 = { convergent nounwind }
