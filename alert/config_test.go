package alert

import (
	"bytes"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"scanguard/alert/sink"
)

const exampleYAML = `
recommendation:
  critical: block_source_ip
  high: block_source_ip
  medium: rate_limit
  low: monitor
  none: monitor
ipid_incremental_ratio: 0.9
suppression:
  window: 15m
  confidence_step: 5
  max_sources: 5000
  min_severity: medium
  allow:
    - cidr: 192.0.2.10/32
    - cidr: 198.51.100.0/24
      ports: "40000-40100"
  sensitivity:
    - cidr: 10.0.0.0/8
      min_severity: critical
enrich:
  asn_db: ""
  country_db: ""
sinks:
  - type: stdout
  - type: syslog
    name: soc
    format: rfc3164
    network: tcp
    address: 127.0.0.1:6514
    framing: octet_counting
    facility: local4
    app_name: scanguard
    queue_size: 1024
    dial_timeout: 2s
    write_timeout: 2s
    backoff_min: 200ms
    backoff_max: 1m
`

// TestConfigYAML decodes a full configuration strictly, as the product
// loads it, starting from the defaults.
func TestConfigYAML(t *testing.T) {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader([]byte(exampleYAML)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if cfg.Suppression.Window != 15*time.Minute || cfg.Suppression.MinSeverity != "medium" {
		t.Errorf("suppression %+v", cfg.Suppression)
	}
	if len(cfg.Sinks) != 2 {
		t.Fatalf("got %d sinks, want 2", len(cfg.Sinks))
	}
	s := cfg.Sinks[1]
	if s.BackoffMax != time.Minute || s.Format != sink.FormatRFC3164 || s.Name != "soc" {
		t.Errorf("sink %+v", s)
	}
	// Each sink of the list starts from the sink defaults.
	if q := cfg.Sinks[0].QueueSize; q != sink.Default().QueueSize {
		t.Errorf("stdout sink queue size %d, want the default", q)
	}

	for _, doc := range []string{
		"suppresion:\n  window: 1m\n",
		"sinks:\n  - type: stdout\n    queue_sise: 10\n",
	} {
		bad := Default()
		dec = yaml.NewDecoder(bytes.NewReader([]byte(doc)))
		dec.KnownFields(true)
		if err := dec.Decode(&bad); err == nil {
			t.Errorf("a misspelt key was accepted in %q", doc)
		}
	}
}
