package sensitivity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trustsim/trustsim/internal/fmath"
)

// A Distribution maps a point u of the unit interval [0, 1] to a value of
// a parameter: its quantile function. A design draws u; the distribution
// gives it meaning.
type Distribution interface {
	// Quantile returns the value at cumulative probability u in [0, 1].
	Quantile(u float64) float64
	// Validate reports a distribution whose parameters make no sense.
	Validate() error
	// String describes the distribution, e.g. "uniform(0.01, 0.05)".
	String() string
}

// Uniform is the uniform distribution on [Min, Max].
type Uniform struct{ Min, Max float64 }

// Quantile implements Distribution.
func (d Uniform) Quantile(u float64) float64 { return d.Min + float64(u*(d.Max-d.Min)) }

// Validate implements Distribution.
func (d Uniform) Validate() error { return interval(d.Min, d.Max) }

func (d Uniform) String() string { return fmt.Sprintf("uniform(%g, %g)", d.Min, d.Max) }

// LogUniform is the distribution whose logarithm is uniform on
// [log Min, log Max]: every factor of ten in the range is as likely. Min
// must be positive.
type LogUniform struct{ Min, Max float64 }

// Quantile implements Distribution.
func (d LogUniform) Quantile(u float64) float64 {
	switch u {
	case 0:
		return d.Min
	case 1:
		return d.Max
	}
	// fmath, not math, and the product rounded: the same bits on every
	// architecture (docs/PERFORMANCE.md, "Determinism across machines").
	lo, hi := fmath.Log(d.Min), fmath.Log(d.Max)
	return fmath.Exp(lo + float64(u*(hi-lo)))
}

// Validate implements Distribution.
func (d LogUniform) Validate() error {
	if err := interval(d.Min, d.Max); err != nil {
		return err
	}
	if d.Min <= 0 {
		return fmt.Errorf("min %g is not positive, which a log-uniform distribution needs", d.Min)
	}
	return nil
}

func (d LogUniform) String() string { return fmt.Sprintf("loguniform(%g, %g)", d.Min, d.Max) }

// Triangular is the triangular distribution on [Min, Max] with its peak
// at Mode.
type Triangular struct{ Min, Mode, Max float64 }

// Quantile implements Distribution. gonum's quantile is a square root
// (correctly rounded everywhere) of products, with no sum of a product
// that arm64 could fuse, so it gives the same bits on every architecture.
func (d Triangular) Quantile(u float64) float64 {
	return distuv.NewTriangle(d.Min, d.Max, d.Mode, nil).Quantile(u)
}

// Validate implements Distribution.
func (d Triangular) Validate() error {
	if err := interval(d.Min, d.Max); err != nil {
		return err
	}
	if !(d.Mode >= d.Min && d.Mode <= d.Max) {
		return fmt.Errorf("mode %g is outside [%g, %g]", d.Mode, d.Min, d.Max)
	}
	return nil
}

func (d Triangular) String() string {
	return fmt.Sprintf("triangular(%g, %g, %g)", d.Min, d.Mode, d.Max)
}

// TruncNormal is the normal distribution with mean Mean and standard
// deviation SD, truncated to [Min, Max].
type TruncNormal struct{ Mean, SD, Min, Max float64 }

// Quantile implements Distribution: the normal quantile of u rescaled to
// the truncated range of cumulative probability. The normal's functions
// are fmath's, which give the same bits on every architecture (the
// standard library's erf, which gonum's normal uses, does not).
func (d TruncNormal) Quantile(u float64) float64 {
	lo, hi := d.cdf(d.Min), d.cdf(d.Max)
	x := d.Mean + float64(d.SD*fmath.NormalQuantile(lo+float64(u*(hi-lo))))
	return min(max(x, d.Min), d.Max)
}

// cdf is the distribution function of the normal before truncation.
func (d TruncNormal) cdf(x float64) float64 { return fmath.NormalCDF((x - d.Mean) / d.SD) }

// Validate implements Distribution.
func (d TruncNormal) Validate() error {
	if err := interval(d.Min, d.Max); err != nil {
		return err
	}
	if !(d.SD > 0) || math.IsInf(d.SD, 0) || math.IsNaN(d.Mean) || math.IsInf(d.Mean, 0) {
		return fmt.Errorf("sd %g is not a positive number or mean %g is not finite", d.SD, d.Mean)
	}
	if !(d.cdf(d.Max)-d.cdf(d.Min) > 1e-12) {
		return fmt.Errorf("[%g, %g] holds almost none of normal(%g, %g)", d.Min, d.Max, d.Mean, d.SD)
	}
	return nil
}

func (d TruncNormal) String() string {
	return fmt.Sprintf("normal(%g, %g) truncated to [%g, %g]", d.Mean, d.SD, d.Min, d.Max)
}

// Choice is the discrete uniform distribution over the indices 0 … N−1
// of N choices: the caller maps the index to the choice.
type Choice struct{ N int }

// Quantile implements Distribution: the index ⌊u·N⌋, N−1 at u = 1.
func (d Choice) Quantile(u float64) float64 {
	return float64(min(int(u*float64(d.N)), d.N-1))
}

// Validate implements Distribution.
func (d Choice) Validate() error {
	if d.N < 1 {
		return fmt.Errorf("%d choices; want at least one", d.N)
	}
	return nil
}

func (d Choice) String() string { return fmt.Sprintf("choice of %d", d.N) }

func interval(lo, hi float64) error {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(lo < hi) {
		return fmt.Errorf("[%g, %g] is not a range: want finite min < max", lo, hi)
	}
	return nil
}
