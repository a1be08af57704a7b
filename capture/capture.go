// Package capture reads packet capture files, pcap and pcapng, optionally
// gzip-compressed, and hands their frames to the record parser.
//
// Reading is done by gopacket's pure-Go pcapgo readers (no libpcap, no
// cgo). This package adds what they leave out: the full 16-bit link type,
// bounds on every length read from the file so that a corrupt file cannot
// make it allocate gigabytes, and errors that name the file and packet.
package capture

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcapgo"

	"scanguard/record"
)

// maxCaplen is the largest captured length accepted for one packet:
// libpcap's MAXIMUM_SNAPLEN. A record header claiming more is corrupt.
const maxCaplen = 262144

// Magic numbers at the start of a file.
const (
	magicPcapUs   = 0xa1b2c3d4 // pcap, microsecond timestamps
	magicPcapNs   = 0xa1b23c4d // pcap, nanosecond timestamps
	magicPcapng   = 0x0a0d0d0a // pcapng section header block type
	magicGzipByte = 0x1f       // first byte of a gzip member (1f 8b)
)

// Reader reads the frames of one capture file in file order. It is not
// safe for concurrent use.
type Reader struct {
	path    string
	f       *os.File // nil for OpenReader, whose caller owns the stream
	closed  bool
	gz      *gzip.Reader
	pcap    *pcapgo.Reader
	ng      *pcapgo.NgReader
	guard   *ngGuard
	link    record.LinkType
	hasLink bool // false for a pcapng file whose header names no interface
	packets int
	err     error // sticky: io.EOF or the *ReadError already returned
}

// Open opens a pcap or pcapng file, gzip-compressed or not, and reads its
// header. It fails with ErrNotCapture when the file is neither, and with
// ErrUnsupportedLink when its (first) link type is one the record parser
// does not read. Errors read "open capture PATH: ...".
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	return open(path, f, f)
}

// OpenReader is Open for a capture read from a stream, such as standard
// input: name stands for the path in errors. The stream is read once, in
// order, and never seeked; Close leaves it open.
func OpenReader(name string, stream io.Reader) (*Reader, error) {
	return open(name, stream, nil)
}

// open reads the header of the capture in stream; f, when not nil, is the
// file Close closes.
func open(name string, stream io.Reader, f *os.File) (*Reader, error) {
	r := &Reader{path: name, f: f}
	if err := r.init(bufio.NewReaderSize(stream, 64<<10), true); err != nil {
		r.Close()
		return nil, fmt.Errorf("open capture %s: %w", name, err)
	}
	if r.hasLink && !r.link.Supported() {
		r.Close()
		return nil, fmt.Errorf("open capture %s: %w %v", name, ErrUnsupportedLink, r.link)
	}
	return r, nil
}

// init tells the format by its magic number and sets up the matching
// gopacket reader; gzip is unwrapped once.
func (r *Reader) init(br *bufio.Reader, allowGzip bool) error {
	magic, err := br.Peek(4)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: only %d bytes", ErrNotCapture, len(magic))
		}
		return fmt.Errorf("read magic: %w", err)
	}

	le, be := binary.LittleEndian.Uint32(magic), binary.BigEndian.Uint32(magic)
	switch {
	case le == magicPcapng:
		return r.initPcapng(br)
	case le == magicPcapUs || le == magicPcapNs || be == magicPcapUs || be == magicPcapNs:
		return r.initPcap(br)
	case allowGzip && magic[0] == magicGzipByte && magic[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read gzip header: %w", err)
		}
		r.gz = gz
		return r.init(bufio.NewReaderSize(gz, 64<<10), false)
	}
	return fmt.Errorf("%w: starts with %x", ErrNotCapture, magic)
}

// initPcap reads a classic pcap header. The link type is taken from the
// header itself, since gopacket keeps only its low byte.
func (r *Reader) initPcap(br *bufio.Reader) error {
	hdr, err := br.Peek(24)
	if err != nil {
		return fmt.Errorf("read pcap header: %w", unexpected(err))
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if binary.BigEndian.Uint32(hdr) == magicPcapUs || binary.BigEndian.Uint32(hdr) == magicPcapNs {
		order = binary.BigEndian
	}
	// The top bits of the link field may carry FCS information.
	r.link = record.LinkType(order.Uint32(hdr[20:24]) & 0xffff)
	r.hasLink = true

	pr, err := pcapgo.NewReader(br)
	if err != nil {
		return fmt.Errorf("read pcap header: %w", err)
	}
	// Accept any record up to libpcap's limit whatever snap length the
	// header states (some writers understate it), and no more: the reader
	// sizes its buffer from this value.
	pr.SetSnaplen(maxCaplen)
	r.pcap = pr
	return nil
}

// initPcapng reads the first section header through the block guard and
// learns the first interface's link type.
func (r *Reader) initPcapng(br *bufio.Reader) error {
	r.guard = newNgGuard(br)
	r.guard.prefetchInterface()
	if g := r.guard; !g.seenIface && g.err != nil && !errors.Is(g.err, io.EOF) {
		// The blocks before the first interface are broken: say so now
		// rather than report an unknown link type.
		return fmt.Errorf("read pcapng header: %w", g.err)
	}
	ng, err := pcapgo.NewNgReader(r.guard, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		return fmt.Errorf("read pcapng header: %w", err)
	}
	r.ng = ng
	r.link, r.hasLink = r.guard.firstLink, r.guard.seenIface
	return nil
}

// Next returns the next frame and its capture time in ns since the Unix
// epoch. The frame is valid only until the next call. At the clean end of
// the file it returns io.EOF; a file cut short or corrupt gives a
// *ReadError naming the packet. Once Next has failed it keeps returning the
// same error.
func (r *Reader) Next() (frame []byte, tsNs int64, err error) {
	if r.err != nil {
		return nil, 0, r.err
	}
	var ci gopacket.CaptureInfo
	if r.pcap != nil {
		frame, ci, err = r.pcap.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) && ci.CaptureLength > 0 {
			// The record header was read but none of its data.
			err = io.ErrUnexpectedEOF
		}
	} else {
		frame, ci, err = r.ng.ZeroCopyReadPacketData()
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			r.err = io.EOF
		} else {
			r.err = &ReadError{File: r.path, Packet: r.packets + 1, Err: err}
		}
		return nil, 0, r.err
	}

	r.packets++
	if r.guard != nil {
		r.link = r.guard.popLink()
	}
	if !ci.Timestamp.IsZero() {
		tsNs = ci.Timestamp.UnixNano()
	}
	return frame, tsNs, nil
}

// LinkType returns the link type of the frame Next returned last; before
// the first call, that of the file (pcap) or of its first interface
// (pcapng). A pcapng file may mix interfaces of several link types; frames
// of a type the parser does not know are counted by it as UnknownLink. A
// pcapng file whose first 64 blocks declare no interface (an empty one, for
// instance) reports 0 until its first frame.
func (r *Reader) LinkType() record.LinkType {
	return r.link
}

// Packets returns how many frames Next has returned.
func (r *Reader) Packets() int {
	return r.packets
}

// Close closes the file (not the stream given to OpenReader). It is safe
// to call more than once.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.gz != nil {
		r.gz.Close()
	}
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}

// unexpected turns an io.EOF in the middle of a structure into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
