package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// brokenCaptures writes a capture cut mid-packet and a file that is no
// capture at all.
func brokenCaptures(t *testing.T) (cut, junk string) {
	t.Helper()
	b, err := os.ReadFile(corpusFile(t, "masscan_r1000_p80_443.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut, junk = filepath.Join(dir, "cut.pcap"), filepath.Join(dir, "junk.pcap")
	if err := os.WriteFile(cut, b[:len(b)/2+7], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(junk, []byte("not a capture"), 0o644); err != nil {
		t.Fatal(err)
	}
	return cut, junk
}

// TestAnalyzeReportsEachFileWhenItFails checks that a file's error is on
// stderr, prefixed, as soon as the file fails (before the next file's
// header with -each, before the summary without), that the other files are
// read, and that the exit error sums the failures up.
func TestAnalyzeReportsEachFileWhenItFails(t *testing.T) {
	cut, junk := brokenCaptures(t)
	good := corpusFile(t, "masscan_short_20probes.pcap")
	for _, each := range []bool{false, true} {
		t.Run(fmt.Sprint("each=", each), func(t *testing.T) {
			args := []string{cut, junk, good}
			if each {
				args = append([]string{"-each"}, args...)
			}
			out, stderr, err := analyze(args...)
			if err == nil {
				t.Fatal("want an error")
			}
			wantErr := fmt.Sprintf("analyze: 2 of 3 files not read to the end: %s (packet ", cut)
			if !strings.HasPrefix(err.Error(), wantErr) || !strings.HasSuffix(err.Error(), junk) {
				t.Errorf("error %q, want %q... %s", err, wantErr, junk)
			}
			lines := strings.Split(string(stderr), "\n")
			at := func(prefix string) int {
				for i, l := range lines {
					if strings.HasPrefix(l, prefix) {
						return i
					}
				}
				return -1
			}
			cutAt := at("scanguard: read capture " + cut + ": packet ")
			junkAt := at("scanguard: open capture " + junk + ": not a pcap or pcapng file")
			// What follows the failed files: the good file's header with
			// -each, the summary of the one analysis without.
			next := at("== " + good)
			if !each {
				next = -1
				for i, l := range lines {
					if strings.Contains(l, " packets: ") {
						next = i
						break
					}
				}
			}
			if cutAt < 0 || junkAt < 0 || !(cutAt < junkAt && junkAt < next) {
				t.Errorf("errors at lines %d and %d, the next file or summary at %d:\n%s",
					cutAt, junkAt, next, stderr)
			}
			if as := parseAlerts(t, out); len(as) == 0 {
				t.Error("no alerts: the good file was not read")
			}
		})
	}
}

// TestAnalyzeProgressCountsEachFile checks that the progress line of the
// second file counts that file's packets, not the total so far.
func TestAnalyzeProgressCountsEachFile(t *testing.T) {
	a, err := newAnalysis("", &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	paths := []string{corpusFile(t, "masscan_short_20probes.pcap"),
		corpusFile(t, "masscan_short_10probes.pcap")}
	for i, p := range paths {
		if err := a.file(context.Background(), p, i, 2, true, &stderr); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []string{
		fmt.Sprintf("[1/2] %s: 60 packets, ", paths[0]),
		fmt.Sprintf("[2/2] %s: 40 packets, ", paths[1]),
	} {
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(strings.TrimPrefix(lines[i], "\r"), want) {
			t.Errorf("progress line %d: %q, want %q...", i+1, lines, want)
		}
	}
	if a.packets != 100 {
		t.Errorf("summary counts %d packets, want 100", a.packets)
	}
}

// TestAnalyzeStdin reads a capture from standard input given as "-".
func TestAnalyzeStdin(t *testing.T) {
	path := corpusFile(t, "mixed_bg_masscan.pcap")
	want, _, err := analyze("-q", path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	saved := stdin
	defer func() { stdin = saved }()
	stdin = bytes.NewReader(b)
	got, _, err := analyze("-q", "-")
	if err != nil {
		t.Fatalf("analyze -: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("alerts from stdin differ from the file's:\n%s\n---\n%s", got, want)
	}

	stdin = bytes.NewReader(b[:len(b)/2+3])
	_, stderr, err := analyze("-q", "-")
	if err == nil || !strings.Contains(err.Error(), "files not read to the end: stdin (packet ") ||
		!strings.Contains(string(stderr), "scanguard: read capture stdin: packet ") {
		t.Errorf("a cut stream: error %v, stderr %q", err, stderr)
	}

	if _, _, err := analyze("-", "-"); !errors.Is(err, errUsage) {
		t.Errorf("analyze - - = %v, want the usage error", err)
	}
}
