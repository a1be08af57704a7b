package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"scanguard/engine"
)

// TestValidateCPUsAgainstAffinity checks that a CPU the process may not
// run on is refused by Validate, so config check finds it before a start.
func TestValidateCPUsAgainstAffinity(t *testing.T) {
	tests := []struct {
		name string
		cpus []int
		want string
	}{
		{"CPU 0", []int{0}, ""},
		{"absent CPU", []int{0, 1023}, "engine.cpus[1]: CPU 1023 is not one this process " +
			"may run on (CPUs 0"},
		{"out of range", []int{1024}, "engine.cpus[0]: must be within 0..1023"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := engine.Default()
			c.CPUs = tc.cpus
			err := c.Validate("engine")
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Errorf("Validate = %v, want %q...", err, tc.want)
			}
		})
	}
}

// TestStartReportsPinFailure checks that a worker that cannot be pinned
// fails Start at once, and that Stop, which used to carry that error to
// the exit, then succeeds.
func TestStartReportsPinFailure(t *testing.T) {
	var buf lockedBuffer
	cfg := engine.Default()
	cfg.Workers = 2
	e := newEngineCfg(t, cfg, &buf)
	engine.SetCPUs(e, []int{0, 1023})

	start := time.Now()
	err := e.Start()
	var pe *engine.PinError
	if !errors.As(err, &pe) || pe.Worker != 1 {
		t.Fatalf("Start = %v, want a *PinError for worker 1", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Start took %s to report the pinning failure", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		t.Errorf("Stop after a failed pin = %v, want nil", err)
	}
}
