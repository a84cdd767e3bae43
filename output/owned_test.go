package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckOwned checks which directories trustsim may write into: new,
// empty, marked (with no unlisted file it would replace) or holding a
// batch trustsim wrote before directories were marked.
func TestCheckOwned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		files  map[string]string // path -> contents; "/" suffix: a directory
		marker []string          // nil: no marker
		ok     bool
		say    []string // what a refusal names
	}{
		{name: "new", ok: true},
		{name: "empty", files: map[string]string{}, ok: true},
		{name: "a user's project", files: map[string]string{"plots/my-figure.png": "mine", "runs.csv": "a,b"}, say: []string{`"plots"`, `"runs.csv"`, MarkerName}},
		{name: "one unrelated file", files: map[string]string{"notes.txt": "x"}, say: []string{`"notes.txt"`}},
		{name: "marked, empty list", files: map[string]string{}, marker: []string{}, ok: true},
		{name: "marked, listed files", files: map[string]string{"runs.csv": "x", "plots/a.png": "x"}, marker: []string{"runs.csv", "plots", "plots/a.png"}, ok: true},
		{name: "marked, the user's file beside", files: map[string]string{"notes.txt": "x", "runs.csv": "x"}, marker: []string{"runs.csv"}, ok: true},
		{name: "marked, unlisted plot", files: map[string]string{"plots/a.png": "x", "plots/my-figure.png": "x"}, marker: []string{"plots", "plots/a.png"}, say: []string{`"plots/my-figure.png"`}},
		{name: "marked, unlisted runs.csv", files: map[string]string{"runs.csv": "a,b"}, marker: []string{}, say: []string{`"runs.csv"`}},
		{name: "unmarked trustsim batch", files: map[string]string{"manifest.json": `{"program": "trustsim"}`, "plots/a.png": "x"}, ok: true},
		{name: "unmarked other manifest", files: map[string]string{"manifest.json": `{"program": "other"}`}, say: []string{`"manifest.json"`}},
		{name: "unmarked checkpoints", files: map[string]string{".partial/fingerprint": "x"}, ok: true},
		{name: "unmarked shards", files: map[string]string{"shards/shard-0-of-1/shard.json": "{}"}, ok: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "out")
			if tc.files != nil {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for p, c := range tc.files {
				path := filepath.Join(dir, p)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(c), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.marker != nil {
				if err := writeMarker(dir, tc.marker); err != nil {
					t.Fatal(err)
				}
			}
			err := CheckOwned(dir)
			if tc.ok {
				if err != nil {
					t.Fatalf("CheckOwned = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrNotOwned) {
				t.Fatalf("CheckOwned = %v, want ErrNotOwned", err)
			}
			for _, s := range tc.say {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("the refusal does not name %s: %v", s, err)
				}
			}
		})
	}
}

// TestCheckOwnedRoot: --out / is refused (read only: CheckOwned writes
// nothing).
func TestCheckOwnedRoot(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/" + MarkerName); err == nil {
		t.Skip("/ is marked as a trustsim output directory here")
	}
	if err := CheckOwned("/"); !errors.Is(err, ErrNotOwned) {
		t.Errorf("CheckOwned(/) = %v, want ErrNotOwned", err)
	}
}

// TestCheckOwnedFile refuses a file given as the directory.
func TestCheckOwnedFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckOwned(path); !errors.Is(err, ErrNotOwned) || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("CheckOwned(file) = %v", err)
	}
}

// TestClaimDir checks that a claim marks a new directory first, that a
// second claim (even from this process: the lock belongs to the open
// file) is refused at once naming the holder, and that a released
// directory can be claimed again.
func TestClaimDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	start := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
	c, err := ClaimDir(dir, Holder{PID: 4242, Host: "node7", Command: []string{"trustsim", "run", "x"}, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if listed, marked, err := readMarker(dir); err != nil || !marked || len(listed) != 0 {
		t.Errorf("marker after a claim: %v, %v, %v; want an empty one", listed, marked, err)
	}
	_, err = ClaimDir(dir, NewHolder([]string{"trustsim", "merge"}, time.Now()))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second claim = %v, want ErrLocked", err)
	}
	for _, s := range []string{"pid 4242", "node7", "2026-12-06T21:00:00Z", "trustsim run x"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the refusal does not say %q: %v", s, err)
		}
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	c2, err := ClaimDir(dir, NewHolder([]string{"trustsim", "plot"}, time.Now()))
	if err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	c2.Release()
}

// TestRecordPublished: publishing plots/ replaces the listed plots by
// those now in plots/; publishing anything else keeps them listed.
func TestRecordPublished(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, plotsName), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, plotsName, "new.png"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeMarker(dir, []string{runsName, plotsName, "plots/old.png"}); err != nil {
		t.Fatal(err)
	}
	if err := recordPublished(dir, []string{StoryName}); err != nil {
		t.Fatal(err)
	}
	listed, _, _ := readMarker(dir)
	for _, f := range []string{runsName, "plots/old.png", StoryName} {
		if !listed[f] {
			t.Errorf("after recording %s the marker does not list %s: %v", StoryName, f, listed)
		}
	}
	if err := recordPublished(dir, []string{plotsName, reportName}); err != nil {
		t.Fatal(err)
	}
	listed, _, _ = readMarker(dir)
	if listed["plots/old.png"] || !listed["plots/new.png"] || !listed[StoryName] || !listed[reportName] {
		t.Errorf("after recording plots/ the marker lists %v", listed)
	}
}

// TestClaimUnmarkedBatch: a batch directory written before directories
// were marked is claimed, and its files are listed as trustsim's, so the
// next batch (and the one after) may replace them.
func TestClaimUnmarkedBatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for p, c := range map[string]string{manifestName: `{"program": "trustsim"}`, runsName: "x", "plots/a.png": "x", "notes.txt": "mine"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := ClaimDir(dir, NewHolder([]string{"trustsim", "run"}, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	listed, marked, err := readMarker(dir)
	if err != nil || !marked {
		t.Fatalf("no marker after the claim: %v", err)
	}
	for _, f := range []string{manifestName, runsName, plotsName, "plots/a.png"} {
		if !listed[f] {
			t.Errorf("the marker does not list %s: %v", f, listed)
		}
	}
	if listed["notes.txt"] {
		t.Error("the marker lists the user's notes.txt")
	}
	if err := CheckOwned(dir); err != nil {
		t.Errorf("CheckOwned after marking: %v", err)
	}
}
