package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// sweep is the batch the shard tests split: small.toml with 5 replicates,
// 2 points × 5 = 10 runs of 30 weeks.
var sweep = []string{small, "--replicates", "5"}

// runArgs is `trustsim run` of the sweep with more arguments.
func runArgs(more ...string) []string {
	return append(append([]string{"run"}, sweep...), more...)
}

// runShards runs shards 0..n-1 of the sweep into root/shards, in reverse
// order (the order shards finish in must not matter).
func runShards(t *testing.T, root string, n int) {
	t.Helper()
	for i := n - 1; i >= 0; i-- {
		mustRun(t, runArgs("--out", root, "--shard", fmt.Sprintf("%d/%d", i, n), "--workers", fmt.Sprint(1+i%2), "--quiet")...)
	}
}

// wholeSweep returns the directory of the sweep run on one machine, made
// once for all tests (drawing plots takes seconds under -race).
func wholeSweep(t *testing.T) string {
	t.Helper()
	wholeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trustsim-sweep-")
		if err != nil {
			t.Fatal(err)
		}
		wholeDir = filepath.Join(dir, "whole")
		mustRun(t, runArgs("--out", wholeDir, "--quiet")...)
	})
	if wholeDir == "" {
		t.Fatal("the single-machine sweep failed in an earlier test")
	}
	return wholeDir
}

var (
	wholeOnce sync.Once
	wholeDir  string
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		childMain() // the test binary as trustsim in another process
	}
	code := m.Run()
	if wholeDir != "" {
		os.RemoveAll(filepath.Dir(wholeDir))
	}
	os.Exit(code)
}

func TestShardsMergeToTheSingleMachineFiles(t *testing.T) {
	t.Parallel() // plots take seconds under -race; other tests need not wait
	whole := wholeSweep(t)
	tmp := t.TempDir()
	for _, n := range []int{1, 3, 7} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			t.Parallel()
			root := filepath.Join(tmp, fmt.Sprint(n))
			runShards(t, root, n)
			shards, _ := filepath.Glob(filepath.Join(root, "shards", "shard-*"))
			if len(shards) != n {
				t.Fatalf("%d shard directories, want %d: %v", len(shards), n, shards)
			}
			for _, s := range shards {
				if batch.HasPartial(s) {
					t.Errorf("%s kept its checkpoints after finishing", s)
				}
			}
			out, args := root, []string{"merge", "--quiet", root}
			if n == 7 {
				// Shard directories named one by one, and another --out.
				out = filepath.Join(tmp, "by-name")
				args = append([]string{"merge", "--quiet", "--out", out}, shards...)
			}
			// Otherwise the batch directory stands for its shards, and
			// --out defaults to it.
			stdout, _ := mustRun(t, args...)
			if !strings.HasPrefix(stdout, "Results in "+out+":") {
				t.Errorf("merge stdout = %q, want the results in %s", stdout, out)
			}
			sameMerged(t, whole, out)
		})
	}
}

// mergeRefused runs merge with args, expects exit 2 with every string of
// want on stderr, and checks nothing was written to out.
func mergeRefused(t *testing.T, out string, want []string, args ...string) {
	t.Helper()
	code, stdout, stderr := trustsim(t, append([]string{"merge", "--out", out}, args...)...)
	if code != exitUsage {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not say %q:\n%s", w, stderr)
		}
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		t.Errorf("refused merge wrote into %s: %v", out, entries)
	}
}

func TestMergeRefuses(t *testing.T) {
	t.Parallel() // plots take seconds under -race; other tests need not wait
	tmp := t.TempDir()
	root := filepath.Join(tmp, "batch")
	runShards(t, root, 4) // runs 0-1, 2-4, 5-6, 7-9
	dir := func(i int) string { return filepath.Join(root, "shards", fmt.Sprintf("shard-%d-of-4", i)) }

	// The same sweep with another seed, and another scenario, as 4 shards.
	seeded := filepath.Join(tmp, "seeded")
	for i := range 4 {
		mustRun(t, runArgs("--seed", "99", "--out", seeded, "--shard", fmt.Sprintf("%d/4", i), "--quiet")...)
	}
	other := filepath.Join(tmp, "other")
	for i := range 4 {
		mustRun(t, "run", "default", "--set", "horizon=5", "--replicates", "2", "--out", other, "--shard", fmt.Sprintf("%d/4", i), "--quiet")
	}
	otherDir := func(base string, i int) string { return filepath.Join(base, "shards", fmt.Sprintf("shard-%d-of-4", i)) }

	copyDir := filepath.Join(tmp, "copy-of-1")
	if err := os.CopyFS(copyDir, os.DirFS(dir(1))); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing shard", []string{dir(0), dir(1), dir(3)},
			[]string{"runs 5-6 of 10 missing: shard 2/4 not given, or not finished"}},
		{"missing shards", []string{dir(1)},
			[]string{"runs 0-1 of 10 missing: shard 0/4", "runs 5-9 of 10 missing: shards 2/4, 3/4"}},
		{"repeated shard", []string{root, dir(1)},
			[]string{"runs 2-4 held more than once: by " + dir(1) + " (shard 1/4), " + dir(1) + " (shard 1/4)"}},
		{"copied shard", []string{root, copyDir},
			[]string{"runs 2-4 held more than once", copyDir}},
		{"other seed", []string{dir(0), dir(1), otherDir(seeded, 2), dir(3)},
			[]string{otherDir(seeded, 2) + " (shard 2/4) is of another batch than " + dir(0) + " (shard 0/4)", "seed 99, not 11", "overrides [seed=99 replicates=5], not [replicates=5]"}},
		{"other scenario", []string{dir(0), dir(1), dir(2), otherDir(other, 3)},
			[]string{otherDir(other, 3) + " (shard 3/4) is of another batch", `scenario "bundled/default.toml"`}},
		{"not a shard", []string{root, tmp + "/nowhere", small},
			[]string{tmp + "/nowhere: no such shard directory", small + " is a file"}},
		{"holds no shard", []string{t.TempDir()}, []string{"holds no shard"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mergeRefused(t, filepath.Join(t.TempDir(), "out"), tt.want, tt.args...)
		})
	}

	code, _, stderr := trustsim(t, "merge")
	if code != exitUsage || !strings.Contains(stderr, "shard directories") {
		t.Errorf("merge without arguments: exit %d, stderr %q", code, stderr)
	}
}

func TestMergeRefusesDamagedArchive(t *testing.T) {
	t.Parallel() // plots take seconds under -race; other tests need not wait
	root := t.TempDir()
	runShards(t, root, 2)
	archive := filepath.Join(root, "shards", "shard-1-of-2", batch.ShardArchiveName)
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x10
	if err := os.WriteFile(archive, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := trustsim(t, "merge", root, "--out", out, "--quiet")
	if code != exitUsage || !strings.Contains(stderr, "damaged shard archive") || !strings.Contains(stderr, "shard-1-of-2") {
		t.Errorf("merge of a damaged archive: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); !os.IsNotExist(err) {
		t.Errorf("merge of a damaged archive published runs.csv (%v)", err)
	}
}

func TestShardInterruptResumeAndMerge(t *testing.T) {
	t.Parallel() // plots take seconds under -race; other tests need not wait
	whole := wholeSweep(t)
	tmp := t.TempDir()
	root := filepath.Join(tmp, "batch")
	runShards(t, root, 2)
	shard1 := filepath.Join(root, "shards", "shard-1-of-2")
	if err := os.RemoveAll(shard1); err != nil {
		t.Fatal(err)
	}

	// Shard 1/2 from a Slurm array task of an array numbered 1-2,
	// interrupted after 2 of its 5 runs.
	env := map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "2", "SLURM_ARRAY_TASK_COUNT": "2"}
	args := runArgs("--out", root, "--workers", "1")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code, stdout, stderr := trustsimEnv(t, ctx, env, func(done, _ int) {
		if done >= 2 {
			cancel()
		}
	}, args...)
	if code != exitInterrupted || stdout != "" {
		t.Fatalf("interrupted shard: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	for _, w := range []string{
		"shard 1/2 (from SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_COUNT=2): runs 5-9 of 10",
		"runs are finished and kept", "--resume",
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not say %q:\n%s", w, stderr)
		}
	}
	// Runs under way when the batch stopped may have finished too (a
	// worker may be a few runs ahead of the progress report).
	kept := batch.CountCheckpoints(shard1)
	if kept < 2 || !strings.Contains(stderr, fmt.Sprintf("%d of 5 runs are finished", kept)) {
		t.Fatalf("%d runs checkpointed, want at least 2 and stderr to say so:\n%s", kept, stderr)
	}
	mergeRefused(t, filepath.Join(tmp, "early"), []string{"holds an unfinished shard", "runs 5-9 of 10 missing: shard 1/2"}, root)

	// Rerun without --resume: refused; with it: finished.
	code, _, stderr = trustsimEnv(t, context.Background(), env, nil, args...)
	if code != exitUsage || !strings.Contains(stderr, "--resume") {
		t.Errorf("rerun without --resume: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr = trustsimEnv(t, context.Background(), env, nil, append(args, "--resume")...)
	if code != exitOK || !strings.Contains(stderr, fmt.Sprintf("resuming: %d of 5 runs already done", kept)) ||
		!strings.Contains(stdout, "Shard 1/2 in "+shard1+"; once all 2 shards have finished: trustsim merge "+filepath.Join(root, "shards")+" --out "+root) {
		t.Fatalf("resumed shard: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	// A requeued task whose shard has finished does nothing.
	code, _, stderr = trustsimEnv(t, context.Background(), env, nil, append(args, "--resume")...)
	if code != exitOK || !strings.Contains(stderr, "finished already") {
		t.Errorf("rerun of a finished shard: exit %d, stderr:\n%s", code, stderr)
	}
	mustRun(t, "merge", filepath.Join(root, "shards"), "--out", root, "--quiet")
	sameMerged(t, whole, root)
}

// trustsimEnv is trustsimApp with env as the whole environment.
func trustsimEnv(t *testing.T, ctx context.Context, env map[string]string, onProgress func(done, total int), args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(&stdout, &stderr)
	a.onProgress = onProgress
	a.getenv = func(k string) string { return env[k] }
	code := a.main(ctx, args)
	return code, stdout.String(), stderr.String()
}

func TestResolveShard(t *testing.T) {
	slurm := func(id, lo, hi, count string) map[string]string {
		return map[string]string{"SLURM_ARRAY_TASK_ID": id, "SLURM_ARRAY_TASK_MIN": lo, "SLURM_ARRAY_TASK_MAX": hi, "SLURM_ARRAY_TASK_COUNT": count}
	}
	with := func(m map[string]string, kv ...string) map[string]string {
		m = maps.Clone(m)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		flags   []string
		env     map[string]string
		want    batch.Shard
		sharded bool
		why     string // part of why, or of the error
		err     bool
	}{
		{name: "nothing", sharded: false},
		{name: "flag", flags: []string{"--shard", "2/5"}, want: sh(2, 5), sharded: true, why: "from --shard"},
		{name: "flag wins over Slurm", flags: []string{"--shard", "1/2"}, env: slurm("3", "0", "3", "4"), want: sh(1, 2), sharded: true, why: "--shard"},
		{name: "none ignores Slurm", flags: []string{"--shard", "none"}, env: slurm("3", "0", "3", "4")},
		{name: "flag and --shards disagree", flags: []string{"--shard", "1/2", "--shards", "3"}, err: true, why: "disagree"},
		{name: "bad flag", flags: []string{"--shard", "2/2"}, err: true, why: "0 to 1"},
		{name: "Slurm from 0", env: slurm("2", "0", "3", "4"), want: sh(2, 4), sharded: true,
			why: "from SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=4"},
		{name: "Slurm from 1", env: slurm("1", "1", "4", "4"), want: sh(0, 4), sharded: true, why: "SLURM_ARRAY_TASK_MIN=1"},
		{name: "Slurm with a step", env: with(slurm("14", "10", "16", "4"), "SLURM_ARRAY_TASK_STEP", "2"), want: sh(2, 4), sharded: true, why: "SLURM_ARRAY_TASK_STEP=2"},
		{name: "Slurm irregular", env: slurm("7", "1", "7", "3"), err: true, why: "not a regular range"},
		{name: "Slurm without count", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, err: true, why: "SLURM_ARRAY_TASK_COUNT is not set"},
		{name: "Slurm with --shards", flags: []string{"--shards", "8"}, env: slurm("5", "5", "5", "1"), want: sh(5, 8), sharded: true,
			why: "from SLURM_ARRAY_TASK_ID=5 and --shards 8"},
		{name: "Slurm with TRUSTSIM_SHARDS", env: with(slurm("5", "5", "5", "1"), "TRUSTSIM_SHARDS", "8"), want: sh(5, 8), sharded: true,
			why: "TRUSTSIM_SHARDS=8"},
		{name: "Slurm ID beyond --shards", flags: []string{"--shards", "4"}, env: slurm("4", "1", "4", "4"), err: true, why: "--array=0-3"},
		{name: "Kubernetes", env: map[string]string{"JOB_COMPLETION_INDEX": "3", "TRUSTSIM_SHARDS": "4"}, want: sh(3, 4), sharded: true,
			why: "from JOB_COMPLETION_INDEX=3 and TRUSTSIM_SHARDS=4"},
		{name: "Kubernetes with --shards", flags: []string{"--shards", "6"}, env: map[string]string{"JOB_COMPLETION_INDEX": "0", "TRUSTSIM_SHARDS": "4"},
			want: sh(0, 6), sharded: true, why: "--shards 6"},
		{name: "Kubernetes without count", env: map[string]string{"JOB_COMPLETION_INDEX": "3"}, err: true, why: "TRUSTSIM_SHARDS"},
		{name: "Kubernetes index too large", env: map[string]string{"JOB_COMPLETION_INDEX": "4", "TRUSTSIM_SHARDS": "4"}, err: true, why: "not a shard of 4"},
		{name: "bad TRUSTSIM_SHARDS", env: map[string]string{"JOB_COMPLETION_INDEX": "0", "TRUSTSIM_SHARDS": "x"}, err: true, why: "TRUSTSIM_SHARDS"},
		{name: "bad index", env: map[string]string{"JOB_COMPLETION_INDEX": "one", "TRUSTSIM_SHARDS": "4"}, err: true, why: "not a whole number"},
		{name: "--shards alone", flags: []string{"--shards", "4"}, err: true, why: "needs a shard index"},
		{name: "--shards 0", flags: []string{"--shards", "0"}, err: true, why: "at least 1"},
		{name: "TRUSTSIM_SHARDS alone", env: map[string]string{"TRUSTSIM_SHARDS": "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
			var shard string
			var count int
			fs.StringVar(&shard, "shard", "", "")
			fs.IntVar(&count, "shards", 0, "")
			if err := fs.Parse(tt.flags); err != nil {
				t.Fatal(err)
			}
			sh, sharded, why, err := resolveShard(fs, shard, count, func(k string) string { return tt.env[k] })
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), tt.why) {
					t.Errorf("error %v, want one saying %q", err, tt.why)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sh != tt.want || sharded != tt.sharded || !strings.Contains(why, tt.why) {
				t.Errorf("got %v, %v, %q; want %v, %v, %q", sh, sharded, why, tt.want, tt.sharded, tt.why)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	t.Parallel() // plots take seconds under -race; other tests need not wait
	stdout, stderr := mustRun(t, "plan", small, "--replicates", "50", "--cpus", "2", "--target", "1us", "--measure", "50ms")
	if stderr != "" {
		t.Errorf("plan wrote to stderr: %q", stderr)
	}
	for _, want := range []string{
		"small (testdata/small.toml), seed 11",
		"2 design points × 50 replicates = 100 runs",
		"policy.relationship_share=0.02",
		"policy.relationship_share=0.1",
		"person-weeks/s",
		"time per run", "memory per run", "disk",
		"Shards for a wall time of 1µs with 2 CPUs each: 100",
		"--shard I/", "--replicates 50",
		"more than the target allows",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plan output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stdout, "a process with 2 workers and 1 run at once") || !strings.Contains(stdout, "2 workers inside each run") {
		t.Errorf("a shard of one run on 2 CPUs holds one run with 2 workers inside it; plan says:\n%s", stdout)
	}
	stdout, _ = mustRun(t, "plan", small, "--measure", "10ms")
	if !strings.Contains(stdout, "One machine is enough") {
		t.Errorf("a 6-run batch needs no shards, plan says:\n%s", stdout)
	}
	// 2 runs on 8 CPUs: 2 models in memory, not 8, each run on 4 workers.
	stdout, _ = mustRun(t, "plan", small, "--replicates", "1", "--cpus", "8", "--measure", "10ms")
	if !strings.Contains(stdout, "a process with 8 workers and 2 runs at once") || !strings.Contains(stdout, "4 workers inside each run") {
		t.Errorf("2 runs on 8 CPUs: want 2 runs at once with 4 workers each; plan says:\n%s", stdout)
	}
	for _, args := range [][]string{
		{"plan", small, "--cpus", "0"}, {"plan", small, "--target", "0s"}, {"plan", small, "--measure", "-1s"},
		{"plan", "a", "b"}, {"plan", small, "--set", "horizon=0"},
	} {
		if code, _, _ := trustsim(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestLargestBlock(t *testing.T) {
	tests := []struct{ runs, shards, want int }{
		{100, 1, 100},
		{100, 3, 34},
		{100, 100, 1},
		{5, 2, 3},
		{1, 1, 1},
	}
	for _, tt := range tests {
		if got := largestBlock(tt.runs, tt.shards); got != tt.want {
			t.Errorf("largestBlock(%d, %d) = %d, want %d", tt.runs, tt.shards, got, tt.want)
		}
	}
}

func TestSuggestShards(t *testing.T) {
	ones := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	tests := []struct {
		name    string
		perRun  []float64
		cpus    int
		limit   float64
		want    int
		wantMax float64
	}{
		{"fits one", ones(10), 2, 5, 1, 5},
		// Five runs on two CPUs: two pairs, then the fifth alone with
		// both workers: 2 + 1/innerSpeedup(2) = 2.575 s.
		{"two", ones(10), 2, 4, 2, 2 + 1/innerSpeedup(2)},
		{"one CPU", ones(10), 1, 3, 4, 3},
		// Two runs per shard get two workers each, 1.74 times as fast:
		// 0.575 s, over the limit; one run per shard gets four, 2.76
		// times as fast.
		{"workers inside runs", ones(4), 4, 0.5, 4, 1 / innerSpeedup(4)},
		{"a run per shard", ones(4), 4, 0.4, 4, 1 / innerSpeedup(4)},
		{"no count reaches the limit", ones(4), 2, 0.3, 4, 1 / innerSpeedup(2)},
		{"one big run", []float64{100}, 16, 25, 1, 100 / innerSpeedup(16)},
		{"one run over the target", []float64{100}, 4, 10, 1, 100 / innerSpeedup(4)},
		// 16 CPUs for 3 runs: 5 workers each (one idle), 8/3.125 = 2.56 s;
		// three shards give each run 16 workers: 8/4.92 = 1.63 s.
		{"fewer runs than CPUs", []float64{8, 8, 8}, 16, 2, 3, 8 / innerSpeedup(16)},
		// The three short runs end after 1 s; the long one then has all
		// four workers for its last 9 s: 1 + 9/2.76 = 4.26 s, not 10.
		{"the last run takes the freed workers", []float64{10, 1, 1, 1}, 4, 5, 1, 1 + 9/innerSpeedup(4)},
		// Contiguous blocks: 2 shards would put 12 s in the first.
		{"uneven blocks", []float64{10, 1, 1, 1, 1, 1}, 1, 10, 4, 10},
		{"empty", nil, 1, 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, wall := suggestShards(tt.perRun, tt.cpus, tt.limit)
			if n != tt.want || wall != tt.wantMax {
				t.Errorf("suggestShards = %d, %g; want %d, %g", n, wall, tt.want, tt.wantMax)
			}
		})
	}
}

func TestHumanUnits(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{humanSeconds(0.0005), "500 µs"}, {humanSeconds(0.25), "250 ms"}, {humanSeconds(12.34), "12.3 s"}, {humanSeconds(3700), "1h01m"},
		{batch.FormatBytes(100), "100 B"}, {batch.FormatBytes(1536), "1.5 KiB"}, {batch.FormatBytes(3 << 30), "3.0 GiB"},
		{humanCount(812), "812"}, {humanCount(45200), "45.2 k"}, {humanCount(3.1e6), "3.1 M"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// sh is shard i of n.
func sh(i, n int) batch.Shard { return batch.Shard{Index: i, Count: n} }

// sameMerged is sameBatch for a merged batch directory, which also holds
// its shards/.
func sameMerged(t *testing.T, want, got string) {
	t.Helper()
	wf, wn := readBatch(t, want)
	gf, gn := readBatch(t, got)
	gn = slices.DeleteFunc(gn, func(name string) bool { return strings.HasPrefix(name, "shards"+string(filepath.Separator)) })
	if !slices.Equal(wn, gn) {
		t.Errorf("%s holds %v, %s holds %v besides shards/", want, wn, got, gn)
	}
	for _, name := range batchFiles {
		if wf[name] != gf[name] {
			t.Errorf("%s differs between %s and %s", name, want, got)
		}
	}
}

// TestEstimatesUseEveryHorizon checks plan's and validate's sizes against
// a batch whose points differ in horizon (10 and 20 weeks).
func TestEstimatesUseEveryHorizon(t *testing.T) {
	const horizons = "testdata/horizons.toml"
	stdout, _ := mustRun(t, "plan", horizons, "--measure", "10ms")
	metrics := batch.FormatBytes(20 * float64(unsafe.Sizeof(sim.Metrics{})))
	if want := "+ " + metrics + " of metrics"; !strings.Contains(stdout, want) {
		t.Errorf("plan does not size the metrics of the 20-week point (%q):\n%s", want, stdout)
	}
	stdout, _ = mustRun(t, "validate", horizons)
	if want := "2 runs of 10 to 20 weeks"; !strings.Contains(stdout, want) {
		t.Errorf("validate says %q, want %q", stdout, want)
	}
	stdout, _ = mustRun(t, "validate", small)
	if want := "6 runs of 30 weeks"; !strings.Contains(stdout, want) {
		t.Errorf("validate says %q, want %q", stdout, want)
	}
}

// TestKeptSteps checks timeseries.csv's row count per run against the
// rule output applies: every every-th step from 0, and the last step.
func TestKeptSteps(t *testing.T) {
	for _, weeks := range []int{1, 2, 5, 10, 11, 52, 520} {
		for _, every := range []int{1, 2, 3, 4, 10, 52, 600} {
			want := 0
			for s := range weeks {
				if s%every == 0 || s == weeks-1 {
					want++
				}
			}
			if got := keptSteps(weeks, every); got != want {
				t.Errorf("keptSteps(%d, %d) = %d, want %d", weeks, every, got, want)
			}
		}
	}
}
