#!/usr/bin/env bash
# Drive a scanguard appliance with a capture, from a second host (or a
# second port of the same host) wired to the appliance's monitored port.
#
# Usage: replay.sh pktgen  PORT_PCI CAPTURE [RATE_PERCENT] [LCORES]
#        replay.sh testpmd PORT_PCI CAPTURE [LCORES]
#
# pktgen: pktgen-dpdk (built from its source; Debian does not package it)
#   sends CAPTURE in a loop on PORT_PCI at RATE_PERCENT of line rate
#   (default 100). Its -s option loads the capture as the port's stream;
#   the commands in the generated file set the rate and start sending. Type
#   `stop 0` then `quit` at its prompt to end, or let SECONDS (env) elapse.
# testpmd: without pktgen, testpmd replays CAPTURE for ever from a net_pcap
#   vdev (infinite_rx) and forwards it out of PORT_PCI (io mode) as fast as
#   it can: no rate control, but no extra software.
#
# Both read the whole capture into mbufs, so the pool must hold every
# packet: keep captures under ~100k packets or raise --total-num-mbufs.
# On the appliance, watch `scanguard run` alerts and the dpdk stats
# (imissed and ring drops must stay at 0 below the rated load).
set -euo pipefail

die() { echo "replay.sh: $*" >&2; exit 1; }
mode=${1:-}
port=${2:-}
cap=${3:-}
[[ -n $mode && -n $port && -n $cap ]] || { sed -n '2,22p' "$0"; exit 1; }
[[ -r $cap ]] || die "cannot read $cap"
cap=$(realpath "$cap")

case $mode in
pktgen)
	rate=${4:-100}
	lcores=${5:-0-2}
	command -v pktgen >/dev/null || die "pktgen not in PATH (build pktgen-dpdk from source)"
	cmds=$(mktemp --suffix=.pkt)
	trap 'rm -f "$cmds"' EXIT
	printf 'set 0 rate %s\nenable 0 pcap\nstart 0\n' "$rate" >"$cmds"
	# Lcore 0 runs the console; the matrix puts RX on the 2nd and TX on
	# the 3rd lcore of the list, port 0.
	exec pktgen -l "$lcores" -a "$port" -- -P -T -m "[1:2].0" -s "0:$cap" -f "$cmds"
	;;
testpmd)
	lcores=${4:-0-1}
	# Port 0 is the capture, port 1 the NIC; io mode forwards 0 to 1.
	{
		sleep "${SECONDS_TO_RUN:-60}"
		echo "show port stats all"
		echo "quit"
	} | dpdk-testpmd -l "$lcores" -a "$port" --vdev "net_pcap0,rx_pcap=$cap,infinite_rx=1" -- \
		-i --forward-mode=io --port-topology=chained --auto-start
	;;
*)
	die "mode must be pktgen or testpmd"
	;;
esac
