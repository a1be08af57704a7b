package engine_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"scanguard/internal/syncbuf"
	"slices"
	"testing"
	"time"

	"scanguard/alert"
	"scanguard/alert/sink"
	"scanguard/capture"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/engine"
	"scanguard/fusion"
	"scanguard/record"
)

// corpusDir holds the real captures the tests replay.
const corpusDir = "../../shared/corpus"

// got is one alert reduced to what must not depend on the worker count.
type got struct {
	Src, Tool, Severity, Type string
	Confidence                int
}

func (g got) String() string {
	return fmt.Sprintf("%s %s %s %s %d", g.Src, g.Type, g.Tool, g.Severity, g.Confidence)
}

// readRecords parses every frame of a capture into Records.
func readRecords(t testing.TB, path string) []record.Record {
	t.Helper()
	rd, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var p record.Parser
	var recs []record.Record
	for {
		frame, ts, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		var r record.Record
		if p.Parse(frame, rd.LinkType(), ts, &r) {
			recs = append(recs, r)
		}
	}
}

// reference runs one detector and one suppressor over recs, as the offline
// analysis does, and returns the alerts in order.
func reference(t testing.TB, recs []record.Record) []got {
	t.Helper()
	db := fingerprint.Default()
	det, err := detector.New(detector.Default(), db, fusion.New(fusion.Default(), db))
	if err != nil {
		t.Fatal(err)
	}
	cfg := alert.Default()
	sup, err := alert.NewSuppressor(cfg.Suppression)
	if err != nil {
		t.Fatal(err)
	}
	var out []got
	emit := func(vs []fusion.Verdict) {
		for i := range vs {
			if sup.Admit(&vs[i]).Emit() {
				a := alert.Build(&vs[i], &cfg)
				out = append(out, got{a.Source.IP, a.Tool, a.Severity, a.AlertType, a.Confidence})
			}
		}
	}
	var vs []fusion.Verdict
	for i := 0; i < len(recs); i += 256 {
		vs = det.Process(recs[i:min(i+256, len(recs))], vs[:0])
		emit(vs)
	}
	emit(det.Flush(vs[:0]))
	return out
}

type lockedBuffer = syncbuf.Buffer

// newEngine builds an engine of w workers whose alerts are written to buf.
func newEngine(t testing.TB, w int, buf io.Writer) *engine.Engine {
	t.Helper()
	cfg := engine.Default()
	cfg.Workers = w
	cfg.BatchSize = 64
	cfg.QueueBatches = 1 << 14 // the test feeds faster than real time: drop nothing
	cfg.IdleFlush = 0
	return newEngineCfg(t, cfg, buf)
}

// newEngineCfg builds an engine from cfg whose alerts are written to buf.
func newEngineCfg(t testing.TB, cfg engine.Config, buf io.Writer) *engine.Engine {
	t.Helper()
	db := fingerprint.Default()
	acfg := alert.Default()
	acfg.Sinks = nil
	p, err := alert.NewPipelineWith(acfg, sink.NewWriter(buf, sink.Default()))
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(cfg, detector.Default(), db, fusion.New(fusion.Default(), db), p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// parseAlerts decodes JSON lines of alerts.
func parseAlerts(t testing.TB, s string) []got {
	t.Helper()
	var out []got
	sc := bufio.NewScanner(bytes.NewBufferString(s))
	for sc.Scan() {
		var a alert.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alert line %q: %v", sc.Text(), err)
		}
		out = append(out, got{a.Source.IP, a.Tool, a.Severity, a.AlertType, a.Confidence})
	}
	return out
}

// sorted orders alerts by source; each source's own alerts keep their order
// because one worker emits them all.
func sorted(gs []got) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.String()
	}
	slices.SortStableFunc(out, func(a, b string) int {
		return bytes.Compare([]byte(a[:bytes.IndexByte([]byte(a), ' ')]),
			[]byte(b[:bytes.IndexByte([]byte(b), ' ')]))
	})
	return out
}

func TestEngineMatchesOneDetector(t *testing.T) {
	files := []string{
		"masscan_r1000_p80_443.pcap", "masscan_short_10probes.pcap",
		"mixed_bg_masscan.pcap", "zmap_r1000_p443.pcap", "nmap_sS_T4_fast_subnet.pcap",
		"benign_curl_crawler.pcap", "hping3_scan_1_1000.pcap",
	}
	for _, f := range files {
		recs := readRecords(t, filepath.Join(corpusDir, f))
		want := sorted(reference(t, recs))
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/W=%d", f, workers), func(t *testing.T) {
				var buf lockedBuffer
				e := newEngine(t, workers, &buf)
				if err := e.Start(); err != nil {
					t.Fatal(err)
				}
				d, err := e.NewDispatcher()
				if err != nil {
					t.Fatal(err)
				}
				d.AddBatch(recs)
				d.Flush()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := e.Stop(ctx); err != nil {
					t.Fatal(err)
				}
				st := e.Stats()
				if st.Total.Records != uint64(len(recs)) || st.Total.Drops != 0 {
					t.Errorf("records %d drops %d, want %d and 0", st.Total.Records,
						st.Total.Drops, len(recs))
				}
				gotAlerts := sorted(parseAlerts(t, buf.String()))
				if !slices.Equal(gotAlerts, want) {
					t.Errorf("alerts\n got %q\nwant %q", gotAlerts, want)
				}
			})
		}
	}
}

func TestReferenceAlertsMasscan(t *testing.T) {
	recs := readRecords(t, filepath.Join(corpusDir, "masscan_r1000_p80_443.pcap"))
	ref := reference(t, recs)
	if len(ref) == 0 || ref[0].Tool != "masscan" || ref[0].Type != "MASSCAN_SCAN" {
		t.Fatalf("reference alerts %v, want a masscan alert first", ref)
	}
}
