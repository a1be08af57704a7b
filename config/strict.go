package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeStrict decodes b over c and returns every problem it finds, each
// with its line and YAML path: unknown keys and values of the wrong type
// (both removed before decoding, so that one mistake does not hide the rest
// of the file and is reported once), and a second YAML document, which
// would otherwise be ignored. A syntax error stops it, as nothing after it
// can be read. dropped lists the paths of the values removed for their
// type, whose defaults Validate should not be blamed for.
func decodeStrict(b []byte, c *Config) (errs []error, dropped []string) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil // an empty file keeps every default
		}
		return []error{fmt.Errorf("decode: %w", err)}, nil
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	if err := onlyDocument(dec); err != nil {
		errs = append(errs, err)
	}
	w := walker{lines: map[int]string{}}
	ok := w.walk(doc.Content[0], reflect.TypeOf(c).Elem(), "")
	errs = append(errs, w.errs...)
	if !ok {
		return errs, nil // the file is not a mapping: nothing in it can be read
	}

	if err := doc.Content[0].Decode(c); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return append(errs, fmt.Errorf("decode: %w", err)), w.dropped
		}
		for _, msg := range te.Errors {
			errs = append(errs, errors.New(w.withPath(msg)))
		}
	}
	return errs, w.dropped
}

// onlyDocument reads what follows the first document: nothing, or empty
// documents (a trailing "---"). A second document with content is an
// error, since the decoder would read the first and ignore it.
func onlyDocument(dec *yaml.Decoder) error {
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("decode: %w", err)
		case !emptyDocument(&n):
			return fmt.Errorf("line %d: more than one YAML document; "+
				"a configuration is one document", n.Line)
		}
	}
}

// emptyDocument reports whether document n holds nothing but a null.
func emptyDocument(n *yaml.Node) bool {
	if len(n.Content) == 0 {
		return true
	}
	v := n.Content[0]
	return len(n.Content) == 1 && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null"
}

// walker checks a YAML tree against the Go type it decodes into.
type walker struct {
	errs    []error
	lines   map[int]string // line of a value -> its YAML path
	dropped []string       // paths of values removed for their type
}

// walk checks n against t and reports whether n may be decoded. A value of
// the wrong type is reported here and walk returns false, so that the
// caller drops it and the decoder leaves the default in place.
func (w *walker) walk(n *yaml.Node, t reflect.Type, path string) bool {
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
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		w.mapping(n, path, func(key string) (reflect.Type, bool) {
			ft, ok := fields[key]
			return ft, ok
		}, func(key string) string { return suggest(key, fields) })
		return true
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		w.mapping(n, path, func(string) (reflect.Type, bool) { return t.Elem(), true }, nil)
		return true
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) &&
		n.Kind == yaml.SequenceNode:
		// A bad item drops the whole list: dropping the item alone would
		// shift the indices of the items after it in later messages.
		ok := true
		for i, item := range n.Content {
			if !w.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)) {
				ok = false
			}
		}
		return ok
	}
	return w.value(n, t, path)
}

// mapping checks every key of n, dropping from the tree the unknown ones
// (field finds the type a key decodes into) and those whose value walk
// rejects. hint, when set, suggests a known key for an unknown one.
func (w *walker) mapping(n *yaml.Node, path string, field func(string) (reflect.Type, bool),
	hint func(string) string) {
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		ft, ok := field(k.Value)
		if !ok {
			w.errs = append(w.errs, fmt.Errorf("line %d: %s: unknown key%s", k.Line, p,
				hint(k.Value)))
			continue
		}
		w.lines[k.Line] = p
		if !w.walk(v, ft, p) {
			w.dropped = append(w.dropped, p)
			continue
		}
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
