package alert

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"scanguard/alert/enrich"
	"scanguard/alert/sink"
	"scanguard/fusion"
)

// Config configures the alert stage. Its YAML paths start with "alert.".
type Config struct {
	// Recommendation maps a verdict's severity to the alert's
	// recommendation.
	Recommendation Recommendation `yaml:"recommendation"`
	// IPIDIncrementalRatio is the share of increasing IP-ID steps above
	// which features.ipid_incremental is true (the seed's 95%).
	IPIDIncrementalRatio float64 `yaml:"ipid_incremental_ratio"`
	// Suppression limits how often one source alerts.
	Suppression SuppressConfig `yaml:"suppression"`
	// Enrich names the AS and country databases.
	Enrich enrich.Config `yaml:"enrich"`
	// Sinks are where alerts go; every alert goes to every sink.
	Sinks []sink.Config `yaml:"sinks"`
}

// Recommendation holds the recommendation written for each severity.
type Recommendation struct {
	Critical string `yaml:"critical"`
	High     string `yaml:"high"`
	Medium   string `yaml:"medium"`
	Low      string `yaml:"low"`
	None     string `yaml:"none"`
}

// SuppressConfig configures the Suppressor.
type SuppressConfig struct {
	// Window is how long, in capture time, one source stays quiet after
	// an alert unless its verdict escalates.
	Window time.Duration `yaml:"window"`
	// ConfidenceStep raises a new alert inside the window when the
	// confidence grew by at least this much; 0 turns that off.
	ConfidenceStep int `yaml:"confidence_step"`
	// MaxSources caps the sources remembered; the one that alerted least
	// recently is forgotten first.
	MaxSources int `yaml:"max_sources"`
	// MinSeverity is the lowest severity that alerts anywhere.
	MinSeverity string `yaml:"min_severity"`
	// Allow lists sources that never alert, such as the SOC's own scanner.
	Allow []AllowRule `yaml:"allow"`
	// Sensitivity sets a minimum severity per network; the longest
	// matching prefix wins over MinSeverity.
	Sensitivity []SensitivityRule `yaml:"sensitivity"`
}

// AllowRule matches sources that never alert. A source matches when its
// address is in CIDR (any address when empty) and every source port it
// used is in Ports (any port when empty). At least one of the two is set.
type AllowRule struct {
	CIDR string `yaml:"cidr"`
	// Ports is a comma-separated list of ports and ranges: "53,40000-40100".
	Ports string `yaml:"ports"`
}

// SensitivityRule sets the lowest severity that alerts for sources in CIDR.
type SensitivityRule struct {
	CIDR        string `yaml:"cidr"`
	MinSeverity string `yaml:"min_severity"`
}

// Default returns the configuration the product ships with: block at high
// and critical, rate-limit at medium, monitor below; a 10-minute window; a
// JSON-lines sink on standard output.
func Default() Config {
	return Config{
		Recommendation: Recommendation{
			Critical: "block_source_ip",
			High:     "block_source_ip",
			Medium:   "rate_limit",
			Low:      "monitor",
			None:     "monitor",
		},
		IPIDIncrementalRatio: 0.95,
		Suppression: SuppressConfig{
			Window:         10 * time.Minute,
			ConfidenceStep: 10,
			MaxSources:     100_000,
			MinSeverity:    "low",
		},
		Enrich: enrich.Default(),
		Sinks:  []sink.Config{sink.Default()},
	}
}

// For returns the recommendation for severity s.
func (r *Recommendation) For(s fusion.Severity) string {
	switch s {
	case fusion.SeverityCritical:
		return r.Critical
	case fusion.SeverityHigh:
		return r.High
	case fusion.SeverityMedium:
		return r.Medium
	case fusion.SeverityLow:
		return r.Low
	}
	return r.None
}

// Validate reports every problem in c, each with its YAML path.
func (c *Config) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("alert.%s: "+format, append([]any{path}, args...)...))
	}
	recs := []struct {
		name, value string
	}{
		{"critical", c.Recommendation.Critical}, {"high", c.Recommendation.High},
		{"medium", c.Recommendation.Medium}, {"low", c.Recommendation.Low},
		{"none", c.Recommendation.None},
	}
	for _, r := range recs {
		if r.value == "" {
			bad("recommendation."+r.name, "must not be empty")
		}
	}
	if !(c.IPIDIncrementalRatio >= 0 && c.IPIDIncrementalRatio <= 1) {
		bad("ipid_incremental_ratio", "must be in [0, 1], got %v", c.IPIDIncrementalRatio)
	}
	errs = append(errs, c.Suppression.validate("alert.suppression")...)
	if err := c.Enrich.ValidateAt("alert.enrich"); err != nil {
		errs = append(errs, err)
	}
	for i := range c.Sinks {
		if err := c.Sinks[i].ValidateAt(fmt.Sprintf("alert.sinks[%d]", i)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Validate reports every problem in c, each with its YAML path under
// "alert.suppression".
func (c *SuppressConfig) Validate() error {
	return errors.Join(c.validate("alert.suppression")...)
}

func (c *SuppressConfig) validate(at string) []error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: "+format, append([]any{at, path}, args...)...))
	}
	if c.Window <= 0 {
		bad("window", "must be > 0, got %v", c.Window)
	}
	if c.ConfidenceStep < 0 || c.ConfidenceStep > 100 {
		bad("confidence_step", "must be in [0, 100], got %d", c.ConfidenceStep)
	}
	if c.MaxSources <= 0 {
		bad("max_sources", "must be > 0, got %d", c.MaxSources)
	}
	if _, ok := fusion.ParseSeverity(c.MinSeverity); !ok {
		bad("min_severity", "unknown severity %q", c.MinSeverity)
	}
	for i, r := range c.Allow {
		p := fmt.Sprintf("allow[%d]", i)
		if r.CIDR == "" && r.Ports == "" {
			bad(p, "needs cidr, ports or both")
		}
		if r.CIDR != "" {
			if _, err := parsePrefix(r.CIDR); err != nil {
				bad(p+".cidr", "%w", err)
			}
		}
		if r.Ports != "" {
			if _, err := parsePorts(r.Ports); err != nil {
				bad(p+".ports", "%w", err)
			}
		}
	}
	for i, r := range c.Sensitivity {
		p := fmt.Sprintf("sensitivity[%d]", i)
		if _, err := parsePrefix(r.CIDR); err != nil {
			bad(p+".cidr", "%w", err)
		}
		if _, ok := fusion.ParseSeverity(r.MinSeverity); !ok {
			bad(p+".min_severity", "unknown severity %q", r.MinSeverity)
		}
	}
	return errs
}

// parsePrefix parses an IPv4 CIDR, or a bare address as a /32.
func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil {
			return netip.Prefix{}, fmt.Errorf("parse cidr %q: %w", s, err)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("parse cidr %q: %w", s, ErrNotIPv4)
	}
	return p.Masked(), nil
}
