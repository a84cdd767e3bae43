package batch

import (
	"fmt"
	"slices"
	"strings"
)

// FinishedShard is a finished shard: its directory and its manifest.
type FinishedShard struct {
	Dir      string
	Manifest *ShardManifest
}

// Span is the run indices First up to End-1.
type Span struct {
	First, End int
}

// String writes the span as "run 3" or "runs 3-7".
func (s Span) String() string {
	if s.End-s.First == 1 {
		return fmt.Sprintf("run %d", s.First)
	}
	return fmt.Sprintf("runs %d-%d", s.First, s.End-1)
}

// MergeError says why a set of shards cannot be merged: shards of
// different batches (Mismatches), runs that no shard holds (Missing) and
// runs that more than one shard holds (Doubled). Error lists one problem
// per line.
type MergeError struct {
	// Mismatches are lines naming a shard that differs from the first in
	// something that must be equal.
	Mismatches []string
	// Missing and Doubled are the runs held by no shard and by more than
	// one, in run order.
	Missing, Doubled []Span
	// Lines are the messages for Missing and Doubled, in the same order,
	// naming the shards concerned.
	Lines []string
}

// Error lists the mismatches and the missing or doubled runs, one per line.
func (e *MergeError) Error() string {
	return strings.Join(append(append([]string(nil), e.Mismatches...), e.Lines...), "\n")
}

// CheckShards checks that shards can be merged into their batch and
// returns them in run order. Every shard must come from the same program
// version, scenario text, overrides and seed (so equal fingerprints), and
// every run index of the batch must be held by exactly one shard. A
// failure is a *MergeError listing every problem found.
func CheckShards(shards []FinishedShard) ([]FinishedShard, error) {
	if len(shards) == 0 {
		return nil, &MergeError{Mismatches: []string{"no shards to merge"}}
	}
	e := &MergeError{}
	ref := shards[0]
	for _, s := range shards[1:] {
		a, b := ref.Manifest, s.Manifest
		var diffs []string
		if a.Program != b.Program || a.Version != b.Version {
			diffs = append(diffs, fmt.Sprintf("program %q, not %q", b.Version, a.Version))
		}
		if a.ScenarioSHA256 != b.ScenarioSHA256 {
			diffs = append(diffs, fmt.Sprintf("scenario %q (text sha256 %.12s), not %q (%.12s)",
				b.ScenarioFile, b.ScenarioSHA256, a.ScenarioFile, a.ScenarioSHA256))
		}
		if !slices.Equal(a.Overrides, b.Overrides) {
			diffs = append(diffs, fmt.Sprintf("overrides [%s], not [%s]", strings.Join(b.Overrides, " "), strings.Join(a.Overrides, " ")))
		}
		if a.BaseSeed != b.BaseSeed {
			diffs = append(diffs, fmt.Sprintf("seed %d, not %d", b.BaseSeed, a.BaseSeed))
		}
		if a.Runs != b.Runs || a.Points != b.Points || a.Replicates != b.Replicates {
			diffs = append(diffs, fmt.Sprintf("%d points × %d replicates = %d runs, not %d × %d = %d",
				b.Points, b.Replicates, b.Runs, a.Points, a.Replicates, a.Runs))
		}
		if len(diffs) == 0 && a.Fingerprint != b.Fingerprint {
			diffs = append(diffs, fmt.Sprintf("batch fingerprint %.12s, not %.12s", b.Fingerprint, a.Fingerprint))
		}
		if len(diffs) > 0 {
			e.Mismatches = append(e.Mismatches, fmt.Sprintf("%s (shard %s) is of another batch than %s (shard %s): %s",
				s.Dir, b.Shard(), ref.Dir, a.Shard(), strings.Join(diffs, "; ")))
		}
	}
	if len(e.Mismatches) > 0 {
		return nil, e
	}

	sorted := slices.Clone(shards)
	slices.SortStableFunc(sorted, func(a, b FinishedShard) int {
		if c := a.Manifest.FirstRun - b.Manifest.FirstRun; c != 0 {
			return c
		}
		return a.Manifest.EndRun - b.Manifest.EndRun
	})
	total := ref.Manifest.Runs
	// Cut 0..total at every shard boundary; each piece is held by the
	// same shards throughout.
	cuts := []int{0, total}
	for _, s := range sorted {
		cuts = append(cuts, s.Manifest.FirstRun, s.Manifest.EndRun)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	type piece struct {
		span    Span
		holders []FinishedShard
	}
	var pieces []piece
	for k := 0; k+1 < len(cuts); k++ {
		p := piece{span: Span{cuts[k], cuts[k+1]}}
		for _, s := range sorted {
			if s.Manifest.FirstRun <= p.span.First && p.span.End <= s.Manifest.EndRun {
				p.holders = append(p.holders, s)
			}
		}
		// Adjacent pieces with the same problem and holders read
		// better as one.
		if n := len(pieces); n > 0 && pieces[n-1].span.End == p.span.First && sameHolders(pieces[n-1].holders, p.holders) {
			pieces[n-1].span.End = p.span.End
			continue
		}
		pieces = append(pieces, p)
	}
	for _, p := range pieces {
		switch {
		case len(p.holders) == 0:
			e.Missing = append(e.Missing, p.span)
			e.Lines = append(e.Lines, fmt.Sprintf("%s of %d missing%s", p.span, total, missingHint(p.span, shards)))
		case len(p.holders) > 1:
			e.Doubled = append(e.Doubled, p.span)
			var names []string
			for _, h := range p.holders {
				names = append(names, fmt.Sprintf("%s (shard %s)", h.Dir, h.Manifest.Shard()))
			}
			e.Lines = append(e.Lines, fmt.Sprintf("%s held more than once: by %s", p.span, strings.Join(names, ", ")))
		}
	}
	if len(e.Lines) > 0 {
		return nil, e
	}
	return sorted, nil
}

func sameHolders(a, b []FinishedShard) bool {
	return slices.EqualFunc(a, b, func(x, y FinishedShard) bool { return x.Dir == y.Dir && x.Manifest == y.Manifest })
}

// missingHint names the shards that would hold span when the shards
// given all share one shard count: ": shard 2/4 not given (or unfinished)".
func missingHint(span Span, shards []FinishedShard) string {
	n := shards[0].Manifest.ShardCount
	for _, s := range shards {
		if s.Manifest.ShardCount != n {
			return ""
		}
	}
	var want []string
	for i := range n {
		sh := Shard{Index: i, Count: n}
		first, end := sh.Block(shards[0].Manifest.Runs)
		if first < span.End && span.First < end {
			want = append(want, sh.String())
		}
	}
	if len(want) == 0 {
		return ""
	}
	word := "shard"
	if len(want) > 1 {
		word = "shards"
	}
	return fmt.Sprintf(": %s %s not given, or not finished", word, strings.Join(want, ", "))
}
