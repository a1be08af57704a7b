# shellcheck shell=bash
# Labels for lab captures: one JSON object per capture, the fields of the
# shared corpus's labels.jsonl, measured from the capture itself.
#
# A probe is a packet from a labelled source that is TCP without ACK or RST,
# a UDP datagram, or an ICMP request (echo, timestamp, information, mask).

PROBE_FILTER='((tcp and tcp[13] & 0x14 == 0) or udp or (icmp and (icmp[0] == 8
	or icmp[0] == 13 or icmp[0] == 15 or icmp[0] == 17)))'

# pcap_count FILE [FILTER]: packets in FILE that match FILTER.
pcap_count() {
	tcpdump -nn -q -r "$1" ${2:+"$2"} 2>/dev/null | wc -l
}

# pcap_span FILE FILTER: seconds from the first to the last matching packet.
pcap_span() {
	tcpdump -nn -q -tt -r "$1" "$2" 2>/dev/null |
		awk 'NR == 1 {a = $1} {b = $1} END {printf "%.3f", (NR ? b - a : 0)}'
}

# json_str S: S as a JSON string.
json_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	s=${s//$'\n'/\\n}
	printf '"%s"' "$s"
}

# json_map ARRAY QUOTE: the entries of associative ARRAY for each source in
# SC_SOURCES (in that order) as a JSON object; QUOTE=1 writes values as strings.
json_map() {
	local -n m=$1
	local out="" src v
	for src in $SC_SOURCES; do
		[[ -n ${m[$src]+set} ]] || continue
		v=${m[$src]}
		[[ $2 == 1 ]] && v=$(json_str "$v")
		out+="${out:+, }\"$src\": $v"
	done
	printf '{%s}' "$out"
}

# label_measure FILE: count what the capture holds, into the LB_* variables.
label_measure() {
	local file=$1 src others
	declare -gA LB_FROM=() LB_PROBES=() LB_PPS=()
	LB_TOTAL=$(pcap_count "$file")
	LB_BYTES=$(stat -c %s "$file")
	LB_SPAN=0
	others="src host $LAB_VICTIM_IP or src net $LAB_RANGE"
	for src in $SC_SOURCES; do
		LB_FROM[$src]=$(pcap_count "$file" "src host $src")
		LB_PROBES[$src]=$(pcap_count "$file" "src host $src and $PROBE_FILTER")
		LB_PPS[$src]=$(awk -v n="${LB_PROBES[$src]}" \
			-v s="$(pcap_span "$file" "src host $src and $PROBE_FILTER")" \
			'BEGIN {printf "%.1f", (s > 0 ? (n - 1) / s : 0)}')
		LB_SPAN=$(awk -v a="$LB_SPAN" -v b="$(pcap_span "$file" "src host $src")" \
			'BEGIN {print (b > a ? b : a)}')
		others+=" or src host $src"
	done
	LB_FOREIGN=$(pcap_count "$file" "not ($others)")
}

# label_json FILE EXIT_CODE WALL_S DROPS: print the label of a capture that
# label_measure has counted, made by the scenario whose SC_* variables are set.
label_json() {
	local file=$1 rc=$2 wall=$3 drops=$4
	local srcs="" src
	for src in $SC_SOURCES; do srcs+="${srcs:+, }\"$src\""; done
	printf '{"file": %s, "split": "lab", "tool": %s, "command": %s, "netns": %s, ' \
		"$(json_str "$(basename "$file")")" "$(json_str "$SC_TOOL")" "$(json_str "$SC_CMD")" \
		"$(json_str "$LAB_SCAN_NS (command run as: ip netns exec $LAB_SCAN_NS bash -c \"<command>\")")"
	printf '"rate": %s, "packets": %d, "bytes": %d, "source_ips": [%s], ' \
		"$(json_str "$SC_RATE")" "$LB_TOTAL" "$LB_BYTES" "$srcs"
	printf '"is_scan": %s, "source_tools": %s, "packets_from_sources": %s, ' \
		"$(json_map SC_SCAN 0)" "$(json_map SC_SRC_TOOL 1)" "$(json_map LB_FROM 0)"
	printf '"source_span_s": %s, "victim_ips": %s, "snaplen": 128, ' "$LB_SPAN" \
		"$(json_str "$LAB_VICTIM_IP and $LAB_RANGE ($LAB_DARK is dark: no replies)")"
	printf '"capture_drops": %d, "foreign_packets": %d, "exit_code": %d, "wall_s": %s, ' \
		"${drops:-0}" "$LB_FOREIGN" "$rc" "$wall"
	printf '"notes": %s, "probe_packets": %s, "expected_probe_packets": %s, ' \
		"$(json_str "$SC_NOTES")" "$(json_map LB_PROBES 0)" "$(json_map SC_EXPECT 0)"
	printf '"measured_probe_pps": %s}\n' "$(json_map LB_PPS 0)"
}

# label_check NAME EXIT_CODE DROPS: complain about a capture whose counts
# are not what its scenario promises. Returns 1 when something is off.
label_check() {
	local name=$1 rc=$2 drops=$3 bad=() src
	((drops == 0)) || bad+=("$drops packets dropped")
	((LB_FOREIGN == 0)) || bad+=("$LB_FOREIGN foreign packets")
	((rc == 0)) || bad+=("command exited $rc")
	for src in $SC_SOURCES; do
		((LB_PROBES[$src] > 0)) || bad+=("$src: no probes at all")
		if [[ -n ${SC_EXPECT[$src]:-} ]] && ((LB_PROBES[$src] != SC_EXPECT[$src])); then
			bad+=("$src: ${LB_PROBES[$src]} probes, expected ${SC_EXPECT[$src]}")
		fi
	done
	((${#bad[@]} == 0)) && return 0
	local IFS=';'
	echo "lab: $name: ${bad[*]}" >&2
	return 1
}
