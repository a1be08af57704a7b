package dpdk

import (
	"slices"
	"strings"
	"testing"
)

func labConfig() Config {
	c := Default()
	c.EAL.Vdevs = []string{"net_null0"}
	c.Ports = []PortConfig{DefaultPort("net_null0")}
	return c
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want []string // substrings of the error; none means valid
	}{
		{"default lab", func(*Config) {}, nil},
		{"lcore mask", func(c *Config) { c.EAL.Lcores = "0x3" }, nil},
		{"lcore map", func(c *Config) { c.EAL.Lcores = "0@(0-1),1@1" }, nil},
		{"bad lcores", func(c *Config) { c.EAL.Lcores = "one" }, []string{"dpdk.eal.lcores"}},
		{"no huge without mem", func(c *Config) { c.EAL.MemMB = 0 }, []string{"dpdk.eal.mem_mb"}},
		{"pci with no_pci", func(c *Config) { c.EAL.PCI = []string{"0000:01:00.0"} },
			[]string{"dpdk.eal.pci: must be empty"}},
		{"bad pci", func(c *Config) { c.EAL.NoPCI = false; c.EAL.PCI = []string{"eth0"} },
			[]string{"dpdk.eal.pci[0]"}},
		{"log level", func(c *Config) { c.EAL.LogLevel = "loud" }, []string{"dpdk.eal.log_level"}},
		{"no ports", func(c *Config) { c.Ports = nil }, []string{"dpdk.ports: must list"}},
		{"port twice", func(c *Config) { c.Ports = append(c.Ports, c.Ports[0]) },
			[]string{"dpdk.ports[1].name"}},
		{"queues", func(c *Config) { c.Ports[0].RxQueues = 0 }, []string{"dpdk.ports[0].rx_queues"}},
		{"ring size", func(c *Config) { c.RingSize = 1000 }, []string{"dpdk.ring_size"}},
		{"every problem", func(c *Config) { c.Workers = 0; c.RingSize = 3; c.EAL.LogLevel = "x" },
			[]string{"dpdk.workers", "dpdk.ring_size", "dpdk.eal.log_level"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := labConfig()
			tc.edit(&c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestEALArgs(t *testing.T) {
	cases := []struct {
		name string
		edit func(*EALConfig)
		want []string
	}{
		{"lab", func(*EALConfig) {}, []string{"scanguard", "-l", "0-1", "--no-huge", "-m", "1024",
			"--file-prefix", "scanguard", "--no-pci", "--vdev", "net_null0", "--log-level", "notice"}},
		{"mask and main lcore, hugepages, pci", func(e *EALConfig) {
			e.Lcores, e.MainLcore, e.NoHuge, e.MemMB = "0xf", 3, false, 0
			e.NoPCI, e.PCI, e.Vdevs, e.LogLevel = false, []string{"0000:3b:00.0"}, nil, ""
			e.Args = []string{"--in-memory"}
		}, []string{"scanguard", "-c", "0xf", "--main-lcore", "3", "--file-prefix", "scanguard",
			"-a", "0000:3b:00.0", "--in-memory"}},
		{"lcore map", func(e *EALConfig) {
			e.Lcores, e.Vdevs, e.LogLevel, e.FilePrefix = "0@(0-1),1@1", nil, "", ""
		}, []string{"scanguard", "--lcores", "0@(0-1),1@1", "--no-huge", "-m", "1024", "--no-pci"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := labConfig()
			tc.edit(&c.EAL)
			if got := ealArgs(&c.EAL); !slices.Equal(got, tc.want) {
				t.Errorf("ealArgs = %q\nwant        %q", got, tc.want)
			}
		})
	}
}

func TestMbufsFor(t *testing.T) {
	cases := []struct {
		name                  string
		mbufs, queues, lcores int
		pcap                  int
		want                  int
	}{
		{"one queue", 0, 1, 1, 0, 4095}, // 1024 + 288 + 1024
		{"configured floor", 100000, 1, 1, 0, 131071},
		{"pcap packets count", 0, 1, 1, 35000, 65535},
		{"queues and lcores", 0, 4, 2, 0, 8191}, // 4096 + 576 + 1024
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultPort("p")
			p.Mbufs = tc.mbufs
			if got := mbufsFor(&p, tc.queues, tc.lcores, tc.pcap); got != tc.want {
				t.Errorf("mbufsFor = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestVdevArgs(t *testing.T) {
	v := "net_pcap0,rx_pcap=/a.pcap, rx_pcap=/b.pcap,infinite_rx=1"
	if got := vdevName(v); got != "net_pcap0" {
		t.Errorf("vdevName = %q, want net_pcap0", got)
	}
	if got, want := vdevArgs(v, "rx_pcap"), []string{"/a.pcap", "/b.pcap"}; !slices.Equal(got, want) {
		t.Errorf("vdevArgs = %q, want %q", got, want)
	}
}
