package sink

import (
	"context"
	"testing"
	"time"
)

// TestSyslogCollectorHungUp checks that an alert sent after a stream
// collector closed an idle connection is not written into the dead socket
// and counted as sent, but held and delivered once the collector is back.
func TestSyslogCollectorHungUp(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			rcv := newReceiver(t, network, listenAddress(t, network), FormatRFC5424,
				FramingOctetCounting)
			s, err := Open(syslogConfig(network, rcv.Addr(), FormatRFC5424, FramingOctetCounting))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close(context.Background())
			s.Send(testMessage(0))
			rcv.WaitFor(5*time.Second, "the first alert", func(m []received) bool {
				return len(m) == 1
			})

			// The collector goes away while the connection is idle; its
			// end of stream reaches the sink before the next alert.
			rcv.Kill()
			time.Sleep(20 * time.Millisecond)
			s.Send(testMessage(1))
			if !waitStats(s, func(st Stats) bool { return st.Errors > 0 }) {
				t.Fatalf("no failure counted after the collector hung up: %+v", s.Stats())
			}
			if st := s.Stats(); st.Sent != 1 {
				t.Fatalf("stats %+v: the alert sent after the hang-up counted as sent", st)
			}

			rcv.Restart()
			msgs := rcv.WaitFor(5*time.Second, "the alert sent while the collector was away",
				func(m []received) bool { return len(m) == 2 })
			if seq := seqOf(t, msgs[1].Body); seq != 1 {
				t.Errorf("second message carries alert %d, want 1", seq)
			}
			waitStats(s, func(st Stats) bool { return st.Sent == 2 })
			if st := s.Stats(); st.Sent != 2 || st.Dropped != 0 || st.Reconnects != 1 {
				t.Errorf("stats %+v, want 2 sent, none dropped, 1 reconnect", st)
			}
		})
	}
}

// waitStats polls the sink's counters until cond holds, for up to 5s.
func waitStats(s *Sink, cond func(Stats) bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond(s.Stats()) {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return cond(s.Stats())
}
