package detector

import "unsafe"

// Memory per tracked source in each tier, for capacity planning and the
// benchmark report: the hot tier holds HotBytes for every source seen (up
// to Config.MaxSources), the detail tier DetailBytes for every suspect (up
// to Config.MaxSuspects). Both tiers are allocated in full by New.
const (
	HotBytes    = int(unsafe.Sizeof(hot{}))
	DetailBytes = int(unsafe.Sizeof(detail{}))
)
