//go:build !dpdk

package dpdk

import (
	"errors"
	"testing"
)

func TestBuiltWithoutDPDK(t *testing.T) {
	p, err := Start(labConfig())
	if p != nil || !errors.Is(err, ErrNoDPDK) {
		t.Errorf("Start = %v, %v; want nil, ErrNoDPDK", p, err)
	}
	if _, err := PinThread(0); !errors.Is(err, ErrNoDPDK) {
		t.Errorf("PinThread error = %v, want ErrNoDPDK", err)
	}
	var pl *Plane
	if err := pl.Stop(); !errors.Is(err, ErrNoDPDK) {
		t.Errorf("Stop = %v, want ErrNoDPDK", err)
	}
	if got, want := ErrNoDPDK.Error(), "built without DPDK: rebuild with -tags dpdk"; got != want {
		t.Errorf("ErrNoDPDK = %q, want %q", got, want)
	}
}
