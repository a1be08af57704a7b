package sink

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var alertTime = time.Date(2026, 4, 16, 10, 30, 45, 123_000_000, time.UTC)

// testMessage is alert number i: a JSON body that names its number.
func testMessage(i int) Message {
	body := fmt.Sprintf(`{"alert_type":"MASSCAN_SCAN","confidence":92,"seq":%d,`+
		`"source":{"ip":"192.0.2.1","port_range":"32768-60999"}}`, i)
	return Message{Time: alertTime, Severity: SevCritical, MsgID: "MASSCAN_SCAN", Body: []byte(body)}
}

func TestSyslogFormat(t *testing.T) {
	m := testMessage(7)
	tests := []struct {
		name string
		h    syslogHeader
		want string
	}{
		{
			"rfc5424",
			syslogHeader{facility: 16, hostname: "probe-1", appName: "scanguard", procID: "42"},
			"<130>1 2026-04-16T10:30:45.123Z probe-1 scanguard 42 MASSCAN_SCAN - " + string(m.Body),
		},
		{
			"rfc3164",
			syslogHeader{
				rfc3164: true, facility: 4, hostname: "probe-1", appName: "scanguard", procID: "42",
			},
			"<34>Apr 16 10:30:45 probe-1 scanguard[42]: " + string(m.Body),
		},
		{
			"rfc3164 local",
			syslogHeader{
				rfc3164: true, local: true, facility: 4,
				hostname: "probe-1", appName: "scanguard", procID: "42",
			},
			"<34>Apr 16 10:30:45 scanguard[42]: " + string(m.Body),
		},
		{
			"rfc5424 empty fields",
			syslogHeader{facility: 23, appName: "scan guard"},
			"<186>1 2026-04-16T10:30:45.123Z - scanguard - MASSCAN_SCAN - " + string(m.Body),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.h.appendMessage(nil, &m)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestFrame(t *testing.T) {
	got := string(appendFrame(nil, []byte("<1>1 - - - - - x"), FramingOctetCounting))
	if want := "16 <1>1 - - - - - x"; got != want {
		t.Errorf("octet counting: got %q, want %q", got, want)
	}
	if got, want := string(appendFrame(nil, []byte("a"), FramingNonTransparent)), "a\n"; got != want {
		t.Errorf("non-transparent: got %q, want %q", got, want)
	}
}

// syslogConfig returns a config for a collector at network and address.
func syslogConfig(network, address, format, framing string) Config {
	c := Default()
	c.Type = TypeSyslog
	c.Network, c.Address, c.Format, c.Framing = network, address, format, framing
	c.Hostname = "probe-1"
	c.Facility = "local4"
	c.BackoffMin = 5 * time.Millisecond
	c.BackoffMax = 50 * time.Millisecond
	c.WriteTimeout = time.Second
	return c
}

// listenAddress returns an address to listen on for network.
func listenAddress(t *testing.T, network string) string {
	if network == "udp" || network == "tcp" {
		return "127.0.0.1:0"
	}
	return filepath.Join(t.TempDir(), "collector.sock")
}

// seqOf returns the "seq" of an alert body, or -1.
func seqOf(t *testing.T, body string) int {
	var v struct {
		Seq *int `json:"seq"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Seq == nil {
		t.Errorf("message body is not the alert JSON: %v: %q", err, body)
		return -1
	}
	return *v.Seq
}

func TestSyslogDelivery(t *testing.T) {
	const n = 200
	type tcase struct{ network, format, framing string }
	var cases []tcase
	for _, network := range []string{"udp", "tcp", "unix", "unixgram"} {
		for _, format := range []string{FormatRFC5424, FormatRFC3164} {
			cases = append(cases, tcase{network, format, FramingOctetCounting})
			if network == "tcp" {
				cases = append(cases, tcase{network, format, FramingNonTransparent})
			}
		}
	}
	for _, tc := range cases {
		t.Run(tc.network+"/"+tc.format+"/"+tc.framing, func(t *testing.T) {
			rcv := newReceiver(t, tc.network, listenAddress(t, tc.network), tc.format, tc.framing)
			s, err := Open(syslogConfig(tc.network, rcv.Addr(), tc.format, tc.framing))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			for i := range n {
				if !s.Send(testMessage(i)) {
					t.Fatalf("Send %d dropped with an empty collector queue", i)
				}
				if tc.network == "udp" && i%50 == 49 {
					// Loopback UDP drops past the socket buffer; pace a
					// little as a real alert stream would be.
					time.Sleep(5 * time.Millisecond)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Close(ctx); err != nil {
				t.Fatalf("Close: %v", err)
			}

			msgs := rcv.WaitFor(5*time.Second, "every alert", func(m []received) bool { return len(m) >= n })
			_, perr := rcv.Messages()
			if len(perr) > 0 {
				t.Fatalf("collector could not parse %d messages, first: %v", len(perr), perr[0])
			}
			seen := make(map[int]bool)
			for _, m := range msgs {
				seen[seqOf(t, m.Body)] = true
				if m.Facility != 20 || m.Severity != SevCritical {
					t.Errorf("facility %d severity %d, want 20 and 2", m.Facility, m.Severity)
				}
				local := tc.format == FormatRFC3164 && strings.HasPrefix(tc.network, "unix")
				if !local && m.Hostname != "probe-1" || m.AppName != "scanguard" || m.ProcID == "" {
					t.Errorf("header host %q app %q proc %q", m.Hostname, m.AppName, m.ProcID)
				}
				if tc.format == FormatRFC5424 {
					if m.MsgID != "MASSCAN_SCAN" || !m.Time.Equal(alertTime) {
						t.Errorf("msgid %q time %v, want MASSCAN_SCAN and %v", m.MsgID, m.Time, alertTime)
					}
				}
			}
			for i := range n {
				if !seen[i] {
					t.Errorf("alert %d never arrived", i)
				}
			}
			st := s.Stats()
			if st.Sent != n || st.Dropped != 0 || st.Lost != 0 {
				t.Errorf("stats %+v, want %d sent and nothing dropped or lost", st, n)
			}
		})
	}
}

func TestSyslogCollectorRestart(t *testing.T) {
	for _, network := range []string{"udp", "tcp", "unix", "unixgram"} {
		t.Run(network, func(t *testing.T) {
			rcv := newReceiver(t, network, listenAddress(t, network), FormatRFC5424, FramingOctetCounting)
			cfg := syslogConfig(network, rcv.Addr(), FormatRFC5424, FramingOctetCounting)
			cfg.QueueSize = 16
			s, err := Open(cfg)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close(context.Background())
			seq := 0
			send := func() {
				start := time.Now()
				s.Send(testMessage(seq))
				seq++
				if d := time.Since(start); d > 50*time.Millisecond {
					t.Errorf("Send blocked for %v", d)
				}
			}

			// Up: everything arrives.
			for range 10 {
				send()
			}
			rcv.WaitFor(5*time.Second, "the first 10", func(m []received) bool { return len(m) >= 10 })

			// Down: Send goes on returning at once, and the full queue
			// counts drops.
			rcv.Kill()
			for i := 0; s.Stats().Dropped == 0; i++ {
				if i > 2000 {
					t.Fatalf("no drop counted while the collector was down: %+v", s.Stats())
				}
				send()
				time.Sleep(time.Millisecond)
			}
			down := s.Stats()

			// Back: delivery resumes on its own.
			rcv.Restart()
			firstAfter := seq
			deadline := time.Now().Add(10 * time.Second)
			for {
				send()
				msgs, _ := rcv.Messages()
				if slicesContainsSeqAtLeast(t, msgs[10:], firstAfter) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("delivery did not resume: %+v", s.Stats())
				}
				time.Sleep(5 * time.Millisecond)
			}
			up := s.Stats()
			if up.Reconnects == 0 || up.Errors == 0 {
				t.Errorf("stats after restart %+v: want reconnects and errors counted", up)
			}
			if up.Dropped < down.Dropped || !up.Connected {
				t.Errorf("stats after restart %+v", up)
			}
			if _, perr := rcv.Messages(); len(perr) > 0 {
				t.Errorf("collector could not parse a message: %v", perr[0])
			}
		})
	}
}

// slicesContainsSeqAtLeast reports whether a message with seq >= n arrived.
func slicesContainsSeqAtLeast(t *testing.T, msgs []received, n int) bool {
	for _, m := range msgs {
		if seqOf(t, m.Body) >= n {
			return true
		}
	}
	return false
}

func TestCloseDeadlineWithCollectorDown(t *testing.T) {
	cfg := syslogConfig("tcp", "127.0.0.1:1", FormatRFC5424, FramingOctetCounting)
	cfg.Address = "127.0.0.1:" + strconv.Itoa(closedPort(t))
	s, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for i := range 10 {
		s.Send(testMessage(i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Close(ctx)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Close took %v past a 150ms deadline", took)
	}
	if err == nil {
		t.Fatal("Close returned nil with every message undelivered")
	}
	st := s.Stats()
	if st.Lost != 10 || st.Sent != 0 {
		t.Errorf("stats %+v, want 10 lost", st)
	}
	if s.Send(testMessage(99)) {
		t.Error("Send after Close was accepted")
	}
}

// closedPort returns a loopback TCP port nobody listens on.
func closedPort(t *testing.T) int {
	rcv := newReceiver(t, "tcp", "127.0.0.1:0", FormatRFC5424, FramingOctetCounting)
	rcv.Kill()
	_, port, err := net.SplitHostPort(rcv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(port)
	return n
}
