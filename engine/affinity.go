package engine

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// PinError says a worker could not be bound to its CPU; it ran unpinned.
type PinError struct {
	Worker int
	Err    error
}

// Error returns "pin worker N: cause".
func (e *PinError) Error() string { return fmt.Sprintf("pin worker %d: %v", e.Worker, e.Err) }

// Unwrap returns the cause.
func (e *PinError) Unwrap() error { return e.Err }

// pin locks the calling goroutine to its OS thread and binds the thread to
// cpu; cpu < 0 does nothing. release undoes the lock. The affinity is left
// as it is: the thread ends with the goroutine still locked, so the Go
// runtime retires it rather than reusing a thread with a narrowed mask.
func pin(cpu int) (release func(), err error) {
	if cpu < 0 {
		return func() {}, nil
	}
	runtime.LockOSThread()
	var set unix.CPUSet
	set.Set(cpu)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		runtime.UnlockOSThread()
		return func() {}, fmt.Errorf("sched_setaffinity cpu %d: %w", cpu, err)
	}
	// Not unlocking on release: a goroutine that exits while locked takes
	// its thread with it, so the narrowed affinity never leaks to others.
	return func() {}, nil
}
