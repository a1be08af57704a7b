// Package fingerprint holds the database of scanner header fingerprints and
// matches probes against it: the design document's weighted header score
// (window, MSS, window scale, option order) plus each tool's exact rules.
package fingerprint

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"scanguard/record"
)

//go:embed fingerprints.yaml
var defaultYAML []byte

// Errors returned when loading a database.
var (
	// ErrEmpty means the database has no entries.
	ErrEmpty = errors.New("fingerprint database has no entries")
	// ErrTooMany means the database has more entries than a Match can name.
	ErrTooMany = errors.New("fingerprint database has more than 127 entries")
)

// Weights are the points each header field earns when it has the expected
// value. The design document's values are 30, 20, 25 and 25.
type Weights struct {
	Window  int `yaml:"window"`
	MSS     int `yaml:"mss"`
	WScale  int `yaml:"wscale"`
	Options int `yaml:"options"`
}

// Scoring is the database's scoring block.
type Scoring struct {
	Weights Weights `yaml:"weights"`
	// Match is the score at which a probe matches an entry (60 in the
	// design document).
	Match int `yaml:"match"`
}

// EntrySpec is one database entry as written in YAML.
type EntrySpec struct {
	Name     string   `yaml:"name"`
	Tool     string   `yaml:"tool"`
	Versions string   `yaml:"versions"`
	Probes   []string `yaml:"probes"`
	Window   []int    `yaml:"window"`
	MSS      string   `yaml:"mss"`
	WScale   string   `yaml:"wscale"`
	Options  *string  `yaml:"options"`
	TTL      []int    `yaml:"ttl"`
	DF       *bool    `yaml:"df"`
	IPID     string   `yaml:"ipid"`
	Seq      string   `yaml:"seq"`
	Require  []string `yaml:"require"`
}

// Spec is a whole database as written in YAML.
type Spec struct {
	Scoring Scoring     `yaml:"scoring"`
	Entries []EntrySpec `yaml:"entries"`
}

// DB is a compiled fingerprint database. It is read-only after Load and may
// be shared by every worker.
type DB struct {
	scoring Scoring
	entries []entry
}

// Default returns the database shipped with scanguard.
func Default() *DB {
	db, err := Parse(defaultYAML)
	if err != nil {
		panic("shipped fingerprint database: " + err.Error())
	}
	return db
}

// Load reads and compiles the database at path.
func Load(path string) (*DB, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load fingerprint database: %w", err)
	}
	db, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("load fingerprint database %s: %w", path, err)
	}
	return db, nil
}

// Parse compiles a database from YAML. Unknown keys are rejected, and every
// problem is reported with its entry's position.
func Parse(b []byte) (*DB, error) {
	var spec Spec
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return Compile(spec)
}

// Compile checks a Spec and builds the DB.
func Compile(spec Spec) (*DB, error) {
	var errs []error
	w := spec.Scoring.Weights
	sum := w.Window + w.MSS + w.WScale + w.Options
	switch {
	case w.Window < 0 || w.MSS < 0 || w.WScale < 0 || w.Options < 0:
		errs = append(errs, errors.New("scoring.weights: must be >= 0"))
	case sum == 0:
		errs = append(errs, errors.New("scoring.weights: must not all be 0"))
	case spec.Scoring.Match > sum:
		// A probe scores at most the sum: no entry could ever match.
		errs = append(errs, fmt.Errorf("scoring.match: %d is more than the weights' sum %d",
			spec.Scoring.Match, sum))
	}
	if spec.Scoring.Match <= 0 {
		errs = append(errs, errors.New("scoring.match: must be > 0"))
	}
	if len(spec.Entries) == 0 {
		errs = append(errs, ErrEmpty)
	}
	if len(spec.Entries) > 127 {
		errs = append(errs, ErrTooMany)
	}
	db := &DB{scoring: spec.Scoring}
	for i, es := range spec.Entries {
		e, err := compileEntry(es)
		if err != nil {
			errs = append(errs, fmt.Errorf("entries[%d] (%s): %w", i, es.Name, err))
			continue
		}
		db.entries = append(db.entries, e)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return db, nil
}

// Len returns the number of entries.
func (db *DB) Len() int { return len(db.entries) }

// Scoring returns the database's scoring block.
func (db *DB) Scoring() Scoring { return db.scoring }

// Name returns entry i's name, or "" when i is out of range.
func (db *DB) Name(i int) string {
	if i < 0 || i >= len(db.entries) {
		return ""
	}
	return db.entries[i].name
}

// Tool returns the tool entry i names, or "" when i is out of range.
func (db *DB) Tool(i int) string {
	if i < 0 || i >= len(db.entries) {
		return ""
	}
	return db.entries[i].tool
}

// Versions returns the version range of entry i, or "".
func (db *DB) Versions(i int) string {
	if i < 0 || i >= len(db.entries) {
		return ""
	}
	return db.entries[i].versions
}

// HasPairRelation reports whether entry i's exact relation compares a probe
// with the previous one (and so needs the source's detail state).
func (db *DB) HasPairRelation(i int) bool {
	return i >= 0 && i < len(db.entries) && db.entries[i].seqRel == seqConstant
}

func parseExpect(s string) (kind uint8, val int, err error) {
	switch s {
	case "", "any":
		return expectAny, 0, nil
	case "none":
		return expectNone, 0, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > 65535 {
		return 0, 0, fmt.Errorf("%q is not none, any or a number", s)
	}
	return expectValue, v, nil
}

// Applies reports whether entry i covers r's kind of probe.
func (db *DB) Applies(i int, r *record.Record) bool {
	return i >= 0 && i < len(db.entries) && db.entries[i].probes&probeClass(r) != 0
}

// RelationOnSeq reports whether entry i's exact relation is on the sequence
// number rather than the IP ID.
func (db *DB) RelationOnSeq(i int) bool {
	return i >= 0 && i < len(db.entries) && db.entries[i].seqRel != seqAny
}
