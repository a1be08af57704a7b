package fingerprint

import (
	"testing"
)

// TestCompileScoring checks the scoring block against what a probe can
// score: a match threshold above the weights' sum, or weights that are
// all zero, would silently turn matching off.
func TestCompileScoring(t *testing.T) {
	entries := []EntrySpec{{Name: "a", Tool: "x", Probes: []string{"syn"}}}
	full := Weights{Window: 30, MSS: 20, WScale: 25, Options: 25}
	tests := []struct {
		name    string
		scoring Scoring
		want    string
	}{
		{"the shipped scheme", Scoring{Weights: full, Match: 60}, ""},
		{"match at the sum", Scoring{Weights: full, Match: 100}, ""},
		{"match above the sum", Scoring{Weights: full, Match: 500},
			"scoring.match: 500 is more than the weights' sum 100"},
		{"no weights", Scoring{Match: 60}, "scoring.weights: must not all be 0"},
		{"negative weight", Scoring{Weights: Weights{Window: -40, MSS: 100}, Match: 60},
			"scoring.weights: must be >= 0"},
		{"zero match", Scoring{Weights: full}, "scoring.match: must be > 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(Spec{Scoring: tc.scoring, Entries: entries})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Compile = %q, want %q", got, tc.want)
			}
		})
	}
}
