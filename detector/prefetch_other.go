//go:build !amd64

package detector

func prefetchBucket(p *hot) {}
