//go:build !dpdk

package dpdk

import "scanguard/record"

// Plane is a running data plane. Built without DPDK, none can be started.
type Plane struct{}

// Start returns ErrNoDPDK: the binary was built without the dpdk tag.
func Start(cfg Config) (*Plane, error) { return nil, ErrNoDPDK }

// Rings returns nil.
func (p *Plane) Rings() []*Ring { return nil }

// Ports returns nil.
func (p *Plane) Ports() []PortInfo { return nil }

// Lcores returns nil.
func (p *Plane) Lcores() []LcoreInfo { return nil }

// Stats returns zero counters.
func (p *Plane) Stats() Stats { return Stats{} }

// Stop returns ErrNoDPDK.
func (p *Plane) Stop() error { return ErrNoDPDK }

// Ring is a worker's queue of Records. Built without DPDK, none exists.
type Ring struct{}

// Worker returns 0.
func (r *Ring) Worker() int { return 0 }

// Dequeue returns 0.
func (r *Ring) Dequeue(out []record.Record) int { return 0 }

// Len returns 0.
func (r *Ring) Len() int { return 0 }

// PinThread returns ErrNoDPDK.
func PinThread(cpu int) (release func(), err error) { return nil, ErrNoDPDK }
