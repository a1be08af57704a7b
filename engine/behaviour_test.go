package engine_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"scanguard/detector/fingerprint"
	"scanguard/engine"
	"scanguard/fusion"
	"scanguard/record"
)

// silentFusion returns a fusion configuration under which nothing alerts.
func silentFusion() fusion.Config {
	c := fusion.Default()
	c.Vote.Threshold = 1000
	c.Early.Threshold = 1000
	c.Matrix = []fusion.Row{{Name: "never", Confidence: 1, Severity: "low", Action: "alert",
		When: fusion.Cond{MinProbes: 1 << 31}}}
	return c
}

func stop(t *testing.T, e *engine.Engine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestFullQueueDropsAndCounts(t *testing.T) {
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.BatchSize, cfg.QueueBatches, cfg.IdleFlush = 4, 2, 0
	e := newEngineCfg(t, cfg, &buf)
	d, err := e.NewDispatcher()
	if err != nil {
		t.Fatal(err)
	}
	// The workers are not started: the queue fills after two batches and
	// every later batch must be dropped without blocking.
	r := record.Record{Family: 4, Proto: record.ProtoTCP, Flags: record.FlagSYN,
		SrcIP: 0xc6120001, DstIP: 0xc6130001, DstPort: 80}
	for range 100 {
		d.Add(&r)
	}
	d.Flush()
	st := e.Stats()
	if got, want := st.Total.Drops, uint64(92); got != want {
		t.Errorf("drops before start = %d, want %d", got, want)
	}
	if got, want := st.Total.QueueDepth, 2; got != want {
		t.Errorf("queue depth = %d, want %d", got, want)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	stop(t, e)
	st = e.Stats()
	if st.Total.Records != 8 || st.Total.DroppedBatches != 23 {
		t.Errorf("records %d dropped batches %d, want 8 and 23", st.Total.Records,
			st.Total.DroppedBatches)
	}
}

func TestBlockingDispatcherLosesNothing(t *testing.T) {
	recs := readRecords(t, filepath.Join(corpusDir, "masscan_r1000_p80_443.pcap"))
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.Workers, cfg.BatchSize, cfg.QueueBatches, cfg.IdleFlush = 2, 8, 1, 0
	e := newEngineCfg(t, cfg, &buf)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	d, _ := e.NewDispatcher()
	d.SetBlocking(true)
	d.AddBatch(recs)
	d.Flush()
	stop(t, e)
	st := e.Stats().Total
	if st.Records != uint64(len(recs)) || st.Drops != 0 {
		t.Errorf("records %d drops %d, want %d and 0", st.Records, st.Drops, len(recs))
	}
}

func TestSetFuserKeepsState(t *testing.T) {
	recs := readRecords(t, filepath.Join(corpusDir, "masscan_r1000_p80_443.pcap"))
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.IdleFlush = 0
	e := newEngineCfg(t, cfg, &buf)
	db := fingerprint.Default()
	loud := e.Fuser()
	e.SetFuser(fusion.New(silentFusion(), db))

	// Driven from the test's goroutine, as a DPDK ring consumer would.
	w := e.Worker(0)
	half := len(recs) / 2
	w.Process(recs[:half])
	if st := w.Stats(); st.Verdicts != 0 || st.Detector.Probes == 0 {
		t.Fatalf("silent half: %d verdicts, %d probes; want 0 and > 0", st.Verdicts,
			st.Detector.Probes)
	}
	probesBefore := w.Stats().Detector.Probes

	e.SetFuser(loud)
	w.Process(recs[half:])
	stop(t, e)
	alerts := parseAlerts(t, buf.String())
	if len(alerts) == 0 {
		t.Fatal("no alert after the thresholds were swapped back")
	}
	if alerts[0].Tool != "masscan" {
		t.Errorf("tool = %q, want masscan", alerts[0].Tool)
	}
	// The source's probes from before the swap still count: its state
	// was kept.
	if w.Stats().Detector.Probes <= probesBefore {
		t.Errorf("probes %d, want more than %d", w.Stats().Detector.Probes, probesBefore)
	}
}

func TestIdleFlushEmitsStoppedScan(t *testing.T) {
	// Ten probes end between decision points only if decisions are sparse;
	// make them so, and let the idle flush take the last decision.
	recs := readRecords(t, filepath.Join(corpusDir, "masscan_short_10probes.pcap"))
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.IdleFlush = 20 * time.Millisecond
	e := newEngineCfg(t, cfg, &buf)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	d, _ := e.NewDispatcher()
	d.AddBatch(recs)
	d.Flush()
	deadline := time.Now().Add(5 * time.Second)
	for e.Stats().Total.Records < uint64(len(recs)) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for e.Stats().Total.IdleFlushes == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // more quiet time must not flush again
	if got := e.Stats().Total.IdleFlushes; got != 1 {
		t.Errorf("idle flushes = %d, want 1 (once per quiet spell)", got)
	}
	stop(t, e)
	if len(parseAlerts(t, buf.String())) == 0 {
		t.Error("no alert for the short masscan run")
	}
}

func TestStartStopErrors(t *testing.T) {
	var buf lockedBuffer
	e := newEngine(t, 2, &buf)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); !errors.Is(err, engine.ErrStarted) {
		t.Errorf("second Start = %v, want ErrStarted", err)
	}
	stop(t, e)
	if err := e.Stop(context.Background()); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("second Stop = %v, want ErrStopped", err)
	}
	if err := e.Start(); !errors.Is(err, engine.ErrStopped) {
		t.Errorf("Start after Stop = %v, want ErrStopped", err)
	}
}

func TestPinnedWorkers(t *testing.T) {
	recs := readRecords(t, filepath.Join(corpusDir, "masscan_short_20probes.pcap"))
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.Workers, cfg.CPUs = 2, []int{0}
	e := newEngineCfg(t, cfg, &buf)
	var observed [2]int // each slot written by its own worker only
	e.ObserveBatches(func(w int, d time.Duration) { observed[w]++ })
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	d, _ := e.NewDispatcher()
	d.AddBatch(recs)
	d.Flush()
	stop(t, e)
	st := e.Stats()
	if got := st.Total.Records; got != uint64(len(recs)) {
		t.Errorf("records = %d, want %d", got, len(recs))
	}
	for w := range observed {
		if uint64(observed[w]) != st.Workers[w].Batches {
			t.Errorf("worker %d: observed %d batches, counted %d", w, observed[w],
				st.Workers[w].Batches)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	c := engine.Config{Workers: 0, BatchSize: 0, QueueBatches: 0, CPUs: []int{-1},
		IdleFlush: -1}
	err := c.Validate("engine")
	want := "workers: must be within 1..256\n" +
		"engine.batch_size: must be within 1..65536\n" +
		"engine.queue_batches: must be within 1..1048576\n" +
		"engine.cpus[0]: must be within 0..1023\n" +
		"engine.idle_flush: must be >= 0"
	if err == nil || err.Error() != want {
		t.Errorf("Validate =\n%v\nwant\n%s", err, want)
	}
}
