#!/usr/bin/env bash
# Bind a NIC to a DPDK driver (or give it back to the kernel).
#
# Usage: bind_nic.sh PCI_ADDR [DRIVER]
#        bind_nic.sh --restore PCI_ADDR KERNEL_DRIVER
#        bind_nic.sh --status
#   PCI_ADDR  e.g. 0000:3b:00.0 (see `dpdk-devbind.py --status-dev net`)
#   DRIVER    vfio-pci (default; needs the IOMMU on: intel_iommu=on or
#             amd_iommu=on) or uio_pci_generic where no IOMMU exists.
#             Mellanox/NVIDIA NICs stay on their kernel driver (mlx5_core):
#             DPDK drives them through it, so do not rebind them.
#
# The interface disappears from `ip link` once bound. Put the address in
# the appliance's `dpdk.eal.pci` list and a port named after it.
set -euo pipefail

die() { echo "bind_nic.sh: $*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "run as root"
command -v dpdk-devbind.py >/dev/null || die "dpdk-devbind.py not found (apt-get install dpdk)"

case ${1:-} in
--status)
	dpdk-devbind.py --status-dev net
	exit 0
	;;
--restore)
	[[ $# -eq 3 ]] || die "usage: bind_nic.sh --restore PCI_ADDR KERNEL_DRIVER"
	dpdk-devbind.py --bind="$3" "$2"
	dpdk-devbind.py --status-dev net
	exit 0
	;;
"" | -h | --help)
	sed -n '2,16p' "$0"
	exit 0
	;;
esac

addr=$1
driver=${2:-vfio-pci}

# A NIC carrying the route we are logged in through must not be taken.
if dpdk-devbind.py --status-dev net | grep -F "$addr" | grep -q '\*Active\*'; then
	die "$addr is active (it has a route); take it down first or pick another NIC"
fi

case $driver in
vfio-pci)
	if [[ -z $(ls -A /sys/kernel/iommu_groups 2>/dev/null) ]]; then
		echo "bind_nic.sh: no IOMMU groups; enabling vfio's no-IOMMU mode (unsafe, lab only)" >&2
		modprobe vfio enable_unsafe_noiommu_mode=1
	fi
	modprobe vfio-pci
	;;
uio_pci_generic)
	modprobe uio_pci_generic
	;;
*)
	die "unknown driver $driver (vfio-pci or uio_pci_generic)"
	;;
esac

dpdk-devbind.py --bind="$driver" "$addr"
dpdk-devbind.py --status-dev net
