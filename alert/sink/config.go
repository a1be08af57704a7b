package sink

import (
	"errors"
	"fmt"
	"time"
)

// Sink types, the values of Config.Type.
const (
	TypeStdout = "stdout" // JSON lines on standard output
	TypeFile   = "file"   // JSON lines appended to a file, reopened on demand
	TypeSyslog = "syslog" // syslog messages carrying the alert JSON
)

// Syslog formats, the values of Config.Format.
const (
	FormatRFC5424 = "rfc5424"
	FormatRFC3164 = "rfc3164"
)

// Stream framings (RFC 6587), the values of Config.Framing.
const (
	FramingOctetCounting  = "octet_counting"  // "LEN SP MSG", section 3.4.1
	FramingNonTransparent = "non_transparent" // MSG LF, section 3.4.2
)

// Config describes one sink.
type Config struct {
	// Name labels the sink in metrics; empty means Type and Address.
	Name string `yaml:"name"`
	// Type is stdout, file or syslog.
	Type string `yaml:"type"`
	// Path is the file a file sink appends to.
	Path string `yaml:"path"`
	// Format is the syslog format: rfc5424 or rfc3164.
	Format string `yaml:"format"`
	// Network is udp, tcp, unix (stream) or unixgram.
	Network string `yaml:"network"`
	// Address is host:port for udp and tcp, a socket path for unix ones.
	Address string `yaml:"address"`
	// Framing is how messages are delimited on stream networks.
	Framing string `yaml:"framing"`
	// Facility is the syslog facility name: kern … local7.
	Facility string `yaml:"facility"`
	// Hostname is the syslog HOSTNAME; empty means the machine's name.
	Hostname string `yaml:"hostname"`
	// AppName is the syslog APP-NAME (RFC 5424) or TAG (RFC 3164).
	AppName string `yaml:"app_name"`
	// QueueSize is how many alerts wait for the sink before new ones are
	// dropped.
	QueueSize int `yaml:"queue_size"`
	// DialTimeout bounds one connection attempt.
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// WriteTimeout bounds one write to a network collector.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// BackoffMin is the first wait after a failure; it doubles up to
	// BackoffMax while the collector stays away.
	BackoffMin time.Duration `yaml:"backoff_min"`
	BackoffMax time.Duration `yaml:"backoff_max"`
}

// Default returns a JSON-lines sink on standard output with the defaults
// every other type uses too: RFC 5424 over UDP with octet counting on
// streams, facility local0, a queue of 4096, back-off from 100ms to 30s.
func Default() Config {
	return Config{
		Type:         TypeStdout,
		Format:       FormatRFC5424,
		Network:      "udp",
		Framing:      FramingOctetCounting,
		Facility:     "local0",
		AppName:      "scanguard",
		QueueSize:    4096,
		DialTimeout:  5 * time.Second,
		WriteTimeout: 5 * time.Second,
		BackoffMin:   100 * time.Millisecond,
		BackoffMax:   30 * time.Second,
	}
}

// Validate reports every problem in c, with YAML paths under "sink".
func (c *Config) Validate() error { return c.ValidateAt("sink") }

// ValidateAt reports every problem in c, with YAML paths under at, such as
// "alert.sinks[1]".
func (c *Config) ValidateAt(at string) error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: "+format, append([]any{at, path}, args...)...))
	}
	switch c.Type {
	case TypeStdout:
	case TypeFile:
		if c.Path == "" {
			bad("path", "must be set for a file sink")
		}
	case TypeSyslog:
		if c.Format != FormatRFC5424 && c.Format != FormatRFC3164 {
			bad("format", "must be rfc5424 or rfc3164, got %q", c.Format)
		}
		switch c.Network {
		case "udp", "tcp", "unix", "unixgram":
		default:
			bad("network", "must be udp, tcp, unix or unixgram, got %q", c.Network)
		}
		if c.Address == "" {
			bad("address", "must be set for a syslog sink")
		}
		if c.Framing != FramingOctetCounting && c.Framing != FramingNonTransparent {
			bad("framing", "must be octet_counting or non_transparent, got %q", c.Framing)
		}
		if _, ok := facilities[c.Facility]; !ok {
			bad("facility", "unknown facility %q", c.Facility)
		}
		if c.AppName == "" || len(c.AppName) > 32 || !printable(c.AppName) {
			bad("app_name", "must be 1-32 printable ASCII characters, got %q", c.AppName)
		}
		if len(c.Hostname) > 255 || !printable(c.Hostname) {
			bad("hostname", "must be at most 255 printable ASCII characters")
		}
	default:
		bad("type", "must be stdout, file or syslog, got %q", c.Type)
	}
	if c.QueueSize <= 0 {
		bad("queue_size", "must be > 0, got %d", c.QueueSize)
	}
	if c.DialTimeout <= 0 {
		bad("dial_timeout", "must be > 0, got %v", c.DialTimeout)
	}
	if c.WriteTimeout <= 0 {
		bad("write_timeout", "must be > 0, got %v", c.WriteTimeout)
	}
	if c.BackoffMin <= 0 {
		bad("backoff_min", "must be > 0, got %v", c.BackoffMin)
	}
	if c.BackoffMax < c.BackoffMin {
		bad("backoff_max", "must be >= backoff_min, got %v", c.BackoffMax)
	}
	return errors.Join(errs...)
}

// label is the sink's name in metrics.
func (c *Config) label() string {
	switch {
	case c.Name != "":
		return c.Name
	case c.Type == TypeFile:
		return "file:" + c.Path
	case c.Type == TypeSyslog:
		return "syslog:" + c.Network + ":" + c.Address
	}
	return c.Type
}

// printable reports whether s is printable US-ASCII without spaces, as
// RFC 5424 section 6 requires of header fields.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return true
}
