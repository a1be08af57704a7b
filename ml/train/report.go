package train

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"text/tabwriter"
)

// WriteReport prints what the run learned: the data, the cross-validated
// precision, recall and confusion matrices (scanner against benign, and
// per tool), each source's held-out probabilities, and where the model
// would overrule the rules. Every figure comes from models that never saw
// the capture they score.
func (r *Result) WriteReport(w io.Writer) error {
	t := &r.Model.Training
	o := &r.Options
	var b strings.Builder
	fmt.Fprintf(&b, "model %s\n", r.Model.Version)
	fmt.Fprintf(&b, "data: %d captures, %d labelled sources (%d scanners, %d benign); "+
		"%d samples at %s probes (%d scanner, %d benign)\n", t.Captures, t.Sources,
		t.ScannerSources, t.BenignSources, t.Samples, joinPoints(o.Points), t.ScannerSamples,
		t.BenignSamples)
	fmt.Fprintf(&b, "note: %s\n", t.Note)
	fmt.Fprintf(&b, "\ncross-validation: %s, %d folds, l2 %g; a sample is a scanner when "+
		"p >= %.2f\n\n", r.Scheme, r.Folds, o.L2, o.Threshold)

	for _, th := range []float64{o.Threshold, 0.5} {
		bin := countBinary(r.Samples, r.Held.prob, th)
		writeConfusion(&b, fmt.Sprintf("scanner vs benign at p >= %.2f, per sample", th),
			[]string{Benign, "scanner"}, [][]int{{bin.tn, bin.fp}, {bin.fn, bin.tp}})
		if th == 0.5 {
			break
		}
	}
	fmt.Fprintf(&b, "log loss %.4f\n", t.CV.LogLoss)
	if o.Tools {
		b.WriteString("\n")
		writeConfusion(&b, "tool, per sample (most likely class)", r.Classes, r.toolMatrix())
	}
	b.WriteString("\n")
	r.writeSources(&b)
	b.WriteString("\n")
	r.writeVersusRules(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// toolMatrix counts actual class (rows) against predicted (columns).
func (r *Result) toolMatrix() [][]int {
	idx := map[string]int{}
	for i, c := range r.Classes {
		idx[c] = i
	}
	m := make([][]int, len(r.Classes))
	for i := range m {
		m[i] = make([]int, len(r.Classes))
	}
	for i := range r.Samples {
		m[idx[r.Samples[i].Tool]][idx[r.Held.tool[i]]]++
	}
	return m
}

// writeConfusion prints a confusion matrix with each class's precision
// and recall.
func writeConfusion(b *strings.Builder, title string, classes []string, m [][]int) {
	fmt.Fprintf(b, "%s (rows actual, columns predicted)\n", title)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s\tprecision\trecall\t\n", strings.Join(classes, "\t"))
	for i, c := range classes {
		row, pred := 0, 0
		var cells []string
		for j := range classes {
			cells = append(cells, fmt.Sprint(m[i][j]))
			row += m[i][j]
			pred += m[j][i]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", c, strings.Join(cells, "\t"),
			pct(m[i][i], pred), pct(m[i][i], row))
	}
	tw.Flush()
}

// writeSources lists every labelled source with its held-out probability
// at each point; "*" marks a point where the rules alone alert.
func (r *Result) writeSources(b *strings.Builder) {
	fmt.Fprintf(b, "per source: held-out p(scanner) at %s probes "+
		"(* the rules alone alert there, - no decision)\n", joinPoints(r.Options.Points))
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "capture\tsource\tlabel\t%s\n",
		strings.ReplaceAll(joinPoints(r.Options.Points), ",", "\t"))
	for ci := range r.Captures {
		c := &r.Captures[ci]
		for _, s := range c.Sources {
			cells := make([]string, len(r.Options.Points))
			for k := range cells {
				cells[k] = "-"
			}
			for i := range r.Samples {
				sm := &r.Samples[i]
				if sm.Capture != ci || sm.Source != s.IP {
					continue
				}
				for k, p := range r.Options.Points {
					if p == sm.Probes {
						cells[k] = fmt.Sprintf("%.3f", r.Held.prob[i])
						if sm.RuleAlert {
							cells[k] += "*"
						}
					}
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, addr(s.IP), s.Tool,
				strings.Join(cells, "\t"))
		}
	}
	tw.Flush()
}

// writeVersusRules counts the sources on which the model, held out, would
// change what the rules alone decide in fusion: withdrawn behaviour-only
// alerts, and sources it rates a scanner that the rules leave alone.
func (r *Result) writeVersusRules(b *strings.Builder) {
	o := &r.Options
	type tally struct{ flagged, withdrawn, confirmed, unflaggedHigh, total int }
	var ben, scan tally
	forEachSource(r, func(scanner bool, idx []int) {
		t := &ben
		if scanner {
			t = &scan
		}
		t.total++
		flagged, withdrawn, confirmed, high := false, false, false, false
		for _, i := range idx {
			s, p := &r.Samples[i], r.Held.prob[i]
			switch {
			case s.RuleAlert && p >= o.Threshold:
				flagged, confirmed = true, true
			case s.RuleAlert && !s.RulePacket && p < o.RejectBelow:
				flagged, withdrawn = true, true
			case s.RuleAlert:
				flagged = true
			case p >= o.Threshold:
				high = true
			}
		}
		t.flagged += b2i(flagged)
		t.withdrawn += b2i(withdrawn)
		t.confirmed += b2i(confirmed)
		t.unflaggedHigh += b2i(high && !flagged)
	})
	fmt.Fprintf(b, "model against rules alone, per source with samples "+
		"(held-out p; confirm >= %.2f, withdraw < %.2f)\n", o.Threshold, o.RejectBelow)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tsources\trules alert\tmodel confirms\tmodel withdraws\t"+
		"model only (no action)\t")
	for _, row := range []struct {
		name string
		t    tally
	}{{Benign, ben}, {"scanner", scan}} {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t\n", row.name, row.t.total, row.t.flagged,
			row.t.confirmed, row.t.withdrawn, row.t.unflaggedHigh)
	}
	tw.Flush()
}

// forEachSource calls fn with the sample indices of every source that has
// samples, in capture and address order.
func forEachSource(r *Result, fn func(scanner bool, idx []int)) {
	for ci := range r.Captures {
		for _, s := range r.Captures[ci].Sources {
			var idx []int
			for i := range r.Samples {
				if r.Samples[i].Capture == ci && r.Samples[i].Source == s.IP {
					idx = append(idx, i)
				}
			}
			if len(idx) > 0 {
				fn(s.Scan, idx)
			}
		}
	}
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

func joinPoints(ps []uint32) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ",")
}

func addr(ip uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)})
}
