package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/scenarios"
)

// Shell completion is generated from the tables the command line is
// built from, commands() and each command's flags, so that it cannot miss
// a command or a flag: pflag, unlike a larger framework, has no generator
// of its own.

func completionCommand() *command {
	return &command{
		name:    "completion",
		summary: "print a shell completion script for bash, zsh or fish",
		usage:   "bash|zsh|fish",
		help: `Completion prints a script that makes the shell complete trustsim's
commands, flags, bundled scenario names, scenario files and directories.

Examples (load it in the current shell):
  source <(trustsim completion bash)
  source <(trustsim completion zsh)
  trustsim completion fish | source

or install it for every new shell:
  trustsim completion bash > ~/.local/share/bash-completion/completions/trustsim
  trustsim completion zsh > "${fpath[1]}/_trustsim"
  trustsim completion fish > ~/.config/fish/completions/trustsim.fish`,
		setup: func(_ *pflag.FlagSet) func(context.Context, *app, []string) error {
			return func(_ context.Context, a *app, args []string) error {
				if len(args) != 1 {
					return usagef("completion", "completion takes one shell, bash, zsh or fish; got %d arguments", len(args))
				}
				spec := completionSpec()
				switch args[0] {
				case "bash":
					writeBash(a.stdout, spec)
				case "zsh":
					writeZsh(a.stdout, spec)
				case "fish":
					writeFish(a.stdout, spec)
				default:
					return usagef("completion", "unknown shell %q; the shells are bash, zsh and fish", args[0])
				}
				return nil
			}
		},
	}
}

// argKind is what a command's arguments are, for completion.
type argKind int

const (
	argFiles     argKind = iota // any file (commands not listed in commandArgs)
	argNone                     // no arguments
	argScenario                 // a bundled scenario name or a .toml file
	argDir                      // a directory
	argCommand                  // a command name
	argShell                    // bash, zsh or fish
	argScenarios                // "show", then a bundled scenario name
)

// commandArgs are the arguments of each command; a command missing here
// completes file names.
var commandArgs = map[string]argKind{
	"run": argScenario, "plan": argScenario, "validate": argScenario, "story": argScenario,
	"merge": argDir, "plot": argDir, "report": argDir,
	"scenarios": argScenarios, "version": argNone, "help": argCommand,
	"completion": argShell,
}

// flagValues are the values a flag takes, where they are a fixed list.
var flagValues = map[string][]string{"format": {"csv", "parquet", "both"}}

// complSpec is what the scripts complete.
type complSpec struct {
	commands  []complCommand
	scenarios []string // bundled scenario names
}

type complCommand struct {
	name, summary string
	args          argKind
	flags         []complFlag
}

type complFlag struct {
	name, usage string
	takesValue  bool
	repeatable  bool
	dir         bool     // the value is a directory
	values      []string // the value is one of these
}

// completionSpec gathers the commands and their flags from commands().
func completionSpec() complSpec {
	var spec complSpec
	for _, s := range scenarios.Bundled() {
		spec.scenarios = append(spec.scenarios, s.Name)
	}
	for _, c := range commands() {
		fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
		fs.SortFlags = false
		c.setup(fs)
		cc := complCommand{name: c.name, summary: c.summary, args: commandArgs[c.name]}
		fs.VisitAll(func(f *pflag.Flag) {
			_, usage := pflag.UnquoteUsage(f)
			cc.flags = append(cc.flags, complFlag{
				name:       f.Name,
				usage:      usage,
				takesValue: f.NoOptDefVal == "",
				repeatable: strings.HasSuffix(f.Value.Type(), "Array") || strings.HasSuffix(f.Value.Type(), "Slice"),
				dir:        f.Name == "out",
				values:     flagValues[f.Name],
			})
		})
		cc.flags = append(cc.flags, complFlag{name: "help", usage: "show this command's help"})
		spec.commands = append(spec.commands, cc)
	}
	return spec
}

func (s complSpec) commandNames() string {
	var names []string
	for _, c := range s.commands {
		names = append(names, c.name)
	}
	return strings.Join(names, " ")
}

// writeBash writes a bash completion function for spec.
func writeBash(w io.Writer, s complSpec) {
	fmt.Fprintf(w, `# bash completion for trustsim; load with: source <(trustsim completion bash)
_trustsim() {
    local cur prev cmd
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    COMPREPLY=()
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "%s" -- "$cur"))
        return
    fi
    cmd="${COMP_WORDS[1]}"
    local flags="" valueflags="" dirflags="" args="files"
    case "$cmd" in
`, s.commandNames())
	for _, c := range s.commands {
		var flags, valueFlags, dirFlags []string
		for _, f := range c.flags {
			flags = append(flags, "--"+f.name)
			if f.takesValue {
				valueFlags = append(valueFlags, "--"+f.name)
			}
			if f.dir {
				dirFlags = append(dirFlags, "--"+f.name)
			}
		}
		fmt.Fprintf(w, "        %s) flags=%q; valueflags=%q; dirflags=%q; args=%s ;;\n",
			c.name, strings.Join(flags, " "), strings.Join(valueFlags, " "), strings.Join(dirFlags, " "), bashArgs(c.args))
	}
	fmt.Fprintf(w, `    esac
    if [[ " $dirflags " == *" $prev "* ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
        return
    fi
    case "$prev" in
`)
	for _, name := range sortedKeys(flagValues) {
		fmt.Fprintf(w, "        --%s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", name, strings.Join(flagValues[name], " "))
	}
	fmt.Fprintf(w, `    esac
    if [[ " $valueflags " == *" $prev "* ]]; then
        return
    fi
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi
    case "$args" in
        scenario)
            COMPREPLY=($(compgen -W "%s" -- "$cur") $(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur")) ;;
        dir) COMPREPLY=($(compgen -d -- "$cur")) ;;
        command) COMPREPLY=($(compgen -W "%s" -- "$cur")) ;;
        shell) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
        scenarios)
            if [[ $COMP_CWORD -eq 2 ]]; then
                COMPREPLY=($(compgen -W "show" -- "$cur"))
            elif [[ "$prev" == show ]]; then
                COMPREPLY=($(compgen -W "%s" -- "$cur"))
            fi ;;
        none) ;;
        *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -o filenames -F _trustsim trustsim
`, strings.Join(s.scenarios, " "), s.commandNames(), strings.Join(s.scenarios, " "))
}

func bashArgs(k argKind) string {
	return [...]string{argFiles: "files", argNone: "none", argScenario: "scenario", argDir: "dir",
		argCommand: "command", argShell: "shell", argScenarios: "scenarios"}[k]
}

// zshQuote quotes s for a zsh _arguments or _describe item inside single
// quotes: brackets and colons are escaped, single quotes doubled out.
func zshQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `:`, `\:`, `'`, `'\''`)
	return r.Replace(s)
}

// writeZsh writes a zsh completion function for spec.
func writeZsh(w io.Writer, s complSpec) {
	fmt.Fprint(w, `#compdef trustsim
# zsh completion for trustsim; load with: source <(trustsim completion zsh)
_trustsim() {
    local -a commands
    commands=(
`)
	for _, c := range s.commands {
		fmt.Fprintf(w, "        '%s:%s'\n", c.name, zshQuote(c.summary))
	}
	fmt.Fprint(w, `    )
    if (( CURRENT == 2 )); then
        _describe -t commands 'trustsim command' commands
        return
    fi
    local cmd=$words[2]
    shift words
    (( CURRENT-- ))
    case $cmd in
`)
	scen := strings.Join(s.scenarios, " ")
	for _, c := range s.commands {
		fmt.Fprintf(w, "        %s)\n            _arguments -s \\\n", c.name)
		for _, f := range c.flags {
			item := "--" + f.name
			if f.repeatable {
				item = "*" + item
			}
			if f.takesValue {
				action := ""
				switch {
				case f.dir:
					action = "_files -/"
				case len(f.values) > 0:
					action = "(" + strings.Join(f.values, " ") + ")"
				}
				fmt.Fprintf(w, "                '%s=[%s]:%s:%s' \\\n", item, zshQuote(f.usage), zshQuote(f.name), action)
			} else {
				fmt.Fprintf(w, "                '%s[%s]' \\\n", item, zshQuote(f.usage))
			}
		}
		var args string
		switch c.args {
		case argNone:
			args = ""
		case argScenario:
			args = `'*:scenario:_alternative "bundled\:bundled scenario\:(` + scen + `)" "files\:scenario file\:_files -g \*.toml"'`
		case argDir:
			args = `'*:directory:_files -/'`
		case argCommand:
			args = `'1:command:(` + s.commandNames() + `)'`
		case argShell:
			args = `'1:shell:(bash zsh fish)'`
		case argScenarios:
			args = `'1:subcommand:(show)' '2:bundled scenario:(` + scen + `)'`
		default:
			args = `'*:file:_files'`
		}
		fmt.Fprintf(w, "                %s\n            ;;\n", args)
	}
	fmt.Fprint(w, `    esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _trustsim "$@"
else
    compdef _trustsim trustsim
fi
`)
}

// fishQuote quotes s as one fish argument in single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// writeFish writes fish completions for spec.
func writeFish(w io.Writer, s complSpec) {
	fmt.Fprintf(w, "# fish completion for trustsim; load with: trustsim completion fish | source\n")
	fmt.Fprintf(w, "complete -c trustsim -f\n")
	names := s.commandNames()
	for _, c := range s.commands {
		fmt.Fprintf(w, "complete -c trustsim -n 'not __fish_seen_subcommand_from %s' -a %s -d %s\n", names, c.name, fishQuote(c.summary))
	}
	scen := strings.Join(s.scenarios, " ")
	for _, c := range s.commands {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c trustsim -n %s -l %s -d %s", cond, f.name, fishQuote(f.usage))
			if f.takesValue {
				line += " -x"
				switch {
				case f.dir:
					line += " -a '(__fish_complete_directories)'"
				case len(f.values) > 0:
					line += " -a " + fishQuote(strings.Join(f.values, " "))
				}
			}
			fmt.Fprintln(w, line)
		}
		switch c.args {
		case argScenario:
			fmt.Fprintf(w, "complete -c trustsim -n %s -a %s -d 'bundled scenario'\n", cond, fishQuote(scen))
			fmt.Fprintf(w, "complete -c trustsim -n %s -F\n", cond)
		case argDir:
			fmt.Fprintf(w, "complete -c trustsim -n %s -a '(__fish_complete_directories)'\n", cond)
		case argCommand:
			fmt.Fprintf(w, "complete -c trustsim -n %s -a %s\n", cond, fishQuote(names))
		case argShell:
			fmt.Fprintf(w, "complete -c trustsim -n %s -a 'bash zsh fish'\n", cond)
		case argScenarios:
			fmt.Fprintf(w, "complete -c trustsim -n %s -a show\n", fishQuote("__fish_seen_subcommand_from scenarios; and not __fish_seen_subcommand_from show"))
			fmt.Fprintf(w, "complete -c trustsim -n %s -a %s\n", fishQuote("__fish_seen_subcommand_from show"), fishQuote(scen))
		case argFiles:
			fmt.Fprintf(w, "complete -c trustsim -n %s -F\n", cond)
		}
	}
}

func sortedKeys(m map[string][]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
