package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
)

// alertLine holds the fields of one JSON alert that the checks read.
type alertLine struct {
	AlertType string `json:"alert_type"`
	Tool      string `json:"tool"`
	Source    struct {
		IP string `json:"ip"`
	} `json:"source"`
	PacketsSeen uint32 `json:"packets_seen"`
	Severity    string `json:"severity"`
	Confidence  int    `json:"confidence"`
}

// parseAlerts decodes JSON lines; every non-empty line must be an alert
// with a source address.
func parseAlerts(out []byte) ([]alertLine, error) {
	var alerts []alertLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var a alertLine
		if err := json.Unmarshal(line, &a); err != nil {
			return nil, fmt.Errorf("parse alert line %d: %w: %q", n, err, line)
		}
		if a.Source.IP == "" || a.AlertType == "" {
			return nil, fmt.Errorf("parse alert line %d: no alert_type or source.ip: %q", n, line)
		}
		alerts = append(alerts, a)
	}
	return alerts, sc.Err()
}

// row is one line of the result table: one labelled source of a capture,
// or an address that was alerted without being a labelled source.
type row struct {
	Capture  string
	Source   string
	IsScan   string // "true", "false", or "-" for an unlabelled address
	Alerted  bool
	Tool     string // the first tool the source's alerts name
	Want     string // the tool the labels expect, "" for benign
	SYNs     uint32 // packets_seen of the first alert
	Severity string // the highest severity alerted
	Problem  string // empty when the source was judged right
}

var severityRank = map[string]int{"low": 1, "medium": 2, "high": 3, "critical": 4}

// evaluate judges one capture's alerts against its label: every scanning
// source alerted with the labelled tool, no alert on a benign source, and
// none on an address that only answered.
func evaluate(l label, alerts []alertLine) []row {
	// A first alert may come before the tool is known (a weighted vote);
	// the tool a source is judged by is the first one any of its alerts names.
	first := map[string]alertLine{}
	tool := map[string]string{}
	worst := map[string]string{}
	var order []string
	for _, a := range alerts {
		ip := a.Source.IP
		if _, ok := first[ip]; !ok {
			first[ip] = a
			order = append(order, ip)
		}
		if tool[ip] == "" {
			tool[ip] = a.Tool
		}
		if severityRank[a.Severity] > severityRank[worst[ip]] {
			worst[ip] = a.Severity
		}
	}

	labelled := map[string]bool{}
	var rows []row
	for _, src := range l.SourceIPs {
		labelled[src] = true
		a, alerted := first[src]
		r := row{
			Capture: l.File, Source: src, IsScan: strconv.FormatBool(l.IsScan[src]),
			Alerted: alerted, Tool: tool[src], Want: l.wantTool(src), SYNs: a.PacketsSeen,
			Severity: worst[src],
		}
		switch {
		case l.IsScan[src] && !alerted:
			r.Problem = "scanner not alerted"
		case l.IsScan[src] && r.Tool != r.Want:
			r.Problem = fmt.Sprintf("tool %q, want %q", r.Tool, r.Want)
		case !l.IsScan[src] && alerted:
			r.Problem = fmt.Sprintf("benign source alerted as %s", a.AlertType)
		}
		rows = append(rows, r)
	}
	for _, ip := range order {
		if labelled[ip] {
			continue
		}
		a := first[ip]
		rows = append(rows, row{
			Capture: l.File, Source: ip, IsScan: "-", Alerted: true, Tool: tool[ip],
			SYNs: a.PacketsSeen, Severity: worst[ip],
			Problem: fmt.Sprintf("answering address alerted as %s", a.AlertType),
		})
	}
	return rows
}

// table renders rows as aligned text for t.Log.
func table(rows []row) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CAPTURE\tSOURCE\tIS_SCAN\tALERTED\tTOOL\tWANT\t"+
		"SYNS_UNTIL_ALERT\tSEVERITY\tRESULT")
	bad := 0
	for _, r := range rows {
		syns, tool, want, sev := "-", "-", "-", "-"
		if r.Alerted {
			syns = strconv.FormatUint(uint64(r.SYNs), 10)
			tool = orDash(r.Tool)
			sev = orDash(r.Severity)
		}
		if r.Want != "" {
			want = r.Want
		}
		result := "ok"
		if r.Problem != "" {
			result = "FAIL: " + r.Problem
			bad++
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%t\t%s\t%s\t%s\t%s\t%s\n",
			r.Capture, r.Source, r.IsScan, r.Alerted, tool, want, syns, sev, result)
	}
	w.Flush()
	fmt.Fprintf(&b, "%d sources, %d judged wrong\n", len(rows), bad)
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
