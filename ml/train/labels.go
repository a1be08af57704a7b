// Package train builds scanguard's model from labelled captures: it runs
// each capture through a detector, takes the flow feature vector of every
// labelled source at the moments the detector decides, fits a logistic
// regression, and measures it by cross-validation over whole captures.
package train

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Errors returned by this package; callers test them with errors.Is.
var (
	// ErrLabels means a label file has a line that cannot be used.
	ErrLabels = errors.New("bad label")
	// ErrNoData means the labels yielded too few samples of one class to
	// fit or to cross-validate a model.
	ErrNoData = errors.New("not enough labelled samples")
)

// Benign is the class of sources that do not scan.
const Benign = "benign"

// scannerTools are the tools a mixed capture's command is searched for.
var scannerTools = []string{"masscan", "zmap", "nmap", "hping3"}

// label is one line of a label file (the format of the shared corpus's
// labels.jsonl). Other keys are allowed and ignored.
type label struct {
	File    string          `json:"file"`
	Tool    string          `json:"tool"`
	Command string          `json:"command"`
	IsScan  map[string]bool `json:"is_scan"`
	// SourceTools optionally names each source's tool, as the lab script
	// writes it; without it the capture's tool is used, or for a mixed
	// capture the one known tool its command runs.
	SourceTools map[string]string `json:"source_tools"`
}

// Capture is one labelled capture file.
type Capture struct {
	// Name is the file as the label names it; it identifies the capture in
	// reports and in the model's training summary.
	Name string
	// Path is where the file is read from: Name, relative to the label
	// file's folder unless it is absolute.
	Path    string
	Sources []Source
}

// Source is one labelled source address of a capture.
type Source struct {
	IP   uint32
	Scan bool
	// Tool is the scanner's tool, or Benign.
	Tool string
}

// ReadLabels reads a label file: one JSON object per line with file, tool,
// command and is_scan. Sources are returned in address order so that
// everything downstream is deterministic.
func ReadLabels(path string) ([]Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	defer f.Close()
	dir := filepath.Dir(path)
	var out []Capture
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		c, err := parseLabel(sc.Bytes(), dir)
		if err != nil {
			return nil, fmt.Errorf("read labels %s:%d: %w", path, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labels %s: %w", path, err)
	}
	return out, nil
}

// parseLabel turns one line into a Capture.
func parseLabel(b []byte, dir string) (Capture, error) {
	var l label
	if err := json.Unmarshal(b, &l); err != nil {
		return Capture{}, fmt.Errorf("%w: %w", ErrLabels, err)
	}
	if l.File == "" || len(l.IsScan) == 0 {
		return Capture{}, fmt.Errorf("%w: file and is_scan must be set", ErrLabels)
	}
	c := Capture{Name: l.File, Path: l.File}
	if !filepath.IsAbs(l.File) {
		c.Path = filepath.Join(dir, l.File)
	}
	for ipText, scan := range l.IsScan {
		ip, err := netip.ParseAddr(ipText)
		if err != nil || !ip.Is4() {
			return Capture{}, fmt.Errorf("%w: is_scan key %q is not an IPv4 address",
				ErrLabels, ipText)
		}
		s := Source{IP: ipv4(ip), Scan: scan, Tool: Benign}
		if scan {
			s.Tool = scanTool(&l, ipText)
		}
		c.Sources = append(c.Sources, s)
	}
	slices.SortFunc(c.Sources, func(a, b Source) int { return cmp.Compare(a.IP, b.IP) })
	return c, nil
}

// scanTool names the tool of a scanning source.
func scanTool(l *label, ip string) string {
	if t := l.SourceTools[ip]; t != "" && t != Benign {
		return t
	}
	if slices.Contains(scannerTools, l.Tool) {
		return l.Tool
	}
	found := ""
	for _, t := range scannerTools {
		if strings.Contains(l.Command, t+" ") {
			if found != "" {
				return "scanner"
			}
			found = t
		}
	}
	if found == "" {
		return "scanner"
	}
	return found
}

func ipv4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
