package netflow_test

import (
	"strings"
	"testing"
	"time"

	"scanguard/config"
)

// TestConfigFile checks the source.netflow section as scanguard.yaml
// carries it: decoded strictly, validated with its paths, and the flow
// rows added to the matrix for source: netflow only.
func TestConfigFile(t *testing.T) {
	rows := func(c config.Config) map[string]string {
		m := map[string]string{}
		for _, r := range c.Fusion.Matrix {
			m[r.Name] = r.Action
		}
		return m
	}
	c, err := config.Parse([]byte(`
source:
  type: netflow
  netflow:
    listen: 127.0.0.1:4739
    reorder: 50ms
    sampling_rate: 100
`))
	if err != nil {
		t.Fatal(err)
	}
	nf := c.Source.NetFlow
	if nf.Listen != "127.0.0.1:4739" || nf.Reorder != 50*time.Millisecond ||
		nf.SamplingRate != 100 || nf.Flows.MaxProbesPerFlow != 8 {
		t.Errorf("source.netflow = %+v", nf)
	}
	if r := rows(c); r["flow_fan_out"] != "alert" || r["flow_early"] != "alert" {
		t.Errorf("matrix rows %v lack the flow rows", r)
	}

	c, err = config.Parse([]byte("source:\n  type: afpacket\n  afpacket: {interface: eth1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rows(c)["flow_fan_out"]; ok {
		t.Error("flow rows added for a packet source")
	}

	_, err = config.Parse([]byte(`
source:
  type: netflow
  netflow: {listen: "localhost", reorder_ms: 5}
`))
	for _, want := range []string{"reorder_ms", `source.netflow.listen: "localhost"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want one naming %q", err, want)
		}
	}
}
