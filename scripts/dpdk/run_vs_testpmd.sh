#!/usr/bin/env bash
# The whole appliance against dpdk-testpmd on the same device and cores.
#
# Usage: run_vs_testpmd.sh [CAPTURE] [SECONDS] [ROUNDS]
#   CAPTURE  replayed forever by net_pcap (infinite_rx=1); default
#            ../shared/corpus/mixed_bg_masscan.pcap
#   SECONDS  length of each run (default 10)
#   ROUNDS   runs of each side, alternated, medians compared (default 1)
#
# Both run without hugepages on lcores 0-1: lcore 0 is the main lcore on
# CPU 0, lcore 1 polls the port on CPU 1.
#   testpmd    --forward-mode=rxonly: receive and free, nothing else; its
#              Rx-pps lines, after the first, give the rate.
#   scanguard  `scanguard run` with source dpdk and full detection: the
#              lcore parses each frame into a Record in C and shards it onto
#              a ring; one Go worker pinned to CPU 0 runs the detector,
#              fusion and alerting on every Record. The rate is the Records
#              the worker processed per second, from the stats lines after
#              the first. A worker slower than the lcore shows as ring drops.
# The ratio is scanguard / testpmd. Every drop counter of both is printed.
# Run on an otherwise idle machine: with two CPUs anything else skews both.
set -euo pipefail

cd "$(dirname "$0")/../.."
cap=$(realpath "${1:-../shared/corpus/mixed_bg_masscan.pcap}")
secs=${2:-10}
rounds=${3:-1}
[[ $EUID -eq 0 ]] || { echo "run_vs_testpmd.sh: run as root" >&2; exit 1; }
vdev="net_pcap0,infinite_rx=1,rx_pcap=$cap"

work=$(mktemp -d)
trap 'rm -rf "$work" "/var/run/dpdk/sgvsp$$" "/var/run/dpdk/sgvsr$$"' EXIT
go build -tags dpdk -o "$work/scanguard" ./cmd/scanguard

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# testpmd_run prints "MPPS IMISSED IERRORS NOMBUF".
testpmd_run() {
	local log=$work/testpmd.log
	timeout -s INT "$((secs + 4))" dpdk-testpmd --no-huge -m 1024 --no-pci -l 0-1 \
		--file-prefix "sgvsp$$" --log-level=error --vdev "$vdev" -- \
		--forward-mode=rxonly --stats-period 1 --total-num-mbufs=65535 >"$log" 2>&1 || true
	local mpps missed errs nombuf
	# Skip the samples of start-up (zero, then a partial second).
	mpps=$(grep -o 'Rx-pps: *[0-9]*' "$log" |
		awk '$2>0 && seen++ {s+=$2; n++} END {if (n) printf "%.3f", s/n/1e6; else print 0}')
	missed=$(grep -o 'RX-missed: *[0-9]*' "$log" | tail -1 | awk '{print $2+0}')
	errs=$(grep -o 'RX-errors: *[0-9]*' "$log" | tail -1 | awk '{print $2+0}')
	nombuf=$(grep -o 'RX-nombuf: *[0-9]*' "$log" | tail -1 | awk '{print $2+0}')
	echo "$mpps ${missed:-0} ${errs:-0} ${nombuf:-0}"
}

cat >"$work/scanguard.yaml" <<EOF
workers: 1
engine:
  cpus: [0]
source:
  type: dpdk
dpdk:
  eal:
    lcores: "0-1"
    no_huge: true
    mem_mb: 1024
    file_prefix: sgvsr$$
    no_pci: true
    log_level: error
    vdevs: ["$vdev"]
  ports: [{name: net_pcap0, rx_queues: 1, rx_descriptors: 1024, mbufs: 65536}]
alert:
  sinks:
    - type: file
      path: $work/alerts.json
metrics:
  listen: ""
log:
  format: json
  stats_interval: 1s
EOF

# scanguard_run prints "MPPS FRAME_MPPS IMISSED IERRORS NOMBUF RING QUEUE MISSED ALERTS".
scanguard_run() {
	local log=$work/scanguard.log
	: >"$work/alerts.json"
	"$work/scanguard" run -c "$work/scanguard.yaml" 2>"$log" &
	local pid=$!
	# The EAL and the pool of a whole capture take a moment: time the run
	# from the first stats line.
	for _ in $(seq 200); do
		grep -q '"message":"stats"' "$log" && break
		sleep 0.1
	done
	sleep "$secs"
	kill -TERM "$pid"
	wait "$pid" || { echo "scanguard run failed:" >&2; cat "$log" >&2; exit 1; }
	jq -rs '
		[.[] | select(.message == "stats")] as $s
		| ($s[1:] | map(select(.records_per_s > 0))) as $r
		| (.[] | select(.message == "stopped")) as $t
		| [(($r | map(.records_per_s) | add) / ($r | length) / 1e6),
		   (($r | map(.frames_per_s) | add) / ($r | length) / 1e6),
		   $t.imissed, $t.ierrors, $t.rx_nombuf, $t.ring_drops, $t.queue_drops,
		   $t.missed, $t.alerts]
		| "\(.[0]*1000|round/1000) \(.[1]*1000|round/1000) \(.[2:] | map(tostring) | join(" "))"
	' "$log"
}

tp=() us=() fr=()
for ((r = 1; r <= rounds; r++)); do
	read -r t tmiss terr tnb < <(testpmd_run)
	read -r o f imiss ierr inb ring queue missed alerts < <(scanguard_run)
	echo "round $r: testpmd ${t} Mpps (imissed $tmiss, ierrors $terr, rx_nombuf $tnb);" \
		"scanguard ${o} Mpps processed, ${f} Mpps received (imissed $imiss," \
		"ierrors $ierr, rx_nombuf $inb, ring drops $ring, engine queue drops $queue," \
		"missed $missed; $alerts alerts)"
	tp+=("$t") us+=("$o") fr+=("$f")
done

t=$(printf '%s\n' "${tp[@]}" | median)
o=$(printf '%s\n' "${us[@]}" | median)
f=$(printf '%s\n' "${fr[@]}" | median)
echo "device:    $vdev"
echo "cores:     lcore 1 polls CPU 1 (both); scanguard's one detection worker on CPU 0"
echo "testpmd:   $t Mpps (rxonly, median of $rounds)"
echo "scanguard: $o Mpps processed by the worker, $f Mpps received by the lcore" \
	"(full detection, median of $rounds)"
awk -v o="$o" -v t="$t" 'BEGIN {if (t > 0) printf "ratio:     %.2f\n", o/t}'
