package sim_test

import (
	"math"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// msér returns the MSER truncation point of x (White 1997; Hoad, Robinson
// & Davies 2010): the d in [0, len(x)/2] that minimises the squared
// standard error of the mean of x[d:], Σ_{j≥d}(x_j − x̄_d)² / (n − d)².
func mser(x []float64) int {
	best, bestD := math.Inf(1), 0
	for d := 0; d <= len(x)/2; d++ {
		rest := x[d:]
		mean := 0.0
		for _, v := range rest {
			mean += v
		}
		mean /= float64(len(rest))
		ss := 0.0
		for _, v := range rest {
			ss += (v - mean) * (v - mean)
		}
		if se := ss / float64(len(rest)*len(rest)); se < best {
			best, bestD = se, d
		}
	}
	return bestD
}

// batchMeans averages x over consecutive batches of k (a last partial
// batch is dropped).
func batchMeans(x []float64, k int) []float64 {
	out := make([]float64, 0, len(x)/k)
	for i := 0; i+k <= len(x); i += k {
		s := 0.0
		for _, v := range x[i : i+k] {
			s += v
		}
		out = append(out, s/float64(k))
	}
	return out
}

// warmupMetrics are the metrics whose transient the warm-up must cover.
var warmupMetrics = []struct {
	name string
	f    func(sim.Metrics) float64
}{
	{"results", func(m sim.Metrics) float64 { return m.Results }},
	{"partnership_strength", func(m sim.Metrics) float64 { return m.PartnershipStrength }},
	{"cross_org_trust", func(m sim.Metrics) float64 { return m.CrossOrgTrust }},
	{"cross_org_ties", func(m sim.Metrics) float64 { return float64(m.CrossOrgTies) }},
	{"mean_alignment", func(m sim.Metrics) float64 { return m.MeanAlignment }},
}

// TestWarmupConverges checks the default warm-up against its criterion
// (docs/MODEL.md §3, "Warm-up"). The default initiative, started cold (no
// warm-up), runs 20 years for 40 seeds. For each metric of warmupMetrics
// the plateau is the mean over seeds and over years 10–20. A metric has
// settled at the start of the first year whose mean is within 2.5% of
// its plateau (the transient rises steadily; after it, yearly means of
// 40 seeds scatter by about ±3% for partnership strength, the noisiest).
// The warm-up must end no earlier than the week by which every metric has
// settled, and no later than a year after it. The MSER truncation points of the same
// series (White 1997, in 4-week batches, one convening cycle) are logged
// as a second opinion.
func TestWarmupConverges(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("40 twenty-year runs; nothing for the race detector to find")
	}
	const seeds, years, tol = 40, 20, 0.025
	p := sim.Default()
	p.Warmup, p.Horizon = 0, 52*years
	mean := make([][]float64, len(warmupMetrics))
	for k := range mean {
		mean[k] = make([]float64, p.Horizon)
	}
	for seed := range seeds {
		for w, m := range series(t, p, uint64(seed+1)) {
			for k, wm := range warmupMetrics {
				mean[k][w] += wm.f(m) / seeds
			}
		}
	}
	settled := 0 // first week from which every metric stays near its plateau
	for k, wm := range warmupMetrics {
		yearly := batchMeans(mean[k], 52)
		plateau := 0.0
		for _, v := range yearly[10:] {
			plateau += v / float64(len(yearly[10:]))
		}
		first := 0
		for first < len(yearly) && math.Abs(yearly[first]-plateau) > tol*plateau {
			first++
		}
		t.Logf("%s: plateau %.4g; yearly means %.4g; first within %.1f%% at week %d; MSER truncation at week %d",
			wm.name, plateau, yearly[:8], 100*tol, 52*first, 4*mser(batchMeans(mean[k], 4)))
		settled = max(settled, 52*first)
	}
	if sim.DefaultWarmup < settled || sim.DefaultWarmup > settled+52 {
		t.Errorf("the default initiative settles at week %d; the default warm-up is %d weeks, want %d to %d", settled, sim.DefaultWarmup, settled, settled+52)
	}
}
