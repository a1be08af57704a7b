package capture_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"scanguard/capture"
	"scanguard/record"
)

// packet is one frame with its capture time.
type packet struct {
	frame []byte
	tsNs  int64
}

// readAll reads every frame of path through capture.Open.
func readAll(t testing.TB, path string) (record.LinkType, []packet) {
	t.Helper()
	r, err := capture.Open(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer r.Close()
	var pkts []packet
	for {
		frame, ts, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.LinkType(), pkts
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		pkts = append(pkts, packet{append([]byte(nil), frame...), ts})
	}
}

// writeFile writes b to a new file in the test's temporary folder.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	writeFileAt(t, path, b)
	return path
}

// writeFileAt writes b to path.
func writeFileAt(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
}

// pcapBytes writes packets as a classic pcap with gopacket's writer. The
// writer takes an 8-bit link type, so the full one is patched in after.
func pcapBytes(t testing.TB, link record.LinkType, pkts []packet) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriterNanos(&buf)
	if err := w.WriteFileHeader(128, layers.LinkType(link)); err != nil {
		t.Fatalf("write pcap header: %v", err)
	}
	binary.LittleEndian.PutUint32(buf.Bytes()[20:24], uint32(link))
	for _, p := range pkts {
		ci := gopacket.CaptureInfo{
			Timestamp: time.Unix(0, p.tsNs), CaptureLength: len(p.frame), Length: len(p.frame),
		}
		if err := w.WritePacket(ci, p.frame); err != nil {
			t.Fatalf("write packet: %v", err)
		}
	}
	return buf.Bytes()
}

// pcapngBytes writes packets as pcapng with gopacket's NgWriter, one
// Ethernet interface.
func pcapngBytes(t testing.TB, pkts []packet) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatalf("new pcapng writer: %v", err)
	}
	for _, p := range pkts {
		ci := gopacket.CaptureInfo{
			Timestamp: time.Unix(0, p.tsNs), CaptureLength: len(p.frame), Length: len(p.frame),
		}
		if err := w.WritePacket(ci, p.frame); err != nil {
			t.Fatalf("write packet: %v", err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	return buf.Bytes()
}

// ngBuilder writes pcapng blocks by hand, for what gopacket's writer cannot
// produce: 16-bit link types, big-endian sections, broken blocks.
type ngBuilder struct {
	order interface {
		binary.ByteOrder
		binary.AppendByteOrder
	}
	buf []byte
}

// block appends a block of type typ around body, padded to four bytes.
func (w *ngBuilder) block(typ uint32, body []byte) *ngBuilder {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	w.buf = w.order.AppendUint32(w.buf, typ)
	w.buf = w.order.AppendUint32(w.buf, n)
	w.buf = append(w.buf, body...)
	w.buf = w.order.AppendUint32(w.buf, n)
	return w
}

// shb appends a section header, version 1.0, unknown section length.
func (w *ngBuilder) shb(opts ...byte) *ngBuilder {
	b := w.order.AppendUint32(nil, 0x1a2b3c4d)
	b = w.order.AppendUint16(b, 1)
	b = w.order.AppendUint16(b, 0)
	b = append(b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	return w.block(0x0a0d0d0a, append(b, opts...))
}

// idb appends an interface with microsecond timestamps.
func (w *ngBuilder) idb(link record.LinkType, snaplen uint32, opts ...byte) *ngBuilder {
	b := w.order.AppendUint16(nil, uint16(link))
	b = append(b, 0, 0)
	b = w.order.AppendUint32(b, snaplen)
	return w.block(1, append(b, opts...))
}

// epb appends an enhanced packet block on interface id.
func (w *ngBuilder) epb(id uint32, p packet) *ngBuilder {
	us := uint64(p.tsNs / 1000)
	b := w.order.AppendUint32(nil, id)
	b = w.order.AppendUint32(b, uint32(us>>32))
	b = w.order.AppendUint32(b, uint32(us))
	b = w.order.AppendUint32(b, uint32(len(p.frame)))
	b = w.order.AppendUint32(b, uint32(len(p.frame)))
	return w.block(6, append(b, p.frame...))
}

// option returns one option TLV, padded.
func (w *ngBuilder) option(code uint16, v ...byte) []byte {
	b := w.order.AppendUint16(nil, code)
	b = w.order.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// recordsOf parses every packet of path with capture.Records and returns
// the Records and the parser's counters.
func recordsOf(t testing.TB, path string) ([]record.Record, record.Counters) {
	t.Helper()
	var p record.Parser
	var recs []record.Record
	n, err := capture.Records(path, &p, func(b []record.Record) error {
		recs = append(recs, b...)
		return nil
	})
	if err != nil {
		t.Fatalf("records of %s: %v", path, err)
	}
	if uint64(n) != p.Frames {
		t.Fatalf("records of %s: %d packets read, parser saw %d", path, n, p.Frames)
	}
	return recs, p.Counters
}
