package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"scanguard/ml/train"
)

// trainCmd is `scanguard train [-o model.json] LABELS...`: it fits the
// model fusion consults as a second opinion and prints its cross-validated
// figures. The shipped model is made with
//
//	scanguard train -o ml/model.json ../shared/corpus/labels.jsonl \
//		testdata/lab/labels.jsonl
func trainCmd(args []string, stdout, stderr io.Writer) error {
	def := train.DefaultOptions()
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "model.json", "write the model to `file` (- for stdout)")
	points := fs.String("points", joinUint(def.Points), "probe counts at which to take "+
		"each source's features, comma-separated")
	l2 := fs.Float64("l2", def.L2, "ridge penalty on the standardised weights")
	folds := fs.Int("folds", def.Folds, "cross-validation folds of whole captures; "+
		"0 leaves one capture out at a time")
	seed := fs.Uint64("seed", def.Seed, "shuffles captures into folds when -folds > 0")
	threshold := fs.Float64("threshold", def.Threshold, "probability from which the "+
		"figures count a scanner (fusion.model.threshold)")
	reject := fs.Float64("reject-below", def.RejectBelow, "fusion.model.reject_below, "+
		"for the comparison with the rules")
	tools := fs.Bool("tools", def.Tools, "fit the tool classifier too")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scanguard train [-o model.json] LABELS.jsonl...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	opt := train.Options{L2: *l2, Folds: *folds, Seed: *seed, Threshold: *threshold,
		RejectBelow: *reject, Tools: *tools}
	var err error
	if opt.Points, err = parseUints(*points); err != nil {
		return fmt.Errorf("train: -points: %w", err)
	}

	res, err := train.Run(fs.Args(), opt)
	if err != nil {
		return err
	}
	b, err := train.Encode(res.Model)
	if err != nil {
		return err
	}
	reportTo := stdout
	if *out == "-" {
		reportTo = stderr
		if _, err := stdout.Write(b); err != nil {
			return fmt.Errorf("write model: %w", err)
		}
	} else if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return res.WriteReport(reportTo)
}

// parseUints parses a comma-separated list of counts.
func parseUints(s string) ([]uint32, error) {
	var out []uint32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
		if err != nil {
			return nil, err
		}
		out = append(out, uint32(v))
	}
	return out, nil
}

func joinUint(vs []uint32) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.FormatUint(uint64(v), 10)
	}
	return strings.Join(s, ",")
}
