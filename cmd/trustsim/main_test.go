package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/scenarios"
)

// small is a six-run scenario of 30 weeks (testdata/small.toml).
const small = "testdata/small.toml"

// trustsim runs the command in-process and returns its exit status,
// stdout and stderr.
func trustsim(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return trustsimApp(t, context.Background(), nil, args...)
}

// trustsimApp is trustsim with a context and a progress hook.
func trustsimApp(t *testing.T, ctx context.Context, onProgress func(done, total int), args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(&stdout, &stderr)
	a.onProgress = onProgress
	code := a.main(ctx, args)
	return code, stdout.String(), stderr.String()
}

// mustRun runs a command that must succeed.
func mustRun(t *testing.T, args ...string) (string, string) {
	t.Helper()
	code, stdout, stderr := trustsim(t, args...)
	if code != exitOK {
		t.Fatalf("trustsim %s: exit %d\nstderr:\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout, stderr
}

// batchFiles are the files whose bytes must not depend on how a batch was
// run; manifest.json is compared without its invocation times and workers.
var batchFiles = []string{"runs.csv", "timeseries.csv", "aggregate.csv", "manifest.json"}

// readBatch returns the contents of dir's batchFiles, manifest.json with
// start, end and workers blanked, and the names of all files under dir.
func readBatch(t *testing.T, dir string) (map[string]string, []string) {
	t.Helper()
	files := map[string]string{}
	for _, name := range batchFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "manifest.json" {
			b = blankInvocation(t, b)
		}
		files[name] = string(b)
	}
	var names []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, names
}

// blankInvocation re-encodes a manifest with its invocation's start, end
// and workers removed: the only fields that may differ between two runs
// of one batch.
func blankInvocation(t *testing.T, b []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	inv, ok := m["invocation"].(map[string]any)
	if !ok {
		t.Fatalf("manifest.json has no invocation object")
	}
	for _, k := range []string{"start", "end", "workers"} {
		if _, ok := inv[k]; !ok {
			t.Errorf("manifest.json invocation has no %q", k)
		}
		delete(inv, k)
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameBatch(t *testing.T, want, got string) {
	t.Helper()
	wf, wn := readBatch(t, want)
	gf, gn := readBatch(t, got)
	if !slices.Equal(wn, gn) {
		t.Errorf("%s holds %v, %s holds %v", want, wn, got, gn)
	}
	for _, name := range batchFiles {
		if wf[name] != gf[name] {
			t.Errorf("%s differs between %s and %s", name, want, got)
		}
	}
}

func TestWorkersWriteIdenticalFiles(t *testing.T) {
	tmp := t.TempDir()
	one, four := filepath.Join(tmp, "one"), filepath.Join(tmp, "four")
	stdout, stderr := mustRun(t, "run", small, "--workers", "1", "--out", one, "--quiet")
	if stderr != "" {
		t.Errorf("--quiet run wrote to stderr:\n%s", stderr)
	}
	if !strings.Contains(stdout, one) || strings.Count(stdout, "\n") != 1 {
		t.Errorf("stdout = %q, want one line naming %s", stdout, one)
	}
	mustRun(t, "run", small, "--workers", "4", "--out", four, "--quiet")
	sameBatch(t, one, four)
	if batch.HasPartial(one) || batch.HasPartial(four) {
		t.Error("checkpoints left after a successful batch")
	}
}

func TestWorkersInsideARunWriteIdenticalFiles(t *testing.T) {
	// One run of bench-city (about 10,000 people, shortened): with more
	// workers than runs, the workers share each step of the run, which
	// must not change a byte of the results.
	tmp := t.TempDir()
	var dirs []string
	for _, workers := range []string{"1", "2", "8"} {
		dir := filepath.Join(tmp, "w"+workers)
		mustRun(t, "run", "bench-city", "--set", "horizon=4", "--replicates", "1", "--workers", workers, "--out", dir, "--quiet")
		dirs = append(dirs, dir)
	}
	runs, err := os.ReadFile(filepath.Join(dirs[0], "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(runs), "\n"); n != 2 {
		t.Fatalf("runs.csv has %d lines, want a header and one run", n)
	}
	for _, dir := range dirs[1:] {
		sameBatch(t, dirs[0], dir)
	}
}

func TestInterruptAndResume(t *testing.T) {
	tmp := t.TempDir()
	whole := filepath.Join(tmp, "whole")
	mustRun(t, "run", small, "--workers", "2", "--out", whole, "--quiet")

	for _, stopAfter := range []int{1, 4} {
		dir := filepath.Join(tmp, "resumed", string(rune('0'+stopAfter)))
		ctx, cancel := context.WithCancel(context.Background())
		args := []string{"run", small, "--workers", "2", "--out", dir}
		code, stdout, stderr := trustsimApp(t, ctx, func(done, total int) {
			if done >= stopAfter {
				cancel()
			}
		}, args...)
		cancel()
		if code != exitInterrupted {
			t.Fatalf("interrupted batch: exit %d, want %d\nstderr:\n%s", code, exitInterrupted, stderr)
		}
		if stdout != "" {
			t.Errorf("interrupted batch wrote to stdout: %q", stdout)
		}
		if want := "trustsim run " + small + " --workers 2 --out " + dir + " --resume"; !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say how to resume (%q):\n%s", want, stderr)
		}
		if n := batch.CountCheckpoints(dir); n < stopAfter {
			t.Errorf("%d runs checkpointed, want at least %d", n, stopAfter)
		}
		if _, err := os.Stat(filepath.Join(dir, "runs.csv")); !os.IsNotExist(err) {
			t.Errorf("interrupted batch published runs.csv (%v)", err)
		}

		// Again without --resume: refused, nothing lost.
		code, _, stderr = trustsim(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "--resume") {
			t.Errorf("rerun without --resume: exit %d, stderr %q; want %d and a hint to --resume", code, stderr, exitUsage)
		}

		stdout, _ = mustRun(t, append(args, "--resume", "--workers", "1")...)
		if !strings.Contains(stdout, dir) {
			t.Errorf("resumed batch's stdout %q does not name %s", stdout, dir)
		}
		sameBatch(t, whole, dir)
		if batch.HasPartial(dir) {
			t.Error("checkpoints left after the resumed batch")
		}
	}
}

func TestResumeOtherBatch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code, _, _ := trustsimApp(t, ctx, func(done, _ int) {
		if done >= 1 {
			cancel()
		}
	}, "run", small, "--out", dir, "--quiet")
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d", code, exitInterrupted)
	}
	code, _, stderr := trustsim(t, "run", small, "--out", dir, "--seed", "99", "--resume")
	if code != exitUsage || !strings.Contains(stderr, `"small"`) {
		t.Fatalf("resume with another seed: exit %d, stderr %q; want %d naming the batch the directory holds", code, stderr, exitUsage)
	}
}

func TestInvalidInputCreatesNothing(t *testing.T) {
	pos := regexp.MustCompile(`^testdata/invalid\.toml:\d+:\d+: `)
	tests := []struct {
		name string
		args []string
		// lines, if set, must all match it.
		lines *regexp.Regexp
		// want is text stderr must contain.
		want string
	}{
		{"invalid file", []string{"run", "testdata/invalid.toml"}, pos, "trust.decay"},
		{"bad --set", []string{"run", "default", "--set", "trust.decay=7"}, nil, "trust.decay"},
		{"unknown --set", []string{"run", "default", "--set", "trust.decai=0.1"}, nil, "trust.decai"},
		{"--set without =", []string{"run", "default", "--set", "horizon"}, nil, "name=value"},
		{"bad --replicates", []string{"run", small, "--replicates", "0"}, nil, "--replicates: replicates"},
		{"missing file", []string{"run", "testdata/nosuch.toml"}, nil, "nosuch"},
		{"unknown bundled name", []string{"run", "no-such-scenario"}, nil, "no-such-scenario"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := trustsim(t, append(tt.args, "--out", out)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr does not mention %q:\n%s", tt.want, stderr)
			}
			if tt.lines != nil {
				lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
				if len(lines) < 3 {
					t.Errorf("%d errors reported, want the file's 3:\n%s", len(lines), stderr)
				}
				for _, l := range lines {
					if !tt.lines.MatchString(l) {
						t.Errorf("error line %q has no file:line:col", l)
					}
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("invalid input created %s (%v)", out, err)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "Usage"},
		{[]string{"rnu"}, `did you mean "run"`},
		{[]string{"--frobnicate"}, "--frobnicate"},
		{[]string{"run", "--frobnicate"}, "--frobnicate"},
		{[]string{"run", "default", "extra"}, "one scenario"},
		{[]string{"run", "--workers", "0"}, "--workers"},
		{[]string{"run", "--seed", "-1"}, "--seed"},
		{[]string{"validate"}, "at least one"},
		{[]string{"scenarios", "show"}, "one scenario name"},
		{[]string{"scenarios", "list"}, "list"},
		{[]string{"scenarios", "show", "no-such"}, "no-such"},
		{[]string{"plot"}, "one output directory"},
		{[]string{"plot", "no/such/dir"}, "no/such/dir"},
		{[]string{"version", "x"}, "no arguments"},
		{[]string{"help", "nosuch"}, "nosuch"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := trustsim(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr does not mention %q:\n%s", tt.want, stderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, c := range commands() {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				stdout, stderr := mustRun(t, args...)
				if stderr != "" {
					t.Errorf("help wrote to stderr: %q", stderr)
				}
				for _, want := range []string{"Usage: trustsim " + c.name, "Example"} {
					if !strings.Contains(stdout, want) {
						t.Errorf("help does not contain %q:\n%s", want, stdout)
					}
				}
			})
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		stdout, _ := mustRun(t, args...)
		for _, c := range commands() {
			if !strings.Contains(stdout, "  "+c.name+" ") {
				t.Errorf("trustsim %s does not list %s:\n%s", args[0], c.name, stdout)
			}
		}
	}
}

func TestRunWithoutArgument(t *testing.T) {
	t.Chdir(t.TempDir())
	stdout, stderr := mustRun(t, "run", "--set", "horizon=20", "--replicates", "2")
	dir := filepath.Join("out", "default")
	if !strings.Contains(stdout, dir) {
		t.Errorf("stdout %q does not name %s", stdout, dir)
	}
	// Not quiet and not a terminal: a start line, plain progress lines.
	if !strings.Contains(stderr, "default:") || !strings.Contains(stderr, "runs (100%)") {
		t.Errorf("stderr lacks the start line or the final progress line:\n%s", stderr)
	}
	for _, name := range batchFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	mustRun(t, "plot", dir)
}

func TestRunDefaultAsIs(t *testing.T) {
	// What a new user types first, with no flags at all.
	if testing.Short() || raceEnabled {
		t.Skip("runs the whole default scenario (about 1 s, but a minute under -race)")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	t.Chdir(work)
	stdout, _ := mustRun(t, "run")
	// The closing line is the one the README shows, and names every
	// file the batch wrote.
	line := regexp.MustCompile(`(?m)^Results in out/default: .*$`).FindString(string(readme))
	if line == "" {
		t.Fatal("README.md does not show the closing line of its first command")
	}
	if got := strings.TrimSuffix(stdout, "\n"); got != line {
		t.Errorf("the first command ends with\n%s\nREADME.md says\n%s", got, line)
	}
	var named []string
	for _, p := range strings.Split(strings.TrimPrefix(line, "Results in out/default: "), ", ") {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("README.md names %s: %v", p, err)
		}
		named = append(named, strings.TrimSuffix(strings.TrimPrefix(p, "out/default/"), "/"))
	}
	entries, err := os.ReadDir(filepath.Join("out", "default"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// Hidden files are trustsim's bookkeeping (the ownership marker,
		// the lock), not results.
		if !strings.HasPrefix(e.Name(), ".") && !slices.Contains(named, e.Name()) {
			t.Errorf("the first command wrote %s, which its closing line does not name", e.Name())
		}
	}
}

func TestScenariosAndValidate(t *testing.T) {
	stdout, _ := mustRun(t, "scenarios")
	bundled := scenarios.Bundled()
	if len(bundled) == 0 {
		t.Fatal("no bundled scenarios")
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(bundled) {
		t.Errorf("scenarios printed %d lines for %d scenarios:\n%s", len(lines), len(bundled), stdout)
	}
	for i, info := range bundled {
		if i < len(lines) && !strings.HasPrefix(lines[i], info.Name+" ") {
			t.Errorf("line %d = %q, want scenario %s", i, lines[i], info.Name)
		}
		// Every bundled scenario is valid, and show prints its text.
		out, _ := mustRun(t, "validate", info.Name)
		if !strings.HasPrefix(out, info.Name+": ok") {
			t.Errorf("validate %s: %q", info.Name, out)
		}
		src, _ := mustRun(t, "scenarios", "show", info.Name)
		if _, err := scenarios.Parse(info.Name+".toml", []byte(src)); err != nil {
			t.Errorf("scenarios show %s prints a scenario that does not parse: %v", info.Name, err)
		}
	}
	out, _ := mustRun(t, "validate", small, "default")
	if strings.Count(out, ": ok") != 2 {
		t.Errorf("validate of two scenarios printed %q", out)
	}
	code, out, stderr := trustsim(t, "validate", small, "testdata/invalid.toml")
	if code != exitUsage || !strings.Contains(out, small+": ok") || !strings.Contains(stderr, "testdata/invalid.toml:") {
		t.Errorf("validate of a valid and an invalid file: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, _ := mustRun(t, args...)
		if !strings.HasPrefix(stdout, "trustsim ") || !strings.Contains(stdout, runtime.Version()) || strings.Count(stdout, "\n") != 1 {
			t.Errorf("trustsim %s = %q, want one line with the Go version", args[0], stdout)
		}
	}
}

func TestResumeCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "trustsim run --resume"},
		{[]string{"run", "my file.toml", "--set", "a=b"}, "trustsim run 'my file.toml' --set a=b --resume"},
		{[]string{"run", "x", "--resume"}, "trustsim run x --resume"},
		{[]string{"run", "it's"}, `trustsim run 'it'\''s' --resume`},
	}
	for _, tt := range tests {
		if got := resumeCommand(tt.args); got != tt.want {
			t.Errorf("resumeCommand(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestDirName(t *testing.T) {
	tests := []struct{ name, arg, want string }{
		{"default", "default", "default"},
		{"", "path/to/my.toml", "my"},
		{"a/b c", "x", "a-b-c"},
		{"..", "x", "scenario"},
	}
	for _, tt := range tests {
		if got := dirName(&scenarios.Scenario{Name: tt.name}, tt.arg); got != tt.want {
			t.Errorf("dirName(%q, %q) = %q, want %q", tt.name, tt.arg, got, tt.want)
		}
	}
}

func TestRunFlagsReachTheBatch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	mustRun(t, "run", small, "--out", dir, "--quiet", "--seed", "5", "--replicates", "1", "--every", "10",
		"--set", "policy.relationship_share=0.3", "--set", "horizon=21")
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		BaseSeed   uint64 `json:"base_seed,string"`
		Replicates int    `json:"replicates"`
		Every      int    `json:"every"`
		Invocation struct {
			Command []string `json:"command"`
		} `json:"invocation"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.BaseSeed != 5 || m.Replicates != 1 || m.Every != 10 {
		t.Errorf("manifest has seed %d, replicates %d, every %d; want 5, 1, 10", m.BaseSeed, m.Replicates, m.Every)
	}
	// The command recorded is the one that reproduces the files: the
	// flags that change them, not --out or --quiet.
	want := []string{"trustsim", "run", small, "--seed", "5", "--replicates", "1", "--every", "10",
		"--set", "policy.relationship_share=0.3", "--set", "horizon=21"}
	if !slices.Equal(m.Invocation.Command, want) {
		t.Errorf("manifest command = %q, want %q", m.Invocation.Command, want)
	}
	// --set of the swept parameter replaces the sweep: 1 point × 1
	// replicate, steps 0, 10 and 20 of 21 kept.
	ts, err := os.ReadFile(filepath.Join(dir, "timeseries.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(ts), "\n") - 1; rows != 3 {
		t.Errorf("timeseries.csv has %d rows, want 3", rows)
	}
}

// TestErrorsNameTheirContextOnce checks that a failing command says what
// failed and where once: "trustsim: output: create D: ..." rather than the
// same context twice.
func TestErrorsNameTheirContextOnce(t *testing.T) {
	tmp := t.TempDir()
	afile := filepath.Join(tmp, "afile")
	if err := os.WriteFile(afile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		path string // named once in the error
	}{
		{"run into a file", []string{"run", small, "--quiet", "--out", afile}, afile},
		{"shard into a file", []string{"run", small, "--quiet", "--shard", "0/2", "--out", afile}, afile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := trustsim(t, tt.args...)
			if code == exitOK {
				t.Fatalf("trustsim %q succeeded", tt.args)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			line := lines[len(lines)-1]
			if n := strings.Count(line, tt.path); n != 1 {
				t.Errorf("the error names %s %d times, want once:\n%s", tt.path, n, line)
			}
			for _, word := range []string{"output:", "redraw", "create"} {
				if strings.Count(line, word) > 1 {
					t.Errorf("the error says %q more than once:\n%s", word, line)
				}
			}
		})
	}
}

// TestPlotNotABatch checks that `trustsim plot` on a directory that holds
// no batch says so in one plain sentence (no error chain), exit status 2,
// and points to the batches below it.
func TestPlotNotABatch(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	empty := filepath.Join(out, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, want string
	}{
		{"empty", empty, "trustsim: " + empty + " is not a finished batch: it has no manifest.json (a batch writes it last)\n"},
		{"one batch below", out, "trustsim: " + out + " is not a finished batch: it has no manifest.json (a batch writes it last); did you mean " + filepath.Join(out, "small") + "?\n"},
	}
	mustRun(t, "run", small, "--quiet", "--out", filepath.Join(out, "small"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := trustsim(t, "plot", tt.dir)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if stderr != tt.want {
				t.Errorf("stderr\n%q\nwant\n%q", stderr, tt.want)
			}
		})
	}
}

func TestFormatVersion(t *testing.T) {
	exe := func() string { return "9f8e7d6c5b4a" }
	tail := " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name string
		bi   buildVersion
		want string
	}{
		{"release", buildVersion{version: "v0.3.0", rev: "1a2b3c4d5e6f7a8b"},
			"trustsim v0.3.0 (rev 1a2b3c4d5e6f)" + tail},
		{"release without VCS", buildVersion{version: "v0.3.0"},
			"trustsim v0.3.0" + tail},
		// Builds that a version and revision do not identify carry a
		// digest of the executable, so that two of them never pass for
		// one another in a fingerprint.
		{"modified", buildVersion{version: "v0.3.0", rev: "1a2b3c4d5e6f7a8b", modified: true},
			"trustsim v0.3.0 (rev 1a2b3c4d5e6f, modified, exe 9f8e7d6c5b4a)" + tail},
		{"devel with VCS", buildVersion{version: "(devel)", rev: "1a2b3c4d5e6f7a8b"},
			"trustsim (devel) (rev 1a2b3c4d5e6f, exe 9f8e7d6c5b4a)" + tail},
		{"devel, -buildvcs=false", buildVersion{version: "(devel)"},
			"trustsim (devel) (exe 9f8e7d6c5b4a)" + tail},
		{"no build information", buildVersion{},
			"trustsim (devel) (exe 9f8e7d6c5b4a)" + tail},
	}
	for _, tt := range tests {
		if got := formatVersion(tt.bi, exe); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestVersionIdentifiesTheExecutable checks that this (devel) test
// binary's version carries the SHA-256 of the executable, and that
// shard.json records the version 'trustsim version' prints.
func TestVersionIdentifiesTheExecutable(t *testing.T) {
	path, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skip(err)
	}
	sum := sha256.Sum256(data)
	stdout, _ := mustRun(t, "version")
	if want := "exe " + hex.EncodeToString(sum[:])[:12]; !strings.Contains(stdout, want) {
		t.Errorf("trustsim version = %q, want it to name %q", stdout, want)
	}
	out := t.TempDir()
	mustRun(t, "run", small, "--quiet", "--set", "horizon=5", "--shard", "0/2", "--out", out)
	m, err := batch.ReadShardManifest(filepath.Join(out, "shards", "shard-0-of-2"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != strings.TrimSpace(stdout) {
		t.Errorf("shard.json version %q, trustsim version %q", m.Version, strings.TrimSpace(stdout))
	}
	// A whole batch records the same string as the manifest's build.
	whole := t.TempDir()
	mustRun(t, "run", small, "--quiet", "--set", "horizon=5", "--out", whole)
	raw, err := os.ReadFile(filepath.Join(whole, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Build string `json:"build"`
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatal(err)
	}
	if man.Build != strings.TrimSpace(stdout) {
		t.Errorf("manifest.json build %q, trustsim version %q", man.Build, strings.TrimSpace(stdout))
	}
}

// TestEveryBundledScenarioRuns runs each bundled scenario through
// 'trustsim run', shortened so the whole table takes seconds: a short
// horizon (just past the scenario's events, which --set cannot move) and
// two replicates; bench-city, ten thousand people, runs 8 weeks once. It
// checks that each writes its results, plots and report. It skips under
// the race detector, which slows plotting to about 30 s for the table
// (the runner's concurrency is raced by other tests); .ci/run runs it
// without -race.
func TestEveryBundledScenarioRuns(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("draws every bundled scenario's plots (3 s, but 30 s under -race)")
	}
	short := map[string][]string{
		"bench-city":             {"--set", "horizon=8", "--replicates", "1"},
		"co-production":          {"--set", "horizon=12", "--replicates", "2"},
		"default":                {"--set", "horizon=12", "--replicates", "2"},
		"every-level":            {"--set", "horizon=108", "--replicates", "2"}, // a leader leaves at week 104
		"funder-models":          {"--set", "horizon=12", "--replicates", "2"},
		"handoff":                {"--set", "horizon=108", "--replicates", "2"}, // a departure at week 104
		"investment-vs-turnover": {"--set", "horizon=12", "--replicates", "2"},
		"key-person-departure":   {"--set", "horizon=56", "--replicates", "2"}, // the departure at week 52
		"sensitivity":            {"--set", "horizon=4", "--replicates", "1"},  // 390 design points
	}
	for _, info := range scenarios.Bundled() {
		flags, ok := short[info.Name]
		if !ok {
			t.Errorf("bundled scenario %s has no entry here: add one with flags that keep it short", info.Name)
			continue
		}
		t.Run(info.Name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			args := append([]string{"run", info.Name, "--quiet", "--workers", "2", "--out", out}, flags...)
			stdout, _ := mustRun(t, args...)
			if !strings.Contains(stdout, "report.html") {
				t.Errorf("the last line does not name the report: %q", stdout)
			}
			fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
			rf := newRunFlags(fs)
			if err := fs.Parse(args[1:]); err != nil {
				t.Fatal(err)
			}
			_, plan, _, err := rf.load(info.Name)
			if err != nil {
				t.Fatal(err)
			}
			runs, err := os.ReadFile(filepath.Join(out, "runs.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(string(runs), "\n"); got != plan.NumRuns()+1 {
				t.Errorf("runs.csv has %d lines, want a header and %d runs", got, plan.NumRuns())
			}
			report, err := os.ReadFile(filepath.Join(out, "report.html"))
			if err != nil {
				t.Fatal(err)
			}
			plots, err := os.ReadDir(filepath.Join(out, "plots"))
			if err != nil {
				t.Fatal(err)
			}
			pngs := 0
			for _, p := range plots {
				name := p.Name()
				if st, err := os.Stat(filepath.Join(out, "plots", name)); err != nil || st.Size() == 0 {
					t.Errorf("plots/%s is empty or unreadable (%v)", name, err)
				}
				if !bytes.Contains(report, []byte("plots/"+name)) {
					t.Errorf("report.html does not show plots/%s", name)
				}
				if base, ok := strings.CutSuffix(name, ".png"); ok {
					pngs++
					if _, err := os.Stat(filepath.Join(out, "plots", base+".svg")); err != nil {
						t.Errorf("plots/%s has no SVG: %v", name, err)
					}
				}
			}
			if pngs == 0 {
				t.Errorf("no plots in %v", plots)
			}
		})
	}
}

// TestReportReproduces checks what docs/OUTPUTS.md says of report.html:
// two batches of the same scenario run with other --workers and --out
// write the same report.html, and the command its "How to reproduce"
// gives writes the same batch again.
func TestReportReproduces(t *testing.T) {
	tmp := t.TempDir()
	a, b, c := filepath.Join(tmp, "a"), filepath.Join(tmp, "b"), filepath.Join(tmp, "c")
	mustRun(t, "run", small, "--workers", "1", "--out", a, "--quiet", "--set", "policy.handoff_share=0.5")
	mustRun(t, "run", small, "--workers", "3", "--out", b, "--quiet", "--set", "policy.handoff_share=0.5")
	ra, err := os.ReadFile(filepath.Join(a, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	rb, err := os.ReadFile(filepath.Join(b, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ra, rb) {
		t.Error("report.html differs between batches run with other --workers and --out")
	}
	m := regexp.MustCompile(`(?s)<h2>How to reproduce</h2>.*?<pre>(.*?)</pre>`).FindSubmatch(ra)
	if m == nil {
		t.Fatal("report.html has no command under How to reproduce")
	}
	command := html.UnescapeString(string(m[1]))
	want := "trustsim run " + small + " --set policy.handoff_share=0.5"
	if command != want {
		t.Errorf("the report's command is %q, want %q", command, want)
	}
	args := strings.Fields(command)
	mustRun(t, append(args[1:], "--out", c, "--quiet")...)
	sameBatch(t, a, c)
}
