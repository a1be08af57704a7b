package netflow

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Config is the source.netflow section of scanguard.yaml.
type Config struct {
	// Listen is the UDP address exporters send to, "host:port". Routers
	// commonly export to 2055 (NetFlow) or 4739 (IPFIX); one socket takes
	// v5, v9 and IPFIX alike.
	Listen string `yaml:"listen"`
	// ReadBuffer is the socket's receive buffer in bytes. Exporters send
	// in bursts (softflowd and routers flush many expired flows at once),
	// so a small buffer loses datagrams; as root the kernel's rmem_max
	// limit is bypassed.
	ReadBuffer int `yaml:"read_buffer"`
	// Reorder is how long Records are held and sorted by time before they
	// reach the workers. Exporters send flows when they expire, not in
	// the order they started, and the order and timing statistics read
	// probes in arrival order. It bounds the delay the collector adds.
	Reorder time.Duration `yaml:"reorder"`
	// MaxExporters caps the exporters whose templates are kept; datagrams
	// from further exporters are counted and dropped.
	MaxExporters int `yaml:"max_exporters"`
	// MaxTemplates caps the templates kept per exporter.
	MaxTemplates int `yaml:"max_templates"`
	// TemplateWait is how long a data set whose template has not arrived
	// yet is kept, to be decoded when the template comes.
	TemplateWait time.Duration `yaml:"template_wait"`
	// MaxPendingBytes caps the data sets waiting for a template, per
	// exporter; older ones are dropped first.
	MaxPendingBytes int `yaml:"max_pending_bytes"`
	// SamplingRate, when > 0, is the 1-in-N packet sampling assumed for
	// exporters that do not announce theirs. An announced rate wins.
	SamplingRate uint32 `yaml:"sampling_rate"`
	// Flows says how flow records become the Records the detector reads.
	Flows SynthConfig `yaml:"flows"`
}

// SynthConfig says how a flow record is turned into Records.
type SynthConfig struct {
	// ProbeMaxBytes is the largest mean IP packet size, in bytes, of a
	// flow whose packets count as probes: a bare SYN is 40 to 60 bytes
	// (IP and TCP headers, the TCP options of a client stack included).
	ProbeMaxBytes int `yaml:"probe_max_bytes"`
	// MaxProbesPerFlow caps the probe Records one flow record yields: a
	// flow of many probes to one target says no more than a few do.
	MaxProbesPerFlow int `yaml:"max_probes_per_flow"`
	// MaxPayloadPerFlow caps the payload Records one flow record yields.
	MaxPayloadPerFlow int `yaml:"max_payload_per_flow"`
}

// Default returns a collector on 0.0.0.0:2055 with an 8 MiB socket buffer,
// 100ms of reordering, up to 1024 exporters of 256 templates each, data
// sets kept 10 minutes (1 MiB per exporter) for a late template, no
// assumed sampling, and the flow rules described in SynthConfig.
func Default() Config {
	return Config{
		Listen:          "0.0.0.0:2055",
		ReadBuffer:      8 << 20,
		Reorder:         100 * time.Millisecond,
		MaxExporters:    1024,
		MaxTemplates:    256,
		TemplateWait:    10 * time.Minute,
		MaxPendingBytes: 1 << 20,
		Flows:           DefaultSynth(),
	}
}

// DefaultSynth returns a probe size limit of 64 bytes (a 60-byte SYN with
// options, and Ethernet padding counted by some exporters), at most 8
// probe and 8 payload Records per flow.
func DefaultSynth() SynthConfig {
	return SynthConfig{ProbeMaxBytes: 64, MaxProbesPerFlow: 8, MaxPayloadPerFlow: 8}
}

// Validate reports every problem in c, each with its YAML path under
// prefix (for example "source.netflow").
func (c *Config) Validate(prefix string) error {
	var errs []error
	bad := func(key, msg string) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, key, msg))
	}
	if _, err := netip.ParseAddrPort(c.Listen); err != nil {
		bad("listen", fmt.Sprintf("%q is not an address:port", c.Listen))
	}
	if c.ReadBuffer < 0 || c.ReadBuffer > 1<<30 {
		bad("read_buffer", "must be within 0..1GiB")
	}
	if c.Reorder < 0 || c.Reorder > 10*time.Second {
		bad("reorder", "must be within 0..10s")
	}
	if c.MaxExporters < 1 || c.MaxExporters > maxExporters {
		bad("max_exporters", fmt.Sprintf("must be within 1..%d", maxExporters))
	}
	if c.MaxTemplates < 1 || c.MaxTemplates > 65535 {
		bad("max_templates", "must be within 1..65535")
	}
	if c.TemplateWait < 0 {
		bad("template_wait", "must be >= 0")
	}
	if c.MaxPendingBytes < 0 {
		bad("max_pending_bytes", "must be >= 0")
	}
	errs = append(errs, c.Flows.Validate(prefix+".flows"))
	return errors.Join(errs...)
}

// Validate reports every problem in c, each with its YAML path under
// prefix (for example "source.netflow.flows").
func (c *SynthConfig) Validate(prefix string) error {
	var errs []error
	if c.ProbeMaxBytes < 40 || c.ProbeMaxBytes > 1500 {
		errs = append(errs, fmt.Errorf("%s.probe_max_bytes: must be within 40..1500", prefix))
	}
	if c.MaxProbesPerFlow < 1 || c.MaxProbesPerFlow > 1024 {
		errs = append(errs, fmt.Errorf("%s.max_probes_per_flow: must be within 1..1024", prefix))
	}
	if c.MaxPayloadPerFlow < 1 || c.MaxPayloadPerFlow > 1024 {
		errs = append(errs, fmt.Errorf("%s.max_payload_per_flow: must be within 1..1024",
			prefix))
	}
	return errors.Join(errs...)
}
