package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/scenarios"
)

func validateCommand() *command {
	return &command{
		name:    "validate",
		summary: "check scenario files without running them",
		usage:   "FILE...",
		help: `Validate checks each FILE (a scenario file, or a bundled scenario's name)
as 'trustsim run' would, without running anything or writing any file. For
a valid scenario it prints one line on stdout with the size of its batch;
for an invalid one it prints every problem on stderr, one per line, as
file:line:col: name: problem; allowed. The exit status is 2 if any file is
invalid.

Examples:
  trustsim validate my.toml
  trustsim validate scenarios/*.toml`,
		setup: func(_ *pflag.FlagSet) func(context.Context, *app, []string) error {
			return func(_ context.Context, a *app, args []string) error {
				if len(args) == 0 {
					return usagef("validate", "validate needs at least one scenario file")
				}
				var errs scenarios.ErrorList
				var other []error
				for _, arg := range args {
					err := validate(a, arg)
					var list scenarios.ErrorList
					switch {
					case err == nil:
					case errors.As(err, &list):
						errs = append(errs, list...)
					default:
						other = append(other, err)
					}
				}
				for _, err := range other {
					fmt.Fprintf(a.stderr, "trustsim: %v\n", err)
				}
				if len(errs) > 0 {
					return errs
				}
				if len(other) > 0 {
					return &inputError{fmt.Errorf("%d of %d scenarios could not be read", len(other), len(args))}
				}
				return nil
			}
		},
	}
}

// validate loads and plans the scenario arg and prints its batch size.
func validate(a *app, arg string) error {
	s, err := loadScenario(arg)
	if err != nil {
		return err
	}
	plan, err := s.Plan()
	if err != nil {
		return err
	}
	n := plan.NumRuns()
	lo, hi := plan.Points[0].Params.Horizon, plan.Points[0].Params.Horizon
	for i := range plan.Points {
		lo, hi = min(lo, plan.Points[i].Params.Horizon), max(hi, plan.Points[i].Params.Horizon)
	}
	weeks := strconv.Itoa(lo)
	if hi != lo {
		weeks += " to " + strconv.Itoa(hi) // a swept horizon
	}
	fmt.Fprintf(a.stdout, "%s: ok: %s, %d design point%s × %d replicate%s = %d run%s of %s weeks\n",
		arg, plan.Scenario, len(plan.Points), plural(len(plan.Points)), plan.Replicates, plural(plan.Replicates),
		n, plural(n), weeks)
	return nil
}
