package netflow

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/netsampler/goflow2/v2/decoders/netflow"
	"github.com/netsampler/goflow2/v2/decoders/netflowlegacy"
)

// Decoder turns export packets of NetFlow v5, v9 and IPFIX into Flows. It
// keeps each exporter's templates apart (exporters reuse template IDs with
// different layouts), holds data sets that arrive before their template
// and decodes them when it comes, and reads sampling rates and boot times
// from options records.
//
// The packet formats are decoded by goflow2; Decoder adds the bounds a
// collector facing the network needs (exporters, templates, waiting data)
// and the reduction to Flow. It is not safe for concurrent use.
type Decoder struct {
	cfg Config
	ex  *exporters
	ctr DecodeCounters
}

// NewDecoder returns a decoder for a validated configuration.
func NewDecoder(cfg Config) *Decoder {
	return &Decoder{cfg: cfg, ex: newExporters(cfg.MaxExporters)}
}

// Counters returns the decoder's counters.
func (d *Decoder) Counters() DecodeCounters { return d.ctr }

// Exporter returns what is known of exporter idx, or nil.
func (d *Decoder) Exporter(idx uint16) *ExporterInfo {
	if int(idx) >= len(d.ex.infos) {
		return nil
	}
	return d.ex.infos[idx].Load()
}

// Decode decodes one export packet that came from addr at recvNs and
// appends its IPv4 flows to out. A packet that is not a valid export is
// counted by what was wrong with it; the flows decoded before a fault are
// kept. Decode may overwrite the header of pkt (see templated).
func (d *Decoder) Decode(pkt []byte, from netip.AddrPort, recvNs int64, out []Flow) []Flow {
	d.ctr.Packets++
	if len(pkt) < 4 {
		d.ctr.Malformed++
		return out
	}
	version := binary.BigEndian.Uint16(pkt)
	if version != 5 && version != 9 && version != 10 {
		d.ctr.BadVersion++
		return out
	}
	ex, idx, created, evicted := d.ex.get(from, recvNs, d.cfg.MaxTemplates)
	if created {
		d.ctr.Exporters++
	}
	if evicted {
		d.ctr.ExporterEvictions++
	}
	n := len(out)
	switch version {
	case 5:
		d.ctr.V5++
		out = d.v5(pkt, out)
	case 9:
		d.ctr.V9++
		out = d.templated(ex, pkt, recvNs, out)
	case 10:
		d.ctr.IPFIX++
		out = d.templated(ex, pkt, recvNs, out)
	}
	for i := n; i < len(out); i++ {
		out[i].Exporter = idx
		if out[i].Sampling == 0 {
			out[i].Sampling = max(d.cfg.SamplingRate, 1)
		}
	}
	d.ctr.Flows += uint64(len(out) - n)
	return out
}

// v5 decodes a NetFlow v5 packet: a 24-byte header and 48-byte records.
func (d *Decoder) v5(pkt []byte, out []Flow) []Flow {
	// goflow2 sizes its record slice from the header's count before
	// reading: check it against the packet so a forged count cannot make
	// every datagram allocate megabytes.
	count := int(binary.BigEndian.Uint16(pkt[2:]))
	if len(pkt) < 24 || len(pkt) < 24+48*count || count == 0 {
		d.ctr.Malformed++
		return out
	}
	var p netflowlegacy.PacketNetFlowV5
	if err := netflowlegacy.DecodeMessageVersion(bytes.NewBuffer(pkt), &p); err != nil {
		d.ctr.Malformed++
		return out
	}
	exportNs := int64(p.UnixSecs)*1e9 + int64(p.UnixNSecs)
	tb := timeBase{exportNs: exportNs, bootNs: exportNs - int64(p.SysUptime)*1e6, bootOK: true}
	// The top two bits are the sampling mode, the other 14 the interval.
	sampling := uint32(p.SamplingInterval & 0x3fff)
	for i := range p.Records {
		r := &p.Records[i]
		f := Flow{
			StartNs: tb.atUptime(uint64(r.First)), EndNs: tb.atUptime(uint64(r.Last)),
			Packets: uint64(r.DPkts), Bytes: uint64(r.DOctets),
			SrcIP: uint32(r.SrcAddr), DstIP: uint32(r.DstAddr),
			SrcPort: r.SrcPort, DstPort: r.DstPort, Sampling: sampling,
			Proto: r.Proto, TCPFlags: r.TCPFlags,
		}
		if f.EndNs < f.StartNs {
			f.EndNs = f.StartNs
		}
		out = append(out, f)
	}
	return out
}

// templated decodes a NetFlow v9 or IPFIX packet.
func (d *Decoder) templated(ex *exporter, pkt []byte, recvNs int64, out []Flow) []Flow {
	var (
		p9  netflow.NFv9Packet
		p10 netflow.IPFIXPacket
	)
	// goflow2 reads as many v9 flow sets as the header's count says, but
	// the count is of records (RFC 3954, section 5.1), and softflowd
	// counts data records only: a packet of four template sets, an
	// options set and a data set of four flows says 4, and its data would
	// be skipped. Sets are read to the end of the datagram instead, as
	// nfdump does.
	hdr := 16
	if binary.BigEndian.Uint16(pkt) == 9 {
		binary.BigEndian.PutUint16(pkt[2:], 0xffff)
		hdr = 20
	}

	// goflow2 takes a set that runs past the packet for a short one:
	// decode only the whole sets.
	end, whole := setsEnd(pkt, hdr)
	if !whole {
		d.ctr.Malformed++
	}
	pkt = pkt[:end]
	ex.tmpl.added = false
	err := netflow.DecodeMessageVersion(bytes.NewBuffer(pkt), ex.tmpl, &p9, &p10)
	switch {
	case err == nil, !whole:
	case errors.Is(err, netflow.ErrorTemplateNotFound):
		// Data sets without a template come back raw; they wait below.
	case errors.Is(err, errTooMany), errors.Is(err, errEmptyTemplate):
		d.ctr.TemplatesRefused++
	default:
		d.ctr.Malformed++
	}

	version, obs, sets := p9.Version, p9.SourceId, p9.FlowSets
	tb := timeBase{
		exportNs: int64(p9.UnixSeconds) * 1e9,
		bootNs:   int64(p9.UnixSeconds)*1e9 - int64(p9.SystemUptime)*1e6,
		bootOK:   true,
	}
	if p10.Version == 10 {
		version, obs, sets = 10, p10.ObservationDomainId, p10.FlowSets
		tb = timeBase{exportNs: int64(p10.ExportTime) * 1e9}
	}
	dom := ex.domain(obs)

	// Options first: a packet's sampling rate and boot time apply to the
	// flows it carries.
	for _, s := range sets {
		if os, ok := s.(netflow.OptionsDataFlowSet); ok {
			d.options(dom, os.Records)
		}
	}
	if version == 10 && dom.bootOK {
		tb.bootNs, tb.bootOK = dom.bootNs, true
	}
	for _, s := range sets {
		switch fs := s.(type) {
		case netflow.DataFlowSet:
			out = d.records(fs.Records, &tb, dom, out)
		case netflow.RawFlowSet:
			d.hold(ex, pendingSet{version: version, obsDomain: obs, id: fs.Id,
				data: bytes.Clone(fs.Records), tb: tb, recvNs: recvNs})
		}
	}
	if ex.tmpl.added && len(ex.pending) > 0 {
		out = d.replay(ex, recvNs, out)
	}
	return out
}

// records turns the data records of one set into Flows.
func (d *Decoder) records(recs []netflow.DataRecord, tb *timeBase, dom *domain,
	out []Flow) []Flow {
	var f, rev Flow
	for i := range recs {
		switch flowFromFields(recs[i].Values, tb, &f, &rev) {
		case recordIPv4:
			if f.Sampling == 0 {
				f.Sampling = dom.sampling
			}
			out = append(out, f)
			if rev.Packets > 0 {
				rev.Sampling = f.Sampling
				out = append(out, rev)
				d.ctr.Reverse++
			}
		case recordIPv6:
			d.ctr.IPv6++
		default:
			d.ctr.NoAddress++
		}
	}
	return out
}

// options reads the sampling rate and boot time out of options records.
func (d *Decoder) options(dom *domain, recs []netflow.OptionsDataRecord) {
	for i := range recs {
		var intv, space, size, pop uint64
		for _, dv := range recs[i].OptionsValues {
			b, ok := dv.Value.([]byte)
			if !ok || dv.PenProvided || len(b) == 0 {
				continue
			}
			v := uintOf(b)
			switch dv.Type {
			case ieSamplingIntv, ieSamplerRandom:
				dom.sampling = uint32(min(v, 1<<31))
			case ieSamplePktIntv:
				intv = v
			case ieSamplePktSpace:
				space = v
			case ieSampleSize:
				size = v
			case ieSamplePop:
				pop = v
			case ieSysInitMillis:
				dom.bootNs, dom.bootOK = int64(v)*1e6, true
			}
		}
		if r := intervalRate(intv, space); r > 0 {
			dom.sampling = r
		}
		if size > 0 && pop >= size {
			dom.sampling = uint32(min(pop/size, 1<<31))
		}
		d.ctr.OptionRecords++
	}
}

// setsEnd returns how many bytes of a v9 or IPFIX packet, from the start,
// hold its header and whole sets, and whether that is all of it. A set is
// whole when its length covers its own header and stays in the packet.
func setsEnd(pkt []byte, hdr int) (end int, whole bool) {
	if len(pkt) < hdr {
		return len(pkt), false
	}
	end = hdr
	for end+4 <= len(pkt) {
		n := int(binary.BigEndian.Uint16(pkt[end+2:]))
		if n < 4 || end+n > len(pkt) {
			return end, false
		}
		end += n
	}
	return end, end == len(pkt)
}
