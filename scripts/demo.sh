#!/bin/sh
# The main job: install what is missing, build, then run clinfo and the
# vector-add sample through the system ICD loader (ocl-icd), on the
# default user-space /dev/hmm backend.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
export OCL_ICD_VENDORS="$PWD/build/hmmcl.icd"
clinfo
for s in build/samples/hmmcl-sample-*; do
	[ -x "$s" ] || continue
	echo "== $s"
	"$s"
done
