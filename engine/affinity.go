package engine

import (
	"fmt"
	"runtime"
	"strings"

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

// allowedCPUs returns the CPUs the calling thread may run on, which are the
// process's unless a thread was pinned; known is false when the kernel
// would not say.
func allowedCPUs() (set unix.CPUSet, known bool) {
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return set, false
	}
	return set, true
}

// cpuList writes set as ranges, "0-3,6".
func cpuList(set *unix.CPUSet) string {
	var parts []string
	for cpu := 0; cpu < 1024; cpu++ {
		if !set.IsSet(cpu) {
			continue
		}
		end := cpu
		for end+1 < 1024 && set.IsSet(end+1) {
			end++
		}
		if end == cpu {
			parts = append(parts, fmt.Sprint(cpu))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", cpu, end))
		}
		cpu = end
	}
	if len(parts) == 0 {
		return "none"
	}
	return "CPUs " + strings.Join(parts, ",")
}
