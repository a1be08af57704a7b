//go:build dpdk

package dpdk

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"scanguard/record"
)

// The EAL starts once per process, so every test that runs a Plane runs it
// in a child: the test binary again, told by childEnv what to do.
const childEnv = "SCANGUARD_DPDK_CHILD"

// childSpec is what a child runs.
type childSpec struct {
	Config Config
	// WantPackets: the child stops once the lcores received this many
	// frames and the workers drained the rings.
	WantPackets uint64
	// HoldRings keeps the workers from reading until the frames are in,
	// so that small rings overflow.
	HoldRings bool
	Timeout   time.Duration
	// StartAgain makes the child call Start once more after Stop.
	StartAgain bool
	// WantErr: Start is expected to fail; its error is the result.
	WantErr bool
	// BenchFrames, when set, makes the child a benchmark: it measures how
	// long the lcores take to receive that many frames while the workers
	// drain the rings, after a warm-up.
	BenchFrames uint64
	Out         string // file the childResult is written to
}

// childResult is what a child saw.
type childResult struct {
	Err      string
	Records  [][]record.Record // per worker, in dequeue order
	Stats    Stats             // after Stop
	Running  Stats             // before Stop
	Ports    []PortInfo
	Lcores   []LcoreInfo
	StopTook time.Duration
	// ControlCPUs is the size of the control thread's CPU set after
	// Start, and ProcessCPUs the process's before it.
	ControlCPUs, ProcessCPUs int
	// AgainErr is the error of the second Start (StartAgain).
	AgainErr string
	Bench    benchResult
}

func TestMain(m *testing.M) {
	if s := os.Getenv(childEnv); s != "" {
		os.Exit(runChild(s))
	}
	os.Exit(m.Run())
}

// runPlane runs spec in a child process and returns its result.
func runPlane(t *testing.T, spec childSpec) childResult {
	t.Helper()
	return runPlaneB(t, spec)
}

// runPlaneB is runPlane for tests and benchmarks.
func runPlaneB(t testing.TB, spec childSpec) childResult {
	t.Helper()
	return startPlane(t, spec)()
}

// startPlane starts spec in a child process and returns a function that
// waits for the child and returns its result.
func startPlane(t testing.TB, spec childSpec) func() childResult {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("DPDK tests need root")
		}
		t.Skip("DPDK tests need root (run as root or in CI)")
	}
	spec.Out = filepath.Join(t.TempDir(), "result.gob")
	if prefix := spec.Config.EAL.FilePrefix; prefix != "" {
		// The EAL leaves its runtime folder behind after cleanup.
		t.Cleanup(func() { os.RemoveAll(filepath.Join("/var/run/dpdk", prefix)) })
	}
	if spec.Timeout == 0 {
		spec.Timeout = 20 * time.Second
	}
	js, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(js))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return func() childResult {
		t.Helper()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v\n%s", err, out.String())
		}
		f, err := os.Open(spec.Out)
		if err != nil {
			t.Fatalf("child wrote no result: %v\n%s", err, out.String())
		}
		defer f.Close()
		var res childResult
		if err := gob.NewDecoder(f).Decode(&res); err != nil {
			t.Fatal(err)
		}
		if (res.Err != "") != spec.WantErr {
			t.Fatalf("child error %q, want an error: %v\n%s", res.Err, spec.WantErr, out.String())
		}
		return res
	}
}

// runChild is the child's side: start, consume, stop, report.
func runChild(js string) int {
	var spec childSpec
	if err := json.Unmarshal([]byte(js), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "child spec:", err)
		return 2
	}
	var res childResult
	if spec.BenchFrames > 0 {
		res = childBench(&spec)
	} else {
		res = childRun(&spec)
	}
	f, err := os.Create(spec.Out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer f.Close()
	if err := gob.NewEncoder(f).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

func childRun(spec *childSpec) (res childResult) {
	var set unix.CPUSet
	if unix.SchedGetaffinity(0, &set) == nil {
		res.ProcessCPUs = set.Count()
	}
	p, err := Start(spec.Config)
	if err != nil {
		res.Err = err.Error()
		if _, again := Start(spec.Config); again != nil {
			res.AgainErr = again.Error()
		}
		return res
	}
	res.Ports, res.Lcores = p.Ports(), p.Lcores()
	p.ctl.do(func() {
		// The thread that ran rte_eal_init: threads the runtime starts
		// from it inherit this set.
		var set unix.CPUSet
		if unix.SchedGetaffinity(0, &set) == nil {
			res.ControlCPUs = set.Count()
		}
	})

	rings := p.Rings()
	res.Records = make([][]record.Record, len(rings))
	var hold, quit atomic.Bool
	hold.Store(spec.HoldRings)
	var wg sync.WaitGroup
	errs := make([]error, len(rings))
	for w, r := range rings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := PinThread(-1)
			if err != nil {
				errs[w] = err
				return
			}
			defer release()
			buf := make([]record.Record, 32)
			for {
				if hold.Load() {
					runtime.Gosched()
					continue
				}
				n := r.Dequeue(buf)
				res.Records[w] = append(res.Records[w], buf[:n]...)
				if n == 0 {
					if quit.Load() && r.Len() == 0 {
						return
					}
					runtime.Gosched()
				}
			}
		}()
	}

	// Wait for every frame to be received, then for the rings to drain.
	deadline := time.Now().Add(spec.Timeout)
	for rxPackets(p.Stats()) < spec.WantPackets && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	hold.Store(false)
	res.Running = p.Stats()
	quit.Store(true)
	wg.Wait()

	start := time.Now()
	if err := p.Stop(); err != nil {
		res.Err = err.Error()
	}
	res.StopTook = time.Since(start)
	res.Stats = p.Stats()

	// The rings stay readable after Stop: take what the lcores enqueued
	// after the workers left.
	buf := make([]record.Record, 256)
	for w, r := range rings {
		for n := r.Dequeue(buf); n > 0; n = r.Dequeue(buf) {
			res.Records[w] = append(res.Records[w], buf[:n]...)
		}
	}
	if spec.StartAgain {
		if _, err := Start(spec.Config); err != nil {
			res.AgainErr = err.Error()
		}
	}
	for _, err := range errs {
		if err != nil && res.Err == "" {
			res.Err = err.Error()
		}
	}
	return res
}

func rxPackets(s Stats) uint64 {
	var n uint64
	for _, l := range s.Lcores {
		n += l.RxPackets
	}
	return n
}
