#!/usr/bin/env bash
# Install what building and testing the dpdk package needs on Debian 12:
# the DPDK 22.11 libraries and headers (libdpdk-dev, found by pkg-config),
# its tools (dpdk-testpmd, dpdk-devbind.py, dpdk-hugepages.py) and the
# drivers' own dependencies. Idempotent; run as root.
#
# Then: go build -tags dpdk ./dpdk/ && go test -tags dpdk ./dpdk/
# The tests need root (the EAL), not hugepages or NICs: they use virtual
# devices (net_pcap, net_null, net_memif) with --no-huge.
set -euo pipefail

pkgs=(dpdk dpdk-dev libdpdk-dev pkg-config libpcap-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
pkg-config --modversion libdpdk
