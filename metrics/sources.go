// Package metrics exports scanguard's counters to Prometheus.
//
// Nothing here is called per packet. Workers keep their own counters (plain
// fields, or a BatchTimer written by one goroutine); a Collector reads them
// through snapshot functions when Prometheus scrapes, and turns them into
// constant metrics. The pipeline's speed therefore does not depend on how
// often, or whether, anyone scrapes.
package metrics

import "scanguard/record"

// Count is one labelled counter value.
type Count struct {
	Name  string // the label value, such as a drop cause
	Value uint64
}

// Stage is the traffic that passed one stage of the pipeline.
type Stage struct {
	Name    string // rx, parsed, detector, …
	Packets uint64
	Bytes   uint64
}

// Table describes the source table, summed over workers.
type Table struct {
	Tracked         uint64 // sources in the hot tier now
	Capacity        uint64 // the hot tier's configured size, 0 if unknown
	Suspects        uint64 // sources in the detail tier now
	Evictions       uint64 // sources evicted from the hot tier
	DetailEvictions uint64 // suspects whose details were reclaimed
}

// AlertCount is how many alerts of one type and severity were sent.
type AlertCount struct {
	Type     string
	Severity string
	N        uint64
}

// Sink is one alert sink's queue and delivery counters.
type Sink struct {
	Name       string
	Depth      int
	Capacity   int
	Sent       uint64
	Dropped    uint64 // refused because the queue was full
	Lost       uint64 // queued but undelivered at shutdown
	Errors     uint64
	Reconnects uint64
	Connected  bool
}

// Sources are the snapshot functions a Collector calls on each scrape. Any
// of them may be nil; its metrics are then left out. Each must be safe to
// call from the scraping goroutine while the pipeline runs, and should
// return quickly.
type Sources struct {
	// Stages returns packets and bytes per pipeline stage.
	Stages func() []Stage
	// ParseDrops returns frames the parser skipped, by cause; ParseDrops
	// below builds it from record.Counters.
	ParseDrops func() []Count
	// Drops returns records or alerts lost inside the pipeline, by cause:
	// "ring" for full worker rings, "sink" for full sink queues, …
	Drops func() []Count
	// Table returns the source table's occupancy and evictions.
	Table func() Table
	// Alerts returns the alerts sent, by type and severity.
	Alerts func() []AlertCount
	// Suppressed returns the verdicts that did not become alerts, by
	// reason (duplicate, allowlisted, below_severity).
	Suppressed func() []Count
	// Sinks returns each sink's counters.
	Sinks func() []Sink
	// Batches returns the per-batch processing time histogram, merged over
	// workers.
	Batches func() HistogramSnapshot
}

// ParseDrops lists the causes for which the parser skipped a frame, from
// its counters: every frame that did not become a Record is in exactly one.
func ParseDrops(c record.Counters) []Count {
	return []Count{
		{"ipv6", c.IPv6},
		{"arp", c.ARP},
		{"other_l3", c.OtherL3},
		{"other_l4", c.OtherL4},
		{"fragment", c.Fragments},
		{"truncated", c.Truncated},
		{"malformed", c.Malformed},
		{"unknown_link", c.UnknownLink},
	}
}
