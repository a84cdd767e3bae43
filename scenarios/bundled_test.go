package scenarios

import (
	"context"
	"errors"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// TestBundled loads, plans and runs every bundled scenario, shortened to
// 10 steps, one replicate and its first two design points, so that none
// can rot. Events are moved into the shortened run so they still happen.
func TestBundled(t *testing.T) {
	infos := Bundled()
	want := []string{"bench-city", "co-production", "default", "every-level", "funder-models", "handoff", "investment-vs-turnover", "key-person-departure", "sensitivity"}
	if len(infos) != len(want) {
		t.Fatalf("Bundled() = %v, want %v", infos, want)
	}
	for i, info := range infos {
		if info.Name != want[i] {
			t.Errorf("Bundled()[%d].Name = %q, want %q", i, info.Name, want[i])
		}
		t.Run(info.Name, func(t *testing.T) {
			if info.Description == "" {
				t.Error("no description")
			}
			s, err := Load(info.Name)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != info.Name {
				t.Errorf("name = %q, want the file's name %q", s.Name, info.Name)
			}
			plan, err := s.Plan()
			if err != nil {
				t.Fatal(err)
			}
			if plan.Question == "" || plan.Question != s.Question {
				t.Errorf("question %q (plan %q): every bundled scenario states its own", s.Question, plan.Question)
			}
			if plan.NumRuns() == 0 {
				t.Fatal("no runs")
			}
			for k := 0; k < min(2, len(plan.Points)); k++ {
				p := plan.Points[k].Params.Clone()
				p.Horizon = 10
				for j := range p.Events {
					p.Events[j].Step = min(p.Events[j].Step, 5)
				}
				steps := 0
				err := sim.Run(context.Background(), p, plan.Run(k*plan.Replicates).Seed, func(m sim.Metrics) error {
					steps++
					return nil
				})
				if err != nil {
					t.Fatalf("point %d: %v", k, err)
				}
				if steps != 10 {
					t.Errorf("point %d: %d steps, want 10", k, steps)
				}
			}
		})
	}
	var el ErrorList
	if _, err := Load("no-such-scenario"); !errors.As(err, &el) {
		t.Errorf("Load(unknown) = %v, want an ErrorList", err)
	}
}
