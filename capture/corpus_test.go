package capture_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir returns the folder of the shared lab captures: the one named by
// SCANGUARD_CORPUS, else ../shared/corpus beside the module root. A missing
// corpus fails the test under CI and skips it elsewhere.
func corpusDir(t testing.TB) string {
	t.Helper()
	d, err := findCorpus()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("capture corpus missing: %v", err)
		}
		t.Skipf("capture corpus not found (%v); set SCANGUARD_CORPUS to run this test", err)
	}
	return d
}

// findCorpus locates the corpus folder without failing the test.
func findCorpus() (string, error) {
	if d := os.Getenv("SCANGUARD_CORPUS"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's folder")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(d); err != nil {
		return "", err
	}
	return d, nil
}

// label is the part of a labels.jsonl line the tests read.
type label struct {
	File    string `json:"file"`
	Packets int    `json:"packets"`
}

// corpusLabels returns every line of the corpus's labels.jsonl.
func corpusLabels(t testing.TB) (string, []label) {
	t.Helper()
	dir := corpusDir(t)
	f, err := os.Open(filepath.Join(dir, "labels.jsonl"))
	if err != nil {
		t.Fatalf("open labels: %v", err)
	}
	defer f.Close()
	var labels []label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l label
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("labels line %d: %v", len(labels)+1, err)
		}
		labels = append(labels, l)
	}
	if err := sc.Err(); err != nil || len(labels) == 0 {
		t.Fatalf("read labels: %d lines, %v", len(labels), err)
	}
	return dir, labels
}
