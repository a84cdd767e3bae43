package fmath

import "math"

// erfcSeriesBelow is where Erfc changes from 1 − erf by its series to the
// continued fraction; erfcTerms is the depth of the fraction.
const (
	erfcSeriesBelow = 1.5
	erfcTerms       = 80
)

// Erfc returns the complementary error function 1 − erf(x), within about
// 1e-13 relative of the standard library's for the arguments where it is
// not subnormal (TestNormalAgainstGonum), with the same bits on every
// architecture. For |x| < 1.5 it is 1 − erf(x), erf from the series
// erf(x) = (2/√π)·e^(−x²)·Σ x(2x²)^n/(1·3·…·(2n+1)) of positive terms
// (Abramowitz and Stegun 7.1.6); above, the continued fraction
// erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))) (7.1.14),
// evaluated backwards from a fixed depth; erfc(−x) = 2 − erfc(x).
func Erfc(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x < 0:
		return 2 - Erfc(-x)
	case x < erfcSeriesBelow:
		term, sum := x, x
		x2 := 2 * x * x
		for n := 1; term > float64(sum*0x1p-56) && n < 200; n++ {
			term = term * x2 / float64(2*n+1)
			sum += term
		}
		return 1 - float64(float64(2/math.SqrtPi*Exp(-x*x))*sum)
	case x > 27.3: // e^(−x²) is below the smallest subnormal
		return 0
	}
	t := x
	for k := erfcTerms; k >= 1; k-- {
		t = x + float64(k)/2/t
	}
	return Exp(-x*x) / math.SqrtPi / t
}

// NormalCDF returns the standard normal distribution function
// Φ(x) = erfc(−x/√2)/2, accurate relative to Φ in the lower tail.
// The halving, a multiplication by 1/2 to the compiler, is rounded on its
// own, so that a caller's sum is not fused with it.
func NormalCDF(x float64) float64 { return float64(Erfc(-x/math.Sqrt2) / 2) }

// sqrt2Pi is √(2π).
const sqrt2Pi = 2.50662827463100050241576528481104525300698674060994

// NormalQuantile returns Φ⁻¹(p), the standard normal quantile, with the
// same bits on every architecture: for q = min(p, 1 − p) a start from
// Abramowitz and Stegun 26.2.23 (error below 4.5e-4), then three of
// Halley's steps on NormalCDF, which leave it within about 1e-13 of the
// standard library's (TestNormalAgainstGonum); Φ⁻¹(1 − q) = −Φ⁻¹(q).
// It is −Inf at 0, +Inf at 1 and NaN outside [0, 1].
func NormalQuantile(p float64) float64 {
	switch {
	case !(p >= 0 && p <= 1):
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p == 0.5:
		return 0
	}
	q := p
	if p > 0.5 {
		q = 1 - p // exact for p ≥ 1/2
	}
	t := math.Sqrt(-2 * Log(q))
	num := 2.515517 + float64(t*(0.802853+float64(t*0.010328)))
	den := 1 + float64(t*(1.432788+float64(t*(0.189269+float64(t*0.001308)))))
	z := num/den - t
	// Below −37, e^(z²/2) overflows; q is then under 1e-299 and the start
	// stands.
	if z > -37 {
		for range 3 {
			e := NormalCDF(z) - q
			u := float64(e*sqrt2Pi) * Exp(float64(z*z)/2)
			z -= u / (1 + float64(float64(z*u)/2))
		}
	}
	if p > 0.5 {
		return -z
	}
	return z
}
