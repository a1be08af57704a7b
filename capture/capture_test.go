package capture_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"scanguard/capture"
	"scanguard/record"
)

// TestCorpusPacketCounts reads every labelled corpus capture to its end and
// checks the packet count against labels.jsonl, through Open/Next and
// through Records.
func TestCorpusPacketCounts(t *testing.T) {
	dir, labels := corpusLabels(t)
	for _, l := range labels {
		t.Run(l.File, func(t *testing.T) {
			path := filepath.Join(dir, l.File)
			r, err := capture.Open(path)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer r.Close()
			if r.LinkType() != record.LinkEthernet {
				t.Errorf("link type %v, want ethernet", r.LinkType())
			}
			var last int64
			for {
				_, ts, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("next: %v", err)
				}
				if ts <= 0 || ts < last-int64(1e9) {
					t.Fatalf("packet %d: time %d after %d", r.Packets(), ts, last)
				}
				last = ts
			}
			if got := r.Packets(); got != l.Packets {
				t.Errorf("Next read %d packets, label says %d", got, l.Packets)
			}
			if _, _, err := r.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("Next after the end = %v, want io.EOF", err)
			}

			recs, c := recordsOf(t, path)
			if c.Frames != uint64(l.Packets) || uint64(len(recs)) != c.Records() {
				t.Errorf("Records: %d frames, %d records, counters %+v; label says %d packets",
					c.Frames, len(recs), c, l.Packets)
			}
		})
	}
}

// shortCapture returns the frames of a small capture: testdata's copy of
// a 10-probe masscan run (40 packets).
func shortCapture(t testing.TB) []packet {
	t.Helper()
	link, pkts := readAll(t, filepath.Join("testdata", "masscan_short_10probes.pcap"))
	if link != record.LinkEthernet || len(pkts) != 40 {
		t.Fatalf("testdata capture: link %v, %d packets", link, len(pkts))
	}
	return pkts
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return buf.Bytes()
}

// TestFormats writes the same packets in every container the reader
// accepts and checks that each reads back frame for frame, time for time.
func TestFormats(t *testing.T) {
	pkts := shortCapture(t)
	ng := pcapngBytes(t, pkts)
	be := &ngBuilder{order: binary.BigEndian}
	be.shb().idb(record.LinkEthernet, 128)
	for _, p := range pkts {
		be.epb(0, p)
	}
	withOpts := &ngBuilder{order: binary.LittleEndian}
	withOpts.shb(withOpts.option(4, []byte("scanguard test")...)...).
		idb(record.LinkEthernet, 0xffffffff, withOpts.option(9, 6)...).
		block(0x0bad, []byte("an unknown block type is skipped"))
	for i, p := range pkts {
		withOpts.epb(0, p)
		if i == 10 {
			withOpts.block(5, make([]byte, 12)) // interface statistics
		}
	}

	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"pcap nanoseconds", pcapBytes(t, record.LinkEthernet, pkts)},
		{"pcap gzip", gzipped(t, pcapBytes(t, record.LinkEthernet, pkts))},
		{"pcapng", ng},
		{"pcapng gzip", gzipped(t, ng)},
		{"pcapng big-endian", be.buf},
		{"pcapng with options and other blocks", withOpts.buf},
	} {
		t.Run(tc.name, func(t *testing.T) {
			link, got := readAll(t, writeFile(t, "f", tc.file))
			if link != record.LinkEthernet {
				t.Errorf("link type %v, want ethernet", link)
			}
			if len(got) != len(pkts) {
				t.Fatalf("read %d packets, want %d", len(got), len(pkts))
			}
			for i := range pkts {
				if !bytes.Equal(got[i].frame, pkts[i].frame) || got[i].tsNs != pkts[i].tsNs {
					t.Fatalf("packet %d: got %x at %d\nwant %x at %d", i+1,
						got[i].frame, got[i].tsNs, pkts[i].frame, pkts[i].tsNs)
				}
			}
		})
	}
}

// recook rewrites Ethernet frames for another link type, keeping the IP
// packet.
func recook(pkts []packet, link record.LinkType) []packet {
	out := make([]packet, len(pkts))
	for i, p := range pkts {
		ip := p.frame[14:]
		var hdr []byte
		switch link {
		case record.LinkLinuxSLL:
			hdr = []byte{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0}
		case record.LinkLinuxSLL2:
			hdr = []byte{0x08, 0, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}
		}
		out[i] = packet{append(hdr, ip...), p.tsNs}
	}
	return out
}

// TestLinkTypes writes the same IP packets under every link type the
// parser reads, as `tcpdump -i any` and raw-IP tools write them, and checks
// that they give the same Records as the Ethernet original.
func TestLinkTypes(t *testing.T) {
	pkts := shortCapture(t)
	want, _ := recordsOf(t, writeFile(t, "eth.pcap", pcapBytes(t, record.LinkEthernet, pkts)))
	if len(want) != len(pkts) {
		t.Fatalf("ethernet original gave %d records for %d packets", len(want), len(pkts))
	}

	mixed := &ngBuilder{order: binary.LittleEndian}
	mixed.shb().idb(record.LinkEthernet, 128).idb(record.LinkLinuxSLL2, 262144)
	for i, p := range pkts {
		if i%2 == 0 {
			mixed.epb(0, p)
		} else {
			mixed.epb(1, recook([]packet{p}, record.LinkLinuxSLL2)[0])
		}
	}

	for _, tc := range []struct {
		name     string
		file     []byte
		wantLink record.LinkType
	}{
		{"linux cooked", pcapBytes(t, record.LinkLinuxSLL, recook(pkts, record.LinkLinuxSLL)),
			record.LinkLinuxSLL},
		{"linux cooked v2", pcapBytes(t, record.LinkLinuxSLL2,
			recook(pkts, record.LinkLinuxSLL2)), record.LinkLinuxSLL2},
		{"raw 101", pcapBytes(t, record.LinkRaw, recook(pkts, record.LinkRaw)),
			record.LinkRaw},
		{"raw 12", pcapBytes(t, record.LinkRawLegacy, recook(pkts, record.LinkRaw)),
			record.LinkRawLegacy},
		{"raw IPv4 228", pcapBytes(t, record.LinkIPv4, recook(pkts, record.LinkRaw)),
			record.LinkIPv4},
		{"pcapng mixing ethernet and cooked v2", mixed.buf, record.LinkEthernet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "f", tc.file)
			r, err := capture.Open(path)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			if r.LinkType() != tc.wantLink {
				t.Errorf("link type %v, want %v", r.LinkType(), tc.wantLink)
			}
			r.Close()

			got, c := recordsOf(t, path)
			if len(got) != len(want) || c.Skipped() != 0 {
				t.Fatalf("%d records, want %d (counters %+v)", len(got), len(want), c)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("record %d\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
		})
	}
}
