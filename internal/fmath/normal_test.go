package fmath

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestNormalAgainstGonum compares Erfc with the standard library's and
// NormalCDF and NormalQuantile with gonum's standard normal, over the
// arguments where their values are normal numbers.
func TestNormalAgainstGonum(t *testing.T) {
	rel := func(got, want float64) float64 {
		if got == want {
			return 0
		}
		return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
	}
	worst := 0.0
	for x := -6.0; x < 26; x += 0.0007 {
		if r := rel(Erfc(x), math.Erfc(x)); r > worst {
			worst = r
		}
	}
	if worst > 1e-13 {
		t.Errorf("Erfc: %g relative from math.Erfc", worst)
	}
	worst = 0
	for x := -37.0; x < 8; x += 0.0011 {
		if r := rel(NormalCDF(x), distuv.UnitNormal.CDF(x)); r > worst {
			worst = r
		}
	}
	if worst > 1e-12 {
		t.Errorf("NormalCDF: %g relative from gonum", worst)
	}
	worst = 0
	check := func(p float64) {
		got, want := NormalQuantile(p), distuv.UnitNormal.Quantile(p)
		if d := math.Abs(got-want) / math.Max(1, math.Abs(want)); d > worst {
			worst = d
		}
	}
	for e := -290.0; e < -1; e += 0.37 {
		check(math.Pow(10, e))
	}
	for p := 0.0001; p < 1; p += 0.00013 {
		check(p)
	}
	for e := -15.0; e < -1; e += 0.1 {
		check(1 - math.Pow(10, e))
	}
	if worst > 1e-13 {
		t.Errorf("NormalQuantile: %g from gonum", worst)
	}
	for _, tc := range []struct{ p, want float64 }{
		{0, math.Inf(-1)}, {1, math.Inf(1)}, {0.5, 0}, {0.75, 0.6744897501960817}, {0.975, 1.959963984540054},
	} {
		if got := NormalQuantile(tc.p); math.Abs(got-tc.want) > 1e-14 && got != tc.want {
			t.Errorf("NormalQuantile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if got := NormalQuantile(p); !math.IsNaN(got) {
			t.Errorf("NormalQuantile(%v) = %v, want NaN", p, got)
		}
	}
	if Erfc(math.Inf(1)) != 0 || Erfc(math.Inf(-1)) != 2 || !math.IsNaN(Erfc(math.NaN())) {
		t.Error("Erfc at ±Inf or NaN")
	}
}

// normalBits is the FNV-1a hash of TestNormalSameBitsEverywhere's
// results, recorded on amd64; CI runs this test's arm64 build under
// emulation (.ci/run), where it must give the same hash.
const normalBits = 0x71914f593425d577

// TestNormalSameBitsEverywhere hashes Erfc, NormalCDF and NormalQuantile
// at 30,000 arguments each, tails included: the hash is the same on every
// architecture.
func TestNormalSameBitsEverywhere(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	got := bitsHash(func(put func(float64)) {
		for k := range 30_000 {
			x := (r.Float64() - 0.2) * []float64{3, 10, 34}[k%3]
			put(Erfc(x))
			put(NormalCDF(-x))
			p := r.Float64()
			if k%3 == 0 {
				p = math.Ldexp(p, -r.IntN(990)) // exact on every architecture, unlike math.Pow
			}
			put(NormalQuantile(p))
		}
	})
	if got != normalBits {
		t.Errorf("hash %#x, want %#x: the results differ from those recorded on amd64", got, uint64(normalBits))
	}
}
