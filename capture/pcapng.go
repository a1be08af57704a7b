package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"scanguard/record"
)

// pcapng block types (pcapng specification, section 4).
const (
	blockSHB = 0x0a0d0d0a // section header
	blockIDB = 1          // interface description
	blockPB  = 2          // packet (obsolete, still read)
	blockSPB = 3          // simple packet
	blockISB = 5          // interface statistics
	blockEPB = 6          // enhanced packet
)

const (
	// maxBlockLen is the largest block accepted, libpcap's own limit.
	maxBlockLen = 16 << 20
	// byteOrderMagic tells a section's byte order.
	byteOrderMagic uint32 = 0x1a2b3c4d
	// optTsResol is the if_tsresol option code of an interface block.
	optTsResol = 9
	// prefetchBlocks bounds how far Open looks for the first interface.
	prefetchBlocks = 64
)

// ngIface is what the guard keeps of one interface of the current section.
type ngIface struct {
	link    record.LinkType
	snaplen uint32
}

// ngGuard sits between the file and gopacket's pcapng reader. It reads the
// stream one whole block at a time and passes a block on only once its
// framing is sound: lengths within bounds and consistent, options that
// tile their block, captured lengths that fit, interfaces that exist, and
// timestamp resolutions that do not divide by zero. gopacket trusts all of
// these and would otherwise allocate whatever a length field says, or
// panic. The guard also records, in order, the full 16-bit link type of
// every packet block it passes on, which gopacket truncates to a byte.
type ngGuard struct {
	r       io.Reader
	pending []byte // validated bytes not yet read by gopacket
	off     int    // read position in pending
	err     error  // sticky error, returned once pending is drained
	hdr     [12]byte

	order  binary.ByteOrder
	ifaces []ngIface

	links     []record.LinkType // link type of each packet block passed on
	linkHead  int               // first entry of links not yet popped
	firstLink record.LinkType
	seenIface bool
}

func newNgGuard(r io.Reader) *ngGuard {
	return &ngGuard{r: r, order: binary.LittleEndian}
}

// Read hands on validated bytes; it loads the next block when they run
// out.
func (g *ngGuard) Read(p []byte) (int, error) {
	for g.off == len(g.pending) {
		if g.err != nil {
			return 0, g.err
		}
		g.pending, g.off = g.pending[:0], 0
		g.err = g.loadBlock()
	}
	n := copy(p, g.pending[g.off:])
	g.off += n
	return n, nil
}

// prefetchInterface loads blocks ahead until the first interface block is
// seen, so that Open knows the link type before any packet is read. Any
// error is kept and surfaces, in stream order, through Read.
func (g *ngGuard) prefetchInterface() {
	for i := 0; i < prefetchBlocks && !g.seenIface && g.err == nil; i++ {
		g.err = g.loadBlock()
		if len(g.links) > 0 {
			return // a packet block came first; gopacket reports that
		}
	}
}

// popLink returns the link type of the oldest packet block passed on and
// not yet popped.
func (g *ngGuard) popLink() record.LinkType {
	if g.linkHead >= len(g.links) {
		return 0
	}
	l := g.links[g.linkHead]
	g.linkHead++
	if g.linkHead == len(g.links) {
		g.links, g.linkHead = g.links[:0], 0
	}
	return l
}

// corrupt returns an ErrCorrupt error describing the fault.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// loadBlock reads one block, checks it, and appends it to pending.
func (g *ngGuard) loadBlock() error {
	hdr := &g.hdr
	if _, err := io.ReadFull(g.r, hdr[:8]); err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF // clean end between blocks
		}
		return err
	}

	typ := binary.LittleEndian.Uint32(hdr[0:4])
	if typ == blockSHB {
		// A section header sets the byte order of everything up to the
		// next one, its own length included.
		if _, err := io.ReadFull(g.r, hdr[8:12]); err != nil {
			return unexpected(err)
		}
		switch byteOrderMagic {
		case binary.LittleEndian.Uint32(hdr[8:12]):
			g.order = binary.LittleEndian
		case binary.BigEndian.Uint32(hdr[8:12]):
			g.order = binary.BigEndian
		default:
			return corrupt("section header byte-order magic %x", hdr[8:12])
		}
		g.ifaces = g.ifaces[:0]
	} else {
		typ = g.order.Uint32(hdr[0:4])
	}

	length := g.order.Uint32(hdr[4:8])
	if length < 12 || length%4 != 0 || length > maxBlockLen {
		return corrupt("block type %#x has length %d", typ, length)
	}
	start := len(g.pending)
	g.pending = append(g.pending, hdr[:8]...)
	if typ == blockSHB {
		g.pending = append(g.pending, hdr[8:12]...)
	}
	if err := g.readBody(start + int(length)); err != nil {
		g.pending = g.pending[:start]
		return err
	}
	b := g.pending[start:]
	if g.order.Uint32(b[length-4:]) != length {
		g.pending = g.pending[:start]
		return corrupt("block type %#x: trailing length %d, leading %d",
			typ, g.order.Uint32(b[length-4:]), length)
	}

	if err := g.checkBlock(typ, b); err != nil {
		g.pending = g.pending[:start]
		return err
	}
	return nil
}

// readBody reads the rest of the block into pending until it is end bytes
// long. It grows the buffer as data arrives, so a length field that lies
// about a short file costs no more memory than the file has.
func (g *ngGuard) readBody(end int) error {
	const chunk = 64 << 10
	for len(g.pending) < end {
		n := min(end-len(g.pending), chunk)
		at := len(g.pending)
		g.pending = append(g.pending, make([]byte, n)...)
		if _, err := io.ReadFull(g.r, g.pending[at:]); err != nil {
			return unexpected(err)
		}
	}
	return nil
}
