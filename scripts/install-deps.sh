#!/usr/bin/env bash
# Installs what building and testing scanguard needs on Debian 12, as root:
# the DPDK development files, the scanners and clients the lab runs, and
# the collectors and exporters the tests talk to. Go itself is expected at
# /usr/local/go (or on PATH). Packages already present are left alone.
set -euo pipefail

packages=(
	# build: cgo over DPDK and libpcap-compatible filters
	build-essential pkg-config libdpdk-dev dpdk dpdk-dev libpcap-dev
	# lab: scanners, capture tools, benign servers and clients
	masscan zmap nmap hping3 tcpdump tshark tcpreplay iproute2 ethtool
	nginx apache2-utils curl dnsmasq dnsutils iperf3
	# flow export and syslog collectors the tests use
	softflowd nfdump rsyslog
	# lab.sh reads its labels with jq; the unit test runs systemd-analyze
	jq systemd
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $EUID -ne 0 ]]; then
		echo "install-deps: need root to install: ${missing[*]}" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Debian starts services on install; the tests start their own. A
	# policy the machine already has is left as it is.
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null && [[ ! -x /usr/local/go/bin/go ]]; then
	echo "install-deps: Go 1.26 is needed at /usr/local/go or on PATH" >&2
	exit 1
fi
echo "install-deps: all present"
