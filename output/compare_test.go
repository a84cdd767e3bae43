package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// writePlan writes a batch of plan, with fakeSteps' results, into a new
// directory named name under a temporary directory, and returns it.
func writePlan(t *testing.T, name string, plan *batch.Plan) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	w, err := Create(dir, plan, Meta{Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	for i := range plan.NumRuns() {
		if err := w.Add(batchResult(plan, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(testStart); err != nil {
		t.Fatal(err)
	}
	return dir
}

// withTurnover sets parent_ed's staff turnover in every point of plan,
// as --set would for a batch run under another condition.
func withTurnover(t *testing.T, plan *batch.Plan, v string) *batch.Plan {
	t.Helper()
	for i := range plan.Points {
		if err := plan.Points[i].Params.Set("org.parent_ed.annual_turnover.staff", v); err != nil {
			t.Fatal(err)
		}
	}
	return plan
}

// TestCompare puts two batches of the strategies fixture, run at two staff
// turnovers, into one report: each batch is a condition, named with what
// sets it apart, and the answer and regret table span both.
func TestCompare(t *testing.T) {
	t.Parallel()
	low := writePlan(t, "low", withTurnover(t, strategies.plan(t), "0.1"))
	high := writePlan(t, "high", withTurnover(t, strategies.plan(t), "0.4"))
	out := filepath.Join(t.TempDir(), "compared")
	if err := Compare([]string{low, high}, out, []string{"trustsim", "report", low, high}); err != nil {
		t.Fatal(err)
	}
	page := string(readFile(t, filepath.Join(out, reportName)))
	for _, want := range []string{
		"With batch low (annual staff turnover at parent_ed 10%), the best choice is partner",
		"With batch high (annual staff turnover at parent_ed 40%), the best choice is partner",
		"The choice is robust: partner is the best under every one of the 2 conditions",
		"Batch, a condition the initiative faces, takes the values low and high.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the comparison's report.html lacks %q", want)
		}
	}
	if strings.Contains(page, StoryName) {
		t.Error("the comparison links to a story it does not have")
	}
	if _, err := os.Stat(filepath.Join(out, plotsName, answerFigure+".svg")); err != nil {
		t.Error(err)
	}
}

// TestCompareRefuses checks that batches that cannot be compared are
// refused with the reason, and nothing is written.
func TestCompareRefuses(t *testing.T) {
	if raceEnabled {
		// Each case writes a batch, and drawing its plots under the race
		// detector takes most of a minute; the checks themselves are
		// sequential code that TestCompare runs under it too.
		t.Skip("sequential checks; too slow to draw five batches under the race detector")
	}
	t.Parallel()
	base := writePlan(t, "base", strategies.plan(t))
	tests := []struct {
		name   string
		other  func(t *testing.T) string
		reason string
	}{
		{"not a batch", func(t *testing.T) string { return t.TempDir() }, "it is not a finished batch"},
		{"replicates", func(t *testing.T) string {
			f := strategies
			f.replicates = 3
			return writePlan(t, "r", f.plan(t))
		}, "it has 3 replicates, the first batch 4"},
		{"horizon", func(t *testing.T) string {
			f := strategies
			f.horizon = 30
			return writePlan(t, "h", f.plan(t))
		}, "its runs last 30 weeks, the first batch's 20"},
		{"initiative", func(t *testing.T) string {
			plan := strategies.plan(t)
			for i := range plan.Points {
				plan.Points[i].Params.Orgs = append(plan.Points[i].Params.Orgs, sim.DefaultOrg("clinic", sim.Nonprofit))
			}
			return writePlan(t, "o", plan)
		}, "not the same initiative"},
		{"levers", func(t *testing.T) string {
			f := strategies
			f.strategies = []string{"grantor", "partner", "third"}
			return writePlan(t, "l", f.plan(t))
		}, "its lever choices (grantor, partner, third) are not the first batch's (grantor, partner)"},
		{"sweep", func(t *testing.T) string {
			f := sweep1
			f.horizon, f.replicates = strategies.horizon, strategies.replicates
			return writePlan(t, "s", f.plan(t))
		}, "it sweeps policy.relationship_share, the first batch none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			other := tc.other(t)
			out := filepath.Join(t.TempDir(), "compared")
			err := Compare([]string{base, other}, out, nil)
			var ie *IncomparableError
			if !errors.As(err, &ie) || ie.Dir != other || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("Compare = %v, want %s refused: %s", err, other, tc.reason)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused comparison wrote %s", out)
			}
		})
	}
}
