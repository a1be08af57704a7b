package sink

import (
	"strconv"
	"time"
)

// Syslog severities (RFC 5424 section 6.2.1), the values of
// Message.Severity.
const (
	SevEmergency = 0
	SevAlert     = 1
	SevCritical  = 2
	SevError     = 3
	SevWarning   = 4
	SevNotice    = 5
	SevInfo      = 6
	SevDebug     = 7
)

// facilities maps facility names to their codes (RFC 5424 table 1).
var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5,
	"lpr": 6, "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"ntp": 12, "security": 13, "console": 14, "solaris-cron": 15,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// syslogHeader writes syslog headers for one configured sink.
type syslogHeader struct {
	rfc3164 bool
	// local leaves HOSTNAME out of RFC 3164 messages, as the C library
	// does on /dev/log: a local daemon adds its own name and, by default,
	// would read ours as the tag.
	local    bool
	facility int
	hostname string
	appName  string
	procID   string
}

// appendMessage appends the syslog message for m to buf, unframed.
//
// RFC 5424: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG". The
// message is sent as MSG-ANY, without a byte-order mark, so that collectors
// can hand it straight to a JSON parser. The timestamp is the alert's, in
// UTC with milliseconds.
//
// RFC 3164: "<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG", the timestamp in
// UTC since the format cannot carry a zone, and no HOSTNAME on a Unix
// socket.
func (h *syslogHeader) appendMessage(buf []byte, m *Message) []byte {
	sev := int(m.Severity)
	if sev < 0 || sev > SevDebug {
		sev = SevInfo
	}
	buf = append(buf, '<')
	buf = strconv.AppendInt(buf, int64(h.facility*8+sev), 10)
	buf = append(buf, '>')
	t := m.Time.UTC()
	if h.rfc3164 {
		buf = t.AppendFormat(buf, time.Stamp)
		buf = append(buf, ' ')
		if !h.local {
			buf = append(buf, h.hostname...)
			buf = append(buf, ' ')
		}
		buf = append(buf, h.appName...)
		buf = append(buf, '[')
		buf = append(buf, h.procID...)
		buf = append(buf, "]: "...)
		return append(buf, m.Body...)
	}
	buf = append(buf, "1 "...)
	if m.Time.IsZero() {
		buf = append(buf, '-')
	} else {
		buf = t.AppendFormat(buf, "2006-01-02T15:04:05.000Z07:00")
	}
	buf = append(buf, ' ')
	buf = appendField(buf, h.hostname, 255)
	buf = append(buf, ' ')
	buf = appendField(buf, h.appName, 48)
	buf = append(buf, ' ')
	buf = appendField(buf, h.procID, 128)
	buf = append(buf, ' ')
	buf = appendField(buf, m.MsgID, 32)
	buf = append(buf, " - "...)
	return append(buf, m.Body...)
}

// appendFrame appends msg framed for a stream (RFC 6587 section 3.4).
func appendFrame(buf, msg []byte, framing string) []byte {
	if framing == FramingNonTransparent {
		buf = append(buf, msg...)
		return append(buf, '\n')
	}
	buf = strconv.AppendInt(buf, int64(len(msg)), 10)
	buf = append(buf, ' ')
	return append(buf, msg...)
}

// appendField appends a header field: "-" when empty, otherwise its
// printable characters, cut to limit.
func appendField(buf []byte, s string, limit int) []byte {
	n := 0
	for i := 0; i < len(s) && n < limit; i++ {
		if s[i] >= 33 && s[i] <= 126 {
			buf = append(buf, s[i])
			n++
		}
	}
	if n == 0 {
		buf = append(buf, '-')
	}
	return buf
}
