package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "scanguard"

// Collector turns the Sources' snapshots into Prometheus metrics on each
// scrape. It holds no counters of its own.
type Collector struct {
	src Sources

	stagePackets, stageBytes      *prometheus.Desc
	parseDrops, drops             *prometheus.Desc
	tracked, capacity, suspects   *prometheus.Desc
	evictions, detailEvictions    *prometheus.Desc
	alerts, suppressed            *prometheus.Desc
	sinkDepth, sinkCapacity       *prometheus.Desc
	sinkSent, sinkDropped         *prometheus.Desc
	sinkLost, sinkErrors          *prometheus.Desc
	sinkReconnects, sinkConnected *prometheus.Desc
	batch                         *prometheus.Desc
}

// NewCollector returns a Collector reading src.
func NewCollector(src Sources) *Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(namespace+"_"+name, help, labels, nil)
	}
	return &Collector{
		src:          src,
		stagePackets: d("stage_packets_total", "Packets that passed a pipeline stage.", "stage"),
		stageBytes:   d("stage_bytes_total", "Bytes that passed a pipeline stage.", "stage"),
		parseDrops:   d("parse_drops_total", "Frames the parser skipped, by cause.", "cause"),
		drops: d("drops_total",
			"Records or alerts lost inside the pipeline, by cause (ring, sink, ...).", "cause"),
		tracked:  d("sources_tracked", "Sources in the hot tier of the source table."),
		capacity: d("sources_capacity", "Configured size of the hot tier of the source table."),
		suspects: d("suspects_tracked", "Sources with detail state (suspects)."),
		evictions: d("source_evictions_total",
			"Sources evicted from the hot tier to stay within its size."),
		detailEvictions: d("suspect_evictions_total", "Suspects whose detail state was reclaimed."),
		alerts:          d("alerts_total", "Alerts sent, by type and severity.", "type", "severity"),
		suppressed: d("alerts_suppressed_total",
			"Verdicts that did not become alerts, by reason.", "reason"),
		sinkDepth:    d("sink_queue_depth", "Alerts waiting in a sink's queue.", "sink"),
		sinkCapacity: d("sink_queue_capacity", "Size of a sink's queue.", "sink"),
		sinkSent:     d("sink_sent_total", "Alerts a sink delivered.", "sink"),
		sinkDropped: d("sink_dropped_total",
			"Alerts a sink refused because its queue was full.", "sink"),
		sinkLost: d("sink_lost_total",
			"Alerts queued but not delivered before shutdown's deadline.", "sink"),
		sinkErrors:     d("sink_errors_total", "Failed connects and writes of a sink.", "sink"),
		sinkReconnects: d("sink_reconnects_total", "Successful reconnects of a sink.", "sink"),
		sinkConnected:  d("sink_connected", "1 when a sink's destination is open.", "sink"),
		batch: d("batch_duration_seconds",
			"Time a worker took to process one batch of records."),
	}
}

// Describe sends the descriptors of every metric the Collector may emit.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.stagePackets, c.stageBytes, c.parseDrops, c.drops, c.tracked, c.capacity,
		c.suspects, c.evictions, c.detailEvictions, c.alerts, c.suppressed,
		c.sinkDepth, c.sinkCapacity, c.sinkSent, c.sinkDropped, c.sinkLost,
		c.sinkErrors, c.sinkReconnects, c.sinkConnected, c.batch,
	} {
		ch <- d
	}
}

// Collect calls each snapshot function once and emits its metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}

	if f := c.src.Stages; f != nil {
		for _, s := range f() {
			counter(c.stagePackets, s.Packets, s.Name)
			counter(c.stageBytes, s.Bytes, s.Name)
		}
	}
	if f := c.src.ParseDrops; f != nil {
		for _, d := range f() {
			counter(c.parseDrops, d.Value, d.Name)
		}
	}
	var sinks []Sink
	if f := c.src.Sinks; f != nil {
		sinks = f()
	}
	c.collectDrops(counter, sinks)
	if f := c.src.Table; f != nil {
		t := f()
		gauge(c.tracked, float64(t.Tracked))
		gauge(c.capacity, float64(t.Capacity))
		gauge(c.suspects, float64(t.Suspects))
		counter(c.evictions, t.Evictions)
		counter(c.detailEvictions, t.DetailEvictions)
	}
	if f := c.src.Alerts; f != nil {
		for _, a := range f() {
			counter(c.alerts, a.N, a.Type, a.Severity)
		}
	}
	if f := c.src.Suppressed; f != nil {
		for _, s := range f() {
			counter(c.suppressed, s.Value, s.Name)
		}
	}
	for _, s := range sinks {
		gauge(c.sinkDepth, float64(s.Depth), s.Name)
		gauge(c.sinkCapacity, float64(s.Capacity), s.Name)
		counter(c.sinkSent, s.Sent, s.Name)
		counter(c.sinkDropped, s.Dropped, s.Name)
		counter(c.sinkLost, s.Lost, s.Name)
		counter(c.sinkErrors, s.Errors, s.Name)
		counter(c.sinkReconnects, s.Reconnects, s.Name)
		connected := 0.0
		if s.Connected {
			connected = 1
		}
		gauge(c.sinkConnected, connected, s.Name)
	}
	if f := c.src.Batches; f != nil {
		ch <- c.histogram(f())
	}
}

// collectDrops emits drops_total: the causes Drops gives, and "sink" as the
// sum of the sinks' full-queue drops unless Drops names it itself.
func (c *Collector) collectDrops(counter func(*prometheus.Desc, uint64, ...string), sinks []Sink) {
	haveSink := false
	if f := c.src.Drops; f != nil {
		for _, d := range f() {
			counter(c.drops, d.Value, d.Name)
			haveSink = haveSink || d.Name == "sink"
		}
	}
	if c.src.Sinks != nil && !haveSink {
		var n uint64
		for _, s := range sinks {
			n += s.Dropped
		}
		counter(c.drops, n, "sink")
	}
}

func (c *Collector) histogram(h HistogramSnapshot) prometheus.Metric {
	buckets := make(map[float64]uint64, len(BatchBuckets))
	var cum uint64
	for i, b := range BatchBuckets {
		cum += h.Buckets[i]
		buckets[b.Seconds()] = cum
	}
	return prometheus.MustNewConstHistogram(c.batch, h.Count, h.Sum.Seconds(), buckets)
}
