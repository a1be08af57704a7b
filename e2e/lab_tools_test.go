package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLabNamesMissingTools runs lab.sh with a PATH holding only what the
// script itself needs: it must list the missing tools and say how to
// install them.
func TestLabNamesMissingTools(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "lab.sh checks for root before its tools")
	}
	bin := t.TempDir()
	for _, tool := range []string{"bash", "dirname"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(bin, "bash"),
		filepath.Join(moduleRoot(t), "scripts", "lab.sh"), "capture", t.TempDir())
	cmd.Env = append(os.Environ(), "PATH="+bin)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("lab.sh exit: %v, want status 1", err)
	}
	want := "lab: missing tools: ip tcpdump nping nginx dnsmasq curl dig ab masscan zmap nmap " +
		"hping3 timeout (make deps installs them: scripts/install-deps.sh)\n"
	if got := string(out); got != want {
		t.Errorf("lab.sh said %q, want %q", got, want)
	}
	if strings.Contains(string(out), ".ci/run") {
		t.Error("lab.sh still sends the user to .ci/run")
	}
}
