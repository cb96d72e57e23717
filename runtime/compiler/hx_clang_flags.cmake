# Reads the clang flag lists from clang_flags.h (their only source) into
#   HX_CLANG_CL_FLAGS    flags for every OpenCL C compile (target, header,
#                        address-space map, extensions, -emit-llvm -c -O2
#                        with LLVM passes disabled)
#   HX_CLANG_CL12_FLAGS  dialect 12 additions (-cl-std=CL1.2)
#   HX_CLANG_CL30_FLAGS  dialect 30 additions (-cl-std=CL3.0, feature -D's)
# Usage: include(${CMAKE_SOURCE_DIR}/runtime/compiler/hx_clang_flags.cmake)
set(_hx_flags_h ${CMAKE_CURRENT_LIST_DIR}/clang_flags.h)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_hx_flags_h})
file(STRINGS ${_hx_flags_h} _hx_lines)

# file(STRINGS) joins backslash-continued lines, so one block is one line.
function(_hx_read_block block outvar)
  set(out "")
  foreach(line IN LISTS _hx_lines)
    if(line MATCHES "^#define ${block}\\(X\\)")
      string(REGEX MATCHALL "X\\(\"[^\"]*\"\\)" items "${line}")
      foreach(item IN LISTS items)
        string(REGEX REPLACE "^X\\(\"(.*)\"\\)$" "\\1" flag "${item}")
        list(APPEND out "${flag}")
      endforeach()
    endif()
  endforeach()
  set(${outvar} "${out}" PARENT_SCOPE)
endfunction()

_hx_read_block(HX_CLANG_FLAGS_COMMON HX_CLANG_CL_FLAGS)
_hx_read_block(HX_CLANG_FLAGS_CL12 HX_CLANG_CL12_FLAGS)
_hx_read_block(HX_CLANG_FLAGS_CL30 HX_CLANG_CL30_FLAGS)
