package afpacket_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/bpf"

	"scanguard/source/afpacket"
)

func TestParseBPF(t *testing.T) {
	tests := []struct {
		name, text string
		n          int
		err        string
	}{
		{"empty", "", 0, ""},
		{"blank lines", "\n  \n", 0, ""},
		{"udp", udpProgram, 12, ""},
		{"one line with commas", "1,6 0 0 65535", 1, ""},
		{"count mismatch", "2\n6 0 0 0", 0, "2 instructions announced, 1 given"},
		{"no count", "6 0 0 0", 0, "first line must be the instruction count"},
		{"short instruction", "1\n6 0 0", 0, `instruction 1: want "code jt jf k"`},
		{"jt too large", "1\n6 300 0 0", 0, `"300" is not a 8-bit number`},
		{"no return", "1\n40 0 0 12", 0, "must end with RetA or RetConstant"},
		{"jump out", "2\n21 5 0 1\n6 0 0 0", 0, "jump"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, err := afpacket.ParseBPF(tc.text)
			if tc.err != "" {
				if err == nil || !errors.Is(err, afpacket.ErrBPF) ||
					!strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ErrBPF containing %q", err, tc.err)
				}
				return
			}
			if err != nil || len(prog) != tc.n {
				t.Fatalf("got %d instructions, %v; want %d", len(prog), err, tc.n)
			}
		})
	}
}

// udpProgram is `tcpdump -ddd udp` for Ethernet.
const udpProgram = `12
40 0 0 12
21 0 2 2048
48 0 0 23
21 6 7 17
21 0 6 34525
48 0 0 20
21 3 0 17
21 0 3 44
48 0 0 54
21 0 1 17
6 0 0 262144
6 0 0 0`

func TestParseBPFRunsLikeTcpdump(t *testing.T) {
	prog, err := afpacket.ParseBPF(udpProgram)
	if err != nil {
		t.Fatal(err)
	}
	insns, _ := bpf.Disassemble(prog)
	vm, err := bpf.NewVM(insns)
	if err != nil {
		t.Fatal(err)
	}
	frame := func(proto byte) []byte {
		f := make([]byte, 60)
		f[12], f[13] = 0x08, 0x00 // IPv4
		f[14] = 0x45
		f[23] = proto
		return f
	}
	for _, tc := range []struct {
		proto byte
		want  bool
	}{{17, true}, {6, false}, {1, false}} {
		n, err := vm.Run(frame(tc.proto))
		if err != nil || (n > 0) != tc.want {
			t.Errorf("proto %d: accepted %d bytes (%v), want accepted=%v", tc.proto, n, err,
				tc.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	c := afpacket.Config{Sockets: -1, Fanout: "random", FrameSize: 3000, BlockSize: 5000,
		Blocks: 0, BlockTimeout: 2 * time.Second, BPF: "x"}
	want := []string{
		"source.afpacket.interface: must be set",
		"source.afpacket.sockets: must be within 0..64",
		"source.afpacket.fanout: must be hash, lb, cpu or qm",
		"source.afpacket.frame_size: must be a power of two >= 2048",
		"source.afpacket.block_size: must be a multiple of 4096 and of frame_size",
		"source.afpacket.blocks: must be within 1..65536",
		"source.afpacket.block_timeout: must be within 1ms..1s",
		"source.afpacket.bpf: bad BPF program: first line must be the instruction count " +
			"(tcpdump -ddd)",
	}
	err := c.Validate("source.afpacket")
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("Validate =\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
	d := afpacket.Default()
	d.Interface = "eth0"
	if err := d.Validate("source.afpacket"); err != nil {
		t.Errorf("default with an interface: %v", err)
	}
}

func FuzzParseBPF(f *testing.F) {
	f.Add(udpProgram)
	f.Add("1\n6 0 0 65535")
	f.Add("2\n21 5 0 1\n6 0 0 0")
	f.Fuzz(func(t *testing.T, text string) {
		prog, err := afpacket.ParseBPF(text)
		if err != nil {
			return
		}
		// Whatever it accepts, the kernel's rules accept too: a VM
		// over it must build and run without error.
		insns, ok := bpf.Disassemble(prog)
		if !ok && len(prog) > 0 {
			t.Fatalf("accepted a program with unknown instructions: %v", prog)
		}
		if len(prog) == 0 {
			return
		}
		vm, err := bpf.NewVM(insns)
		if err != nil {
			t.Fatalf("accepted a program the VM rejects: %v", err)
		}
		if _, err := vm.Run(make([]byte, 64)); err != nil {
			t.Fatalf("accepted program fails to run: %v", err)
		}
	})
}
