package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

func helpCommand() *command {
	return &command{
		name:    "help",
		summary: "show help for trustsim or one of its commands",
		usage:   "[COMMAND]",
		help: `Help shows what trustsim does, or what COMMAND does with its flags and
examples. 'trustsim COMMAND --help' shows the same.

Examples:
  trustsim help
  trustsim help run`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *app, []string) error {
			return func(_ context.Context, a *app, args []string) error {
				switch len(args) {
				case 0:
					a.topUsage(a.stdout)
					return nil
				case 1:
					c := lookup(args[0])
					if c == nil {
						return usagef("help", "unknown command %q; the commands are %s", args[0], commandNames())
					}
					sub := pflag.NewFlagSet("trustsim "+c.name, pflag.ContinueOnError)
					sub.SortFlags = false
					c.setup(sub)
					a.commandUsage(a.stdout, c, sub)
					return nil
				default:
					return usagef("help", "help takes at most one command, got %d arguments", len(args))
				}
			}
		},
	}
}

func commandNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// topUsage prints what trustsim is and its commands.
func (a *app) topUsage(w io.Writer) {
	fmt.Fprint(w, `trustsim simulates how trust between the people of a collective-impact
initiative grows, decays and is lost when people leave, and what that does
to the initiative's results. It runs scenarios in batches and writes CSV
files, plots and a report.

Usage:
  trustsim COMMAND [ARGUMENTS] [FLAGS]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Examples:
  trustsim run                          run the default scenario into out/default
  trustsim scenarios                    list the bundled scenarios
  trustsim scenarios show handoff > my.toml
  trustsim run my.toml --set policy.relationship_share=0.1 --replicates 20
  trustsim plan my.toml --target 1h     shards for a cluster (docs/CLUSTER.md)

Exit status: 0 success; 1 runtime or resource failure (a file could not
be written, a full disk); 2 bad usage or bad input (nothing written);
3 the output directory is being written by another trustsim; 70 internal
error (a bug); 130 interrupted (--resume continues). Run 'trustsim help
COMMAND' for a command's flags.
`)
}

// commandUsage prints the help of c, its flags as declared on fs.
func (a *app) commandUsage(w io.Writer, c *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: trustsim %s", c.name)
	if fs.HasFlags() {
		fmt.Fprint(w, " [FLAGS]")
	}
	if c.usage != "" {
		fmt.Fprintf(w, " %s", c.usage)
	}
	fmt.Fprintf(w, "\n\n%s\n", c.help)
	if fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}
