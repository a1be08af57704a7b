//go:build dpdk

package dpdk

/*
#include <stdlib.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include "sg_plane.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// The EAL's life in this process: it can be initialised once.
var (
	ealMu   sync.Mutex
	ealUsed bool
)

// control runs functions on one locked OS thread, the EAL's main lcore:
// DPDK calls that belong to the main lcore (init, launch, wait, cleanup)
// all happen there.
type control struct {
	fn chan func()
}

func newControl() *control {
	c := &control{fn: make(chan func())}
	go c.loop()
	return c
}

func (c *control) loop() {
	// The goroutine never unlocks: when the channel closes the goroutine
	// ends and the runtime retires the thread the EAL knew as main lcore.
	runtime.LockOSThread()
	for f := range c.fn {
		f()
	}
}

// do runs f on the control thread and waits for it.
func (c *control) do(f func()) {
	done := make(chan struct{})
	c.fn <- func() { f(); close(done) }
	<-done
}

func (c *control) close() { close(c.fn) }

// cArgs is an argument vector in C memory. The EAL keeps pointers into it
// (the program name becomes the log's ident), so it lives until cleanup.
type cArgs struct {
	argv **C.char
	strs []*C.char
}

func newCArgs(args []string) *cArgs {
	a := &cArgs{strs: make([]*C.char, len(args))}
	a.argv = (**C.char)(C.calloc(C.size_t(len(args)+1), C.size_t(ptrSize)))
	for i, s := range args {
		a.strs[i] = C.CString(s)
		setArg(a.argv, i, a.strs[i])
	}
	return a
}

func (a *cArgs) free() {
	for _, s := range a.strs {
		C.free(cptr(s))
	}
	C.free(cptr(a.argv))
}

// ealInit starts the EAL on the calling thread (the control thread). Threads
// the Go runtime starts later inherit this thread's CPU set, which the EAL
// narrows to the main lcore's CPU, so the set it had before is put back.
func ealInit(e *EALConfig) (*cArgs, error) {
	ealMu.Lock()
	defer ealMu.Unlock()
	if ealUsed {
		return nil, ErrEALUsed
	}
	ealUsed = true

	var saved unix.CPUSet
	haveSaved := unix.SchedGetaffinity(0, &saved) == nil

	args := ealArgs(e)
	a := newCArgs(args)
	if C.rte_eal_init(C.int(len(args)), a.argv) < 0 {
		err := rteErr()
		a.free()
		return nil, fmt.Errorf("init EAL with %q: %w", args[1:], err)
	}
	if haveSaved {
		// Failure leaves the Go runtime's future threads on one CPU,
		// which is slow but correct.
		_ = unix.SchedSetaffinity(0, &saved)
	}
	C.sg_clock_init()
	return a, nil
}

// workerLcores returns the enabled lcores other than the main one.
func workerLcores() []int {
	var out []int
	next := func(i C.uint) C.uint { return C.rte_get_next_lcore(i, 1, 0) }
	for i := next(C.uint(^uint32(0))); i < C.RTE_MAX_LCORE; i = next(i) {
		out = append(out, int(i))
	}
	return out
}

// ealCleanup releases the EAL's resources; the EAL cannot start again.
func ealCleanup(a *cArgs) error {
	ret := C.rte_eal_cleanup()
	a.free()
	return callErr("clean up EAL", ret)
}
