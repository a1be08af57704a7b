# shellcheck shell=bash
# Network part of the scanguard lab: two namespaces joined by a veth pair.
#
#   scanner namespace  <prefix>-scan   veth <prefix>-s   198.18.0.1/24, 198.18.0.3/24
#   victim namespace   <prefix>-vic    veth <prefix>-v   198.18.0.2/24
#                      + local route 198.19.0.0/16 on lo (the victim owns the range)
#                      + 198.19.192.0/18 blackholed: probes there get no answer
#
# Sourced by scripts/lab.sh; every function works on the LAB_* variables
# that lab_names sets. Nothing here routes outside the two namespaces.

LAB_SCAN_IP=198.18.0.1
LAB_SCAN_IP2=198.18.0.3
LAB_VICTIM_IP=198.18.0.2
LAB_RANGE=198.19.0.0/16
LAB_DARK=198.19.192.0/18
LAB_DNS_IP=198.19.0.53
LAB_SCAN_MAC=02:53:47:00:00:01
LAB_VICTIM_MAC=02:53:47:00:00:02
LAB_HTTP_PORTS="80 443 8080 8443"

# lab_names PREFIX: derive the namespace and interface names from PREFIX.
lab_names() {
	local p=$1
	if [[ ! $p =~ ^[a-z][a-z0-9]{0,12}$ ]]; then
		echo "lab: prefix '$p' must be 1-13 lowercase letters/digits, starting with a letter" >&2
		return 1
	fi
	LAB_PREFIX=$p
	LAB_SCAN_NS=$p-scan
	LAB_VICTIM_NS=$p-vic
	LAB_SCAN_IF=$p-s
	LAB_VICTIM_IF=$p-v
}

# lab_print_env: the names and addresses, as KEY=value lines a shell can eval.
lab_print_env() {
	cat <<EOF
LAB_PREFIX=$LAB_PREFIX
LAB_SCAN_NS=$LAB_SCAN_NS
LAB_VICTIM_NS=$LAB_VICTIM_NS
LAB_SCAN_IF=$LAB_SCAN_IF
LAB_VICTIM_IF=$LAB_VICTIM_IF
LAB_SCAN_IP=$LAB_SCAN_IP
LAB_SCAN_IP2=$LAB_SCAN_IP2
LAB_VICTIM_IP=$LAB_VICTIM_IP
LAB_SCAN_MAC=$LAB_SCAN_MAC
LAB_VICTIM_MAC=$LAB_VICTIM_MAC
LAB_RANGE=$LAB_RANGE
LAB_DARK=$LAB_DARK
LAB_STATE=$LAB_STATE
EOF
}

# nsx NS CMD...: run CMD inside namespace NS.
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# lab_build: create both namespaces and the veth pair, addresses and routes.
# The caller must have set a trap that calls lab_teardown.
lab_build() {
	if ip netns list | grep -qE "^($LAB_SCAN_NS|$LAB_VICTIM_NS)( |$)"; then
		echo "lab: namespaces $LAB_SCAN_NS/$LAB_VICTIM_NS already exist" \
			"(run 'LAB_PREFIX=$LAB_PREFIX scripts/lab.sh down')" >&2
		return 1
	fi
	ip netns add "$LAB_SCAN_NS"
	ip netns add "$LAB_VICTIM_NS"
	ip link add "$LAB_SCAN_IF" netns "$LAB_SCAN_NS" address "$LAB_SCAN_MAC" type veth \
		peer name "$LAB_VICTIM_IF" netns "$LAB_VICTIM_NS" address "$LAB_VICTIM_MAC"

	local ns
	for ns in "$LAB_SCAN_NS" "$LAB_VICTIM_NS"; do
		# IPv6 would add router solicitations and MLD reports to every capture.
		nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done

	# Scanner: two source addresses, the test range routed to the victim.
	ip -n "$LAB_SCAN_NS" addr add "$LAB_SCAN_IP/24" dev "$LAB_SCAN_IF"
	ip -n "$LAB_SCAN_NS" addr add "$LAB_SCAN_IP2/24" dev "$LAB_SCAN_IF"
	ip -n "$LAB_SCAN_NS" link set "$LAB_SCAN_IF" up
	ip -n "$LAB_SCAN_NS" route add "$LAB_RANGE" via "$LAB_VICTIM_IP"
	ip -n "$LAB_SCAN_NS" neigh replace "$LAB_VICTIM_IP" lladdr "$LAB_VICTIM_MAC" \
		dev "$LAB_SCAN_IF" nud permanent

	# Victim: owns the whole range through a local route. The dark /18 is a
	# blackhole in the local table (which is looked up before main), and
	# forwarding is on so the kernel drops those packets without an ICMP error.
	ip -n "$LAB_VICTIM_NS" addr add "$LAB_VICTIM_IP/24" dev "$LAB_VICTIM_IF"
	ip -n "$LAB_VICTIM_NS" addr add "$LAB_DNS_IP/32" dev lo
	ip -n "$LAB_VICTIM_NS" link set "$LAB_VICTIM_IF" up
	ip -n "$LAB_VICTIM_NS" route add local "$LAB_RANGE" dev lo
	ip -n "$LAB_VICTIM_NS" route add blackhole "$LAB_DARK" table local
	nsx "$LAB_VICTIM_NS" sysctl -qw net.ipv4.ip_forward=1
	local ip
	for ip in "$LAB_SCAN_IP" "$LAB_SCAN_IP2"; do
		ip -n "$LAB_VICTIM_NS" neigh replace "$ip" lladdr "$LAB_SCAN_MAC" \
			dev "$LAB_VICTIM_IF" nud permanent
	done

	# A NIC hands the appliance MTU-sized frames: turn off segmentation
	# offloads so the captures show the same.
	if command -v ethtool >/dev/null; then
		nsx "$LAB_SCAN_NS" ethtool -K "$LAB_SCAN_IF" tso off gso off gro off >/dev/null 2>&1 || true
		nsx "$LAB_VICTIM_NS" ethtool -K "$LAB_VICTIM_IF" tso off gso off gro off >/dev/null 2>&1 || true
	fi
}

# lab_services_start: nginx on the HTTP ports and dnsmasq on LAB_DNS_IP,
# inside the victim namespace, with all their files under $LAB_STATE.
lab_services_start() {
	local d=$LAB_STATE/victim
	mkdir -p "$d/tmp"
	local listen="" port
	for port in $LAB_HTTP_PORTS; do
		listen+="    listen $port backlog=4096;"$'\n'
	done
	cat >"$d/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    keepalive_requests 100000;
    server {
$listen
        default_type text/html;
        location / { return 200 "<html><body>lab host \$host</body></html>\n"; }
    }
}
EOF
	nsx "$LAB_VICTIM_NS" nginx -c "$d/nginx.conf" -e "$d/nginx-error.log"
	nsx "$LAB_VICTIM_NS" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$LAB_DNS_IP" --address=/#/198.19.1.1 \
		--user=root --pid-file="$d/dnsmasq.pid" --log-facility="$d/dnsmasq.log"

	# Wait until both answer, so no scenario races their start.
	local i
	for i in $(seq 50); do
		if nsx "$LAB_SCAN_NS" curl -s -o /dev/null --max-time 1 "http://198.19.1.1/" &&
			nsx "$LAB_SCAN_NS" dig +short +tries=1 +time=1 "@$LAB_DNS_IP" ready.lab >/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "lab: nginx or dnsmasq did not come up in the victim namespace" >&2
	return 1
}

# lab_nudger_start: send one ARP request for the victim's address every
# second from the scanner namespace, for the life of the lab. masscan 1.3.2's
# receive thread blocks in libpcap until a frame arrives, so on a link with no
# other traffic it never sees the end of its --wait and does not exit. ARP is
# not IPv4: the lab's captures (filter "ip") and scanguard's parser skip it.
lab_nudger_start() {
	# nping comes with nmap; it waits a second for replies after each request.
	ip netns exec "$LAB_SCAN_NS" bash -c "while :; do
		nping --arp -c 1 -e $LAB_SCAN_IF $LAB_VICTIM_IP || sleep 1; done" \
		</dev/null >/dev/null 2>&1 &
}

# lab_teardown: stop everything started in the lab namespaces and delete
# them. Safe to call more than once and on a half-built lab.
lab_teardown() {
	local ns pid
	for ns in "$LAB_SCAN_NS" "$LAB_VICTIM_NS"; do
		[[ -n $ns ]] || continue
		ip netns list | grep -qE "^$ns( |$)" || continue

		# Only processes inside this run's own namespaces are ended.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null || true
		done
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break
			sleep 0.1
		done
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
}
