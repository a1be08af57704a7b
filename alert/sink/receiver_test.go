package sink

import (
	"testing"

	"scanguard/internal/testsyslog"
)

// received is one message as the collector parsed it.
type received = testsyslog.Message

// newReceiver starts a syslog collector for a sink configured with format
// and framing. For udp and tcp address may be "127.0.0.1:0"; the bound
// address is kept for restarts.
func newReceiver(t *testing.T, network, address, format, framing string) *testsyslog.Receiver {
	t.Helper()
	return testsyslog.Start(t, testsyslog.Config{
		Network: network, Address: address,
		RFC3164:        format == FormatRFC3164,
		NonTransparent: framing == FramingNonTransparent,
	})
}
