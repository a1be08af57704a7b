package netflow

import (
	"bytes"

	"github.com/netsampler/goflow2/v2/decoders/netflow"
)

// hold keeps a data set whose template has not arrived. Exporters send
// templates only every so often (softflowd every few packets, routers
// every few minutes), so after a collector or exporter restart data comes
// first. The oldest sets go when the exporter's share is full.
func (d *Decoder) hold(ex *exporter, ps pendingSet) {
	if len(ps.data) > d.cfg.MaxPendingBytes {
		d.ctr.PendingDropped++
		return
	}
	for ex.pendSize+len(ps.data) > d.cfg.MaxPendingBytes && len(ex.pending) > 0 {
		d.dropPending(ex, 1)
	}
	ex.pending = append(ex.pending, ps)
	ex.pendSize += len(ps.data)
	d.ctr.Held++
	d.ctr.Waiting++
}

// dropPending forgets the n oldest waiting sets of ex.
func (d *Decoder) dropPending(ex *exporter, n int) {
	for i := range n {
		ex.pendSize -= len(ex.pending[i].data)
	}
	d.ctr.PendingDropped += uint64(n)
	d.ctr.Waiting -= uint64(n)
	ex.pending = append(ex.pending[:0], ex.pending[n:]...)
}

// replay decodes the waiting sets of ex whose template is now known, and
// forgets those that waited longer than TemplateWait. Options sets go
// first, so their sampling rate and boot time reach the flows replayed
// with them.
func (d *Decoder) replay(ex *exporter, nowNs int64, out []Flow) []Flow {
	kept := ex.pending[:0]
	var ready []pendingSet
	for _, ps := range ex.pending {
		tmpl, err := ex.tmpl.GetTemplate(ps.version, ps.obsDomain, ps.id)
		switch {
		case err == nil:
			d.replayOptions(ex, &ps, tmpl)
			ready = append(ready, ps)
		case nowNs-ps.recvNs > d.cfg.TemplateWait.Nanoseconds():
			d.ctr.PendingDropped++
			d.ctr.Waiting--
		default:
			kept = append(kept, ps)
			continue
		}
		ex.pendSize -= len(ps.data)
	}
	ex.pending = kept
	for i := range ready {
		ps := &ready[i]
		tr, ok := must[netflow.TemplateRecord](ex.tmpl.GetTemplate(ps.version, ps.obsDomain,
			ps.id))
		if !ok {
			continue
		}
		recs, err := netflow.DecodeDataSet(ps.version, bytes.NewBuffer(ps.data), tr.Fields)
		if err != nil {
			d.ctr.Malformed++
		}
		dom := ex.domain(ps.obsDomain)
		if ps.version == 10 && !ps.tb.bootOK && dom.bootOK {
			ps.tb.bootNs, ps.tb.bootOK = dom.bootNs, true
		}
		n := len(out)
		out = d.records(recs, &ps.tb, dom, out)
		d.ctr.Replayed += uint64(len(out) - n)
		d.ctr.Waiting--
	}
	return out
}

// replayOptions decodes a waiting options set once its template is known.
func (d *Decoder) replayOptions(ex *exporter, ps *pendingSet, tmpl any) {
	scope, fields := templateFields(tmpl)
	if _, isData := tmpl.(netflow.TemplateRecord); isData {
		return
	}
	recs, err := netflow.DecodeOptionsDataSet(ps.version, bytes.NewBuffer(ps.data), scope,
		fields)
	if err != nil {
		d.ctr.Malformed++
	}
	d.options(ex.domain(ps.obsDomain), recs)
	d.ctr.Waiting--
}

// must returns the template as a T when err is nil and it is one.
func must[T any](tmpl any, err error) (T, bool) {
	t, ok := tmpl.(T)
	return t, ok && err == nil
}
