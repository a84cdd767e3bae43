// Package fmath computes exp, expm1, log and log1p of float64 values, and
// from them erfc and the standard normal's distribution and quantile
// functions (normal.go), to the same bits on every architecture, so that
// a simulation gives the same results on amd64 and arm64
// (docs/PERFORMANCE.md, "Determinism across machines").
//
// The standard library's math.Exp, math.Expm1, math.Log and math.Log1p are
// accurate to an ulp or so, but not the same bits everywhere: amd64 and
// arm64 have assembly versions of some, and on arm64 (ppc64le, s390x) the
// compiler fuses x*y + z into one instruction in the portable ones. Here
// every operation is an IEEE-754 +, −, ×, ÷ or an exact scaling by a power
// of two, each product rounded on its own (an explicit float64
// conversion, which the Go specification says prevents fusion), so the
// results are determined by the arguments alone. They are within 3 ulps
// of the standard library's (TestAgainstMath), not correctly rounded.
package fmath

import (
	"math"
	"math/big"
)

// tableBits is log2 of the number of entries of exp2Table.
const tableBits = 5

// exp2Table holds 2^(j/32), j = 0..31, as hi + lo: hi correctly rounded,
// lo the rest, rounded. Computed with math/big, whose arithmetic is the
// same everywhere, as the fifth square root of 2^j.
var exp2Table = func() (t [1 << tableBits]struct{ hi, lo float64 }) {
	for j := range t {
		x := new(big.Float).SetPrec(256).SetInt64(1 << j)
		for range tableBits {
			x.Sqrt(x)
		}
		t[j].hi, _ = x.Float64()
		t[j].lo, _ = x.Sub(x, big.NewFloat(t[j].hi)).Float64()
	}
	return t
}()

const (
	// ln2Hi + ln2Lo = ln 2; ln2Hi has 32 significant bits, so k·ln2Hi is
	// exact for |k| < 2^21 (the split of fdlibm's e_exp.c).
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	// invLn2N is 32/ln 2.
	invLn2N = (1 << tableBits) / math.Ln2

	// expOver and expUnder bound the arguments of Exp whose result is
	// neither +Inf nor 0.
	expOver  = 7.09782712893383973096e+02
	expUnder = -7.45133219101941108420e+02
)

// roundMagic is 1.5·2^52: adding and then subtracting it rounds a float64
// of magnitude below 2^51 to an integer (to even on a tie).
const roundMagic = 0x1.8p52

// reduce writes x as (m·32 + j)·ln2/32 + r with |r| ≤ about ln2/64 and
// returns m, j and expm1(r), from a polynomial of degree 6 (its error,
// below r^7/7!, is under 2^-60 relative). |x| must be below 2^45.
func reduce(x float64) (m, j int, p float64) {
	k := (float64(x*invLn2N) + roundMagic) - roundMagic
	r := (x - float64(k*(ln2Hi/(1<<tableBits)))) - float64(k*(ln2Lo/(1<<tableBits)))
	ki := int(k)
	m, j = ki>>tableBits, ki&(1<<tableBits-1)
	// expm1(r) = r + r²/2! + … + r⁶/6!, by Horner's rule.
	p = float64(r*(1.0/720)) + 1.0/120
	p = float64(r*p) + 1.0/24
	p = float64(r*p) + 1.0/6
	p = float64(r*p) + 1.0/2
	p = float64(r*p) + 1
	p = float64(r * p)
	return m, j, p
}

// Exp returns e^x.
func Exp(x float64) float64 {
	switch {
	case math.IsNaN(x) || x > expOver:
		return x * math.Inf(1) // NaN or +Inf
	case x < expUnder:
		return 0
	case math.Abs(x) < 0x1p-54:
		return 1 + x
	}
	m, j, p := reduce(x)
	s := exp2Table[j]
	return scale(s.hi+(s.lo+float64(s.hi*p)), m)
}

// scale returns y·2^m: by a multiplication with 2^m where 2^m is a normal
// number, else by math.Ldexp. Both are exact while the result is normal,
// as it is for the y and m that Exp and Expm1 pass (Exp's results below
// the normal range, from x < −708, come through math.Ldexp, which rounds
// them the same way everywhere).
func scale(y float64, m int) float64 {
	if m > -1021 && m < 1023 {
		return y * math.Float64frombits(uint64(m+1023)<<52)
	}
	return math.Ldexp(y, m)
}

// Expm1 returns e^x − 1, accurate also for x near 0.
func Expm1(x float64) float64 {
	switch {
	case math.IsNaN(x) || x > expOver:
		return x * math.Inf(1)
	case x < -40: // e^x below 2^-57: −1 to the last bit
		return -1
	case math.Abs(x) < 0x1p-54:
		return x
	case math.Abs(x) >= math.Ln2:
		return Exp(x) - 1
	}
	// |x| < ln 2, so hi = 2^m·2^(j/32) rounded lies in [1/2, 2] and
	// hi − 1 is exact (Sterbenz); the rest, lo + hi·expm1(r), is small.
	m, j, p := reduce(x)
	hi, lo := scale(exp2Table[j].hi, m), scale(exp2Table[j].lo, m)
	return (hi - 1) + (lo + float64(hi*p))
}

// Log returns the natural logarithm of x.
func Log(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	f, e := math.Frexp(x) // x = f·2^e, f in [1/2, 1)
	if f < math.Sqrt2/2 {
		f, e = 2*f, e-1
	}
	// f in [√2/2, √2): ln f = 2·atanh(s), s = (f−1)/(f+1), |s| < 0.1716,
	// = 2(s + s³/3 + s⁵/5 + …); the terms past s²³/23 are below 2^-60
	// of the sum.
	s := (f - 1) / (f + 1)
	s2 := float64(s * s)
	q := 1.0 / 23
	for n := 21; n >= 3; n -= 2 {
		q = float64(s2*q) + 1/float64(n)
	}
	lf := float64(2 * s * float64(s2*q)) // 2(s³/3 + …)
	k := float64(e)
	return float64(k*ln2Hi) + (float64(2*s) + (lf + float64(k*ln2Lo)))
}

// Log1p returns ln(1 + x), accurate also for x near 0.
func Log1p(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < -1:
		return math.NaN()
	case x == -1:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	u := 1 + x
	if u == 1 {
		return x
	}
	// ln(u)·x/(u−1) corrects for the rounding of 1 + x (Goldberg, "What
	// every computer scientist should know about floating-point
	// arithmetic", theorem 4).
	return Log(u) * (x / (u - 1))
}
