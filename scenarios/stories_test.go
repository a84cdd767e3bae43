package scenarios

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// The seed's claims, checked on the bundled scenarios that tell them
// (docs/MODEL.md §1, SF13–SF17), as the batches run them: every point and
// its paired no-events counterfactual, with the plan's seeds. Each claim
// is a paired comparison: the same replicate (the same seed, the same
// random futures) with and without a departure, or under two levers.

// story is a bundled scenario's plan and the metrics of every run.
type story struct {
	plan *batch.Plan
	runs [][][]sim.Metrics // [point][replicate][week]
}

// runStory plans a bundled scenario and runs all its runs on all cores.
func runStory(t *testing.T, name string) *story {
	t.Helper()
	if raceEnabled {
		t.Skip("whole bundled batches; nothing for the race detector to find")
	}
	s, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	st := &story{plan: plan, runs: make([][][]sim.Metrics, len(plan.Points))}
	for k := range st.runs {
		st.runs[k] = make([][]sim.Metrics, plan.Replicates)
	}
	jobs := make(chan int)
	errs := make([]error, plan.NumRuns())
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				r := plan.Run(i)
				var ms []sim.Metrics
				errs[i] = sim.Run(context.Background(), plan.Points[r.Point].Params, r.Seed, func(m sim.Metrics) error {
					ms = append(ms, m)
					return nil
				})
				st.runs[r.Point][r.Replicate] = ms
			}
		})
	}
	for i := range plan.NumRuns() {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// point returns the index of the (non-counterfactual) point whose label
// is label.
func (st *story) point(t *testing.T, label string) int {
	t.Helper()
	for k := range st.plan.Points {
		if pt := &st.plan.Points[k]; !pt.Counterfactual && pt.Label() == label {
			return k
		}
	}
	t.Fatalf("no point %q", label)
	return -1
}

// windowMean is the mean of f over weeks [from, to) of one run.
func windowMean(ms []sim.Metrics, from, to int, f func(sim.Metrics) float64) float64 {
	s := 0.0
	for _, m := range ms[from:to] {
		s += f(m)
	}
	return s / float64(to-from)
}

// gaps returns, per replicate, the mean of f over [from, to) in point k
// minus the same in its paired counterfactual (point k−1).
func (st *story) gaps(t *testing.T, k, from, to int, f func(sim.Metrics) float64) []float64 {
	t.Helper()
	if k == 0 || !st.plan.Points[k-1].Counterfactual {
		t.Fatalf("point %d has no counterfactual", k)
	}
	out := make([]float64, st.plan.Replicates)
	for r := range out {
		out[r] = windowMean(st.runs[k][r], from, to, f) - windowMean(st.runs[k-1][r], from, to, f)
	}
	return out
}

// finals returns f of the last week of every replicate of point k.
func (st *story) finals(k int, f func(sim.Metrics) float64) []float64 {
	out := make([]float64, st.plan.Replicates)
	for r := range out {
		ms := st.runs[k][r]
		out[r] = f(ms[len(ms)-1])
	}
	return out
}

// pairedT returns the mean of d and the one-sided p-value of mean(d) > 0
// (Student t over the pairs).
func pairedT(d []float64) (mean, p float64) {
	m, sd := stat.MeanStdDev(d, nil)
	if sd == 0 {
		if m > 0 {
			return m, 0
		}
		return m, 1
	}
	n := float64(len(d))
	return m, 1 - distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.CDF(m/(sd/math.Sqrt(n)))
}

func diff(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

func neg(a []float64) []float64 { return diff(make([]float64, len(a)), a) }

// assertPositive fails unless mean(d) > 0 at one-sided p < 0.01.
func assertPositive(t *testing.T, what string, d []float64) float64 {
	t.Helper()
	m, p := pairedT(d)
	sd := stat.StdDev(d, nil)
	t.Logf("%s: %.4g (95%% CI ±%.2g, paired one-sided p = %.2g, n = %d)", what, m, 1.96*sd/math.Sqrt(float64(len(d))), p, len(d))
	if !(p < 0.01) {
		t.Errorf("%s: mean %.4g is not above 0 at p < 0.01 (p = %.3g)", what, m, p)
	}
	return m
}

var (
	results      = func(m sim.Metrics) float64 { return m.Results }
	cumulative   = func(m sim.Metrics) float64 { return m.CumulativeResults }
	arrangements = func(m sim.Metrics) float64 { return float64(m.ArrangementsActive) }
	active       = func(m sim.Metrics) float64 { return float64(m.ActivePartnerships) }
)

// TestSF13KeyPersonDeparture: in key-person-departure, the departure of the
// leader who holds the priority_access arrangement costs the arrangement
// and results against the paired counterfactual; a warm handoff shortens
// the loss. Paired one-sided t-tests at p < 0.01 over the scenario's 30
// replicates: with no handoff, arrangements in force and results fall in
// the quarter after the departure; in the year after that, results are
// closer to the counterfactual with a warm handoff than without.
func TestSF13KeyPersonDeparture(t *testing.T) {
	st := runStory(t, "key-person-departure")
	e := st.plan.Points[1].Params.Events[0].Step
	none, warm := st.point(t, "no handoff"), st.point(t, "warm handoff")
	assertPositive(t, "no handoff: arrangements lost in the quarter after the departure", neg(st.gaps(t, none, e, e+13, arrangements)))
	assertPositive(t, "no handoff: results lost in the quarter after the departure (per week)", neg(st.gaps(t, none, e, e+13, results)))
	assertPositive(t, "results kept by a warm handoff in the year after the first quarter (per week)",
		diff(st.gaps(t, warm, e+13, e+52, results), st.gaps(t, none, e+13, e+52, results)))
}

// TestSF14HandoffShortensTheLoss: in handoff, the results lost to the
// departure in the year after its first quarter shrink as the share of
// trust handed over grows: monotone in the means at shares 0, 0.5 and 1,
// and smaller at 1 than at 0 (paired one-sided t-test, p < 0.01, 30
// replicates).
func TestSF14HandoffShortensTheLoss(t *testing.T) {
	st := runStory(t, "handoff")
	e := st.plan.Points[1].Params.Events[0].Step
	loss := map[string][]float64{}
	for _, share := range []string{"0", "0.5", "1"} {
		k := st.point(t, "policy.handoff_share="+share)
		loss[share] = neg(st.gaps(t, k, e+13, e+52, results))
		t.Logf("handoff share %s: results lost %.3g a week", share, stat.Mean(loss[share], nil))
	}
	if !(stat.Mean(loss["0"], nil) > stat.Mean(loss["0.5"], nil) && stat.Mean(loss["0.5"], nil) > stat.Mean(loss["1"], nil)) {
		t.Error("the loss does not shrink with the share handed over")
	}
	assertPositive(t, "loss without a handoff minus loss with a full one", diff(loss["0"], loss["1"]))
}

// TestSF15EveryLevelProtects: in every-level, the same departure costs
// fewer active partnerships, over the year after it, when staff,
// volunteers and the people served attend convenings too (paired
// one-sided t-test of the difference of the two losses, p < 0.01).
func TestSF15EveryLevelProtects(t *testing.T) {
	st := runStory(t, "every-level")
	e := st.plan.Points[1].Params.Events[0].Step
	leaders, every := st.point(t, "leaders only"), st.point(t, "every level")
	lostLeaders := neg(st.gaps(t, leaders, e, e+52, active))
	lostEvery := neg(st.gaps(t, every, e, e+52, active))
	t.Logf("active partnerships lost in the year after: leaders only %.3g, every level %.3g", stat.Mean(lostLeaders, nil), stat.Mean(lostEvery, nil))
	assertPositive(t, "leaders-only loss minus every-level loss", diff(lostLeaders, lostEvery))
}

// TestSF16PartnershipFunding: in funder-models, partnership funding gets
// more total results than grantor-grantee under every value of the cap on
// unfunded relationship time (paired one-sided t-test per condition,
// p < 0.01, 20 replicates).
func TestSF16PartnershipFunding(t *testing.T) {
	st := runStory(t, "funder-models")
	for _, cap := range []string{"0.01", "0.025", "0.05"} {
		gg := st.point(t, "grantor-grantee, funder_models.unfunded_share="+cap)
		pa := st.point(t, "partnership, funder_models.unfunded_share="+cap)
		d := diff(st.finals(pa, cumulative), st.finals(gg, cumulative))
		gain := assertPositive(t, "cap "+cap+": partnership minus grantor-grantee, total results", d)
		t.Logf("cap %s: gain %.1f%%", cap, 100*gain/stat.Mean(st.finals(gg, cumulative), nil))
	}
}

// TestSF17CoProductionTradeOff: in co-production, full engagement raises
// total results with the default community of 40 at both levels of
// relationship time, and raises them less with 80 members than with 40 at
// the default relationship share, where member ties crowd out partnership
// ties (paired one-sided t-tests, p < 0.01, 20 replicates; replicate r of
// every condition shares its seed).
func TestSF17CoProductionTradeOff(t *testing.T) {
	st := runStory(t, "co-production")
	gain := func(share, members string) []float64 {
		at := func(e string) int {
			return st.point(t, fmt.Sprintf("policy.engagement=%s, policy.relationship_share=%s, org.community.positions.member=%s", e, share, members))
		}
		return diff(st.finals(at("1"), cumulative), st.finals(at("0"), cumulative))
	}
	assertPositive(t, "share 0.05, 40 members: full engagement minus none, total results", gain("0.05", "40"))
	assertPositive(t, "share 0.1, 40 members: full engagement minus none, total results", gain("0.1", "40"))
	g80 := gain("0.05", "80")
	t.Logf("share 0.05, 80 members: full engagement minus none: %.4g", stat.Mean(g80, nil))
	assertPositive(t, "share 0.05: gain with 40 members minus gain with 80", diff(gain("0.05", "40"), g80))
}
