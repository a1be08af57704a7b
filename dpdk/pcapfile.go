package dpdk

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// errPcapFormat is returned for a file that is neither pcap nor pcapng.
var errPcapFormat = errors.New("not a pcap or pcapng file")

// countPcapPackets returns how many packets a pcap or pcapng file holds,
// reading only the record headers. net_pcap's mbuf pool is sized from it.
func countPcapPackets(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("count packets: %w", err)
	}
	defer f.Close()

	r := bufio.NewReaderSize(f, 1<<16)
	var hdr [24]byte
	if _, err := io.ReadFull(r, hdr[:4]); err != nil {
		return 0, fmt.Errorf("count packets in %s: %w", path, errPcapFormat)
	}
	var n int
	switch binary.LittleEndian.Uint32(hdr[:4]) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		n, err = countPcap(r, binary.LittleEndian)
	case 0xd4c3b2a1, 0x4d3cb2a1:
		n, err = countPcap(r, binary.BigEndian)
	case 0x0a0d0d0a:
		n, err = countPcapng(r, hdr[:4])
	default:
		err = errPcapFormat
	}
	if err != nil {
		return n, fmt.Errorf("count packets in %s (packet %d): %w", path, n+1, err)
	}
	return n, nil
}

// countPcap counts the records of a classic pcap file whose magic was read.
func countPcap(r *bufio.Reader, bo binary.ByteOrder) (int, error) {
	if _, err := r.Discard(20); err != nil {
		return 0, err
	}
	var rec [16]byte
	n := 0
	for {
		if _, err := io.ReadFull(r, rec[:]); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
		if _, err := r.Discard(int(bo.Uint32(rec[8:12]))); err != nil {
			return n, err
		}
		n++
	}
}

// countPcapng counts the packet blocks (enhanced, simple and obsolete) of a
// pcapng file whose first four bytes are in first.
func countPcapng(r *bufio.Reader, first []byte) (int, error) {
	var bo binary.ByteOrder = binary.LittleEndian
	var blk [8]byte
	copy(blk[:4], first)
	if _, err := io.ReadFull(r, blk[4:]); err != nil {
		return 0, err
	}
	bom, err := r.Peek(4)
	if err != nil {
		return 0, err
	}
	if binary.BigEndian.Uint32(bom) == 0x1a2b3c4d {
		bo = binary.BigEndian
	}
	n := 0
	for {
		typ, length := bo.Uint32(blk[:4]), bo.Uint32(blk[4:])
		if length < 12 {
			return n, errPcapFormat
		}
		if typ == 2 || typ == 3 || typ == 6 {
			n++
		}
		if _, err := r.Discard(int(length) - 8); err != nil {
			return n, err
		}
		if _, err := io.ReadFull(r, blk[:]); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
	}
}
