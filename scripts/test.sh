#!/bin/sh
# Builds and runs every test: a warnings-as-errors build, then the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer.
# HMMCL_TEST_SANITIZE=0 skips the sanitizer pass.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHMMCL_WERROR=ON >/dev/null
cmake --build build
ctest --test-dir build -j "$jobs" --output-on-failure

if [ "${HMMCL_TEST_SANITIZE:-1}" != 0 ]; then
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHMMCL_SANITIZE=ON >/dev/null
	cmake --build build-asan
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir build-asan -j "$jobs" --output-on-failure -LE bench-smoke
fi
