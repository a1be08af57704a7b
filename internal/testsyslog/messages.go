package testsyslog

import (
	"errors"
	"io"
	"time"

	syslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

func (r *Receiver) add(m syslog.Message, err error) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && !errors.Is(err, io.EOF) {
		r.parseErr = append(r.parseErr, err)
		return
	}
	if m == nil {
		return
	}
	var base *syslog.Base
	switch mm := m.(type) {
	case *rfc5424.SyslogMessage:
		base = &mm.Base
	case *rfc3164.SyslogMessage:
		base = &mm.Base
	default:
		r.parseErr = append(r.parseErr, errors.New("unknown message type"))
		return
	}
	got := Message{Arrived: now}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	if base.Facility != nil {
		got.Facility = *base.Facility
	}
	if base.Severity != nil {
		got.Severity = *base.Severity
	}
	if base.Timestamp != nil {
		got.Time = *base.Timestamp
	}
	got.Hostname, got.AppName = str(base.Hostname), str(base.Appname)
	got.ProcID, got.MsgID, got.Body = str(base.ProcID), str(base.MsgID), str(base.Message)
	r.msgs = append(r.msgs, got)
	select {
	case r.arrived <- struct{}{}:
	default:
	}
}

// Messages returns a copy of what arrived so far and the parse errors.
func (r *Receiver) Messages() ([]Message, []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs...), append([]error(nil), r.parseErr...)
}

// WaitFor waits until cond holds on the messages and returns them, or
// fails the test after timeout; what names the wait in that failure.
func (r *Receiver) WaitFor(
	timeout time.Duration, what string, cond func([]Message) bool,
) []Message {
	r.t.Helper()
	deadline := time.After(timeout)
	for {
		msgs, _ := r.Messages()
		if cond(msgs) {
			return msgs
		}
		select {
		case <-r.arrived:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			r.t.Fatalf("syslog receiver: timed out waiting for %s; have %d messages",
				what, len(msgs))
		}
	}
}
