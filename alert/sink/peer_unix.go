//go:build unix

package sink

import (
	"errors"
	"syscall"
)

// peerClosed reports whether a stream collector has hung up. A collector
// never sends, so a read that finds end of stream or an error other than
// "nothing to read" means the peer is gone, and writing on would hand the
// message to a dead socket: the kernel accepts the first write after the
// peer's FIN and only the peer's reset answers it.
//
// The read is one non-blocking read(2) on the socket itself: a read
// through net.Conn with a deadline already passed returns a timeout
// without ever asking the kernel.
func (t *netTransport) peerClosed() bool {
	sc, ok := t.conn.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	gone := false
	err = rc.Read(func(fd uintptr) bool {
		n, rerr := syscall.Read(int(fd), t.peek[:])
		switch {
		case rerr == nil:
			gone = n == 0
		case errors.Is(rerr, syscall.EAGAIN), errors.Is(rerr, syscall.EINTR):
		default:
			gone = true
		}
		return true // never wait for the socket to become readable
	})
	return gone || err != nil
}
