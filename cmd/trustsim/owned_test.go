package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/output"
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
