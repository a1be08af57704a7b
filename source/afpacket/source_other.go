//go:build !linux || !cgo

package afpacket

import (
	"context"

	"scanguard/engine"
)

// Source is a set of AF_PACKET sockets; this build has none.
type Source struct{}

// Open returns ErrUnsupported: this build has no AF_PACKET support.
func Open(cfg Config, n int) (*Source, error) { return nil, ErrUnsupported }

// Sockets returns 0.
func (s *Source) Sockets() int { return 0 }

// Run returns ErrUnsupported.
func (s *Source) Run(ctx context.Context, e *engine.Engine) error { return ErrUnsupported }

// Stats returns nothing.
func (s *Source) Stats() Stats { return Stats{} }

// Close does nothing.
func (s *Source) Close() error { return nil }
