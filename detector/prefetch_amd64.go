package detector

// prefetchBucket asks the CPU to start loading the 256-byte bucket at p
// into cache (two PREFETCHT0, one per pair of lines, which the adjacent-
// line prefetcher completes). It returns at once.
//
//go:noescape
func prefetchBucket(p *hot)
