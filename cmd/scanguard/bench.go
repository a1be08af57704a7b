package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"scanguard/bench"
	"scanguard/config"
)

// benchCmd is `scanguard bench`: generate a traffic profile and measure the
// detector on it, or write the profile to a pcap file.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := bench.Default()
	fs.StringVar(&cfg.Profile, "profile", cfg.Profile,
		"traffic `profile`: "+strings.Join(bench.ProfileNames(), ", "))
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "detector workers, one goroutine each")
	fs.IntVar(&cfg.Packets, "packets", 0, "packets to generate (0: the profile's default)")
	fs.IntVar(&cfg.Sources, "sources", 0,
		"clients, peers or spoofed sources in the profile (0: the profile's default)")
	fs.Float64Var(&cfg.ScanShare, "share", 0,
		"share of packets from and to scanners, in (0,1] (0: the profile's default)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the generator")
	fs.Float64Var(&cfg.LinkPps, "link-pps", cfg.LinkPps, "capture-time packet rate of the link")
	fs.IntVar(&cfg.Burst, "burst", cfg.Burst, "Records per Process call")
	cfgPath := fs.String("c", "", "configuration `file` for the detector (default: built-in)")
	all := fs.Bool("all", false, "run every profile, and mixed and flood at 1 to 4 workers")
	markdown := fs.Bool("markdown", false, "print Markdown tables")
	pcapPath := fs.String("pcap", "", "write the profile to this pcap `file` instead of running it")
	list := fs.Bool("list", false, "list the profiles")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the runs to `file`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scanguard bench [-profile P] [-workers N] [-packets M] "+
			"[-sources S] [-all] [-markdown] [-pcap FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}

	switch {
	case *list:
		for _, p := range bench.Profiles() {
			fmt.Fprintf(stdout, "%-16s %s\n", p.Name, p.Summary)
		}
		return nil
	case *pcapPath != "":
		return writeBenchPcap(ctx, *pcapPath, cfg, stderr)
	}

	eng, err := benchEngine(*cfgPath)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("create cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("start cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	runs := []bench.Config{cfg}
	if *all {
		runs = benchSuite(cfg)
	}
	var results []*bench.Result
	for i, c := range runs {
		if len(runs) > 1 {
			fmt.Fprintf(stderr, "[%d/%d] %s, %d workers\n", i+1, len(runs), c.Profile, c.Workers)
		}
		r, err := bench.Run(ctx, c, eng)
		if err != nil {
			return err
		}
		results = append(results, r)
		if !*markdown {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			if err := bench.WriteText(stdout, r); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
		}
	}
	if *markdown {
		err = bench.WriteTargets(stdout, results)
		if err == nil {
			_, err = fmt.Fprintln(stdout)
		}
		if err == nil {
			err = bench.WriteMarkdown(stdout, results)
		}
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	return nil
}

// benchSuite is the set of runs -all makes: every profile on one worker,
// then the mixed and flood profiles on 2 to 4 workers where the machine
// has the cores. Flags other than -profile and -workers apply to all.
func benchSuite(base bench.Config) []bench.Config {
	var runs []bench.Config
	for _, name := range bench.ProfileNames() {
		c := base
		c.Profile, c.Workers = name, 1
		runs = append(runs, c)
	}
	for _, name := range []string{"mixed", "flood"} {
		for w := 2; w <= min(4, runtime.NumCPU()); w++ {
			c := base
			c.Profile, c.Workers = name, w
			runs = append(runs, c)
		}
	}
	return runs
}

// benchEngine returns the detection configuration to measure: the file's,
// or the shipped one.
func benchEngine(path string) (bench.Engine, error) {
	if path == "" {
		return bench.DefaultEngine(), nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return bench.Engine{}, err
	}
	db, err := cfg.FingerprintDB()
	if err != nil {
		return bench.Engine{}, err
	}
	return bench.Engine{Detector: cfg.Detector, Fusion: cfg.Fusion, Fingerprints: db}, nil
}

// writeBenchPcap writes the profile to a capture file.
func writeBenchPcap(ctx context.Context, path string, cfg bench.Config, stderr io.Writer) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create pcap: %w", err)
	}
	n, err := bench.WritePcap(ctx, f, cfg)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close pcap: %w", cerr)
	}
	if err != nil {
		return errors.Join(err, os.Remove(path))
	}
	fmt.Fprintf(stderr, "wrote %d packets of profile %s to %s\n", n, cfg.Profile, path)
	return nil
}
