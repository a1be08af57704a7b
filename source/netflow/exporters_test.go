package netflow

import (
	"bufio"
	"net"
	"net/netip"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSoftflowdExportersAtOnce runs two exporters into one collector at
// the same time, IPFIX and NetFlow v9, whose templates share IDs with
// different layouts (softflowd numbers its templates alike in both): each
// is decoded with its own, and each scanner's alert names its exporter.
func TestSoftflowdExportersAtOnce(t *testing.T) {
	dir := corpusDir(t)
	c := startCollector(t, Default())
	to := []netip.AddrPort{c.src.Addr()}
	runs := []struct{ file, v string }{
		{"mixed_bg_masscan.pcap", "10"}, // masscan from 198.18.0.3 beside benign 198.18.0.1
		{"zmap_icmp_echoscan.pcap", "9"},
	}
	var wg sync.WaitGroup
	var pkts, recs [2]uint64
	for i, r := range runs {
		wg.Go(func() {
			pkts[i], recs[i] = softflowdExport(t, filepath.Join(dir, r.file), r.v, to)
		})
	}
	wg.Wait()
	c.waitDatagrams(t, pkts[0]+pkts[1])
	alerts, st := c.stop(t)

	if st.Decode.IPFIX != pkts[0] || st.Decode.V9 != pkts[1] || st.Decode.Exporters != 2 {
		t.Errorf("IPFIX, v9 packets, exporters = %d, %d, %d; want %d, %d, 2",
			st.Decode.IPFIX, st.Decode.V9, st.Decode.Exporters, pkts[0], pkts[1])
	}
	if st.Decode.Flows != recs[0]+recs[1] || st.Decode.Held != 0 {
		t.Errorf("decoded %d flows (%d held), softflowd sent %d", st.Decode.Flows,
			st.Decode.Held, recs[0]+recs[1])
	}
	ipfix := c.src.dec.Exporter(exporterOf(c, 10)).Addr.String()
	if a := alerts["198.18.0.3"]; len(a) == 0 || a[0].Source.Exporter != ipfix {
		t.Errorf("masscan 198.18.0.3: alerts %+v, want exporter %s", a, ipfix)
	}
	if len(alerts["198.18.0.1"]) == 0 {
		t.Error("zmap 198.18.0.1 not alerted")
	}
}

// exporterOf returns the index of the exporter that defined templates of
// version v. The collector must have stopped.
func exporterOf(c *collector, v uint64) uint16 {
	for i, ex := range c.src.dec.ex.list {
		for key := range ex.tmpl.m {
			if key>>48 == v {
				return uint16(i)
			}
		}
	}
	return 0
}

// TestSoftflowdTemplatesAfterData records softflowd's datagrams and sends
// them to the collector with the first, the one carrying the templates,
// last: the data sets wait for it and are decoded when it comes.
func TestSoftflowdTemplatesAfterData(t *testing.T) {
	dir := corpusDir(t)
	for _, v := range []string{"9", "10"} {
		t.Run("v"+v, func(t *testing.T) {
			rec, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(
				netip.MustParseAddrPort("127.0.0.1:0")))
			if err != nil {
				t.Fatal(err)
			}
			defer rec.Close()
			recAddr := rec.LocalAddr().(*net.UDPAddr).AddrPort()
			if err := setReadBuffer(rec, 8<<20); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "masscan_r1000_p80_443.pcap")
			pkts, recs := softflowdExport(t, file, v, []netip.AddrPort{recAddr})
			var dgrams [][]byte
			buf := make([]byte, 65535)
			for uint64(len(dgrams)) < pkts {
				rec.SetReadDeadline(time.Now().Add(5 * time.Second))
				n, err := rec.Read(buf)
				if err != nil {
					t.Fatalf("read datagram %d of %d: %v", len(dgrams), pkts, err)
				}
				dgrams = append(dgrams, append([]byte(nil), buf[:n]...))
			}

			c := startCollector(t, Default())
			send, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(c.src.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			defer send.Close()
			for _, d := range append(dgrams[1:], dgrams[0]) {
				if _, err := send.Write(d); err != nil {
					t.Fatal(err)
				}
			}
			c.waitDatagrams(t, pkts)
			alerts, st := c.stop(t)
			if st.Decode.Flows != recs || st.Decode.Replayed == 0 || st.Decode.Waiting != 0 {
				t.Errorf("flows %d (replayed %d, waiting %d), softflowd sent %d",
					st.Decode.Flows, st.Decode.Replayed, st.Decode.Waiting, recs)
			}
			if len(alerts["198.18.0.1"]) == 0 {
				t.Error("masscan 198.18.0.1 not alerted")
			}
		})
	}
}

// TestSoftflowdSampling has softflowd sample 1 packet in 4 and announce it
// in its options records (v9, IPFIX) or header (v5): the alert scales its
// counts and says by how much.
func TestSoftflowdSampling(t *testing.T) {
	dir := corpusDir(t)
	for _, v := range []string{"5", "9", "10"} {
		t.Run("v"+v, func(t *testing.T) {
			c := startCollector(t, Default())
			file := filepath.Join(dir, "masscan_r20000_darkspace.pcap")
			pkts, _ := softflowdExport(t, file, v, []netip.AddrPort{c.src.Addr()}, "-s", "4")
			c.waitDatagrams(t, pkts)
			alerts, _ := c.stop(t)
			as := alerts["198.18.0.1"]
			if len(as) == 0 {
				t.Fatal("masscan 198.18.0.1 not alerted")
			}
			for _, a := range as {
				if a.SamplingRate != 4 || a.PacketsSeen%4 != 0 {
					t.Errorf("sampling_rate %d, packets_seen %d; want 4 and a multiple of 4",
						a.SamplingRate, a.PacketsSeen)
				}
			}
		})
	}
}

// TestNfcapdCountsAgree sends each softflowd export to the collector and to
// nfdump's nfcapd at once, and requires both to count the same flows.
func TestNfcapdCountsAgree(t *testing.T) {
	dir := corpusDir(t)
	nfcapd, nfdump := needTool(t, "nfcapd"), needTool(t, "nfdump")
	for _, v := range []string{"5", "9", "10"} {
		t.Run("v"+v, func(t *testing.T) {
			out := t.TempDir()
			port := freeUDPPort(t)
			// softflowd sends its whole export in one burst: give nfcapd a
			// buffer as large as the collector's.
			cmd := exec.Command(nfcapd, "-w", out, "-b", "127.0.0.1", "-p", port, "-t", "3600",
				"-B", "8388608")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			ref := netip.MustParseAddrPort("127.0.0.1:" + port)
			waitListening(t, ref)

			c := startCollector(t, Default())
			file := filepath.Join(dir, "mixed_bg_masscan.pcap")
			pkts, recs := softflowdExport(t, file, v, []netip.AddrPort{c.src.Addr(), ref})
			c.waitDatagrams(t, pkts)
			_, st := c.stop(t)

			// nfcapd writes its file out when it stops.
			time.Sleep(200 * time.Millisecond)
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
			list, err := exec.Command(nfdump, "-R", out, "-q", "-o", "fmt:%pr %sa %da").Output()
			if err != nil {
				t.Fatalf("nfdump: %v", err)
			}
			n := uint64(0)
			for sc := bufio.NewScanner(strings.NewReader(string(list))); sc.Scan(); {
				if strings.TrimSpace(sc.Text()) != "" {
					n++
				}
			}
			if st.Decode.Flows != n || n != recs {
				t.Errorf("collector decoded %d flows, nfcapd stored %d, softflowd sent %d",
					st.Decode.Flows, n, recs)
			}
		})
	}
}

// freeUDPPort returns a loopback UDP port free a moment ago.
func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, port, _ := strings.Cut(c.LocalAddr().String(), ":")
	return port
}

// waitListening waits until a UDP port on loopback is bound.
func waitListening(t *testing.T, ap netip.AddrPort) {
	t.Helper()
	for range 200 {
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
		if err != nil {
			return // taken: the collector is up
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", ap)
}
