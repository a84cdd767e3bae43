package sim_test

import (
	"context"
	"math"
	"sync"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trustsim/trustsim/sim"
)

// series runs p with seed and returns the metrics of every step.
func series(t testing.TB, p sim.Params, seed uint64) []sim.Metrics {
	t.Helper()
	var out []sim.Metrics
	if err := sim.Run(context.Background(), p, seed, func(m sim.Metrics) error {
		out = append(out, m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// replicate runs n replicates of p (seeds 1..n, concurrently) and returns
// f of each run's metric series, in seed order.
func replicate(t testing.TB, p sim.Params, n int, f func([]sim.Metrics) float64) []float64 {
	t.Helper()
	out := make([]float64, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for k := range n {
		wg.Go(func() {
			var ms []sim.Metrics
			errs[k] = sim.Run(context.Background(), p, uint64(k+1), func(m sim.Metrics) error {
				ms = append(ms, m)
				return nil
			})
			if errs[k] == nil {
				out[k] = f(ms)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// welchGreater is the one-sided Welch t-test of mean(a) > mean(b); it
// returns the p-value.
func welchGreater(a, b []float64) float64 {
	ma, va := stat.MeanVariance(a, nil)
	mb, vb := stat.MeanVariance(b, nil)
	na, nb := float64(len(a)), float64(len(b))
	se2 := va/na + vb/nb
	if se2 == 0 {
		if ma > mb {
			return 0
		}
		return 1
	}
	tStat := (ma - mb) / math.Sqrt(se2)
	df := se2 * se2 / (va*va/(na*na*(na-1)) + vb*vb/(nb*nb*(nb-1)))
	return 1 - distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(tStat)
}

// assertGreater fails unless mean(a) > mean(b) at one-sided p < 0.01.
func assertGreater(t *testing.T, what string, a, b []float64) {
	t.Helper()
	p := welchGreater(a, b)
	t.Logf("%s: %.4g > %.4g (Welch one-sided p = %.2g, n = %d, %d)", what, stat.Mean(a, nil), stat.Mean(b, nil), p, len(a), len(b))
	if !(p < 0.01) { // NaN fails too
		t.Errorf("%s: mean %.4g is not greater than %.4g at p < 0.01 (p = %.3g)", what, stat.Mean(a, nil), stat.Mean(b, nil), p)
	}
}

func last(ms []sim.Metrics) sim.Metrics { return ms[len(ms)-1] }

func finalCumulative(ms []sim.Metrics) float64 { return last(ms).CumulativeResults }

// meanOverLast averages f over the last n steps.
func meanOverLast(ms []sim.Metrics, n int, f func(sim.Metrics) float64) float64 {
	s := 0.0
	for _, m := range ms[len(ms)-n:] {
		s += f(m)
	}
	return s / float64(n)
}

// set applies dotted-name settings or fails the test.
func set(t testing.TB, p *sim.Params, kv ...any) {
	t.Helper()
	for i := 0; i < len(kv); i += 2 {
		if err := p.Set(kv[i].(string), kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
}

// twoOrgs is the seed's story in its barest form: two nonprofits whose
// only cross-organization tie is their leaders', an arrangement those
// leaders hold, no backbone and no community. Nobody leaves unless an
// event says so. It starts from its initial state, without a warm-up, so
// that the story's steps are exact.
func twoOrgs() sim.Params {
	p := sim.Default()
	a := sim.DefaultOrg("family_center", sim.Nonprofit)
	b := sim.DefaultOrg("parent_ed", sim.Nonprofit)
	for _, o := range []*sim.Org{&a, &b} {
		o.Positions = [sim.NumRoles]int{1, 5, 0, 0}
		o.AnnualTurnover = [sim.NumRoles]float64{}
	}
	p.Orgs = []sim.Org{a, b}
	p.History = []sim.History{{A: "family_center", B: "parent_ed", LeaderTie: true, Trust: 0.8}}
	p.Arrangement = []sim.Arrangement{{
		Name:  "priority_access",
		A:     sim.PersonRef{Org: "family_center", Role: sim.Leader},
		B:     sim.PersonRef{Org: "parent_ed", Role: sim.Leader},
		Value: 20, Trust: 0.8,
	}}
	p.Policy.RelationshipShare = 0
	p.Convening.Interval = 0
	p.Policy.Engagement = 0
	p.Horizon = 104
	p.Warmup = 0
	return p
}
