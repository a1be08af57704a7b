package engine

import (
	"errors"
	"fmt"
	"time"
)

// Config sizes the workers and their queues.
type Config struct {
	// Workers is the number of workers. The top-level `workers` key of
	// scanguard.yaml sets it, so it has no key of its own here.
	Workers int `yaml:"-"`
	// BatchSize is how many Records a batch holds.
	BatchSize int `yaml:"batch_size"`
	// QueueBatches is how many full batches may wait for one worker
	// before new ones are dropped. AF_PACKET hands over a batch every
	// millisecond even when it is small, so the default holds about a
	// second of a stalled worker (10 MiB of Records at 256 a batch).
	QueueBatches int `yaml:"queue_batches"`
	// CPUs pins worker i to CPUs[i % len(CPUs)], locking it to its OS
	// thread. Empty leaves the workers to the Go scheduler.
	CPUs []int `yaml:"cpus"`
	// IdleFlush is how long a worker waits without Records before it
	// takes a last decision on the suspects that sent probes since their
	// previous one, so a scan that stops between decision points is still
	// reported. 0 turns it off.
	IdleFlush time.Duration `yaml:"idle_flush"`
}

// Default returns one worker, batches of 256 Records, 64 batches of queue
// per worker, no pinning and an idle flush after 2 seconds.
func Default() Config {
	return Config{
		Workers:      1,
		BatchSize:    256,
		QueueBatches: 1024,
		IdleFlush:    2 * time.Second,
	}
}

// MaxWorkers is the largest number of workers an Engine runs.
const MaxWorkers = 256

// Validate reports every problem in c, each with its YAML path under prefix
// (for example "engine").
func (c *Config) Validate(prefix string) error {
	var errs []error
	bad := func(key, msg string) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, key, msg))
	}
	if c.Workers < 1 || c.Workers > MaxWorkers {
		errs = append(errs, fmt.Errorf("workers: must be within 1..%d", MaxWorkers))
	}
	if c.BatchSize < 1 || c.BatchSize > 65536 {
		bad("batch_size", "must be within 1..65536")
	}
	if c.QueueBatches < 1 || c.QueueBatches > 1<<20 {
		bad("queue_batches", "must be within 1..1048576")
	}
	// A CPU outside the process's affinity mask (offline, absent, or
	// withheld by a cpuset) cannot take a worker: say so now rather than
	// when the workers start.
	allowed, known := allowedCPUs()
	for i, cpu := range c.CPUs {
		switch {
		case cpu < 0 || cpu >= 1024:
			bad(fmt.Sprintf("cpus[%d]", i), "must be within 0..1023")
		case known && !allowed.IsSet(cpu):
			bad(fmt.Sprintf("cpus[%d]", i), fmt.Sprintf("CPU %d is not one this process "+
				"may run on (%s)", cpu, cpuList(&allowed)))
		}
	}
	if c.IdleFlush < 0 {
		bad("idle_flush", "must be >= 0")
	}
	return errors.Join(errs...)
}

// cpuFor returns the CPU worker i is pinned to, or -1.
func (c *Config) cpuFor(i int) int {
	if len(c.CPUs) == 0 {
		return -1
	}
	return c.CPUs[i%len(c.CPUs)]
}
