//go:build dpdk

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"scanguard/internal/corpus"
)

// TestRunDPDKCorpusMatchesAnalyze replays every capture of the corpus
// through a net_pcap virtual device into `scanguard run` with the DPDK
// source, one process per capture since the EAL starts once per process.
// Each run must receive every frame of its file without a drop and write
// the alerts `scanguard analyze` writes for the same file: the same
// sources, verdicts, tools and severities.
func TestRunDPDKCorpusMatchesAnalyze(t *testing.T) {
	needDPDKRoot(t)
	dir := corpus.Require(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.pcap"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in %s (%v)", dir, err)
	}
	bin := dpdkBinary(t, t.TempDir())
	alerting := 0
	for i, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			out, _, err := analyze("-q", path)
			if err != nil {
				t.Fatalf("analyze: %v", err)
			}
			want := alertKeys(parseAlerts(t, out))
			packets := countPackets(t, path)

			tmp := t.TempDir()
			alerts := filepath.Join(tmp, "alerts.json")
			prefix := fmt.Sprintf("sgcorpus%d_%d", os.Getpid(), i)
			cfg := writeConfig(t, tmp, dpdkRunConfig(prefix, "0-1", "net_pcap0",
				packets+4096, alerts, "net_pcap0,rx_pcap="+path))
			r := startDPDKRun(t, bin, cfg, prefix)

			// net_pcap delivers the file once: once every frame is
			// received, SIGINT stops the lcores and the workers drain
			// their rings and flush.
			if !waitFor(30*time.Second, func() bool {
				return r.lastStat("frames") >= float64(packets)
			}) {
				t.Fatalf("received %v of %d frames:\n%s", r.lastStat("frames"), packets,
					r.logs.String())
			}
			st := r.stop(t, syscall.SIGINT)
			if st["frames"] != float64(packets) || st["missed"] != float64(0) ||
				st["ring_drops"] != float64(0) || st["queue_drops"] != float64(0) {
				t.Errorf("totals %v, want %d frames and no drops", st, packets)
			}
			got := alertKeys(readAlerts(t, alerts))
			if !slices.Equal(got, want) {
				t.Errorf("dpdk run alerts %q\nanalyze alerts %q", got, want)
			}
			if len(want) > 0 {
				alerting++
			}
		})
	}
	if alerting < len(files)/2 {
		t.Errorf("only %d of %d captures raised alerts: the corpus holds mostly scans",
			alerting, len(files))
	}
}
