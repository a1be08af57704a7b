//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// needTool skips when a tool is missing, except in CI, where it is
// installed and the test must run.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI lacks %s", name)
	}
	t.Skipf("%s is not installed", name)
}

// TestSystemdUnitVerifies checks the unit with systemd's own parser, with
// the binary path pointed at a freshly built scanguard.
func TestSystemdUnitVerifies(t *testing.T) {
	needTool(t, "systemd-analyze")
	dir := t.TempDir()
	bin := scanguardBinary(t, dir)
	b, err := os.ReadFile(filepath.Join("..", "..", "scripts", "systemd", "scanguard.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(dir, "scanguard.service")
	text := strings.ReplaceAll(string(b), "/usr/local/bin/scanguard", bin)
	if err := os.WriteFile(unit, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", unit).CombinedOutput()
	if err != nil || strings.Contains(string(out), "scanguard.service:") {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestDockerRuntimeHasDPDKLibraries checks that the runtime stage installs
// the Debian package of every DPDK library a -tags dpdk binary links.
func TestDockerRuntimeHasDPDKLibraries(t *testing.T) {
	needTool(t, "pkg-config")
	if exec.Command("pkg-config", "--exists", "libdpdk").Run() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI lacks libdpdk-dev")
		}
		t.Skip("libdpdk-dev is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "scanguard-dpdk")
	if out, err := exec.Command("go", "build", "-tags", "dpdk", "-o", bin, ".").
		CombinedOutput(); err != nil {
		t.Fatalf("go build -tags dpdk: %v\n%s", err, out)
	}
	ldd, err := exec.Command("ldd", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	df, err := os.ReadFile(filepath.Join("..", "..", "docker", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	runtime := string(df)[strings.Index(string(df), "AS runtime"):]
	libs := regexp.MustCompile(`librte_([a-z0-9_]+)\.so\.(\d+)`).FindAllStringSubmatch(
		string(ldd), -1)
	if len(libs) == 0 {
		t.Fatalf("the dpdk binary links no librte library:\n%s", ldd)
	}
	for _, m := range libs {
		// Debian names librte_net_e1000.so.23 librte-net-e1000-23: a
		// hyphen before the soname version when the name ends in a digit.
		pkg := "librte-" + strings.ReplaceAll(m[1], "_", "-")
		if last := pkg[len(pkg)-1]; last >= '0' && last <= '9' {
			pkg += "-"
		}
		pkg += m[2]
		if !strings.Contains(runtime, pkg) {
			t.Errorf("runtime stage lacks %s (for %s)", pkg, m[0])
		}
	}
}
