package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCINamespaceCheck runs .ci/run with a stand-in for make: a lab
// namespace that existed before the run (another checkout's lab) must not
// fail it, one the run leaves behind must.
func TestCINamespaceCheck(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "creating network namespaces needs root")
	}
	// Names of this test only, so that labs other tests run meanwhile do
	// not count.
	prefix := fmt.Sprintf("sgci%d", os.Getpid())
	older, left := prefix+"old-scan", prefix+"new-vic"
	addNetns(t, older)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", left).Run() })

	tests := []struct {
		name     string
		makeTest string // what the stand-in make does
		wantExit int
		wantOut  string
	}{
		{"a namespace from before the run", "exit 0", 0, "ci: make test passed in "},
		{"a namespace left by the run", "ip netns add " + left, 1,
			"ci: lab namespaces left behind:\n" + left + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			script := "#!/bin/sh\n[ \"$1\" = test ] || exit 2\n" + tc.makeTest + "\n"
			if err := os.WriteFile(filepath.Join(bin, "make"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", filepath.Join(moduleRoot(t), ".ci", "run"))
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"),
				"CI_NETNS_PATTERN=^"+prefix+"[a-z]*-(scan|vic)$")
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.wantExit || !strings.Contains(string(out), tc.wantOut) {
				t.Errorf(".ci/run: status %d, output:\n%s\nwant status %d and %q", code, out,
					tc.wantExit, tc.wantOut)
			}
			if strings.Contains(string(out), older) {
				t.Errorf(".ci/run blamed the namespace that was there before it:\n%s", out)
			}
		})
	}
}

// addNetns creates network namespace name for the test's duration.
func addNetns(t *testing.T, name string) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
}
