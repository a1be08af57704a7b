package bench

import "scanguard/record"

// openFlows is how many TCP connections a flowSet keeps open at once. Each
// packet continues one of them, so packets of one connection, and of one
// client, come close together as on a real link.
const openFlows = 64

// flow is one TCP connection in progress.
type flow struct {
	client, server uint32
	cport, sport   uint16
	step, last     uint16
	hops           uint8
	refused        bool
}

// flowSet plays TCP connections between a population of clients and a set
// of servers: SYN, SYN-ACK, the client's ACK and request, the server's
// data with the client's ACKs, and the client's FIN. Clients are drawn
// log-uniformly, so a few heavy ones (NAT gateways) open most connections.
type flowSet struct {
	clientPop uint32
	clients   uint32
	// Servers come from a population, or from a block of fixed hosts when
	// serverPop is 0.
	serverPop  uint32
	serverBase uint32
	servers    uint32
	// segments bounds the data segments of a connection.
	segMin, segMax uint32
	refuse         float64 // share of connections refused with a RST
	flows          [openFlows]flow
}

func (f *flowSet) next(g *Generator, r *record.Record) {
	fl := &f.flows[g.rng.n(openFlows)]
	if fl.step >= fl.last {
		f.open(g.rng, fl)
	}
	f.emit(g.rng, fl, r)
	fl.step++
}

// open starts a new connection in fl.
func (f *flowSet) open(g *rng, fl *flow) {
	server := f.serverBase + 1 + g.n(f.servers)
	if f.serverPop != 0 {
		server = popAddr(f.serverPop, g.zipf(f.servers))
	}
	sport := uint16(443)
	if g.chance(0.2) {
		sport = 80
	}
	*fl = flow{
		client: popAddr(f.clientPop, g.zipf(f.clients)), server: server,
		cport: uint16(g.between(1024, 65535)), sport: sport,
		last: uint16(5 + g.between(f.segMin, f.segMax)), hops: uint8(g.n(24)),
		refused: g.chance(f.refuse),
	}
	if fl.refused {
		fl.last = 2
	}
}

// emit fills r with packet fl.step of the connection.
func (f *flowSet) emit(g *rng, fl *flow, r *record.Record) {
	c, s := fl.client, fl.server
	switch {
	case fl.step == 0:
		linuxSYN(r, g, c, s, fl.cport, fl.sport, fl.hops)
	case fl.step == 1 && fl.refused:
		refusal(r, s, c, fl.sport, fl.cport, fl.hops)
	case fl.step == 1:
		linuxSYNACK(r, g, s, c, fl.sport, fl.cport, fl.hops)
	case fl.step == 2:
		linuxSegment(r, g, c, s, fl.cport, fl.sport, record.FlagACK, false, fl.hops)
	case fl.step == 3:
		linuxSegment(r, g, c, s, fl.cport, fl.sport, record.FlagACK|record.FlagPSH, true,
			fl.hops)
	case fl.step == fl.last-1:
		linuxSegment(r, g, c, s, fl.cport, fl.sport, record.FlagACK|record.FlagFIN, false,
			fl.hops)
	case fl.step%3 == 0:
		// Every third segment is the client's ACK of the server's data.
		linuxSegment(r, g, c, s, fl.cport, fl.sport, record.FlagACK, false, fl.hops)
	default:
		linuxSegment(r, g, s, c, fl.sport, fl.cport, record.FlagACK|record.FlagPSH, true,
			fl.hops)
	}
}
