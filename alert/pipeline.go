package alert

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"scanguard/alert/enrich"
	"scanguard/alert/sink"
	"scanguard/fusion"
)

// Pipeline is the alert stage: it suppresses repeats, builds and enriches
// each alert, and hands it to every sink. It is safe for concurrent use;
// Handle never blocks on a sink.
type Pipeline struct {
	cfg   Config
	sup   *Suppressor
	enr   *enrich.Enricher
	sinks []*sink.Sink

	mu     sync.Mutex
	closed bool
	counts map[AlertCount]uint64 // keyed with N zero

	annotate func(*Alert) // set before the first Handle; see SetAnnotator
}

// AlertCount is how many alerts of one type and severity were sent.
type AlertCount struct {
	Type     string
	Severity string
	N        uint64
}

// PipelineStats are the alert stage's counters.
type PipelineStats struct {
	Suppress SuppressStats
	Alerts   []AlertCount // sorted by type, then severity
	Sinks    []sink.Stats // in configuration order
}

// NewPipeline validates cfg, opens the enrichment databases and starts the
// configured sinks.
func NewPipeline(cfg Config) (*Pipeline, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var sinks []*sink.Sink
	for i := range cfg.Sinks {
		s, err := sink.Open(cfg.Sinks[i])
		if err != nil {
			closeSinks(sinks)
			return nil, fmt.Errorf("open alert sink %d: %w", i, err)
		}
		sinks = append(sinks, s)
	}
	p, err := NewPipelineWith(cfg, sinks...)
	if err != nil {
		closeSinks(sinks)
	}
	return p, err
}

// NewPipelineWith is NewPipeline with sinks the caller started instead of
// cfg.Sinks; the pipeline owns them from now on and closes them in Close.
func NewPipelineWith(cfg Config, sinks ...*sink.Sink) (*Pipeline, error) {
	cfg.Sinks = nil
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sup, err := NewSuppressor(cfg.Suppression)
	if err != nil {
		return nil, err
	}
	enr, err := enrich.Open(cfg.Enrich)
	if err != nil {
		return nil, err
	}
	return &Pipeline{
		cfg: cfg, sup: sup, enr: enr, sinks: sinks,
		counts: make(map[AlertCount]uint64),
	}, nil
}

// Handle decides whether v becomes an alert and, if so, sends it to every
// sink. It returns the decision and, when it was to emit, the alert.
func (p *Pipeline) Handle(v *fusion.Verdict) (Alert, Decision) {
	d := p.sup.Admit(v)
	if !d.Emit() {
		return Alert{}, d
	}
	a := Build(v, &p.cfg)
	if p.annotate != nil {
		p.annotate(&a)
	}
	p.Enrich(&a)
	m, err := a.Message()
	if err != nil {
		// An Alert holds only strings, numbers and booleans: encoding
		// cannot fail short of a bug, and then the alert is not sent.
		return a, d
	}

	p.mu.Lock()
	if !p.closed {
		for _, s := range p.sinks {
			s.Send(m)
		}
		p.counts[AlertCount{Type: a.AlertType, Severity: a.Severity}]++
	}
	p.mu.Unlock()
	return a, d
}

// SetAnnotator makes Handle pass every alert it builds to fn before
// enrichment, so a source can add what only it knows, such as the flow
// exporter (SetFlowOrigin). It must be called before the first Handle; fn
// is called from the workers' goroutines at once and must be safe for
// that.
func (p *Pipeline) SetAnnotator(fn func(*Alert)) { p.annotate = fn }

// Enrich fills the alert's AS and country from the configured databases.
func (p *Pipeline) Enrich(a *Alert) {
	info := p.enr.Lookup(a.Addr())
	a.Source.ASN = info.ASName()
	a.Source.ASOrg = info.ASOrg
	a.Source.Geo = info.Country
}

// Message encodes the alert for a sink: its JSON, the event time, a
// syslog severity for its level and the alert type as MSGID.
func (a *Alert) Message() (sink.Message, error) {
	body, err := json.Marshal(a)
	if err != nil {
		return sink.Message{}, fmt.Errorf("encode alert: %w", err)
	}
	t, err := time.Parse(TimeLayout, a.Timestamp)
	if err != nil {
		t = time.Time{}
	}
	return sink.Message{
		Time:     t,
		Severity: SyslogSeverity(a.level),
		MsgID:    a.AlertType,
		Body:     body,
	}, nil
}

// SyslogSeverity maps a verdict's severity to a syslog severity: critical
// to crit, high to err, medium to warning, low to notice, none to info.
func SyslogSeverity(s fusion.Severity) uint8 {
	switch s {
	case fusion.SeverityCritical:
		return sink.SevCritical
	case fusion.SeverityHigh:
		return sink.SevError
	case fusion.SeverityMedium:
		return sink.SevWarning
	case fusion.SeverityLow:
		return sink.SevNotice
	}
	return sink.SevInfo
}

// Reopen reopens file sinks and the enrichment databases, as on SIGHUP.
func (p *Pipeline) Reopen() error {
	errs := []error{p.enr.Reopen()}
	for _, s := range p.sinks {
		errs = append(errs, s.Reopen())
	}
	return errors.Join(errs...)
}

// Stats returns the stage's counters.
func (p *Pipeline) Stats() PipelineStats {
	st := PipelineStats{Suppress: p.sup.Stats()}
	p.mu.Lock()
	for k, n := range p.counts {
		k.N = n
		st.Alerts = append(st.Alerts, k)
	}
	p.mu.Unlock()
	slices.SortFunc(st.Alerts, func(a, b AlertCount) int {
		if a.Type != b.Type {
			return cmp.Compare(a.Type, b.Type)
		}
		return cmp.Compare(a.Severity, b.Severity)
	})
	for _, s := range p.sinks {
		st.Sinks = append(st.Sinks, s.Stats())
	}
	return st
}

// Close stops taking alerts, drains every sink within ctx and releases the
// databases. Sinks are closed in parallel so one slow collector does not
// eat the others' time.
func (p *Pipeline) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.closed = true
	p.mu.Unlock()

	errs := make([]error, len(p.sinks)+1)
	var wg sync.WaitGroup
	for i, s := range p.sinks {
		wg.Go(func() { errs[i] = s.Close(ctx) })
	}
	wg.Wait()
	errs[len(p.sinks)] = p.enr.Close()
	return errors.Join(errs...)
}

func closeSinks(sinks []*sink.Sink) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, s := range sinks {
		s.Close(ctx)
	}
}
