package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/output"
	"github.com/trustsim/trustsim/scenarios"
)

// writeFiles creates files (path -> contents) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		path := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sameFiles checks that dir holds exactly files, with their contents.
func sameFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		want, ok := files[rel]
		if !ok {
			t.Errorf("%s appeared in %s", rel, dir)
			return nil
		}
		n++
		if b, _ := os.ReadFile(path); string(b) != want {
			t.Errorf("%s became %q, want %q", rel, b, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(files) {
		t.Errorf("%d of %d files left in %s", n, len(files), dir)
	}
}

// TestFoldersTrustsimOwns: trustsim writes only into a directory that is
// new, empty or its own, and never replaces a file it did not write; a
// refusal comes before any run, with exit status 2, and writes nothing.
func TestFoldersTrustsimOwns(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	// The case: mkdir -p proj/plots; echo mine >
	// proj/plots/my-figure.png; echo a,b > proj/runs.csv;
	// trustsim run default --out proj
	proj := filepath.Join(tmp, "proj")
	mine := map[string]string{"plots/my-figure.png": "mine\n", "runs.csv": "a,b\n"}
	writeFiles(t, proj, mine)
	// A directory like /: not empty, not trustsim's.
	root := filepath.Join(tmp, "root")
	system := map[string]string{"plots/system-file": "x", "etc/passwd": "root:x:0:0", "bin/sh": "#!"}
	writeFiles(t, root, system)
	// A batch directory of trustsim's into which the user dropped a
	// figure of their own: plots/ would be replaced, so it is refused.
	batchDir := filepath.Join(tmp, "batch")
	mustRun(t, "run", small, "--quiet", "--out", batchDir)
	writeFiles(t, batchDir, map[string]string{"plots/my-figure.png": "mine\n"})

	for _, tc := range []struct {
		name string
		args []string
		dir  string
		keep map[string]string
		say  []string
	}{
		{"the issue's project", []string{"run", "default", "--out", proj}, proj, mine, []string{proj, "not a trustsim output directory", `"runs.csv"`, "choose another --out"}},
		{"a system directory", []string{"run", small, "--quiet", "--out", root}, root, system, []string{root, "not a trustsim output directory"}},
		{"a shard into it", []string{"run", small, "--quiet", "--shard", "0/2", "--out", proj}, proj, mine, []string{proj, "not a trustsim output directory"}},
		{"a user's figure in plots/", []string{"run", small, "--quiet", "--out", batchDir}, "", nil, []string{`"plots/my-figure.png"`, "which trustsim did not write"}},
		{"plot with a user's figure", []string{"plot", batchDir}, "", nil, []string{`"plots/my-figure.png"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := trustsim(t, tc.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q", stdout)
			}
			for _, s := range tc.say {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr does not say %q:\n%s", s, stderr)
				}
			}
			if tc.dir != "" {
				sameFiles(t, tc.dir, tc.keep)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(batchDir, "plots", "my-figure.png")); err != nil || string(b) != "mine\n" {
		t.Errorf("the user's figure in the batch directory: %q, %v", b, err)
	}
	// Moved out of the way, the batch runs again, and the marker lists
	// what it wrote.
	if err := os.Remove(filepath.Join(batchDir, "plots", "my-figure.png")); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "run", small, "--quiet", "--out", batchDir)
	marker, err := os.ReadFile(filepath.Join(batchDir, output.MarkerName))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"runs.csv", "manifest.json", "plots/timeseries_results.png"} {
		if !strings.Contains(string(marker), "\n"+f+"\n") {
			t.Errorf("%s does not list %s:\n%s", output.MarkerName, f, marker)
		}
	}
	// An empty directory is fine.
	empty := filepath.Join(tmp, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "run", small, "--quiet", "--out", empty)
}

// TestOtherFinishedBatchRefused: a run into a directory holding the
// finished batch of another scenario or other settings is refused and
// names --replace; the same batch again runs as before.
func TestOtherFinishedBatchRefused(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	mustRun(t, "run", small, "--quiet", "--out", out)
	before, err := os.ReadFile(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	// A copy that keeps the scenario's name but changes its text.
	edited := filepath.Join(tmp, "edited.toml")
	if err := os.WriteFile(edited, append(src, []byte("\n# edited\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"run", edited, "--quiet", "--out", out},
		{"run", small, "--quiet", "--out", out, "--seed", "7"},
		{"run", "default", "--quiet", "--out", out},
	} {
		code, _, stderr := trustsim(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "holds the finished batch of scenario") || !strings.Contains(stderr, "--replace") {
			t.Errorf("trustsim %s: exit %d, want %d and a refusal naming --replace:\n%s", strings.Join(args, " "), code, exitUsage, stderr)
		}
		if b, _ := os.ReadFile(filepath.Join(out, "runs.csv")); string(b) != string(before) {
			t.Errorf("trustsim %s changed runs.csv", strings.Join(args, " "))
		}
	}
	mustRun(t, "run", small, "--quiet", "--out", out) // the same batch again
	mustRun(t, "run", small, "--quiet", "--out", out, "--seed", "7", "--replace")
	if b, _ := os.ReadFile(filepath.Join(out, "runs.csv")); string(b) == string(before) {
		t.Error("--replace did not replace the batch")
	}
}

// TestSeedFlagParsesAsTheKey: --seed takes exactly what --set seed= (and
// the seed key, in quotes) takes: decimal only, so 010 is 10, and 0x10 or
// 0b11 are refused rather than read as 16 or 3.
func TestSeedFlagParsesAsTheKey(t *testing.T) {
	t.Parallel()
	seedOf := func(args ...string) (uint64, int, string) {
		t.Helper()
		code, _, stderr := trustsim(t, append([]string{"plan", small, "--cpus", "1"}, args...)...)
		if code != exitOK {
			return 0, code, stderr
		}
		s, err := scenarios.Load(small)
		if err != nil {
			t.Fatal(err)
		}
		f := &scenarioFlags{}
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		f.declare(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := applyOverrides(s, f.overrides()); err != nil {
			t.Fatal(err)
		}
		return s.Seed, code, stderr
	}
	for _, tc := range []struct {
		args []string
		seed uint64
		ok   bool
	}{
		{[]string{"--seed", "010"}, 10, true},
		{[]string{"--set", "seed=010"}, 10, true},
		{[]string{"--seed", "18446744073709551615"}, 18446744073709551615, true},
		{[]string{"--seed", "0x10"}, 0, false},
		{[]string{"--set", "seed=0x10"}, 0, false},
		{[]string{"--seed", "0b11"}, 0, false},
		{[]string{"--seed", "-1"}, 0, false},
		{[]string{"--seed", "18446744073709551616"}, 0, false},
		{[]string{"--replicates", "0x10"}, 0, false},
	} {
		seed, code, stderr := seedOf(tc.args...)
		switch {
		case tc.ok && (code != exitOK || seed != tc.seed):
			t.Errorf("%v: exit %d, seed %d; want seed %d:\n%s", tc.args, code, seed, tc.seed, stderr)
		case !tc.ok && (code != exitUsage || !strings.Contains(stderr, "is not allowed")):
			t.Errorf("%v: exit %d, want %d and a refusal:\n%s", tc.args, code, exitUsage, stderr)
		}
	}
	// The recorded command and the fingerprint use the value, not the
	// spelling: --seed 010 and --seed 10 are one batch.
	tmp := t.TempDir()
	out := filepath.Join(tmp, "seed")
	mustRun(t, "run", small, "--quiet", "--seed", "010", "--out", out)
	mustRun(t, "run", small, "--quiet", "--seed", "10", "--out", out) // the same batch: not refused
	man, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(man), `"--seed",`+"\n"+`      "10"`) {
		t.Errorf("manifest.json does not record --seed 10:\n%.2000s", man)
	}
}

// TestRepeatedSetRefused: a name given twice on the command line is an
// error naming both, not a silent "last wins".
func TestRepeatedSetRefused(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--set", "policy.relationship_share=0.1", "--set", "policy.relationship_share=0.2"},
		{"--seed", "3", "--set", "seed=4"},
		{"--replicates", "2", "--set", "replicates=3"},
	} {
		code, _, stderr := trustsim(t, append([]string{"plan", small}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, "given twice (also ") || !strings.Contains(stderr, "give each name once") {
			t.Errorf("%v: exit %d, want %d and a refusal:\n%s", args, code, exitUsage, stderr)
		}
	}
	// Different names of overlapping parameters stay allowed: the later,
	// narrower one wins, as in a scenario file.
	if code, _, stderr := trustsim(t, "plan", small, "--set", "org.*.vacancy_weeks=4", "--set", "horizon=30"); code != exitOK {
		t.Errorf("two different names refused: %s", stderr)
	}
}

// TestInternalErrorExitStatus: a panic in the command is an internal
// error, exit 70, told apart from bad input (2) and runtime failures (1).
func TestInternalErrorExitStatus(t *testing.T) {
	t.Parallel()
	var stdout, stderr strings.Builder
	a := newApp(&stdout, &stderr)
	a.onClaimed = func() { panic("boom") }
	code := a.main(context.Background(), []string{"run", small, "--quiet", "--out", filepath.Join(t.TempDir(), "out")})
	if code != exitInternal || !strings.Contains(stderr.String(), "trustsim: internal error") || !strings.Contains(stderr.String(), "boom") {
		t.Errorf("exit %d, want %d with an internal-error message:\n%s", code, exitInternal, stderr.String())
	}
}
