package record

import "testing"

func TestRecordSize(t *testing.T) {
	if Size != 40 {
		t.Fatalf("Record is %d bytes, want 40", Size)
	}
}
