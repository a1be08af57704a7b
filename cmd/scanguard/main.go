// Command scanguard detects Internet-wide port scanners — masscan, zmap,
// nmap and the rest — in live traffic or in capture files, names the tool
// and raises an alert within a few probes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage marks a command line that could not be understood; the usage
// text has been printed already.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "scanguard: %v\n", err)
		os.Exit(1)
	}
}

const usage = `usage: scanguard COMMAND [options]

commands:
  analyze [-c config.yaml] FILE...   find scanners in pcap/pcapng files (- reads stdin)
  run [-c scanguard.yaml]            watch live traffic (AF_PACKET, DPDK) or replay captures
  config check FILE | config default check a configuration, print the commented defaults
  bench [-profile P] [-workers N]    measure the detector on generated traffic
  train [-o model.json] LABELS...    fit the model fusion consults, from labelled captures
  version                            print version and build information
`

// run dispatches to the subcommand named by args[0].
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "analyze":
		return analyzeCmd(ctx, rest, stdout, stderr)
	case "bench":
		return benchCmd(ctx, rest, stdout, stderr)
	case "run":
		return runCmd(ctx, rest, stdout, stderr)
	case "config":
		return configCmd(rest, stdout, stderr)
	case "train":
		return trainCmd(rest, stdout, stderr)
	case "version":
		return versionCmd(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "scanguard: unknown command %q\n%s", cmd, usage)
	return errUsage
}
