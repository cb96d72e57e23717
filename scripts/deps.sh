#!/bin/sh
# Installs the Debian 12 packages hmmcl needs to build, test and compare.
# Run as root (or through sudo); does nothing for packages already there.
set -e
PACKAGES="build-essential cmake ninja-build pkg-config python3
clang-16 llvm-16-dev libclang-16-dev
ocl-icd-opencl-dev ocl-icd-libopencl1 opencl-headers clinfo
libhwloc-dev hwloc pocl-opencl-icd"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "hmmcl: missing packages:$missing" >&2
	echo "hmmcl: run as root (or: sudo $0) to install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
