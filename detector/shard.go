package detector

// Shard returns the worker, in [0, n), that owns the source key. Every packet
// source uses it (the DPDK lcores carry the same function in C), so a prober's
// probes and the replies to them land on one worker whatever the input path.
//
// The key is spread by a multiplicative hash and mapped onto n buckets by the
// high bits of a 32x32-bit product, which needs no division. n must be > 0.
func Shard(key uint32, n int) int {
	return int((uint64(key*0x9E3779B1) * uint64(n)) >> 32)
}
