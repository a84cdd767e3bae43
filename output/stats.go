package output

import (
	"math"

	"gonum.org/v1/gonum/mathext"
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

// summarizeIn is summarize with the confidence interval cut to sup, the
// range the values can take (a count is never below 0, a share never
// above 1). The mean of such values lies in sup too, so the cut interval
// contains it whenever the Student t interval does: the coverage is at
// least as high, and no interval claims impossible values.
func (t *tTable) summarizeIn(w *welford, sup support) summary {
	s := t.summarize(w)
	if s.hasCI() {
		s.Lo = math.Min(math.Max(s.Lo, sup.lo), sup.hi)
		s.Hi = math.Max(math.Min(s.Hi, sup.hi), sup.lo)
	}
	return s
}

// summarizeValuesIn is summarizeIn for a slice of values.
func (t *tTable) summarizeValuesIn(xs []float64, sup support) summary {
	var w welford
	for _, x := range xs {
		w.add(x)
	}
	return t.summarizeIn(&w, sup)
}

// z975 is the standard normal quantile that leaves 2.5% above it.
var z975 = mathext.NormalQuantile(0.975) // the unit normal's, without its μ + σ·x

// wilson returns the Wilson score 95% confidence interval of a share
// observed as k of n (Wilson 1927; Newcombe 1998, method 3): the
// interval for a share of runs, which, unlike mean ± 1.96·se, stays
// within [0, 1] and does not collapse to a point at 0 or n. It returns
// NaNs when n is 0.
func wilson(k, n int) (lo, hi float64) {
	if n <= 0 {
		return math.NaN(), math.NaN()
	}
	p, nf, z2 := float64(k)/float64(n), float64(n), z975*z975
	d := 1 + z2/nf
	centre := (p + z2/(2*nf)) / d
	half := z975 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / d
	return math.Max(centre-half, 0), math.Min(centre+half, 1)
}
