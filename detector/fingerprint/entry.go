package fingerprint

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"scanguard/record"
)

// What a header field is expected to hold.
const (
	expectAny = iota
	expectNone
	expectValue
)

// Probe classes an entry can apply to, one bit each.
const (
	probeSYN = 1 << iota
	probeFIN
	probeNull
	probeXmas
	probeUDP
	probeICMP
	probeACK
)

// IP-ID and sequence relations.
const (
	ipidAny = iota
	ipidXor
	ipidConst
)

const (
	seqAny = iota
	seqDstIP
	seqConstant
)

// entry is a compiled EntrySpec: fixed-size fields the matcher reads
// without allocating.
type entry struct {
	name, tool, versions string

	probes   uint8
	nWindow  uint8
	windows  [8]uint16
	mssKind  uint8
	mss      uint16
	wsKind   uint8
	ws       uint8
	optsAny  bool
	opts     uint32
	ttlMin   uint8
	ttlMax   uint8
	dfKind   uint8 // expectAny, or expectValue with df
	df       bool
	ipidRel  uint8
	ipidVal  uint16
	seqRel   uint8
	hasExact bool  // a per-packet exact relation
	require  uint8 // header fields that must match, whatever the score
}

// Header fields an entry can require, one bit each.
const (
	fieldWindow = 1 << iota
	fieldMSS
	fieldWScale
	fieldOptions
)

var fieldNames = map[string]uint8{
	"window": fieldWindow, "mss": fieldMSS, "wscale": fieldWScale, "options": fieldOptions,
}

var probeNames = map[string]uint8{
	"syn": probeSYN, "fin": probeFIN, "null": probeNull, "xmas": probeXmas,
	"udp": probeUDP, "icmp": probeICMP, "ack": probeACK,
}

var optionCodes = map[string]uint32{
	"NOP": record.OptNOP, "MSS": record.OptMSS, "WS": record.OptWScale,
	"SACKOK": record.OptSACKOK, "SACK": record.OptSACK, "TS": record.OptTS,
	"EOL": record.OptEOL,
}

func compileEntry(es EntrySpec) (entry, error) {
	e := entry{name: es.Name, tool: es.Tool, versions: es.Versions}
	var errs []error
	if es.Name == "" || es.Tool == "" {
		errs = append(errs, errors.New("name and tool: must be set"))
	}
	for _, p := range es.Probes {
		bit, ok := probeNames[p]
		if !ok {
			errs = append(errs, fmt.Errorf("probes: unknown probe %q", p))
		}
		e.probes |= bit
	}
	if e.probes == 0 {
		errs = append(errs, errors.New("probes: must name at least one probe"))
	}
	if len(es.Window) > len(e.windows) {
		errs = append(errs, fmt.Errorf("window: at most %d values", len(e.windows)))
	}
	for i, w := range es.Window {
		if w < 0 || w > 65535 {
			errs = append(errs, fmt.Errorf("window: %d out of range", w))
		} else if i < len(e.windows) {
			e.windows[i] = uint16(w)
			e.nWindow++
		}
	}
	var v int
	var err error
	if e.mssKind, v, err = parseExpect(es.MSS); err != nil {
		errs = append(errs, fmt.Errorf("mss: %w", err))
	}
	e.mss = uint16(v)
	if e.wsKind, v, err = parseExpect(es.WScale); err != nil || v > 14 {
		errs = append(errs, fmt.Errorf("wscale: must be none, any or 0..14"))
	}
	e.ws = uint8(v)
	if e.opts, e.optsAny, err = parseOptions(es.Options); err != nil {
		errs = append(errs, fmt.Errorf("options: %w", err))
	}
	e.ttlMin, e.ttlMax = 1, 255
	if len(es.TTL) != 0 {
		if len(es.TTL) != 2 || es.TTL[0] < 0 || es.TTL[0] > es.TTL[1] || es.TTL[1] > 255 {
			errs = append(errs, errors.New("ttl: must be [min, max] within 0..255"))
		} else {
			e.ttlMin, e.ttlMax = uint8(es.TTL[0]), uint8(es.TTL[1])
		}
	}
	if es.DF != nil {
		e.dfKind, e.df = expectValue, *es.DF
	}
	for _, f := range es.Require {
		bit, ok := fieldNames[f]
		if !ok {
			errs = append(errs, fmt.Errorf("require: unknown field %q", f))
		}
		e.require |= bit
	}
	if err := e.parseRelations(es.IPID, es.Seq); err != nil {
		errs = append(errs, err)
	}
	return e, errors.Join(errs...)
}

func (e *entry) parseRelations(ipid, seq string) error {
	var errs []error
	switch {
	case ipid == "" || ipid == "any":
	case ipid == "xor_dst_dport_seq":
		e.ipidRel, e.hasExact = ipidXor, true
	case strings.HasPrefix(ipid, "const:"):
		v, err := strconv.Atoi(strings.TrimPrefix(ipid, "const:"))
		if err != nil || v < 0 || v > 65535 {
			errs = append(errs, fmt.Errorf("ipid: %q is not const:0..65535", ipid))
		}
		e.ipidRel, e.ipidVal, e.hasExact = ipidConst, uint16(v), true
	default:
		errs = append(errs, fmt.Errorf("ipid: unknown relation %q", ipid))
	}
	switch seq {
	case "", "any":
	case "dst_ip":
		e.seqRel, e.hasExact = seqDstIP, true
	case "constant":
		e.seqRel = seqConstant
	default:
		errs = append(errs, fmt.Errorf("seq: unknown relation %q", seq))
	}
	if e.ipidRel != ipidAny && e.seqRel != seqAny {
		errs = append(errs, errors.New("ipid and seq: an entry takes one exact relation"))
	}
	return errors.Join(errs...)
}

// parseOptions turns "MSS,NOP,WS" into the Record's packed option code.
func parseOptions(p *string) (code uint32, any bool, err error) {
	if p == nil || *p == "any" {
		return 0, true, nil
	}
	if *p == "" {
		return 0, false, nil
	}
	kinds := strings.Split(*p, ",")
	if len(kinds) > record.MaxOpts {
		return 0, false, fmt.Errorf("at most %d options", record.MaxOpts)
	}
	for i, k := range kinds {
		c, ok := optionCodes[strings.TrimSpace(k)]
		if !ok {
			return 0, false, fmt.Errorf("unknown option %q", k)
		}
		code |= c << (4 * uint(i))
	}
	return code, false, nil
}
