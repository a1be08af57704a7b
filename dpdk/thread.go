//go:build dpdk

package dpdk

/*
#include <rte_lcore.h>
*/
import "C"

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// PinThread prepares the calling goroutine to be a worker: it locks the
// goroutine to its OS thread, restricts the thread to CPU cpu (no change
// when cpu < 0) and registers the thread with the EAL, which DPDK needs
// before a thread touches a mempool or other per-lcore state. The returned
// release undoes all three; call it on the same goroutine when the worker
// ends. The EAL must be running.
//
// Dequeue never blocks, so a pinned worker polls. It should spin, or sleep
// when its Ring stays empty: runtime.Gosched on a locked thread hands the
// goroutine's P to another thread and back, costing futex wake-ups and
// interrupts that reach the polling lcores' CPUs.
func PinThread(cpu int) (release func(), err error) {
	runtime.LockOSThread()

	var saved unix.CPUSet
	if err := unix.SchedGetaffinity(0, &saved); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("pin thread: read CPU set: %w", err)
	}
	if cpu >= 0 {
		var set unix.CPUSet
		set.Set(cpu)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			runtime.UnlockOSThread()
			return nil, fmt.Errorf("pin thread to CPU %d: %w", cpu, err)
		}
	}
	if C.rte_thread_register() != 0 {
		err := rteErr()
		_ = unix.SchedSetaffinity(0, &saved)
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("register thread with EAL: %w", err)
	}
	return func() {
		C.rte_thread_unregister()
		_ = unix.SchedSetaffinity(0, &saved)
		runtime.UnlockOSThread()
	}, nil
}
