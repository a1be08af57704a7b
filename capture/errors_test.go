package capture_test

import (
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"

	"scanguard/capture"
	"scanguard/record"
)

// manyPackets repeats the short capture until it holds n packets, so that
// Records fills several batches.
func manyPackets(t testing.TB, n int) []packet {
	t.Helper()
	short := shortCapture(t)
	var pkts []packet
	for len(pkts) < n {
		pkts = append(pkts, short...)
	}
	return pkts[:n]
}

// pcapOffsets returns where each packet's record header starts in a
// little-endian classic pcap.
func pcapOffsets(b []byte) []int {
	var offs []int
	for at := 24; at+16 <= len(b); at += 16 + int(binary.LittleEndian.Uint32(b[at+8:])) {
		offs = append(offs, at)
	}
	return offs
}

// ngOffsets returns where each enhanced packet block starts in a
// little-endian pcapng.
func ngOffsets(b []byte) []int {
	var offs []int
	for at := 0; at+8 <= len(b); at += int(binary.LittleEndian.Uint32(b[at+4:])) {
		if binary.LittleEndian.Uint32(b[at:]) == 6 {
			offs = append(offs, at)
		}
	}
	return offs
}

func patched(b []byte, at int, v uint32) []byte {
	b = append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(b[at:], v)
	return b
}

// TestReadErrors breaks files at packet 700 of 800 in every way a capture
// breaks, and checks that Next names that packet, that Records delivers
// the 699 packets before it, and the cause.
func TestReadErrors(t *testing.T) {
	const total, broken = 800, 700
	pkts := manyPackets(t, total)
	pcap := pcapBytes(t, record.LinkEthernet, pkts)
	pOff := pcapOffsets(pcap)[broken-1]
	ng := pcapngBytes(t, pkts)
	nOff := ngOffsets(ng)[broken-1]

	for _, tc := range []struct {
		name  string
		file  []byte
		cause error // nil for a clean end after broken-1 packets
		text  string
	}{
		{"pcap cut in packet data", pcap[:pOff+16+30], io.ErrUnexpectedEOF, "unexpected EOF"},
		{"pcap cut after a record header", pcap[:pOff+16], io.ErrUnexpectedEOF, ""},
		{"pcap cut in a record header", pcap[:pOff+9], io.ErrUnexpectedEOF, ""},
		{"pcap cut between packets", pcap[:pOff], nil, ""},
		{"pcap huge captured length", patched(pcap, pOff+8, 0xfffffff0), nil,
			"capture length exceeds snap length"},
		{"pcap captured length over original", patched(pcap, pOff+8, 100), nil,
			"exceeds original packet length"},
		{"pcapng cut in a packet block", ng[:nOff+40], io.ErrUnexpectedEOF, ""},
		{"pcapng cut in a block header", ng[:nOff+5], io.ErrUnexpectedEOF, ""},
		{"pcapng cut between blocks", ng[:nOff], nil, ""},
		{"pcapng captured length over block", patched(ng, nOff+20, 200), capture.ErrCorrupt,
			"captured length 200"},
		{"pcapng block length not a multiple of 4", patched(ng, nOff+4, 90),
			capture.ErrCorrupt, "length 90"},
		{"pcapng huge block length", patched(ng, nOff+4, 0xfffffff0), capture.ErrCorrupt, ""},
		{"pcapng undeclared interface", patched(ng, nOff+8, 5), capture.ErrCorrupt,
			"interface 5 of 1"},
		{"pcapng trailing length mismatch", patched(ng, ngOffsets(ng)[broken]-4, 64),
			capture.ErrCorrupt, "trailing length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "broken.cap", tc.file)
			clean := tc.cause == nil && tc.text == ""

			var p record.Parser
			var delivered, batches int
			n, err := capture.Records(path, &p, func(b []record.Record) error {
				delivered += len(b)
				batches++
				return nil
			})
			if delivered != broken-1 || n != broken-1 {
				t.Errorf("delivered %d records of %d packets, want %d", delivered, n, broken-1)
			}
			if batches != (broken-1+capture.BatchSize-1)/capture.BatchSize {
				t.Errorf("%d batches for %d records", batches, delivered)
			}
			if clean {
				if err != nil {
					t.Fatalf("Records = %v, want a clean end", err)
				}
				return
			}

			var re *capture.ReadError
			if !errors.As(err, &re) {
				t.Fatalf("Records = %v (%T), want a *capture.ReadError", err, err)
			}
			if re.Packet != broken || re.File != path {
				t.Errorf("ReadError names packet %d of %s, want %d of %s",
					re.Packet, re.File, broken, path)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("error %q does not wrap %q", err, tc.cause)
			}
			wantPrefix := "read capture " + path + ": packet 700: "
			if !strings.HasPrefix(err.Error(), wantPrefix) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q, want %q...%q", err, wantPrefix, tc.text)
			}
		})
	}
}

// TestNextAfterError checks that Next keeps returning the same error once
// it failed.
func TestNextAfterError(t *testing.T) {
	pcap := pcapBytes(t, record.LinkEthernet, manyPackets(t, 3))
	r, err := capture.Open(writeFile(t, "cut.pcap", pcap[:len(pcap)-5]))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer r.Close()
	var errs []error
	for i := 0; i < 5; i++ {
		if _, _, err := r.Next(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 3 || errs[0] != errs[1] || errs[1] != errs[2] || r.Packets() != 2 {
		t.Fatalf("errors %v after %d packets, want the same error three times after 2",
			errs, r.Packets())
	}
}

// TestOpenErrors checks the errors Open gives for what is not a capture
// the parser can read.
func TestOpenErrors(t *testing.T) {
	pcap := pcapBytes(t, record.LinkEthernet, manyPackets(t, 2))
	ng := pcapngBytes(t, manyPackets(t, 2))
	idbAt := int(binary.LittleEndian.Uint32(ng[4:8])) // right after the section header
	bad := &ngBuilder{order: binary.LittleEndian}
	bad.shb().idb(record.LinkEthernet, 128, bad.option(9, 0x7f)...)
	early := &ngBuilder{order: binary.LittleEndian}
	early.shb().epb(0, packet{frame: make([]byte, 60)})

	for _, tc := range []struct {
		name  string
		file  []byte
		cause error
		text  string
	}{
		{"text file", []byte("hello, this is not a capture\n"), capture.ErrNotCapture,
			"starts with 68656c6c"},
		{"empty file", nil, capture.ErrNotCapture, "only 0 bytes"},
		{"three bytes", []byte{0xd4, 0xc3, 0xb2}, capture.ErrNotCapture, ""},
		{"pcap header cut", pcap[:10], io.ErrUnexpectedEOF, "read pcap header"},
		{"pcap 802.11", patched(pcap, 20, 105), capture.ErrUnsupportedLink, "linktype(105)"},
		{"pcapng 802.11", patched(ng, idbAt+8, 105), capture.ErrUnsupportedLink,
			"linktype(105)"},
		{"pcapng timestamp resolution", bad.buf, capture.ErrCorrupt, "resolution"},
		{"pcapng packet before an interface", early.buf, capture.ErrCorrupt, "interface 0 of 0"},
		{"gzip of garbage", gzipped(t, []byte("still not a capture")), capture.ErrNotCapture, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "bad.cap", tc.file)
			r, err := capture.Open(path)
			if err == nil {
				r.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tc.cause) {
				t.Errorf("error %q does not wrap %q", err, tc.cause)
			}
			if !strings.HasPrefix(err.Error(), "open capture "+path+": ") ||
				!strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q, want it to name the file and say %q", err, tc.text)
			}
		})
	}

	if _, err := capture.Open(writeFile(t, "x", nil) + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}

// TestRecordsCallbackError checks that an error from the callback stops
// the reading and comes back unchanged.
func TestRecordsCallbackError(t *testing.T) {
	path := writeFile(t, "f.pcap", pcapBytes(t, record.LinkEthernet, manyPackets(t, 600)))
	stop := errors.New("sink full")
	calls := 0
	var p record.Parser
	n, err := capture.Records(path, &p, func(b []record.Record) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 || n != capture.BatchSize {
		t.Fatalf("Records = %d, %v after %d calls; want %d, %v after 1",
			n, err, calls, capture.BatchSize, stop)
	}
}
