//go:build !linux

package netns

// Do returns ErrUnsupported: only Linux has network namespaces.
func Do(name string, fn func() error) error { return ErrUnsupported }
