package record_test

import (
	"path/filepath"
	"scanguard/internal/corpus"
	"testing"

	"github.com/google/gopacket/layers"

	"scanguard/record"
)

// fuzzLinks are the link types FuzzParse picks from by its second input;
// the last one is unknown to the parser.
var fuzzLinks = []record.LinkType{
	record.LinkEthernet, record.LinkRawLegacy, record.LinkRaw, record.LinkLinuxSLL,
	record.LinkIPv4, record.LinkIPv6, record.LinkLinuxSLL2, 0xffff,
}

// linkIndex returns the index of l in fuzzLinks.
func linkIndex(l record.LinkType) uint8 {
	for i, fl := range fuzzLinks {
		if fl == l {
			return uint8(i)
		}
	}
	return uint8(len(fuzzLinks) - 1)
}

// fuzzRef is the reference decoder of the fuzz target; fuzz inputs of one
// process run one at a time.
var fuzzRef = newRefDecoder()

// FuzzParse checks that no input panics the parser, that every frame lands
// in exactly one counter, and that whenever gopacket decodes an IPv4
// transport header cleanly, the parser fills the same Record.
func FuzzParse(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, frame []byte, li uint8) {
		link := fuzzLinks[int(li)%len(fuzzLinks)]
		var p record.Parser
		var got record.Record
		ok := p.Parse(frame, link, testTs, &got)

		c := p.Counters
		if c.Frames != 1 || c.Records()+c.Skipped() != 1 || ok != (c.Records() == 1) {
			t.Fatalf("Parse = %v with counters %+v", ok, c)
		}
		if ok && (got.Family != 4 || got.TsNs != testTs) {
			t.Fatalf("filled record has family %d, time %d", got.Family, got.TsNs)
		}

		burst := p.ParseBurst([][]byte{frame}, []int64{testTs}, link, nil)
		wantN := 0
		if ok {
			wantN = 1
		}
		if len(burst) != wantN || (ok && burst[0] != got) {
			t.Fatalf("ParseBurst = %+v, Parse = %v %+v", burst, ok, got)
		}

		want, wantOK := fuzzRef.decode(frame, link, testTs)
		if wantOK && (!ok || got != want) {
			t.Fatalf("gopacket decodes the frame cleanly but Parse = %v (counters %+v)\n"+
				" got %+v\nwant %+v", ok, c, got, want)
		}
	})
}

// addFuzzSeeds seeds the fuzzer with real frames from the corpus (when
// present) and testdata, and with cooked, tagged and option-heavy frames.
func addFuzzSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pcap"))
	if d, err := corpus.Dir(); err == nil {
		more, _ := filepath.Glob(filepath.Join(d, "*.pcap"))
		files = append(files, more...)
	}
	for _, path := range files {
		c := readPcap(f, path)
		for i := 0; i < len(c.frames); i += 1 + len(c.frames)/8 {
			f.Add(c.frames[i], linkIndex(c.link))
		}
	}

	synIP := serialize(f, ip4(layers.IPProtocolTCP), linuxSYN())
	udpIP := serialize(f, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 53, DstPort: 5353})
	for _, seed := range []struct {
		frame []byte
		link  record.LinkType
	}{
		{sll(synIP, 0x0800), record.LinkLinuxSLL},
		{sll2(synIP, 0x0800), record.LinkLinuxSLL2},
		{sll2(append([]byte{0, 7, 8, 0}, udpIP...), 0x8100), record.LinkLinuxSLL2},
		{ether(synIP, 0x8100, 0x0800), record.LinkEthernet},
		{ether(synIP, 0x88a8, 0x8100, 0x0800), record.LinkEthernet},
		{ether(udpIP, 0x9100, 0x0800), record.LinkEthernet},
		{synIP, record.LinkRaw},
		{withRawOptions(f, []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 5, 180, 3, 3, 7}),
			record.LinkIPv4},
	} {
		f.Add(seed.frame, linkIndex(seed.link))
	}
}
