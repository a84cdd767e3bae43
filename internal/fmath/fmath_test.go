package fmath

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns how many float64 steps apart got and want are.
func ulps(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / (math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want))
}

// TestAgainstMath compares each function with the standard library's over
// random arguments in the ranges the model uses and far beyond: at most 3
// ulps apart (the standard library's own error is up to an ulp).
func TestAgainstMath(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name      string
		got, want func(float64) float64
		arg       func() float64
	}{
		{"Exp", Exp, math.Exp, func() float64 { return (r.Float64() - 0.5) * 1400 }},
		{"Exp small", Exp, math.Exp, func() float64 { return (r.Float64() - 0.5) * 0.2 }},
		{"Expm1", Expm1, math.Expm1, func() float64 { return (r.Float64() - 0.5) * 80 }},
		{"Expm1 small", Expm1, math.Expm1, func() float64 { return (r.Float64() - 0.5) * 2 }},
		{"Expm1 tiny", Expm1, math.Expm1, func() float64 { return (r.Float64() - 0.5) * 1e-6 }},
		{"Log", Log, math.Log, func() float64 { return math.Ldexp(r.Float64()+0.5, r.IntN(2000)-1000) }},
		{"Log near 1", Log, math.Log, func() float64 { return 1 + (r.Float64()-0.5)*0.01 }},
		{"Log1p", Log1p, math.Log1p, func() float64 { return r.Float64()*10 - 0.999 }},
		{"Log1p tiny", Log1p, math.Log1p, func() float64 { return (r.Float64() - 0.5) * 1e-9 }},
	}
	for _, tt := range tests {
		worst, at := 0.0, 0.0
		for range 200_000 {
			x := tt.arg()
			if u := ulps(tt.got(x), tt.want(x)); u > worst {
				worst, at = u, x
			}
		}
		if worst > 3 {
			t.Errorf("%s: %g ulps from math at %v (got %v, math %v)", tt.name, worst, at, tt.got(at), tt.want(at))
		}
	}
}

func TestSpecialValues(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name string
		f    func(float64) float64
		x    float64
		want float64
	}{
		{"Exp(0)", Exp, 0, 1},
		{"Exp(1)", Exp, 1, math.E},
		{"Exp(-Inf)", Exp, -inf, 0},
		{"Exp(+Inf)", Exp, inf, inf},
		{"Exp(800)", Exp, 800, inf},
		{"Exp(-800)", Exp, -800, 0},
		{"Expm1(0)", Expm1, 0, 0},
		{"Expm1(-Inf)", Expm1, -inf, -1},
		{"Expm1(+Inf)", Expm1, inf, inf},
		{"Expm1(1e-300)", Expm1, 1e-300, 1e-300},
		{"Log(1)", Log, 1, 0},
		{"Log(e)", Log, math.E, 1},
		{"Log(0)", Log, 0, -inf},
		{"Log(+Inf)", Log, inf, inf},
		{"Log1p(0)", Log1p, 0, 0},
		{"Log1p(-1)", Log1p, -1, -inf},
		{"Log1p(1e-300)", Log1p, 1e-300, 1e-300},
	}
	for _, tt := range tests {
		if got := tt.f(tt.x); got != tt.want && ulps(got, tt.want) > 1 {
			t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, f := range []func(float64) float64{Exp, Expm1, Log, Log1p} {
		if got := f(nan); !math.IsNaN(got) {
			t.Errorf("f(NaN) = %v", got)
		}
	}
	if !math.IsNaN(Log(-1)) || !math.IsNaN(Log1p(-2)) {
		t.Error("Log(-1) or Log1p(-2) is not NaN")
	}
}

// sameBits is the FNV-1a hash of the results of TestSameBitsEverywhere's
// arguments, recorded on amd64; CI runs this test's arm64 build under
// emulation (.ci/run), where it must give the same hash.
const sameBits = 0xecdcad220bc8e246

// TestSameBitsEverywhere hashes the results of every function for 100,000
// arguments each: the hash is the same on every architecture.
func TestSameBitsEverywhere(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fs := []struct {
		f        func(float64) float64
		positive bool // arguments |x|, for the logarithms
	}{{Exp, false}, {Expm1, false}, {Log, true}, {Log1p, true}}
	got := bitsHash(func(put func(float64)) {
		for _, fn := range fs {
			for k := range 100_000 {
				x := (r.Float64() - 0.5) * []float64{2e-3, 0.2, 2, 60}[k%4]
				if fn.positive {
					x = math.Abs(x)
				}
				put(fn.f(x))
			}
		}
	})
	if got != sameBits {
		t.Errorf("hash %#x, want %#x: the results differ from those recorded on amd64", got, uint64(sameBits))
	}
}

// bitsHash returns the FNV-1a hash of the bits of the values that fill
// passes to put, in order, as little-endian words.
func bitsHash(fill func(put func(float64))) uint64 {
	h := fnv.New64a()
	var b [8]byte
	fill(func(v float64) {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	})
	return h.Sum64()
}

var sink float64

// BenchmarkFunctions compares each function with the standard library's
// on arguments in the model's range (decay factors, trust growth).
func BenchmarkFunctions(b *testing.B) {
	args := make([]float64, 1024)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range args {
		args[i] = -0.2 * r.Float64()
	}
	for _, f := range []struct {
		name string
		f    func(float64) float64
	}{{"Exp", Exp}, {"math.Exp", math.Exp}, {"Expm1", Expm1}, {"math.Expm1", math.Expm1}} {
		b.Run(f.name, func(b *testing.B) {
			s := 0.0
			for i := 0; b.Loop(); i++ {
				s += f.f(args[i&1023])
			}
			sink = s
		})
	}
}
