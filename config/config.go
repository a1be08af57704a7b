// Package config is scanguard's one YAML file: every stage's settings under
// one root, decoded strictly and validated as a whole.
package config

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"scanguard/alert"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/dpdk"
	"scanguard/engine"
	"scanguard/fusion"
	"scanguard/metrics"
	"scanguard/source/netflow"
)

// Config is the whole configuration.
type Config struct {
	// Workers is how many detection workers run; each owns a shard of
	// the sources. 0 means one per CPU.
	Workers int `yaml:"workers"`
	// Fingerprints is the path of a fingerprint database; empty uses the
	// shipped one.
	Fingerprints string          `yaml:"fingerprints"`
	Detector     detector.Config `yaml:"detector"`
	Fusion       fusion.Config   `yaml:"fusion"`
	Alert        alert.Config    `yaml:"alert"`
	// Engine sizes the live workers' batches and queues (scanguard run).
	Engine  engine.Config  `yaml:"engine"`
	Source  SourceConfig   `yaml:"source"`
	DPDK    dpdk.Config    `yaml:"dpdk"`
	Metrics metrics.Config `yaml:"metrics"`
	Log     LogConfig      `yaml:"log"`
}

// Default returns the shipped configuration.
func Default() Config {
	return Config{
		Workers:  0,
		Detector: detector.Default(),
		Fusion:   fusion.Default(),
		Alert:    alert.Default(),
		Engine:   engine.Default(),
		Source:   defaultSource(),
		DPDK:     dpdk.Default(),
		Metrics:  metrics.Default(),
		Log:      defaultLog(),
	}
}

// Validate reports every problem in c at once, each with its YAML path.
func (c *Config) Validate() error {
	var errs []error
	if !c.workersValid() {
		errs = append(errs, fmt.Errorf("workers: must be within 0..%d", engine.MaxWorkers))
	}
	errs = append(errs, c.Detector.Validate("detector"), c.Fusion.Validate("fusion"))
	// The alert stage's errors carry their full paths already.
	errs = append(errs, c.Alert.Validate())
	errs = append(errs, c.validateLive()...)
	return errors.Join(errs...)
}

// WorkerCount resolves Workers = 0 to the number of CPUs, at most
// engine.MaxWorkers.
func (c *Config) WorkerCount() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return min(runtime.NumCPU(), engine.MaxWorkers)
}

func (c *Config) workersValid() bool { return c.Workers >= 0 && c.Workers <= engine.MaxWorkers }

// FingerprintDB loads the configured fingerprint database.
func (c *Config) FingerprintDB() (*fingerprint.DB, error) {
	if c.Fingerprints == "" {
		return fingerprint.Default(), nil
	}
	return fingerprint.Load(c.Fingerprints)
}

// Load reads the file at path over the defaults: keys it leaves out keep
// their default values, unknown keys are errors with their line numbers,
// and the result is validated.
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return Config{}, fmt.Errorf("load config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes YAML over the defaults and validates the result. It
// reports every problem at once: unknown keys and mistyped values with
// their lines and paths, then what Validate finds.
func Parse(b []byte) (Config, error) {
	c := Default()
	errs, dropped := decodeStrict(b, &c)
	if err := c.Validate(); err != nil {
		errs = append(errs, notUnder(err, dropped)...)
	}
	// The files the configuration names are read here, so that a bad
	// path is reported with every other problem, not alone on the next
	// check or at start.
	if err := c.Fusion.Model.Load(); err != nil {
		errs = append(errs, fmt.Errorf("fusion.model.path: %w", err))
	}
	if c.Fingerprints != "" {
		if _, err := fingerprint.Load(c.Fingerprints); err != nil {
			errs = append(errs, fmt.Errorf("fingerprints: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	if c.Source.Type == SourceNetFlow {
		// Flows show no headers: add the rows that decide on flow
		// features, unless the file defines rows of the same names.
		c.Fusion.Matrix = netflow.WithFlowRows(c.Fusion.Matrix)
		c.Detector = netflow.WithFlowPromotion(c.Detector)
	}
	return c, nil
}
