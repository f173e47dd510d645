#!/usr/bin/env bash
# Installs the Debian packages the test suite uses (receivers, capture, PTP, audio tools, browser).
# Idempotent: packages already present are skipped, and apt is not touched when nothing is missing.
set -euo pipefail

PACKAGES=(
  ffmpeg                      # third-party receiver (bit-exact checks)
  gstreamer1.0-tools          # gst-launch-1.0: second third-party receiver
  gstreamer1.0-plugins-base   # audioconvert, wavenc's dependencies
  gstreamer1.0-plugins-good   # udpsrc, rtpjitterbuffer, rtpL24depay/rtpL16depay, wavenc
  tshark                      # dissects our SAP/SDP and RTP packets
  tcpdump                     # departure captures for bench/pacing
  linuxptp                    # ptp4l and pmc for the PTP tests
  flac                        # reference decoder (flac -d) and test-file encoder
  sox                         # test signal generator
  mpd                         # Music Player Daemon: its pipe output feeds aes67 play (issue 6 test)
  mpc                         # ...and its command-line client drives it
  iproute2                    # ip netns, veth, bridge
  util-linux                  # setpriv (runs ptp4l without CAP_SYS_TIME)
  curl                        # RTSP DESCRIBE client and API checks
  git                         # the README test clones the repository
  qemu-system-x86             # kernel-module test boots Debian's kernel under QEMU (TCG)
  linux-image-amd64           # ...that kernel, with snd-aloop standing in for the Merging module
  busybox-static              # ...the guest's userland in the initramfs
  kmod                        # ...modprobe/insmod/rmmod in the guest
  cpio                        # ...to pack the initramfs
  chromium                    # headless browser for the console's Playwright end-to-end test
  fonts-dejavu-core           # ...a font for its screenshots (the console loads no web fonts)
  ca-certificates
)
# Optional extras named by other parts of the suite (QEMU kernel test, console browser tests).
if [[ -n "${EXTRA_APT_PACKAGES:-}" ]]; then read -r -a extra <<<"$EXTRA_APT_PACKAGES"; PACKAGES+=("${extra[@]}"); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
