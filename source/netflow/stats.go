package netflow

// DecodeCounters count what a Decoder made of the export packets it was
// given. Every packet is counted once in Packets and once by version, or
// in BadVersion or Malformed when it was not an export packet at all.
type DecodeCounters struct {
	Packets uint64 // export packets handed to Decode
	V5      uint64 // NetFlow v5 packets
	V9      uint64 // NetFlow v9 packets
	IPFIX   uint64 // IPFIX messages

	Flows     uint64 // IPv4 flow records decoded, replayed ones included
	Replayed  uint64 // of those, records of data sets that waited for a template
	Reverse   uint64 // of those, reverse directions of biflow records (RFC 5103)
	IPv6      uint64 // IPv6 flow records, skipped: the detector keys IPv4 only
	NoAddress uint64 // data records without addresses, skipped

	OptionRecords uint64 // options records read (sampling, boot time)

	Exporters         uint64 // exporters heard from
	ExporterEvictions uint64 // exporters forgotten to make room for new ones

	Held           uint64 // data sets that arrived before their template
	Waiting        uint64 // of those, sets still waiting now
	PendingDropped uint64 // sets whose template never came in time, or crowded out

	TemplatesRefused uint64 // packets with a template refused (too many, or empty)
	BadVersion       uint64 // datagrams of another version or protocol
	Malformed        uint64 // packets cut short or with impossible lengths
}

// SynthCounters count what a Synth made of the flows it was given.
type SynthCounters struct {
	Flows uint64 // flows handed to Records
	// TCP, UDP and ICMP count those flows by protocol; Other counts the
	// flows of any other protocol, which yield no Record.
	TCP, UDP, ICMP, Other uint64
	Probes                uint64 // probe Records made
	Replies               uint64 // reply Records made (SYN-ACK, RST-ACK, UDP and ICMP answers)
	Payload               uint64 // payload Records made for flows that carried data
	RSTs                  uint64 // bare RST Records made (a prober tearing down its handshakes)
	Skipped               uint64 // flows that yielded no Record (other protocols, empty)
	// Altered counts probes whose placeholder IP ID had to change so that
	// no exact relation of the fingerprint database holds by chance.
	Altered uint64
}

// Stats is a snapshot of a Source's counters.
type Stats struct {
	Datagrams uint64 // UDP datagrams read
	Bytes     uint64 // their payload bytes
	// ReadErrors counts failed reads other than timeouts.
	ReadErrors uint64
	Decode     DecodeCounters
	Synth      SynthCounters
	Records    uint64 // Records handed to the engine
}
