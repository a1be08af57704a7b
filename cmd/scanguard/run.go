package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"scanguard/alert"
	"scanguard/config"
	"scanguard/detector/fingerprint"
	"scanguard/engine"
	"scanguard/fusion"
	"scanguard/metrics"
)

// shutdownTimeout bounds the drain of the sinks at exit.
const shutdownTimeout = 10 * time.Second

// appliance is one `scanguard run`: a packet source feeding the engine,
// the metrics endpoint, the stats line and the signal handling.
type appliance struct {
	path   string // configuration file, "" for the built-in defaults
	cfg    config.Config
	log    zerolog.Logger
	db     *fingerprint.DB
	eng    *engine.Engine
	src    source
	timers []metrics.BatchTimer
	srv    *metrics.Server
}

// runCmd is `scanguard run [-c scanguard.yaml]`.
func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("c", "", "configuration `file` (default: built-in)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scanguard run [-c scanguard.yaml]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	cfg := config.Default()
	if *cfgPath != "" {
		var err error
		if cfg, err = config.Load(*cfgPath); err != nil {
			return err
		}
	}
	a := &appliance{path: *cfgPath, cfg: cfg, log: newLogger(&cfg.Log, stderr)}
	return a.run(ctx)
}

// run starts everything, waits for the end of the input or a signal, and
// shuts down in order: source, workers, sinks. Alerts are delivered either
// way; the error is the source's (a file that failed, a replay a signal
// cut short) joined with the shutdown's, so the exit status says whether
// the input was read in full.
func (a *appliance) run(ctx context.Context) error {
	if err := a.build(); err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	srcCtx, stopSource := context.WithCancel(context.Background())
	defer stopSource()
	srcDone := make(chan error, 1)
	go func() { srcDone <- a.src.run(srcCtx, a.eng) }()
	a.log.Info().Str("source", a.cfg.Source.Type).Str("detail", a.src.describe()).
		Int("workers", a.eng.Workers()).Msg("started")

	var tick <-chan time.Time
	if iv := a.cfg.Log.StatsInterval; iv > 0 {
		t := time.NewTicker(iv)
		defer t.Stop()
		tick = t.C
	}
	last := a.snapshot()
	var srcErr error
	running := true
	for running {
		select {
		case <-ctx.Done():
			a.log.Info().Msg("stopping: signal received")
			stopSource()
			srcErr = <-srcDone
			running = false
			if srcErr != nil {
				// A live source stops cleanly on a signal; a replay that
				// had files left to read is incomplete.
				a.log.Warn().Err(srcErr).Msg("stopping: input cut short")
			}
		case srcErr = <-srcDone:
			running = false
			if srcErr != nil {
				a.log.Error().Err(srcErr).Msg("stopping: input ended with errors")
			} else {
				a.log.Info().Msg("stopping: input ended")
			}
		case <-hup:
			a.reload()
		case <-tick:
			last = a.statsLine(last)
		}
	}
	return errors.Join(srcErr, a.shutdown())
}

// build makes the fingerprint database, the fuser, the alert pipeline,
// the engine, the source and the metrics endpoint.
func (a *appliance) build() error {
	db, err := a.cfg.FingerprintDB()
	if err != nil {
		return err
	}
	a.db = db
	pipe, err := alert.NewPipeline(a.cfg.Alert)
	if err != nil {
		return err
	}
	ecfg := a.cfg.Engine
	ecfg.Workers = a.cfg.WorkerCount()
	fu := fusion.New(a.cfg.Fusion, db)
	a.eng, err = engine.New(ecfg, a.cfg.Detector, db, fu, pipe)
	if err != nil {
		closePipeline(pipe)
		return err
	}
	a.logModel(fu)
	a.timers = make([]metrics.BatchTimer, ecfg.Workers)
	a.eng.ObserveBatches(func(w int, d time.Duration) { a.timers[w].Observe(d) })

	if a.src, err = openSource(&a.cfg, a.eng, a.log); err != nil {
		a.eng.Stop(context.Background())
		return err
	}
	if a.cfg.Metrics.Listen != "" {
		if err := a.startMetrics(); err != nil {
			a.src.close()
			a.eng.Stop(context.Background())
			return err
		}
	}
	return nil
}

// logModel says once at start whether fusion consults a model, and which.
func (a *appliance) logModel(f *fusion.Fuser) {
	m := f.Model()
	if m == nil {
		a.log.Info().Msg("fusion on rules alone")
		return
	}
	a.log.Info().Str("model_version", m.Version).Str("model", m.Summary()).
		Msg("fusion consults the model")
}

func closePipeline(p *alert.Pipeline) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	p.Close(ctx)
}

// shutdown stops the workers (draining their queues and flushing the
// detectors), closes the sinks within shutdownTimeout, stops the metrics
// endpoint and logs the totals.
func (a *appliance) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	final := a.snapshot() // the source's counters, before it closes
	errs := []error{a.eng.Stop(ctx), a.src.close()}
	if a.srv != nil {
		errs = append(errs, a.srv.Shutdown(ctx))
	}
	final.eng = a.eng.Stats()
	final.pipe = a.eng.Pipeline().Stats()
	a.totals(final)
	return errors.Join(errs...)
}

// reload is SIGHUP: reopen file sinks and enrichment databases, then read
// the configuration again and swap what can change without a restart:
// the fusion thresholds and the suppression rules. Detector state stays.
func (a *appliance) reload() {
	a.log.Info().Msg("reload: SIGHUP")
	if err := a.eng.Pipeline().Reopen(); err != nil {
		a.log.Error().Err(err).Msg("reload: reopen sinks and databases")
	}
	if a.path == "" {
		return
	}
	nc, err := config.Load(a.path)
	if err != nil {
		a.log.Error().Err(err).Msg("reload: configuration rejected; the running one stays")
		return
	}
	if err := a.eng.Pipeline().Reconfigure(nc.Alert.Suppression); err != nil {
		a.log.Error().Err(err).Msg("reload: suppression rules rejected")
		return
	}
	a.eng.SetFuser(fusion.New(nc.Fusion, a.db))
	a.cfg.Fusion, a.cfg.Alert.Suppression = nc.Fusion, nc.Alert.Suppression
	if stale := restartOnly(&a.cfg, &nc); len(stale) > 0 {
		a.log.Warn().Strs("sections", stale).
			Msg("reload: these changes take effect only after a restart")
	}
	a.log.Info().Int("allow_rules", len(nc.Alert.Suppression.Allow)).
		Int("matrix_rows", len(nc.Fusion.Matrix)).Msg("reload: thresholds and allowlist swapped")
}

// restartOnly names the sections that differ between the running and the
// new configuration but are not swapped by a reload.
func restartOnly(cur, next *config.Config) []string {
	var out []string
	pairs := []struct {
		name string
		a, b any
	}{
		{"workers", cur.Workers, next.Workers},
		{"fingerprints", cur.Fingerprints, next.Fingerprints},
		{"detector", cur.Detector, next.Detector},
		{"alert.sinks", cur.Alert.Sinks, next.Alert.Sinks},
		{"alert.enrich", cur.Alert.Enrich, next.Alert.Enrich},
		{"alert.recommendation", cur.Alert.Recommendation, next.Alert.Recommendation},
		{"engine", cur.Engine, next.Engine},
		{"source", cur.Source, next.Source},
		{"dpdk", cur.DPDK, next.DPDK},
		{"metrics", cur.Metrics, next.Metrics},
		{"log", cur.Log, next.Log},
	}
	for _, p := range pairs {
		if !reflect.DeepEqual(p.a, p.b) {
			out = append(out, p.name)
		}
	}
	return out
}
