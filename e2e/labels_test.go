package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// label is one line of a labels.jsonl file, as the shared corpus and
// scripts/lab.sh write them. Only the fields the checks read are decoded.
type label struct {
	File    string `json:"file"`
	Tool    string `json:"tool"`
	Command string `json:"command"`
	Packets int    `json:"packets"`

	// SourceIPs are the addresses that sent traffic of their own; every other
	// address in the capture is the victim answering.
	SourceIPs []string        `json:"source_ips"`
	IsScan    map[string]bool `json:"is_scan"`
	// SourceTools names the tool behind each source (lab labels only).
	SourceTools map[string]string `json:"source_tools"`

	ProbePackets map[string]int `json:"probe_packets"`
	// ExpectedProbes is the probe count a source's arguments fix, where
	// they do (lab labels only).
	ExpectedProbes map[string]int `json:"expected_probe_packets"`
	CaptureDrops   int            `json:"capture_drops"`
	ForeignPackets int            `json:"foreign_packets"`
}

// scanTools are the values an alert's tool field takes for the scanners
// the lab and the corpus run.
var scanTools = []string{"masscan", "zmap", "nmap", "hping3"}

var toolWord = regexp.MustCompile(`\b(masscan|zmap|nmap|hping3)\b`)

// wantTool is the tool an alert on src must name: "" for a benign source.
// Lab labels say it per source; corpus labels name the capture's tool, and
// for a mixed capture the scanner is the one its command runs.
func (l *label) wantTool(src string) string {
	if !l.IsScan[src] {
		return ""
	}
	if t := l.SourceTools[src]; t != "" {
		return t
	}
	for _, t := range scanTools {
		if l.Tool == t {
			return t
		}
	}
	if m := toolWord.FindString(l.Command); m != "" {
		return m
	}
	return l.Tool
}

// readLabels reads a labels.jsonl file.
func readLabels(path string) ([]label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	defer f.Close()

	var out []label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var l label
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return nil, fmt.Errorf("read labels: %s line %d: %w", path, n, err)
		}
		if l.File == "" || len(l.SourceIPs) == 0 {
			return nil, fmt.Errorf("read labels: %s line %d: no file or sources", path, n)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labels: %s: %w", path, err)
	}
	return out, nil
}
