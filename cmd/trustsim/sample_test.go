package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampledDesignShardsMerge runs a sampled (Morris) design on one
// machine with 2 workers, with 1 worker, and as 3 shards merged, and
// checks that the three give the same files byte for byte,
// sensitivity.csv included.
func TestSampledDesignShardsMerge(t *testing.T) {
	t.Parallel()
	const sampled = "testdata/sampled.toml"
	tmp := t.TempDir()
	whole, one, root := filepath.Join(tmp, "whole"), filepath.Join(tmp, "one"), filepath.Join(tmp, "sharded")
	mustRun(t, "run", sampled, "--out", whole, "--workers", "2", "--quiet")
	mustRun(t, "run", sampled, "--out", one, "--workers", "1", "--quiet")
	for i := 2; i >= 0; i-- {
		mustRun(t, "run", sampled, "--out", root, "--shard", fmt.Sprintf("%d/3", i), "--workers", fmt.Sprint(1+i%2), "--quiet")
	}
	mustRun(t, "merge", "--quiet", root)
	want, err := os.ReadFile(filepath.Join(whole, "sensitivity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(want), "\n"); rows != 1+5*(3*3+1) {
		t.Errorf("sensitivity.csv has %d lines, want a header, 3 measures × 3 conditions and a noise share for each of 5 results", rows)
	}
	for _, dir := range []string{one, root} {
		sameMerged(t, whole, dir)
		got, err := os.ReadFile(filepath.Join(dir, "sensitivity.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("sensitivity.csv of %s differs from one machine's", dir)
		}
	}
}
