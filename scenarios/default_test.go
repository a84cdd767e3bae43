package scenarios

import (
	"context"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// TestDefaultDrawsAResponseCurve checks that the default scenario, which
// `trustsim run` runs with no argument, sweeps a parameter over enough
// points to draw a response curve. How long it takes is
// BenchmarkDefaultBatch's to tell (a few seconds on two cores is the
// aim; docs/PERFORMANCE.md).
func TestDefaultDrawsAResponseCurve(t *testing.T) {
	plan := defaultPlan(t)
	if len(plan.Swept) == 0 || len(plan.Points) < 3 {
		t.Errorf("default sweeps %v over %d points; it should draw a response curve", plan.Swept, len(plan.Points))
	}
}

// BenchmarkDefaultBatch runs every run of the default batch, one after
// another on one goroutine, and reports runs per second: what a new
// user's first `trustsim run` costs, without the output files.
func BenchmarkDefaultBatch(b *testing.B) {
	plan := defaultPlan(b)
	for i := 0; i < b.N; i++ {
		for k := 0; k < plan.NumRuns(); k++ {
			r := plan.Run(k)
			if err := sim.Run(context.Background(), plan.Points[r.Point].Params, r.Seed, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(plan.NumRuns()*b.N)/b.Elapsed().Seconds(), "runs/s")
}

// defaultPlan returns the plan of the default scenario.
func defaultPlan(tb testing.TB) *batch.Plan {
	tb.Helper()
	s, err := Load("")
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		tb.Fatal(err)
	}
	return plan
}
