package sink

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// transport delivers encoded messages to one destination. Only the sink's
// worker calls open, write, flush and close; reopen and interrupt may be
// called from any goroutine.
type transport interface {
	// open connects or opens the destination.
	open() error
	// write delivers one message; an error means the destination is gone
	// and must be opened again.
	write(m *Message) error
	// flush pushes buffered bytes out.
	flush() error
	// close releases the destination.
	close() error
	// reopen closes and opens the destination again, for log rotation.
	reopen() error
	// interrupt makes a blocked write return soon.
	interrupt()
}

// lineTransport writes JSON lines to a writer it does not own.
type lineTransport struct {
	bw *bufio.Writer
}

func (t *lineTransport) open() error { return nil }

func (t *lineTransport) write(m *Message) error {
	t.bw.Write(m.Body)
	return t.bw.WriteByte('\n')
}

func (t *lineTransport) flush() error  { return t.bw.Flush() }
func (t *lineTransport) close() error  { return t.bw.Flush() }
func (t *lineTransport) reopen() error { return nil }
func (t *lineTransport) interrupt()    {}

// fileTransport appends JSON lines to a file, and reopens it by name when
// asked so that a rotated file is let go.
type fileTransport struct {
	path string
	mu   sync.Mutex
	f    *os.File
	bw   *bufio.Writer
}

func (t *fileTransport) open() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.openLocked()
}

func (t *fileTransport) openLocked() error {
	if t.f != nil {
		return nil
	}
	f, err := os.OpenFile(t.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("open alert file: %w", err)
	}
	t.f = f
	if t.bw == nil {
		t.bw = bufio.NewWriterSize(f, 64<<10)
	} else {
		t.bw.Reset(f)
	}
	return nil
}

func (t *fileTransport) write(m *Message) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.openLocked(); err != nil {
		return err
	}
	t.bw.Write(m.Body)
	if err := t.bw.WriteByte('\n'); err != nil {
		return t.dropLocked(fmt.Errorf("write alert file: %w", err))
	}
	return nil
}

func (t *fileTransport) flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.f == nil {
		return nil
	}
	if err := t.bw.Flush(); err != nil {
		return t.dropLocked(fmt.Errorf("flush alert file: %w", err))
	}
	return nil
}

func (t *fileTransport) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closeLocked()
}

func (t *fileTransport) closeLocked() error {
	if t.f == nil {
		return nil
	}
	err := t.bw.Flush()
	err = errors.Join(err, t.f.Close())
	t.f = nil
	return err
}

// dropLocked closes the file after a failed write so the next one reopens
// it; buffered bytes are lost with it.
func (t *fileTransport) dropLocked(err error) error {
	t.bw.Reset(io.Discard)
	t.f.Close()
	t.f = nil
	return err
}

func (t *fileTransport) reopen() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	cerr := t.closeLocked()
	return errors.Join(cerr, t.openLocked())
}

func (t *fileTransport) interrupt() {}

// netTransport sends syslog messages over UDP, TCP or a Unix socket.
type netTransport struct {
	network, address string
	framing          string
	dialTimeout      time.Duration
	writeTimeout     time.Duration
	header           syslogHeader

	mu   sync.Mutex // guards conn for interrupt
	conn net.Conn
	buf  []byte
	msg  []byte
	peek [1]byte
}

func (t *netTransport) stream() bool { return t.network == "tcp" || t.network == "unix" }

func (t *netTransport) open() error {
	if t.conn != nil {
		return nil
	}
	c, err := net.DialTimeout(t.network, t.address, t.dialTimeout)
	if err != nil {
		return fmt.Errorf("dial syslog collector: %w", err)
	}
	t.mu.Lock()
	t.conn = c
	t.mu.Unlock()
	return nil
}

func (t *netTransport) write(m *Message) error {
	if t.stream() && t.peerClosed() {
		t.close()
		return fmt.Errorf("write syslog: %w", ErrPeerClosed)
	}
	t.msg = t.header.appendMessage(t.msg[:0], m)
	out := t.msg
	if t.stream() {
		t.buf = appendFrame(t.buf[:0], t.msg, t.framing)
		out = t.buf
	}
	t.conn.SetWriteDeadline(time.Now().Add(t.writeTimeout))
	if _, err := t.conn.Write(out); err != nil {
		t.close()
		return fmt.Errorf("write syslog: %w", err)
	}
	return nil
}

func (t *netTransport) flush() error { return nil }

func (t *netTransport) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		return nil
	}
	err := t.conn.Close()
	t.conn = nil
	return err
}

func (t *netTransport) reopen() error { return nil }

func (t *netTransport) interrupt() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil {
		t.conn.SetDeadline(time.Now())
	}
}
