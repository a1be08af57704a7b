package bench

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"text/tabwriter"

	"scanguard/detector"
)

const mib = 1 << 20

// WriteText writes one run's tables for a terminal.
func WriteText(w io.Writer, r *Result) error {
	c := &r.Config
	p, _ := LookupProfile(c.Profile)
	ew := &errWriter{w: w}
	ew.printf("profile %s: %s\n", c.Profile, p.Summary)
	ew.printf("seed %d, %d packets, %d sources, scan share %.3g%%, %d workers, "+
		"bursts of %d\n\n", c.Seed, r.Records, c.Sources, c.ScanShare*100, len(r.Workers),
		c.Burst)

	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "worker\tpackets\tMpps/core\tns/pkt\tMpps wall\tcpu share\t")
	for i, wr := range r.Workers {
		share := 0.0
		if wr.BusyNs > 0 {
			share = float64(wr.CPUNs) / float64(wr.BusyNs)
		}
		fmt.Fprintf(tw, "%d\t%d\t%.2f\t%.1f\t%.2f\t%.2f\t\n", i, wr.Records, wr.Mpps(),
			wr.NsPerPacket(), rate(wr.Records, wr.BusyNs), share)
	}
	fmt.Fprintf(tw, "all\t%d\t%.2f\t%.1f\t%.2f\t%.2f\t\n", r.Records, r.MppsPerWorker(),
		r.NsPerPacket(), r.Mpps(), r.CPUShare())
	ew.err = cmp.Or(ew.err, tw.Flush())

	st := &r.Stats
	ew.printf("\nallocations/packet %.5f (%d in all)\n", r.AllocsPerPacket(), r.Allocs)
	ew.printf("tracked sources %d, %d B each (hot); suspects %d, %d B each (detail)\n",
		st.Sources, detector.HotBytes, st.Suspects, detector.DetailBytes)
	ew.printf("evictions %d hot, %d detail; %d decisions (%.2f per 1000 packets)\n",
		st.Evictions, st.DetailEvictions, st.Decisions, perMille(st.Decisions, r.Records))
	ew.printf("state %.1f MiB; heap in use %.1f MiB before, %.1f MiB after; peak RSS %.1f MiB\n",
		float64(r.StateBytes)/mib, float64(r.HeapBefore)/mib, float64(r.HeapAfter)/mib,
		float64(r.MaxRSSBytes)/mib)
	ew.printf("alerts %d, on hosts that do not scan %d%s\n", r.Alerts, benignTotal(r),
		benignList(r))
	ew.printf("burst start to alert encoded: %.1f µs mean, %.1f µs max\n",
		float64(r.LatencyAvgNs)/1e3, float64(r.LatencyMaxNs)/1e3)

	if len(r.Scanners) > 0 {
		ew.printf("\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "scanner\taddress\tshare\tprobes\talert at probe\tcapture ms\t"+
			"named\tseverity")
		for _, s := range r.Scanners {
			fmt.Fprintf(tw, "%s\t%s\t%.3g%%\t%d\t%s\t%s\t%s\t%s\n", s.Label, addr(s.IP),
				s.Share*100, s.Probes, alertProbes(&s), alertMs(&s), named(&s), s.Severity)
		}
		ew.err = cmp.Or(ew.err, tw.Flush())
	}
	return ew.err
}

// WriteMarkdown writes the tables of several runs for bench/RESULTS.md.
func WriteMarkdown(w io.Writer, rs []*Result) error {
	ew := &errWriter{w: w}
	ew.printf("| profile | workers | packets | sources | Mpps/core | ns/pkt | Mpps wall | " +
		"cpu share | allocs/pkt | decisions/1000 pkts |\n" +
		"|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rs {
		ew.printf("| %s | %d | %d | %d | %.2f | %.1f | %.2f | %.2f | %.5f | %.2f |\n",
			r.Config.Profile, len(r.Workers), r.Records, r.Config.Sources, r.MppsPerWorker(),
			r.NsPerPacket(), r.Mpps(), r.CPUShare(), r.AllocsPerPacket(),
			perMille(r.Stats.Decisions, r.Records))
	}

	ew.printf("\n| profile | workers | tracked sources | hot B/source | suspects | " +
		"detail B/suspect | evictions (hot / detail) | state MiB | heap MiB before → after | " +
		"peak RSS MiB |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rs {
		st := &r.Stats
		ew.printf("| %s | %d | %d | %d | %d | %d | %d / %d | %.1f | %.1f → %.1f | %.0f |\n",
			r.Config.Profile, len(r.Workers), st.Sources, detector.HotBytes, st.Suspects,
			detector.DetailBytes, st.Evictions, st.DetailEvictions, float64(r.StateBytes)/mib,
			float64(r.HeapBefore)/mib, float64(r.HeapAfter)/mib, float64(r.MaxRSSBytes)/mib)
	}

	ew.printf("\n| profile | workers | scanner | share | probes sent | alert at probe | " +
		"capture ms to alert | named | severity |\n|---|--:|---|--:|--:|--:|--:|---|---|\n")
	for _, r := range rs {
		for _, s := range r.Scanners {
			ew.printf("| %s | %d | %s | %.3g%% | %d | %s | %s | %s | %s |\n", r.Config.Profile,
				len(r.Workers), s.Label, s.Share*100, s.Probes, alertProbes(&s), alertMs(&s),
				named(&s), s.Severity)
		}
	}

	ew.printf("\n| profile | workers | alerts | on hosts that do not scan (role/rule: alerts) | " +
		"burst start to alert, mean / max µs |\n|---|--:|--:|---|--:|\n")
	for _, r := range rs {
		ew.printf("| %s | %d | %d | %d%s | %.1f / %.1f |\n", r.Config.Profile, len(r.Workers),
			r.Alerts, benignTotal(r), benignList(r), float64(r.LatencyAvgNs)/1e3,
			float64(r.LatencyMaxNs)/1e3)
	}
	return ew.err
}

func perMille(n, of uint64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) * 1000 / float64(of)
}

func benignTotal(r *Result) int {
	n := 0
	for _, v := range r.BenignAlerts {
		n += v
	}
	return n
}

// benignList lists the false alerts by role and rule, most first.
func benignList(r *Result) string {
	if len(r.BenignAlerts) == 0 {
		return ""
	}
	keys := slices.Collect(maps.Keys(r.BenignAlerts))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(r.BenignAlerts[b], r.BenignAlerts[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, r.BenignAlerts[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func alertProbes(s *ScannerResult) string {
	if !s.Alerted {
		return "-"
	}
	return fmt.Sprint(s.AlertProbes)
}

func alertMs(s *ScannerResult) string {
	if !s.Alerted {
		return "-"
	}
	return fmt.Sprintf("%.3f", s.AlertMs)
}

// named says which tool the alerts named, and whether it is the right one.
func named(s *ScannerResult) string {
	switch {
	case !s.Alerted:
		return "not detected"
	case s.Named():
		return s.Tool
	case s.FinalTool == "":
		return "unnamed"
	}
	return "wrong: " + s.FinalTool
}

func addr(ip uint32) string {
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8),
		byte(ip)}).String()
}

// errWriter keeps the first write error so a report checks it once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
