package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at link time with -ldflags "-X main.version=...".
var version = "dev"

// versionCmd prints the version and what the binary was built from.
func versionCmd(w io.Writer) error {
	fmt.Fprintf(w, "scanguard %s\n", version)
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	fmt.Fprintf(w, "go: %s\n", bi.GoVersion)
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision", "vcs.time", "vcs.modified", "-tags", "CGO_ENABLED":
			fmt.Fprintf(w, "%s: %s\n", s.Key, s.Value)
		}
	}
	return nil
}
