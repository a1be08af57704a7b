package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scanguard/bench"
)

func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	pcap := filepath.Join(dir, "masscan.pcap")
	tests := []struct {
		name    string
		args    []string
		wantOut []string
		wantErr string
	}{
		{"list", []string{"-list"}, bench.ProfileNames(), ""},
		{"text", []string{"-profile", "masscan", "-packets", "20000"},
			[]string{"Mpps/core", "masscan 1.3.2", "198.18.0.1", "tracked sources 1,"}, ""},
		{"markdown", []string{"-profile", "zmap", "-packets", "20000", "-markdown"},
			[]string{"| target |", "| zmap | 1 |", "zmap 2.1"}, ""},
		{"pcap", []string{"-profile", "masscan", "-packets", "1000", "-pcap", pcap}, nil, ""},
		{"bad profile", []string{"-profile", "nope"}, nil, "bench.profile"},
		{"stray argument", []string{"masscan"}, nil, "usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"bench"}, tc.args...), &stdout,
				&stderr)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("got error %v, stderr %s", err, stderr.String())
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
			}
			for _, want := range tc.wantOut {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, stdout.String())
				}
			}
		})
	}

	// The pcap holds the profile's packets: 24 bytes of file header, then
	// a 16-byte record header and at least a 60-byte frame per packet.
	st, err := os.Stat(pcap)
	if err != nil {
		t.Fatal(err)
	}
	if least := int64(24 + 1000*(16+60)); st.Size() < least {
		t.Errorf("pcap of %d bytes, want at least %d", st.Size(), least)
	}
	if err := run(context.Background(), []string{"bench", "-pcap", filepath.Join(dir, "no",
		"such", "dir.pcap")}, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pcap into a missing directory: got %v, want os.ErrNotExist", err)
	}
}
