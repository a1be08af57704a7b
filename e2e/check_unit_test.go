package e2e

import (
	"reflect"
	"testing"
)

func TestWantTool(t *testing.T) {
	tests := []struct {
		name string
		l    label
		src  string
		want string
	}{
		{"tool of the capture", label{Tool: "zmap", IsScan: map[string]bool{"a": true}}, "a", "zmap"},
		{"benign source", label{Tool: "benign", IsScan: map[string]bool{"a": false}}, "a", ""},
		{"per-source tool wins", label{Tool: "mixed",
			IsScan:      map[string]bool{"a": true},
			SourceTools: map[string]string{"a": "nmap"}}, "a", "nmap"},
		{"mixed: the scanner its command runs", label{Tool: "mixed",
			Command: "ab -k http://x/ & (sleep 2; masscan 198.19.160.0/22 -p80) & wait",
			IsScan:  map[string]bool{"a": true, "b": false}}, "a", "masscan"},
		{"mixed: benign side", label{Tool: "mixed", Command: "masscan x",
			IsScan: map[string]bool{"a": true, "b": false}}, "b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.wantTool(tt.src); got != tt.want {
				t.Errorf("wantTool(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestParseAlerts(t *testing.T) {
	out := []byte(`{"alert_type":"MASSCAN_SCAN","confidence":95,"source":{"ip":"198.18.0.3"},` +
		`"tool":"masscan","severity":"critical","packets_seen":3}` + "\n\n" +
		`{"alert_type":"SUSPECTED_SCAN","source":{"ip":"198.18.0.1"},` +
		`"severity":"low","packets_seen":12}` + "\n")
	got, err := parseAlerts(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Tool != "masscan" || got[0].PacketsSeen != 3 ||
		got[0].Confidence != 95 || got[1].Source.IP != "198.18.0.1" || got[1].Tool != "" {
		t.Errorf("parseAlerts = %+v", got)
	}

	for _, bad := range []string{`not json`, `{"alert_type":"X"}`, `{"source":{"ip":"1.2.3.4"}}`} {
		if _, err := parseAlerts([]byte(bad)); err == nil {
			t.Errorf("parseAlerts(%q) accepted a line that is not an alert", bad)
		}
	}
}

func alertOn(ip, tool, sev string, seen uint32) alertLine {
	a := alertLine{AlertType: "X_SCAN", Tool: tool, Severity: sev, PacketsSeen: seen}
	a.Source.IP = ip
	return a
}

func TestEvaluate(t *testing.T) {
	mixed := label{File: "m.pcap", Tool: "mixed", Command: "masscan ...",
		SourceIPs: []string{"198.18.0.1", "198.18.0.3"},
		IsScan:    map[string]bool{"198.18.0.1": false, "198.18.0.3": true}}
	tests := []struct {
		name     string
		alerts   []alertLine
		problems []string // per row, in order
		syns     []uint32
	}{
		{"right", []alertLine{alertOn("198.18.0.3", "masscan", "high", 1),
			alertOn("198.18.0.3", "masscan", "critical", 3)},
			[]string{"", ""}, []uint32{0, 1}},
		{"missed", nil, []string{"", "scanner not alerted"}, []uint32{0, 0}},
		{"wrong tool", []alertLine{alertOn("198.18.0.3", "zmap", "high", 5)},
			[]string{"", `tool "zmap", want "masscan"`}, []uint32{0, 5}},
		{"tool named on escalation", []alertLine{alertOn("198.18.0.3", "", "medium", 12),
			alertOn("198.18.0.3", "masscan", "critical", 30)},
			[]string{"", ""}, []uint32{0, 12}},
		{"tool never named", []alertLine{alertOn("198.18.0.3", "", "medium", 12)},
			[]string{"", `tool "", want "masscan"`}, []uint32{0, 12}},
		{"false alert", []alertLine{alertOn("198.18.0.3", "masscan", "high", 2),
			alertOn("198.18.0.1", "", "low", 40)},
			[]string{"benign source alerted as X_SCAN", ""}, []uint32{40, 2}},
		{"answering address", []alertLine{alertOn("198.18.0.3", "masscan", "high", 2),
			alertOn("198.19.0.7", "", "low", 9)},
			[]string{"", "", "answering address alerted as X_SCAN"}, []uint32{0, 2, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := evaluate(mixed, tt.alerts)
			var problems []string
			var syns []uint32
			for _, r := range rows {
				problems = append(problems, r.Problem)
				syns = append(syns, r.SYNs)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems = %q, want %q", problems, tt.problems)
			}
			if !reflect.DeepEqual(syns, tt.syns) {
				t.Errorf("SYNs until alert = %v, want %v", syns, tt.syns)
			}
		})
	}
}
