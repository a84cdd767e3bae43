package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/output"
	"github.com/trustsim/trustsim/scenarios"
)

// shardsDirName is the directory, inside a batch's output directory, that
// holds its shards.
const shardsDirName = "shards"

// Environment variables a shard is read from.
const (
	envSlurmID    = "SLURM_ARRAY_TASK_ID"
	envSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	envSlurmMax   = "SLURM_ARRAY_TASK_MAX"
	envSlurmStep  = "SLURM_ARRAY_TASK_STEP"
	envSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	envK8sIndex   = "JOB_COMPLETION_INDEX"
	envShards     = "TRUSTSIM_SHARDS"
)

// resolveShard decides whether `trustsim run` runs a shard, and which,
// and says why in words for stderr. In order:
//   - --shard I/N names the shard; --shard none runs the whole batch
//     whatever the environment holds.
//   - SLURM_ARRAY_TASK_ID (a Slurm job array task): with a shard count
//     given (--shards or TRUSTSIM_SHARDS) the task ID is the shard index,
//     so the array must be numbered 0..N-1 and a failed task can be
//     resubmitted alone (--array=5); without one, the shard is the task's
//     position in the array, (ID - SLURM_ARRAY_TASK_MIN) /
//     SLURM_ARRAY_TASK_STEP, of SLURM_ARRAY_TASK_COUNT, which needs a
//     regular array (a range, with or without a step).
//   - JOB_COMPLETION_INDEX (a Kubernetes Indexed Job): the index, with the
//     count from --shards or TRUSTSIM_SHARDS (the Job's completions).
//   - otherwise the whole batch; --shards alone is an error.
func resolveShard(fs *pflag.FlagSet, flag string, count int, getenv func(string) string) (sh batch.Shard, sharded bool, why string, err error) {
	bad := func(format string, args ...any) (batch.Shard, bool, string, error) {
		return batch.Shard{}, false, "", usagef("run", format, args...)
	}
	countSet := fs.Changed("shards")
	if countSet && count < 1 {
		return bad("--shards must be at least 1, got %d", count)
	}
	countWhy := fmt.Sprintf("--shards %d", count)
	if !countSet {
		if v := getenv(envShards); v != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				return bad("%s=%q is not a number of shards (a whole number, at least 1)", envShards, v)
			}
			count, countSet, countWhy = n, true, fmt.Sprintf("%s=%d", envShards, n)
		}
	}

	if fs.Changed("shard") {
		if strings.TrimSpace(flag) == "none" {
			return batch.Shard{}, false, "", nil
		}
		sh, err := batch.ParseShard(flag)
		if err != nil {
			return bad("--shard: %v", err)
		}
		if fs.Changed("shards") && count != sh.Count {
			return bad("--shard %s and --shards %d disagree on the number of shards", sh, count)
		}
		return sh, true, "from --shard", nil
	}

	if id := getenv(envSlurmID); id != "" {
		task, err := envInt(getenv, envSlurmID)
		if err != nil {
			return bad("%v", err)
		}
		if countSet {
			sh := batch.Shard{Index: task, Count: count}
			if err := sh.Check(); err != nil {
				return bad("%s=%d is not a shard of %d: with %s the array task IDs are the shard indices, "+
					"so submit the array as --array=0-%d (or pass --shard I/N)", envSlurmID, task, count, countWhy, count-1)
			}
			return sh, true, fmt.Sprintf("from %s=%d and %s", envSlurmID, task, countWhy), nil
		}
		n, err := envInt(getenv, envSlurmCount)
		if err != nil {
			return bad("%v; or give the number of shards with --shards N (the task IDs are then the shard indices)", err)
		}
		lo, err := envInt(getenv, envSlurmMin)
		if err != nil {
			return bad("%v", err)
		}
		step := 1
		if getenv(envSlurmStep) != "" {
			if step, err = envInt(getenv, envSlurmStep); err != nil {
				return bad("%v", err)
			}
		}
		hi := lo + (n-1)*step
		if getenv(envSlurmMax) != "" {
			if hi, err = envInt(getenv, envSlurmMax); err != nil {
				return bad("%v", err)
			}
		}
		if step < 1 || (hi-lo)%step != 0 || (hi-lo)/step+1 != n || task < lo || task > hi || (task-lo)%step != 0 {
			return bad("the Slurm array (task %d of %d, IDs %d to %d by %d) is not a regular range, so its task "+
				"IDs do not number shards: give the number of shards with --shards N and submit --array=0-N-1", task, n, lo, hi, step)
		}
		sh := batch.Shard{Index: (task - lo) / step, Count: n}
		why := fmt.Sprintf("from %s=%d, %s=%d, %s=%d", envSlurmID, task, envSlurmMin, lo, envSlurmCount, n)
		if step != 1 {
			why += fmt.Sprintf(", %s=%d", envSlurmStep, step)
		}
		return sh, true, why, nil
	}

	if v := getenv(envK8sIndex); v != "" {
		index, err := envInt(getenv, envK8sIndex)
		if err != nil {
			return bad("%v", err)
		}
		if !countSet {
			return bad("%s=%d is set (a Kubernetes Indexed Job) but not the number of shards: "+
				"pass --shards N or set %s to the Job's completions", envK8sIndex, index, envShards)
		}
		sh := batch.Shard{Index: index, Count: count}
		if err := sh.Check(); err != nil {
			return bad("%s=%d is not a shard of %d (%s): %v", envK8sIndex, index, count, countWhy, err)
		}
		return sh, true, fmt.Sprintf("from %s=%d and %s", envK8sIndex, index, countWhy), nil
	}

	if fs.Changed("shards") {
		return bad("--shards %d needs a shard index: --shard I/N, or run as a Slurm array task (%s) "+
			"or a Kubernetes Indexed Job pod (%s)", count, envSlurmID, envK8sIndex)
	}
	return batch.Shard{}, false, "", nil
}

// envInt reads the environment variable name as a whole number.
func envInt(getenv func(string) string, name string) (int, error) {
	v := getenv(name)
	if v == "" {
		return 0, fmt.Errorf("%s is not set", name)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a whole number", name, v)
	}
	return n, nil
}

// shardJob is one shard of a batch, everything resolved.
type shardJob struct {
	// format is the tables' format, recorded for the merge.
	format      output.Format
	shard       batch.Shard
	why         string
	scenario    *scenarios.Scenario
	plan        *batch.Plan
	overrides   []override
	batchDir    string // the batch's output directory; the shard goes to batchDir/shards/
	version     string
	fingerprint string // the whole batch's
	command     []string
}

// execShard runs shard j into its directory, DIR/shards/shard-I-of-N: an
// archive of its runs' metrics and shard.json, which `trustsim merge`
// turns into the batch's files.
func (f *runFlags) execShard(ctx context.Context, a *app, j shardJob) error {
	shardsDir := filepath.Join(j.batchDir, shardsDirName)
	dir := filepath.Join(shardsDir, j.shard.DirName())
	total := j.plan.NumRuns()
	first, end := j.shard.Block(total)
	runs := "no runs (more shards than runs)"
	if end > first {
		runs = fmt.Sprintf("runs %d-%d of %d", first, end-1, total)
	}
	fmt.Fprintf(a.stderr, "trustsim: %s: shard %s (%s): %s on %d worker%s → %s\n",
		j.plan.Scenario, j.shard, j.why, runs, f.workers, plural(f.workers), dir)

	// The batch directory is trustsim's (shards write into it in
	// parallel, so it is marked, not locked); the shard's directory is
	// this process's alone.
	if err := ownershipError(output.MarkOwned(j.batchDir)); err != nil {
		return err
	}
	claim, err := a.claim(dir)
	if err != nil {
		return err
	}
	defer claim.Release()
	if a.onClaimed != nil {
		a.onClaimed()
	}

	fp := batch.ShardFingerprint(j.fingerprint, j.shard)
	if f.resume && !batch.HasPartial(dir) {
		if m, err := batch.ReadShardManifest(dir); err == nil && m.Fingerprint == j.fingerprint && m.Shard() == j.shard {
			if st, err := os.Stat(filepath.Join(dir, m.Archive)); err == nil && st.Size() == m.ArchiveBytes {
				fmt.Fprintf(a.stderr, "trustsim: shard %s finished already (at %s); nothing to do\n", j.shard, m.End)
				f.shardDone(a, j, dir, shardsDir)
				return nil
			}
		}
		if !f.quiet {
			fmt.Fprintf(a.stderr, "trustsim: no unfinished shard in %s to resume; running all of it\n", dir)
		}
	}
	if err := batch.CheckPartial(dir, fp, f.resume); err != nil {
		return &inputError{err}
	}

	overrides := []string{}
	for _, o := range j.overrides {
		overrides = append(overrides, o.text)
	}
	sum := sha256.Sum256(j.scenario.Source)
	host, _ := os.Hostname()
	w, err := batch.CreateShard(dir, j.plan, batch.ShardManifest{
		Program:        "trustsim",
		Version:        j.version,
		Fingerprint:    j.fingerprint,
		Scenario:       j.plan.Scenario,
		ScenarioFile:   j.scenario.Filename,
		ScenarioSHA256: hex.EncodeToString(sum[:]),
		ScenarioText:   string(j.scenario.Source),
		Overrides:      overrides,
		Command:        j.command,
		Tables:         string(j.format),
		ShardIndex:     j.shard.Index,
		ShardCount:     j.shard.Count,
		Workers:        f.workers,
		Host:           host,
		Start:          batch.FormatTime(a.now()),
	})
	if err != nil {
		return err // CreateShard's errors name dir
	}
	opt, finish := f.options(a)
	a.handlesInterrupt.Store(true)
	err = batch.ExecuteShardPrepared(ctx, dir, j.plan, j.shard, j.fingerprint, opt, w.Prepare, w.AddPrepared)
	finish()
	if err != nil {
		if aerr := w.Abort(); aerr != nil {
			fmt.Fprintf(a.stderr, "trustsim: %v\n", aerr)
		}
		return f.failed(ctx, a, err, dir, end-first)
	}
	a.handlesInterrupt.Store(false)
	if err := w.Close(a.now()); err != nil {
		return err
	}
	if err := batch.RemovePartial(dir); err != nil {
		return err
	}
	f.shardDone(a, j, dir, shardsDir)
	return nil
}

// shardDone prints where the shard is and how to merge the shards.
func (f *runFlags) shardDone(a *app, j shardJob, dir, shardsDir string) {
	merge := batch.ShellJoin([]string{"trustsim", "merge", shardsDir, "--out", j.batchDir})
	fmt.Fprintf(a.stdout, "Shard %s in %s; once all %d shards have finished: %s\n", j.shard, dir, j.shard.Count, merge)
}
