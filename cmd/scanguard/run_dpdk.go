package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"scanguard/config"
	"scanguard/dpdk"
	"scanguard/engine"
	"scanguard/record"
)

// dpdkSource drives the engine's workers from the DPDK plane's rings: the
// lcores parse and shard in C, each worker goroutine dequeues its own ring
// and calls Worker.Process. The engine is not started; its queues and
// Dispatchers are not used.
type dpdkSource struct {
	plane *dpdk.Plane
	cpus  []int
	once  sync.Once
	last  dpdk.Stats
	mu    sync.Mutex
}

// openDPDK starts the EAL, the ports and the lcores.
func openDPDK(cfg *config.Config, e *engine.Engine) (source, error) {
	dc := cfg.DPDK
	dc.Workers = e.Workers()
	p, err := dpdk.Start(dc)
	if err != nil {
		if errors.Is(err, dpdk.ErrNoDPDK) {
			return nil, fmt.Errorf("source dpdk: %w", err)
		}
		return nil, fmt.Errorf("start DPDK: %w", err)
	}
	return &dpdkSource{plane: p, cpus: cfg.Engine.CPUs}, nil
}

func (s *dpdkSource) describe() string {
	var names []string
	for _, p := range s.plane.Ports() {
		names = append(names, fmt.Sprintf("%s (%s, %d queues, RSS %s)", p.Name, p.Driver,
			p.RxQueues, p.RSS))
	}
	return fmt.Sprintf("DPDK ports %v, %d lcores", names, len(s.plane.Lcores()))
}

// idlePolls is how many empty polls a worker makes before it sleeps a
// little: a dedicated core may spin, a shared one should not.
const idlePolls = 1024

func (s *dpdkSource) run(ctx context.Context, e *engine.Engine) error {
	rings := s.plane.Rings()
	drain := make(chan struct{})
	errs := make([]error, len(rings))
	// A worker that cannot be pinned returns at once: stop the source then,
	// so that the failure ends the start-up rather than wait for the exit.
	ctx, failed := context.WithCancel(ctx)
	defer failed()
	var wg sync.WaitGroup
	for i, r := range rings {
		cpu := -1
		if len(s.cpus) > 0 {
			cpu = s.cpus[i%len(s.cpus)]
		}
		wg.Go(func() {
			if errs[i] = driveRing(r, e.Worker(r.Worker()), cpu, drain); errs[i] != nil {
				failed()
			}
		})
	}

	// Stop the lcores first so nothing more is enqueued, then let the
	// workers empty their rings.
	<-ctx.Done()
	stopErr := s.stop()
	close(drain)
	wg.Wait()
	return errors.Join(append(errs, stopErr)...)
}

// driveRing is one worker's loop over its ring.
func driveRing(r *dpdk.Ring, w *engine.Worker, cpu int, drain <-chan struct{}) error {
	release, err := dpdk.PinThread(cpu)
	if err != nil {
		return fmt.Errorf("worker %d: %w", w.ID(), err)
	}
	defer release()
	buf := make([]record.Record, 256)
	empty := 0
	for {
		if n := r.Dequeue(buf); n > 0 {
			w.Process(buf[:n])
			empty = 0
			continue
		}
		select {
		case <-drain:
			return nil // the lcores have stopped and the ring is empty
		default:
		}
		w.Idle()
		if empty++; empty >= idlePolls {
			time.Sleep(50 * time.Microsecond)
			empty = 0
		}
	}
}

// stop stops the plane once, keeping its last counters.
func (s *dpdkSource) stop() error {
	var err error
	s.once.Do(func() {
		err = s.plane.Stop()
		s.mu.Lock()
		s.last = s.plane.Stats()
		s.mu.Unlock()
	})
	return err
}

func (s *dpdkSource) stats() sourceStats {
	st := s.plane.Stats()
	var out sourceStats
	for _, p := range st.Ports {
		out.RxFrames += p.RxPackets
		out.RxBytes += p.RxBytes
		out.Missed += p.Imissed + p.RxNombuf
		out.Imissed += p.Imissed
		out.Ierrors += p.Ierrors
		out.RxNombuf += p.RxNombuf
	}
	for _, r := range st.Rings {
		out.RingDrops += r.Drops
	}
	for _, l := range st.Lcores {
		out.Parser.Frames += l.RxPackets
		sk := l.Skipped
		out.Parser.IPv6 += sk.IPv6
		out.Parser.ARP += sk.ARP
		out.Parser.OtherL3 += sk.OtherL3
		out.Parser.OtherL4 += sk.OtherL4
		out.Parser.Fragments += sk.Fragments
		out.Parser.Truncated += sk.Truncated
		out.Parser.Malformed += sk.Malformed
		// The C parser does not split its Records by protocol.
		out.Parser.TCP += l.Records
	}
	return out
}

func (s *dpdkSource) close() error { return s.stop() }
