#!/usr/bin/env bash
# Check that DPDK can drive a port before the appliance does: testpmd
# prints the port's capabilities (queues, RSS hash functions offered), then
# receives for a few seconds and prints what it counted.
#
# Usage: testpmd_check.sh DEVICE [SECONDS] [RXQ]
#   DEVICE   a PCI address bound to a DPDK driver (0000:3b:00.0) or a vdev
#            ("net_pcap0,rx_pcap=capture.pcap", "net_null0")
#   SECONDS  how long to receive (default 5)
#   RXQ      RX queues to open, spread with IPv4 RSS (default 1)
# Environment: EAL_MEM="--no-huge -m 1024" to run without hugepages (the
# default when /dev/hugepages has none free), LCORES (default 0-1).
#
# A good port shows "Link status: up", RX-packets growing and RX-missed
# and RX-nombuf at 0. "flow type" lines list the RSS offloads scanguard
# picks from: ipv4 (with l3-src-only where listed) spreads by source.
set -euo pipefail

dev=${1:?usage: testpmd_check.sh DEVICE [SECONDS] [RXQ]}
secs=${2:-5}
rxq=${3:-1}
lcores=${LCORES:-0-1}

if [[ -z ${EAL_MEM:-} ]]; then
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [[ ${free:-0} -gt 0 ]]; then EAL_MEM=""; else EAL_MEM="--no-huge -m 1024"; fi
fi

if [[ $dev == *:*.* && $dev != net_* ]]; then
	devargs=(-a "$dev")
else
	devargs=(--no-pci --vdev "$dev")
fi

cmds=$(mktemp)
trap 'rm -f "$cmds"; rm -rf "/var/run/dpdk/sgcheck$$"' EXIT
cat >"$cmds" <<CMDS
show port info all
show port 0 rss-hash
start
CMDS

# Commands after the file arrive on stdin: wait, print the counters, quit.
# shellcheck disable=SC2086
{
	sleep "$secs"
	echo "show port stats all"
	echo "stop"
	echo "quit"
} | dpdk-testpmd $EAL_MEM -l "$lcores" --file-prefix sgcheck$$ "${devargs[@]}" -- \
	-i --cmdline-file="$cmds" --forward-mode=rxonly --rxq="$rxq" --txq=1 \
	$([[ $rxq -gt 1 ]] && echo --rss-ip) 2>&1 |
	grep -vE '^testpmd> $'
