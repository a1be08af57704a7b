package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// header opens the output of DefaultYAML.
const header = `scanguard configuration: every key with its default value.
Keys left out of a file keep these values. Check a file with
'scanguard config check FILE'.`

// DefaultYAML returns the default configuration as YAML with a comment
// above every key.
func DefaultYAML() ([]byte, error) {
	var root yaml.Node
	if err := root.Encode(Default()); err != nil {
		return nil, fmt.Errorf("encode default config: %w", err)
	}
	root.HeadComment = header
	seen := map[string]bool{}
	annotate(&root, "", seen)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("encode default config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode default config: %w", err)
	}
	return buf.Bytes(), nil
}

// annotate attaches comments to the keys under n; a key repeated in every
// item of a list is commented on its first occurrence only.
func annotate(n *yaml.Node, path string, seen map[string]bool) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if !seen[p] {
				seen[p] = true
				k.HeadComment = wrap(comments[p])
			}
			annotate(v, p, seen)
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if path == "fusion.matrix" {
				item.HeadComment = wrap(rowComments[rowName(item)])
			}
			annotate(item, path+"[]", seen)
		}
	}
}

// rowName returns the name key of a matrix row.
func rowName(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "name" {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// wrap breaks a comment into lines of at most 76 columns.
func wrap(s string) string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > 76 {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return strings.Join(lines, "\n")
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// genericPath writes list indices of a YAML path as [].
func genericPath(p string) string { return indexRE.ReplaceAllString(p, "[]") }
