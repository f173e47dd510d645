#!/usr/bin/env bash
# Boots the installed Debian kernel in QEMU and drives @aes67/kernel-module against it,
# with snd-aloop standing in for MergingRavennaALSA. Nothing is loaded into the host kernel.
#
# Prints the guest's "@@KM <json>" result lines (one per scenario) and "@@KM-TIMING" lines on stdout;
# the serial console log is kept in $QEMU_WORKDIR/serial.log (default: a temp dir, removed on exit).
#
# Env: KVER (kernel release, default: newest /boot/vmlinuz-*), QEMU_ACCEL (tcg|kvm, default tcg), QEMU_TIMEOUT (seconds, default 600), QEMU_WORKDIR (keep the work files there).
set -euo pipefail

# Packages the CI install script must apt-get install for this test.
QEMU_APT_PACKAGES="qemu-system-x86 linux-image-amd64 busybox-static kmod cpio"

if [[ "${1:-}" == "--apt-packages" ]]; then echo "$QEMU_APT_PACKAGES"; exit 0; fi

here=$(cd "$(dirname "$0")/.." && pwd)
t_start=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
die() { echo "qemu-module-test: $*" >&2; exit 2; }

busybox=/bin/busybox
[[ -x "$busybox" ]] && "$busybox" true || die "no $busybox: apt-get install busybox-static"
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
file_is_static "$busybox" || die "$busybox is dynamically linked: install busybox-static (not busybox)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: apt-get install $QEMU_APT_PACKAGES"
command -v cpio >/dev/null || die "cpio missing: apt-get install cpio"
kmod=$(command -v kmod) || die "kmod missing: apt-get install kmod"
node=$(command -v node) || die "node missing"

if [[ -z "${KVER:-}" ]]; then
  KVER=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -1)
  [[ -n "$KVER" ]] || die "no kernel in /boot: apt-get install linux-image-amd64"
fi
kernel=/boot/vmlinuz-$KVER
moddir=/lib/modules/$KVER
[[ -r "$kernel" ]] || die "$kernel not readable"
[[ -f "$moddir/modules.dep" ]] || die "$moddir/modules.dep missing: install the modules of $KVER"

# TCG by default: a present /dev/kvm is no promise that KVM works (under nested virtualization the
# guest can hang in the firmware), and TCG finishes this test in well under a minute anyway.
accel=${QEMU_ACCEL:-tcg}
# "max" under KVM asks for MSRs a nested hypervisor may refuse; "host" is what KVM can always give.
if [[ "$accel" == kvm ]]; then cpu=host; else cpu=max; fi

if [[ -n "${QEMU_WORKDIR:-}" ]]; then
  work=$QEMU_WORKDIR; rm -rf "$work"; mkdir -p "$work"
else
  work=$(mktemp -d /tmp/qemu-module-test.XXXXXX); trap 'rm -rf "$work"' EXIT
fi
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,sbin,dev,proc,sys,tmp,root,app,lib64,etc}

# The package under test, compiled.
(cd "$here" && npx tsc -b kernel-module)
mkdir -p "$rootfs/app/kernel-module"
cp -r "$here/kernel-module/dist" "$rootfs/app/kernel-module/"
cp "$here/kernel-module/package.json" "$rootfs/app/kernel-module/"
cp "$here/scripts/qemu-module-guest.mjs" "$rootfs/app/guest.mjs"

cp "$busybox" "$rootfs/bin/busybox"
copy_with_libs() {
  local bin=$1 dest=$2 lib
  cp "$bin" "$rootfs$dest"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}
copy_with_libs "$node" /bin/node
copy_with_libs "$kmod" /sbin/kmod
for t in insmod modprobe rmmod modinfo lsmod depmod; do ln -s kmod "$rootfs/sbin/$t"; done

# Only the sound modules snd-aloop needs, plus a modules index rebuilt for exactly that set.
mkdir -p "$rootfs$moddir"
cp "$moddir"/modules.order "$moddir"/modules.builtin "$moddir"/modules.builtin.modinfo "$rootfs$moddir/"
deps=$(grep -E '^kernel/sound/drivers/snd-aloop\.ko[^:]*:' "$moddir/modules.dep" | tr -d ':')
[[ -n "$deps" ]] || die "snd-aloop not in $moddir/modules.dep"
for m in $deps; do mkdir -p "$rootfs$moddir/$(dirname "$m")"; cp "$moddir/$m" "$rootfs$moddir/$m"; done
depmod -b "$rootfs" "$KVER"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" > "$rootfs/etc/passwd"

cat > "$rootfs/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "@@KM-TIMING init-start-uptime=$(cut -d' ' -f1 /proc/uptime)"
node /app/guest.mjs
echo "@@KM-EXIT $?"
echo "@@KM-TIMING init-end-uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
INIT
chmod +x "$rootfs/init"

(cd "$rootfs" && find . | cpio -o -H newc --quiet > "$work/initramfs.cpio")
echo "@@KM-TIMING prepare-s=$(elapsed "$t_start") accel=$accel kernel=$KVER initramfs-bytes=$(stat -c %s "$work/initramfs.cpio")"

t_boot=$(date +%s.%N)
status=0
timeout "${QEMU_TIMEOUT:-600}" qemu-system-x86_64 \
  -accel "$accel" -m 1024 -smp 2 -cpu "$cpu" \
  -kernel "$kernel" -initrd "$work/initramfs.cpio" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
  -nographic -monitor none -no-reboot -nic none \
  </dev/null >"$work/serial.log" 2>&1 || status=$?
echo "@@KM-TIMING qemu-s=$(elapsed "$t_boot") total-s=$(elapsed "$t_start") qemu-exit=$status"

# The firmware's terminal escapes can share a line with the first marker, hence -o.
tr -d '\r' < "$work/serial.log" | grep -ao '@@KM.*' > "$work/results.txt" || true
cat "$work/results.txt"
if ! grep -q '^@@KM-EXIT 0$' "$work/results.txt"; then
  echo "qemu-module-test: guest did not finish cleanly (qemu exit $status); serial log tail:" >&2
  tail -40 "$work/serial.log" >&2
  exit 1
fi
