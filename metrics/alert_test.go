package metrics

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"scanguard/alert"
	"scanguard/alert/sink"
	"scanguard/fusion"
)

func TestAddAlertPipeline(t *testing.T) {
	p, err := alert.NewPipelineWith(alert.Default(), sink.NewWriter(io.Discard, sink.Default()))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	v := fusion.Verdict{
		Evidence: fusion.Evidence{SrcIP: 0xc6120001, LastSeenNs: 1e18, Probes: 20, SYNs: 20},
		Tool:     "masscan", Confidence: 95, Severity: fusion.SeverityCritical, MLProb: -1,
	}
	p.Handle(&v)
	v.LastSeenNs++
	p.Handle(&v)

	var src Sources
	src.AddAlertPipeline(p)
	want := `
# HELP scanguard_alerts_total Alerts sent, by type and severity.
# TYPE scanguard_alerts_total counter
scanguard_alerts_total{severity="critical",type="MASSCAN_SCAN"} 1
# HELP scanguard_alerts_suppressed_total Verdicts that did not become alerts, by reason.
# TYPE scanguard_alerts_suppressed_total counter
scanguard_alerts_suppressed_total{reason="allowlisted"} 0
scanguard_alerts_suppressed_total{reason="below_severity"} 0
scanguard_alerts_suppressed_total{reason="duplicate"} 1
# HELP scanguard_sink_queue_capacity Size of a sink's queue.
# TYPE scanguard_sink_queue_capacity gauge
scanguard_sink_queue_capacity{sink="writer"} 4096
`
	err = testutil.CollectAndCompare(NewCollector(src), strings.NewReader(want),
		"scanguard_alerts_total", "scanguard_alerts_suppressed_total", "scanguard_sink_queue_capacity")
	if err != nil {
		t.Error(err)
	}
}
