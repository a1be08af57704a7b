package config

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// decodeStrict decodes b over c and returns every problem it finds, each
// with its line and YAML path: unknown keys (removed before decoding, so
// that one misspelt key does not hide the rest of the file) and values of
// the wrong type. A syntax error stops it, as nothing after it can be read.
func decodeStrict(b []byte, c *Config) []error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return []error{fmt.Errorf("decode: %w", err)}
	}
	if len(doc.Content) == 0 {
		return nil // an empty file keeps every default
	}
	w := walker{lines: map[int]string{}}
	w.walk(doc.Content[0], reflect.TypeOf(c).Elem(), "")
	errs := w.errs

	if err := doc.Content[0].Decode(c); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return append(errs, fmt.Errorf("decode: %w", err))
		}
		for _, msg := range te.Errors {
			errs = append(errs, errors.New(w.withPath(msg)))
		}
	}
	return errs
}

// walker checks a YAML tree against the Go type it decodes into.
type walker struct {
	errs  []error
	lines map[int]string // line of a value -> its YAML path
}

var durationType = reflect.TypeOf(time.Duration(0))

func (w *walker) walk(n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if _, ok := w.lines[n.Line]; !ok && path != "" {
		w.lines[n.Line] = path
	}
	switch {
	case t == durationType:
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		w.mapping(n, t, path)
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) &&
		n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			w.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.walk(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
		}
	}
}

// mapping checks every key of n against the yaml tags of struct t and
// drops the unknown ones from the tree.
func (w *walker) mapping(n *yaml.Node, t reflect.Type, path string) {
	fields := yamlFields(t)
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		ft, ok := fields[k.Value]
		if !ok {
			w.errs = append(w.errs, fmt.Errorf("line %d: %s: unknown key%s", k.Line, p,
				suggest(k.Value, fields)))
			continue
		}
		w.lines[k.Line] = p
		w.walk(v, ft, p)
		kept = append(kept, k, v)
	}
	n.Content = kept
}

// yamlFields maps the YAML keys of struct t, inlined structs included, to
// their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				m[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

// suggest names the known key closest to a misspelt one.
func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if d := distance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the edit distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var lineRE = regexp.MustCompile(`^line (\d+): `)

// withPath inserts the YAML path of the value on a message's line.
func (w *walker) withPath(msg string) string {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	line, _ := strconv.Atoi(m[1])
	if p, ok := w.lines[line]; ok {
		return fmt.Sprintf("line %d: %s: %s", line, p, msg[len(m[0]):])
	}
	return msg
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
