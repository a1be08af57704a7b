package capture

import (
	"errors"
	"io"

	"scanguard/record"
)

// BatchSize is how many Records Records hands to its callback at a time.
const BatchSize = 256

// Records reads the capture at path, parses every frame with p, and calls
// fn with each batch of up to BatchSize filled Records, in file order. The
// batch slice is reused: fn must not keep it past its return.
//
// It returns how many frames it read. When the file breaks off or turns
// corrupt, the Records parsed before the fault are handed to fn first, and
// the *ReadError is returned. An error from fn stops the reading and is
// returned as is.
func Records(path string, p *record.Parser,
	fn func(batch []record.Record) error) (packets int, err error) {
	r, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return r.Records(p, fn)
}

// Records is the function Records for a Reader already open, from the
// frame after the last one Next returned: it parses every frame left with
// p and calls fn with batches of up to BatchSize Records. It returns how
// many frames the Reader has read in all.
func (r *Reader) Records(p *record.Parser,
	fn func(batch []record.Record) error) (packets int, err error) {
	batch := make([]record.Record, 0, BatchSize)
	for {
		frame, tsNs, err := r.Next()
		if err != nil {
			if len(batch) > 0 {
				if ferr := fn(batch); ferr != nil {
					return r.Packets(), ferr
				}
			}
			if errors.Is(err, io.EOF) {
				return r.Packets(), nil
			}
			return r.Packets(), err
		}

		n := len(batch)
		batch = batch[:n+1]
		if !p.Parse(frame, r.LinkType(), tsNs, &batch[n]) {
			batch = batch[:n]
			continue
		}
		if len(batch) == BatchSize {
			if err := fn(batch); err != nil {
				return r.Packets(), err
			}
			batch = batch[:0]
		}
	}
}
