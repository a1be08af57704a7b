package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scanguard/ml"
)

// corpusDir is the shared corpus of real scanner captures, beside the
// repository.
const corpusDir = "../../../shared/corpus"

// labelSources maps the label files a model's training summary names to
// where they are read from in the repository's tests.
var labelSources = map[string]string{
	"corpus/labels.jsonl": corpusDir + "/labels.jsonl",
	"lab/labels.jsonl":    "../../testdata/lab/labels.jsonl",
}

// needCorpus skips the test when the shared corpus is absent, except in CI,
// where it must be there.
func needCorpus(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, "labels.jsonl")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared corpus missing in CI: %v", err)
		}
		t.Skipf("shared corpus not at %s (CI has it): %v", abs, err)
	}
	return abs
}

// trainOnce runs `scanguard train` and returns the model file and the
// report.
func trainOnce(t *testing.T, args ...string) (model []byte, report string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "model.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"train", "-o", out}, args...),
		&stdout, &stderr)
	if err != nil {
		t.Fatalf("scanguard train %v: %v\n%s", args, err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b, stdout.String()
}

// TestTrainSmall trains on five captures, one source each, and checks that
// the command is deterministic and reports what it did.
func TestTrainSmall(t *testing.T) {
	corpus := needCorpus(t)
	labels := filepath.Join(t.TempDir(), "labels.jsonl")
	var b strings.Builder
	for _, c := range []struct{ file, tool string }{
		{"masscan_short_20probes.pcap", "masscan"}, {"zmap_r5000_p8080.pcap", "zmap"},
		{"nmap_sF_fin.pcap", "nmap"}, {"benign_curl_crawler.pcap", "benign"},
		{"benign_browser_like.pcap", "benign"},
	} {
		fmt.Fprintf(&b, `{"file":%q,"tool":%q,"is_scan":{"198.18.0.1":%v}}`+"\n",
			filepath.Join(corpus, c.file), c.tool, c.tool != "benign")
	}
	if err := os.WriteFile(labels, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	model1, report1 := trainOnce(t, "-points", "10,20,50", labels)
	model2, report2 := trainOnce(t, "-points", "10,20,50", labels)
	if !bytes.Equal(model1, model2) || report1 != report2 {
		t.Fatal("two runs on the same input differ")
	}
	m, err := ml.Parse(model1)
	if err != nil {
		t.Fatal(err)
	}
	tr := m.Training
	if tr.Captures != 5 || tr.Sources != 5 || tr.ScannerSources != 3 ||
		tr.CV.Folds != 5 || tr.CV.Scheme != "leave-one-capture-out" || m.Tools == nil {
		t.Errorf("training summary %+v", tr)
	}
	// masscan 20 probes: 10, 20; zmap and nmap: 10, 20, 50; the crawler
	// reaches every point; the browser, which reaches eight targets only
	// after its tenth probe, is first decided at 20.
	if got, want := tr.Samples, 2+3+3+3+2; got != want {
		t.Errorf("samples = %d, want %d", got, want)
	}
	if tr.CV.TP+tr.CV.FN != tr.ScannerSamples || tr.CV.TN+tr.CV.FP != tr.BenignSamples {
		t.Errorf("confusion %d/%d/%d/%d does not add up to the samples", tr.CV.TP, tr.CV.FN,
			tr.CV.TN, tr.CV.FP)
	}
	for _, want := range []string{"model " + m.Version, "leave-one-capture-out, 5 folds",
		"scanner vs benign at p >= 0.90, per sample", "tool, per sample", "precision", "recall",
		"per source: held-out", "model against rules alone"} {
		if !strings.Contains(report1, want) {
			t.Errorf("report lacks %q:\n%s", want, report1)
		}
	}
}

// TestTrainReproducesShippedModel retrains on the label files the shipped
// model names and requires the same file, byte for byte.
func TestTrainReproducesShippedModel(t *testing.T) {
	needCorpus(t)
	shipped, err := os.ReadFile("../../ml/model.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ml.Parse(shipped)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, l := range m.Training.Labels {
		p, ok := labelSources[l]
		if !ok {
			t.Fatalf("shipped model trained on %s, which this test cannot find", l)
		}
		args = append(args, p)
	}
	got, _ := trainOnce(t, args...)
	if !bytes.Equal(got, shipped) {
		t.Errorf("ml/model.json is not what `scanguard train` makes from %v; "+
			"regenerate it from the repository root with\n"+
			"  go run ./cmd/scanguard train -o ml/model.json ../shared/corpus/labels.jsonl "+
			"testdata/lab/labels.jsonl",
			m.Training.Labels)
	}
}
