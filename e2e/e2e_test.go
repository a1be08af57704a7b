package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// inCI reports whether the tests run in CI, where every test must run:
// a missing tool, capture or privilege is a failure there, not a skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// skipOrFail skips outside CI and fails in CI.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true, cannot run: "+format, args...)
	}
	t.Skipf(format, args...)
}

// moduleRoot is the directory holding go.mod, above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// scanguard builds ./cmd/scanguard once per test binary and returns its path.
func scanguard(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "scanguard-e2e-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "scanguard")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/scanguard")
		cmd.Dir = moduleRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/scanguard: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// analyze runs `scanguard analyze FILE` and returns its alerts. The command
// must exit 0; its stderr summary is logged on failure.
func analyze(t *testing.T, file string) []alertLine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, scanguard(t), "analyze", file)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("scanguard analyze %s: %v\nstderr:\n%s", file, err, stderr.String())
	}
	alerts, err := parseAlerts(stdout.Bytes())
	if err != nil {
		t.Fatalf("scanguard analyze %s: %v", file, err)
	}
	return alerts
}

// checkCaptures analyzes every labelled capture in dir, reports each wrong
// judgement as an error of the capture's subtest, and logs the whole table.
func checkCaptures(t *testing.T, dir string, labels []label) {
	t.Helper()
	var rows []row
	for _, l := range labels {
		t.Run(l.File, func(t *testing.T) {
			path := filepath.Join(dir, l.File)
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("labelled capture missing: %v", err)
			}
			got := evaluate(l, analyze(t, path))
			for _, r := range got {
				if r.Problem != "" {
					t.Errorf("%s: %s", r.Source, r.Problem)
				}
			}
			rows = append(rows, got...)
		})
	}
	t.Logf("alerts against labels in %s:\n%s", dir, table(rows))
}

// TestSample checks the small lab capture that the README's demo analyzes.
func TestSample(t *testing.T) {
	dir := filepath.Join(moduleRoot(t), "testdata", "lab")
	labels, err := readLabels(filepath.Join(dir, "labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	checkCaptures(t, dir, labels)
}

// corpusDir finds the shared corpus: $SCANGUARD_CORPUS, else ../shared/corpus
// beside the module (where CI puts it).
func corpusDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("SCANGUARD_CORPUS"); d != "" {
		return d
	}
	return filepath.Join(filepath.Dir(moduleRoot(t)), "shared", "corpus")
}

// TestCorpus checks every capture of the shared corpus against its labels.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	labels, err := readLabels(filepath.Join(dir, "labels.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		skipOrFail(t, "no corpus at %s (set SCANGUARD_CORPUS)", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	checkCaptures(t, dir, labels)
}

// TestLab makes fresh captures with scripts/lab.sh (real scanners in network
// namespaces, which needs root) and checks scanguard against their labels.
// LAB_SCENARIOS, space-separated, picks scenarios; by default all run.
func TestLab(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "the lab needs root for network namespaces and raw sockets")
	}
	if testing.Short() && !inCI() {
		t.Skip("the lab takes about a minute; skipped with -short")
	}
	scanguard(t) // build first: no lab run when the binary cannot be built

	out := t.TempDir()
	args := []string{filepath.Join(moduleRoot(t), "scripts", "lab.sh"), "capture", out}
	args = append(args, strings.Fields(os.Getenv("LAB_SCENARIOS"))...)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr

	// On timeout, SIGTERM the whole group so lab.sh's trap deletes the
	// namespaces; SIGKILL would leave them behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second

	start := time.Now()
	err := cmd.Run()
	t.Logf("lab.sh capture took %s:\n%s", time.Since(start).Round(time.Second), stderr.String())
	if err != nil {
		// The captures made before the problem are still checked.
		t.Errorf("lab.sh capture: %v", err)
	}

	// lab.sh names its namespaces after its own process id.
	netns, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Errorf("ip netns list: %v", err)
	}
	if prefix := fmt.Sprintf("sg%d-", cmd.Process.Pid); bytes.Contains(netns, []byte(prefix)) {
		t.Errorf("lab namespaces %s* left behind:\n%s", prefix, netns)
	}
	labels, lerr := readLabels(filepath.Join(out, "labels.jsonl"))
	if lerr != nil {
		t.Fatal(lerr)
	}
	if len(labels) == 0 {
		t.Fatal("lab.sh capture wrote no labels")
	}
	for _, l := range labels {
		for src, want := range l.ExpectedProbes {
			if got := l.ProbePackets[src]; got != want {
				t.Errorf("%s: %s sent %d probes, want %d", l.File, src, got, want)
			}
		}
		if l.CaptureDrops != 0 || l.ForeignPackets != 0 {
			t.Errorf("%s: %d drops, %d foreign packets, want none",
				l.File, l.CaptureDrops, l.ForeignPackets)
		}
	}
	checkCaptures(t, out, labels)
}
