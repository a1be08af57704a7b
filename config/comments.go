package config

// comments holds the comment `scanguard config default` writes above each
// key, by YAML path with list indices written as []. A test checks that
// every key of the default configuration has one.
var comments = map[string]string{
	"workers": "Detection workers; each owns the sources that hash to it " +
		"(detector.Shard of the prober's address). 0: one per CPU.",
	"fingerprints": "Fingerprint database (YAML). Empty: the database built into " +
		"the binary (masscan, zmap, nmap, hping3, mirai ... with version ranges).",

	"detector": "The per-source state table and when decisions are taken.",
	"detector.max_sources": "Hot tier: 32 bytes per source seen, rounded up to a power " +
		"of two. When full, the stalest source of the bucket is evicted, so a flood of " +
		"spoofed sources never grows memory past this.",
	"detector.max_suspects": "Detail tier: about 4 KiB of samples per source that " +
		"looks like a scanner.",
	"detector.promote_probes": "Promote a source to the detail tier after this many " +
		"probes ...",
	"detector.promote_targets": "... to this many distinct targets. A fingerprint or " +
		"exact-relation hit promotes at once. Lower values give unnamed scanners a " +
		"fuller early sample; higher ones keep busy clients out of the tier (3 and 3 " +
		"cost a third of the mixed-traffic rate). A netflow source uses at most 3 and 3.",
	"detector.idle": "A source silent this long starts afresh.",
	"detector.decide_every_until": "Decide on every probe of a suspect up to this " +
		"many probes (early warning happens at 10-20) ...",
	"detector.checkpoints":  "... then at these probe counts ...",
	"detector.decide_every": "... then every this many probes.",
	"detector.rate_window": "Timing test (seed 4.2): gaps at least this long are " +
		"pauses, not pacing, and are left out of the coefficient of variation.",
	"detector.rate_min_gaps": "Fewest inter-arrival gaps the timing test needs.",

	"fusion": "Weights and thresholds that turn evidence into a verdict (seed 5.6, 6, " +
		"8.1), corrected where captures of the real tools proved the design document " +
		"wrong (see the notes on each row).",
	"fusion.attribute_after": "Probes in a row that must match one fingerprint entry " +
		"before the alert names its tool.",
	"fusion.vote": "The design document's weighted vote (5.6): each feature that " +
		"holds adds its weight; a total of threshold detects.",
	"fusion.vote.min_probes": "The vote runs from this many probes on " +
		"(the seed's syn_count_threshold).",
	"fusion.vote.port_entropy_bits": "Source-port entropy above this adds its " +
		"weight; judged against the sample size, as n probes show at most log2(n) bits.",
	"fusion.vote.port_entropy_weight": "Seed: +30. masscan sends a whole run from one " +
		"source port, so this never votes for it.",
	"fusion.vote.rate_cv_max": "Inter-arrival coefficient of variation below this " +
		"adds its weight (seed: CV < 0.05).",
	"fusion.vote.rate_cv_weight": "Seed: +30. On the captures masscan's CV is 0.7 to " +
		"50 (bursty); this rarely votes.",
	"fusion.vote.fingerprint_min": "Average header fingerprint score (0-100) that " +
		"adds its weight (seed: 60).",
	"fusion.vote.fingerprint_weight": "Seed: +40.",
	"fusion.vote.target_unique_min": "Not in the design document: share of probes " +
		"that go to a new (address, port); replaces source-port uniqueness, which " +
		"masscan's single source port never shows.",
	"fusion.vote.target_unique_weight": "Weight of target uniqueness.",
	"fusion.vote.threshold":            "Score that detects (seed: 60).",
	"fusion.vote.min_targets": "Distinct targets the vote needs, so a busy client " +
		"talking to one server never qualifies.",
	"fusion.vote.max_payload_share": "Largest share of the source's packets that " +
		"carry data: scanners do not use their connections.",
	"fusion.early.min_refused_share": "Share of probes refused that the early " +
		"score needs when the fingerprint reached only the low tier: a macOS " +
		"client's window and MSS already score 50 against zmap 4.1's entry.",
	"fusion.vote.min_refused_share": "Share of probes refused (RST or unreachable) " +
		"that a vote needs when the fingerprint did not vote: resolvers, crawlers, " +
		"health checkers and NAT gateways fan out with fresh source ports too, but are " +
		"not refused. Refusals rather than missing answers, which lag the probes.",
	"fusion.vote.min_syn_share": "Share of probes that must be SYNs: the seed's " +
		"engine counts SYN packets, and a DNS client's fresh ports are no scan.",
	"fusion.vote.exclude_dispersed": "Keep sources spread like a peer-to-peer client " +
		"(see fusion.signals.dispersed_*) out of the vote.",
	"fusion.vote.severity": "Severity of a vote detection.",

	"fusion.early":            "Early detection at 10-20 probes (seed 8.1).",
	"fusion.early.min_probes": "First probe count the early score is taken at.",
	"fusion.early.max_probes": "Last probe count the early score is taken at.",
	"fusion.early.fingerprint_high": "Average fingerprint score that earns " +
		"fingerprint_high_points ...",
	"fusion.early.fingerprint_high_points": "... (seed: +40).",
	"fusion.early.fingerprint_low":         "Average score that earns fingerprint_low_points ...",
	"fusion.early.fingerprint_low_points":  "... (seed: +20).",
	"fusion.early.uniqueness": "What must be distinct: targets or source_ports. The " +
		"seed counts distinct source ports; masscan uses one, so the default counts " +
		"distinct targets.",
	"fusion.early.unique_high":        "Distinct count that earns unique_high_points ...",
	"fusion.early.unique_high_points": "... (seed: +30).",
	"fusion.early.unique_low":         "Distinct count that earns unique_low_points ...",
	"fusion.early.unique_low_points":  "... (seed: +15).",
	"fusion.early.threshold":          "Early score that raises an alert.",
	"fusion.early.severity":           "Severity of an early alert.",

	"fusion.matrix": "The threshold matrix (seed section 6). Every alerting row " +
		"that holds proposes its confidence and the highest wins; ignore and exclude " +
		"rows decide only when no alerting rule holds. Document rows are noted as " +
		"'seed row N'.",
	"fusion.matrix[].name": "Row name, written in the alert's rule field.",
	"fusion.matrix[].when": "Conditions, all of which must hold. Also available: " +
		"min_src_port_unique, max_port_entropy, min_rate_cv, max_rate_cv, " +
		"no_fingerprint. Entropies are in bits of the 16-bit port space, judged " +
		"against the sample size.",
	"fusion.matrix[].when.min_probes":          "At least this many probes from the source.",
	"fusion.matrix[].when.max_probes":          "At most this many probes.",
	"fusion.matrix[].when.min_fingerprint":     "Average header fingerprint score (0-100).",
	"fusion.matrix[].when.min_fingerprint_run": "Consecutive probes matching one entry.",
	"fusion.matrix[].when.min_invariant_run": "Consecutive probes on which the " +
		"entry's exact relation held (masscan's IP ID, zmap's IP ID 54321, nmap's " +
		"constant sequence number).",
	"fusion.matrix[].when.min_src_port_unique": "Share of probes with a new source port.",
	"fusion.matrix[].when.min_target_unique":   "Share of probes to a new (address, port).",
	"fusion.matrix[].when.min_port_entropy":    "Source-port entropy, bits.",
	"fusion.matrix[].when.max_port_entropy":    "Source-port entropy at most, bits.",
	"fusion.matrix[].when.max_rate_cv":         "Inter-arrival coefficient of variation at most.",
	"fusion.matrix[].when.min_rate_cv":         "Inter-arrival coefficient of variation at least.",
	"fusion.matrix[].when.min_targets":         "Distinct (address, port) targets.",
	"fusion.matrix[].when.min_unanswered_share": "Share of probes refused or never " +
		"answered.",
	"fusion.matrix[].when.max_payload_share": "Share of the source's packets with " +
		"data, at most.",
	"fusion.matrix[].when.no_fingerprint": "Only when no fingerprint entry matched.",
	"fusion.matrix[].when.same_entry": "The exact relation and the header " +
		"fingerprint belong to one entry: one tool's whole signature.",
	"fusion.matrix[].when.min_syns":      "SYN probes at least.",
	"fusion.matrix[].when.not_dispersed": "Not spread like a peer-to-peer client.",
	"fusion.matrix[].when.max_syn_share": "Share of probes that are SYNs, at most " +
		"(a UDP-only row).",
	"fusion.matrix[].when.max_sequential_share": "Share of steps to the next " +
		"address or port, at most: not a sweep in order (a traceroute walks its ports).",
	"fusion.matrix[].when.min_ports": "Distinct destination ports at least.",
	"fusion.matrix[].when.min_refused_share": "Share of probes refused with a RST or " +
		"an ICMP unreachable, at least.",
	"fusion.matrix[].confidence": "Confidence of the verdict, 0-100.",
	"fusion.matrix[].severity":   "low, medium, high or critical.",
	"fusion.matrix[].action":     "alert_now, alert, ignore or exclude.",
	"fusion.matrix[].tool":       "Tool named when the row holds and no fingerprint does.",

	"fusion.signals": "Single-method thresholds that decide which methods an alert " +
		"lists as supporting evidence.",
	"fusion.signals.seq_min_samples": "Sequence numbers needed for the SYN-cookie " +
		"randomness test (seed 2.2).",
	"fusion.signals.seq_max_autocorr": "Lag-1 autocorrelation below this: random " +
		"sequence numbers.",
	"fusion.signals.ipid_min_increment": "Share of increasing IP-ID steps (seed 2.3: " +
		"95%). masscan shows about 50%: its IP ID is (dst ip ^ dst port ^ seq) mod " +
		"2^16, which the exact relation catches instead.",
	"fusion.signals.port_unique_min":   "Source-port unique ratio (seed 3.1: 95%).",
	"fusion.signals.port_entropy_bits": "Source-port entropy, bits (seed 3.1).",
	"fusion.signals.dst_byte_entropy_bits": "Entropy of each destination byte (seed " +
		"3.2: 7.5). Fails by construction for any scan of less than the Internet.",
	"fusion.signals.dst_max_sequential_share": "Share of steps to ip+1 or port+1 " +
		"below which the order is random.",
	"fusion.signals.dst_max_order_correlation": "|Spearman rho| of arrival order " +
		"against target below which the order is random.",
	"fusion.signals.dst_min_samples": "Destinations needed for the order tests.",
	"fusion.signals.fan_out_targets": "Distinct targets that make fan-out (seed 4.1).",
	"fusion.signals.rate_cv_max":     "Coefficient of variation of fixed-rate sending (seed 4.2).",
	"fusion.signals.unanswered_min":  "Share of probes refused that lists REFUSALS.",
	"fusion.signals.dispersed_high_ports": "A source is dispersed, as a peer-to-peer " +
		"client is, when this share of its probes goes to ports >= 1024 ...",
	"fusion.signals.dispersed_spread": "... and its distinct addresses and distinct " +
		"ports are each at least this share of its distinct targets: every peer on " +
		"a port of its own. Scanners walk few ports over many addresses, or many " +
		"ports on few.",
	"fusion.model":           "The ML second opinion (seed 3.3, 5).",
	"fusion.model.enabled":   "Consult the model; off: rules alone.",
	"fusion.model.path":      "Model file from `scanguard train`; empty: the built-in one.",
	"fusion.model.threshold": "Probability that confirms an alerting verdict.",
	"fusion.model.reject_below": "Probability under which a verdict resting on " +
		"behaviour alone is withdrawn; packet-layer verdicts never are.",
	"fusion.model.min_probes": "Probes before the model is consulted.",

	"alert": "What becomes of verdicts: alerts, suppression, " +
		"enrichment, sinks.",
	"alert.recommendation":          "The alert's recommendation per severity.",
	"alert.recommendation.critical": "For critical verdicts.",
	"alert.recommendation.high":     "For high verdicts.",
	"alert.recommendation.medium":   "For medium verdicts.",
	"alert.recommendation.low":      "For low verdicts.",
	"alert.recommendation.none":     "For verdicts without a severity.",
	"alert.ipid_incremental_ratio": "Share of increasing IP-ID steps above which " +
		"features.ipid_incremental is true (seed: 95%).",
	"alert.suppression": "One alert per source per window, another on escalation. " +
		"Reloaded on SIGHUP.",
	"alert.suppression.window": "How long, in capture time, a source stays quiet " +
		"after an alert unless its verdict escalates.",
	"alert.suppression.confidence_step": "Alert again inside the window when " +
		"confidence grew by this much; 0: only on a higher severity.",
	"alert.suppression.max_sources": "Sources remembered; the least recently " +
		"alerted is forgotten first.",
	"alert.suppression.min_severity": "Lowest severity that alerts anywhere.",
	"alert.suppression.allow": "Sources that never alert, such as the SOC's own " +
		"scanner: - {cidr: 192.0.2.10/32, ports: \"40000-40100\"}. Reloaded on SIGHUP.",
	"alert.suppression.allow[].cidr":  "Network of the allowed sources; empty: any.",
	"alert.suppression.allow[].ports": "Source ports, such as \"53,40000-40100\"; empty: any.",
	"alert.suppression.sensitivity": "Minimum severity per network, longest prefix " +
		"wins: - {cidr: 198.51.100.0/24, min_severity: high}. Reloaded on SIGHUP.",
	"alert.suppression.sensitivity[].cidr":         "Network.",
	"alert.suppression.sensitivity[].min_severity": "Lowest severity that alerts for it.",
	"alert.enrich": "MaxMind-format databases for source.asn and source.geo; " +
		"absent ones leave the fields out. Reopened on SIGHUP.",
	"alert.enrich.asn_db":     "GeoLite2-ASN.mmdb or any database of the same layout.",
	"alert.enrich.country_db": "GeoLite2-Country.mmdb or -City.mmdb.",
	"alert.sinks": "Where alerts go; every alert goes to every sink. Each sink has a " +
		"bounded queue: a slow collector drops (counted, logged) and never slows " +
		"detection.",
	"alert.sinks[].name":     "Label in metrics; empty: type and address.",
	"alert.sinks[].type":     "stdout, file (JSON lines, reopened on SIGHUP) or syslog.",
	"alert.sinks[].path":     "File a file sink appends to.",
	"alert.sinks[].format":   "Syslog format: rfc5424 or rfc3164.",
	"alert.sinks[].network":  "Syslog transport: udp, tcp, unix or unixgram.",
	"alert.sinks[].address":  "host:port, or a socket path for unix transports.",
	"alert.sinks[].framing":  "Stream framing (RFC 6587): octet_counting or non_transparent.",
	"alert.sinks[].facility": "Syslog facility: kern ... local7.",
	"alert.sinks[].hostname": "Syslog HOSTNAME; empty: this machine's name.",
	"alert.sinks[].app_name": "Syslog APP-NAME (RFC 5424) or TAG (RFC 3164).",
	"alert.sinks[].queue_size": "Alerts that may wait for the sink before new ones " +
		"are dropped.",
	"alert.sinks[].dial_timeout":  "Bound on one connection attempt.",
	"alert.sinks[].write_timeout": "Bound on one write to a collector.",
	"alert.sinks[].backoff_min":   "First wait after a failure; doubles ...",
	"alert.sinks[].backoff_max":   "... up to this while the collector stays away.",

	"engine": "Live workers (scanguard run): batches of Records from the source to " +
		"the worker owning their source.",
	"engine.batch_size": "Records per batch.",
	"engine.queue_batches": "Batches that may wait for one worker; past that the " +
		"source drops (counted) instead of waiting.",
	"engine.cpus": "Pin worker i to cpus[i % len]; empty: no pinning. DPDK workers " +
		"are pinned the same way, and also registered with the EAL.",
	"engine.idle_flush": "After this long without packets a worker takes a last " +
		"decision on suspects that probed since their previous one; 0: never.",

	"source": "Where `scanguard run` reads packets.",
	"source.type": "afpacket (any Linux interface), dpdk (the dpdk section; a binary " +
		"built with -tags dpdk), pcap (replay files through the live engine) or " +
		"netflow (a NetFlow v5/v9/IPFIX collector; adds the flow_fan_out and " +
		"flow_early matrix rows unless fusion.matrix has rows of those names).",
	"source.afpacket":           "AF_PACKET with TPACKET_V3 rings; needs CAP_NET_RAW.",
	"source.afpacket.interface": "Interface to read, e.g. the SPAN or TAP port.",
	"source.afpacket.sockets":   "Sockets in the fanout group; 0: one per worker.",
	"source.afpacket.fanout": "How the kernel spreads frames over the sockets: hash " +
		"(flow hash), lb, cpu or qm.",
	"source.afpacket.fanout_group": "Fanout group id, unique on the host: any " +
		"process joining it shares the frames.",
	"source.afpacket.bpf": "Classic BPF filter as `tcpdump -ddd -i IFACE 'EXPR'` " +
		"prints it (count line, then code jt jf k per line); empty: every frame.",
	"source.afpacket.frame_size": "Largest frame kept, power of two >= 2048.",
	"source.afpacket.block_size": "Ring block size, a multiple of the page size and " +
		"of frame_size.",
	"source.afpacket.blocks": "Blocks per socket ring (ring = blocks x block_size).",
	"source.afpacket.block_timeout": "The kernel hands over a block after this even " +
		"when not full: bounds the delay a quiet link adds to an alert.",
	"source.pcap":       "Replay of capture files through the live engine.",
	"source.pcap.files": "pcap or pcapng files, gzip or not, read in order.",
	"source.pcap.speed": "1: real time, 10: ten times faster, 0: as fast as possible.",
	"source.pcap.max_gap": "Longest pause of a paced replay: a longer gap between two " +
		"packets (an idle capture, a timestamp years off) is replayed as this long and " +
		"counted in a warning. Longer than engine.idle_flush keeps idle flushes as live.",
	"source.netflow": "NetFlow v5, v9 and IPFIX collector: flows become probes, " +
		"answers and payload for the flow and behaviour layers; alerts say " +
		"attribution: flow_features and name the exporter.",
	"source.netflow.listen": "UDP address:port exporters send to (2055 NetFlow, " +
		"4739 IPFIX by custom); one socket takes every version.",
	"source.netflow.read_buffer": "Socket receive buffer in bytes; exporters send in " +
		"bursts. As root the kernel's rmem_max is bypassed.",
	"source.netflow.reorder": "Records are held this long and sorted by time: " +
		"exporters send flows when they expire, not in the order they started.",
	"source.netflow.max_exporters": "Exporters whose templates are kept; the least " +
		"recently heard is forgotten first.",
	"source.netflow.max_templates":     "Templates kept per exporter.",
	"source.netflow.template_wait":     "How long data that came before its template waits for it.",
	"source.netflow.max_pending_bytes": "Data waiting for a template, per exporter.",
	"source.netflow.sampling_rate": "1-in-N sampling assumed for exporters that do " +
		"not announce theirs; 0: none. Alerts scale counts by it.",
	"source.netflow.flows": "How a flow record becomes Records.",
	"source.netflow.flows.probe_max_bytes": "Largest mean packet size of a flow " +
		"whose data-less packets count as probes (a SYN with options is 60).",
	"source.netflow.flows.max_probes_per_flow":  "Most probe Records one flow gives.",
	"source.netflow.flows.max_payload_per_flow": "Most payload Records one flow gives.",

	"dpdk":     "DPDK data plane (source.type: dpdk). Needs a binary built with -tags dpdk.",
	"dpdk.eal": "Options of rte_eal_init.",
	"dpdk.eal.lcores": "Lcores: a list (0-2), a mask (0x6) or an lcore@cpu map. The " +
		"first is the main lcore; the others poll.",
	"dpdk.eal.main_lcore": "Main lcore; -1: the first of lcores.",
	"dpdk.eal.no_huge":    "Ordinary pages instead of hugepages (labs, CI).",
	"dpdk.eal.mem_mb":     "Memory the EAL reserves, MiB; 0: all hugepages it finds.",
	"dpdk.eal.file_prefix": "Name of the EAL's runtime files, so several DPDK " +
		"processes can share a host.",
	"dpdk.eal.no_pci": "Disable the PCI bus (virtual devices only).",
	"dpdk.eal.pci":    "PCI allowlist, e.g. 0000:3b:00.0.",
	"dpdk.eal.vdevs": "Virtual devices, e.g. net_pcap0,rx_pcap=a.pcap or " +
		"net_af_packet0,iface=eth1.",
	"dpdk.eal.log_level": "EAL log level: emergency ... debug.",
	"dpdk.eal.args":      "Further EAL arguments, passed as they are.",
	"dpdk.ports": "Ports to read: - {name: 0000:3b:00.0, rx_queues: 2, " +
		"rx_descriptors: 1024, mbufs: 8192, promiscuous: true}.",
	"dpdk.ports[].name":           "Device name: vdev name or PCI address.",
	"dpdk.ports[].rx_queues":      "RX queues, spread by RSS on the IPv4 source.",
	"dpdk.ports[].rx_descriptors": "Size of each RX descriptor ring.",
	"dpdk.ports[].mbufs":          "Least mbufs in the port's pool.",
	"dpdk.ports[].promiscuous":    "Promiscuous mode, for a passive tap.",
	"dpdk.workers":                "Ignored: the top-level workers key decides.",
	"dpdk.ring_size": "Records per lane of each worker's ring, a power of two; a " +
		"full lane drops and counts.",

	"metrics":                "Prometheus endpoint.",
	"metrics.listen":         "Address; loopback by default. Empty: no endpoint.",
	"metrics.path":           "HTTP path of the metrics.",
	"metrics.scrape_timeout": "Bound on one request.",

	"log":                "The process log (not the alerts).",
	"log.level":          "debug, info, warn or error.",
	"log.format":         "json, console, or auto: console on a terminal, JSON otherwise.",
	"log.stats_interval": "Period of the stats line (rate, drops, sources, alerts); 0: none.",
}

// rowComments notes, for each shipped threshold-matrix row, which design
// document row it is and where the captures overrode it.
var rowComments = map[string]string{
	"invariant_first_probe": "New: masscan's IP ID = (dst ip ^ dst port ^ seq) mod 2^16 " +
		"held on every one of 94,000 masscan probes and on none of 93,000 others. One " +
		"probe with that relation and the full header fingerprint is a high alert.",
	"invariant": "New: the exact relation on three probes in a row is critical.",
	"fingerprint_unique": "Seed row 1 (SYN >= 10 + fingerprint >= 80 + source ports " +
		"100% unique). masscan sends every probe from one source port, so target " +
		"uniqueness replaces source-port uniqueness: the seed's condition never " +
		"holds for masscan or nmap and holds for every Linux client. The seed's " +
		"fingerprint (TTL 64, window 16384, options MSS,NOP,WS,NOP,NOP,SACK) is not " +
		"masscan's: it sends TTL 255, window 1024 and no options.",
	"entropy_fixed_rate": "Seed row 2 (SYN >= 50 + entropy > 13 + CV < 0.05), plus " +
		"fan-out and no use of the connections: unique ephemeral ports are what a " +
		"Linux client has.",
	"entropy": "Seed row 3 (SYN >= 100 + entropy > 12), plus fan-out, mostly " +
		"unanswered probes and no payload, for the same reason.",
	"fingerprint_entropy": "Seed row 4 (SYN >= 20 + fingerprint + high port entropy), " +
		"plus fan-out.",
	"fixed_rate_entropy": "Seed row 5 (SYN >= 20 + CV < 0.01 + entropy > 13), plus " +
		"fan-out and no payload.",
	"few_probes": "Seed row 6 (SYN < 10): ignored unless a stronger rule holds, as " +
		"masscan's exact relation does from the first probe.",
	"low_entropy_jitter": "Seed row 7 (entropy < 10 + CV > 0.1): excluding. As " +
		"captured, masscan has one source port and a CV of 0.7 to 50, exactly this " +
		"row, so it decides only when nothing alerting holds and never vetoes.",
	"raw_fan_out": "New: a raw-packet header without an entry of its own, reaching " +
		"many mostly silent targets.",
	"connect_scan": "New: kernel SYNs (nmap -sT looks like a normal client) that " +
		"are mostly refused and never used; SYNs only, since a traceroute's UDP " +
		"probes are refused too, and not spread like a peer-to-peer client.",
	"udp_scan": "New: UDP probes to many targets, mostly unanswered, in an order " +
		"that is not a sweep (nmap -sU, masscan -pU; a traceroute walks its ports " +
		"one by one, and a resolver's queries get answers).",
}
