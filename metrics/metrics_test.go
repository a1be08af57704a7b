package metrics

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"scanguard/record"
)

func testSources(timer *BatchTimer) Sources {
	return Sources{
		Stages: func() []Stage {
			return []Stage{{"rx", 1000, 64000}, {"parsed", 990, 63000}}
		},
		ParseDrops: func() []Count {
			return ParseDrops(record.Counters{Frames: 1000, TCP: 990, IPv6: 7, Truncated: 3})
		},
		Drops: func() []Count { return []Count{{"ring", 12}} },
		Table: func() Table {
			return Table{Tracked: 40, Capacity: 1 << 20, Suspects: 3, Evictions: 5, DetailEvictions: 1}
		},
		Alerts: func() []AlertCount {
			return []AlertCount{{"MASSCAN_SCAN", "critical", 2}, {"PORT_SCAN", "medium", 1}}
		},
		Suppressed: func() []Count { return []Count{{"duplicate", 9}} },
		Sinks: func() []Sink {
			return []Sink{
				{Name: "stdout", Capacity: 4096, Sent: 3},
				{
					Name: "syslog", Depth: 2, Capacity: 16, Sent: 1, Dropped: 4,
					Errors: 2, Reconnects: 1, Connected: true,
				},
			}
		},
		Batches: func() HistogramSnapshot { return timer.Snapshot() },
	}
}

func TestCollector(t *testing.T) {
	var timer BatchTimer
	timer.Observe(800 * time.Nanosecond)
	timer.Observe(3 * time.Microsecond)
	timer.Observe(time.Second)
	c := NewCollector(testSources(&timer))

	want := `
# HELP scanguard_drops_total Records or alerts lost inside the pipeline, by cause (ring, sink, ...).
# TYPE scanguard_drops_total counter
scanguard_drops_total{cause="ring"} 12
scanguard_drops_total{cause="sink"} 4
# HELP scanguard_parse_drops_total Frames the parser skipped, by cause.
# TYPE scanguard_parse_drops_total counter
scanguard_parse_drops_total{cause="arp"} 0
scanguard_parse_drops_total{cause="fragment"} 0
scanguard_parse_drops_total{cause="ipv6"} 7
scanguard_parse_drops_total{cause="malformed"} 0
scanguard_parse_drops_total{cause="other_l3"} 0
scanguard_parse_drops_total{cause="other_l4"} 0
scanguard_parse_drops_total{cause="truncated"} 3
scanguard_parse_drops_total{cause="unknown_link"} 0
# HELP scanguard_alerts_total Alerts sent, by type and severity.
# TYPE scanguard_alerts_total counter
scanguard_alerts_total{severity="critical",type="MASSCAN_SCAN"} 2
scanguard_alerts_total{severity="medium",type="PORT_SCAN"} 1
# HELP scanguard_sources_tracked Sources in the hot tier of the source table.
# TYPE scanguard_sources_tracked gauge
scanguard_sources_tracked 40
# HELP scanguard_sink_queue_depth Alerts waiting in a sink's queue.
# TYPE scanguard_sink_queue_depth gauge
scanguard_sink_queue_depth{sink="stdout"} 0
scanguard_sink_queue_depth{sink="syslog"} 2
# HELP scanguard_stage_packets_total Packets that passed a pipeline stage.
# TYPE scanguard_stage_packets_total counter
scanguard_stage_packets_total{stage="parsed"} 990
scanguard_stage_packets_total{stage="rx"} 1000
`
	names := []string{
		"scanguard_drops_total", "scanguard_parse_drops_total", "scanguard_alerts_total",
		"scanguard_sources_tracked", "scanguard_sink_queue_depth", "scanguard_stage_packets_total",
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}

	wantHist := `
# HELP scanguard_batch_duration_seconds Time a worker took to process one batch of records.
# TYPE scanguard_batch_duration_seconds histogram
scanguard_batch_duration_seconds_bucket{le="1e-06"} 1
scanguard_batch_duration_seconds_bucket{le="2e-06"} 1
scanguard_batch_duration_seconds_bucket{le="5e-06"} 2
scanguard_batch_duration_seconds_bucket{le="1e-05"} 2
scanguard_batch_duration_seconds_bucket{le="2e-05"} 2
scanguard_batch_duration_seconds_bucket{le="5e-05"} 2
scanguard_batch_duration_seconds_bucket{le="0.0001"} 2
scanguard_batch_duration_seconds_bucket{le="0.0002"} 2
scanguard_batch_duration_seconds_bucket{le="0.0005"} 2
scanguard_batch_duration_seconds_bucket{le="0.001"} 2
scanguard_batch_duration_seconds_bucket{le="0.002"} 2
scanguard_batch_duration_seconds_bucket{le="0.005"} 2
scanguard_batch_duration_seconds_bucket{le="0.01"} 2
scanguard_batch_duration_seconds_bucket{le="0.05"} 2
scanguard_batch_duration_seconds_bucket{le="0.1"} 2
scanguard_batch_duration_seconds_bucket{le="+Inf"} 3
scanguard_batch_duration_seconds_sum 1.0000038
scanguard_batch_duration_seconds_count 3
`
	err := testutil.CollectAndCompare(c, strings.NewReader(wantHist),
		"scanguard_batch_duration_seconds")
	if err != nil {
		t.Error(err)
	}
	problems, err := testutil.CollectAndLint(c)
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
	}
}

func TestCollectorNilSources(t *testing.T) {
	c := NewCollector(Sources{})
	if n := testutil.CollectAndCount(c); n != 0 {
		t.Errorf("collector with no sources emitted %d metrics", n)
	}
}

func TestParseDropsCoverSkipped(t *testing.T) {
	c := record.Counters{
		IPv6: 1, ARP: 2, OtherL3: 3, OtherL4: 4,
		Fragments: 5, Truncated: 6, Malformed: 7, UnknownLink: 8,
	}
	var sum uint64
	for _, d := range ParseDrops(c) {
		sum += d.Value
	}
	if sum != c.Skipped() {
		t.Errorf("parse drops sum to %d, parser skipped %d", sum, c.Skipped())
	}
}

func TestMergeTimers(t *testing.T) {
	a, b := new(BatchTimer), new(BatchTimer)
	a.Observe(time.Microsecond)
	b.Observe(time.Millisecond)
	b.Observe(time.Millisecond)
	s := MergeTimers([]*BatchTimer{a, b})
	if s.Count != 3 || s.Sum != time.Microsecond+2*time.Millisecond {
		t.Errorf("merged count %d sum %v", s.Count, s.Sum)
	}
	if s.Buckets[0] != 1 || s.Buckets[9] != 2 {
		t.Errorf("merged buckets %v", s.Buckets)
	}
}

// TestScrapeWhileWorking scrapes over HTTP while a worker observes; run
// with -race it shows the worker's side needs no lock.
func TestScrapeWhileWorking(t *testing.T) {
	var timer BatchTimer
	reg, err := NewRegistry(testSources(&timer))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Default()
	cfg.Listen = "127.0.0.1:0"
	srv, err := Listen(cfg, reg)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				timer.Observe(2 * time.Microsecond)
			}
		}
	})
	var body string
	for range 5 {
		resp, err := http.Get("http://" + srv.Addr() + "/metrics")
		if err != nil {
			t.Fatalf("scrape: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("scrape status %d: %s", resp.StatusCode, b)
		}
		body = string(b)
	}
	close(stop)
	wg.Wait()

	for _, want := range []string{
		"scanguard_batch_duration_seconds_bucket", `scanguard_sink_dropped_total{sink="syslog"} 4`,
		"scanguard_source_evictions_total 5", "go_goroutines", "process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("default: %v", err)
	}
	cfg = Config{Listen: "9108", Path: "metrics"}
	err := cfg.Validate()
	for _, p := range []string{"metrics.listen:", "metrics.path:", "metrics.scrape_timeout:"} {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("Validate = %v, want a problem at %s", err, p)
		}
	}
	off := Default()
	off.Listen = ""
	if _, err := Listen(off, nil); err == nil {
		t.Error("Listen with no address succeeded")
	}
}
