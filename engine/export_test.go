package engine

// SetCPUs changes the CPUs e pins its workers to after New has validated
// them, so that a test can make pinning fail at Start.
func SetCPUs(e *Engine, cpus []int) { e.cfg.CPUs = cpus }
