//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"scanguard/internal/testsyslog"
)

// Where the test's MaxMind databases put the lab's two scanner addresses.
var (
	placeA = geoPlace{"198.18.0.1", 64500, "Example Scanning Ltd", "ZZ"}
	placeB = geoPlace{"198.18.0.3", 64501, "Example Hosting BV", "NL"}
)

// liveConfig runs the appliance on the victim's veth with a JSON file
// sink, a syslog sink over TCP, enrichment and the metrics endpoint. A
// source silent for a second starts afresh and may alert again, so that a
// second masscan run from one address alerts. The syslog sink has a short
// back-off, and a queue of one alert so that a few alerts made while its
// collector is away show as drops. The lab shares two cores with the rest
// of the test suite: deeper worker queues let a worker be descheduled for
// most of a second without losing packets, so that what the test measures
// is the appliance, not a busy machine.
const liveConfig = `workers: 2
engine:
  queue_batches: 1024
detector:
  idle: 1s
source:
  type: afpacket
  afpacket:
    interface: %s
alert:
  suppression:
    window: 1s
  enrich:
    asn_db: %q
    country_db: %q
  sinks:
    - type: file
      name: json
      path: %q
    - type: syslog
      name: soc
      network: tcp
      address: %s
      format: rfc5424
      framing: octet_counting
      queue_size: 1
      backoff_min: 50ms
      backoff_max: 500ms
metrics:
  listen: "127.0.0.1:19108"
log:
  format: json
  stats_interval: 500ms
`

// liveRun is one appliance run in the lab and what its steps measured.
type liveRun struct {
	lab     *lab
	app     *liveAppliance
	rcv     *testsyslog.Receiver
	metrics *scraper
	alerts  string // the JSON sink's file

	heard     int       // syslog messages when the collector was killed
	restarted time.Time // when the collector came back
}

// TestLiveMasscanAFPacket is the appliance end to end: scanguard run reads
// the lab's victim-side veth with AF_PACKET while real masscan scans
// through it. Its steps run in order on one run and stop at the first that
// fails:
//
//   - the alert reaches the JSON file and a syslog collector over TCP
//     within a second of the first probe, with the AS and country of the
//     test's MaxMind databases, and the metrics endpoint counts the
//     packets and the alert;
//   - with the collector killed, both scanners scanning at once are still
//     detected and written to the file as fast, and the syslog sink counts
//     its failed connects and the alerts its full queue drops;
//   - when the collector comes back the held alerts arrive, the file is
//     rotated on SIGHUP, and an alert made after the restart arrives too;
//   - SIGTERM drains the sinks: every alert is in the file, and each one
//     either reached the collector or is counted as dropped or lost.
func TestLiveMasscanAFPacket(t *testing.T) {
	needLab(t)
	l := startLab(t)
	if l.env["LAB_SCAN_IP"] != placeA.addr || l.env["LAB_SCAN_IP2"] != placeB.addr {
		t.Fatalf("lab scanners %s, %s; the test places %s, %s", l.env["LAB_SCAN_IP"],
			l.env["LAB_SCAN_IP2"], placeA.addr, placeB.addr)
	}
	dir := t.TempDir()
	bin := scanguardBinary(t, dir)
	asnDB, countryDB := writeGeoDBs(t, dir, []geoPlace{placeA, placeB})
	ns := l.env["LAB_VICTIM_NS"]
	r := &liveRun{lab: l, alerts: filepath.Join(dir, "alerts.json"),
		metrics: newScraper(ns, "127.0.0.1:19108")}
	r.rcv = testsyslog.Start(t, testsyslog.Config{Network: "tcp", Address: "127.0.0.1:0",
		Netns: ns})
	cfg := writeConfig(t, dir, fmt.Sprintf(liveConfig, l.env["LAB_VICTIM_IF"], asnDB,
		countryDB, r.alerts, r.rcv.Addr()))
	r.app = startAppliance(t, l, bin, cfg)

	for _, step := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"alert in file and syslog with geo and metrics", r.firstScan},
		{"collector down detection goes on", r.collectorDown},
		{"collector back delivery resumes", r.collectorBack},
		{"SIGTERM drains and accounts for every alert", r.drain},
	} {
		if !t.Run(step.name, step.run) {
			t.Logf("appliance log:\n%s", r.app.logs.String())
			return
		}
	}
}

// scan runs masscan in the background while wait watches for its effect,
// then checks that masscan succeeded.
func (r *liveRun) scan(t *testing.T, src, dst, ports string, rate int, wait func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- r.lab.masscan(src, dst, ports, rate) }()
	wait()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// syslogAlertOf waits up to d for a message after the first skip that
// carries a MASSCAN_SCAN alert of ip.
func (r *liveRun) syslogAlertOf(skip int, ip string, d time.Duration) (
	*testsyslog.Message, *liveAlert) {
	var m *testsyslog.Message
	var a *liveAlert
	waitFor(d, func() bool {
		msgs, _ := r.rcv.Messages()
		m, a = syslogAlert(msgs, skip, ip)
		return m != nil
	})
	return m, a
}

func (r *liveRun) received() int {
	msgs, _ := r.rcv.Messages()
	return len(msgs)
}

func (r *liveRun) firstScan(t *testing.T) {
	if r.app.logs.find("fusion consults the model") == nil {
		t.Errorf("no start line naming the model:\n%s", r.app.logs.String())
	}
	var a *liveAlert
	var inFile time.Time
	r.scan(t, placeA.addr, "198.19.16.0/22", "80,443", 5000, func() {
		s := watchFile(r.alerts, 0, []string{placeA.addr}, 20*time.Second)[placeA.addr]
		a, inFile = s.alert, s.at
	})
	if a == nil {
		t.Fatalf("no MASSCAN alert for %s in the JSON file", placeA.addr)
	}
	if a.Tool != "masscan" {
		t.Errorf("tool = %q, want masscan", a.Tool)
	}
	checkPlaced(t, "JSON file", a, placeA)
	probe0 := a.firstSeen(t)
	if d := inFile.Sub(probe0); d > time.Second {
		t.Errorf("alert written %s after the first probe, want well under a second", d)
	}

	m, sa := r.syslogAlertOf(0, placeA.addr, 5*time.Second)
	if m == nil {
		msgs, perr := r.rcv.Messages()
		t.Fatalf("no MASSCAN alert over syslog TCP; %d messages, parse errors %v", len(msgs),
			perr)
	}
	checkPlaced(t, "syslog", sa, placeA)
	if sa.FirstSeen != a.FirstSeen || sa.Timestamp != a.Timestamp || m.MsgID != a.AlertType {
		t.Errorf("syslog carried %+v (MSGID %s), the file %+v", sa, m.MsgID, a)
	}
	if d := m.Arrived.Sub(probe0); d > time.Second {
		t.Errorf("alert reached syslog %s after the first probe, want well under a second", d)
	}
	t.Logf("first probe %s; alert decided +%s, in the JSON file +%s, at the collector +%s",
		a.FirstSeen, mustTime(t, a.Timestamp).Sub(probe0), inFile.Sub(probe0),
		m.Arrived.Sub(probe0))

	ms := r.metrics.scrape(t)
	for _, stage := range []string{"rx", "parsed", "detector"} {
		if n := ms.get("scanguard_stage_packets_total", "stage="+stage); n < 1000 {
			t.Errorf("scanguard_stage_packets_total{stage=%q} = %v after a 2048-probe scan",
				stage, n)
		}
	}
	if n := ms.get("scanguard_alerts_total", "type=MASSCAN_SCAN"); n < 1 {
		t.Errorf("scanguard_alerts_total{type=\"MASSCAN_SCAN\"} = %v", n)
	}
	if ms.get("scanguard_sink_sent_total", "sink=soc") < 1 ||
		ms.get("scanguard_sink_connected", "sink=soc") != 1 {
		t.Errorf("syslog sink: sent %v, connected %v", ms.get("scanguard_sink_sent_total",
			"sink=soc"), ms.get("scanguard_sink_connected", "sink=soc"))
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("alert time %q: %v", s, err)
	}
	return ts
}

// settled waits until every alert made so far has left the syslog sink:
// delivered to the collector or dropped. It returns the scrape that shows
// it.
func (r *liveRun) settled(t *testing.T) metricSet {
	t.Helper()
	var ms metricSet
	if !waitFor(10*time.Second, func() bool {
		ms = r.metrics.scrape(t)
		sent := ms.get("scanguard_sink_sent_total", "sink=soc")
		out := sent + ms.get("scanguard_sink_dropped_total", "sink=soc")
		return ms.get("scanguard_alerts_total") == out && float64(r.received()) == sent
	}) {
		t.Fatalf("syslog sink never settled: alerts %v, sent %v, dropped %v, received %d",
			ms.get("scanguard_alerts_total"), ms.get("scanguard_sink_sent_total", "sink=soc"),
			ms.get("scanguard_sink_dropped_total", "sink=soc"), r.received())
	}
	return ms
}

func (r *liveRun) collectorDown(t *testing.T) {
	before := r.settled(t)
	r.heard = r.received()
	skip := len(fileAlerts(r.alerts))
	r.rcv.Kill()

	// Both scanners at once: more alerts than the sink's queue holds.
	done := make(chan error, 2)
	go func() { done <- r.lab.masscan(placeA.addr, "198.19.48.0/24", "8080", 2000) }()
	go func() { done <- r.lab.masscan(placeB.addr, "198.19.40.0/24", "22", 2000) }()
	seen := watchFile(r.alerts, skip, []string{placeA.addr, placeB.addr}, 20*time.Second)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	var latencies []time.Duration
	for _, p := range []geoPlace{placeA, placeB} {
		s, ok := seen[p.addr]
		if !ok {
			t.Fatalf("no MASSCAN alert for %s in the JSON file with the collector down", p.addr)
		}
		checkPlaced(t, "JSON file", s.alert, p)
		d := s.at.Sub(s.alert.firstSeen(t))
		if d > time.Second {
			t.Errorf("with the collector down the alert of %s took %s to reach the file",
				p.addr, d)
		}
		latencies = append(latencies, d)
	}

	// The sink notices on its first write and counts every failed
	// reconnect. Of what it could not deliver, one alert is in its hands,
	// one in its queue, and the rest are counted as dropped.
	get := func(m metricSet, name string) float64 { return m.get(name, "sink=soc") }
	var ms metricSet
	waitFor(5*time.Second, func() bool {
		ms = r.metrics.scrape(t)
		return get(ms, "scanguard_sink_errors_total") > get(before, "scanguard_sink_errors_total")
	})
	errs := get(ms, "scanguard_sink_errors_total") - get(before, "scanguard_sink_errors_total")
	dropped := get(ms, "scanguard_sink_dropped_total") - get(before, "scanguard_sink_dropped_total")
	depth := get(ms, "scanguard_sink_queue_depth")
	made := ms.get("scanguard_alerts_total") - before.get("scanguard_alerts_total")
	if errs == 0 || get(ms, "scanguard_sink_connected") != 0 {
		t.Errorf("collector down: %v failed connects, connected %v", errs,
			get(ms, "scanguard_sink_connected"))
	}
	if sent := get(ms, "scanguard_sink_sent_total"); sent != get(before, "scanguard_sink_sent_total") {
		t.Errorf("sink counted %v sent with the collector down, before %v", sent,
			get(before, "scanguard_sink_sent_total"))
	}
	if made < 3 || depth != 1 || dropped != made-2 {
		t.Errorf("%v alerts made while the collector was down, %v queued, %v dropped; "+
			"want at least 3, 1 queued, 1 held and the rest dropped", made, depth, dropped)
	}
	total := get(ms, "scanguard_sink_dropped_total")
	if n := ms.get("scanguard_drops_total", "cause=sink"); n != total {
		t.Errorf("scanguard_drops_total{cause=\"sink\"} = %v, the sink dropped %v", n, total)
	}
	// Alerts are handed to the sinks inside the workers' batches: a sink
	// that waited on its collector would show as slow batches.
	batches, slow, slowest := batchesSince(before, ms, 0.05)
	if slow > 0 {
		t.Errorf("%v of %v batches took over 50ms while the collector was down", slow, batches)
	}
	for _, cause := range []string{"capture", "ring"} {
		if n := ms.get("scanguard_drops_total", "cause="+cause); n != 0 {
			t.Errorf("scanguard_drops_total{cause=%q} = %v: the workers fell behind", cause, n)
		}
	}
	t.Logf("collector down: alerts in the JSON file +%s and +%s after their first probes; "+
		"%v alerts made, 1 held, %v queued, %v dropped, %v failed connects; "+
		"%v batches, none over %gs", latencies[0], latencies[1], made, depth, dropped, errs,
		batches, slowest)
}

func (r *liveRun) collectorBack(t *testing.T) {
	r.restarted = time.Now()
	r.rcv.Restart()
	var first time.Time
	if !waitFor(10*time.Second, func() bool {
		msgs, _ := r.rcv.Messages()
		if len(msgs) > r.heard {
			first = msgs[r.heard].Arrived
		}
		return len(msgs) > r.heard
	}) {
		t.Fatalf("the alerts held while the collector was down never arrived")
	}
	resume := first.Sub(r.restarted)
	if resume > 2*time.Second {
		t.Errorf("delivery resumed %s after the collector came back; back-off max is 500ms",
			resume)
	}
	ms := r.settled(t)
	if ms.get("scanguard_sink_reconnects_total", "sink=soc") < 1 ||
		ms.get("scanguard_sink_connected", "sink=soc") != 1 {
		t.Errorf("sink reconnects %v, connected %v", ms.get("scanguard_sink_reconnects_total",
			"sink=soc"), ms.get("scanguard_sink_connected", "sink=soc"))
	}

	// Rotate the file, then an alert made after the restart reaches the
	// new file and the collector.
	if err := os.Rename(r.alerts, r.alerts+".1"); err != nil {
		t.Fatal(err)
	}
	r.app.signal(t, syscall.SIGHUP)
	if !waitFor(5*time.Second, func() bool {
		return r.app.logs.find("reload: thresholds and allowlist swapped") != nil
	}) {
		t.Fatalf("no reload after SIGHUP")
	}
	skip := r.received()
	var b *liveAlert
	r.scan(t, placeB.addr, "198.19.56.0/24", "443", 2000, func() {
		b = watchFile(r.alerts, 0, []string{placeB.addr}, 20*time.Second)[placeB.addr].alert
	})
	if b == nil {
		t.Fatalf("no new alert for %s in the reopened file", placeB.addr)
	}
	if b.firstSeen(t).Before(r.restarted) {
		t.Errorf("alert in the reopened file has first_seen %s, before the restart", b.FirstSeen)
	}
	after, sb := r.syslogAlertOf(skip, placeB.addr, 5*time.Second)
	if after == nil {
		t.Fatalf("the alert made after the restart did not reach the collector")
	}
	if sb.FirstSeen != b.FirstSeen {
		t.Errorf("collector got first_seen %s, the file %s", sb.FirstSeen, b.FirstSeen)
	}
	t.Logf("collector back: first held alert delivered +%s after the restart; new alert at "+
		"the collector +%s after its first probe", resume, after.Arrived.Sub(b.firstSeen(t)))
}

func (r *liveRun) drain(t *testing.T) {
	st := r.app.stop(t)
	num := func(k string) float64 { v, _ := st[k].(float64); return v }
	file := append(fileAlerts(r.alerts+".1"), fileAlerts(r.alerts)...)
	msgs, perr := r.rcv.Messages()
	t.Logf("totals: frames %v, records %v, kernel drops %v, queue drops %v, alerts %v, "+
		"sink drops %v, sink lost %v; %d alerts in the files, %d at the collector",
		st["frames"], st["records"], st["missed"], st["queue_drops"], st["alerts"],
		st["sink_drops"], st["sink_lost"], len(file), len(msgs))
	if len(perr) > 0 {
		t.Errorf("the collector could not parse %d messages: %v", len(perr), perr[0])
	}
	if num("missed") != 0 || num("queue_drops") != 0 {
		t.Errorf("packets dropped during a modest scan: kernel %v, queues %v", st["missed"],
			st["queue_drops"])
	}
	if float64(len(file)) != num("alerts") {
		t.Errorf("%d alerts in the files, the appliance sent %v", len(file), st["alerts"])
	}
	if got := float64(len(msgs)) + num("sink_drops") + num("sink_lost"); got != num("alerts") {
		t.Errorf("%d alerts at the collector + %v dropped + %v lost = %v, want %v sent",
			len(msgs), st["sink_drops"], st["sink_lost"], got, st["alerts"])
	}

	// Every message the collector got is an alert of the file, once.
	key := func(a liveAlert) string { return a.Source.IP + " " + a.Timestamp + " " + a.Severity }
	inFile := map[string]int{}
	for _, a := range file {
		inFile[key(a)]++
	}
	for _, m := range msgs {
		as := parseLiveAlerts([]byte(m.Body))
		if len(as) != 1 {
			t.Errorf("syslog message is not one alert: %q", m.Body)
			continue
		}
		if k := key(as[0]); inFile[k] > 0 {
			inFile[k]--
		} else {
			t.Errorf("collector got an alert the file lacks, or got it twice: %s", k)
		}
	}
}
