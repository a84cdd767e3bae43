package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/scenarios"
)

func scenariosCommand() *command {
	return &command{
		name:    "scenarios",
		summary: "list the bundled scenarios, or print one to copy and edit",
		usage:   "[show NAME]",
		help: `Scenarios lists the scenarios built into trustsim, each with the question
it answers. 'scenarios show NAME' prints a scenario's file, comments
included, to copy and edit; 'trustsim run NAME' runs it.

Examples:
  trustsim scenarios
  trustsim scenarios show default > my.toml
  trustsim run my.toml`,
		setup: func(_ *pflag.FlagSet) func(context.Context, *app, []string) error {
			return func(_ context.Context, a *app, args []string) error {
				switch {
				case len(args) == 0:
					tw := tabwriter.NewWriter(a.stdout, 0, 8, 2, ' ', 0)
					for _, s := range scenarios.Bundled() {
						q := s.Question
						if q == "" {
							q = s.Description
						}
						fmt.Fprintf(tw, "%s\t%s\n", s.Name, q)
					}
					return tw.Flush()
				case args[0] == "show" && len(args) == 2:
					src, err := scenarios.Source(args[1])
					if err != nil {
						return &inputError{fmt.Errorf("%w; 'trustsim scenarios' lists the bundled scenarios", err)}
					}
					_, err = a.stdout.Write(src)
					return err
				case args[0] == "show":
					return usagef("scenarios", "scenarios show takes one scenario name")
				default:
					return usagef("scenarios", "unknown argument %q; use 'trustsim scenarios' or 'trustsim scenarios show NAME'", args[0])
				}
			}
		},
	}
}
