// Package batch expands nothing and parses nothing: it takes a Plan (design
// points × replicates, built by package scenarios), executes its runs
// concurrently on a bounded pool of workers, and hands finished Results to
// a sink in run-index order, so output never depends on scheduling.
// Finished runs are checkpointed so an interrupted batch can be resumed.
//
// For clusters, a Shard selects a contiguous block of a plan's runs;
// ExecuteShard runs it into a shard directory with a results archive,
// and CheckShards and ReplayShard let a merge rebuild exactly the files a
// single-machine batch writes (docs/CLUSTER.md).
package batch
