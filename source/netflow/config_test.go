package netflow

import (
	"errors"
	"strings"
	"testing"
	"time"

	"scanguard/fusion"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
		want []string // one substring per problem
	}{
		{"default", func(*Config) {}, nil},
		{"port zero", func(c *Config) { c.Listen = "127.0.0.1:0" }, nil},
		{"no port", func(c *Config) { c.Listen = "127.0.0.1" },
			[]string{`source.netflow.listen: "127.0.0.1" is not an address:port`}},
		{"every bound", func(c *Config) {
			c.ReadBuffer, c.Reorder, c.MaxExporters = -1, time.Minute, 0
			c.MaxTemplates, c.TemplateWait, c.MaxPendingBytes = 0, -1, -1
		}, []string{"read_buffer", "reorder", "max_exporters: must be within 1..4096",
			"max_templates", "template_wait", "max_pending_bytes"}},
		{"flow rules", func(c *Config) {
			c.Flows = SynthConfig{ProbeMaxBytes: 20, MaxProbesPerFlow: 0, MaxPayloadPerFlow: 2000}
		}, []string{"source.netflow.flows.probe_max_bytes: must be within 40..1500",
			"flows.max_probes_per_flow", "flows.max_payload_per_flow"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.edit(&c)
			err := c.Validate("source.netflow")
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			var j interface{ Unwrap() []error }
			if !errors.As(err, &j) {
				t.Fatalf("err = %v, want joined problems", err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("err = %q, want one containing %q", msg, w)
				}
			}
			if n := strings.Count(msg, "\n") + 1; n != len(tc.want) {
				t.Errorf("%d problems reported, want %d:\n%s", n, len(tc.want), msg)
			}
		})
	}
}

func TestWithFlowRows(t *testing.T) {
	shipped := fusion.Default().Matrix
	got := WithFlowRows(shipped)
	if len(got) != len(shipped)+2 || got[len(got)-2].Name != "flow_fan_out" ||
		got[len(got)-1].Name != "flow_early" {
		t.Fatalf("rows %d, last two %q, %q", len(got), got[len(got)-2].Name,
			got[len(got)-1].Name)
	}
	cfg := fusion.Default()
	cfg.Matrix = got
	if err := cfg.Validate("fusion"); err != nil {
		t.Errorf("the flow rows do not validate: %v", err)
	}

	// A configuration's own row of that name wins.
	own := append(shipped[:len(shipped):len(shipped)],
		fusion.Row{Name: "flow_early", Action: "ignore", Severity: "low"})
	got = WithFlowRows(own)
	if len(got) != len(own)+1 || got[len(own)-1].Action != "ignore" {
		t.Errorf("own row replaced or doubled: %d rows", len(got))
	}
	if len(shipped) != len(fusion.Default().Matrix) {
		t.Error("WithFlowRows changed its argument")
	}
}
