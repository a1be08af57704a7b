//go:build dpdk

package dpdk

import "testing"

// Bits of rte_eth_rss_hf (rte_ethdev.h).
const (
	rssIPv4         = 1 << 2
	rssFragIPv4     = 1 << 3
	rssIPv4TCP      = 1 << 4
	rssIPv4UDP      = 1 << 5
	rssIPv4Other    = 1 << 7
	rssIPv6         = 1 << 8
	rssL3SrcOnly    = 1 << 63
	rssAllIPv4Types = rssIPv4 | rssFragIPv4 | rssIPv4TCP | rssIPv4UDP | rssIPv4Other
)

func TestChooseRSS(t *testing.T) {
	cases := []struct {
		name    string
		offered uint64
		wantHF  uint64
		want    RSS
	}{
		{"source only offered", rssAllIPv4Types | rssIPv6 | rssL3SrcOnly,
			rssAllIPv4Types | rssL3SrcOnly, RSSIPv4Src},
		{"IPv4 without modifiers", rssIPv4 | rssIPv4TCP | rssIPv6, rssIPv4 | rssIPv4TCP, RSSIPv4},
		{"TCP and UDP only", rssIPv4TCP | rssIPv4UDP | rssL3SrcOnly,
			rssIPv4TCP | rssIPv4UDP | rssL3SrcOnly, RSSIPv4Src},
		{"IPv6 only", rssIPv6, 0, RSSNone},
		{"nothing", 0, 0, RSSNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hf, mode := chooseRSS(tc.offered)
			if hf != tc.wantHF || mode != tc.want {
				t.Errorf("chooseRSS(%#x) = %#x, %v; want %#x, %v", tc.offered, hf, mode,
					tc.wantHF, tc.want)
			}
		})
	}
}
