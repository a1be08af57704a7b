package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pcapReplayConfig is a run configuration replaying files into an alert
// file, with the given extra lines under source.pcap.
func pcapReplayConfig(alerts string, pcap string, files ...string) string {
	var quoted []string
	for _, f := range files {
		quoted = append(quoted, fmt.Sprintf("%q", f))
	}
	return fmt.Sprintf(`workers: 2
source:
  type: pcap
  pcap:
    files: [%s]
%s
alert:
  sinks:
    - type: file
      path: %q
metrics:
  listen: ""
log:
  format: json
  stats_interval: 0s
`, strings.Join(quoted, ", "), pcap, alerts)
}

// TestRunReplayGoesOnAfterABrokenFile checks that a capture cut short does
// not stop the replay: its fault is logged with the file and packet, the
// next file is replayed, and run still fails at the end.
func TestRunReplayGoesOnAfterABrokenFile(t *testing.T) {
	b, err := os.ReadFile(corpusFile(t, "masscan_r1000_p80_443.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.pcap")
	if err := os.WriteFile(cut, b[:len(b)/2+7], 0o644); err != nil {
		t.Fatal(err)
	}
	good := corpusFile(t, "mixed_bg_masscan.pcap")
	alerts := filepath.Join(dir, "alerts.json")
	cfg := writeConfig(t, dir, pcapReplayConfig(alerts, "", cut, good))

	var out bytes.Buffer
	var logs logWatch
	err = run(context.Background(), []string{"run", "-c", cfg}, &out, &logs)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 files failed") ||
		!strings.Contains(err.Error(), "cut.pcap: packet ") {
		t.Fatalf("run = %v, want the cut file's error", err)
	}
	if !hasAlertFrom(readAlerts(t, alerts), "198.18.0.3") {
		t.Errorf("the file after the broken one was not replayed:\n%s", logs.String())
	}
	failed := logs.find("replay: file failed; the packets before the fault were replayed")
	if failed == nil || failed["level"] != "error" || failed["file"] != cut ||
		failed["packet"] == nil {
		t.Errorf("the broken file is not logged at error level with its packet: %v", failed)
	}
	if logs.find("stopping: input ended") != nil {
		t.Errorf("a failed replay logged as a clean end:\n%s", logs.String())
	}
	if m := logs.find("stopping: input ended with errors"); m == nil || m["level"] != "error" {
		t.Errorf("no error-level stop: %v", m)
	}
}

// restamp copies the classic little-endian pcap src to dst, setting the
// seconds of packet i (0-based) to secs[i] where secs has it.
func restamp(t *testing.T, src, dst string, secs map[int]uint32) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("%s: not a little-endian microsecond pcap", src)
	}
	for off, i := 24, 0; off+16 <= len(b); i++ {
		if s, ok := secs[i]; ok {
			binary.LittleEndian.PutUint32(b[off:], s)
		}
		off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunRealTimeReplayBoundsJumps replays in real time a capture with one
// packet stamped in 2106 and one in 1970: each jump is replayed as
// max_gap, so the replay ends in a moment rather than in decades.
func TestRunRealTimeReplayBoundsJumps(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "odd_clock.pcap")
	restamp(t, corpusFile(t, "masscan_short_20probes.pcap"), odd,
		map[int]uint32{20: 0xffffffff, 40: 0})
	alerts := filepath.Join(dir, "alerts.json")
	cfg := writeConfig(t, dir, pcapReplayConfig(alerts, "    speed: 1\n    max_gap: 300ms",
		odd))

	// Were the jumps waited for, the deadline would end the replay early
	// and run would say it was interrupted.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	var out bytes.Buffer
	var logs logWatch
	if err := run(ctx, []string{"run", "-c", cfg}, &out, &logs); err != nil {
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("replay took %s", d)
	}
	m := logs.find("replay: timestamps jumped by more than max_gap; each jump was " +
		"replayed as a pause of at most max_gap")
	if m == nil || m["level"] != "warn" || m["jumps"] != float64(4) {
		t.Errorf("jumps not counted in a warning (want 4, two per odd packet): %v\n%s", m,
			logs.String())
	}
	if st := logs.find("stopped"); st == nil || st["frames"] != float64(60) {
		t.Errorf("not every frame was replayed: %v", st)
	}
}

func TestPacer(t *testing.T) {
	const s = int64(time.Second)
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name   string
		speed  float64
		ts     []int64
		due    []time.Duration // after t0
		jumps  int
		maxGap time.Duration
	}{
		{"real time", 1, []int64{10 * s, 10*s + s/2, 11 * s},
			[]time.Duration{0, 500 * time.Millisecond, time.Second}, 0, 5 * time.Second},
		{"ten times faster", 10, []int64{10 * s, 11 * s, 12 * s},
			[]time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond}, 0, time.Second},
		{"idle hour shortened", 1, []int64{10 * s, 3610 * s, 3611 * s},
			[]time.Duration{0, time.Second, 2 * time.Second}, 1, time.Second},
		{"one packet in 2106", 1, []int64{10 * s, 0xffffffff * s, 11 * s, 12 * s},
			[]time.Duration{0, time.Second, time.Second, 2 * time.Second}, 2, time.Second},
		{"one packet in 1970", 1, []int64{1e9 * s, 0, 1e9*s + s, 1e9*s + 2*s},
			[]time.Duration{0, 0, time.Second, 2 * time.Second}, 2, time.Second},
		{"short step back keeps the schedule", 1,
			[]int64{10 * s, 10*s + s/2, 10*s + s/4, 11 * s},
			[]time.Duration{0, 500 * time.Millisecond, 250 * time.Millisecond, time.Second},
			0, 5 * time.Second},
		{"slow motion", 0.5, []int64{10 * s, 11 * s, 100 * s},
			[]time.Duration{0, 2 * time.Second, 7 * time.Second}, 1, 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := pacer{speed: tc.speed, maxGap: tc.maxGap}
			for i, ts := range tc.ts {
				if got := p.due(ts, t0).Sub(t0); got != tc.due[i] {
					t.Errorf("packet %d due at +%s, want +%s", i, got, tc.due[i])
				}
			}
			if p.jumps != tc.jumps {
				t.Errorf("jumps = %d, want %d", p.jumps, tc.jumps)
			}
		})
	}
}

// TestRunReplayInterruptedFails checks that a signal in the middle of a
// replay still delivers the alerts found, but run fails: the files were
// not all read.
func TestRunReplayInterruptedFails(t *testing.T) {
	dir := t.TempDir()
	alerts := filepath.Join(dir, "alerts.json")
	cfg := writeConfig(t, dir, pcapReplayConfig(alerts, "    speed: 1",
		corpusFile(t, "masscan_default_p80.pcap"), corpusFile(t, "mixed_bg_masscan.pcap")))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	var logs logWatch
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "-c", cfg}, &out, &logs) }()
	if !waitFor(15*time.Second, func() bool {
		return hasAlertFrom(readAlerts(t, alerts), "198.18.0.1")
	}) {
		t.Fatalf("no alert during the replay:\n%s", logs.String())
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit 15s after the signal:\n%s", logs.String())
	}
	if !errors.Is(err, errReplayInterrupted) ||
		!strings.Contains(err.Error(), "masscan_default_p80.pcap read up to packet ") ||
		!strings.Contains(err.Error(), "1 more files not read") {
		t.Errorf("run = %v, want the replay interrupted in the first file", err)
	}
	if m := logs.find("stopping: input cut short"); m == nil || m["level"] != "warn" {
		t.Errorf("no warning that the input was cut short:\n%s", logs.String())
	}
	if st := logs.find("stopped"); st == nil || st["sink_lost"] != float64(0) {
		t.Errorf("alerts not flushed at exit: %v", st)
	}
}
