package netflow

import (
	"net"

	"golang.org/x/sys/unix"
)

// setReadBuffer sizes the socket's receive buffer. SO_RCVBUFFORCE lets a
// privileged collector pass the kernel's net.core.rmem_max; without the
// privilege the request falls back to SO_RCVBUF, which the kernel caps.
func setReadBuffer(conn *net.UDPConn, n int) error {
	rc, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n)
	}); err != nil {
		return err
	}
	if serr != nil {
		return conn.SetReadBuffer(n)
	}
	return nil
}
