package batch

import (
	"context"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Shard is part Index (counting from 0) of Count parts of a plan's runs,
// so that one batch can run as Count independent jobs (a Slurm job array,
// a Kubernetes Indexed Job) whose results are merged afterwards.
//
// The assignment is a contiguous block: shard i of n holds the runs
// i*R/n up to (i+1)*R/n - 1 of a plan of R runs (integer division), so
// block sizes differ by at most one run, the blocks tile 0..R-1 in shard
// order, and merging is concatenation. A block may be empty when n > R.
type Shard struct {
	Index int
	Count int
}

// ParseShard parses "i/n" (0 <= i < n), the form --shard takes and
// Shard.String writes.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q is not of the form i/n (e.g. 0/4 is the first of 4 shards)", s)
	}
	i, err := strconv.Atoi(strings.TrimSpace(is))
	if err != nil {
		return Shard{}, fmt.Errorf("shard %q: index %q is not a whole number", s, is)
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil {
		return Shard{}, fmt.Errorf("shard %q: count %q is not a whole number", s, ns)
	}
	sh := Shard{Index: i, Count: n}
	if err := sh.Check(); err != nil {
		return Shard{}, fmt.Errorf("shard %q: %w", s, err)
	}
	return sh, nil
}

// Check reports whether s is a shard: Count at least 1 and Index in
// 0..Count-1.
func (s Shard) Check() error {
	switch {
	case s.Count < 1:
		return fmt.Errorf("the number of shards must be at least 1, got %d", s.Count)
	case s.Index < 0 || s.Index >= s.Count:
		return fmt.Errorf("the shard index must be 0 to %d (shards count from 0), got %d", s.Count-1, s.Index)
	}
	return nil
}

// String writes s as "i/n".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Block returns the runs of a plan of total runs that belong to s: run
// indices first up to end-1.
func (s Shard) Block(total int) (first, end int) {
	return mulDiv(s.Index, total, s.Count), mulDiv(s.Index+1, total, s.Count)
}

// mulDiv is a*b/c for 0 <= a <= c and b >= 0, exact whatever the size of
// a*b (a 128-bit product), so no shard count can overflow it.
func mulDiv(a, b, c int) int {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int(q)
}

// DirName is the name of the shard's directory inside the directory of
// all shards of a batch: "shard-2-of-16", the index zero-padded to the
// width of the count ("shard-02-of-16") so that names sort in shard
// order.
func (s Shard) DirName() string {
	w := len(strconv.Itoa(s.Count))
	return fmt.Sprintf("shard-%0*d-of-%d", w, s.Index, s.Count)
}

// ShardFingerprint is the fingerprint under which ExecuteShard
// checkpoints the runs of shard s of the batch with the given
// fingerprint, so that a shard's checkpoints are never resumed as
// another shard's or as the whole batch's. Pass it to CheckPartial to
// check a shard's directory before writing anything.
func ShardFingerprint(fingerprint string, s Shard) string {
	return Fingerprint(fingerprint, "shard", s.String())
}

// ExecuteShard is Execute for shard s of plan: it runs only the runs of
// s.Block(plan.NumRuns()) and hands them to sink in run-index order;
// Progress counts the shard's runs only. Checkpoints go to dir/.partial
// under ShardFingerprint(fingerprint, s), so opt.Resume continues an
// interrupted shard exactly as it continues a batch.
func ExecuteShard(ctx context.Context, dir string, plan *Plan, s Shard, fingerprint string, opt Options, sink func(Result) error) error {
	return ExecuteShardPrepared(ctx, dir, plan, s, fingerprint, opt, same, sink)
}

// ExecuteShardPrepared is ExecuteShard with the work on each result split
// in two, as ExecutePrepared splits Execute's: prepare runs on the
// goroutine that ran the run, sink sees the prepared results in run-index
// order. A ShardWriter's Prepare and AddPrepared are such a pair.
func ExecuteShardPrepared[T any](ctx context.Context, dir string, plan *Plan, s Shard, fingerprint string, opt Options,
	prepare func(Result) (T, error), sink func(T) error) error {
	if err := s.Check(); err != nil {
		return err
	}
	first, end := s.Block(plan.NumRuns())
	return execute(ctx, dir, plan, first, end, ShardFingerprint(fingerprint, s), opt, prepare, sink)
}
