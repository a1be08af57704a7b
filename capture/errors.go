package capture

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is through the errors Open and Next
// return.
var (
	// ErrNotCapture says the file starts with neither a pcap nor a pcapng
	// magic number (nor gzip around one).
	ErrNotCapture = errors.New("not a pcap or pcapng file")
	// ErrUnsupportedLink says the capture's link type is one the record
	// parser cannot read.
	ErrUnsupportedLink = errors.New("unsupported link type")
	// ErrCorrupt says a record or block header holds a value no writer
	// produces: a block length that is not a multiple of four, a captured
	// length larger than its block, a packet on an undeclared interface.
	ErrCorrupt = errors.New("corrupt capture")
)

// ReadError is the error Next returns when a capture breaks off or turns
// corrupt after its header: it names the file and the 1-based number of the
// packet that could not be read. Every packet before it was delivered.
type ReadError struct {
	File   string // the path given to Open
	Packet int    // number of the packet being read, 1-based
	Err    error  // what went wrong: io.ErrUnexpectedEOF, ErrCorrupt, ...
}

// Error returns "read capture FILE: packet N: CAUSE".
func (e *ReadError) Error() string {
	return fmt.Sprintf("read capture %s: packet %d: %v", e.File, e.Packet, e.Err)
}

// Unwrap returns the cause, so errors.Is(err, io.ErrUnexpectedEOF) works.
func (e *ReadError) Unwrap() error {
	return e.Err
}
