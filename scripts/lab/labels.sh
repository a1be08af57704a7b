# shellcheck shell=bash
# Labels for lab captures: one JSON object per capture, the fields of the
# shared corpus's labels.jsonl, measured from the capture itself.
#
# A probe is a packet from a labelled source that is TCP without ACK or RST,
# a UDP datagram, or an ICMP request (echo, timestamp, information, mask).

PROBE_FILTER='((tcp and tcp[13] & 0x14 == 0) or udp or (icmp and (icmp[0] == 8 or icmp[0] == 13 or icmp[0] == 15 or icmp[0] == 17)))'

# pcap_count FILE [FILTER]: packets in FILE that match FILTER.
pcap_count() {
	tcpdump -nn -q -r "$1" ${2:+"$2"} 2>/dev/null | wc -l
}

# pcap_span FILE FILTER: seconds from the first to the last matching packet.
pcap_span() {
	tcpdump -nn -q -tt -r "$1" "$2" 2>/dev/null |
		awk 'NR == 1 {a = $1} {b = $1} END {printf "%.3f", (NR ? b - a : 0)}'
}

# label_json FILE EXIT_CODE WALL_S DROPS: print the label of one capture made
# by the scenario whose SC_* variables are set.
label_json() {
	local file=$1 rc=$2 wall=$3 drops=$4
	local total bytes src from probes span pps others
	total=$(pcap_count "$file")
	bytes=$(stat -c %s "$file")

	local scan="{}" tools="{}" pfs="{}" probe="{}" exp="{}" mpps="{}" srcs="[]"
	local span_max=0
	others="src host $LAB_VICTIM_IP or src net $LAB_RANGE"
	for src in $SC_SOURCES; do
		from=$(pcap_count "$file" "src host $src")
		probes=$(pcap_count "$file" "src host $src and $PROBE_FILTER")
		span=$(pcap_span "$file" "src host $src")
		pps=$(awk -v n="$probes" -v s="$(pcap_span "$file" "src host $src and $PROBE_FILTER")" \
			'BEGIN {printf "%.1f", (s > 0 ? (n - 1) / s : 0)}')
		span_max=$(awk -v a="$span_max" -v b="$span" 'BEGIN {print (b > a ? b : a)}')
		others+=" or src host $src"

		srcs=$(jq -c --arg s "$src" '. + [$s]' <<<"$srcs")
		scan=$(jq -c --arg s "$src" --argjson v "${SC_SCAN[$src]}" '.[$s] = $v' <<<"$scan")
		tools=$(jq -c --arg s "$src" --arg v "${SC_SRC_TOOL[$src]}" '.[$s] = $v' <<<"$tools")
		pfs=$(jq -c --arg s "$src" --argjson v "$from" '.[$s] = $v' <<<"$pfs")
		probe=$(jq -c --arg s "$src" --argjson v "$probes" '.[$s] = $v' <<<"$probe")
		mpps=$(jq -c --arg s "$src" --argjson v "$pps" '.[$s] = $v' <<<"$mpps")
		if [[ -n ${SC_EXPECT[$src]:-} ]]; then
			exp=$(jq -c --arg s "$src" --argjson v "${SC_EXPECT[$src]}" '.[$s] = $v' <<<"$exp")
		fi
	done
	local foreign
	foreign=$(pcap_count "$file" "not ($others)")

	jq -cn \
		--arg file "$(basename "$file")" --arg tool "$SC_TOOL" --arg command "$SC_CMD" \
		--arg netns "$LAB_SCAN_NS (command run as: ip netns exec $LAB_SCAN_NS bash -c \"<command>\")" \
		--arg rate "$SC_RATE" --argjson packets "$total" --argjson bytes "$bytes" \
		--argjson source_ips "$srcs" --argjson is_scan "$scan" --argjson source_tools "$tools" \
		--argjson pfs "$pfs" --argjson span "$span_max" \
		--arg victims "$LAB_VICTIM_IP and $LAB_RANGE ($LAB_DARK is dark: no replies)" \
		--argjson drops "${drops:-0}" --argjson foreign "$foreign" --argjson rc "$rc" \
		--argjson wall "$wall" --arg notes "$SC_NOTES" --argjson probe "$probe" \
		--argjson exp "$exp" --argjson mpps "$mpps" \
		'{file: $file, split: "lab", tool: $tool, command: $command, netns: $netns,
		  rate: $rate, packets: $packets, bytes: $bytes, source_ips: $source_ips,
		  is_scan: $is_scan, source_tools: $source_tools, packets_from_sources: $pfs,
		  source_span_s: $span, victim_ips: $victims, snaplen: 128,
		  capture_drops: $drops, foreign_packets: $foreign, exit_code: $rc,
		  wall_s: $wall, notes: $notes, probe_packets: $probe,
		  expected_probe_packets: $exp, measured_probe_pps: $mpps}'
}

# label_check LABEL: warn about a capture whose counts are not what the
# scenario promises (drops, foreign packets, a probe count off). Returns 1
# when something is off.
label_check() {
	local bad
	bad=$(jq -r '
		[ (if .capture_drops > 0 then "\(.capture_drops) packets dropped" else empty end),
		  (if .foreign_packets > 0 then "\(.foreign_packets) foreign packets" else empty end),
		  (if .exit_code != 0 then "command exited \(.exit_code)" else empty end),
		  (. as $l | $l.expected_probe_packets | to_entries[]
		     | select(.value != $l.probe_packets[.key])
		     | "\(.key): \($l.probe_packets[.key]) probes, expected \(.value)"),
		  (. as $l | $l.source_ips[] | select($l.probe_packets[.] == 0)
		     | "\(.): no probes at all")
		] | join("; ")' <<<"$1")
	if [[ -n $bad ]]; then
		echo "lab: $(jq -r .file <<<"$1"): $bad" >&2
		return 1
	fi
}
