// Package corpus finds the shared captures of real scanners and benign
// clients that the tests read: the folder named by SCANGUARD_CORPUS, else
// ../shared/corpus beside the module root.
package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Dir locates the corpus folder.
func Dir() (string, error) {
	if d := os.Getenv("SCANGUARD_CORPUS"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(d); err != nil {
		return "", err
	}
	return d, nil
}

// Require returns the corpus folder for a test. A missing corpus fails the
// test under CI (CI=true) and skips it elsewhere, saying how to point the
// test at one.
func Require(t testing.TB) string {
	t.Helper()
	d, err := Dir()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("capture corpus missing: %v", err)
		}
		t.Skipf("capture corpus not found (%v); set SCANGUARD_CORPUS to run this test", err)
	}
	return d
}

// File returns the path of one capture of the corpus, failing the test
// when it is not there.
func File(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Require(t), name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("corpus capture: %v", err)
	}
	return p
}
