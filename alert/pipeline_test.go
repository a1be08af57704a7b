package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"scanguard/alert/sink"
	"scanguard/fusion"
)

// writeASNDB writes a one-network GeoLite2-ASN-style database.
func writeASNDB(t *testing.T, cidr string, asn uint32, org string) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: "GeoLite2-ASN", RecordSize: 24, IncludeReservedNetworks: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, network, _ := net.ParseCIDR(cidr)
	err = tree.Insert(network, mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(asn),
		"autonomous_system_organization": mmdbtype.String(org),
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := tree.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "asn.mmdb")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPipeline(t *testing.T) {
	cfg := Default()
	cfg.Enrich.ASNDB = writeASNDB(t, "198.18.0.0/15", 64500, "Example Scanning Ltd")
	cfg.Suppression.Allow = []AllowRule{{CIDR: "192.0.2.0/24"}}
	var out bytes.Buffer
	p, err := NewPipelineWith(cfg, sink.NewWriter(&out, sink.Default()))
	if err != nil {
		t.Fatalf("NewPipelineWith: %v", err)
	}

	mass := masscanVerdict()
	repeat := masscanVerdict()
	repeat.LastSeenNs += 1e9
	soc := icmpVerdict() // 192.0.2.200: allowlisted
	other := unnamedVerdict()
	steps := []struct {
		v    *fusion.Verdict
		want Decision
	}{
		{&mass, DecisionNew}, {&repeat, DecisionDuplicate},
		{&soc, DecisionAllowed}, {&other, DecisionNew},
	}
	for i, st := range steps {
		if _, got := p.Handle(st.v); got != st.want {
			t.Errorf("step %d: decision %v, want %v", i, got, st.want)
		}
	}
	stats := p.Stats()
	if err := p.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("sink got %d lines, want 2:\n%s", len(lines), out.String())
	}
	var got Alert
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	src := got.Source
	if src.ASN != "AS64500" || src.ASOrg != "Example Scanning Ltd" || src.Geo != "" {
		t.Errorf("source %+v, want AS64500 and no geo", got.Source)
	}
	if got.AlertType != "MASSCAN_SCAN" || got.Timestamp != "2026-04-16T10:30:45.123Z" {
		t.Errorf("alert %s at %s", got.AlertType, got.Timestamp)
	}
	if !strings.HasPrefix(lines[0], `{"alert_type":"MASSCAN_SCAN","confidence":95,"timestamp":`) {
		t.Errorf("field order changed: %s", lines[0])
	}

	wantCounts := []AlertCount{
		{Type: "MASSCAN_SCAN", Severity: "critical", N: 1},
		{Type: "PORT_SCAN", Severity: "medium", N: 1},
	}
	if len(stats.Alerts) != len(wantCounts) {
		t.Fatalf("alert counts %+v, want %+v", stats.Alerts, wantCounts)
	}
	for i := range wantCounts {
		if stats.Alerts[i] != wantCounts[i] {
			t.Errorf("alert count %d = %+v, want %+v", i, stats.Alerts[i], wantCounts[i])
		}
	}
	dec := stats.Suppress.Decisions
	if dec[DecisionAllowed] != 1 || dec[DecisionDuplicate] != 1 {
		t.Errorf("suppression stats %+v", stats.Suppress)
	}
	if len(stats.Sinks) != 1 || stats.Sinks[0].Name != "writer" {
		t.Errorf("sink stats %+v", stats.Sinks)
	}
	if err := p.Close(context.Background()); err != ErrClosed {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
}

func TestMessage(t *testing.T) {
	v := masscanVerdict()
	a := FromVerdict(&v)
	m, err := a.Message()
	if err != nil {
		t.Fatal(err)
	}
	if m.Severity != sink.SevCritical || m.MsgID != "MASSCAN_SCAN" {
		t.Errorf("severity %d msgid %q", m.Severity, m.MsgID)
	}
	if got := m.Time.UTC().Format(TimeLayout); got != a.Timestamp {
		t.Errorf("message time %s, alert time %s", got, a.Timestamp)
	}
	if !json.Valid(m.Body) || bytes.ContainsRune(m.Body, '\n') {
		t.Errorf("body is not one line of JSON: %s", m.Body)
	}
}
