package detector

import "scanguard/fusion"

// observer hands every decision to a callback, for tools that study the
// detector rather than act on its alerts.
type observer struct {
	fn   func(v *fusion.Verdict)
	last fusion.Verdict
}

// see passes v to the callback, if any. It copies v into the observer so
// that the caller's verdict stays on its stack: a decision allocates
// nothing, observed or not.
func (o *observer) see(v *fusion.Verdict) {
	if o.fn == nil {
		return
	}
	o.last = *v
	o.fn(&o.last)
}

// OnDecision makes the detector call fn with the verdict of every fusion
// decision it takes, escalation or not, including those Flush takes. The
// verdict embeds the evidence it was decided on. fn runs on the detector's
// goroutine and must not keep the pointer past the call. A nil fn stops
// the calls. This is how `scanguard train` reads the evidence at the
// moments the detector decides.
func (d *Detector) OnDecision(fn func(v *fusion.Verdict)) {
	d.obs.fn = fn
}
