package alert

// Reconfigure replaces the suppression rules — window, confidence step,
// minimum severity, allowlist and per-network sensitivity — with those of
// cfg, keeping every source remembered so far, as on SIGHUP. When cfg
// remembers fewer sources than are remembered now, the least recently
// alerted are forgotten. On error the rules in force are kept.
func (s *Suppressor) Reconfigure(cfg SuppressConfig) error {
	n, err := NewSuppressor(cfg)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.windowNs, s.step, s.min, s.max = n.windowNs, n.step, n.min, n.max
	s.allow, s.sens = n.allow, n.sens
	for s.order.Len() > s.max {
		oldest := s.order.Front()
		delete(s.bySrc, oldest.Value.(*suppressEntry).ip)
		s.order.Remove(oldest)
		s.stats.Evictions++
	}
	return nil
}

// Reconfigure replaces the pipeline's suppression rules without losing
// the sources it remembers; see Suppressor.Reconfigure.
func (p *Pipeline) Reconfigure(cfg SuppressConfig) error { return p.sup.Reconfigure(cfg) }
