package bench

import "slices"

// Profile is a named traffic mix: which kinds of hosts talk, in what share
// of the packets, and how many distinct sources they come from.
type Profile struct {
	Name    string
	Summary string
	// Packets, Sources and ScanShare are the profile's defaults for the
	// Config fields of the same names.
	Packets   int
	Sources   int
	ScanShare float64
	build     func(b *builder, sources uint32)
}

var profiles = []Profile{
	{Name: "masscan", Summary: "masscan 1.3.2 alone: window 1024, no options, TTL 255, " +
		"IP ID = dst^dport^seq", Packets: 4 << 20, Sources: 1, ScanShare: 1,
		build: func(b *builder, _ uint32) { b.scan(1, kindMasscan) }},
	{Name: "masscan-current", Summary: "masscan after 1.3.2 alone: window 1025 and MSS 1460",
		Packets: 4 << 20, Sources: 1, ScanShare: 1,
		build: func(b *builder, _ uint32) { b.scan(1, kindMasscanCurrent) }},
	{Name: "zmap", Summary: "zmap 2.1 alone: IP ID 54321, window 65535, TTL 255",
		Packets: 4 << 20, Sources: 1, ScanShare: 1,
		build: func(b *builder, _ uint32) { b.scan(1, kindZmap) }},
	{Name: "nmap", Summary: "nmap -sS alone: one sequence number, window 1024, MSS 1460, " +
		"TTL 37-59", Packets: 4 << 20, Sources: 1, ScanShare: 1,
		build: func(b *builder, _ uint32) { b.scan(1, kindNmapSYN) }},
	{Name: "benign", Summary: "web clients behind NAT: Linux SYNs, SYN-ACKs, data",
		Packets: 4 << 20, Sources: 100_000, build: func(b *builder, n uint32) {
			b.add(1, b.web(n))
		}},
	{Name: "dns", Summary: "a recursive resolver: client queries, upstream queries " +
		"from random ports, answers", Packets: 4 << 20, Sources: 100_000,
		build: func(b *builder, n uint32) { b.add(1, b.dns(n)) }},
	{Name: "cdn", Summary: "CDN edges seen from the server side: client SYNs, the edges' " +
		"SYN-ACKs and data", Packets: 4 << 20, Sources: 1_000_000,
		build: func(b *builder, n uint32) { b.add(1, b.cdn(n)) }},
	{Name: "p2p", Summary: "P2P peers: DHT over UDP and TCP to random remote peers",
		Packets: 4 << 20, Sources: 1_000_000,
		build: func(b *builder, n uint32) { b.add(1, &peers{peers: 32, remotes: n}) }},
	{Name: "mixed", Summary: "web clients 50%, CDN 20%, DNS 10%, P2P 10% of the benign " +
		"share; masscan (both versions), zmap and nmap in the scan share",
		Packets: 8 << 20, Sources: 200_000, ScanShare: 0.02, build: buildMixed},
	{Name: "flood", Summary: "spoofed SYN flood from millions of random sources " +
		"(Linux-like headers) with masscan 1.3.2 inside", Packets: 12 << 20,
		Sources: 10_000_000, ScanShare: 0.001, build: func(b *builder, n uint32) {
			b.add(1, &flood{sources: n})
			b.scan(1, kindMasscan)
		}},
	{Name: "flood-hping", Summary: "spoofed SYN flood with hping3's headers " +
		"(hping3 --flood --rand-source -S) with masscan 1.3.2 inside", Packets: 12 << 20,
		Sources: 10_000_000, ScanShare: 0.001, build: func(b *builder, n uint32) {
			b.add(1, &flood{sources: n, hping: true})
			b.scan(1, kindMasscan)
		}},
}

func buildMixed(b *builder, n uint32) {
	b.add(0.5, b.web(n))
	b.add(0.2, b.cdn(n))
	b.add(0.1, b.dns(n))
	b.add(0.1, &peers{peers: 32, remotes: n})
	b.scan(0.4, kindMasscan)
	b.scan(0.2, kindMasscanCurrent)
	b.scan(0.25, kindZmap)
	b.scan(0.15, kindNmapSYN)
}

// Profiles returns every profile, in the order the report lists them.
func Profiles() []Profile {
	return slices.Clone(profiles)
}

// LookupProfile returns the profile called name.
func LookupProfile(name string) (Profile, bool) {
	for _, p := range profiles {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// ProfileNames returns the names of every profile.
func ProfileNames() []string {
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
	}
	return names
}

// builder collects a profile's components and their shares.
type builder struct {
	rng     *rng
	startNs int64
	benign  []component
	scans   []component
}

// component is one kind of host in a mix and its share of the packets.
type component struct {
	weight float64
	src    source
	scan   *scanner
}

func (b *builder) add(w float64, s source) {
	b.benign = append(b.benign, component{weight: w, src: s})
}

func (b *builder) scan(w float64, kind scanKind) {
	s := newScanner(kind, uint32(len(b.scans)+1), b.rng, b.startNs)
	b.scans = append(b.scans, component{weight: w, src: s, scan: s})
}

// web returns web clients behind NAT talking to 20,000 web servers.
func (b *builder) web(clients uint32) *flowSet {
	return &flowSet{clientPop: popWebClients, clients: clients, serverPop: popWebServers,
		servers: 20_000, segMin: 2, segMax: 30, refuse: 0.01}
}

// cdn returns clients from the whole Internet fetching from four edges.
func (b *builder) cdn(clients uint32) *flowSet {
	return &flowSet{clientPop: popCDNClients, clients: clients, serverBase: netEdges,
		servers: 4, segMin: 4, segMax: 60, refuse: 0.001}
}

// dns returns two resolvers serving the web clients.
func (b *builder) dns(clients uint32) *resolver {
	return &resolver{resolvers: 2, clientPop: popWebClients, clients: clients,
		auths: 50_000, hitRate: 0.8}
}
