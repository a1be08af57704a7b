// Package bench generates traffic profiles and measures the detector on
// them: a deterministic generator of Records (and of frames for capture
// files) that mimics the scanners and benign hosts of the lab captures,
// and a harness that runs a profile through the full detector at a chosen
// number of workers and reports rate, cost, memory and time to detect.
package bench

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned by this package; callers test them with errors.Is.
var (
	// ErrUnknownProfile is returned for a profile name that is not one of
	// ProfileNames.
	ErrUnknownProfile = errors.New("unknown profile")
	// ErrEmptyMix is returned when a profile's shares leave no component
	// with packets to send.
	ErrEmptyMix = errors.New("profile has no traffic")
)

// Config says what to generate and how to run it. Zero Packets, Sources
// and ScanShare take the profile's defaults.
type Config struct {
	// Profile names the traffic mix (see ProfileNames).
	Profile string `yaml:"profile"`
	// Seed makes the traffic: one seed, one packet sequence.
	Seed uint64 `yaml:"seed"`
	// Packets is how many packets to generate.
	Packets int `yaml:"packets"`
	// Sources sizes the profile's populations: clients, remote peers or
	// spoofed sources.
	Sources int `yaml:"sources"`
	// ScanShare is the share of the packets that scanners and the answers
	// to their probes make up, in (0, 1].
	ScanShare float64 `yaml:"scan_share"`
	// LinkPps spaces the packets in capture time: 14.88 Mpps is a 10 GbE
	// link full of minimum-size frames.
	LinkPps float64 `yaml:"link_pps"`
	// Workers is how many detector workers the harness runs, one goroutine
	// and one shard of the sources each.
	Workers int `yaml:"workers"`
	// Chunk is how many packets are generated and sharded before the
	// workers run over them; generation is never timed.
	Chunk int `yaml:"chunk"`
	// Burst is how many Records a worker hands Process at once, as it
	// would dequeue them from its ring.
	Burst int `yaml:"burst"`
}

// Default returns the configuration of `scanguard bench` without flags.
func Default() Config {
	return Config{Profile: "mixed", Seed: 1, LinkPps: 14.88e6, Workers: 1, Chunk: 1 << 20,
		Burst: 256}
}

// Validate reports every problem in c, each with its YAML path under
// "bench".
func (c *Config) Validate() error {
	var errs []error
	bad := func(path, msg string) {
		errs = append(errs, fmt.Errorf("bench.%s: %s", path, msg))
	}
	if _, ok := LookupProfile(c.Profile); !ok {
		errs = append(errs, fmt.Errorf("bench.profile: %w %q (want one of %s)",
			ErrUnknownProfile, c.Profile, strings.Join(ProfileNames(), ", ")))
	}
	if c.Packets < 0 {
		bad("packets", "must be >= 0")
	}
	if c.Sources < 0 || c.Sources >= 1<<popBits {
		bad("sources", fmt.Sprintf("must be within 0..%d", 1<<popBits-1))
	}
	if c.ScanShare < 0 || c.ScanShare > 1 {
		bad("scan_share", "must be within 0..1")
	}
	if !(c.LinkPps > 0) {
		bad("link_pps", "must be > 0")
	}
	if c.Workers < 1 || c.Workers > 256 {
		bad("workers", "must be within 1..256")
	}
	if c.Chunk < 1 {
		bad("chunk", "must be > 0")
	}
	if c.Burst < 1 {
		bad("burst", "must be > 0")
	}
	return errors.Join(errs...)
}

// Resolve validates c and fills its zero fields from the profile.
func (c Config) Resolve() (Config, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	p, _ := LookupProfile(c.Profile)
	if c.Packets == 0 {
		c.Packets = p.Packets
	}
	if c.Sources == 0 {
		c.Sources = p.Sources
	}
	if c.ScanShare == 0 {
		c.ScanShare = p.ScanShare
	}
	return c, nil
}
