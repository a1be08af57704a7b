package sink

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// UnmarshalYAML decodes a sink from YAML on top of Default(), so that an
// entry of a sink list needs only the keys that differ. Unknown keys are
// rejected, as the product's strict decoding does everywhere else.
func (c *Config) UnmarshalYAML(value *yaml.Node) error {
	// A custom unmarshaler loses the caller's KnownFields setting, so the
	// node is decoded again by a strict decoder of its own.
	b, err := yaml.Marshal(value)
	if err != nil {
		return fmt.Errorf("decode sink: %w", err)
	}
	type plain Config
	p := plain(Default())
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("decode sink at line %d: %w", value.Line, err)
	}
	*c = Config(p)
	return nil
}
