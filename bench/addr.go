package bench

// Addresses of the generated traffic.
//
// Hosts with a fixed role (scanners, resolvers, CDN edges, peers, the flood
// victim) sit in 198.18.0.0/15, the range RFC 2544 sets aside for
// benchmarks. Large groups of hosts (clients, spoofed sources, remote
// peers) are populations: member i of population p has the address
// mix32(p<<popBits | i), a bijection of the 32-bit space, so members spread
// over the whole address space as real clients do, and unmix32 traces any
// address back to its population for the report.

// popBits is how many index bits a population has: up to 2^28 members.
const popBits = 28

// Populations.
const (
	popWebClients uint32 = iota + 1
	popWebServers
	popCDNClients
	popDNSClients
	popDNSAuth
	popRemotePeers
	popSpoofed
	popTargets
)

// popNames names the populations in the report.
var popNames = [...]string{
	popWebClients:  "web client (NAT)",
	popWebServers:  "web server",
	popCDNClients:  "CDN client",
	popDNSClients:  "DNS client",
	popDNSAuth:     "authoritative DNS",
	popRemotePeers: "remote P2P peer",
	popSpoofed:     "spoofed flood source",
	popTargets:     "scan target",
}

// benchNet is 198.18.0.0, the first address of the RFC 2544 range.
const benchNet uint32 = 198<<24 | 18<<16

// Blocks of the RFC 2544 range for each fixed role: host h of a role has
// the address role block + h.
const (
	netScanners  = benchNet | 0<<8
	netResolvers = benchNet | 1<<8
	netEdges     = benchNet | 2<<8
	netPeers     = benchNet | 3<<8
	netVictims   = benchNet | 4<<8
)

// popAddr returns the address of member idx of population pop.
func popAddr(pop, idx uint32) uint32 {
	return mix32(pop<<popBits | idx&(1<<popBits-1))
}

// popOf returns the population and member index an address belongs to
// when it was drawn from a population.
func popOf(ip uint32) (pop, idx uint32) {
	v := unmix32(ip)
	return v >> popBits, v & (1<<popBits - 1)
}

// mix32 is murmur3's 32-bit finaliser, a bijection.
func mix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x85ebca6b
	x ^= x >> 13
	x *= 0xc2b2ae35
	x ^= x >> 16
	return x
}

// unmix32 inverts mix32: each step undone in reverse order, the
// multiplications by the constants' inverses modulo 2^32.
func unmix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7ed1b41d
	x ^= x>>13 ^ x>>26
	x *= 0xa5cb9243
	x ^= x >> 16
	return x
}

// mix64 is a 64-bit finaliser (splitmix64's), used where a keyed hash of a
// packet's fields must look random, as masscan's SYN cookies do.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
