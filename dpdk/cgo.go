//go:build dpdk

package dpdk

/*
#cgo pkg-config: libdpdk
#cgo CFLAGS: -O3 -Wall -Wno-deprecated-declarations
#include <stdlib.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include "sg_plane.h"
#include "sg_port.h"
*/
import "C"

import "fmt"

// rteErr returns the current rte_errno as an *Errno, or nil when it is 0.
func rteErr() error {
	return codeErr(int(C.sg_errno()))
}

// codeErr turns a DPDK error code, negative or positive, into an *Errno
// carrying rte_strerror's message.
func codeErr(code int) error {
	if code < 0 {
		code = -code
	}
	if code == 0 {
		return nil
	}
	return &Errno{Code: code, Msg: C.GoString(C.rte_strerror(C.int(code)))}
}

// callErr wraps a DPDK return value: 0 is success, a negative value an
// error code.
func callErr(op string, ret C.int) error {
	if ret >= 0 {
		return nil
	}
	return fmt.Errorf("%s: %w", op, codeErr(int(ret)))
}
