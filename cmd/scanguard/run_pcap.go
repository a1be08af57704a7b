package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"scanguard/capture"
	"scanguard/config"
	"scanguard/engine"
	"scanguard/record"
)

// errReplayInterrupted is what a replay stopped by a signal returns: the
// files were not all read, so the run is incomplete even though every
// Record read was processed and every alert delivered.
var errReplayInterrupted = errors.New("replay interrupted")

// pcapSource replays capture files through the live engine. A file that
// cannot be read, or breaks off, is logged and the next one replayed; run
// returns the failures at the end.
type pcapSource struct {
	cfg pcapConfig
	log zerolog.Logger

	mu sync.Mutex
	st sourceStats
}

type pcapConfig = config.PcapConfig

func (p *pcapSource) describe() string {
	speed := "as fast as possible"
	if p.cfg.Speed > 0 {
		speed = fmt.Sprintf("at %gx real time, pauses of at most %s", p.cfg.Speed, p.cfg.MaxGap)
	}
	return fmt.Sprintf("replay of %s %s", strings.Join(p.cfg.Files, ", "), speed)
}

func (p *pcapSource) run(ctx context.Context, e *engine.Engine) error {
	if err := e.Start(); err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	d, err := e.NewDispatcher()
	if err != nil {
		return err
	}
	// A file can wait: pace the reader by the workers rather than drop.
	d.SetBlocking(true)
	defer d.Flush()
	var (
		parser record.Parser
		failed []error
	)
	for i, path := range p.cfg.Files {
		err := p.file(ctx, path, d, &parser)
		if errors.Is(err, errReplayInterrupted) {
			if rest := len(p.cfg.Files) - i - 1; rest > 0 {
				err = fmt.Errorf("%w; %d more files not read", err, rest)
			}
			return errors.Join(append(failed, err)...)
		}
		if err != nil {
			ev := p.log.Error().Err(err).Str("file", path)
			if re := (*capture.ReadError)(nil); errors.As(err, &re) {
				ev = ev.Int("packet", re.Packet)
			}
			ev.Msg("replay: file failed; the packets before the fault were replayed")
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("replay: %d of %d files failed: %w", len(failed),
			len(p.cfg.Files), errors.Join(failed...))
	}
	return nil
}

// file replays one capture, paced by its timestamps when Speed is set. A
// signal ends it with errReplayInterrupted.
func (p *pcapSource) file(ctx context.Context, path string, d *engine.Dispatcher,
	parser *record.Parser) error {
	rd, err := capture.Open(path)
	if err != nil {
		return err
	}
	defer rd.Close()
	interrupted := func() error {
		return fmt.Errorf("%w: %s read up to packet %d", errReplayInterrupted, path,
			rd.Packets())
	}
	pace := pacer{speed: p.cfg.Speed, maxGap: p.cfg.MaxGap}
	defer func() {
		if pace.jumps > 0 {
			p.log.Warn().Str("file", path).Int("jumps", pace.jumps).
				Dur("max_gap", p.cfg.MaxGap).
				Msg("replay: timestamps jumped by more than max_gap; each jump was " +
					"replayed as a pause of at most max_gap")
		}
	}()
	var r record.Record
	for n := 0; ; n++ {
		frame, tsNs, err := rd.Next()
		if errors.Is(err, io.EOF) {
			p.publish(parser)
			return nil
		}
		if err != nil {
			p.publish(parser)
			return err
		}
		if p.cfg.Speed > 0 {
			if wait := time.Until(pace.due(tsNs, time.Now())); wait > time.Millisecond {
				d.Flush()
				p.publish(parser)
				t := time.NewTimer(wait)
				select {
				case <-ctx.Done():
					t.Stop()
					return interrupted()
				case <-t.C:
				}
			}
		}
		p.mu.Lock()
		p.st.RxFrames++
		p.st.RxBytes += uint64(len(frame))
		p.mu.Unlock()
		if parser.Parse(frame, rd.LinkType(), tsNs, &r) {
			d.Add(&r)
		}
		if n%4096 == 0 {
			p.publish(parser)
			if ctx.Err() != nil {
				return interrupted()
			}
		}
	}
}

func (p *pcapSource) publish(parser *record.Parser) {
	p.mu.Lock()
	p.st.Parser = parser.Counters
	p.mu.Unlock()
}

func (p *pcapSource) stats() sourceStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

func (p *pcapSource) close() error { return nil }

// pacer schedules a replay's packets as far apart as their timestamps,
// divided by the speed, but never more than maxGap apart: a gap beyond
// that, forward or back, is a jump, and the schedule starts again from
// the packet after it.
type pacer struct {
	speed  float64
	maxGap time.Duration

	started  bool
	baseTs   int64     // timestamp the schedule counts from
	baseWall time.Time // when the packet stamped baseTs was due
	prevTs   int64     // timestamp of the previous packet
	lastDue  time.Time // the latest time a packet so far was due
	jumps    int       // gaps replayed as maxGap or less because they were longer
}

// due returns when the packet stamped tsNs should be replayed; now is the
// time it was read, which the first packet is due at.
func (p *pacer) due(tsNs int64, now time.Time) time.Time {
	if !p.started {
		p.started = true
		p.baseTs, p.baseWall, p.prevTs, p.lastDue = tsNs, now, tsNs, now
		return now
	}
	// In floating point: two timestamps decades apart overflow an int64
	// of nanoseconds once divided by a small speed.
	gap := (float64(tsNs) - float64(p.prevTs)) / p.speed
	p.prevTs = tsNs
	switch {
	case gap > float64(p.maxGap):
		p.jumps++
		p.baseTs, p.baseWall = tsNs, p.lastDue.Add(p.maxGap)
	case gap < -float64(p.maxGap):
		// A step back in time: no pause, and the packets after it are
		// spaced from here. A short step back (packets merged from two
		// interfaces) just goes at once, keeping the schedule.
		p.jumps++
		p.baseTs, p.baseWall = tsNs, p.lastDue
	}
	at := p.baseWall.Add(time.Duration(float64(tsNs-p.baseTs) / p.speed))
	if at.After(p.lastDue) {
		p.lastDue = at
	}
	return at
}
