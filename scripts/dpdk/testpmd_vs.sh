#!/usr/bin/env bash
# Compare scanguard's receive path with dpdk-testpmd on the same device.
#
# Usage: testpmd_vs.sh [VDEV] [SECONDS] [ROUNDS]
#   VDEV     default net_null0; e.g.
#            "net_pcap0,infinite_rx=1,rx_pcap=../shared/corpus/mixed_bg_masscan.pcap"
#   SECONDS  length of each testpmd run (default 5)
#   ROUNDS   runs of each side, alternated, medians compared (default 3)
#
# Both run without hugepages on lcores 0-1, one polling lcore:
#   testpmd  --forward-mode=rxonly: receive and free, nothing else; its
#            Rx-pps lines, after the first, give the rate.
#   ours     BenchmarkPlane in ./dpdk: receive, parse every frame into a
#            Record in C, shard it onto a ring, and one Go worker (pinned to
#            CPU 0) dequeuing; Mpps counts frames received by the lcore.
# The ratio is ours / testpmd. Run on an otherwise idle machine: with
# two CPUs, anything else running skews both sides.
set -euo pipefail

cd "$(dirname "$0")/../.."
vdev=${1:-net_null0}
secs=${2:-5}
rounds=${3:-3}
[[ $EUID -eq 0 ]] || { echo "testpmd_vs.sh: run as root" >&2; exit 1; }

# Relative capture paths are taken from the repository root.
if [[ $vdev == *rx_pcap=* ]]; then
	f=${vdev##*rx_pcap=}
	f=${f%%,*}
	vdev=${vdev/rx_pcap=$f/rx_pcap=$(realpath "$f")}
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

testpmd_mpps() {
	local log
	log=$(mktemp)
	timeout -s INT "$((secs + 4))" dpdk-testpmd --no-huge -m 1024 --no-pci -l 0-1 \
		--file-prefix "sgvs$$" --log-level=error --vdev "$vdev" -- \
		--forward-mode=rxonly --stats-period 1 --total-num-mbufs=65535 >"$log" 2>&1 || true
	# Skip the samples of start-up (zero, then a partial second) and
	# average the rest.
	grep -o 'Rx-pps: *[0-9]*' "$log" |
		awk '$2>0 && seen++ {s+=$2; n++} END {if (n) printf "%.3f\n", s/n/1e6; else print 0}'
	rm -f "$log"
	rm -rf "/var/run/dpdk/sgvs$$"
}

test_bin=$(mktemp)
trap 'rm -f "$test_bin"' EXIT
go test -tags dpdk -c -o "$test_bin" ./dpdk/

ours_mpps() {
	# As many frames as testpmd sees in SECONDS at its rate, at least 20M.
	local frames=$1
	(cd dpdk && SCANGUARD_BENCH_VDEV="$vdev" "$test_bin" -test.run '^$' \
		-test.bench 'BenchmarkPlane/env' -test.benchtime "${frames}x") |
		awk '/BenchmarkPlane/ {for (i=1; i<NF; i++) if ($(i+1)=="Mpps") print $i}'
}

tp=() us=()
for ((r = 1; r <= rounds; r++)); do
	t=$(testpmd_mpps)
	frames=$(awk -v m="$t" -v s="$secs" 'BEGIN {f=m*1e6*s; if (f<2e7) f=2e7; printf "%d", f}')
	o=$(ours_mpps "$frames")
	echo "round $r: testpmd ${t} Mpps, scanguard ${o} Mpps"
	tp+=("$t") us+=("$o")
done

t=$(printf '%s\n' "${tp[@]}" | median)
o=$(printf '%s\n' "${us[@]}" | median)
echo "device:    $vdev"
echo "testpmd:   $t Mpps (rxonly, median of $rounds)"
echo "scanguard: $o Mpps (rx + parse + ring + Go worker, median of $rounds)"
awk -v o="$o" -v t="$t" 'BEGIN {if (t > 0) printf "ratio:     %.2f\n", o/t}'
