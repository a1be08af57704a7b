package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"scanguard/config"
)

// errConfigInvalid marks a configuration file that does not load; every
// problem has been printed already.
var errConfigInvalid = errors.New("configuration has errors")

const configUsage = `usage: scanguard config check FILE    report every problem of FILE
       scanguard config default       print the default configuration, commented
`

// configCmd is `scanguard config check FILE` and `scanguard config default`.
func configCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, configUsage)
		return errUsage
	}
	switch args[0] {
	case "check":
		if len(args) != 2 {
			fmt.Fprint(stderr, configUsage)
			return errUsage
		}
		return configCheck(args[1], stdout, stderr)
	case "default":
		if len(args) != 1 {
			fmt.Fprint(stderr, configUsage)
			return errUsage
		}
		b, err := config.DefaultYAML()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	case "help", "-h", "--help":
		fmt.Fprint(stdout, configUsage)
		return nil
	}
	fmt.Fprintf(stderr, "scanguard config: unknown command %q\n%s", args[0], configUsage)
	return errUsage
}

// configCheck loads path and prints every problem, one per line.
func configCheck(path string, stdout, stderr io.Writer) error {
	_, err := config.Load(path)
	if err == nil {
		fmt.Fprintf(stdout, "%s: ok\n", path)
		return nil
	}
	lines := problems(err)
	for _, l := range lines {
		fmt.Fprintf(stderr, "%s: %s\n", path, l)
	}
	noun := "problems"
	if len(lines) == 1 {
		noun = "problem"
	}
	return fmt.Errorf("%s: %d %s: %w", path, len(lines), noun, errConfigInvalid)
}

// problems flattens joined errors into one line each, without the
// "load config PATH:" prefix Load adds.
func problems(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if w := errors.Unwrap(e); w != nil && strings.HasPrefix(e.Error(), "load config") {
			walk(w)
			return
		}
		for l := range strings.SplitSeq(e.Error(), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	walk(err)
	return out
}
