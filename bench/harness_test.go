package bench

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func run(t *testing.T, cfg Config, eng Engine) *Result {
	t.Helper()
	r, err := Run(context.Background(), cfg, eng)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every scanner of the mixed profile is named by its tool, and a source's
// verdicts do not depend on how many workers share the sources.
func TestRunNamesScanners(t *testing.T) {
	cfg := Default()
	cfg.Packets, cfg.Chunk = 300_000, 50_000
	var first []ScannerResult
	for _, workers := range []int{1, 2} {
		cfg.Workers = workers
		r := run(t, cfg, DefaultEngine())
		if r.Records != uint64(cfg.Packets) || r.Stats.Records != r.Records {
			t.Errorf("%d workers: processed %d (detector counted %d), want %d", workers,
				r.Records, r.Stats.Records, cfg.Packets)
		}
		if len(r.Workers) != workers {
			t.Errorf("got %d worker results, want %d", len(r.Workers), workers)
		}
		if len(r.Scanners) != 4 {
			t.Fatalf("got %d scanners in the mix, want 4", len(r.Scanners))
		}
		for i, s := range r.Scanners {
			if !s.Named() {
				t.Errorf("%d workers: %s not named: %+v", workers, s.Label, s)
			}
			if first != nil && (s.AlertProbes != first[i].AlertProbes ||
				s.AlertMs != first[i].AlertMs) {
				t.Errorf("%s: alerted at probe %d (%.3f ms) with %d workers, %d (%.3f ms) with 1",
					s.Label, s.AlertProbes, s.AlertMs, workers, first[i].AlertProbes,
					first[i].AlertMs)
			}
		}
		first = r.Scanners
		if got := r.AllocsPerPacket(); got > 0.01 {
			t.Errorf("%d workers: %.4f allocations per packet, want about 0", workers, got)
		}
	}
}

// A spoofed flood from far more sources than the table holds fills it to
// its cap and no further, evicts, and still lets masscan be named.
func TestRunFloodStaysAtCap(t *testing.T) {
	eng := DefaultEngine()
	eng.Detector.MaxSources, eng.Detector.MaxSuspects = 4096, 64
	for _, profile := range []string{"flood", "flood-hping"} {
		t.Run(profile, func(t *testing.T) {
			cfg := Default()
			cfg.Profile, cfg.Packets, cfg.Sources, cfg.Chunk = profile, 200_000, 100_000, 50_000
			cfg.ScanShare = 0.01
			r := run(t, cfg, eng)
			if r.Stats.Sources > 4096 || r.Stats.Evictions == 0 {
				t.Errorf("got %d sources tracked and %d evictions, want at most 4096 and some",
					r.Stats.Sources, r.Stats.Evictions)
			}
			if r.Stats.Suspects > 64 {
				t.Errorf("got %d suspects, want at most 64", r.Stats.Suspects)
			}
			if s := r.Scanners[0]; !s.Named() {
				t.Errorf("masscan inside the flood not named: %+v", s)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	cfg := Default()
	cfg.Workers = 0
	if _, err := Run(context.Background(), cfg, DefaultEngine()); err == nil ||
		!strings.Contains(err.Error(), "bench.workers") {
		t.Errorf("got %v, want an error naming bench.workers", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Default(), DefaultEngine()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}

func TestReports(t *testing.T) {
	cfg := Default()
	cfg.Packets, cfg.Chunk = 100_000, 50_000
	r := run(t, cfg, DefaultEngine())
	var text, md bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, []*Result{r, r}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Mpps/core", "masscan 1.3.2", "tracked sources", "zmap 2.1"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
		if !strings.Contains(md.String(), want) && want != "tracked sources" {
			t.Errorf("markdown report lacks %q:\n%s", want, md.String())
		}
	}
	var tg bytes.Buffer
	if err := WriteTargets(&tg, []*Result{r}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| mixed traffic, 10 GbE of 64-byte frames | >= 14.88 Mpps per core |",
		"| hot state per source | 32 B | 32 B",
		"| spoofed flood (hping3 SYNs) | >= 5.00 Mpps per core |  | not measured |",
		"| masscan named | within 3 SYNs | mixed/1: masscan at probe 1; " +
			"mixed/1: masscan at probe 1",
	} {
		if !strings.Contains(tg.String(), want) {
			t.Errorf("targets lack %q:\n%s", want, tg.String())
		}
	}
}
