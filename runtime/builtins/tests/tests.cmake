# Tests of the builtin library (included from ../CMakeLists.txt).

# Every builtin opencl-c.h declares for the dialect is defined, and the only
# undefined symbols are the contract's intrinsics and libm.
foreach(dialect 12 30)
  add_test(NAME builtins.symbols.cl${dialect}
    COMMAND ${Python3_EXECUTABLE} ${HX_BI_SRC}/tests/check_symbols.py
            --dialect ${dialect} --clang ${HMMCL_CLANG} --nm ${HX_LLVM_NM}
            --bitcode ${HX_BI_OUT}/builtins${dialect}.bc
            -- ${HX_CLANG_CL_FLAGS} ${HX_CLANG_CL${dialect}_FLAGS})
  set_tests_properties(builtins.symbols.cl${dialect} PROPERTIES
    TIMEOUT 300 LABELS "compiler;builtins")
endforeach()
# OpenCL C 2.0 kernels link the 3.0 library: same check with -cl-std=CL2.0.
string(REPLACE "-cl-std=CL3.0" "-cl-std=CL2.0" HX_BI_CL20_FLAGS "${HX_CLANG_CL30_FLAGS}")
add_test(NAME builtins.symbols.cl20
  COMMAND ${Python3_EXECUTABLE} ${HX_BI_SRC}/tests/check_symbols.py
          --dialect 20 --clang ${HMMCL_CLANG} --nm ${HX_LLVM_NM}
          --bitcode ${HX_BI_OUT}/builtins30.bc
          -- ${HX_CLANG_CL_FLAGS} ${HX_BI_CL20_FLAGS})
set_tests_properties(builtins.symbols.cl20 PROPERTIES TIMEOUT 300 LABELS "compiler;builtins")

# hx_group_cl.h against kernel_abi.h: the OpenCL C mirror compiled by clang
# into an object whose offsets the C test compares with offsetof().
set(HX_LAYOUT_OBJ ${HX_BI_OUT}/layout_probe.o)
add_custom_command(OUTPUT ${HX_LAYOUT_OBJ}
  COMMAND ${HMMCL_CLANG} --target=x86_64-pc-linux-gnu -x cl -cl-std=CL1.2
          -Xclang -finclude-default-header -c -O1 -fPIC -I${HX_BI_SRC}
          -o ${HX_LAYOUT_OBJ} ${HX_BI_SRC}/tests/layout_probe.cl
  DEPENDS ${HX_BI_SRC}/tests/layout_probe.cl ${HX_BI_SRC}/hx_group_cl.h
  COMMENT "Compiling the hx_group_cl.h layout probe")
add_custom_target(hx_layout_probe DEPENDS ${HX_LAYOUT_OBJ})
hmmcl_test_file(${HX_BI_SRC}/test_layout.c AREA builtins LABELS compiler builtins
  LIBS ${HX_LAYOUT_OBJ} hx_builtins)
add_dependencies(builtins_test_layout hx_layout_probe)
target_include_directories(builtins_test_layout PRIVATE ${CMAKE_SOURCE_DIR}/runtime/engine)

# The library executed natively: exec_kernels.cl linked with each dialect's
# library (only what it needs, internalized), compiled to one object each.
set(exec_objs "")
foreach(dialect 12 30)
  set(kbc ${HX_BI_OUT}/exec_kernels${dialect}.bc)
  set(lbc ${HX_BI_OUT}/exec_linked${dialect}.bc)
  set(obj ${HX_BI_OUT}/exec_kernels${dialect}.o)
  add_custom_command(OUTPUT ${obj}
    COMMAND ${HMMCL_CLANG} ${HX_CLANG_CL_FLAGS} ${HX_CLANG_CL${dialect}_FLAGS} -Wno-psabi
            -o ${kbc} ${HX_BI_SRC}/tests/exec_kernels.cl
    COMMAND ${HX_LLVM_LINK} --only-needed --internalize -o ${lbc} ${kbc}
            ${HX_BI_OUT}/builtins${dialect}.bc
    COMMAND ${HMMCL_CLANG} -c -O2 -fPIC -Wno-override-module -o ${obj} ${lbc}
    DEPENDS ${HX_BI_SRC}/tests/exec_kernels.cl ${HX_BI_OUT}/builtins${dialect}.bc
    COMMENT "Compiling library execution kernels CL${dialect}")
  list(APPEND exec_objs ${obj})
endforeach()
add_custom_target(hx_exec_kernels DEPENDS ${exec_objs})
hmmcl_test_file(${HX_BI_SRC}/tests/test_exec.c AREA builtins LABELS compiler builtins
  LIBS ${exec_objs} m)
add_dependencies(builtins_test_exec hx_exec_kernels)
target_include_directories(builtins_test_exec PRIVATE ${CMAKE_SOURCE_DIR}/runtime/engine)

# Through the ICD loader, the compiler and the engine (needs libhmmcl.so).
hmmcl_test_file(${HX_BI_SRC}/tests/test_cl_builtins.c AREA builtins LABELS compiler builtins
  TIMEOUT 120 LIBS m)
