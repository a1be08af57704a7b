package dpdk

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Config is the dpdk section of scanguard.yaml.
type Config struct {
	EAL   EALConfig    `yaml:"eal"`
	Ports []PortConfig `yaml:"ports"`

	// Workers is the number of Go workers, hence of Rings. Records go to
	// worker detector.Shard(record.Key(), Workers).
	Workers int `yaml:"workers"`

	// RingSize is the capacity of each lane of a Ring in Records, a power of
	// two. A full lane drops Records and counts them; it never stalls RX.
	RingSize int `yaml:"ring_size"`
}

// EALConfig holds the options given to rte_eal_init.
type EALConfig struct {
	// Lcores selects the lcores: a list ("0-2", "0,2"), a hexadecimal mask
	// ("0x6"), or an lcore-to-CPU map ("0@(0-1),1@1", the EAL's --lcores)
	// that also decides which CPUs threads started after init may use.
	Lcores string `yaml:"lcores"`

	// MainLcore is the lcore that runs the control thread; -1 leaves the
	// EAL's choice, the first lcore. It never polls.
	MainLcore int `yaml:"main_lcore"`

	// NoHuge runs on ordinary pages (labs, CI); MemMB then sizes the memory.
	NoHuge bool `yaml:"no_huge"`
	// MemMB is the memory the EAL reserves, in MiB; 0 lets the EAL decide
	// (with hugepages, all it finds).
	MemMB int `yaml:"mem_mb"`

	// FilePrefix names the EAL's runtime files, so that several DPDK
	// processes can share a host.
	FilePrefix string `yaml:"file_prefix"`

	// NoPCI disables the PCI bus; PCI lists the devices to use (an
	// allowlist of addresses such as "0000:3b:00.0"). With neither, the EAL
	// probes every PCI device bound to a DPDK driver.
	NoPCI bool     `yaml:"no_pci"`
	PCI   []string `yaml:"pci"`

	// Vdevs are virtual devices, e.g. "net_pcap0,rx_pcap=a.pcap",
	// "net_null0", "net_memif0,role=client,socket=/run/sg.sock".
	Vdevs []string `yaml:"vdevs"`

	// LogLevel is the EAL's log level: emergency, alert, critical, error,
	// warning, notice, info or debug.
	LogLevel string `yaml:"log_level"`

	// Args are further EAL arguments, passed as they are.
	Args []string `yaml:"args"`
}

// PortConfig configures one port.
type PortConfig struct {
	// Name is the device name: a vdev's name ("net_pcap0") or a PCI
	// address ("0000:3b:00.0").
	Name string `yaml:"name"`

	// RxQueues is the number of RX queues wanted; the device's maximum caps
	// it. Several queues are spread by RSS on the IPv4 source address where
	// the device offers it.
	RxQueues int `yaml:"rx_queues"`

	// RxDescriptors is the size of each RX descriptor ring.
	RxDescriptors int `yaml:"rx_descriptors"`

	// Mbufs is the least number of mbufs in the port's pool; the pool is
	// made larger when the descriptors, lcore caches or, for net_pcap, the
	// packets of its rx_pcap files need more. net_pcap delivers nothing at
	// all when its pool holds fewer mbufs than its file has packets.
	Mbufs int `yaml:"mbufs"`

	// Promiscuous puts the port in promiscuous mode: a passive tap sees
	// traffic addressed to other hosts.
	Promiscuous bool `yaml:"promiscuous"`
}

// MaxWorkers is the largest number of Workers a plane supports.
const MaxWorkers = 64

// Default returns the lab configuration: two lcores, no hugepages, 1 GiB,
// no PCI, one worker. Ports and vdevs are left for the caller.
func Default() Config {
	return Config{
		EAL: EALConfig{
			Lcores:     "0-1",
			MainLcore:  -1,
			NoHuge:     true,
			MemMB:      1024,
			FilePrefix: "scanguard",
			NoPCI:      true,
			LogLevel:   "notice",
		},
		Workers:  1,
		RingSize: 1 << 16,
	}
}

// DefaultPort returns a port configuration with one queue, 1024
// descriptors and promiscuous mode.
func DefaultPort(name string) PortConfig {
	return PortConfig{Name: name, RxQueues: 1, RxDescriptors: 1024, Promiscuous: true}
}

var (
	lcoreListRE = regexp.MustCompile(`^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$`)
	lcoreMaskRE = regexp.MustCompile(`^0[xX][0-9a-fA-F]+$`)
	lcoreMapRE  = regexp.MustCompile(`^[0-9@(),\-]+$`)
	pciAddrRE   = regexp.MustCompile(`^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$`)
)

var logLevels = []string{
	"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug",
}

// Validate reports every problem of c, each with its YAML path under dpdk.
func (c *Config) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("dpdk.%s: %s", path, fmt.Sprintf(format, args...)))
	}

	e := &c.EAL
	switch {
	case e.Lcores == "":
		bad("eal.lcores", "must not be empty")
	case lcoreListRE.MatchString(e.Lcores), lcoreMaskRE.MatchString(e.Lcores):
	case strings.Contains(e.Lcores, "@") && lcoreMapRE.MatchString(e.Lcores):
	default:
		bad("eal.lcores", "%q is not a list, a 0x mask or an lcore@cpu map", e.Lcores)
	}
	if e.MainLcore < -1 || e.MainLcore >= 128 {
		bad("eal.main_lcore", "must be -1 or in [0, 128)")
	}
	if e.MemMB < 0 {
		bad("eal.mem_mb", "must be >= 0")
	}
	if e.NoHuge && e.MemMB == 0 {
		bad("eal.mem_mb", "must be > 0 with no_huge")
	}
	if strings.ContainsAny(e.FilePrefix, "/ ") {
		bad("eal.file_prefix", "%q must not hold '/' or spaces", e.FilePrefix)
	}
	if e.NoPCI && len(e.PCI) > 0 {
		bad("eal.pci", "must be empty with no_pci")
	}
	for i, a := range e.PCI {
		if !pciAddrRE.MatchString(a) {
			bad(fmt.Sprintf("eal.pci[%d]", i), "%q is not a PCI address", a)
		}
	}
	for i, v := range e.Vdevs {
		if vdevName(v) == "" {
			bad(fmt.Sprintf("eal.vdevs[%d]", i), "%q has no device name", v)
		}
	}
	if e.LogLevel != "" && !validLogLevel(e.LogLevel) {
		bad("eal.log_level", "%q is not one of %s", e.LogLevel, strings.Join(logLevels, ", "))
	}

	if len(c.Ports) == 0 {
		bad("ports", "must list at least one port")
	}
	seen := map[string]bool{}
	for i, p := range c.Ports {
		path := fmt.Sprintf("ports[%d]", i)
		if p.Name == "" {
			bad(path+".name", "must not be empty")
		} else if seen[p.Name] {
			bad(path+".name", "%q is listed twice", p.Name)
		}
		seen[p.Name] = true
		if p.RxQueues < 1 || p.RxQueues > 1024 {
			bad(path+".rx_queues", "must be in [1, 1024]")
		}
		if p.RxDescriptors < 32 || p.RxDescriptors > 1<<15 {
			bad(path+".rx_descriptors", "must be in [32, 32768]")
		}
		if p.Mbufs < 0 {
			bad(path+".mbufs", "must be >= 0")
		}
	}
	if c.Workers < 1 || c.Workers > MaxWorkers {
		bad("workers", "must be in [1, %d]", MaxWorkers)
	}
	if c.RingSize < 64 || c.RingSize > 1<<24 || c.RingSize&(c.RingSize-1) != 0 {
		bad("ring_size", "must be a power of two in [64, 16777216]")
	}
	return errors.Join(errs...)
}

func validLogLevel(s string) bool {
	if n, err := strconv.Atoi(s); err == nil {
		return n >= 1 && n <= 8
	}
	for _, l := range logLevels {
		if s == l {
			return true
		}
	}
	return false
}

// vdevName returns the device name of a --vdev argument: the text before
// the first comma.
func vdevName(vdev string) string {
	name, _, _ := strings.Cut(vdev, ",")
	return strings.TrimSpace(name)
}

// vdevArgs returns the values of key in a --vdev argument, in order.
func vdevArgs(vdev, key string) []string {
	var out []string
	parts := strings.Split(vdev, ",")
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.TrimSpace(k) == key {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}
