// Package detector holds the per-source state table and the engines of the
// packet, flow and behaviour layers. One Detector serves one worker's shard
// of the sources; nothing in it is shared between workers.
package detector

import (
	"errors"
	"fmt"
	"time"
)

// Config bounds the source table and sets when decisions are taken.
type Config struct {
	// MaxSources caps the hot tier: 32 bytes for every source seen. It is
	// rounded up to a power of two; when full, the stalest source of the
	// new one's bucket is evicted.
	MaxSources int `yaml:"max_sources"`
	// MaxSuspects caps the detail tier: the sample buffers kept only for
	// sources that look like scanners (about 4 KiB each).
	MaxSuspects int `yaml:"max_suspects"`
	// PromoteProbes and PromoteTargets promote a source to the detail
	// tier once it sent that many probes to that many distinct targets.
	// A fingerprint or exact-relation hit promotes it at once, so these
	// decide only for sources without a scanner's header: ten probes to
	// eight targets keeps busy NAT and CDN clients out of the tier.
	PromoteProbes  uint32 `yaml:"promote_probes"`
	PromoteTargets uint32 `yaml:"promote_targets"`
	// Idle is how long a source may stay silent before its state starts
	// afresh.
	Idle time.Duration `yaml:"idle"`
	// DecideEveryUntil makes a decision on every probe of a suspect up to
	// this many probes; after that, decisions run at the Checkpoints and
	// then every DecideEvery probes.
	DecideEveryUntil uint32   `yaml:"decide_every_until"`
	Checkpoints      []uint32 `yaml:"checkpoints"`
	DecideEvery      uint32   `yaml:"decide_every"`
	// RateWindow is the sliding window of the timing test: gaps at least
	// this long are pauses, not pacing, and are left out.
	RateWindow time.Duration `yaml:"rate_window"`
	// RateMinGaps is the fewest gaps the timing test needs.
	RateMinGaps int `yaml:"rate_min_gaps"`
}

// Default returns the shipped detector configuration.
func Default() Config {
	return Config{
		MaxSources:       1 << 20,
		MaxSuspects:      1 << 14,
		PromoteProbes:    10,
		PromoteTargets:   8,
		Idle:             10 * time.Minute,
		DecideEveryUntil: 20,
		Checkpoints:      []uint32{30, 50, 75, 100, 150, 200, 300, 500, 750, 1000},
		DecideEvery:      1000,
		RateWindow:       time.Second,
		RateMinGaps:      5,
	}
}

// Validate reports every problem in c, each with its YAML path under
// prefix (for example "detector").
func (c *Config) Validate(prefix string) error {
	var errs []error
	bad := func(path, msg string) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, path, msg))
	}
	if c.MaxSources < bucketSlots || c.MaxSources > 1<<30 {
		bad("max_sources", fmt.Sprintf("must be within %d..%d", bucketSlots, 1<<30))
	}
	if c.MaxSuspects < 1 || c.MaxSuspects > 1<<24 {
		bad("max_suspects", "must be within 1..16777216")
	}
	if c.PromoteProbes == 0 {
		bad("promote_probes", "must be > 0")
	}
	if c.Idle <= 0 {
		bad("idle", "must be > 0")
	}
	if c.DecideEvery == 0 {
		bad("decide_every", "must be > 0")
	}
	for i := 1; i < len(c.Checkpoints); i++ {
		if c.Checkpoints[i] <= c.Checkpoints[i-1] {
			bad(fmt.Sprintf("checkpoints[%d]", i), "must be increasing")
		}
	}
	if c.RateWindow <= 0 {
		bad("rate_window", "must be > 0")
	}
	if c.RateMinGaps < 2 {
		bad("rate_min_gaps", "must be >= 2")
	}
	return errors.Join(errs...)
}
