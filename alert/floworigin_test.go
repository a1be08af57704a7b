package alert

import (
	"encoding/json"
	"slices"
	"testing"

	"scanguard/fusion"
)

func TestSetFlowOrigin(t *testing.T) {
	tests := []struct {
		name        string
		origin      FlowOrigin
		wantPackets uint32
		wantRate    uint32
	}{
		{"unsampled", FlowOrigin{Exporter: "192.0.2.1:2055"}, 160, 0},
		{"rate one", FlowOrigin{Exporter: "192.0.2.1:2055", SamplingRate: 1}, 160, 0},
		{"one in 100", FlowOrigin{Exporter: "192.0.2.1:2055", SamplingRate: 100}, 16000, 100},
		{"saturates", FlowOrigin{SamplingRate: 1 << 30}, 1<<32 - 1, 1 << 30},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := masscanVerdict()
			v.Methods |= fusion.MethodSYNCookie | fusion.MethodFanOut
			a := FromVerdict(&v)
			a.SetFlowOrigin(tc.origin)
			if a.Source.Exporter != tc.origin.Exporter || a.Attribution != "flow_features" {
				t.Errorf("exporter, attribution = %q, %q; want %q, flow_features",
					a.Source.Exporter, a.Attribution, tc.origin.Exporter)
			}
			if a.PacketsSeen != tc.wantPackets || a.SamplingRate != tc.wantRate {
				t.Errorf("packets_seen, sampling_rate = %d, %d; want %d, %d",
					a.PacketsSeen, a.SamplingRate, tc.wantPackets, tc.wantRate)
			}
			if a.Tool != "" || a.AlertType != "PORT_SCAN" {
				t.Errorf("tool, alert_type = %q, %q; want none, PORT_SCAN", a.Tool, a.AlertType)
			}
			want := []string{"FAN_OUT", "THRESHOLD_MATRIX"}
			if !slices.Equal(a.DetectionMethods, want) {
				t.Errorf("detection_methods = %v, want %v", a.DetectionMethods, want)
			}
			f := a.Features
			if f.TCPFingerprintScore != nil || f.IPIDIncremental != nil || f.SeqAutocorr != nil ||
				f.InvariantHits != 0 {
				t.Errorf("header features kept: %+v", f)
			}
		})
	}
}

func TestFlowOriginJSON(t *testing.T) {
	v := masscanVerdict()
	a := FromVerdict(&v)
	a.SetFlowOrigin(FlowOrigin{Exporter: "192.0.2.1:2055", SamplingRate: 4})
	b, err := json.Marshal(&a)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	src, _ := got["source"].(map[string]any)
	if src["exporter"] != "192.0.2.1:2055" || got["attribution"] != "flow_features" ||
		got["sampling_rate"] != float64(4) {
		t.Errorf("got %s; want source.exporter, attribution and sampling_rate", b)
	}

	// A packet alert carries none of the three.
	b, _ = json.Marshal(FromVerdict(&v))
	got = nil
	json.Unmarshal(b, &got)
	src, _ = got["source"].(map[string]any)
	if _, ok := src["exporter"]; ok || got["attribution"] != nil || got["sampling_rate"] != nil {
		t.Errorf("packet alert %s has flow fields", b)
	}
}
