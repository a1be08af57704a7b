package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// value checks a node that walk does not descend into (a scalar, or a
// node of another kind than t expects) by decoding it alone into a fresh
// t. Decoding it in place gives the error the node's own line, which a
// type with its own UnmarshalYAML (a sink) would otherwise lose, and the
// default stays when the caller drops the node. On top of what yaml.v3
// refuses, it rejects what it lets through: a fraction in an integer
// field (truncated by the decoder) and NaN or an infinity anywhere.
func (w *walker) value(n *yaml.Node, t reflect.Type, path string) bool {
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		w.fail(n, path, decodeMessage(err))
		return false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!float" {
		return true
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		return true // not a number after all: nothing more to check
	}
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		w.fail(n, path, fmt.Sprintf("must be a finite number, got %s", n.Value))
		return false
	case isInteger(t.Kind()) && f != math.Trunc(f):
		w.fail(n, path, fmt.Sprintf("must be a whole number, got %s", n.Value))
		return false
	}
	return true
}

// fail records a problem of node n at path.
func (w *walker) fail(n *yaml.Node, path, msg string) {
	if path == "" {
		w.errs = append(w.errs, fmt.Errorf("line %d: %s", n.Line, msg))
		return
	}
	w.errs = append(w.errs, fmt.Errorf("line %d: %s: %s", n.Line, path, msg))
}

// decodeMessage is the cause of a decoding error on one line, without the
// line numbers yaml.v3 puts in front of it.
func decodeMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = lineRE.ReplaceAllString(m, "")
		}
		return strings.Join(msgs, "; ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// isInteger reports whether k is one of Go's integer kinds.
func isInteger(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr:
		return true
	}
	return false
}

// notUnder flattens the problems joined in err and leaves out those about
// a path in dropped or below it: a value rejected for its type has been
// reported already, and what Validate says of the default left in its
// place would only repeat it.
func notUnder(err error, dropped []string) []error {
	var out []error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		msg := e.Error()
		for _, p := range dropped {
			if rest, ok := strings.CutPrefix(msg, p); ok && rest != "" &&
				strings.ContainsRune(":.[", rune(rest[0])) {
				return
			}
		}
		out = append(out, e)
	}
	walk(err)
	return out
}
