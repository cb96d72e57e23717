#!/bin/sh
# clinfo through the ICD loader, with OCL_ICD_VENDORS naming the .icd
# file, its folder and the library itself: hmmcl and its device(s) are
# listed and no line reports an error. With PoCL also visible, both
# platforms are listed.
#   clinfo_check.sh <hmmcl.icd> [expected device count]
set -u
icd=$1
ndev=${2:-1}
command -v clinfo >/dev/null 2>&1 || { echo "SKIP: no clinfo"; exit 77; }
lib=$(head -n 1 "$icd")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0

# Error lines clinfo prints: "<error: ...>", "error -30", CL_INVALID_*,
# other negative codes. "Error Correction support" is a field name.
bad_lines() {
	grep -v 'Error Correction support' "$1" |
		grep -E -i 'error|CL_INVALID|CL_OUT_OF|NOT_AVAILABLE|NOT_FOUND|\(-[0-9]+\)|[^0-9a-zA-Z_.x]-[0-9]+[^0-9.]'
}

check() {
	label=$1 vendors=$2
	out=$dir/out.txt
	if ! OCL_ICD_VENDORS=$vendors clinfo >"$out" 2>&1; then
		echo "FAIL [$label]: clinfo exited with an error"; cat "$out"
		fail=1; return
	fi
	if bad_lines "$out" >"$dir/bad.txt"; then
		echo "FAIL [$label]: error lines:"; cat "$dir/bad.txt"
		fail=1
	fi
	if ! grep -q '^Number of platforms *1$' "$out"; then
		echo "FAIL [$label]: not exactly one platform"
		grep 'Number of platforms' "$out"; fail=1
	fi
	if ! grep -q '^  Platform Name *hmmcl$' "$out"; then
		echo "FAIL [$label]: hmmcl not listed"; fail=1
	fi
	if ! grep -q "^Number of devices *$ndev\$" "$out"; then
		echo "FAIL [$label]: want $ndev device(s)"
		grep 'Number of devices' "$out"; fail=1
	fi
	if [ "$(grep -c '^  Device Name ' "$out")" != "$ndev" ]; then
		echo "FAIL [$label]: device names"; fail=1
	fi
	# The short listing too.
	if ! OCL_ICD_VENDORS=$vendors clinfo -l >"$out" 2>&1 ||
		bad_lines "$out" >/dev/null; then
		echo "FAIL [$label]: clinfo -l"; cat "$out"; fail=1
	fi
	echo "ok [$label]"
}

# A folder holding only our .icd.
mkdir "$dir/vendors"
cp "$icd" "$dir/vendors/hmmcl.icd"
check "icd file" "$icd"
check "folder" "$dir/vendors"
check "library path" "$lib"

# PoCL installed as well: both platforms listed.
pocl=/etc/OpenCL/vendors/pocl.icd
if [ -f "$pocl" ]; then
	cp "$pocl" "$dir/vendors/pocl.icd"
	out=$dir/both.txt
	if ! OCL_ICD_VENDORS=$dir/vendors clinfo -l >"$out" 2>&1; then
		echo "FAIL [with pocl]: clinfo -l exited with an error"; fail=1
	fi
	grep -q 'Platform #[0-9]*: hmmcl$' "$out" ||
		{ echo "FAIL [with pocl]: hmmcl missing"; fail=1; }
	grep -q 'Platform #[0-9]*: Portable Computing Language' "$out" ||
		{ echo "FAIL [with pocl]: PoCL missing"; fail=1; }
	if [ "$(grep -c '^Platform #' "$out")" != 2 ]; then
		echo "FAIL [with pocl]: want 2 platforms"; fail=1
	fi
	cat "$out"
else
	echo "note: $pocl absent, two-platform check not run"
fi
exit $fail
