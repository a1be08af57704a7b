//go:build !dpdk

package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"scanguard/dpdk"
)

func TestRunDPDKWithoutDPDKSaysSo(t *testing.T) {
	cfg := writeConfig(t, t.TempDir(), `source:
  type: dpdk
dpdk:
  ports: [{name: net_null0, rx_queues: 1, rx_descriptors: 1024, mbufs: 4096}]
metrics:
  listen: ""
`)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"run", "-c", cfg}, &out, &errOut)
	if !errors.Is(err, dpdk.ErrNoDPDK) ||
		err.Error() != "source dpdk: built without DPDK: rebuild with -tags dpdk" {
		t.Errorf("run = %v, want the built-without-DPDK message", err)
	}
}
