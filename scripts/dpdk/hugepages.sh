#!/usr/bin/env bash
# Reserve and mount hugepages for the scanguard appliance.
#
# Usage: hugepages.sh [SIZE] [PAGESIZE]
#   SIZE      memory to reserve, with K/M/G suffix (default 2G)
#   PAGESIZE  2M or 1G (default 2M; 1G pages are best reserved at boot with
#             default_hugepagesz=1G hugepagesz=1G hugepages=N on the kernel
#             command line, since the kernel may not find them later)
#
# Reserves the pages on every NUMA node that has CPUs, mounts hugetlbfs on
# /dev/hugepages and prints the result. The appliance's EAL then runs with
# `no_huge: false` and `mem_mb` at most SIZE. To make it last across
# reboots, put vm.nr_hugepages in /etc/sysctl.d/ and the mount in fstab.
set -euo pipefail

size=${1:-2G}
pagesize=${2:-2M}

if [[ $EUID -ne 0 ]]; then
	echo "hugepages.sh: run as root" >&2
	exit 1
fi
command -v dpdk-hugepages.py >/dev/null || {
	echo "hugepages.sh: dpdk-hugepages.py not found (apt-get install dpdk)" >&2
	exit 1
}

# One reservation per node that has CPUs, so that each NIC's lcores find
# memory on their own socket.
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | sed 's/.*node//' || true)
if [[ -z $nodes ]]; then
	dpdk-hugepages.py --pagesize "$pagesize" --setup "$size"
else
	dpdk-hugepages.py --clear
	for n in $nodes; do
		dpdk-hugepages.py --node "$n" --pagesize "$pagesize" --reserve "$size"
	done
	dpdk-hugepages.py --mount
fi
dpdk-hugepages.py --show
