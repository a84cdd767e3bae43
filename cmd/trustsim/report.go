package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/output"
)

func reportCommand() *command {
	var out string
	return &command{
		name:    "report",
		summary: "compare finished batches of one initiative in one report",
		usage:   "DIR DIR...",
		help: `Report puts two or more finished batches of the same initiative into one
report.html (with its plots/) in --out, without running anything: for
example the same scenario run under two settings that are not swept
(--set org.*.annual_turnover.staff=0.1 and =0.3). Each batch becomes a
value of a condition named "batch" (its directory's name), so the report
gives the best lever choice and its paired gain under each batch's
conditions, and the regret table says whether one choice is best across
them.

Batches are comparable when they have the same organizations, horizon,
replicates, swept parameters, levers, conditions, lever choices and
status quo; a batch that is not is refused with the reason, and nothing
is written (exit status 2).

Example:
  trustsim run funder-models --set funder_models.unfunded_share=0.01 --out out/cap-1
  trustsim run funder-models --set funder_models.unfunded_share=0.05 --out out/cap-5
  trustsim report out/cap-1 out/cap-5 --out out/cap-compared`,
		setup: func(flags *pflag.FlagSet) func(context.Context, *app, []string) error {
			flags.StringVar(&out, "out", "", "output `DIR` for report.html and plots/ (default: out/compared)")
			return func(_ context.Context, a *app, args []string) error {
				if len(args) < 2 {
					return usagef("report", "report compares two or more batch directories, got %d", len(args))
				}
				dir := out
				if dir == "" {
					dir = filepath.Join("out", "compared")
				}
				for _, d := range args {
					if filepath.Clean(d) == filepath.Clean(dir) {
						return usagef("report", "--out %s is one of the batches compared; choose another directory", dir)
					}
				}
				claim, err := a.claim(dir)
				if err != nil {
					return err
				}
				defer claim.Release()
				command := append([]string{"trustsim", "report"}, args...)
				command = append(command, "--out", dir)
				if err := output.Compare(args, dir, command); err != nil {
					var ie *output.IncomparableError
					if errors.As(err, &ie) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, output.ErrNotOwned) {
						return &inputError{err}
					}
					return err
				}
				fmt.Fprintf(a.stdout, "Compared %d batches in %s: %s\n", len(args), dir, filepath.Join(dir, "report.html"))
				return nil
			}
		},
	}
}
