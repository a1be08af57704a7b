#!/usr/bin/env bash
# scanguard lab: real scanners and benign clients in two network namespaces.
#
#   lab.sh capture OUTDIR [SCENARIO...]  build a lab, run each scenario (all
#                                        default ones when none is named) while
#                                        tcpdump records the victim's veth into
#                                        OUTDIR/<scenario>.pcap, write
#                                        OUTDIR/labels.jsonl, tear the lab down
#   lab.sh up                            build a lab and leave it running;
#                                        prints its names as KEY=value lines
#   lab.sh env                           print those lines again
#   lab.sh run SCENARIO...               run scenarios in the running lab
#   lab.sh down                          stop the running lab, delete it
#   lab.sh list                          list the scenarios
#
# Environment:
#   LAB_PREFIX  names of a running lab (up/env/run/down): namespaces
#               <prefix>-scan and <prefix>-vic, veths <prefix>-s (scanner)
#               and <prefix>-v (victim). Default "sglab". 'capture' always
#               uses a fresh "sg<pid>" prefix so parallel runs never collide.
#   LAB_TIMEOUT seconds one scenario may run (default 120).
#
# Traffic stays inside the namespaces: scanners target only 198.19.0.0/16,
# which exists nowhere but in the victim namespace. Needs root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lab/net.sh
source "$here/lab/net.sh"
# shellcheck source=lab/scenarios.sh
source "$here/lab/scenarios.sh"
# shellcheck source=lab/labels.sh
source "$here/lab/labels.sh"

LAB_TIMEOUT=${LAB_TIMEOUT:-120}

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

die() {
	echo "lab: $*" >&2
	exit 1
}

need_root() {
	[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, raw sockets)"
}

need_tools() {
	local missing=() t
	for t in ip tcpdump nping nginx dnsmasq curl dig ab masscan zmap nmap hping3 timeout; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (make deps installs them:" \
		"scripts/install-deps.sh)"
}

now() { date +%s.%N; }

# start_lab: build the namespaces and services, with data files for the
# scenarios, in $LAB_STATE.
start_lab() {
	lab_build
	lab_services_start
	lab_nudger_start
	lab_data_files
}

# run_scenario NAME LOG: run one scenario in the scanner namespace and set
# SC_RC to its exit code. The scenario runs in the background so that a
# signal to this script is handled at once, not when the scenario ends.
run_scenario() {
	SC_RC=0
	timeout "$LAB_TIMEOUT" ip netns exec "$LAB_SCAN_NS" bash -c "$SC_CMD" \
		</dev/null >"$2" 2>&1 &
	wait $! || SC_RC=$?
}

# capture_one NAME OUTDIR: record one scenario into OUTDIR/NAME.pcap and
# append its label to OUTDIR/labels.jsonl. Returns 1 when its counts are off.
# Until the label is written, LAB_PARTIAL names the scenario's outputs, for
# an interrupt to remove.
capture_one() {
	local name=$1 out=$2
	local pcap=$out/$name.pcap err=$LAB_STATE/tcpdump-$name.err
	LAB_PARTIAL=("$pcap" "$out/$name.log")
	sc_reset
	"scenario_$name"

	# Immediate mode: without it the last, partly filled ring block is lost
	# when tcpdump stops less than its timeout after the last packet.
	ip netns exec "$LAB_VICTIM_NS" tcpdump -Z root -i "$LAB_VICTIM_IF" -nn -s 128 -U \
		--immediate-mode -w "$pcap" ip 2>"$err" &
	local td=$!
	local i
	for i in $(seq 100); do
		grep -qs 'listening on' "$err" && break
		kill -0 "$td" 2>/dev/null || die "tcpdump failed: $(cat "$err")"
		sleep 0.05
	done
	sleep 0.2

	local t0 wall
	t0=$(now)
	run_scenario "$name" "$out/$name.log"
	wall=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}')

	# Late replies and the scanner's answers to them are part of the run.
	sleep 1
	kill -TERM "$td"
	wait "$td" || true
	local drops
	drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$err")

	label_measure "$pcap"
	# One append of a whole line: a signal is handled between commands,
	# so it never leaves half a label behind.
	label_json "$pcap" "$SC_RC" "$wall" "${drops:-0}" >"$LAB_STATE/label.json"
	cat "$LAB_STATE/label.json" >>"$out/labels.jsonl"
	LAB_PARTIAL=()
	local probes="" src
	for src in $SC_SOURCES; do probes+=" $src=${LB_PROBES[$src]}"; done
	printf 'lab: %-24s %6d packets, probes%s, %ss\n' "$name" "$LB_TOTAL" "$probes" "$wall" >&2
	label_check "$name" "$SC_RC" "${drops:-0}"
}

# capture_interrupted: on SIGINT or SIGTERM, remove the outputs of the
# scenario that was running (and LAB_OUT/labels.jsonl when no scenario
# ended); the finished scenarios keep their captures and labels.
capture_interrupted() {
	trap - INT TERM
	rm -f "${LAB_PARTIAL[@]}"
	[[ -s $LAB_OUT/labels.jsonl ]] || rm -f "$LAB_OUT/labels.jsonl"
	echo "lab: interrupted, removed partial outputs" >&2
	exit 130
}

cmd_capture() {
	[[ $# -ge 1 ]] || usage
	local out=$1
	shift
	local names=("$@")
	((${#names[@]})) || names=("${LAB_SCENARIOS[@]}")
	local n
	for n in "${names[@]}"; do
		lab_scenario_known "$n" || die "unknown scenario '$n' (lab.sh list)"
	done
	need_root
	need_tools

	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	LAB_OUT=$out LAB_PARTIAL=()
	trap capture_interrupted INT TERM
	: >"$out/labels.jsonl"
	lab_names "sg$$"
	LAB_STATE=$(mktemp -d /tmp/scanguard-lab.XXXXXX)
	trap 'lab_teardown; rm -rf "$LAB_STATE"' EXIT

	local t0 bad=0
	t0=$(now)
	start_lab
	for n in "${names[@]}"; do
		capture_one "$n" "$out" || bad=$((bad + 1))
	done
	printf 'lab: %d scenarios in %.0fs, %d with unexpected counts\n' "${#names[@]}" \
		"$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}')" "$bad" >&2
	((bad == 0))
}

running_names() {
	lab_names "${LAB_PREFIX:-sglab}"
	LAB_STATE=/run/scanguard-lab/$LAB_PREFIX
}

cmd_up() {
	need_root
	need_tools
	running_names
	[[ ! -e $LAB_STATE ]] || die "lab '$LAB_PREFIX' is up already ($LAB_STATE); lab.sh down first"
	mkdir -p "$LAB_STATE"
	trap 'lab_teardown; rm -rf "$LAB_STATE"' EXIT
	start_lab
	lab_print_env >"$LAB_STATE/env"
	trap - EXIT
	cat "$LAB_STATE/env"
	echo "lab: up; capture on $LAB_VICTIM_IF in namespace $LAB_VICTIM_NS;" \
		"stop with: LAB_PREFIX=$LAB_PREFIX $0 down" >&2
}

cmd_env() {
	running_names
	[[ -f $LAB_STATE/env ]] || die "lab '$LAB_PREFIX' is not up"
	cat "$LAB_STATE/env"
}

cmd_run() {
	[[ $# -ge 1 ]] || usage
	need_root
	running_names
	[[ -f $LAB_STATE/env ]] || die "lab '$LAB_PREFIX' is not up (lab.sh up)"
	local n
	for n in "$@"; do
		lab_scenario_known "$n" || die "unknown scenario '$n' (lab.sh list)"
		sc_reset
		"scenario_$n"
		echo "lab: $n: $SC_CMD" >&2
		run_scenario "$n" "$LAB_STATE/$n.log"
		((SC_RC == 0)) || die "$n exited $SC_RC: $(tail -n 5 "$LAB_STATE/$n.log")"
	done
}

cmd_down() {
	need_root
	running_names
	lab_teardown
	rm -rf "$LAB_STATE"
	echo "lab: '$LAB_PREFIX' is down" >&2
}

case ${1:-} in
capture) shift && cmd_capture "$@" ;;
up) cmd_up ;;
env) cmd_env ;;
run) shift && cmd_run "$@" ;;
down) cmd_down ;;
list) lab_scenario_list ;;
*) usage ;;
esac
