package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/output"
	"github.com/trustsim/trustsim/scenarios"
)

// mergeFlags are the flags of `trustsim merge`.
type mergeFlags struct {
	out    string
	quiet  bool
	format string
	fs     *pflag.FlagSet
}

func mergeCommand() *command {
	return &command{
		name:    "merge",
		summary: "merge the shards of a batch into its results, plots and report",
		usage:   "SHARD_DIR...",
		help: `Merge reads the shards that 'trustsim run --shard' (or a Slurm array task,
or a Kubernetes Indexed Job pod) wrote and writes the files of the whole
batch: runs.csv, timeseries.csv and aggregate.csv (or their Parquet
versions, as the shards' --format or merge's asks) byte for byte as
'trustsim run' writes them on one machine, manifest.json, plots/ and
report.html.

Each SHARD_DIR is a shard's directory (DIR/shards/shard-I-of-N), or a
directory holding shard directories (DIR/shards), or the batch's directory
DIR itself. --out defaults to DIR when all shards are in DIR/shards, else
to out/<scenario name>.

Merge first checks, without writing anything, that the shards are of one
batch (the same scenario text, overrides, seed and trustsim version; the
trustsim merging must be that version too) and that every run of the
batch is in exactly one finished shard. Otherwise it lists every problem
(the runs missing or held twice, the shards that differ, the shards not
finished) and exits with status 2. A shard's archive is checked against
the digest in its shard.json as it is read.

Examples:
  trustsim merge out/sweep/shards
  trustsim merge /scratch/sweep/shards/shard-* --out results/sweep`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *app, []string) error {
			f := &mergeFlags{}
			fs.StringVar(&f.out, "out", "", "output `DIR` (default: the batch's directory above shards/, else out/<scenario name>)")
			fs.BoolVar(&f.quiet, "quiet", false, "print no progress")
			fs.StringVar(&f.format, "format", "", "tables as `FORMAT`: csv, parquet or both (default: the shards' --format)")
			f.fs = fs
			return f.exec
		},
	}
}

// problemsError is bad input with several problems, printed one per line.
type problemsError struct {
	head  string
	lines []string
}

func (e *problemsError) Error() string {
	return e.head + ":\n  " + strings.Join(e.lines, "\n  ")
}

// exec is `trustsim merge`.
func (f *mergeFlags) exec(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return usagef("merge", "merge needs the shard directories (or the directory holding them)")
	}
	if _, err := output.ParseFormat(f.format); err != nil {
		return usagef("merge", "--format: %v", err)
	}
	dirs, problems := findShards(args)
	var shards []batch.FinishedShard
	for _, dir := range dirs {
		m, err := batch.ReadShardManifest(dir)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		shards = append(shards, batch.FinishedShard{Dir: dir, Manifest: m})
	}
	if len(shards) > 0 {
		sorted, err := batch.CheckShards(shards)
		var me *batch.MergeError
		switch {
		case errors.As(err, &me):
			problems = append(append(problems, me.Mismatches...), me.Lines...)
		case err != nil:
			problems = append(problems, err.Error())
		}
		shards = sorted
	}
	if len(problems) > 0 {
		return &problemsError{head: fmt.Sprintf("cannot merge (%d problem%s; nothing written)", len(problems), plural(len(problems))), lines: problems}
	}

	// Rebuild the batch's plan from the scenario text and overrides the
	// shards recorded, and check this program would run the same batch.
	m := shards[0].Manifest
	version := versionString()
	if m.Version != version {
		return &inputError{fmt.Errorf("the shards were run by %s, this is %s: merge with the trustsim that ran them, "+
			"so the files are those a single machine writes", m.Version, version)}
	}
	s, err := scenarios.Parse(m.ScenarioFile, []byte(m.ScenarioText))
	if err != nil {
		return err
	}
	var overrides []override
	for _, o := range m.Overrides {
		overrides = append(overrides, override{flag: "shard override", text: o})
	}
	if err := applyOverrides(s, overrides); err != nil {
		return err
	}
	plan, err := s.Plan()
	if err != nil {
		return err
	}
	if fp := batchFingerprint(version, s.Source, overrides); fp != m.Fingerprint || plan.NumRuns() != m.Runs || plan.BaseSeed != m.BaseSeed {
		return &inputError{fmt.Errorf("%s: the recorded scenario and overrides do not make the recorded batch "+
			"(fingerprint %.12s, %d runs, seed %d; rebuilt: %.12s, %d runs, seed %d)",
			filepath.Join(shards[0].Dir, batch.ShardManifestName), m.Fingerprint, m.Runs, m.BaseSeed, fp, plan.NumRuns(), plan.BaseSeed)}
	}

	out := f.out
	if out == "" {
		out = defaultMergeOut(shards, s)
	}
	for _, sh := range shards {
		if sameDir(out, sh.Dir) {
			return usagef("merge", "--out %s is a shard's directory; choose another", out)
		}
	}

	claim, err := a.claim(out)
	if err != nil {
		return err
	}
	defer claim.Release()

	var start time.Time
	workers := 0
	for _, sh := range shards {
		if t, err := time.Parse(time.RFC3339, sh.Manifest.Start); err == nil && (start.IsZero() || t.Before(start)) {
			start = t
		}
		workers += sh.Manifest.Workers
	}
	format := output.Format(m.Tables)
	if f.fs.Changed("format") {
		format = output.Format(f.format)
	}
	if _, err := output.ParseFormat(string(format)); err != nil {
		return &inputError{fmt.Errorf("%s: %w", filepath.Join(shards[0].Dir, batch.ShardManifestName), err)}
	}
	w, err := output.Create(out, plan, output.Meta{
		ScenarioText: s.Source,
		ScenarioFile: m.ScenarioFile,
		Command:      m.Command,
		Workers:      workers,
		Start:        start,
		Build:        versionString(),
		Format:       format,
	})
	if err != nil {
		return err // output's errors name out
	}
	total := plan.NumRuns()
	var prog *progress
	if !f.quiet {
		fmt.Fprintf(a.stderr, "trustsim: %s: merging %d shard%s of %d run%s → %s\n",
			plan.Scenario, len(shards), plural(len(shards)), total, plural(total), out)
		prog = newProgress(a.stderr, a.terminal, a.now)
		prog.update(0, total)
	}
	stopTicker := func() {}
	if prog != nil {
		stopTicker = prog.startTicker()
	}
	done := 0
	add := func(r batch.Result) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.Add(r); err != nil {
			return err
		}
		done++
		if prog != nil {
			prog.update(done, total)
		}
		return nil
	}
	a.handlesInterrupt.Store(true)
	for _, sh := range shards {
		if err = batch.ReplayShard(sh.Dir, sh.Manifest, plan, add); err != nil {
			break
		}
	}
	stopTicker()
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		if aerr := w.Abort(); aerr != nil {
			fmt.Fprintf(a.stderr, "trustsim: %v\n", aerr)
		}
		if errors.Is(err, batch.ErrBadArchive) {
			return &inputError{fmt.Errorf("%w; run that shard again (trustsim run ... --shard I/N without --resume)", err)}
		}
		return err
	}
	a.handlesInterrupt.Store(false)
	if err := w.Close(a.now()); err != nil {
		return err // output's errors name out
	}
	story, err := batchStory(ctx, out, plan, runtime.NumCPU())
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Results in %s: %s\n", out, strings.Join(append(w.Files(), story...), ", "))
	return nil
}

// findShards expands the arguments of merge into shard directories: an
// argument that is a shard (finished or not) stands for itself; otherwise
// its subdirectories that are shards, or those of its shards/ directory.
// Problems are arguments that hold no shard.
func findShards(args []string) (dirs, problems []string) {
	isShard := func(dir string) bool {
		if _, err := os.Stat(filepath.Join(dir, batch.ShardManifestName)); err == nil {
			return true
		}
		return batch.HasPartial(dir)
	}
	subShards := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil
		}
		var found []string
		for _, e := range entries { // ReadDir sorts by name: shard order
			if sub := filepath.Join(dir, e.Name()); e.IsDir() && isShard(sub) {
				found = append(found, sub)
			}
		}
		return found
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: no such shard directory", arg))
		case !st.IsDir():
			problems = append(problems, fmt.Sprintf("%s is a file, not a shard directory", arg))
		case isShard(arg):
			dirs = append(dirs, arg)
		default:
			found := subShards(arg)
			if len(found) == 0 {
				found = subShards(filepath.Join(arg, shardsDirName))
			}
			if len(found) == 0 {
				problems = append(problems, fmt.Sprintf("%s holds no shard (no %s in it, nor in its subdirectories or %s/)",
					arg, batch.ShardManifestName, shardsDirName))
			}
			dirs = append(dirs, found...)
		}
	}
	return dirs, problems
}

// defaultMergeOut is where merge writes by default: DIR when every shard
// is in DIR/shards/, the directory `trustsim run --shard` put them under;
// otherwise out/<scenario name>, where `trustsim run` writes.
func defaultMergeOut(shards []batch.FinishedShard, s *scenarios.Scenario) string {
	var parents []string
	for _, sh := range shards {
		p := filepath.Dir(filepath.Clean(sh.Dir))
		if filepath.Base(p) != shardsDirName {
			parents = nil
			break
		}
		parents = append(parents, filepath.Dir(p))
	}
	if len(parents) > 0 && len(slices.Compact(slices.Clone(parents))) == 1 {
		return parents[0]
	}
	return filepath.Join("out", dirName(s, s.Filename))
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
