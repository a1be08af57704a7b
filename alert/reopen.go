package alert

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Reopener is anything that lets go of its files and opens them again:
// a Pipeline, a file sink, an enricher.
type Reopener interface {
	Reopen() error
}

// ReopenOnSignal calls r.Reopen each time one of sigs arrives (SIGHUP when
// none is given), until ctx ends, the way log rotation expects. Each
// Reopen's error, nil included, is passed to report when report is not nil.
// The signals are caught from the moment ReopenOnSignal returns.
func ReopenOnSignal(ctx context.Context, r Reopener, report func(error), sigs ...os.Signal) {
	if len(sigs) == 0 {
		sigs = []os.Signal{syscall.SIGHUP}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		defer signal.Stop(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				err := r.Reopen()
				if report != nil {
					report(err)
				}
			}
		}
	}()
}
