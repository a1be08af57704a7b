package alert

import "errors"

// Errors returned by this package; callers test them with errors.Is.
var (
	// ErrNotIPv4 is returned for a network that is not IPv4: verdicts are
	// only kept for IPv4 sources.
	ErrNotIPv4 = errors.New("not an IPv4 network")
	// ErrBadPorts is returned for a port list that does not parse.
	ErrBadPorts = errors.New("bad port list")
	// ErrClosed is returned by a Pipeline used after Close.
	ErrClosed = errors.New("alert pipeline closed")
)
