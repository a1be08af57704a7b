//go:build dpdk

package dpdk

import (
	"testing"
	"unsafe"

	"scanguard/record"
)

// The C loops write records straight into memory the Go side reads as
// record.Record, so both layouts must agree to the byte.
func TestRecordLayoutMatchesC(t *testing.T) {
	var r record.Record
	goOff := []struct {
		field string
		off   uintptr
		want  uintptr // the offset record.Record is documented to have
	}{
		{"TsNs", unsafe.Offsetof(r.TsNs), 0},
		{"SrcIP", unsafe.Offsetof(r.SrcIP), 8},
		{"DstIP", unsafe.Offsetof(r.DstIP), 12},
		{"SrcPort", unsafe.Offsetof(r.SrcPort), 16},
		{"DstPort", unsafe.Offsetof(r.DstPort), 18},
		{"Seq", unsafe.Offsetof(r.Seq), 20},
		{"OptKinds", unsafe.Offsetof(r.OptKinds), 24},
		{"IPID", unsafe.Offsetof(r.IPID), 28},
		{"Window", unsafe.Offsetof(r.Window), 30},
		{"MSS", unsafe.Offsetof(r.MSS), 32},
		{"TTL", unsafe.Offsetof(r.TTL), 34},
		{"Flags", unsafe.Offsetof(r.Flags), 35},
		{"WScale", unsafe.Offsetof(r.WScale), 36},
		{"Proto", unsafe.Offsetof(r.Proto), 37},
		{"Meta", unsafe.Offsetof(r.Meta), 38},
		{"Family", unsafe.Offsetof(r.Family), 39},
		{"size", unsafe.Sizeof(r), 40},
	}
	cOff := cRecordOffsets()
	if len(cOff) != len(goOff) {
		t.Fatalf("C reports %d offsets, Go has %d fields", len(cOff), len(goOff))
	}
	for i, f := range goOff {
		t.Run(f.field, func(t *testing.T) {
			if f.off != f.want {
				t.Errorf("Go offset = %d, want %d", f.off, f.want)
			}
			if cOff[i] != f.off {
				t.Errorf("C offset = %d, Go offset = %d", cOff[i], f.off)
			}
		})
	}
}
