package config

import (
	"errors"
	"fmt"
	"time"

	"scanguard/source/afpacket"
	"scanguard/source/netflow"
)

// Source types, the values of SourceConfig.Type.
const (
	SourceAFPacket = "afpacket" // a Linux interface through AF_PACKET rings
	SourceDPDK     = "dpdk"     // DPDK ports (a binary built with -tags dpdk)
	SourcePcap     = "pcap"     // capture files replayed through the live engine
	SourceNetFlow  = "netflow"  // a NetFlow v5/v9/IPFIX collector on UDP
)

// SourceConfig says where `scanguard run` reads packets. Only the section
// of the chosen type is checked; the DPDK settings are the top-level dpdk
// section.
type SourceConfig struct {
	// Type is afpacket, dpdk, pcap or netflow.
	Type     string          `yaml:"type"`
	AFPacket afpacket.Config `yaml:"afpacket"`
	Pcap     PcapConfig      `yaml:"pcap"`
	NetFlow  netflow.Config  `yaml:"netflow"`
}

// PcapConfig replays capture files through the live engine, for tests and
// for re-running an incident through the appliance's exact configuration.
type PcapConfig struct {
	// Files are the captures, read in order.
	Files []string `yaml:"files"`
	// Speed paces the replay: 1 is real time, 10 ten times faster; 0 reads
	// as fast as the engine takes the Records.
	Speed float64 `yaml:"speed"`
	// MaxGap is the longest pause a paced replay makes between two
	// packets. A longer gap (a capture left idle, or a timestamp years off
	// after a clock jump) is replayed as MaxGap and counted, so that one
	// bad timestamp cannot stall the replay. The default, 5s, is longer
	// than the engine's default idle flush (2s), so a pause that flushes
	// the live appliance flushes the replay too.
	MaxGap time.Duration `yaml:"max_gap"`
}

// LogConfig configures the process log.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is json, console, or auto: console on a terminal, JSON
	// otherwise.
	Format string `yaml:"format"`
	// StatsInterval is how often a stats line is logged; 0 turns it off.
	StatsInterval time.Duration `yaml:"stats_interval"`
}

func defaultSource() SourceConfig {
	a := afpacket.Default()
	a.Interface = "eth0"
	return SourceConfig{Type: SourceAFPacket, AFPacket: a,
		Pcap: PcapConfig{Speed: 0, MaxGap: 5 * time.Second}, NetFlow: netflow.Default()}
}

func defaultLog() LogConfig {
	return LogConfig{Level: "info", Format: "auto", StatsInterval: 10 * time.Second}
}

// Validate reports every problem in c with its YAML path under "source".
func (c *SourceConfig) Validate() error {
	var errs []error
	switch c.Type {
	case SourceAFPacket:
		errs = append(errs, c.AFPacket.Validate("source.afpacket"))
	case SourcePcap:
		if len(c.Pcap.Files) == 0 {
			errs = append(errs, errors.New("source.pcap.files: must name at least one file"))
		}
	case SourceDPDK:
	case SourceNetFlow:
		errs = append(errs, c.NetFlow.Validate("source.netflow"))
	default:
		errs = append(errs, fmt.Errorf("source.type: %q must be afpacket, dpdk, pcap or netflow",
			c.Type))
	}
	if c.Pcap.Speed < 0 {
		errs = append(errs, errors.New("source.pcap.speed: must be >= 0"))
	}
	if c.Pcap.MaxGap <= 0 {
		errs = append(errs, errors.New("source.pcap.max_gap: must be > 0"))
	}
	return errors.Join(errs...)
}

// Validate reports every problem in c with its YAML path under "log".
func (c *LogConfig) Validate() error {
	var errs []error
	switch c.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level: %q must be debug, info, warn or error",
			c.Level))
	}
	switch c.Format {
	case "auto", "json", "console":
	default:
		errs = append(errs, fmt.Errorf("log.format: %q must be auto, json or console",
			c.Format))
	}
	if c.StatsInterval < 0 {
		errs = append(errs, errors.New("log.stats_interval: must be >= 0"))
	}
	return errors.Join(errs...)
}

// validateLive checks the sections only `scanguard run` reads.
func (c *Config) validateLive() []error {
	// A worker count out of range is reported once, by Validate; the
	// sections sized by it are checked as if it were one.
	workers := c.WorkerCount()
	if !c.workersValid() {
		workers = 1
	}
	e := c.Engine
	e.Workers = workers
	errs := []error{e.Validate("engine"), c.Source.Validate(), c.Log.Validate()}
	if err := c.Metrics.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Source.Type == SourceDPDK {
		d := c.DPDK
		d.Workers = workers
		if err := d.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
