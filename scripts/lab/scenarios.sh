# shellcheck shell=bash
# Scenarios of the scanguard lab. Each scenario_<name> function sets:
#   SC_TOOL       label tool: masscan, zmap, nmap, hping3, benign or mixed
#   SC_CMD        the command, run as: ip netns exec <scanner ns> bash -c "$SC_CMD"
#   SC_SOURCES    the scanner-side source addresses that send traffic
#   SC_SCAN       associative array: source -> true/false (is it scanning)
#   SC_SRC_TOOL   associative array: source -> tool that source runs
#   SC_EXPECT     associative array: source -> exact probe count, where the
#                 tool's probe count is fixed by its arguments
#   SC_RATE, SC_NOTES   free text for the labels
# Every target lies in 198.19.0.0/16, which only the victim namespace owns.

# LAB_SCENARIOS lists the scenarios that 'lab.sh capture' runs by default.
LAB_SCENARIOS=(
	masscan_default masscan_fast masscan_short_10probes
	zmap_p80 nmap_sS nmap_sT hping3_scan
	benign_ab benign_ab_keepalive benign_curl_crawler benign_dns
	mixed_benign_masscan
)

# lab_data_files: inputs some scenarios read, under $LAB_STATE/data.
lab_data_files() {
	local d=$LAB_STATE/data
	mkdir -p "$d"

	# zmap's packaged blocklist holds 198.18.0.0/15; the lab range needs an
	# empty one. Targets are still limited to the range on its command line.
	: >"$d/empty_blocklist.txt"

	# Distinct random hosts in 198.19.0.0/17, the same list on every run.
	local -A seen=()
	local n=0 h
	RANDOM=4242
	: >"$d/crawl_hosts.txt"
	while ((n < 200)); do
		h="198.19.$((RANDOM % 128)).$((RANDOM % 254 + 1))"
		[[ -n ${seen[$h]:-} ]] && continue
		seen[$h]=1
		echo "$h" >>"$d/crawl_hosts.txt"
		n=$((n + 1))
	done
	head -n 60 "$d/crawl_hosts.txt" >"$d/crawl_hosts_small.txt"

	local i
	: >"$d/dig_udp.txt"
	: >"$d/dig_tcp.txt"
	for i in $(seq 150); do echo "host$i.example.lab A" >>"$d/dig_udp.txt"; done
	for i in $(seq 40); do echo "mail$i.example.lab MX" >>"$d/dig_tcp.txt"; done
	head -n 30 "$d/dig_udp.txt" >"$d/dig_small.txt"
}

# sc_reset: clear the SC_* variables before a scenario sets them.
sc_reset() {
	SC_TOOL="" SC_CMD="" SC_RATE="" SC_NOTES=""
	SC_SOURCES=$LAB_SCAN_IP
	declare -gA SC_SCAN=() SC_SRC_TOOL=() SC_EXPECT=()
}

# sc_one SOURCE TOOL IS_SCAN [EXPECTED_PROBES]: describe one source.
sc_one() {
	SC_SCAN[$1]=$3
	SC_SRC_TOOL[$1]=$2
	[[ -n ${4:-} ]] && SC_EXPECT[$1]=$4
	return 0
}

masscan_args() { # masscan_args SOURCE_IP
	echo "--adapter $LAB_SCAN_IF --adapter-ip $1 --router-mac $LAB_VICTIM_MAC"
}

zmap_args() {
	echo "-i $LAB_SCAN_IF -S $LAB_SCAN_IP -G $LAB_VICTIM_MAC" \
		"-b $LAB_STATE/data/empty_blocklist.txt -o /dev/null"
}

scenario_masscan_default() {
	SC_TOOL=masscan SC_RATE="100 (masscan default)"
	SC_CMD="masscan 198.19.0.0/25 -p80 --wait 2 $(masscan_args "$LAB_SCAN_IP")"
	SC_NOTES="default rate; port 80 open on every host"
	sc_one "$LAB_SCAN_IP" masscan true 128
}

scenario_masscan_fast() {
	SC_TOOL=masscan SC_RATE=5000
	SC_CMD="masscan 198.19.16.0/22 -p80,443 --rate 5000 --wait 2 $(masscan_args "$LAB_SCAN_IP")"
	sc_one "$LAB_SCAN_IP" masscan true 2048
}

scenario_masscan_short_10probes() {
	SC_TOOL=masscan SC_RATE=1000
	SC_CMD="masscan 198.19.60.1-198.19.60.10 -p22 --rate 1000 --wait 1 $(masscan_args "$LAB_SCAN_IP")"
	SC_NOTES="10 probes to a closed port: only header fingerprints can tell"
	sc_one "$LAB_SCAN_IP" masscan true 10
}

scenario_zmap_p80() {
	SC_TOOL=zmap SC_RATE=5000
	SC_CMD="zmap -p 80 198.19.128.0/22 -r 5000 -c 2 $(zmap_args)"
	sc_one "$LAB_SCAN_IP" zmap true 1024
}

scenario_nmap_sS() {
	SC_TOOL=nmap SC_RATE="-T4 (adaptive)"
	SC_CMD="nmap -sS -T4 -F -Pn -n -e $LAB_SCAN_IF 198.19.90.16/29"
	SC_NOTES="SYN scan of the top 100 ports on 8 hosts"
	sc_one "$LAB_SCAN_IP" nmap true
}

scenario_nmap_sT() {
	SC_TOOL=nmap SC_RATE="-T4 (adaptive)"
	SC_CMD="nmap -sT -T4 -Pn -n 198.19.90.40"
	SC_NOTES="connect scan: SYNs come from the kernel TCP stack"
	sc_one "$LAB_SCAN_IP" nmap true
}

scenario_hping3_scan() {
	SC_TOOL=hping3 SC_RATE="hping3 --scan default"
	SC_CMD="hping3 --scan 1-1000 -S 198.19.98.1"
	SC_NOTES="1000 ports; hping3 sends a port again when its answer is late"
	sc_one "$LAB_SCAN_IP" hping3 true
}

scenario_benign_ab() {
	SC_TOOL=benign SC_RATE="n/a (ab -c 20)"
	SC_CMD="ab -q -n 1000 -c 20 http://198.19.10.10/ >/dev/null"
	sc_one "$LAB_SCAN_IP" benign false
}

scenario_benign_ab_keepalive() {
	SC_TOOL=benign SC_RATE="n/a (ab -k -c 10)"
	SC_CMD="ab -q -k -n 3000 -c 10 http://198.19.10.11/ >/dev/null"
	sc_one "$LAB_SCAN_IP" benign false
}

scenario_benign_curl_crawler() {
	SC_TOOL=benign SC_RATE="n/a (sequential curl)"
	SC_CMD="while read -r h; do curl -s -o /dev/null --max-time 2 \"http://\$h/\"; done"
	SC_CMD+=" < $LAB_STATE/data/crawl_hosts.txt"
	SC_NOTES="200 distinct random hosts in 198.19.0.0/17, one GET each, new TCP connection each"
	sc_one "$LAB_SCAN_IP" benign false
}

scenario_benign_dns() {
	SC_TOOL=benign SC_RATE=n/a
	SC_CMD="dig @$LAB_DNS_IP +tries=1 +time=1 -f $LAB_STATE/data/dig_udp.txt >/dev/null;"
	SC_CMD+=" dig @$LAB_DNS_IP +tcp +tries=1 +time=1 -f $LAB_STATE/data/dig_tcp.txt >/dev/null"
	SC_NOTES="150 UDP queries, 40 queries over TCP (one connection each)"
	sc_one "$LAB_SCAN_IP" benign false
}

scenario_mixed_benign_masscan() {
	SC_TOOL=mixed SC_RATE="masscan 2000 + benign"
	SC_SOURCES="$LAB_SCAN_IP $LAB_SCAN_IP2"
	SC_CMD="(while read -r h; do curl -s -o /dev/null --max-time 2 \"http://\$h/\"; done"
	SC_CMD+=" < $LAB_STATE/data/crawl_hosts_small.txt) &"
	SC_CMD+=" ab -q -k -n 1000 -c 5 http://198.19.10.14/ >/dev/null &"
	SC_CMD+=" dig @$LAB_DNS_IP +tries=1 +time=1 -f $LAB_STATE/data/dig_small.txt >/dev/null &"
	SC_CMD+=" (sleep 1; masscan 198.19.160.0/23 -p80,443,22 --rate 2000 --wait 2"
	SC_CMD+=" $(masscan_args "$LAB_SCAN_IP2")) & wait"
	SC_NOTES="$LAB_SCAN_IP benign (curl crawler, ab -k, dig); $LAB_SCAN_IP2 masscan starting at ~1 s"
	sc_one "$LAB_SCAN_IP" benign false
	sc_one "$LAB_SCAN_IP2" masscan true 1536
}

# masscan_small is the capture committed as testdata/lab/masscan_small.pcap:
# a short masscan run from the second address beside a little benign traffic.
scenario_masscan_small() {
	SC_TOOL=mixed SC_RATE="masscan 1000 + benign"
	SC_SOURCES="$LAB_SCAN_IP $LAB_SCAN_IP2"
	SC_CMD="(head -n 40 $LAB_STATE/data/crawl_hosts.txt | while read -r h; do"
	SC_CMD+=" curl -s -o /dev/null --max-time 2 \"http://\$h/\"; done) &"
	SC_CMD+=" dig @$LAB_DNS_IP +tries=1 +time=1 -f $LAB_STATE/data/dig_small.txt >/dev/null &"
	SC_CMD+=" (sleep 0.5; masscan 198.19.200.0/24 198.19.40.0/25 -p80,443 --rate 1000 --wait 1"
	SC_CMD+=" $(masscan_args "$LAB_SCAN_IP2")) & wait"
	SC_NOTES="$LAB_SCAN_IP benign (40 curl GETs, 30 DNS queries);"
	SC_NOTES+=" $LAB_SCAN_IP2 masscan, 512 of its 768 probes into the dark /18"
	sc_one "$LAB_SCAN_IP" benign false
	sc_one "$LAB_SCAN_IP2" masscan true 768
}

# lab_scenario_known NAME: succeed when NAME is a scenario.
lab_scenario_known() {
	declare -F "scenario_$1" >/dev/null
}

# lab_scenario_list: every scenario name.
lab_scenario_list() {
	declare -F | awk '{print $3}' | sed -n 's/^scenario_//p'
}
