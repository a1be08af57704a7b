package afpacket

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/bpf"
)

// Fanout modes, the values of Config.Fanout: how the kernel spreads the
// interface's frames over the sockets of one fanout group.
const (
	FanoutHash = "hash" // by flow hash: a flow always reaches one socket
	FanoutLB   = "lb"   // round robin
	FanoutCPU  = "cpu"  // by the CPU the frame arrived on
	FanoutQM   = "qm"   // by the NIC's receive queue
)

// Config is the source.afpacket section of scanguard.yaml.
type Config struct {
	// Interface is the network interface to read, such as "eth1".
	Interface string `yaml:"interface"`
	// Sockets is how many sockets, each with its own ring and reading
	// goroutine, join the fanout group; 0 means one per worker.
	Sockets int `yaml:"sockets"`
	// Fanout is hash, lb, cpu or qm.
	Fanout string `yaml:"fanout"`
	// FanoutGroup is the kernel's fanout group id. Sockets of any process
	// that join the same id on the same interface share its frames, so it
	// must be unique on the host.
	FanoutGroup uint16 `yaml:"fanout_group"`
	// BPF is a classic BPF program that selects the frames to read, as
	// `tcpdump -ddd 'EXPR'` prints it: the instruction count, then one
	// "code jt jf k" line per instruction. Empty reads every frame.
	BPF string `yaml:"bpf"`
	// FrameSize is the largest frame kept, a power of two of at least 2048.
	FrameSize int `yaml:"frame_size"`
	// BlockSize is the size of one ring block, a multiple of the page
	// size and of FrameSize.
	BlockSize int `yaml:"block_size"`
	// Blocks is the number of blocks of each socket's ring.
	Blocks int `yaml:"blocks"`
	// BlockTimeout is how long the kernel fills a block before handing it
	// over anyway; it bounds the delay a quiet link adds to detection.
	BlockTimeout time.Duration `yaml:"block_timeout"`
}

// Default returns one socket per worker in fanout group 0x5347 by flow
// hash, 2 KiB frames, 64 blocks of 1 MiB (64 MiB of ring per socket) and a
// block timeout of 10ms.
func Default() Config {
	return Config{
		Fanout:       FanoutHash,
		FanoutGroup:  0x5347,
		FrameSize:    2048,
		BlockSize:    1 << 20,
		Blocks:       64,
		BlockTimeout: 10 * time.Millisecond,
	}
}

// Validate reports every problem in c, each with its YAML path under
// prefix (for example "source.afpacket").
func (c *Config) Validate(prefix string) error {
	var errs []error
	bad := func(key, msg string) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, key, msg))
	}
	if c.Interface == "" {
		bad("interface", "must be set")
	}
	// Each socket has a Dispatcher, and an engine takes at most 64.
	if c.Sockets < 0 || c.Sockets > 64 {
		bad("sockets", "must be within 0..64")
	}
	switch c.Fanout {
	case FanoutHash, FanoutLB, FanoutCPU, FanoutQM:
	default:
		bad("fanout", "must be hash, lb, cpu or qm")
	}
	if c.FrameSize < 2048 || c.FrameSize&(c.FrameSize-1) != 0 {
		bad("frame_size", "must be a power of two >= 2048")
	}
	if c.BlockSize < 4096 || c.BlockSize%4096 != 0 ||
		(c.FrameSize > 0 && c.BlockSize%c.FrameSize != 0) {
		bad("block_size", "must be a multiple of 4096 and of frame_size")
	}
	if c.Blocks < 1 || c.Blocks > 65536 {
		bad("blocks", "must be within 1..65536")
	}
	if c.BlockTimeout < time.Millisecond || c.BlockTimeout > time.Second {
		bad("block_timeout", "must be within 1ms..1s")
	}
	if _, err := ParseBPF(c.BPF); err != nil {
		bad("bpf", err.Error())
	}
	return errors.Join(errs...)
}

// maxBPF is the kernel's BPF_MAXINSNS.
const maxBPF = 4096

// ErrBPF is wrapped by the errors ParseBPF returns.
var ErrBPF = errors.New("bad BPF program")

// ParseBPF reads a program in `tcpdump -ddd` form: the number of
// instructions, then one instruction per line, four decimal numbers
// (code, jt, jf, k). Blank text is no program. The program is checked the
// way the kernel will: it must end in a return.
func ParseBPF(text string) ([]bpf.RawInstruction, error) {
	lines := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' })
	var clean []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			clean = append(clean, l)
		}
	}
	if len(clean) == 0 {
		return nil, nil
	}
	n, err := strconv.Atoi(clean[0])
	if err != nil || n < 1 || n > maxBPF {
		return nil, fmt.Errorf("%w: first line must be the instruction count (tcpdump -ddd)",
			ErrBPF)
	}
	if len(clean)-1 != n {
		return nil, fmt.Errorf("%w: %d instructions announced, %d given", ErrBPF, n,
			len(clean)-1)
	}
	prog := make([]bpf.RawInstruction, n)
	for i, l := range clean[1:] {
		f := strings.Fields(l)
		if len(f) != 4 {
			return nil, fmt.Errorf("%w: instruction %d: want \"code jt jf k\"", ErrBPF, i+1)
		}
		var v [4]uint64
		for j, s := range f {
			bits := []int{16, 8, 8, 32}[j]
			if v[j], err = strconv.ParseUint(s, 10, bits); err != nil {
				return nil, fmt.Errorf("%w: instruction %d: %q is not a %d-bit number",
					ErrBPF, i+1, s, bits)
			}
		}
		prog[i] = bpf.RawInstruction{Op: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]),
			K: uint32(v[3])}
	}
	insns, ok := bpf.Disassemble(prog)
	if !ok {
		return nil, fmt.Errorf("%w: unknown instruction", ErrBPF)
	}
	// The VM checks what the kernel's verifier checks first: jumps stay
	// inside the program and the last instruction returns.
	if _, err := bpf.NewVM(insns); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBPF, err)
	}
	return prog, nil
}
