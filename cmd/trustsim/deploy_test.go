package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// sbatchDirective is an #SBATCH line with one long option.
var sbatchDirective = regexp.MustCompile(`^#SBATCH --[a-z][a-z-]*(=\S+)?$`)

// deployDir holds the cluster files docs/CLUSTER.md describes.
var deployDir = filepath.Join("..", "..", "deploy")

// bashOrSkip returns the path of bash, or skips the test.
func bashOrSkip(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found: the deploy scripts are bash scripts")
	}
	return bash
}

func TestDeployScriptsSyntax(t *testing.T) {
	bash := bashOrSkip(t)
	for _, name := range []string{"trustsim.sbatch", "merge.sbatch", "submit.sh"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(deployDir, name)
			if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
				t.Fatalf("bash -n %s: %v\n%s", path, err, out)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode()&0o111 == 0 {
				t.Errorf("%s is not executable", path)
			}
			if !strings.HasSuffix(name, ".sbatch") {
				return
			}
			// sbatch reads #SBATCH lines only up to the first command;
			// one after it would be silently ignored.
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(bytes.NewReader(data))
			seenCommand, directives := false, 0
			for line := 1; sc.Scan(); line++ {
				text := strings.TrimSpace(sc.Text())
				switch {
				case strings.HasPrefix(text, "#SBATCH"):
					directives++
					if seenCommand {
						t.Errorf("%s:%d: #SBATCH after the first command is ignored by sbatch", path, line)
					}
					if !sbatchDirective.MatchString(text) {
						t.Errorf("%s:%d: %q is not of the form #SBATCH --option[=value]", path, line, text)
					}
				case text == "" || strings.HasPrefix(text, "#"):
				default:
					seenCommand = true
				}
			}
			if directives == 0 {
				t.Errorf("%s has no #SBATCH directives", path)
			}
		})
	}
}

// fakeProgram writes a fake program into dir that appends its arguments,
// NUL-terminated, one invocation per line, to dir/calls, and prints out.
func fakeProgram(t *testing.T, dir, name, out string) {
	t.Helper()
	script := fmt.Sprintf("#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\0' \"$a\"; done >> %q\necho >> %q\n%s\n",
		filepath.Join(dir, "calls"), filepath.Join(dir, "calls"), out)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// calls returns the argument lists a fake program recorded.
func calls(t *testing.T, dir string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "calls"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		args := strings.Split(line, "\x00")
		out = append(out, args[:len(args)-1])
	}
	return out
}

func TestSbatchScriptsRunTheBatch(t *testing.T) {
	// Without Slurm: run trustsim.sbatch as each of 4 array tasks would
	// (with a stand-in for trustsim that records its arguments), run those
	// commands in-process with the task's environment, then merge.sbatch
	// likewise; the result must be the single-machine batch. .ci/slurm-test
	// does the same on a real Slurm cluster.
	t.Parallel() // plots take seconds under -race; other tests need not wait
	bash := bashOrSkip(t)
	whole := wholeSweep(t)
	tmp := t.TempDir()
	fake := filepath.Join(tmp, "fake")
	if err := os.Mkdir(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	fakeProgram(t, fake, "trustsim", "")
	out := filepath.Join(tmp, "batch")
	script := func(name string, env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(bash, append([]string{filepath.Join(deployDir, name)}, args...)...)
		cmd.Env = append(os.Environ(), append(env, "TRUSTSIM="+filepath.Join(fake, "trustsim"))...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
	}
	for task := range 4 {
		env := []string{"SLURM_ARRAY_TASK_ID=" + strconv.Itoa(task), "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_CPUS_PER_TASK=2"}
		script("trustsim.sbatch", env, append([]string{"4", out}, sweep...)...)
	}
	script("merge.sbatch", nil, out)
	got := calls(t, fake)
	if len(got) != 5 {
		t.Fatalf("the scripts ran trustsim %d times, want 5: %q", len(got), got)
	}
	for task, args := range got[:4] {
		env := map[string]string{"SLURM_ARRAY_TASK_ID": strconv.Itoa(task), "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"}
		code, _, stderr := trustsimEnv(t, context.Background(), env, nil, append(args, "--quiet")...)
		if code != exitOK {
			t.Fatalf("task %d: trustsim %q: exit %d\n%s", task, args, code, stderr)
		}
		if want := fmt.Sprintf("shard %d/4 (from SLURM_ARRAY_TASK_ID=%d and --shards 4)", task, task); !strings.Contains(stderr, want) {
			t.Errorf("task %d: stderr does not say %q:\n%s", task, want, stderr)
		}
		if len(args) < 3 || !slices.Equal(args[len(args)-3:], []string{"--workers", "2", "--resume"}) {
			t.Errorf("task %d runs %q, want --workers from SLURM_CPUS_PER_TASK and --resume", task, args)
		}
	}
	mustRun(t, append(got[4], "--quiet")...)
	sameMerged(t, whole, out)
}

func TestSubmitScript(t *testing.T) {
	bash := bashOrSkip(t)
	tmp := t.TempDir()
	fakeProgram(t, tmp, "sbatch", `case "$*" in *--array=*) echo "41;cluster";; *) echo 42;; esac`)
	out := filepath.Join(tmp, "out")
	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bash, append([]string{filepath.Join(deployDir, "submit.sh")}, args...)...)
		cmd.Env = append(os.Environ(), append(env, "PATH="+tmp+":"+os.Getenv("PATH"))...)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	stdout, err := run([]string{"CPUS=3", "TIME=1:00:00", "PARTITION=short"}, "4", out, "my.toml", "--set", "a=b c")
	if err != nil {
		t.Fatalf("submit.sh: %v\n%s", err, stdout)
	}
	got := calls(t, tmp)
	deploy, err := filepath.Abs(deployDir)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"--parsable", "--array=0-3", "--partition=short", "--cpus-per-task=3", "--time=1:00:00",
			filepath.Join(deploy, "trustsim.sbatch"), "4", out, "my.toml", "--set", "a=b c"},
		{"--parsable", "--dependency=afterok:41", "--kill-on-invalid-dep=yes", "--partition=short",
			filepath.Join(deploy, "merge.sbatch"), out},
	}
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("submit.sh ran sbatch with\n%q\nwant\n%q", got, want)
	}
	if !strings.Contains(stdout, "merge job 42 starts when every task of 41 has succeeded") {
		t.Errorf("submit.sh printed:\n%s", stdout)
	}
	for _, args := range [][]string{{}, {"0", out, "x"}, {"four", out, "x"}} {
		if stdout, err := run(nil, args...); err == nil || !strings.Contains(stdout, "SHARDS") {
			t.Errorf("submit.sh %q: %v, output %q; want a usage error", args, err, stdout)
		}
	}
}

// k8sDoc is the part of a Kubernetes object the test looks at.
type k8sDoc struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    *int   `yaml:"completions"`
		Parallelism    *int   `yaml:"parallelism"`
		// PodReplacementPolicy and BackoffLimitPerIndex: a Job's
		// replacement pods and retries.
		PodReplacementPolicy string   `yaml:"podReplacementPolicy"`
		BackoffLimitPerIndex *int     `yaml:"backoffLimitPerIndex"`
		AccessModes          []string `yaml:"accessModes"`
		Template             struct {
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
		podSpec `yaml:",inline"`
	} `yaml:"spec"`
}

type podSpec struct {
	RestartPolicy string `yaml:"restartPolicy"`
	Containers    []struct {
		Image   string   `yaml:"image"`
		Command []string `yaml:"command"`
		Args    []string `yaml:"args"`
		Env     []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"env"`
		Resources struct {
			Requests map[string]string `yaml:"requests"`
		} `yaml:"resources"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	} `yaml:"containers"`
	Volumes []struct {
		Name string `yaml:"name"`
		PVC  struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
	} `yaml:"volumes"`
}

// readK8s parses every document of a manifest file strictly.
func readK8s(t *testing.T, name string) []k8sDoc {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(deployDir, "k8s", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []k8sDoc
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var d k8sDoc
		if err := node.Decode(&d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.APIVersion == "" || d.Kind == "" || d.Metadata.Name == "" {
			t.Errorf("%s: a document without apiVersion, kind or name: %+v", name, d)
		}
		docs = append(docs, d)
	}
	return docs
}

// parseCommandArgs parses a trustsim command line with the command's own
// flags and returns the flag set and the arguments left.
func parseCommandArgs(t *testing.T, args []string) (*pflag.FlagSet, []string) {
	t.Helper()
	if len(args) == 0 {
		t.Fatal("no trustsim command")
	}
	c := lookup(args[0])
	if c == nil {
		t.Fatalf("unknown trustsim command %q", args[0])
	}
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.setup(fs)
	if err := fs.Parse(args[1:]); err != nil {
		t.Fatalf("trustsim %q: %v", args, err)
	}
	return fs, fs.Args()
}

func TestKubernetesManifests(t *testing.T) {
	shardDocs := readK8s(t, "indexed-job.yaml")
	mergeDocs := readK8s(t, "merge-job.yaml")
	fetchDocs := readK8s(t, "fetch-pod.yaml")

	var claim string
	var job *k8sDoc
	for i := range shardDocs {
		switch d := &shardDocs[i]; d.Kind {
		case "PersistentVolumeClaim":
			claim = d.Metadata.Name
			if !slices.Contains(d.Spec.AccessModes, "ReadWriteMany") {
				t.Errorf("the volume is %v; every pod mounts it at once, so it must be ReadWriteMany", d.Spec.AccessModes)
			}
		case "Job":
			job = d
		}
	}
	if job == nil || claim == "" {
		t.Fatal("indexed-job.yaml lacks the Job or the PersistentVolumeClaim")
	}
	spec := job.Spec
	if spec.CompletionMode != "Indexed" || spec.Completions == nil || spec.Template.Spec.RestartPolicy != "Never" {
		t.Fatalf("the shards' Job is not Indexed with completions and restartPolicy Never: %+v", spec)
	}
	// A replacement pod must not start while the pod it replaces is still
	// terminating (up to terminationGracePeriodSeconds): two pods would
	// work one shard's checkpoints at once.
	if spec.PodReplacementPolicy != "Failed" {
		t.Errorf("podReplacementPolicy = %q, want Failed: a replacement pod would run beside a terminating one", spec.PodReplacementPolicy)
	}
	if spec.BackoffLimitPerIndex == nil || *spec.BackoffLimitPerIndex < 1 {
		t.Error("no backoffLimitPerIndex: one failing shard would use up every other shard's retries")
	}
	n := *spec.Completions
	ctr := spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range ctr.Env {
		env[e.Name] = e.Value
	}
	if env["TRUSTSIM_SHARDS"] != strconv.Itoa(n) {
		t.Errorf("TRUSTSIM_SHARDS = %q, completions = %d: they must be equal", env["TRUSTSIM_SHARDS"], n)
	}
	if len(ctr.Args) == 0 || ctr.Args[0] != "run" {
		t.Fatalf("the shards run %q, want trustsim run SCENARIO [flags]", ctr.Args)
	}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	rf := newRunFlags(fs)
	if err := fs.Parse(ctr.Args[1:]); err != nil || fs.NArg() != 1 {
		t.Fatalf("the shards run %q: %v, want trustsim run SCENARIO [flags]", ctr.Args, err)
	}
	if _, plan, _, err := rf.load(fs.Arg(0)); err != nil {
		t.Errorf("the shards' scenario %q: %v", fs.Arg(0), err)
	} else if plan.NumRuns() < n {
		t.Errorf("%d shards for %d runs", n, plan.NumRuns())
	}
	if !rf.resume {
		t.Error("the shards do not run with --resume: a replaced pod would refuse its shard's checkpoints")
	}
	if cpu := ctr.Resources.Requests["cpu"]; cpu != strconv.Itoa(rf.workers) {
		t.Errorf("the pods request %q CPUs and run %d workers", cpu, rf.workers)
	}
	// Each index is a shard of the batch.
	for _, index := range []int{0, n - 1} {
		getenv := func(k string) string {
			if k == "JOB_COMPLETION_INDEX" {
				return strconv.Itoa(index)
			}
			return env[k]
		}
		sh, sharded, _, err := resolveShard(fs, rf.shard, rf.shards, getenv)
		if err != nil || !sharded || sh.Index != index || sh.Count != n {
			t.Errorf("pod %d runs shard %v (sharded %v, %v), want %d/%d", index, sh, sharded, err, index, n)
		}
	}
	out := rf.out
	mounted := func(ps podSpec, path string) {
		t.Helper()
		for _, m := range ps.Containers[0].VolumeMounts {
			for _, v := range ps.Volumes {
				if v.Name == m.Name && v.PVC.ClaimName == claim && strings.HasPrefix(path, m.MountPath+"/") {
					return
				}
			}
		}
		t.Errorf("%s is not on the volume %s", path, claim)
	}
	mounted(spec.Template.Spec, out)

	if len(mergeDocs) != 1 || mergeDocs[0].Kind != "Job" {
		t.Fatalf("merge-job.yaml holds %d documents, want one Job", len(mergeDocs))
	}
	merge := mergeDocs[0].Spec.Template.Spec
	margs := merge.Containers[0].Args
	mfs, mrest := parseCommandArgs(t, margs)
	mout, _ := mfs.GetString("out")
	if margs[0] != "merge" || !slices.Equal(mrest, []string{out + "/shards"}) || mout != out {
		t.Errorf("the merge runs %q, want trustsim merge %s/shards --out %s", margs, out, out)
	}
	mounted(merge, out)
	if ctr.Image != merge.Containers[0].Image {
		t.Errorf("the shards run %s, the merge %s: merge must be the same trustsim", ctr.Image, merge.Containers[0].Image)
	}
	if len(fetchDocs) != 1 || fetchDocs[0].Kind != "Pod" {
		t.Fatalf("fetch-pod.yaml holds %d documents, want one Pod", len(fetchDocs))
	}
	mounted(fetchDocs[0].Spec.podSpec, out)
}

func TestClusterDocShowsTheScripts(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "CLUSTER.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"trustsim.sbatch", "merge.sbatch"} {
		script, err := os.ReadFile(filepath.Join(deployDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(doc, script) {
			t.Errorf("docs/CLUSTER.md does not show deploy/%s as it is; copy the file into its code block", name)
		}
	}
	for _, want := range []string{"deploy/submit.sh", "deploy/k8s/indexed-job.yaml", "deploy/k8s/merge-job.yaml",
		"--dependency=afterok", "trustsim plan", "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", ".ci/slurm-test"} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("docs/CLUSTER.md does not mention %s", want)
		}
	}
}

// dockerIgnored reports whether a .dockerignore's patterns exclude path
// (slash-separated, relative to the build context): a pattern excludes
// what it matches and everything below; "**" matches any number of
// directories, "*" and "?" stay within one; a later "!" pattern
// re-includes.
func dockerIgnored(patterns []string, path string) bool {
	ignored := false
	for _, p := range patterns {
		negate := strings.HasPrefix(p, "!")
		p = strings.Trim(strings.TrimPrefix(p, "!"), "/")
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(p); i++ {
			switch {
			case strings.HasPrefix(p[i:], "**/"):
				re.WriteString("(.*/)?")
				i += 2
			case strings.HasPrefix(p[i:], "**"):
				re.WriteString(".*")
				i++
			case p[i] == '*':
				re.WriteString("[^/]*")
			case p[i] == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(p[i : i+1]))
			}
		}
		re.WriteString("(/.*)?$")
		if regexp.MustCompile(re.String()).MatchString(path) {
			ignored = !negate
		}
	}
	return ignored
}

func TestDockerIgnore(t *testing.T) {
	// BuildKit reads deploy/Dockerfile.dockerignore for
	// 'docker build -f deploy/Dockerfile .' in place of a .dockerignore
	// at the context's root.
	data, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile.dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	tests := []struct {
		path    string
		ignored bool
	}{
		{"out/default/runs.csv", true},
		{"out", true},
		{".runs.csv.123.tmp", true},
		{"results/my/.timeseries.csv.9.tmp", true},
		{"results/my/.plots.old/a.png", true},
		{"trustsim", true},
		{"cmd/trustsim/trustsim.test", true},
		// The build needs these; .git stamps the version (vcs.revision).
		{".git/HEAD", false},
		{"go.mod", false},
		{"go.sum", false},
		{"cmd/trustsim/main.go", false},
		{"scenarios/bundled/default.toml", false},
		{"sim/testdata/golden.csv", false},
	}
	for _, tt := range tests {
		if got := dockerIgnored(patterns, tt.path); got != tt.ignored {
			t.Errorf("%s: ignored %v, want %v", tt.path, got, tt.ignored)
		}
	}
}

// TestCIRunsTheNonRaceTests checks that .ci/run runs, without -race, the
// tests that skip under the race detector (CI's main test step uses it).
func TestCIRunsTheNonRaceTests(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ pkg, test string }{
		{"./sim", "TestMemoryPerPerson"},
		{"./cmd/trustsim", "TestRunDefaultAsIs"},
		{"./cmd/trustsim", "TestEveryBundledScenarioRuns"},
		{"./cmd/trustsim", "TestSecondWriterRefused"},
		{"./cmd/trustsim", "TestKillWhileHoldingTheLock"},
		{"./cmd/trustsim", "TestConcurrentStarts"},
		{"./cmd/trustsim", "TestShardsWriteInParallel"},
	}
	runFlag := regexp.MustCompile(`-run[ =]'([^']*)'`)
	for _, w := range want {
		found := false
		for _, line := range strings.Split(string(script), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 || fields[0] != "go" || fields[1] != "test" || slices.Contains(fields, "-race") ||
				!slices.Contains(fields, w.pkg) {
				continue
			}
			m := runFlag.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			if re, err := regexp.Compile(m[1]); err == nil && re.MatchString(w.test) {
				found = true
			}
		}
		if !found {
			t.Errorf(".ci/run has no 'go test -run ... %s' step without -race that runs %s (it skips under -race)", w.pkg, w.test)
		}
	}
}
