package scenarios

import (
	"context"
	"testing"
	"time"

	"github.com/trustsim/trustsim/sim"
)

// TestDefaultIsQuick runs the whole default batch, every point and
// replicate, one run after another: `trustsim run` with no argument must
// finish in a few seconds on two cores, so one core gets 8 seconds.
func TestDefaultIsQuick(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("timing is meaningless under the race detector; skipped with -short")
	}
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Swept) == 0 || len(plan.Points) < 3 {
		t.Errorf("default sweeps %v over %d points; it should draw a response curve", plan.Swept, len(plan.Points))
	}
	start := time.Now()
	for i := 0; i < plan.NumRuns(); i++ {
		r := plan.Run(i)
		if err := sim.Run(context.Background(), plan.Points[r.Point].Params, r.Seed, nil); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("the default batch of %d runs took %v on one core, want under 8s", plan.NumRuns(), d)
	} else {
		t.Logf("the default batch of %d runs took %v on one core", plan.NumRuns(), d)
	}
}
