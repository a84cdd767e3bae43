// Command trustsim runs batches of the trust simulation described in
// docs/MODEL.md: it reads a scenario (a TOML file, or one of the bundled
// scenarios), runs its design points × replicates on all CPUs and writes
// CSV files, a manifest, plots and a report into an output directory.
//
// Usage:
//
//	trustsim run [SCENARIO] [flags]   run a scenario (default: "default")
//	trustsim story [SCENARIO] [flags] write story.html (one run animated) and network snapshots
//	trustsim plan [SCENARIO] [flags]  size a batch: runs, time, memory, shards
//	trustsim merge SHARD_DIR...       merge the shards of a batch run on a cluster
//	trustsim validate FILE...         check scenario files
//	trustsim scenarios [show NAME]    list or print the bundled scenarios
//	trustsim plot DIR                 redraw plots and report from a batch's files
//	trustsim version                  print version information
//	trustsim help [COMMAND]           show help
//
// Exit status: 0 success; 1 runtime or resource failure (a file could
// not be written, a full disk); 2 bad usage or bad input (nothing was
// written); 3 the output directory is being written by another trustsim
// process; 70 an internal error (a bug: please report it); 130
// interrupted (the finished runs are kept; `trustsim run ... --resume`
// continues the batch). README.md, "Exit status", says more.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/scenarios"
	"github.com/trustsim/trustsim/sim"
)

// Exit statuses of trustsim.
const (
	// exitOK: the command did what was asked.
	exitOK = 0
	// exitFailure: a runtime failure (a file could not be written, the
	// model failed); the message says what.
	exitFailure = 1
	// exitUsage: bad usage (unknown command or flag, wrong arguments) or
	// bad input (an invalid scenario or override). Nothing was written.
	exitUsage = 2
	// exitBusy: another trustsim process is writing the output
	// directory (it holds the directory's lock); nothing was written.
	// Run again once it has finished.
	exitBusy = 3
	// exitInternal: trustsim failed (a panic in the command's goroutine):
	// a bug, reported with its stack.
	exitInternal = 70
	// exitInterrupted: SIGINT or SIGTERM stopped a batch; its finished
	// runs are checkpointed and `--resume` continues it.
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	a := newApp(os.Stdout, os.Stderr)
	go a.onSignal(ctx, stop)
	code := a.main(ctx, os.Args[1:])
	a.finished.Store(true) // before stop, which also ends ctx
	stop()
	os.Exit(code)
}

// onSignal waits for the first SIGINT or SIGTERM (ctx from
// signal.NotifyContext, whose stop is given), then restores the default
// handling so that a second one stops trustsim at once, and answers the
// first (answerInterrupt). ctx also ends when main calls stop after the
// command has finished: that is no signal.
func (a *app) onSignal(ctx context.Context, stop func()) {
	<-ctx.Done()
	if a.finished.Load() {
		return
	}
	stop()
	a.answerInterrupt()
}

// answerInterrupt ends the process after the first SIGINT or SIGTERM
// unless a stage that stops cleanly on its own (a batch's runs, which
// keep every finished run for --resume, or a merge) is under way: every
// other stage (reading a scenario, drawing plots, writing files) leaves
// nothing a later run cannot clean up, so it is not waited for. A stage
// that handles the signal keeps the process until the command returns.
func (a *app) answerInterrupt() {
	for !a.finished.Load() {
		if !a.handlesInterrupt.Load() {
			fmt.Fprintln(a.stderr, "trustsim: interrupted")
			os.Exit(exitInterrupted)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// app is one invocation of trustsim: its output streams and the few
// things tests replace.
type app struct {
	stdout, stderr io.Writer
	// args are the command-line arguments, for the resume hint.
	args []string
	// terminal reports whether stderr is a terminal (live progress bar).
	terminal bool
	// now is the clock of the progress report.
	now func() time.Time
	// onProgress, if set, is called after every progress update of a
	// batch; tests use it to interrupt a batch part-way.
	onProgress func(done, total int)
	// getenv reads the environment (the shard of a Slurm array task or a
	// Kubernetes Indexed Job); tests replace it.
	getenv func(string) string
	// onClaimed, if set, is called once `run` holds its output
	// directory, before any run; tests use it to hold the lock.
	onClaimed func()
	// handlesInterrupt is true while a stage that stops cleanly on
	// SIGINT or SIGTERM runs (answerInterrupt).
	handlesInterrupt atomic.Bool
	// finished is set once the command has returned: main exits with
	// its status, and a signal is no longer answered.
	finished atomic.Bool
}

func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, terminal: isTerminal(stderr), now: time.Now, getenv: os.Getenv}
}

// command is a trustsim subcommand.
type command struct {
	name    string
	summary string
	// usage is the synopsis after "trustsim NAME".
	usage string
	// help is the long description, examples included.
	help string
	// setup declares the command's flags on fs and returns the function
	// that runs the command once they are parsed.
	setup func(fs *pflag.FlagSet) func(ctx context.Context, a *app, args []string) error
}

// commands lists the subcommands in the order help shows them.
func commands() []*command {
	return []*command{runCommand(), storyCommand(), planCommand(), mergeCommand(), validateCommand(), scenariosCommand(), plotCommand(), reportCommand(), versionCommand(), completionCommand(), helpCommand()}
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is bad usage: the message, and the command whose --help
// explains it ("" for trustsim itself).
type usageError struct {
	cmd string
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// inputError is bad input other than a scenario error list: a file that
// cannot be read, a bundled name that does not exist.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// errInterrupted says a batch was interrupted and its message (the resume
// hint) has been printed already.
var errInterrupted = errors.New("interrupted")

func (a *app) main(ctx context.Context, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(a.stderr, "trustsim: internal error (a bug; please report it with this message): %v\n%s", r, debug.Stack())
			code = exitInternal
		}
	}()
	a.args = args
	if len(args) == 0 {
		a.topUsage(a.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help":
		a.topUsage(a.stdout)
		return exitOK
	case "--version", "-version":
		name = "version"
	}
	c := lookup(name)
	if c == nil {
		msg := fmt.Sprintf("unknown command %q", name)
		if strings.HasPrefix(name, "-") {
			msg = fmt.Sprintf("unknown flag %q before the command", name)
		} else if s := suggest(name); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return a.report(&usageError{msg: msg})
	}
	fs := pflag.NewFlagSet("trustsim "+c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	exec := c.setup(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			a.commandUsage(a.stdout, c, fs)
			return exitOK
		}
		return a.report(&usageError{cmd: c.name, msg: err.Error()})
	}
	return a.report(exec(ctx, a, fs.Args()))
}

// report prints err, if any, and returns the exit status it calls for.
func (a *app) report(err error) int {
	var (
		usage    *usageError
		list     scenarios.ErrorList
		input    *inputError
		problems *problemsError
		busy     *busyError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.As(err, &usage):
		fmt.Fprintf(a.stderr, "trustsim: %s\n", usage.msg)
		if usage.cmd != "" {
			fmt.Fprintf(a.stderr, "Run 'trustsim %s --help' for usage.\n", usage.cmd)
		} else {
			fmt.Fprintln(a.stderr, "Run 'trustsim help' for usage.")
		}
		return exitUsage
	case errors.As(err, &list):
		// One error per line, each with its file:line:col, so editors
		// and grep can jump to it.
		for _, e := range list {
			fmt.Fprintln(a.stderr, e.Error())
		}
		return exitUsage
	case errors.As(err, &problems):
		fmt.Fprintf(a.stderr, "trustsim: %s:\n", problems.head)
		for _, l := range problems.lines {
			fmt.Fprintf(a.stderr, "  %s\n", l)
		}
		return exitUsage
	case errors.As(err, &busy):
		fmt.Fprintf(a.stderr, "trustsim: %v\n", err)
		return exitBusy
	case errors.As(err, &input):
		fmt.Fprintf(a.stderr, "trustsim: %v\n", err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.stderr, "trustsim: interrupted")
		return exitInterrupted
	default:
		fmt.Fprintf(a.stderr, "trustsim: %v\n", err)
		return exitFailure
	}
}

// suggest returns the command closest to name, or "" if none is close.
func suggest(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return sim.Suggest(name, names)
}
