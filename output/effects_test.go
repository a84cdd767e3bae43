package output

import (
	"path/filepath"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/trustsim/trustsim/batch"
)

// TestEffectsArePairedDifferences checks effects.csv against the made-up
// metrics: for each point with a counterfactual, step and effect metric,
// the mean and sd of (run − the same replicate of its counterfactual),
// and that the counterfactual shares each replicate's seed.
func TestEffectsArePairedDifferences(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, sweep2)
	plan := sweep2.plan(t)
	rows := readCSV(t, filepath.Join(dir, effectsName))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	slots := effectSlots()
	checked := 0
	for _, r := range rows[1:] {
		p, _ := strconv.Atoi(r[col["point"]])
		step, _ := strconv.Atoi(r[col["step"]])
		pt := &plan.Points[p]
		if pt.Counterfactual || !plan.Points[p-1].Counterfactual || r[col["events"]] != "scheduled" {
			t.Fatalf("row %q: point %d is not a point with a counterfactual before it", r, p)
		}
		k := -1
		for j, m := range effectMetrics {
			if m == r[col["metric"]] {
				k = j
			}
		}
		var d []float64
		for rep := range plan.Replicates {
			run, twin := plan.Run(p*plan.Replicates+rep), plan.Run((p-1)*plan.Replicates+rep)
			if run.Seed != twin.Seed || run.Seed != batch.RunSeed(plan.BaseSeed, rep) {
				t.Fatalf("point %d replicate %d: seed %d, its counterfactual's %d", p, rep, run.Seed, twin.Seed)
			}
			x := fakeSteps(plan, run)[step].Values(nil)[slots[k]]
			c := fakeSteps(plan, twin)[step].Values(nil)[slots[k]]
			d = append(d, x-c)
		}
		mean, sd := stat.MeanStdDev(d, nil)
		got, _ := strconv.ParseFloat(r[col["mean"]], 64)
		gotSD, _ := strconv.ParseFloat(r[col["sd"]], 64)
		if !nearly(got, mean) || !nearly(gotSD, sd) {
			t.Errorf("point %d step %d %s: mean %v sd %v, want %v, %v", p, step, effectMetrics[k], got, gotSD, mean, sd)
		}
		checked++
	}
	if want := 8 * plan.Points[1].Params.Horizon * len(effectMetrics); checked != want {
		t.Errorf("%d rows, want %d: 8 points with events × steps × effect metrics", checked, want)
	}
}

func nearly(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-9*max(1, a, -a, b, -b)
}
