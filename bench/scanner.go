package bench

import "scanguard/record"

// scanKind is a scanner and version the generator imitates.
type scanKind uint8

const (
	kindMasscan        scanKind = iota // masscan 1.0.4-1.3.2
	kindMasscanCurrent                 // masscan after 1.3.2
	kindZmap                           // zmap before 4.1
	kindNmapSYN                        // nmap -sS
)

// Share of probes a target answers with a SYN-ACK (open port) and with a
// RST-ACK (closed port); the rest go unanswered, as on the Internet where
// most addresses are dark or filtered.
const (
	scanOpen   = 0.02
	scanClosed = 0.20
)

// nmapPorts stands in for nmap's top-ports list.
var nmapPorts = []uint16{21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 199, 443,
	445, 587, 993, 995, 1025, 1720, 1723, 3306, 3389, 5900, 8080, 8443, 8888}

// scanner is one scanning host. Its probes carry the header values the
// corpus captures show for its tool; the targets answer some of them, and
// the scanner answers the SYN-ACKs the way its tool does.
type scanner struct {
	kind  scanKind
	label string // shown in the report: tool and version
	tool  string // the tool the detector is expected to name
	ip    uint32
	sport uint16 // masscan's base port, nmap's one port
	seq   uint32 // nmap's one sequence number for the scan
	key   uint64 // masscan's SYN-cookie key

	// nmap walks one /24, host by host on each port.
	subnet  uint32
	host    uint32
	nmapIdx int

	q       queue
	probes  uint64
	firstNs int64
}

func newScanner(kind scanKind, host uint32, g *rng, startNs int64) *scanner {
	s := &scanner{kind: kind, ip: netScanners + host, key: g.u64(), seq: g.u32()}
	// masscan's source port is 40000 + (unix time mod 20000) unless set.
	masscanPort := uint16(40000 + (startNs/1e9)%20000)
	switch kind {
	case kindMasscan:
		s.label, s.tool, s.sport = "masscan 1.3.2", "masscan", masscanPort
	case kindMasscanCurrent:
		s.label, s.tool, s.sport = "masscan >1.3.2", "masscan", masscanPort
	case kindZmap:
		s.label, s.tool = "zmap 2.1", "zmap"
	case kindNmapSYN:
		s.label, s.tool, s.sport = "nmap -sS", "nmap", uint16(g.between(32768, 60999))
		s.subnet = popAddr(popTargets, g.u32()) &^ 0xff
	}
	return s
}

// next emits the scanner's next packet: an owed reply first, else a probe.
func (s *scanner) next(g *Generator, r *record.Record) {
	if s.q.pop(r) {
		return
	}
	if s.probes == 0 {
		s.firstNs = g.nowNs
	}
	s.probes++
	switch s.kind {
	case kindMasscan, kindMasscanCurrent:
		s.masscan(g.rng, r)
	case kindZmap:
		s.zmap(g.rng, r)
	case kindNmapSYN:
		s.nmap(g.rng, r)
	}
	s.answer(g.rng, r)
}

// masscan fills r with a masscan SYN: window 1024 and no options up to
// 1.3.2, window 1025 and MSS 1460 after; TTL 255; a SYN cookie for the
// sequence number and IP ID = dst ip ^ dst port ^ seq.
func (s *scanner) masscan(g *rng, r *record.Record) {
	dst, port := popAddr(popTargets, g.u32()), uint16(g.between(1, 65535))
	sport, window := s.sport, uint16(1024)
	if s.kind == kindMasscanCurrent {
		window = 1025
		if g.chance(0.5) {
			sport += 16
		}
	}
	seq := s.cookie(dst, port, sport)
	tcp(r, s.ip, dst, sport, port, seq, record.FlagSYN, window, 255,
		uint16(dst^uint32(port)^seq))
	if s.kind == kindMasscanCurrent {
		r.OptKinds, r.MSS, r.Meta = record.OptMSS, 1460, record.MetaHasMSS
	}
}

// cookie is masscan's sequence number: a keyed hash of the target and the
// source port (masscan uses SipHash; any keyed hash looks the same here).
func (s *scanner) cookie(dst uint32, port, sport uint16) uint32 {
	return uint32(mix64(uint64(dst)<<32 | uint64(port)<<16 | uint64(sport) ^ s.key))
}

// zmap fills r with a zmap SYN: IP ID 54321, window 65535, TTL 255, no
// options, a random source port per target from 32768-61000.
func (s *scanner) zmap(g *rng, r *record.Record) {
	dst := popAddr(popTargets, g.u32())
	tcp(r, s.ip, dst, uint16(g.between(32768, 61000)), 80, g.u32(), record.FlagSYN, 65535,
		255, 54321)
}

// nmap fills r with an nmap -sS probe: one source port and one sequence
// number for the scan, window 1024, MSS 1460, TTL random in 37-59. It
// walks the subnet host by host on one port, with random jumps.
func (s *scanner) nmap(g *rng, r *record.Record) {
	if g.chance(0.4) {
		s.host, s.nmapIdx = g.n(256), int(g.n(uint32(len(nmapPorts))))
	} else if s.host++; s.host == 256 {
		s.host, s.nmapIdx = 0, (s.nmapIdx+1)%len(nmapPorts)
	}
	tcp(r, s.ip, s.subnet|s.host, s.sport, nmapPorts[s.nmapIdx], s.seq, record.FlagSYN, 1024,
		uint8(g.between(37, 59)), g.u16())
	r.OptKinds, r.MSS, r.Meta = record.OptMSS, 1460, record.MetaHasMSS
}

// answer queues what the probe p draws: a SYN-ACK and the scanner's RST
// for an open port (masscan's own, TTL 255 and window 1200; the kernel's
// for the others), a RST-ACK for a closed one, nothing for the rest.
func (s *scanner) answer(g *rng, p *record.Record) {
	var r record.Record
	hops := uint8(g.n(20))
	switch u := g.float(); {
	case u < scanOpen:
		linuxSYNACK(&r, g, p.DstIP, s.ip, p.DstPort, p.SrcPort, hops)
		s.q.push(&r)
		if s.kind == kindMasscan || s.kind == kindMasscanCurrent {
			tcp(&r, s.ip, p.DstIP, p.SrcPort, p.DstPort, p.Seq+1, record.FlagRST, 1200, 255,
				uint16(p.DstIP^uint32(p.DstPort)^(p.Seq+1)))
		} else {
			kernelRST(&r, s.ip, p.DstIP, p.SrcPort, p.DstPort, p.Seq+1)
		}
		s.q.push(&r)
	case u < scanOpen+scanClosed:
		refusal(&r, p.DstIP, s.ip, p.DstPort, p.SrcPort, hops)
		s.q.push(&r)
	}
}
