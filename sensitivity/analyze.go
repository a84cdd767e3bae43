package sensitivity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// The measures an Index reports.
const (
	// FirstOrder is the first-order Sobol' index S_i: the share of the
	// output's variance that parameter i explains on its own.
	FirstOrder = "S1"
	// Total is the total Sobol' index ST_i: the share that involves
	// parameter i, alone or in interaction with others.
	Total = "ST"
	// SecondOrder is the second-order Sobol' index S_ij: the share due to
	// the interaction of parameters i and j alone.
	SecondOrder = "S2"
	// MuStar is Morris's μ*, the mean absolute elementary effect: how
	// much the parameter moves the output.
	MuStar = "mu_star"
	// Mu is Morris's μ, the mean elementary effect: its sign says the
	// direction, and |μ| < μ* says the direction changes across the space.
	Mu = "mu"
	// Sigma is Morris's σ, the standard deviation of the elementary
	// effects: interaction or nonlinearity.
	Sigma = "sigma"
	// RankCorrelation is Spearman's rank correlation between a parameter
	// and the output over a Monte Carlo or Latin hypercube design.
	RankCorrelation = "rank_correlation"
)

// Index is one estimate of one measure for one parameter (or pair).
type Index struct {
	// Measure is one of FirstOrder, Total, SecondOrder, MuStar, Mu,
	// Sigma, RankCorrelation.
	Measure string
	// Param is the parameter's name; With the second parameter's name of
	// a SecondOrder index, "" otherwise.
	Param, With string
	// Value is the estimate; Low and High bound its percentile-bootstrap
	// 95% interval (NaN when the analysis made no bootstrap).
	Value, Low, High float64
}

// Analyze estimates the measures of the design's method from y, one
// output per row of the design (for a stochastic model, the mean over
// replicates of the row). It resamples the design's units (base samples,
// trajectories or points) boot times with replacement, drawing from src,
// for the 95% intervals; boot = 0 makes none.
//
// Sobol designs give FirstOrder (Saltelli et al. 2010, eq. (b) of table
// 2), Total (Jansen 1999) and, with Spec.SecondOrder, SecondOrder
// (Saltelli 2002) indices, for every parameter in Spec order, pairs in
// order i < j. Morris designs give MuStar, Mu and Sigma in unit-cube
// terms (the output's change per step Δ of the parameter's quantile).
// MonteCarlo and LatinHypercube designs give RankCorrelation.
func (d *Design) Analyze(y []float64, boot int, src rand.Source) ([]Index, error) {
	if len(y) != len(d.Unit) {
		return nil, fmt.Errorf("sensitivity: %d outputs for a design of %d rows", len(y), len(d.Unit))
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sensitivity: output of row %d is %g", i, v)
		}
	}
	var units int
	var estimate func(units []int) []Index
	switch d.Spec.Method {
	case SobolMethod:
		units, estimate = d.Spec.Size, d.sobolIndices(y)
	case Morris:
		units, estimate = d.Spec.Size, d.morrisEffects(y)
	default:
		units, estimate = len(y), d.rankCorrelations(y)
	}
	all := make([]int, units)
	for i := range all {
		all[i] = i
	}
	out := estimate(all)
	for i := range out {
		out[i].Low, out[i].High = math.NaN(), math.NaN()
	}
	if boot <= 0 {
		return out, nil
	}
	r := rand.New(src)
	draws := make([][]float64, len(out))
	pick := make([]int, units)
	for range boot {
		for i := range pick {
			pick[i] = r.IntN(units)
		}
		for i, ix := range estimate(pick) {
			draws[i] = append(draws[i], ix.Value)
		}
	}
	for i, ds := range draws {
		slices.Sort(ds)
		out[i].Low = stat.Quantile(0.025, stat.Empirical, ds, nil)
		out[i].High = stat.Quantile(0.975, stat.Empirical, ds, nil)
	}
	return out, nil
}

// sobolIndices returns the estimator of the Sobol' indices over a subset
// (with repeats) of the base samples. The outputs are centred on their
// overall mean first, which leaves the indices' expectations alone and
// lowers the variance of the first-order estimator.
func (d *Design) sobolIndices(y []float64) func([]int) []Index {
	k := len(d.Spec.Params)
	stride := k + 2
	if d.Spec.SecondOrder {
		stride = 2*k + 2
	}
	mean := stat.Mean(y, nil)
	c := make([]float64, len(y))
	for i, v := range y {
		c[i] = v - mean
	}
	fa := func(n int) float64 { return c[n*stride] }
	fb := func(n int) float64 { return c[n*stride+stride-1] }
	fab := func(n, i int) float64 { return c[n*stride+1+i] }
	fba := func(n, i int) float64 { return c[n*stride+1+k+i] }
	return func(units []int) []Index {
		ab := make([]float64, 0, 2*len(units))
		for _, n := range units {
			ab = append(ab, fa(n), fb(n))
		}
		v := stat.PopVariance(ab, nil)
		m := float64(len(units))
		s1 := make([]float64, k)
		out := make([]Index, 0, 2*k)
		for i := range k {
			var first, total float64
			for _, n := range units {
				first += float64(fb(n) * (fab(n, i) - fa(n)))
				e := fa(n) - fab(n, i)
				total += float64(e * e)
			}
			s1[i] = first / m / v
			out = append(out,
				Index{Measure: FirstOrder, Param: d.Spec.Params[i].Name, Value: s1[i]},
				Index{Measure: Total, Param: d.Spec.Params[i].Name, Value: total / (2 * m) / v})
		}
		if d.Spec.SecondOrder {
			for i := range k {
				for j := i + 1; j < k; j++ {
					var vij float64
					for _, n := range units {
						vij += float64(fba(n, i)*fab(n, j)) - float64(fa(n)*fb(n))
					}
					out = append(out, Index{Measure: SecondOrder, Param: d.Spec.Params[i].Name, With: d.Spec.Params[j].Name,
						Value: vij/m/v - s1[i] - s1[j]})
				}
			}
		}
		if v == 0 {
			for i := range out {
				out[i].Value = 0
			}
		}
		return out
	}
}

// morrisEffects returns the estimator of μ*, μ and σ over a subset (with
// repeats) of the trajectories.
func (d *Design) morrisEffects(y []float64) func([]int) []Index {
	k := len(d.Spec.Params)
	p := d.Spec.Levels
	delta := float64(p) / (2 * float64(p-1))
	// ee[t][j] is the elementary effect of parameter j in trajectory t.
	ee := make([][]float64, d.Spec.Size)
	for t := range ee {
		ee[t] = make([]float64, k)
		for s := 1; s <= k; s++ {
			row := t*(k+1) + s
			mv := d.morris[row]
			ee[t][mv.param] = (y[row] - y[row-1]) / (mv.sign * delta)
		}
	}
	return func(units []int) []Index {
		out := make([]Index, 0, 3*k)
		e := make([]float64, len(units))
		a := make([]float64, len(units))
		for j := range k {
			for i, t := range units {
				e[i] = ee[t][j]
				a[i] = math.Abs(e[i])
			}
			mu, sd := stat.MeanStdDev(e, nil)
			name := d.Spec.Params[j].Name
			out = append(out,
				Index{Measure: MuStar, Param: name, Value: stat.Mean(a, nil)},
				Index{Measure: Mu, Param: name, Value: mu},
				Index{Measure: Sigma, Param: name, Value: sd})
		}
		return out
	}
}

// rankCorrelations returns the estimator of Spearman's rank correlation
// of each parameter with the output over a subset (with repeats) of the
// rows. Ties share the mean of their ranks.
func (d *Design) rankCorrelations(y []float64) func([]int) []Index {
	k := len(d.Spec.Params)
	return func(units []int) []Index {
		ys := make([]float64, len(units))
		xs := make([]float64, len(units))
		for i, r := range units {
			ys[i] = y[r]
		}
		ry := ranks(ys)
		out := make([]Index, k)
		for j := range k {
			for i, r := range units {
				xs[i] = d.Values[r][j]
			}
			c := stat.Correlation(ranks(xs), ry, nil)
			if math.IsNaN(c) { // a constant column: no association
				c = 0
			}
			out[j] = Index{Measure: RankCorrelation, Param: d.Spec.Params[j].Name, Value: c}
		}
		return out
	}
}

// ranks returns the ranks (1-based) of x, ties sharing their mean rank.
func ranks(x []float64) []float64 {
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for i := 0; i < len(order); {
		j := i
		for j+1 < len(order) && x[order[j+1]] == x[order[i]] {
			j++
		}
		mean := float64(float64(i+j)/2) + 1
		for m := i; m <= j; m++ {
			r[order[m]] = mean
		}
		i = j + 1
	}
	return r
}

// NoiseShare returns the share of the variance of the outputs y[row][r]
// (row of the design, replicate r, the same number of replicates per
// row) that lies within rows: the mean over rows of the replicates'
// variance around their row's mean, divided by the variance of all
// outputs around their overall mean (population variances). 0 means the
// replicates agree and the parameters explain everything; 1 means the
// parameters explain nothing. It is 0 when all outputs are equal.
func NoiseShare(y [][]float64) float64 {
	var all []float64
	var within float64
	for _, row := range y {
		all = append(all, row...)
		within += float64(stat.PopVariance(row, nil) * float64(len(row)))
	}
	if len(all) == 0 {
		return 0
	}
	total := stat.PopVariance(all, nil) * float64(len(all))
	if total == 0 {
		return 0
	}
	return math.Min(within/total, 1)
}
