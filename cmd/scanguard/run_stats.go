package main

import (
	"io"
	"time"

	"github.com/rs/zerolog"

	"scanguard/alert"
	"scanguard/config"
	"scanguard/engine"
	"scanguard/metrics"
)

// newLogger returns the process log: JSON lines, or a console format when
// asked or when auto and stderr is a terminal.
func newLogger(c *config.LogConfig, stderr io.Writer) zerolog.Logger {
	w := stderr
	if c.Format == "console" || (c.Format == "auto" && isTerminal(stderr)) {
		w = zerolog.ConsoleWriter{Out: stderr, TimeFormat: "15:04:05.000"}
	}
	level, err := zerolog.ParseLevel(c.Level)
	if err != nil {
		level = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

// snapshot is every counter of the appliance at one moment.
type snapshot struct {
	at   time.Time
	src  sourceStats
	eng  engine.Stats
	pipe alert.PipelineStats
}

func (a *appliance) snapshot() snapshot {
	return snapshot{at: time.Now(), src: a.src.stats(), eng: a.eng.Stats(),
		pipe: a.eng.Pipeline().Stats()}
}

// since is how much counter c grew from p. A device can reset its
// counters (net_memif does when its peer goes away): a counter lower than
// before started again from zero.
func since(c, p uint64) uint64 {
	if c < p {
		return c
	}
	return c - p
}

// sinkDrops sums what the sinks refused or lost.
func sinkDrops(p *alert.PipelineStats) (dropped, lost uint64) {
	for _, s := range p.Sinks {
		dropped += s.Dropped
		lost += s.Lost
	}
	return dropped, lost
}

// alertsSent sums the alerts the pipeline sent.
func alertsSent(p *alert.PipelineStats) uint64 {
	var n uint64
	for _, c := range p.Alerts {
		n += c.N
	}
	return n
}

// statsLine logs the periodic stats line, and a warning when anything was
// dropped since the last one. It returns the new snapshot.
func (a *appliance) statsLine(prev snapshot) snapshot {
	cur := a.snapshot()
	secs := cur.at.Sub(prev.at).Seconds()
	rate := func(c, p uint64) float64 { return float64(since(c, p)) / max(secs, 1e-9) }
	t, pt := &cur.eng.Total, &prev.eng.Total
	sd, _ := sinkDrops(&cur.pipe)
	psd, _ := sinkDrops(&prev.pipe)
	a.log.Info().
		Float64("frames_per_s", rate(cur.src.RxFrames, prev.src.RxFrames)).
		Float64("records_per_s", rate(t.Records, pt.Records)).
		Uint64("frames", cur.src.RxFrames).
		Uint64("records", t.Records).
		Uint64("missed", cur.src.Missed).
		Uint64("ring_drops", cur.src.RingDrops).
		Uint64("queue_drops", t.Drops).
		Uint64("sink_drops", sd).
		Uint64("sources", t.Detector.Sources).
		Uint64("suspects", t.Detector.Suspects).
		Uint64("alerts", alertsSent(&cur.pipe)).
		Msg("stats")
	missed := since(cur.src.Missed, prev.src.Missed)
	ring := since(cur.src.RingDrops, prev.src.RingDrops)
	queue := t.Drops - pt.Drops
	if missed+ring+queue+sd-psd > 0 {
		a.log.Warn().Uint64("missed", missed).Uint64("ring_drops", ring).
			Uint64("queue_drops", queue).Uint64("sink_drops", sd-psd).
			Msg("packets or alerts dropped since the last stats line")
	}
	return cur
}

// totals logs the counters at exit.
func (a *appliance) totals(s snapshot) {
	t := &s.eng.Total
	sd, lost := sinkDrops(&s.pipe)
	a.log.Info().
		Uint64("frames", s.src.RxFrames).
		Uint64("bytes", s.src.RxBytes).
		Uint64("records", t.Records).
		Uint64("skipped", s.src.Parser.Skipped()).
		Uint64("missed", s.src.Missed).
		Uint64("imissed", s.src.Imissed).
		Uint64("ierrors", s.src.Ierrors).
		Uint64("rx_nombuf", s.src.RxNombuf).
		Uint64("ring_drops", s.src.RingDrops).
		Uint64("queue_drops", t.Drops).
		Uint64("probes", t.Detector.Probes).
		Uint64("sources", t.Detector.Sources).
		Uint64("verdicts", t.Verdicts).
		Uint64("alerts", alertsSent(&s.pipe)).
		Uint64("sink_drops", sd).
		Uint64("sink_lost", lost).
		Msg("stopped")
}

// startMetrics serves the Prometheus endpoint.
func (a *appliance) startMetrics() error {
	reg, err := metrics.NewRegistry(a.metricSources())
	if err != nil {
		return err
	}
	srv, err := metrics.Listen(a.cfg.Metrics, reg)
	if err != nil {
		return err
	}
	a.srv = srv
	a.log.Info().Str("addr", srv.Addr()).Str("path", a.cfg.Metrics.Path).
		Msg("metrics endpoint up")
	return nil
}

// metricSources reads the appliance's counters for each scrape.
func (a *appliance) metricSources() metrics.Sources {
	capacity := uint64(a.cfg.Detector.MaxSources) * uint64(a.eng.Workers())
	return metrics.Sources{
		Stages: func() []metrics.Stage {
			s, e := a.src.stats(), a.eng.Stats()
			return []metrics.Stage{
				{Name: "rx", Packets: s.RxFrames, Bytes: s.RxBytes},
				{Name: "parsed", Packets: s.Parser.Records()},
				{Name: "detector", Packets: e.Total.Records},
			}
		},
		ParseDrops: func() []metrics.Count { return metrics.ParseDrops(a.src.stats().Parser) },
		Drops: func() []metrics.Count {
			s, e, p := a.src.stats(), a.eng.Stats(), a.eng.Pipeline().Stats()
			sd, lost := sinkDrops(&p)
			return []metrics.Count{
				{Name: "capture", Value: s.Missed},
				{Name: "ring", Value: s.RingDrops + e.Total.Drops},
				{Name: "sink", Value: sd},
				{Name: "sink_lost", Value: lost},
			}
		},
		Table: func() metrics.Table {
			d := a.eng.Stats().Total.Detector
			return metrics.Table{Tracked: d.Sources, Capacity: capacity, Suspects: d.Suspects,
				Evictions: d.Evictions, DetailEvictions: d.DetailEvictions}
		},
		Alerts: func() []metrics.AlertCount {
			var out []metrics.AlertCount
			for _, c := range a.eng.Pipeline().Stats().Alerts {
				out = append(out, metrics.AlertCount{Type: c.Type, Severity: c.Severity, N: c.N})
			}
			return out
		},
		Suppressed: func() []metrics.Count {
			st := a.eng.Pipeline().Stats().Suppress
			var out []metrics.Count
			for _, d := range []alert.Decision{alert.DecisionDuplicate, alert.DecisionAllowed,
				alert.DecisionBelowSeverity} {
				out = append(out, metrics.Count{Name: d.String(), Value: st.Decisions[d]})
			}
			return out
		},
		Sinks: func() []metrics.Sink {
			var out []metrics.Sink
			for _, s := range a.eng.Pipeline().Stats().Sinks {
				out = append(out, metrics.Sink{Name: s.Name, Depth: s.Depth,
					Capacity: s.Capacity, Sent: s.Sent, Dropped: s.Dropped, Lost: s.Lost,
					Errors: s.Errors, Reconnects: s.Reconnects, Connected: s.Connected})
			}
			return out
		},
		Batches: func() metrics.HistogramSnapshot {
			var h metrics.HistogramSnapshot
			for i := range a.timers {
				h.Add(a.timers[i].Snapshot())
			}
			return h
		},
	}
}
