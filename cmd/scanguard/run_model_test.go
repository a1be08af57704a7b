package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"scanguard/ml"
)

// TestRunLogsModel checks that scanguard run says at start whether fusion
// consults the model, naming its version when it does.
func TestRunLogsModel(t *testing.T) {
	shipped, err := ml.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	capture, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "lab", "masscan_small.pcap"))
	tests := []struct {
		name   string
		fusion string
		want   []string
	}{
		{"built-in model", "", []string{`"message":"fusion consults the model"`,
			fmt.Sprintf(`"model_version":%q`, shipped.Version), `"model":"` + shipped.Version}},
		{"disabled", "fusion:\n  model:\n    enabled: false\n",
			[]string{`"message":"fusion on rules alone"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := writeConfig(t, dir, fmt.Sprintf(`workers: 1
source:
  type: pcap
  pcap:
    files: [%q]
alert:
  sinks:
    - type: file
      path: %q
metrics:
  listen: ""
log:
  format: json
%s`, capture, filepath.Join(dir, "alerts.json"), tt.fusion))
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{"run", "-c", cfg}, &out, &errOut); err != nil {
				t.Fatalf("run: %v\n%s", err, errOut.String())
			}
			logs := errOut.String()
			for _, w := range tt.want {
				if !strings.Contains(logs, w) {
					t.Errorf("log lacks %s:\n%s", w, logs)
				}
			}
			if n := strings.Count(logs, `"message":"fusion `); n != 1 {
				t.Errorf("%d model lines at start, want 1:\n%s", n, logs)
			}
		})
	}
}
