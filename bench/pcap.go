package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"scanguard/record"
)

// WritePcap writes cfg.Packets packets of cfg's profile to w as a pcap file
// of Ethernet frames with nanosecond timestamps, for replay through DPDK's
// net_pcap, tcpreplay or a packet generator. It returns how many packets
// it wrote. ctx stops it between chunks.
func WritePcap(ctx context.Context, w io.Writer, cfg Config) (int, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return 0, err
	}
	gen, err := NewGenerator(cfg)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	pw := pcapgo.NewWriterNanos(bw)
	if err := pw.WriteFileHeader(MaxFrame, layers.LinkTypeEthernet); err != nil {
		return 0, fmt.Errorf("write pcap header: %w", err)
	}
	recs := make([]record.Record, min(cfg.Chunk, cfg.Packets))
	frame := make([]byte, 0, MaxFrame)
	written := 0
	for written < cfg.Packets {
		if err := ctx.Err(); err != nil {
			return written, fmt.Errorf("write pcap: %w", err)
		}
		n := min(len(recs), cfg.Packets-written)
		gen.Fill(recs[:n])
		for i := range recs[:n] {
			r := &recs[i]
			frame = AppendFrame(frame[:0], r)
			ci := gopacket.CaptureInfo{Timestamp: time.Unix(0, r.TsNs), CaptureLength: len(frame),
				Length: len(frame)}
			if err := pw.WritePacket(ci, frame); err != nil {
				return written, fmt.Errorf("write packet %d: %w", written+1, err)
			}
			written++
		}
	}
	if err := bw.Flush(); err != nil {
		return written, fmt.Errorf("write pcap: %w", err)
	}
	return written, nil
}
