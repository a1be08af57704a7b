// Package netflow makes scanguard a NetFlow/IPFIX collector, for networks
// where no probe sees the packets but routers export flows (the design
// document's flow layer at a collector). It listens on UDP, decodes
// NetFlow v5, v9 and IPFIX with goflow2's decoders, and turns every flow
// record into the Records the detector already reads, so the flow and
// behaviour layers run unchanged:
//
//   - a TCP flow whose packets acknowledged nothing (SYN, FIN, NULL or
//     Xmas, with the RSTs a prober tears its handshakes down with) gives one
//     probe per probe packet, spread over the flow's start and end;
//   - a lone SYN-ACK, or a RST-ACK of one or two small packets, answers
//     the probe it replies to: answered and refused;
//   - a flow that carried data gives payload Records, the sign of a client
//     that uses its connections;
//   - UDP and ICMP flows give one Record per packet, probes or answers
//     as record.Record's own tests classify them.
//
// A flow carries no TTL, IP ID, window, options or sequence number, so the
// Records' header fields are placeholders that match no fingerprint
// (neutral.go): a verdict from flows rests on flow features alone, and its
// alert says so (alert.FlowOrigin) and names the exporter. FlowRows gives
// the threshold-matrix rows that decide on those features.
//
// Exporters send flows when they expire, not when they start, so Records
// are held for Config.Reorder and sorted by time before they reach the
// workers. Data sets that arrive before their template wait for it. A
// sampling rate announced in options records (or set in Config) scales the
// counts of the alert; the detector's statistics see the sampled flows.
package netflow
