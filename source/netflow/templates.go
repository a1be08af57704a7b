package netflow

import (
	"errors"
	"maps"

	"github.com/netsampler/goflow2/v2/decoders/netflow"
)

// Reasons a template is refused; the decoder counts them and drops the
// rest of the export packet.
var (
	errEmptyTemplate = errors.New("template with a zero-length field")
	errTooMany       = errors.New("too many templates for one exporter")
)

// templates is one exporter's template store. It stands in for goflow2's
// in-memory store with two differences: a bound on how many templates an
// exporter may define, and no template with a field of length zero. Such a
// field takes no bytes of a record, so a template of zero-length fields
// would never advance goflow2's data-set loop, and one of many zero-length
// fields and a single variable-length one would make every byte of a data
// set cost a record of thousands of fields. With every field taking at
// least a byte, decoding a packet allocates in proportion to its size. It
// is used by one goroutine, so it takes no lock.
type templates struct {
	m     map[uint64]any
	max   int
	added bool // a template arrived since the flag was last cleared
}

func newTemplates(max int) *templates {
	return &templates{m: make(map[uint64]any), max: max}
}

func templateKey(version uint16, obsDomain uint32, id uint16) uint64 {
	return uint64(version)<<48 | uint64(obsDomain)<<16 | uint64(id)
}

// AddTemplate stores a template. A template record without fields is an
// IPFIX withdrawal (RFC 7011, section 8.1): it removes the template.
func (t *templates) AddTemplate(version uint16, obsDomain uint32, id uint16, tmpl any) error {
	key := templateKey(version, obsDomain, id)
	scope, fields := templateFields(tmpl)
	if len(scope)+len(fields) == 0 {
		delete(t.m, key)
		return nil
	}
	if !nonEmpty(scope) || !nonEmpty(fields) {
		return errEmptyTemplate
	}
	if _, ok := t.m[key]; !ok && len(t.m) >= t.max {
		return errTooMany
	}
	t.m[key] = tmpl
	t.added = true
	return nil
}

// GetTemplate returns a stored template or netflow.ErrorTemplateNotFound.
func (t *templates) GetTemplate(version uint16, obsDomain uint32, id uint16) (any, error) {
	if tmpl, ok := t.m[templateKey(version, obsDomain, id)]; ok {
		return tmpl, nil
	}
	return nil, netflow.ErrorTemplateNotFound
}

// RemoveTemplate deletes a stored template and returns it.
func (t *templates) RemoveTemplate(version uint16, obsDomain uint32, id uint16) (any, error) {
	key := templateKey(version, obsDomain, id)
	tmpl, ok := t.m[key]
	if !ok {
		return nil, netflow.ErrorTemplateNotFound
	}
	delete(t.m, key)
	return tmpl, nil
}

// GetTemplates returns a copy of every stored template.
func (t *templates) GetTemplates() netflow.FlowBaseTemplateSet {
	out := make(netflow.FlowBaseTemplateSet, len(t.m))
	maps.Copy(out, t.m)
	return out
}

// templateFields returns the scope and data fields of any template kind.
func templateFields(tmpl any) (scope, fields []netflow.Field) {
	switch tc := tmpl.(type) {
	case netflow.TemplateRecord:
		return nil, tc.Fields
	case netflow.IPFIXOptionsTemplateRecord:
		return tc.Scopes, tc.Options
	case netflow.NFv9OptionsTemplateRecord:
		return tc.Scopes, tc.Options
	}
	return nil, nil
}

// nonEmpty reports whether every field takes at least one byte of a
// record: a fixed length above zero, or a variable length (65535), whose
// length prefix takes a byte.
func nonEmpty(fields []netflow.Field) bool {
	for _, f := range fields {
		if f.Length == 0 {
			return false
		}
	}
	return true
}
