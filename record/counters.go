package record

// Counters counts the frames a Parser has seen, by what became of them.
//
// Every frame lands in exactly one outcome, so
//
//	Frames == TCP + UDP + ICMP + IPv6 + ARP + OtherL3 + OtherL4 +
//	          Fragments + Truncated + Malformed + UnknownLink
//
// always holds. IPv4 is a separate view: it counts every frame whose link
// header announced IPv4, whatever its outcome.
type Counters struct {
	Frames uint64 // frames handed to the parser
	IPv4   uint64 // frames carrying an IPv4 header, valid or not

	TCP  uint64 // TCP/IPv4 Records filled
	UDP  uint64 // UDP/IPv4 Records filled
	ICMP uint64 // ICMP/IPv4 Records filled

	IPv6    uint64 // IPv6 packets, skipped
	ARP     uint64 // ARP packets, skipped
	OtherL3 uint64 // other EtherTypes (LLC, LLDP, ...), skipped
	OtherL4 uint64 // IPv4 carrying another protocol (GRE, ESP, ...), skipped

	Fragments   uint64 // IPv4 fragments past the first, skipped
	Truncated   uint64 // the capture ended before a header the parser needs
	Malformed   uint64 // a header field that cannot be right (IHL < 5, ...)
	UnknownLink uint64 // frames of a link type the parser does not know
}

// Add adds every counter of o to c, to merge the counters of several
// workers' parsers.
func (c *Counters) Add(o Counters) {
	c.Frames += o.Frames
	c.IPv4 += o.IPv4
	c.TCP += o.TCP
	c.UDP += o.UDP
	c.ICMP += o.ICMP
	c.IPv6 += o.IPv6
	c.ARP += o.ARP
	c.OtherL3 += o.OtherL3
	c.OtherL4 += o.OtherL4
	c.Fragments += o.Fragments
	c.Truncated += o.Truncated
	c.Malformed += o.Malformed
	c.UnknownLink += o.UnknownLink
}

// Records returns how many Records the counted frames filled.
func (c *Counters) Records() uint64 {
	return c.TCP + c.UDP + c.ICMP
}

// Skipped returns how many counted frames filled no Record.
func (c *Counters) Skipped() uint64 {
	return c.IPv6 + c.ARP + c.OtherL3 + c.OtherL4 + c.Fragments +
		c.Truncated + c.Malformed + c.UnknownLink
}
