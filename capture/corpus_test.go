package capture_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"scanguard/internal/corpus"
	"testing"
)

// corpusDir returns the folder of the shared lab captures.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpus.Require(t)
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
