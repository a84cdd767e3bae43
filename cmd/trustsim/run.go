package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/output"
	"github.com/trustsim/trustsim/scenarios"
)

// runFlags are the flags of `trustsim run`.
type runFlags struct {
	scenarioFlags
	out     string
	workers int
	quiet   bool
	resume  bool
	replace bool
	shard   string
	shards  int
	format  string
}

// scenarioFlags are the flags that override a scenario's settings, shared
// by run and plan.
type scenarioFlags struct {
	// seed, replicates and every are kept as written and parsed as
	// --set seed=..., --set replicates=... and --set every=... are, so
	// that a flag and the key take the same values (decimal only).
	seed       string
	replicates string
	every      string
	set        []string
	fs         *pflag.FlagSet
}

// declare adds the scenario flags to fs.
func (f *scenarioFlags) declare(fs *pflag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.seed, "seed", "", "base seed `N` of the batch, a decimal integer from 0 to 2^64-1 (default: the scenario's)")
	fs.StringVar(&f.replicates, "replicates", "", "runs per design point `N` (default: the scenario's)")
	fs.StringVar(&f.every, "every", "", "keep every `K`-th step in timeseries.csv (default: the scenario's)")
	fs.StringArrayVar(&f.set, "set", nil, "set a parameter or scenario key by dotted `name=value` (repeatable; each name once)")
}

func runCommand() *command {
	return &command{
		name:    "run",
		summary: "run a scenario's batch and write its results, plots and report",
		usage:   "[SCENARIO]",
		help: `Run runs every design point × replicate of SCENARIO, a scenario file or
the name of a bundled scenario ('trustsim scenarios' lists them; none given
runs "default"), on all CPUs, and writes into the output directory:
  report.html     the report for funders: open it in a browser
  runs.csv        one row per run
  timeseries.csv  every kept step of every run
  aggregate.csv   mean and 95% confidence interval over replicates
  effects.csv     with scheduled events: each run minus the same run without them
  manifest.json   scenario, seeds, parameters and program version
  scenario.toml   the scenario text as read
  plots/          PNG and SVG plots
With --format parquet the three tables are runs.parquet,
timeseries.parquet and aggregate.parquet instead (--format both: both
kinds), with the same rows and values, typed and compressed: smaller and
faster to load for a big sweep. They appear only when the batch has
finished, replacing those of an earlier run of the same batch in the same
directory.

trustsim writes only into a directory that is new, empty or its own
(marked by .trustsim-batch), and never replaces a file it did not write:
anything else is refused before any run (exit status 2). A directory
holding the finished batch of another scenario or other settings is
refused too, unless --replace. While it writes, trustsim holds the
directory's lock: a second trustsim writing there is refused at once
(exit status 3). docs/OUTPUTS.md, "Folders trustsim owns".

--workers N (default: the number of CPUs) is how many goroutines, so at
most how many CPUs, do the work: N runs execute at once, one goroutine
each. A batch of R runs with R < N (counting, when resuming, the runs not
yet done) runs all R at once and each shares the work of its steps among
N/R goroutines, so a single big run uses all N; as runs finish, the last
ones take over the goroutines the others leave. The files are the same,
byte for byte, whatever --workers is.

The scenario and every override are checked before anything is written:
invalid input exits with status 2, lists every problem as
file:line:col: name: problem; allowed, and creates no directory.

Progress goes to stderr. Ctrl-C (or SIGTERM) stops the batch, keeps every
finished run and exits with status 130; the same command with --resume
continues where it stopped and ends with the files an uninterrupted batch
writes.

On a cluster a batch runs as shards (docs/CLUSTER.md). --shard I/N runs
shard I of N (from 0): the runs I*R/N to (I+1)*R/N-1 of the batch's R runs,
a contiguous block. It writes them into DIR/shards/shard-I-of-N (DIR is
--out) as shard.json and a results archive, which 'trustsim merge DIR'
turns into the files above; --resume continues a shard like a batch, and
does nothing for one already finished. Without --shard, a Slurm array task
takes its shard from SLURM_ARRAY_TASK_ID (with --shards N or
TRUSTSIM_SHARDS=N the task ID is the shard index; without, its position in
the array of SLURM_ARRAY_TASK_COUNT tasks from SLURM_ARRAY_TASK_MIN), and a
Kubernetes Indexed Job pod from JOB_COMPLETION_INDEX with the count from
--shards or TRUSTSIM_SHARDS. The shard taken and why go to stderr;
--shard none runs the whole batch whatever the environment says.

Examples:
  trustsim run
  trustsim run investment-vs-turnover --replicates 50 --workers 8
  trustsim run my.toml --out results/my --seed 42
  trustsim run default --set policy.relationship_share=0.1 --set horizon=520
  trustsim run my.toml --resume
  trustsim run investment-vs-turnover --replicates 100 --format parquet
  trustsim run my.toml --replicates 1000 --shard 3/16 --out /scratch/my`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *app, []string) error {
			return newRunFlags(fs).exec
		},
	}
}

// newRunFlags declares the flags of `trustsim run` on fs.
func newRunFlags(fs *pflag.FlagSet) *runFlags {
	f := &runFlags{}
	fs.StringVar(&f.out, "out", "", "output `DIR` (default out/<scenario name>)")
	fs.IntVar(&f.workers, "workers", runtime.NumCPU(), "goroutines `N`: runs executing at once, and inside each run when there are fewer runs than N; results do not depend on it")
	f.declare(fs)
	fs.BoolVar(&f.quiet, "quiet", false, "print no progress")
	fs.BoolVar(&f.resume, "resume", false, "continue an interrupted batch (or shard) in the output directory")
	fs.BoolVar(&f.replace, "replace", false, "replace the finished batch of another scenario or other settings in the output directory")
	fs.StringVar(&f.shard, "shard", "", "run only shard `I/N` of the batch (I from 0) into DIR/shards/; \"none\" ignores the environment")
	fs.IntVar(&f.shards, "shards", 0, "number of shards `N` when the index comes from the environment (default: TRUSTSIM_SHARDS)")
	fs.StringVar(&f.format, "format", "csv", "tables as `FORMAT`: csv, parquet or both (docs/OUTPUTS.md)")
	return f
}

// exec is `trustsim run`.
func (f *runFlags) exec(ctx context.Context, a *app, args []string) error {
	if len(args) > 1 {
		return usagef("run", "run takes one scenario, got %d: %s", len(args), strings.Join(args, " "))
	}
	if f.workers < 1 {
		return usagef("run", "--workers must be at least 1, got %d", f.workers)
	}
	format, err := output.ParseFormat(f.format)
	if err != nil {
		return usagef("run", "--format: %v", err)
	}
	arg := "default"
	if len(args) == 1 {
		arg = args[0]
	}

	// Everything that can be wrong with the input is found before the
	// output directory is created.
	s, plan, overrides, err := f.load(arg)
	if err != nil {
		return err
	}
	// The Parquet writer keeps a row group per table live (about 32 MiB),
	// so the default GOGC already lets the heap grow to about
	// minHeapGoal between collections; raising it would multiply that.
	if !format.Parquet() {
		defer tuneGC(plan, f.workers, a.getenv)()
	}
	sh, sharded, why, err := resolveShard(f.fs, f.shard, f.shards, a.getenv)
	if err != nil {
		return err
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", dirName(s, arg))
	}
	version := versionString()
	fingerprint := batchFingerprint(version, s.Source, overrides)
	command := append([]string{"trustsim", "run", arg}, f.canonicalFlags()...)
	if format != output.FormatCSV {
		command = append(command, "--format", string(format))
	}
	if sharded {
		return f.execShard(ctx, a, shardJob{
			shard: sh, why: why, scenario: s, plan: plan, overrides: overrides,
			batchDir: dir, version: version, fingerprint: fingerprint, command: command,
			format: format,
		})
	}
	// One writer per directory, and only a directory trustsim owns: both
	// are settled before anything else is written.
	claim, err := a.claim(dir)
	if err != nil {
		return err
	}
	defer claim.Release()
	if err := batch.CheckPartial(dir, fingerprint, f.resume); err != nil {
		return &inputError{err}
	}
	if err := checkSameBatch(dir, s.Name, s.Source, f.canonicalFlags(), f.replace); err != nil {
		return err
	}
	if a.onClaimed != nil {
		a.onClaimed()
	}

	w, err := output.Create(dir, plan, output.Meta{
		ScenarioText: s.Source,
		ScenarioFile: s.Filename,
		Command:      command,
		Workers:      f.workers,
		Start:        a.now(),
		Build:        version,
		Format:       format,
	})
	if err != nil {
		return err // output's errors name dir
	}

	total := plan.NumRuns()
	if !f.quiet {
		fmt.Fprintf(a.stderr, "trustsim: %s: %d design point%s × %d replicate%s = %d run%s on %d worker%s → %s\n",
			plan.Scenario, len(plan.Points), plural(len(plan.Points)), plan.Replicates, plural(plan.Replicates),
			total, plural(total), f.workers, plural(f.workers), dir)
		if f.resume && !batch.HasPartial(dir) {
			fmt.Fprintf(a.stderr, "trustsim: no unfinished batch in %s to resume; running all of it\n", dir)
		}
	}
	opt, finish := f.options(a)
	a.handlesInterrupt.Store(true)
	err = batch.ExecutePrepared(ctx, dir, plan, fingerprint, opt, w.Format, w.AddRows)
	finish()
	if err != nil {
		if aerr := w.Abort(); aerr != nil {
			fmt.Fprintf(a.stderr, "trustsim: %v\n", aerr)
		}
		return f.failed(ctx, a, err, dir, total)
	}
	a.handlesInterrupt.Store(false)
	if err := w.Close(a.now()); err != nil {
		return err // output's errors name dir
	}
	if err := batch.RemovePartial(dir); err != nil {
		return err
	}
	story, err := batchStory(ctx, dir, plan, f.workers)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Results in %s: %s\n", dir, strings.Join(append(w.Files(), story...), ", "))
	return nil
}

// options are the batch options of f: its workers, resume, and a progress
// report on stderr unless --quiet, kept going between finished runs by a
// ticker. Call finish when the batch returns.
func (f *runFlags) options(a *app) (opt batch.Options, finish func()) {
	var prog *progress
	if !f.quiet {
		prog = newProgress(a.stderr, a.terminal, a.now)
	}
	opt = batch.Options{
		Workers: f.workers,
		Resume:  f.resume,
		Progress: func(d, t int) {
			if prog != nil {
				prog.update(d, t)
			}
			if a.onProgress != nil {
				a.onProgress(d, t)
			}
		},
	}
	stopTicker := func() {}
	if prog != nil {
		stopTicker = prog.startTicker()
	}
	return opt, func() {
		stopTicker()
		if prog != nil {
			prog.finish()
		}
	}
}

// failed turns the error of a batch (or shard) of total runs that ran in
// dir into the command's error, after telling how to continue: an
// interrupted batch keeps its finished runs and --resume continues it.
func (f *runFlags) failed(ctx context.Context, a *app, err error, dir string, total int) error {
	if errors.Is(err, batch.ErrUnfinished) || errors.Is(err, batch.ErrOtherBatch) {
		return &inputError{err}
	}
	resume := resumeCommand(a.args)
	if ctx.Err() != nil {
		kept := batch.CountCheckpoints(dir)
		fmt.Fprintf(a.stderr, "trustsim: interrupted; %d of %d runs are finished and kept in %s\n",
			kept, total, filepath.Join(dir, batch.PartialDir))
		fmt.Fprintf(a.stderr, "To continue, run: %s\n", resume)
		return errInterrupted
	}
	if kept := batch.CountCheckpoints(dir); kept > 0 {
		fmt.Fprintf(a.stderr, "trustsim: %d of %d runs are finished and kept; once the problem below is fixed, continue with: %s\n",
			kept, total, resume)
	}
	return err
}

// load loads the scenario arg, applies the override flags and plans the
// batch. Every problem is bad input, reported before anything is written.
func (f *scenarioFlags) load(arg string) (*scenarios.Scenario, *batch.Plan, []override, error) {
	s, err := loadScenario(arg)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := applyOverrides(s, f.overrides()); err != nil {
		return nil, nil, nil, err
	}
	// The same values however they were written ("--seed 010" is seed
	// 10): the fingerprint and the recorded command use these.
	if f.fs.Changed("seed") {
		f.seed = strconv.FormatUint(s.Seed, 10)
	}
	if f.fs.Changed("replicates") {
		f.replicates = strconv.Itoa(s.Replicates)
	}
	if f.fs.Changed("every") {
		f.every = strconv.Itoa(s.Every)
	}
	overrides := f.overrides()
	plan, err := s.Plan()
	if err != nil {
		return nil, nil, nil, err
	}
	return s, plan, overrides, nil
}

// applyOverrides applies overrides to s in order and returns every
// problem as a scenarios.ErrorList, each naming the flag it came from. A
// name given twice (two --set of one name, or --seed and --set seed=) is
// an error rather than "the last wins": one of the two values would be
// dropped without a word, and a command line that says both is more
// likely a mistake (a script appending flags, an edited history line)
// than a wish.
func applyOverrides(s *scenarios.Scenario, overrides []override) error {
	var errs scenarios.ErrorList
	seen := map[string]override{}
	for _, o := range overrides {
		name, value, ok := strings.Cut(o.text, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			errs = append(errs, &scenarios.Error{File: o.flag, Name: scenarios.Quote(o.text), Problem: "not of the form name=value", Allowed: "e.g. --set policy.relationship_share=0.1"})
			continue
		}
		if prev, dup := seen[name]; dup {
			errs = append(errs, &scenarios.Error{File: o.flag, Name: scenarios.Quote(name), Problem: "given twice (also " + prev.describe() + ")",
				Allowed: "give each name once"})
			continue
		}
		seen[name] = o
		if err := s.Override(name, value); err != nil {
			var list scenarios.ErrorList
			var one *scenarios.Error
			switch {
			case errors.As(err, &list):
			case errors.As(err, &one):
				list = scenarios.ErrorList{one}
			default:
				list = scenarios.ErrorList{{File: o.flag, Name: name, Problem: err.Error()}}
			}
			for _, e := range list {
				if e.Line == 0 {
					e.File = o.flag // --seed, --replicates or --every rather than --set
				}
			}
			errs = append(errs, list...)
		}
	}
	return errs.Err()
}

// batchFingerprint identifies a batch by everything that determines its
// results: the program version, the scenario text and the overrides.
func batchFingerprint(version string, source []byte, overrides []override) string {
	parts := []string{version, string(source)}
	for _, o := range overrides {
		parts = append(parts, o.text)
	}
	return batch.Fingerprint(parts...)
}

// loadScenario loads arg, a file or bundled name. Every failure is bad
// input: an invalid scenario, a missing file, an unknown name.
func loadScenario(arg string) (*scenarios.Scenario, error) {
	s, err := scenarios.Load(arg)
	if err != nil {
		var list scenarios.ErrorList
		if errors.As(err, &list) {
			return nil, err
		}
		return nil, &inputError{err}
	}
	return s, nil
}

// override is one scenario override from the command line.
type override struct {
	flag string // "--set", "--seed", ...
	text string // name=value
}

// describe is the override as written on the command line.
func (o override) describe() string {
	if o.flag == "--set" {
		return "--set " + scenarios.Quote(o.text)
	}
	_, v, _ := strings.Cut(o.text, "=")
	return o.flag + " " + scenarios.Quote(v)
}

// overrides returns the scenario overrides of the flags in the order they
// apply: --seed, --replicates, --every, then each --set in command-line
// order (so a later --set wins).
func (f *scenarioFlags) overrides() []override {
	var o []override
	if f.fs.Changed("seed") {
		o = append(o, override{"--seed", "seed=" + f.seed})
	}
	if f.fs.Changed("replicates") {
		o = append(o, override{"--replicates", "replicates=" + f.replicates})
	}
	if f.fs.Changed("every") {
		o = append(o, override{"--every", "every=" + f.every})
	}
	for _, s := range f.set {
		o = append(o, override{"--set", s})
	}
	return o
}

// canonicalFlags are the flags that determine a batch's results, as the
// manifest records them: --out, --workers, --quiet, --resume, --shard and
// --shards change where and how fast the files are written, never their
// contents, so they are left out and the same batch records the same
// command however it was run (a merged batch records the command that
// runs it on one machine).
func (f *scenarioFlags) canonicalFlags() []string {
	var c []string
	if f.fs.Changed("seed") {
		c = append(c, "--seed", f.seed)
	}
	if f.fs.Changed("replicates") {
		c = append(c, "--replicates", f.replicates)
	}
	if f.fs.Changed("every") {
		c = append(c, "--every", f.every)
	}
	for _, s := range f.set {
		c = append(c, "--set", s)
	}
	return c
}

// dirName is the default output directory name of s: its name, or the
// file's base name, made safe as one path element.
func dirName(s *scenarios.Scenario, arg string) string {
	name := s.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg))
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, name)
	if name == "" || strings.Trim(name, ".") == "" {
		name = "scenario"
	}
	return name
}

// resumeCommand is the command line that resumes the batch started by
// args: the same command with --resume.
func resumeCommand(args []string) string {
	parts := append([]string{"trustsim"}, args...)
	if !slices.Contains(args, "--resume") && !slices.Contains(args, "--resume=true") {
		parts = append(parts, "--resume")
	}
	return batch.ShellJoin(parts)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// elapsed formats d for progress lines: "42s", "3m05s", "2h07m".
func elapsed(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}
