// Package e2e holds scanguard's end-to-end tests: the built binary's
// `analyze` command run over real captures, and its alerts checked against
// the captures' labels. The captures are the shared corpus, the small lab
// capture in testdata/lab and, as root, fresh ones that scripts/lab.sh makes
// by running masscan, zmap, nmap, hping3 and benign clients in network
// namespaces.
//
//	go test -v -run TestCorpus ./e2e   # prints the per-source table
//
// The package has no code outside its tests.
package e2e
