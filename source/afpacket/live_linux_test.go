//go:build linux && cgo

package afpacket_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"scanguard/internal/syncbuf"
	"strings"
	"testing"
	"time"

	gafp "github.com/google/gopacket/afpacket"
	"golang.org/x/net/bpf"

	"scanguard/alert"
	"scanguard/alert/sink"
	"scanguard/capture"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/engine"
	"scanguard/fusion"
	"scanguard/record"
	"scanguard/source/afpacket"
)

const corpusDir = "../../../shared/corpus"

// frames reads every frame of a capture, with the Records the parser makes
// of them.
func frames(t *testing.T, name string) ([][]byte, record.Counters) {
	t.Helper()
	rd, err := capture.Open(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var out [][]byte
	var p record.Parser
	var r record.Record
	for {
		f, ts, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, p.Counters
		}
		if err != nil {
			t.Fatal(err)
		}
		p.Parse(f, rd.LinkType(), ts, &r)
		out = append(out, bytes.Clone(f))
	}
}

type syncBuffer = syncbuf.Buffer

// replay sends the capture's frames out of the peer interface and returns
// what the source and the engine made of them.
func replay(t *testing.T, cfg afpacket.Config, workers int, file string) (
	afpacket.Stats, engine.Stats, string, record.Counters, int) {
	t.Helper()
	v := newVethPair(t)
	fs, want := frames(t, file)

	var src *afpacket.Source
	cfg.Interface = v.ifB
	inNetns(t, v.nsB, func() {
		var err error
		if src, err = afpacket.Open(cfg, workers); err != nil {
			t.Fatal(err)
		}
	})
	defer src.Close()
	var out *gafp.TPacket
	inNetns(t, v.nsA, func() {
		var err error
		if out, err = gafp.NewTPacket(gafp.OptInterface(v.ifA)); err != nil {
			t.Fatal(err)
		}
	})
	defer out.Close()

	var buf syncBuffer
	acfg := alert.Default()
	acfg.Sinks = nil
	pipe, err := alert.NewPipelineWith(acfg, sink.NewWriter(&buf, sink.Default()))
	if err != nil {
		t.Fatal(err)
	}
	ecfg := engine.Default()
	ecfg.Workers = workers
	db := fingerprint.Default()
	e, err := engine.New(ecfg, detector.Default(), db, fusion.New(fusion.Default(), db), pipe)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- src.Run(ctx, e) }()

	for i, f := range fs {
		if err := out.WritePacketData(f); err != nil {
			t.Fatalf("send frame %d: %v", i+1, err)
		}
	}
	// The frames the kernel will pass are those the program accepts; the
	// same program run by x/net/bpf's VM counts them.
	expect := len(fs)
	if prog, _ := afpacket.ParseBPF(cfg.BPF); prog != nil {
		insns, _ := bpf.Disassemble(prog)
		vm, err := bpf.NewVM(insns)
		if err != nil {
			t.Fatal(err)
		}
		expect = 0
		for _, f := range fs {
			if n, _ := vm.Run(f); n > 0 {
				expect++
			}
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for src.Stats().Total.RxFrames < uint64(expect) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
	st := src.Stats()
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if err := e.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	return st, e.Stats(), buf.String(), want, expect
}

func TestLiveReplayMasscan(t *testing.T) {
	needRoot(t)
	for _, workers := range []int{1, 2} {
		t.Run(strings.Repeat("W", workers), func(t *testing.T) {
			st, est, alerts, want, sent := replay(t, afpacket.Default(), workers,
				"masscan_default_p80.pcap")
			if len(st.Sockets) != workers {
				t.Errorf("sockets = %d, want %d", len(st.Sockets), workers)
			}
			if st.Total.RxFrames != uint64(sent) || st.Total.KernelDrops != 0 {
				t.Errorf("read %d frames with %d kernel drops, want %d and 0",
					st.Total.RxFrames, st.Total.KernelDrops, sent)
			}
			if got := st.Parser.Records(); got != want.Records() {
				t.Errorf("records = %d, want %d", got, want.Records())
			}
			if est.Total.Records != want.Records() || est.Total.Drops != 0 {
				t.Errorf("engine records %d drops %d, want %d and 0", est.Total.Records,
					est.Total.Drops, want.Records())
			}
			if !strings.Contains(alerts, `"alert_type":"MASSCAN_SCAN"`) ||
				!strings.Contains(alerts, `"ip":"198.18.0.1"`) {
				t.Errorf("no masscan alert for 198.18.0.1 in\n%s", alerts)
			}
		})
	}
}

// udpOnly is `tcpdump -ddd udp` for Ethernet.
const udpOnly = `12
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

func TestLiveBPFFilter(t *testing.T) {
	needRoot(t)
	cfg := afpacket.Default()
	cfg.BPF = udpOnly
	st, _, _, want, passed := replay(t, cfg, 1, "benign_dns_udp_tcp.pcap")
	if want.TCP == 0 || want.UDP == 0 {
		t.Fatalf("capture has %d TCP and %d UDP packets; the test needs both", want.TCP,
			want.UDP)
	}
	if st.Total.RxFrames != uint64(passed) {
		t.Errorf("read %d frames, want the %d the program passes", st.Total.RxFrames, passed)
	}
	if st.Parser.TCP != 0 || st.Parser.UDP != want.UDP {
		t.Errorf("read %d TCP and %d UDP, want 0 and %d", st.Parser.TCP, st.Parser.UDP,
			want.UDP)
	}
}
