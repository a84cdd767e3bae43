package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var parquetFiles = []string{"runs.parquet", "timeseries.parquet", "aggregate.parquet"}

// sameParquet checks that dir's Parquet tables are byte for byte want's.
func sameParquet(t *testing.T, want, dir string) {
	t.Helper()
	for _, n := range parquetFiles {
		a, err := os.ReadFile(filepath.Join(want, n))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between %s and %s", n, want, dir)
		}
	}
}

// TestParquetBatches checks that --format parquet writes the same Parquet
// bytes whatever --workers, through shards and merge, and after an
// interrupted batch is resumed; that it writes no CSV table; and that
// `trustsim plot` redraws from the Parquet tables the plots drawn with
// the CSV files.
func TestParquetBatches(t *testing.T) {
	tmp := t.TempDir()
	both := filepath.Join(tmp, "both")
	stdout, _ := mustRun(t, "run", small, "--workers", "1", "--format", "both", "--out", both, "--quiet")
	for _, n := range append([]string{"runs.csv", "timeseries.csv", "aggregate.csv"}, parquetFiles...) {
		if !strings.Contains(stdout, filepath.Join(both, n)) {
			t.Errorf("the closing line does not name %s: %q", n, stdout)
		}
	}

	only := filepath.Join(tmp, "only")
	mustRun(t, "run", small, "--workers", "3", "--format", "parquet", "--out", only, "--quiet")
	sameParquet(t, both, only)
	for _, n := range []string{"runs.csv", "timeseries.csv", "aggregate.csv"} {
		if _, err := os.Stat(filepath.Join(only, n)); !os.IsNotExist(err) {
			t.Errorf("--format parquet wrote %s (%v)", n, err)
		}
	}
	man, err := os.ReadFile(filepath.Join(only, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(man, []byte(`"--format",`)) {
		t.Error("the manifest's command does not record --format parquet")
	}

	// plot reads the Parquet tables.
	if err := os.RemoveAll(filepath.Join(only, "plots")); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "plot", only)
	entries, err := os.ReadDir(filepath.Join(both, "plots"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		a, _ := os.ReadFile(filepath.Join(both, "plots", e.Name()))
		b, err := os.ReadFile(filepath.Join(only, "plots", e.Name()))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("plots/%s redrawn from Parquet differs from the batch's (%v)", e.Name(), err)
		}
	}

	// Shards record the format; merge writes it.
	sharded := filepath.Join(tmp, "sharded")
	for _, sh := range []string{"0/2", "1/2"} {
		mustRun(t, "run", small, "--format", "parquet", "--shard", sh, "--out", sharded, "--quiet")
	}
	mustRun(t, "merge", filepath.Join(sharded, "shards"), "--quiet")
	sameParquet(t, both, sharded)
	if _, err := os.Stat(filepath.Join(sharded, "runs.csv")); !os.IsNotExist(err) {
		t.Errorf("merging Parquet shards wrote runs.csv (%v)", err)
	}

	// Resume.
	resumed := filepath.Join(tmp, "resumed")
	ctx, cancel := context.WithCancel(context.Background())
	args := []string{"run", small, "--workers", "2", "--format", "parquet", "--out", resumed, "--quiet"}
	code, _, stderr := trustsimApp(t, ctx, func(done, total int) {
		if done >= 2 {
			cancel()
		}
	}, args...)
	cancel()
	if code != exitInterrupted {
		t.Fatalf("interrupted batch: exit %d, want %d\nstderr:\n%s", code, exitInterrupted, stderr)
	}
	mustRun(t, append(args, "--resume")...)
	sameParquet(t, both, resumed)

	// The same batch in another format replaces the earlier one's
	// tables: no CSV table is left beside the Parquet ones.
	mustRun(t, "run", small, "--format", "parquet", "--out", both, "--quiet")
	for _, n := range []string{"runs.csv", "timeseries.csv", "aggregate.csv"} {
		if _, err := os.Stat(filepath.Join(both, n)); !os.IsNotExist(err) {
			t.Errorf("%s of the earlier CSV batch left beside the Parquet tables (%v)", n, err)
		}
	}
	sameParquet(t, only, both)

	if code, _, stderr := trustsim(t, "run", small, "--format", "xlsx", "--out", filepath.Join(tmp, "x")); code != exitUsage || !strings.Contains(stderr, `unknown format "xlsx"`) {
		t.Errorf("--format xlsx: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(tmp, "x")); !os.IsNotExist(err) {
		t.Errorf("--format xlsx created its output directory (%v)", err)
	}
}
