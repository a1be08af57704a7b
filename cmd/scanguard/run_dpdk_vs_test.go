//go:build dpdk

package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestRunDPDKVsTestpmd runs scripts/dpdk/run_vs_testpmd.sh briefly: testpmd
// rxonly and `scanguard run` with full detection on the same net_pcap
// device and cores. Both must report a rate and the ratio, and neither
// port may lose a frame for want of a descriptor or an mbuf; how fast each
// goes depends on the machine, so only a floor far below either is held.
func TestRunDPDKVsTestpmd(t *testing.T) {
	needDPDKRoot(t, "dpdk-testpmd", "jq")
	capPath := corpusFile(t, "mixed_bg_masscan.pcap")
	out, err := exec.Command("bash", "../../scripts/dpdk/run_vs_testpmd.sh", capPath, "3",
		"1").CombinedOutput()
	if err != nil {
		t.Fatalf("run_vs_testpmd.sh: %v\n%s", err, out)
	}
	t.Logf("\n%s", out)
	num := func(re string) float64 {
		m := regexp.MustCompile(re).FindSubmatch(out)
		if m == nil {
			t.Fatalf("output lacks %s:\n%s", re, out)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	for _, c := range []struct {
		name string
		re   string
		min  float64
	}{
		{"testpmd Mpps", `(?m)^testpmd: +([0-9.]+) Mpps`, 0.5},
		{"scanguard Mpps processed", `(?m)^scanguard: +([0-9.]+) Mpps processed`, 0.5},
		{"ratio", `(?m)^ratio: +([0-9.]+)`, 0.01},
	} {
		if got := num(c.re); got < c.min {
			t.Errorf("%s = %v, want >= %v", c.name, got, c.min)
		}
	}
	// The round line: "testpmd N Mpps (imissed A, ...); scanguard ... Mpps
	// received (imissed B, ...)".
	for _, side := range []string{`testpmd [0-9.]+ Mpps \(`, `Mpps received \(`} {
		for _, d := range []string{"imissed", "ierrors", "rx_nombuf"} {
			if got := num(side + `[^)]*?` + d + ` ([0-9]+)`); got != 0 {
				t.Errorf("%s: %s = %v, want 0", side, d, got)
			}
		}
	}
}
