package main

import (
	"runtime/debug"

	"github.com/trustsim/trustsim/batch"
)

// The garbage collector's target for a batch (tuneGC). Go's default,
// GOGC=100, collects each time the heap has grown by as much as is live,
// and at least every 4 MiB. A batch of small runs keeps little live (a
// model of 110 people is about 100 KiB) but allocates a few hundred KiB
// per run, so with many workers it collected over a hundred times a
// second: BenchmarkExecute at 16 workers on a 16-core machine did 606
// runs/s with the default and 755 with no collection at all. tuneGC
// raises GOGC for such batches so that the heap may grow to about
// minHeapGoal before a collection, and leaves it alone for big runs.
const (
	// minHeapGoal is the heap a batch may reach before the collector
	// runs: enough to make collections rare (17 for the 1,050 runs of
	// investment-vs-turnover --replicates 30 on 16 workers, against 45
	// with the default), small enough that a batch of 100 runs reaches it
	// as a batch of 1,000 does. At 256 MiB a short batch ended before
	// its heap got there, so peak memory depended on the batch's length
	// (default scenario: 63 MB for 100 runs, 73-77 MB for 1,000).
	minHeapGoal = 64 << 20
	// bytesPerPerson estimates a run's live heap per person (968 bytes at
	// bench-city's density, docs/PERFORMANCE.md).
	bytesPerPerson = 1 << 10
	// baseHeap estimates what a batch keeps live besides its models: plan,
	// output writer, results waiting to be written.
	baseHeap = 16 << 20
	// maxGCPercent bounds the setting, so that a wrong estimate can make
	// the heap at most 11 times what is live.
	maxGCPercent = 1000
)

// gcPercent returns the GOGC setting for a batch whose runs of at most
// people people run concurrent at a time: 100 (the default) when their
// estimated live heap is minHeapGoal/2 or more, larger when it is less,
// so that the heap reaches about minHeapGoal, and at most maxGCPercent.
func gcPercent(people, concurrent int) int {
	live := int64(baseHeap) + int64(concurrent)*int64(people)*bytesPerPerson
	p := 100*int64(minHeapGoal)/live - 100
	return int(min(max(p, 100), maxGCPercent))
}

// tuneGC sets the collector's target for running plan on workers workers
// (gcPercent) and returns the function that restores the previous one.
// It does nothing when the GOGC environment variable is set: the user's
// choice wins. The collector never changes a result, only how fast and
// in how much memory a batch runs.
func tuneGC(plan *batch.Plan, workers int, getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || plan.NumRuns() == 0 {
		return func() {}
	}
	people := 0
	for i := range plan.Points {
		people = max(people, plan.Points[i].Params.People())
	}
	old := debug.SetGCPercent(gcPercent(people, min(workers, plan.NumRuns())))
	return func() { debug.SetGCPercent(old) }
}
