#!/usr/bin/env bash
# Builds MergingRavennaALSA.ko from a checkout of Merging's RAVENNA ALSA driver source
# (the repository root, or its driver/ directory), against the running kernel's headers.
#
# usage: build-module.sh [-o OUTDIR] <driver-source-dir>
#   KDIR       kernel build tree (default /lib/modules/$(uname -r)/build)
#   BUILD_DIR  where the patched copy is built (default: a temp dir, removed afterwards)
#
# The checkout itself is never modified: the source is copied, patched and built in BUILD_DIR.
set -euo pipefail

die() { echo "build-module.sh: error: $*" >&2; exit 2; }
usage() { echo "usage: $0 [-o OUTDIR] <driver-source-dir>" >&2; exit 2; }

out=$PWD
while getopts ':o:h' opt; do
  case $opt in
    o) out=$OPTARG ;;
    h) usage ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || usage
src=$1

[[ -d "$src" ]] || die "driver source directory '$src' does not exist. Pass a checkout of the Merging RAVENNA ALSA driver (e.g. git clone of ravenna-alsa-lkm)."
drv=
for d in "$src" "$src/driver"; do
  if [[ -f "$d/Makefile" ]] && grep -q 'MergingRavennaALSA' "$d/Makefile"; then drv=$(cd "$d" && pwd); break; fi
done
[[ -n "$drv" ]] || die "no Makefile building MergingRavennaALSA found in '$src' or '$src/driver'. Is this the Merging driver source?"

KDIR=${KDIR:-/lib/modules/$(uname -r)/build}
if [[ ! -d "$KDIR" ]]; then
  die "kernel build directory '$KDIR' not found. Install the headers of the running kernel: apt-get install linux-headers-$(uname -r) (Debian/Ubuntu) or dnf install kernel-devel-$(uname -r) (Fedora), or set KDIR to a configured kernel tree."
fi
[[ -f "$KDIR/Makefile" ]] || die "'$KDIR' has no Makefile, so it is not a kernel build tree. Set KDIR to /lib/modules/<release>/build of the target kernel."

# The kernel the module is built for, which is not necessarily the running one.
if [[ -f "$KDIR/include/config/kernel.release" ]]; then
  kver=$(< "$KDIR/include/config/kernel.release")
else
  kver=${KVER:-$(uname -r)}
fi
[[ "$kver" =~ ^([0-9]+)\.([0-9]+) ]] || die "cannot read a version from kernel release '$kver'"
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}

if [[ -n "${BUILD_DIR:-}" ]]; then
  mkdir -p "$BUILD_DIR"
  # Kbuild needs an absolute M=, and make -C changes directory first.
  work=$(cd "$BUILD_DIR" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/merging-build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
rm -rf "$work/driver" "$work/common"
cp -a "$drv" "$work/driver"
# Driver files include "../common/...", so the sibling directory travels along.
if [[ -d "$drv/../common" ]]; then cp -a "$drv/../common" "$work/common"; fi

# Since 5.15 the kernel builds with -nostdinc and ships its own <linux/stdarg.h>;
# a plain <stdarg.h> then fails with "stdarg.h: No such file or directory".
if (( major > 5 || (major == 5 && minor >= 15) )); then
  while IFS= read -r -d '' f; do
    if grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<stdarg\.h>' "$f"; then
      sed -i -E 's|^([[:space:]]*#[[:space:]]*include[[:space:]]*)<stdarg\.h>|\1<linux/stdarg.h>|' "$f"
      echo "patched <stdarg.h> -> <linux/stdarg.h>: ${f#"$work"/}"
    fi
  done < <(find "$work" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
fi

echo "building MergingRavennaALSA.ko for $kver with KDIR=$KDIR"
make -C "$KDIR" M="$work/driver" -j"$(nproc)" modules
[[ -f "$work/driver/MergingRavennaALSA.ko" ]] || die "the kernel build finished but produced no MergingRavennaALSA.ko; see the output above."
mkdir -p "$out"
cp "$work/driver/MergingRavennaALSA.ko" "$out/MergingRavennaALSA.ko"
echo "built $out/MergingRavennaALSA.ko"
