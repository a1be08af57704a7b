package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheckReportsEveryError checks that one run of config check
// reports unknown keys, mistyped and invalid values and unreadable files of
// one file together.
func TestConfigCheckReportsEveryError(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	const text = `workers: many
detector:
  max_sources: 0
  idel: 5m
fusion:
  attribute_after: 0
  vote:
    severity: extreme
  model:
    path: /nonexistent/model.json
alert:
  sinks:
    - type: carrier_pigeon
      adress: 127.0.0.1:514
source:
  type: afpacket
  afpacket:
    interface: ""
    block_timeout: 0s
metrics:
  listen: "nowhere"
log:
  format: xml
  colour: true
fingerprints: /nonexistent/fingerprints.yaml
`
	if err := os.WriteFile(broken, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"config", "check", broken}, &out, &errOut)
	if !errors.Is(err, errConfigInvalid) {
		t.Fatalf("config check = %v, want errConfigInvalid", err)
	}
	got := errOut.String()
	for _, want := range []string{
		"line 1: workers: cannot unmarshal !!str `many` into int",
		"line 4: detector.idel: unknown key (did you mean idle?)",
		"line 14: alert.sinks[0].adress: unknown key (did you mean address?)",
		"line 24: log.colour: unknown key",
		"detector.max_sources: must be within",
		"fusion.attribute_after: must be > 0",
		"fusion.vote.severity: must be low, medium, high or critical",
		"alert.sinks[0]",
		"source.afpacket.interface: must be set",
		"source.afpacket.block_timeout: must be within 1ms..1s",
		"metrics.listen",
		`log.format: "xml" must be auto, json or console`,
		"fusion.model.path: load fusion model",
		"fingerprints: load fingerprint database",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config check output lacks %q:\n%s", want, got)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		if !strings.HasPrefix(l, broken+": ") {
			t.Errorf("line %q does not name the file", l)
		}
	}
}

func TestConfigDefaultChecksOK(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"config", "default"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# Seed row 1", "target uniqueness replaces source-port uniqueness",
		"never vetoes", "block_timeout: 10ms",
	} {
		flat := strings.Join(strings.Fields(strings.ReplaceAll(out.String(), "#", "")), " ")
		if !strings.Contains(flat, strings.TrimPrefix(want, "# ")) {
			t.Errorf("default config lacks %q", want)
		}
	}
	p := filepath.Join(t.TempDir(), "default.yaml")
	if err := os.WriteFile(p, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var chk bytes.Buffer
	if err := run(context.Background(), []string{"config", "check", p}, &chk, &errOut); err != nil {
		t.Fatalf("config check of the default: %v\n%s", err, errOut.String())
	}
	if got, want := chk.String(), p+": ok\n"; got != want {
		t.Errorf("config check = %q, want %q", got, want)
	}
}

func TestConfigUsage(t *testing.T) {
	for _, args := range [][]string{{"config"}, {"config", "check"}, {"config", "lint", "x"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); !errors.Is(err, errUsage) {
			t.Errorf("%v = %v, want errUsage", args, err)
		}
	}
}

// TestConfigCheckCountsEachProblemOnce checks the count config check ends
// with: one problem per mistake, in the singular when there is one.
func TestConfigCheckCountsEachProblemOnce(t *testing.T) {
	tests := []struct {
		name, text string
		lines      []string
		summary    string
	}{
		{"worker count out of range", "workers: 100000000\n",
			[]string{"workers: must be within 0..256"}, "1 problem:"},
		{"syntax error", "workers: [\n",
			[]string{"decode: yaml: line 1: did not find expected node content"}, "1 problem:"},
		{"wrong type inside a sink", "alert:\n  sinks:\n    - type: syslog\n" +
			"      address: [1]\n",
			[]string{"line 4: alert.sinks[0].address: cannot unmarshal !!seq into string"},
			"1 problem:"},
		{"two mistakes", "workers: -1\nlog:\n  level: loud\n",
			[]string{"workers: must be within 0..256",
				`log.level: "loud" must be debug, info, warn or error`}, "2 problems:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "sg.yaml")
			if err := os.WriteFile(p, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"config", "check", p}, &out, &errOut)
			if !errors.Is(err, errConfigInvalid) {
				t.Fatalf("config check = %v, want errConfigInvalid", err)
			}
			var want []string
			for _, l := range tc.lines {
				want = append(want, p+": "+l)
			}
			if got := strings.TrimSpace(errOut.String()); got != strings.Join(want, "\n") {
				t.Errorf("config check printed:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
			}
			if got, want := err.Error(), p+": "+tc.summary; !strings.HasPrefix(got, want) {
				t.Errorf("config check = %q, want it to start with %q", got, want)
			}
		})
	}
}
