//go:build dpdk

package dpdk

/*
#include <stdlib.h>
*/
import "C"

import "unsafe"

const ptrSize = unsafe.Sizeof(uintptr(0))

// cptr converts a C pointer for C.free.
func cptr[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }

// setArg stores s as element i of the C array argv.
func setArg(argv **C.char, i int, s *C.char) {
	unsafe.Slice(argv, i+1)[i] = s
}
