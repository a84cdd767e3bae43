package output

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// welford accumulates the mean and the sum of squared deviations of a
// stream of values in one pass (Welford 1962), so aggregates need memory
// per statistic, never per run.
type welford struct {
	n    int
	mean float64
	m2   float64
}

// add adds one observation.
func (w *welford) add(x float64) {
	w.n++
	d := x - w.mean
	w.mean += d / float64(w.n)
	w.m2 += float64(d * (x - w.mean)) // rounded: never a fused multiply-add (internal/fmath)
}

// summary is the description of a sample that aggregate.csv holds. SD,
// Lo and Hi are NaN when N < 2: the spread of one value is undefined.
type summary struct {
	N      int
	Mean   float64
	SD     float64
	Lo, Hi float64
}

// hasCI reports whether the summary has a confidence interval.
func (s summary) hasCI() bool { return s.N >= 2 && !math.IsNaN(s.Lo) && !math.IsNaN(s.Hi) }

// tTable caches two-sided 95% Student t quantiles by degrees of freedom;
// computing a quantile inverts the incomplete beta function, which is
// too slow to repeat for every point, step and metric.
type tTable struct{ q []float64 }

// quantile returns t_{0.975, df}, the quantile of Student's t
// distribution with df degrees of freedom that leaves 2.5% above it.
func (t *tTable) quantile(df int) float64 {
	for len(t.q) <= df {
		t.q = append(t.q, math.NaN())
	}
	if math.IsNaN(t.q[df]) {
		t.q[df] = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
	}
	return t.q[df]
}

// summarize returns the mean, the sample standard deviation (divisor
// n-1) and the 95% confidence interval of the mean,
// mean ± t_{0.975, n-1}·sd/√n.
func (t *tTable) summarize(w *welford) summary {
	s := summary{N: w.n, Mean: w.mean, SD: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	if w.n == 0 {
		s.Mean = math.NaN()
		return s
	}
	if w.n < 2 {
		return s
	}
	s.SD = math.Sqrt(w.m2 / float64(w.n-1))
	half := t.quantile(w.n-1) * s.SD / math.Sqrt(float64(w.n))
	s.Lo, s.Hi = s.Mean-half, s.Mean+half
	return s
}

// summarizeValues is summarize for a slice of values.
func (t *tTable) summarizeValues(xs []float64) summary {
	var w welford
	for _, x := range xs {
		w.add(x)
	}
	return t.summarize(&w)
}
