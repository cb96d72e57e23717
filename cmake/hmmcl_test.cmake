# hmmcl_test_file(<source.c> AREA <area> LABELS <labels...> [TIMEOUT s] [LIBS libs...] [ENV k=v...])
#
# One executable per test file; one CTest entry per TEST(case) found in the
# file, each in its own process, so a crash or a hang fails one case only.
# Exit code 77 means skipped (SKIP_RETURN_CODE), never passed.
function(hmmcl_test_file src)
  cmake_parse_arguments(T "" "AREA;TIMEOUT" "LABELS;LIBS;ENV" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  get_filename_component(base ${src} NAME_WE)
  set(exe ${T_AREA}_${base})
  add_executable(${exe} ${src})
  target_link_libraries(${exe} PRIVATE hmmcl_harness ${T_LIBS})
  file(STRINGS ${src} cases REGEX "^(TEST|TEST_F)\\([A-Za-z0-9_]+")
  foreach(line ${cases})
    string(REGEX REPLACE "^(TEST|TEST_F)\\(([A-Za-z0-9_]+).*" "\\2" case "${line}")
    set(name ${T_AREA}.${base}.${case})
    add_test(NAME ${name} COMMAND ${exe} ${case})
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}"
      SKIP_RETURN_CODE 77
      ENVIRONMENT "OCL_ICD_VENDORS=${HMMCL_ICD_FILE};HMMCL_CACHE_DIR=${CMAKE_BINARY_DIR}/test-cache;${T_ENV}")
  endforeach()
endfunction()
