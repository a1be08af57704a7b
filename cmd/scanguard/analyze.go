package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"scanguard/alert"
	"scanguard/capture"
	"scanguard/config"
	"scanguard/detector"
	"scanguard/fusion"
	"scanguard/record"
)

// analysis is one offline run: a detector, the suppression of repeats and
// the JSON-lines output, fed file after file.
type analysis struct {
	det      *detector.Detector
	sup      *alert.Suppressor
	cfg      *config.Config
	out      *bufio.Writer
	enc      *json.Encoder
	parser   record.Parser
	verdicts []fusion.Verdict
	alerted  map[uint32]alert.Alert
	alerts   int
	packets  int
}

// stdin is what `analyze -` reads; tests replace it.
var stdin io.Reader = os.Stdin

// analyzeCmd is `scanguard analyze [-c config.yaml] FILE...`; a FILE of
// "-" is a capture on standard input.
func analyzeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("c", "", "configuration `file` (default: built-in)")
	top := fs.Int("top", 20, "sources to list in the summary")
	quiet := fs.Bool("q", false, "no summary or progress on stderr")
	each := fs.Bool("each", false, "analyze each file on its own, with fresh state")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scanguard analyze [-c config.yaml] [-each] FILE...")
		fmt.Fprintln(stderr, "Files are one capture in order unless -each is given; "+
			"- reads one from standard input.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	if *top < 0 {
		fmt.Fprintln(stderr, "scanguard analyze: -top must be >= 0")
		return errUsage
	}
	if i := slices.Index(fs.Args(), "-"); i >= 0 && slices.Contains(fs.Args()[i+1:], "-") {
		fmt.Fprintln(stderr, "scanguard analyze: standard input (-) can be read once only")
		return errUsage
	}
	a, err := newAnalysis(*cfgPath, stdout)
	if err != nil {
		return err
	}

	// A file that breaks is reported when it breaks and the others still
	// run: alerts already found are written as they are found, never held
	// back. The error returned at the end only sums up.
	var (
		errs        []error
		failed      []string
		interrupted string
	)
	showProgress := !*quiet && isTerminal(stderr)
	finish := func() {
		a.emit(a.det.Flush(a.verdicts[:0]))
		if err := a.out.Flush(); err != nil {
			errs = append(errs, fmt.Errorf("write alerts: %w", err))
		}
		if !*quiet {
			a.summary(stderr, *top)
		}
	}
	for i, path := range fs.Args() {
		if *each && i > 0 {
			finish()
			if a, err = newAnalysis(*cfgPath, stdout); err != nil {
				return err
			}
		}
		if *each && !*quiet {
			fmt.Fprintf(stderr, "== %s\n", displayName(path))
		}
		if err := a.file(ctx, path, i, fs.NArg(), showProgress, stderr); err != nil {
			if ctx.Err() != nil {
				interrupted = displayName(path)
				break
			}
			fmt.Fprintf(stderr, "scanguard: %v\n", err)
			failed = append(failed, failedName(path, err))
		}
	}
	finish()
	var sum []string
	if interrupted != "" {
		sum = append(sum, "interrupted while reading "+interrupted)
	}
	if len(failed) > 0 {
		sum = append(sum, fmt.Sprintf("%d of %d files not read to the end: %s", len(failed),
			fs.NArg(), strings.Join(failed, ", ")))
	}
	if len(sum) > 0 {
		errs = append(errs, fmt.Errorf("analyze: %s", strings.Join(sum, "; ")))
	}
	return errors.Join(errs...)
}

// displayName is how a FILE argument is named in messages.
func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// failedName names a file that failed, with the packet it broke at.
func failedName(path string, err error) string {
	var re *capture.ReadError
	if errors.As(err, &re) {
		return fmt.Sprintf("%s (packet %d)", displayName(path), re.Packet)
	}
	return displayName(path)
}

func newAnalysis(cfgPath string, stdout io.Writer) (*analysis, error) {
	cfg := config.Default()
	if cfgPath != "" {
		var err error
		if cfg, err = config.Load(cfgPath); err != nil {
			return nil, err
		}
	}
	db, err := cfg.FingerprintDB()
	if err != nil {
		return nil, err
	}
	det, err := detector.New(cfg.Detector, db, fusion.New(cfg.Fusion, db))
	if err != nil {
		return nil, err
	}
	sup, err := alert.NewSuppressor(cfg.Alert.Suppression)
	if err != nil {
		return nil, err
	}
	out := bufio.NewWriter(stdout)
	return &analysis{det: det, sup: sup, cfg: &cfg, out: out, enc: json.NewEncoder(out),
		alerted: map[uint32]alert.Alert{}}, nil
}

// file runs one capture through the detector: path, or standard input
// for "-". The progress line counts this file's packets and alerts.
func (a *analysis) file(ctx context.Context, path string, i, n int, progress bool,
	stderr io.Writer) error {
	name := displayName(path)
	var (
		rd  *capture.Reader
		err error
	)
	if path == "-" {
		rd, err = capture.OpenReader(name, stdin)
	} else {
		rd, err = capture.Open(path)
	}
	if err != nil {
		return err
	}
	defer rd.Close()
	last := time.Now()
	frames0, alerts0 := a.parser.Counters.Frames, a.alerts
	packets, err := rd.Records(&a.parser, func(batch []record.Record) error {
		a.verdicts = a.det.Process(batch, a.verdicts[:0])
		a.emit(a.verdicts)
		if progress && time.Since(last) > 200*time.Millisecond {
			last = time.Now()
			fmt.Fprintf(stderr, "\r[%d/%d] %s: %d packets, %d alerts ", i+1, n, name,
				a.parser.Counters.Frames-frames0, a.alerts-alerts0)
		}
		return ctx.Err()
	})
	a.packets += packets
	if progress {
		fmt.Fprintf(stderr, "\r[%d/%d] %s: %d packets, %d alerts\n", i+1, n, name, packets,
			a.alerts-alerts0)
	}
	return err
}

// emit writes the verdicts that the suppressor lets through.
func (a *analysis) emit(vs []fusion.Verdict) {
	for i := range vs {
		v := &vs[i]
		switch a.sup.Admit(v) {
		case alert.DecisionNew, alert.DecisionEscalated, alert.DecisionRenewed:
		default:
			continue
		}
		al := alert.Build(v, &a.cfg.Alert)
		a.alerted[v.SrcIP] = al
		a.alerts++
		// Encoding a struct of plain fields cannot fail; a write error
		// surfaces at Flush.
		_ = a.enc.Encode(&al)
	}
}

// summary prints the per-source table.
func (a *analysis) summary(w io.Writer, top int) {
	st := a.det.Stats()
	pc := a.parser.Counters
	fmt.Fprintf(w, "%d packets: %d IPv4 TCP, %d UDP, %d ICMP; skipped %d IPv6, %d other, "+
		"%d fragments, %d truncated, %d malformed\n",
		a.packets, pc.TCP, pc.UDP, pc.ICMP, pc.IPv6, pc.ARP+pc.OtherL3+pc.OtherL4+pc.UnknownLink,
		pc.Fragments, pc.Truncated, pc.Malformed)
	fmt.Fprintf(w, "%d probes from %d sources, %d suspects, %d evictions, %d alerts\n\n",
		st.Probes, st.Sources, st.Suspects, st.Evictions+st.DetailEvictions, a.alerts)
	fmt.Fprintf(w, "%-15s %-13s %-9s %-8s %8s  %-23s  %s\n",
		"SOURCE", "VERDICT", "SEVERITY", "TOOL", "PROBES", "FIRST SEEN", "LAST SEEN")
	for _, s := range a.det.Top(top) {
		verdict, sev, tool := "-", "-", "-"
		if al, ok := a.alerted[s.IP]; ok {
			verdict, sev, tool = al.AlertType, al.Severity, al.Tool
			if tool == "" {
				tool = "?"
			}
		}
		ip := netip.AddrFrom4([4]byte{byte(s.IP >> 24), byte(s.IP >> 16), byte(s.IP >> 8),
			byte(s.IP)})
		fmt.Fprintf(w, "%-15s %-13s %-9s %-8s %8d  %-23s  %s\n", ip, verdict, sev, tool,
			s.Probes, alert.FormatTime(s.FirstSeenNs), alert.FormatTime(s.LastSeenNs))
	}
}

// isTerminal reports whether w is a terminal, for the progress line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
