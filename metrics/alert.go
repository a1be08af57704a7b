package metrics

import "scanguard/alert"

// AddAlertPipeline points the alert-stage sources of s (Alerts, Suppressed
// and Sinks) at p's counters.
func (s *Sources) AddAlertPipeline(p *alert.Pipeline) {
	s.Alerts = func() []AlertCount {
		st := p.Stats()
		out := make([]AlertCount, len(st.Alerts))
		for i, a := range st.Alerts {
			out[i] = AlertCount{Type: a.Type, Severity: a.Severity, N: a.N}
		}
		return out
	}
	s.Suppressed = func() []Count {
		st := p.Stats()
		var out []Count
		for d := alert.DecisionDuplicate; d <= alert.DecisionBelowSeverity; d++ {
			out = append(out, Count{Name: d.String(), Value: st.Suppress.Decisions[d]})
		}
		return out
	}
	s.Sinks = func() []Sink {
		st := p.Stats()
		out := make([]Sink, len(st.Sinks))
		for i, k := range st.Sinks {
			out[i] = Sink{
				Name: k.Name, Depth: k.Depth, Capacity: k.Capacity, Sent: k.Sent,
				Dropped: k.Dropped, Lost: k.Lost, Errors: k.Errors,
				Reconnects: k.Reconnects, Connected: k.Connected,
			}
		}
		return out
	}
}
