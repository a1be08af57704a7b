package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"scanguard/internal/corpus"
	"strings"
	"testing"
)

// corpusFile returns the path of a capture of the shared corpus.
func corpusFile(t *testing.T, name string) string {
	t.Helper()
	return corpus.File(t, name)
}

type alertLine struct {
	AlertType   string `json:"alert_type"`
	Tool        string `json:"tool"`
	Severity    string `json:"severity"`
	PacketsSeen uint32 `json:"packets_seen"`
	Source      struct {
		IP string `json:"ip"`
	} `json:"source"`
}

func parseAlerts(t *testing.T, out []byte) []alertLine {
	t.Helper()
	var as []alertLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var a alertLine
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alert line %q: %v", sc.Text(), err)
		}
		as = append(as, a)
	}
	return as
}

func analyze(args ...string) (stdout, stderr []byte, err error) {
	var o, e bytes.Buffer
	err = run(context.Background(), append([]string{"analyze"}, args...), &o, &e)
	return o.Bytes(), e.Bytes(), err
}

func TestAnalyzeFindsMasscanAndIsRepeatable(t *testing.T) {
	path := corpusFile(t, "mixed_bg_masscan.pcap")
	out1, summary, err := analyze(path)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, summary)
	}
	as := parseAlerts(t, out1)
	if len(as) == 0 || as[0].AlertType != "MASSCAN_SCAN" || as[0].Source.IP != "198.18.0.3" {
		t.Fatalf("alerts %+v, want MASSCAN_SCAN from 198.18.0.3 first", as)
	}
	for _, a := range as {
		if a.Source.IP == "198.18.0.1" {
			t.Errorf("benign source alerted: %+v", a)
		}
	}
	if !strings.Contains(string(summary), "198.18.0.3") {
		t.Errorf("summary lacks the scanner:\n%s", summary)
	}
	out2, _, err := analyze("-q", path)
	if err != nil || !bytes.Equal(out1, out2) {
		t.Errorf("second run differs (err %v):\n%s\n---\n%s", err, out1, out2)
	}
}

// A capture cut mid-packet is reported with its name and packet number,
// and the alerts found before the cut are still written.
func TestAnalyzeTruncatedCaptureKeepsAlerts(t *testing.T) {
	b, err := os.ReadFile(corpusFile(t, "masscan_r1000_p80_443.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, b[:len(b)/2+7], 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := analyze("-q", cut)
	if err == nil {
		t.Fatal("want an error for a truncated capture")
	}
	if !strings.Contains(err.Error(), "cut.pcap") || !strings.Contains(err.Error(), "packet ") {
		t.Errorf("error %q does not name the file and packet", err)
	}
	as := parseAlerts(t, out)
	if len(as) == 0 || as[0].Tool != "masscan" {
		t.Errorf("alerts before the cut were lost: %+v", as)
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "junk.pcap")
	if err := os.WriteFile(junk, []byte("this is not a capture at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	badCfg := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badCfg, []byte("detector:\n  max_sources: -1\nbogus: 1\n"),
		0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files", nil, ""},
		{"missing file", []string{"/nonexistent/x.pcap"}, "x.pcap"},
		{"not a capture", []string{junk}, "junk.pcap"},
		{"bad config", []string{"-c", badCfg, junk}, "bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := analyze(tt.args...)
			if err == nil {
				t.Fatal("want an error")
			}
			if tt.want == "" && !errors.Is(err, errUsage) {
				t.Errorf("error %v, want the usage error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

// An nmap connect scan whose first connects hit open ports is first
// alerted as an unnamed port scan by the vote; the alert that names nmap
// must still follow at the same severity.
func TestAnalyzeNamesConnectScanAfterUnnamedAlert(t *testing.T) {
	out, _, err := analyze("-q", filepath.Join("..", "..", "testdata", "lab", "gaps",
		"nmap_sT_open_ports_early.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	as := parseAlerts(t, out)
	if len(as) == 0 || as[len(as)-1].Tool != "nmap" {
		t.Fatalf("alerts %+v, want the last to name nmap", as)
	}
}

func TestAnalyzeRejectsNegativeTop(t *testing.T) {
	_, _, err := analyze("-top", "-5", corpusFile(t, "masscan_short_10probes.pcap"))
	if !errors.Is(err, errUsage) {
		t.Errorf("error %v, want the usage error", err)
	}
}

// Lab captures of what a first version got wrong: scans it did not see and
// ordinary traffic it called a scan. want is the tool the last alert must
// name ("?" for an unnamed scan), or "" for no alert.
func TestAnalyzeLabGaps(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"nmap_sA.pcap", "nmap"},
		{"nmap_sM.pcap", "nmap"},
		{"nmap_sW.pcap", "nmap"},
		{"nmap_sU.pcap", "?"},
		{"masscan_udp.pcap", "?"},
		{"benign_traceroute.pcap", ""},
		{"benign_p2p_dead_peers.pcap", ""},
		{"benign_healthcheck.pcap", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, _, err := analyze("-q", filepath.Join("..", "..", "testdata", "lab", "gaps",
				tt.file))
			if err != nil {
				t.Fatal(err)
			}
			as := parseAlerts(t, out)
			switch {
			case tt.want == "" && len(as) > 0:
				t.Errorf("benign traffic alerted: %+v", as)
			case tt.want == "":
			case len(as) == 0:
				t.Errorf("no alert, want %s", tt.want)
			case tt.want == "?" && as[len(as)-1].Tool != "":
				t.Errorf("tool %q, want an unnamed scan", as[len(as)-1].Tool)
			case tt.want != "?" && as[len(as)-1].Tool != tt.want:
				t.Errorf("tool %q, want %q", as[len(as)-1].Tool, tt.want)
			}
		})
	}
}

func TestSinceToleratesCounterReset(t *testing.T) {
	for _, tt := range []struct{ c, p, want uint64 }{{10, 4, 6}, {3, 4, 3}, {0, 0, 0}} {
		if got := since(tt.c, tt.p); got != tt.want {
			t.Errorf("since(%d, %d) = %d, want %d", tt.c, tt.p, got, tt.want)
		}
	}
}
