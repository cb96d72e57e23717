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
    TIMEOUT 120 LABELS "compiler;builtins")
endforeach()

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
