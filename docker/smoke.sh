#!/usr/bin/env bash
# Smoke test of a running installation, unchanged inside the container and directly on a host:
#   1 start the daemon with a temporary config   2 create a stream   3 receive it with ffmpeg, bit-exact
#   4 check its SAP announcement and the API      5 check PTP against a local ptp4l pair when available
# Exits non-zero naming the failed step; always cleans up what it started.
# Environment: AES67 (command, default: aes67 or the repo's server/dist/cli.js), SMOKE_INTERFACE (lo),
# SMOKE_API_PORT (18067), SMOKE_PTP (auto|off). SMOKE_BREAK=port|address receives on the wrong port or
# group on purpose: the suite uses it to prove a broken stream fails the smoke test.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
if [[ -n "${AES67:-}" ]]; then read -r -a CMD <<<"$AES67"
elif command -v aes67 >/dev/null; then CMD=(aes67)
else CMD=(node "$HERE/../server/dist/cli.js"); fi
IFACE=${SMOKE_INTERFACE:-lo}
PORT=${SMOKE_API_PORT:-18067}
API="http://127.0.0.1:$PORT/api/v1"
GROUP=239.69.77.1
WORK=$(mktemp -d /tmp/aes67-smoke.XXXXXX)
PIDS=()
NETNS=()
STEP="0 (setup)"

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for n in "${NETNS[@]}"; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { STEP="$1 ($2)"; echo "smoke: step $STEP"; }
fail() { echo "smoke: FAILED at step $STEP: $*" >&2; [[ -f $WORK/daemon.log ]] && tail -n 20 "$WORK/daemon.log" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "missing tool '$1'"; }
api() { curl -sf --max-time 5 "$@"; }
wait_for() { local what=$1 tries=$2; shift 2; for ((i = 0; i < tries; i++)); do "$@" && return 0; sleep 0.2; done; fail "timed out waiting for $what"; }

need curl; need ffmpeg; need sox; need flac; need node; need ip
# Receivers here join groups on the daemon's interface by its address: a host's multicast route (if it
# has one) may point elsewhere, and a stock lo has none, so joining by route would hear nothing.
LOCAL=$(ip -4 -o addr show dev "$IFACE" 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
[[ -n $LOCAL ]] || fail "interface '$IFACE' has no IPv4 address (SMOKE_INTERFACE names the daemon's interface)"
# Whether a socket in this namespace has joined $1, from /proc/net/igmp (groups in host byte order).
joined() { local IFS=.; read -r a b c d <<<"$1"; grep -qi "$(printf '%02X%02X%02X%02X' "$d" "$c" "$b" "$a")" /proc/net/igmp; }

# PTP pair: a grandmaster and a follower on a veth pair in two namespaces, both free-running and
# without CAP_SYS_TIME so the host clock is never touched; the daemon attaches to the follower.
PTP_SOCK=""
if [[ ${SMOKE_PTP:-auto} != off ]] && command -v ptp4l >/dev/null && command -v setpriv >/dev/null && [[ $(id -u) -eq 0 ]] \
   && ip netns add aes67-smoke-gm 2>/dev/null; then
  NETNS+=(aes67-smoke-gm aes67-smoke-fl)
  ip netns add aes67-smoke-fl || fail "cannot create namespaces"
  ip link add sm-gm netns aes67-smoke-gm type veth peer name sm-fl netns aes67-smoke-fl
  for n in gm fl; do
    ip -n aes67-smoke-$n link set lo up; ip -n aes67-smoke-$n link set sm-$n up
    ip -n aes67-smoke-$n addr add 10.99.0.$([[ $n == gm ]] && echo 1 || echo 2)/24 dev sm-$n
    ip -n aes67-smoke-$n route add 224.0.0.0/4 dev sm-$n
    cat >"$WORK/$n.cfg" <<CFG
[global]
domainNumber 0
priority1 $([[ $n == gm ]] && echo 10 || echo 250)
$([[ $n == fl ]] && echo "slaveOnly 1")
logSyncInterval -3
logAnnounceInterval 1
logMinDelayReqInterval -3
announceReceiptTimeout 3
network_transport UDPv4
time_stamping software
delay_mechanism E2E
free_running 1
uds_address $WORK/$n.sock
CFG
    ip netns exec aes67-smoke-$n setpriv --bounding-set -sys_time ptp4l -f "$WORK/$n.cfg" -i sm-$n -q >"$WORK/ptp4l-$n.log" 2>&1 &
    PIDS+=($!)
  done
  PTP_SOCK=$WORK/fl.sock
  wait_for "the follower's socket" 50 test -S "$PTP_SOCK"
  # free_running keeps the follower UNCALIBRATED unless local sync is declared certain.
  wait_for "SET SYNCHRONIZATION_UNCERTAIN_NP" 50 sh -c "pmc -u -b 0 -s '$PTP_SOCK' -i '$WORK/pmc.sock' 'SET SYNCHRONIZATION_UNCERTAIN_NP 0' 2>/dev/null | grep -q 'uncertain 0'"
fi

step 1 "start the daemon with a temporary config"
mkdir -p "$WORK/music"
sox -n -r 48000 -b 24 -c 2 "$WORK/src.wav" synth 6 whitenoise pinknoise gain -3 || fail "sox could not make the test signal"
flac -s -f "$WORK/src.wav" -o "$WORK/music/smoke.flac" || fail "flac could not encode the test signal"
PTP_MODE=off; [[ -n $PTP_SOCK ]] && PTP_MODE=attach
cat >"$WORK/config.json" <<JSON
{
  "version": 1,
  "interface": "$IFACE",
  "http": { "host": "127.0.0.1", "port": $PORT },
  "auth": { "passwordHash": null, "token": null },
  "sap": { "intervalS": 1 },
  "ravenna": { "enabled": false, "rtspPort": 0 },
  "ptp": { "mode": "$PTP_MODE", "socket": "${PTP_SOCK:-/var/run/ptp4l}", "interface": null, "domain": 0, "priority1": 250,
           "timestamping": "software", "freeRunning": false, "policy": "keep-streaming" },
  "player": { "library": "$WORK/music" },
  "streams": [],
  "speakers": [],
  "routing": { "source": "player", "preset": "custom", "entries": [] }
}
JSON
"${CMD[@]}" serve --config "$WORK/config.json" >"$WORK/daemon.out" 2>"$WORK/daemon.log" &
PIDS+=($!)
wait_for "the API on port $PORT" 100 api -o /dev/null "$API/streams"

step 2 "create a stream"
STREAM=$(api -X POST -H 'content-type: application/json' -d "{\"name\":\"smoke left\",\"address\":\"$GROUP\",\"channels\":1}" "$API/streams") \
  || fail "POST /streams was refused"
ID=$(node -e 'console.log(JSON.parse(process.argv[1]).id)' "$STREAM")
api -X PUT -H 'content-type: application/json' \
  -d "{\"source\":\"player\",\"preset\":\"custom\",\"entries\":[{\"input\":0,\"streamId\":\"$ID\",\"channel\":0,\"gainDb\":0}]}" \
  "$API/routing" >/dev/null || fail "PUT /routing was refused"

step 3 "receive the stream with ffmpeg, bit-exact against the source"
api "$API/streams/$ID/sdp" >"$WORK/stream.sdp" || fail "no SDP for stream $ID"
case ${SMOKE_BREAK:-} in
  port) sed -i 's/^m=audio [0-9]*/m=audio 5999/' "$WORK/stream.sdp" ;;
  address) sed -i "s/$GROUP/239.69.77.99/g" "$WORK/stream.sdp" ;;
esac
ffmpeg -nostdin -y -loglevel error -protocol_whitelist file,udp,rtp -localaddr "$LOCAL" -i "$WORK/stream.sdp" -t 4 -c:a pcm_s24le "$WORK/rec.wav" 2>"$WORK/ffmpeg.log" &
FF=$!
PIDS+=($FF)
RX_GROUP=$(sed -n 's/^c=IN IP4 \([0-9.]*\).*/\1/p' "$WORK/stream.sdp")
wait_for "ffmpeg to join $RX_GROUP" 150 joined "$RX_GROUP"
api -X POST -H 'content-type: application/json' -d '{"path":"smoke.flac"}' "$API/player/queue" >/dev/null || fail "POST /player/queue was refused"
api -X POST "$API/player/play" >/dev/null || fail "POST /player/play was refused"
# ffmpeg stops after its 4 s; one that receives nothing would wait on for 20 s, so it gets 2 s past the
# end of the 6 s file (the player stopped) and is stopped then.
state() { api "$API/player" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).state))'; }
for ((i = 0, over = 0; i < 150 && over < 10 && $(kill -0 $FF 2>/dev/null && echo 1 || echo 0) == 1; i++)); do
  sleep 0.2
  [[ $(state) == stopped ]] && over=$((over + 1))
done
kill -INT $FF 2>/dev/null; wait $FF 2>/dev/null
[[ -s $WORK/rec.wav ]] || fail "ffmpeg recorded nothing ($(tr '\n' ' ' <"$WORK/ffmpeg.log"))"
SMOKE_MIN_SECONDS=2 node "$HERE/smoke-compare.mjs" "$WORK/src.wav" 0 "$WORK/rec.wav" || fail "the received audio is not the source"

step 4 "check the SAP announcement and the API"
node -e '
  const s = require("dgram").createSocket({ type: "udp4", reuseAddr: true });
  const t = setTimeout(() => { console.error("no SAP announcement of the stream within 30 s"); process.exit(1); }, 30000);
  s.on("message", (m) => { const txt = m.toString("latin1"); if ((m[0] & 0x04) === 0 && txt.includes("s=smoke left") && txt.includes(process.argv[1])) { clearTimeout(t); process.exit(0); } });
  s.bind(9875, () => s.addMembership("239.255.255.255", process.argv[2]));' "c=IN IP4 $GROUP/" "$LOCAL" \
  || fail "SAP"
packets() { api "$API/streams/$ID" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).counters.packets))'; }
P1=$(packets) || fail "GET /streams/$ID"
moved() { (( $(packets) > P1 )); }
wait_for "the packet counter to move from $P1" 150 moved
grep -q "a=rtpmap:96 L24/48000/1" "$WORK/stream.sdp" || fail "SDP has no L24/48000/1 rtpmap"

step 5 "check PTP"
if [[ -z $PTP_SOCK ]]; then
  echo "smoke: no local ptp4l pair (needs root, ptp4l, setpriv and ip netns); PTP not checked"
else
  locked() { api "$API/ptp" | grep -q '"state":"locked"'; }
  wait_for "PTP state locked" 150 locked
  GMID=$(pmc -u -b 0 -s "$WORK/gm.sock" -i "$WORK/pmc2.sock" 'GET DEFAULT_DATA_SET' | awk '/clockIdentity/ {print $2}')
  SDPID=$(echo "$GMID" | tr -d . | tr a-f A-F | sed 's/../&-/g; s/-$//')
  refclk() { api "$API/streams/$ID/sdp" | grep -q "a=ts-refclk:ptp=IEEE1588-2008:$SDPID:0"; }
  wait_for "the SDP to name grandmaster $SDPID" 50 refclk
fi
echo "smoke: PASSED"
