package netflow

import (
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"scanguard/alert"
	"scanguard/capture"
	"scanguard/detector"
	"scanguard/detector/fingerprint"
	"scanguard/fusion"
	"scanguard/record"
)

// exported matches softflowd's closing summary of what it sent.
var exported = regexp.MustCompile(`Flows exported: \d+ \((\d+) records\) in (\d+) packets`)

// softflowdExport replays a capture through softflowd, a real exporter,
// towards dsts with NetFlow version v (5, 9 or 10 for IPFIX), and returns
// how many datagrams and flow records softflowd says it sent. Reading a
// file, softflowd keeps every flow until the end and exports them all at
// once; -a stamps the flows with the capture's clock rather than the
// replay's.
func softflowdExport(t testing.TB, file, v string, dsts []netip.AddrPort,
	extra ...string) (packets, records uint64) {
	t.Helper()
	bin := needTool(t, "softflowd")
	var to []string
	for _, d := range dsts {
		to = append(to, d.String())
	}
	args := append([]string{"-a", "-r", file, "-n", strings.Join(to, ","), "-v", v}, extra...)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("softflowd %v: %v\n%s", args, err, out)
	}
	m := exported.FindSubmatch(out)
	if m == nil {
		t.Fatalf("softflowd %v printed no export summary:\n%s", args, out)
	}
	records, _ = strconv.ParseUint(string(m[1]), 10, 64)
	packets, _ = strconv.ParseUint(string(m[2]), 10, 64)
	return packets, records
}

// TestSoftflowdCorpus replays every capture of the corpus through softflowd
// in NetFlow v5, v9 and IPFIX (one direction per record, and both) into the
// collector, and requires that every
// scanner the labels name is alerted, no benign source is, every flow
// record softflowd sent is decoded, and every alert says it was decided on
// flow features and names the exporter.
func TestSoftflowdCorpus(t *testing.T) {
	dir := corpusDir(t)
	labels := readLabels(t, dir)
	exports := []struct {
		name, v string
		extra   []string
	}{
		{"v5", "5", nil}, {"v9", "9", nil}, {"ipfix", "10", nil},
		// Both directions in one record (RFC 5103).
		{"ipfix-biflow", "10", []string{"-b"}},
	}
	for _, e := range exports {
		t.Run(e.name, func(t *testing.T) {
			for _, l := range labels {
				t.Run(strings.TrimSuffix(l.File, ".pcap"), func(t *testing.T) {
					c := startCollector(t, Default())
					file := filepath.Join(dir, l.File)
					pkts, recs := softflowdExport(t, file, e.v,
						[]netip.AddrPort{c.src.Addr()}, e.extra...)
					c.waitDatagrams(t, pkts)
					alerts, st := c.stop(t)
					d := st.Decode
					if got := d.Flows - d.Reverse + d.IPv6; got != recs {
						t.Errorf("decoded %d flow records, softflowd sent %d", got, recs)
					}
					checkAlerts(t, l, alerts)
					t.Logf("%-12s %-28s packets: %-34s flows: %s", e.name, l.File,
						packetVerdicts(t, file), flowVerdicts(alerts))
				})
			}
		})
	}
}

// checkAlerts compares alerts with the capture's labels.
func checkAlerts(t *testing.T, l label, alerts map[string][]alert.Alert) {
	t.Helper()
	for ip, scan := range l.IsScan {
		if got := len(alerts[ip]) > 0; got != scan {
			t.Errorf("%s: alerted %v, labelled scanner %v", ip, got, scan)
		}
	}
	for ip, as := range alerts {
		if _, ok := l.IsScan[ip]; !ok {
			t.Errorf("%s, not a labelled source, alerted: %+v", ip, as[0])
		}
		for _, a := range as {
			if a.Attribution != alert.AttributionFlowFeatures || a.Tool != "" ||
				!strings.HasPrefix(a.Source.Exporter, "127.0.0.1:") {
				t.Errorf("%s: attribution %q, tool %q, exporter %q; want flow_features, "+
					"none, 127.0.0.1:port", ip, a.Attribution, a.Tool, a.Source.Exporter)
			}
		}
	}
}

// flowVerdicts summarises alerts: each source's highest severity and the
// rule that raised it.
func flowVerdicts(alerts map[string][]alert.Alert) string {
	var out []string
	for ip, as := range alerts {
		// Suppression lets a source alert again only when its verdict
		// escalated: the last alert is the highest.
		best := as[len(as)-1]
		out = append(out, fmt.Sprintf("%s %s/%s", ip, best.Severity, best.Rule))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

// packetVerdicts runs the same capture's packets through the detector, as
// `scanguard analyze` does, and summarises each alerting source's highest
// verdict: severity, tool and rule.
func packetVerdicts(t *testing.T, file string) string {
	t.Helper()
	db := fingerprint.Default()
	det, err := detector.New(testDetector(), db, fusion.New(fusion.Default(), db))
	if err != nil {
		t.Fatal(err)
	}
	var p record.Parser
	var vs []fusion.Verdict
	if _, err := capture.Records(file, &p, func(b []record.Record) error {
		vs = det.Process(b, vs)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	vs = det.Flush(vs)
	best := map[string]fusion.Verdict{}
	for _, v := range vs {
		ip := netip.AddrFrom4([4]byte{byte(v.SrcIP >> 24), byte(v.SrcIP >> 16),
			byte(v.SrcIP >> 8), byte(v.SrcIP)}).String()
		if b, ok := best[ip]; !ok || v.Severity > b.Severity {
			best[ip] = v
		}
	}
	var out []string
	for ip, v := range best {
		out = append(out, fmt.Sprintf("%s %s/%s/%s", ip, v.Severity, v.Tool, v.Rule))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}
