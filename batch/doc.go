// Package batch expands nothing and parses nothing: it takes a Plan (design
// points × replicates, built by package scenarios), executes its runs
// concurrently on a bounded pool of workers, and hands finished Results to
// a sink in run-index order, so output never depends on scheduling.
// Finished runs are checkpointed so an interrupted batch can be resumed.
package batch
