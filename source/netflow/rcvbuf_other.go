//go:build !linux

package netflow

import "net"

// setReadBuffer sizes the socket's receive buffer, as far as the system
// allows.
func setReadBuffer(conn *net.UDPConn, n int) error { return conn.SetReadBuffer(n) }
