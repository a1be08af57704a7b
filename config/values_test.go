package config

import (
	"strings"
	"testing"
)

// TestParseRejectsValuesYAMLLetsThrough covers the values yaml.v3 decodes
// without complaint but no setting can mean: a fraction truncated into an
// integer, NaN and infinities, a second document. Each is one problem,
// with its line and path, and leaves no second complaint behind.
func TestParseRejectsValuesYAMLLetsThrough(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"fraction in an int", "fusion:\n  attribute_after: 1.9\n",
			"line 2: fusion.attribute_after: must be a whole number, got 1.9"},
		{"fraction in a size", "detector:\n  max_sources: 8.9\n",
			"line 2: detector.max_sources: must be a whole number, got 8.9"},
		{"fraction in a list of ints", "engine:\n  cpus: [0, 1.5]\n",
			"line 2: engine.cpus[1]: must be a whole number, got 1.5"},
		{"negative infinity in an int", "workers: -.inf\n",
			"line 1: workers: must be a finite number, got -.inf"},
		{"NaN in a float", "fusion:\n  vote:\n    rate_cv_max: .nan\n",
			"line 3: fusion.vote.rate_cv_max: must be a finite number, got .nan"},
		{"NaN speed", "source:\n  type: pcap\n  pcap:\n    files: [a.pcap]\n    speed: .NaN\n",
			"line 5: source.pcap.speed: must be a finite number, got .NaN"},
		{"infinite speed", "source:\n  pcap:\n    speed: +.inf\n",
			"line 3: source.pcap.speed: must be a finite number, got +.inf"},
		{"number for a duration", "detector:\n  idle: 300\n",
			"line 2: detector.idle: cannot unmarshal !!int `300` into time.Duration"},
		{"wrong type inside a sink", "alert:\n  sinks:\n    - type: syslog\n" +
			"      address: [1]\n",
			"line 4: alert.sinks[0].address: cannot unmarshal !!seq into string"},
		{"list item of the wrong kind", "alert:\n  sinks:\n    - [1]\n",
			"line 3: alert.sinks[0]: cannot unmarshal !!seq into sink.plain"},
		{"second document", "workers: 2\n---\nworkers: 3\n",
			"line 2: more than one YAML document; a configuration is one document"},
		{"not a mapping", "3\n", "line 1: cannot unmarshal !!int `3` into config.Config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text))
			if err == nil {
				t.Fatalf("Parse accepted %q", tc.text)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Parse = %q, want exactly %q", got, tc.want)
			}
		})
	}
}

func TestParseAcceptsWholeFloatsAndEmptyDocuments(t *testing.T) {
	tests := []struct {
		name, text string
		check      func(c *Config) bool
	}{
		{"exponent in an int", "detector:\n  max_sources: 1e6\n",
			func(c *Config) bool { return c.Detector.MaxSources == 1_000_000 }},
		{"whole float in an int", "workers: 2.0\n",
			func(c *Config) bool { return c.Workers == 2 }},
		{"document marker first", "---\nworkers: 3\n",
			func(c *Config) bool { return c.Workers == 3 }},
		{"trailing document marker", "workers: 3\n---\n",
			func(c *Config) bool { return c.Workers == 3 }},
		{"trailing empty document with a comment", "workers: 3\n---\n# end\n...\n",
			func(c *Config) bool { return c.Workers == 3 }},
		{"null keeps the default", "workers:\nfusion:\n",
			func(c *Config) bool { return c.Workers == 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.text))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tc.text, err)
			}
			if !tc.check(&c) {
				t.Errorf("Parse(%q) decoded the wrong value", tc.text)
			}
		})
	}
}

// TestParseReportsMixedProblemsOnce checks that bad values among good ones
// are reported once each, and that the rest of the file still decodes.
func TestParseReportsMixedProblemsOnce(t *testing.T) {
	const text = `workers: 2
fusion:
  attribute_after: 0.5
detector:
  max_sources: 1e5
  idle: 2m
source:
  pcap:
    speed: .inf
`
	_, err := Parse([]byte(text))
	if err == nil {
		t.Fatal("Parse accepted a broken file")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{
		"line 3: fusion.attribute_after: must be a whole number, got 0.5",
		"line 9: source.pcap.speed: must be a finite number, got .inf",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
