package bench

import "scanguard/record"

// resolver plays a recursive DNS resolver: clients query it on port 53,
// and on a cache miss it queries an authoritative server from a random
// port, gets the answer and answers the client. A busy resolver sends UDP
// to thousands of servers from random ports: the shape of a UDP scan,
// answered every time.
type resolver struct {
	resolvers uint32
	clientPop uint32
	clients   uint32
	auths     uint32
	hitRate   float64
	q         queue
}

func (d *resolver) next(g *Generator, r *record.Record) {
	if d.q.pop(r) {
		return
	}
	gr := g.rng
	res := netResolvers + 1 + gr.n(d.resolvers)
	client := popAddr(d.clientPop, gr.zipf(d.clients))
	cport := ephemeral(gr)
	udp(r, gr, client, res, cport, 53, uint8(gr.n(24)))

	var x record.Record
	if !gr.chance(d.hitRate) {
		auth, port := popAddr(popDNSAuth, gr.zipf(d.auths)), ephemeral(gr)
		hops := uint8(gr.n(24))
		udp(&x, gr, res, auth, port, 53, 0)
		d.q.push(&x)
		udp(&x, gr, auth, res, 53, port, hops)
		d.q.push(&x)
	}
	udp(&x, gr, res, client, 53, cport, 0)
	d.q.push(&x)
}

// peers plays P2P hosts: DHT queries over UDP from each peer's one port to
// random remote peers on random high ports (most answer), and TCP
// connections to remote peers, many of them refused or unanswered. A
// remote peer's answer goes from a high port to a high port, so it counts
// as a probe from the remote peer.
type peers struct {
	peers   uint32
	remotes uint32
	q       queue
}

func (p *peers) next(g *Generator, r *record.Record) {
	if p.q.pop(r) {
		return
	}
	gr := g.rng
	i := gr.n(p.peers)
	local, lport := netPeers+1+i, uint16(6881+i)
	remote, rport := popAddr(popRemotePeers, gr.n(p.remotes)), uint16(gr.between(1024, 65535))
	hops := uint8(gr.n(24))
	var x record.Record
	if gr.chance(0.7) {
		udp(r, gr, local, remote, lport, rport, 0)
		if gr.chance(0.6) {
			udp(&x, gr, remote, local, rport, lport, hops)
			p.q.push(&x)
		}
		return
	}
	cport := ephemeral(gr)
	linuxSYN(r, gr, local, remote, cport, rport, 0)
	switch u := gr.float(); {
	case u < 0.5:
		linuxSYNACK(&x, gr, remote, local, rport, cport, hops)
		p.q.push(&x)
		linuxSegment(&x, gr, local, remote, cport, rport, record.FlagACK|record.FlagPSH, true, 0)
		p.q.push(&x)
		linuxSegment(&x, gr, remote, local, rport, cport, record.FlagACK|record.FlagPSH, true,
			hops)
		p.q.push(&x)
	case u < 0.7:
		refusal(&x, remote, local, rport, cport, hops)
		p.q.push(&x)
	}
}

// flood plays a spoofed SYN flood at one victim: every SYN from a source
// drawn uniformly from a population of millions, and the victim's SYN-ACK
// backscatter to some of them. With hping set the SYNs carry hping3's
// headers (window 512, no options, source port one up per packet);
// otherwise a Linux-like SYN with random window, TTL and window scale, as
// Mirai-family and booter floods send.
type flood struct {
	sources uint32
	hping   bool
	sport   uint16
	q       queue
}

// floodVictim is the address the flood aims at.
const floodVictim = netVictims + 80

func (f *flood) next(g *Generator, r *record.Record) {
	if f.q.pop(r) {
		return
	}
	gr := g.rng
	src := popAddr(popSpoofed, gr.n(f.sources))
	if f.hping {
		f.sport++
		tcp(r, src, floodVictim, f.sport, 80, gr.u32(), record.FlagSYN, 512, 64, gr.u16())
	} else {
		linuxSYN(r, gr, src, floodVictim, uint16(gr.between(1024, 65535)), 80, 0)
		r.Window, r.TTL, r.WScale = gr.u16()|1024, uint8(gr.between(40, 128)),
			uint8(gr.n(15))
	}
	if gr.chance(0.5) {
		var x record.Record
		linuxSYNACK(&x, gr, floodVictim, src, 80, r.SrcPort, 0)
		f.q.push(&x)
	}
}
