package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParseReportsEveryError(t *testing.T) {
	const broken = `workers: 2
detector:
  max_sources: lots
  max_suspecs: 10
fusion:
  vote:
    threshold: 0
alert:
  suppression:
    window: -1s
source:
  type: afpacket
  afpacket:
    interfce: eth1
    fanout: random
log:
  level: loud
metrics:
  listen: "127.0.0.1:9108"
  extra: 1
`
	_, err := Parse([]byte(broken))
	if err == nil {
		t.Fatal("Parse accepted a broken file")
	}
	got := err.Error()
	for _, want := range []string{
		"line 4: detector.max_suspecs: unknown key (did you mean max_suspects?)",
		"line 14: source.afpacket.interfce: unknown key (did you mean interface?)",
		"line 20: metrics.extra: unknown key",
		"line 3: detector.max_sources: cannot unmarshal !!str `lots`",
		"fusion.vote.threshold: must be within 1..130",
		"source.afpacket.fanout: must be hash, lb, cpu or qm",
		`log.level: "loud" must be debug, info, warn or error`,
		"alert.suppression.window",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q; got:\n%s", want, got)
		}
	}
}

func TestParseEmptyAndSyntax(t *testing.T) {
	tests := []struct {
		name, text, err string
	}{
		{"empty file keeps defaults", "", ""},
		{"comment only", "# nothing\n", ""},
		{"syntax error", "workers: [\n", "decode: yaml: line"},
		{"pcap without files", "source:\n  type: pcap\n", "source.pcap.files: must name"},
		{"unknown source", "source:\n  type: sflow\n", `source.type: "sflow" must be`},
		{"replay without pauses", "source:\n  pcap:\n    max_gap: 0s\n",
			"source.pcap.max_gap: must be > 0"},
		{"CPU the process may not use", "engine:\n  cpus: [999]\n",
			"engine.cpus[0]: CPU 999 is not one this process may run on"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text))
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("err = %v, want one containing %q", err, tc.err)
			}
		})
	}
}

func TestDefaultYAMLCommentsEveryKey(t *testing.T) {
	b, err := DefaultYAML()
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var check func(n *yaml.Node, path string)
	seen := map[string]bool{}
	check = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := join(path, n.Content[i].Value)
				if !seen[p] {
					seen[p] = true
					if strings.TrimSpace(n.Content[i].HeadComment) == "" &&
						!(path == "" && i == 0) { // the first key shares the header
						missing = append(missing, p)
					}
				}
				check(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for _, it := range n.Content {
				check(it, path+"[]")
			}
		}
	}
	check(doc.Content[0], "")
	if len(missing) > 0 {
		t.Errorf("keys without a comment: %v", missing)
	}
	for _, want := range []string{
		"target uniqueness\n", "never vetoes", "TTL 64, window 16384",
	} {
		if !strings.Contains(strings.ReplaceAll(string(b), "\n    # ", " "),
			strings.TrimSuffix(want, "\n")) {
			t.Errorf("default config lacks the note %q", want)
		}
	}
}

func TestDefaultYAMLRoundTrips(t *testing.T) {
	b, err := DefaultYAML()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatalf("the default config does not load: %v", err)
	}
	// Compare as YAML: an empty list reads back as [] where Default has nil.
	want, _ := yaml.Marshal(Default())
	back, _ := yaml.Marshal(got)
	if string(back) != string(want) {
		t.Errorf("the default config read back differs from Default():\n%s", back)
	}
}

func TestRowCommentsNameShippedRows(t *testing.T) {
	rows := map[string]bool{}
	for _, r := range Default().Fusion.Matrix {
		rows[r.Name] = true
		if rowComments[r.Name] == "" {
			t.Errorf("matrix row %q has no comment", r.Name)
		}
	}
	for name := range rowComments {
		if !rows[name] {
			t.Errorf("comment for matrix row %q, which is not shipped", name)
		}
	}
}

func TestLoadNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sg.yaml")
	if err := os.WriteFile(p, []byte("workers: -1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p) ||
		!strings.Contains(err.Error(), "workers: must be within 0..256") {
		t.Errorf("Load = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("workers: 2\n"))
	f.Add([]byte("source:\n  afpacket:\n    bpf: \"1\\n6 0 0 0\"\n"))
	f.Add([]byte("fusion:\n  matrix:\n    - name: x\n      nope: 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Parse must never panic, whatever the bytes.
		_, _ = Parse(b)
	})
}
