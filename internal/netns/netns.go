// Package netns runs code inside a named network namespace (one that
// `ip netns add` made under /run/netns), so that a test in the host's
// namespace can open sockets where the process it talks to runs.
package netns

import "errors"

// Dir is where `ip netns` keeps its named namespaces.
const Dir = "/run/netns"

// Errors returned by this package; callers test them with errors.Is.
var (
	// ErrUnsupported is returned on systems without network namespaces.
	ErrUnsupported = errors.New("network namespaces are not supported here")
)
