package bench

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/google/gopacket/pcapgo"

	"scanguard/record"
)

// Every generated Record must survive the trip to a frame and back through
// the product's parser unchanged: then a pcap replay feeds the detector
// exactly what the in-memory run does.
func TestFrameRoundTrip(t *testing.T) {
	for _, name := range ProfileNames() {
		t.Run(name, func(t *testing.T) {
			cfg := Default()
			cfg.Profile = name
			recs, _ := generate(t, cfg, 3000)
			var p record.Parser
			var frame []byte
			for i := range recs {
				want := &recs[i]
				frame = AppendFrame(frame[:0], want)
				if len(frame) < frameMin || len(frame) > MaxFrame {
					t.Fatalf("record %d: frame of %d bytes", i, len(frame))
				}
				var got record.Record
				if !p.Parse(frame, record.LinkEthernet, want.TsNs, &got) {
					t.Fatalf("record %d: parser skipped the frame: %+v", i, p.Counters)
				}
				if got != *want {
					t.Fatalf("record %d:\n got %+v\nwant %+v", i, got, *want)
				}
			}
		})
	}
}

func TestFrameChecksums(t *testing.T) {
	cfg := Default()
	recs, _ := generate(t, cfg, 2000)
	for i := range recs {
		r := &recs[i]
		f := AppendFrame(nil, r)
		ip := f[14:]
		total := int(ip[2])<<8 | int(ip[3])
		if got := fold(sum(ip[:20], 0)); got != 0xffff {
			t.Fatalf("record %d: IPv4 header sums to %#x, want 0xffff", i, got)
		}
		seg := ip[20:total]
		if got := fold(sum(seg, pseudo(r, len(seg)))); got != 0xffff {
			t.Fatalf("record %d (proto %d): segment sums to %#x, want 0xffff", i, r.Proto, got)
		}
	}
}

func TestWritePcap(t *testing.T) {
	cfg := Default()
	cfg.Packets = 5000
	var buf bytes.Buffer
	n, err := WritePcap(context.Background(), &buf, cfg)
	if err != nil || n != cfg.Packets {
		t.Fatalf("got %d packets, %v; want %d", n, err, cfg.Packets)
	}
	want, _ := generate(t, cfg, cfg.Packets)

	rd, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var p record.Parser
	for i := 0; ; i++ {
		data, ci, err := rd.ReadPacketData()
		if errors.Is(err, io.EOF) {
			if i != n {
				t.Errorf("read %d packets back, want %d", i, n)
			}
			break
		}
		if err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
		var got record.Record
		if !p.Parse(data, record.LinkEthernet, ci.Timestamp.UnixNano(), &got) || got != want[i] {
			t.Fatalf("packet %d:\n got %+v\nwant %+v", i+1, got, want[i])
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WritePcap(ctx, io.Discard, cfg); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}
