package output

import (
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// BenchmarkAdd measures the streaming part of a batch's outputs: writing
// runs.csv, timeseries.csv and the aggregates of five years of weekly
// steps, without drawing (Close is not called).
func BenchmarkAdd(b *testing.B) {
	p := sim.Default()
	p.Horizon = 260
	plan := &batch.Plan{Scenario: "bench", Points: []batch.Point{{Params: p}, {Index: 1, Params: p}}, Replicates: 10, Every: 1}
	results := make([]batch.Result, plan.NumRuns())
	for i := range results {
		results[i] = batchResult(plan, i)
	}
	for b.Loop() {
		w, err := Create(b.TempDir(), plan, Meta{})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range results {
			if err := w.Add(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Abort(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*plan.NumRuns()*p.Horizon)/b.Elapsed().Seconds(), "run-steps/s")
}
