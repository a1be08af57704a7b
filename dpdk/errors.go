package dpdk

import (
	"errors"
	"syscall"
)

// Sentinel errors of the package.
var (
	// ErrNoDPDK is returned by every entry point of a binary built without
	// the "dpdk" build tag.
	ErrNoDPDK = errors.New("built without DPDK: rebuild with -tags dpdk")

	// ErrEALUsed is returned by Start when the EAL was already initialised in
	// this process: DPDK supports one initialisation per process.
	ErrEALUsed = errors.New("EAL already initialised in this process")

	// ErrStopped is returned by Plane methods called after Stop.
	ErrStopped = errors.New("plane stopped")

	// ErrNoPort is returned when a configured port name matches no device.
	ErrNoPort = errors.New("no such port")

	// ErrNoLcore is returned when the EAL has no worker lcore to poll with.
	ErrNoLcore = errors.New("no worker lcore: give the EAL at least two lcores")
)

// Errno is an error code returned by a DPDK call, with the message
// rte_strerror gives for it. Codes below 1000 are errno values, and Unwrap
// returns them as syscall.Errno so errors.Is(err, syscall.EINVAL) works.
type Errno struct {
	Code int
	Msg  string
}

// Error returns rte_strerror's message.
func (e *Errno) Error() string { return e.Msg }

// Unwrap returns the code as a syscall.Errno when it is a system errno.
func (e *Errno) Unwrap() error {
	if e.Code > 0 && e.Code < 1000 {
		return syscall.Errno(e.Code)
	}
	return nil
}

// errNoMem reports a failed C allocation.
func errNoMem(what string) error {
	return &Errno{Code: int(syscall.ENOMEM), Msg: "allocate " + what + ": out of memory"}
}
