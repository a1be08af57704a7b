package detector

import (
	"testing"
	"unsafe"
)

// The design budgets 32 bytes of hot state per source: eight sources to a
// 256-byte bucket, a million sources in 32 MiB. A field added to hot must
// replace another, never grow it.
func TestHotStateSize(t *testing.T) {
	tests := []struct {
		name string
		got  uintptr
		want uintptr
	}{
		{"unsafe.Sizeof(hot{})", unsafe.Sizeof(hot{}), 32},
		{"HotBytes", uintptr(HotBytes), 32},
		{"bucket", unsafe.Sizeof([bucketSlots]hot{}), 256},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %d bytes, want %d", tc.got, tc.want)
			}
		})
	}
}

// Config.MaxSuspects is documented at about 4 KiB per suspect; a larger
// detail entry would make the configured cap lie about memory.
func TestDetailStateSize(t *testing.T) {
	if got, limit := DetailBytes, 4096; got <= 0 || got > limit {
		t.Errorf("DetailBytes = %d, want within 1..%d", got, limit)
	}
}
