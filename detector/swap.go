package detector

import "scanguard/fusion"

// SetFuser makes the detector decide with f from the next decision on. The
// source table and every sample gathered so far are kept: only the weights
// and thresholds change. Like every Detector method it must be called from
// the goroutine that owns the detector, which is how a worker picks up a
// configuration reloaded on SIGHUP at a batch boundary.
func (d *Detector) SetFuser(f *fusion.Fuser) {
	if f != nil {
		d.fuser = f
		d.quiet = f.QuietBelow()
	}
}
