package dpdk

import (
	"bytes"
	"testing"

	"gopkg.in/yaml.v3"
)

const appliance = `
eal:
  lcores: "0@(0-1),1@1"
  main_lcore: 0
  no_huge: false
  mem_mb: 2048
  file_prefix: sg
  pci: ["0000:3b:00.0"]
  log_level: warning
ports:
  - name: "0000:3b:00.0"
    rx_queues: 4
    rx_descriptors: 4096
    mbufs: 65536
    promiscuous: true
workers: 4
ring_size: 65536
`

// decodeConfig decodes YAML over the defaults, rejecting unknown keys.
func decodeConfig(b []byte) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(&c)
	return c, err
}

func TestDecodeYAML(t *testing.T) {
	c, err := decodeConfig([]byte(appliance))
	if err != nil {
		t.Fatal(err)
	}
	c.EAL.NoPCI = false
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if got := c.Ports[0]; got.Name != "0000:3b:00.0" || got.RxQueues != 4 || got.Mbufs != 65536 {
		t.Errorf("port = %+v", got)
	}
	if c.EAL.Lcores != "0@(0-1),1@1" || c.EAL.MemMB != 2048 || c.Workers != 4 {
		t.Errorf("config = %+v", c)
	}

	if _, err := decodeConfig([]byte("workers: 2\nwokers: 3\n")); err == nil {
		t.Error("a misspelt key decoded without error")
	}
}

// FuzzConfig checks that no YAML input makes decoding or validation panic,
// and that Validate accepts only configurations within bounds.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(appliance))
	f.Add([]byte("workers: -1\nring_size: 3\n"))
	f.Add([]byte("eal: {lcores: '0x'}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeConfig(b)
		if err != nil {
			return
		}
		if c.Validate() == nil {
			if c.Workers < 1 || c.Workers > MaxWorkers || c.RingSize&(c.RingSize-1) != 0 ||
				len(c.Ports) == 0 {
				t.Errorf("Validate accepted %+v", c)
			}
			_ = ealArgs(&c.EAL)
		}
	})
}
