//go:build !unix

package sink

// peerClosed reports whether a stream collector has hung up. Without a
// non-blocking read on the socket it cannot tell, so a collector that went
// away is noticed only when a write fails, and the message written first
// after its end of stream is lost.
func (t *netTransport) peerClosed() bool { return false }
