package sensitivity

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ishigami is f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1 on [−π, π]³ with
// a = 7, b = 0.1 (Ishigami and Homma 1990). Its indices are known in
// closed form (Sobol' and Levitan 1999):
// V1 = b π⁴/5 + b² π⁸/50 + 1/2, V2 = a²/8, V13 = b² π⁸ (1/18 − 1/50),
// V = a²/8 + b π⁴/5 + b² π⁸/18 + 1/2.
func ishigami(x []float64) float64 {
	const a, b = 7, 0.1
	return math.Sin(x[0]) + a*math.Pow(math.Sin(x[1]), 2) + b*math.Pow(x[2], 4)*math.Sin(x[0])
}

func ishigamiIndices() (s1, st []float64) {
	const a, b = 7.0, 0.1
	pi4 := math.Pow(math.Pi, 4)
	pi8 := pi4 * pi4
	v1 := b*pi4/5 + b*b*pi8/50 + 0.5
	v2 := a * a / 8
	v13 := b * b * pi8 * (1.0/18 - 1.0/50)
	v := v1 + v2 + v13
	return []float64{v1 / v, v2 / v, 0}, []float64{(v1 + v13) / v, v2 / v, v13 / v}
}

// gFunction is Sobol's G function Π (|4x_i − 2| + a_i)/(1 + a_i) on the
// unit cube: parameter i's partial variance is V_i = 1/(3(1+a_i)²), so a
// small a_i makes it important and a large one nearly inert.
func gFunction(a []float64) func([]float64) float64 {
	return func(x []float64) float64 {
		g := 1.0
		for i, ai := range a {
			g *= (math.Abs(4*x[i]-2) + ai) / (1 + ai)
		}
		return g
	}
}

func gIndices(a []float64) (s1, st []float64) {
	vi := make([]float64, len(a))
	prod := 1.0
	for i, ai := range a {
		vi[i] = 1 / (3 * (1 + ai) * (1 + ai))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	for i := range a {
		s1 = append(s1, vi[i]/v)
		st = append(st, vi[i]*prod/(1+vi[i])/v)
	}
	return s1, st
}

func params(k int, dist Distribution) []Parameter {
	ps := make([]Parameter, k)
	for i := range ps {
		ps[i] = Parameter{Name: string(rune('a' + i)), Dist: dist}
	}
	return ps
}

// evaluate runs f on every row of the design, as a batch runs the model
// on every design point, and analyses the outputs.
func evaluate(t *testing.T, spec Spec, f func([]float64) float64, seed uint64, boot int) []Index {
	t.Helper()
	d, err := NewDesign(spec, rand.NewPCG(seed, 1))
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(d.Values))
	for i, x := range d.Values {
		y[i] = f(x)
	}
	ix, err := d.Analyze(y, boot, rand.NewPCG(seed, 2))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestSobolIndicesAnalytic estimates the Sobol' indices of the Ishigami
// and G functions from Saltelli designs of N = 4096 base samples (20,480
// and 40,960 rows) and checks every first-order and total index against
// its analytic value: within 0.03, and inside its bootstrap 95% interval
// (500 resamples). At this N the estimators' standard errors are about
// 0.01, so 0.03 is three of them.
func TestSobolIndicesAnalytic(t *testing.T) {
	is1, ist := ishigamiIndices()
	ga := []float64{0, 1, 4.5, 9, 99, 99, 99, 99}
	gs1, gst := gIndices(ga)
	for _, tc := range []struct {
		name    string
		k       int
		dist    Distribution
		f       func([]float64) float64
		s1, st  []float64
		seed    uint64
		second  bool
		s2pairs map[[2]int]float64
	}{
		{"ishigami", 3, Uniform{-math.Pi, math.Pi}, ishigami, is1, ist, 1, true,
			map[[2]int]float64{{0, 1}: 0, {0, 2}: ist[2], {1, 2}: 0}},
		{"G", len(ga), Uniform{0, 1}, gFunction(ga), gs1, gst, 2, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := Spec{Method: SobolMethod, Params: params(tc.k, tc.dist), Size: 4096, SecondOrder: tc.second}
			ix := evaluate(t, spec, tc.f, tc.seed, 500)
			for _, x := range ix {
				var want float64
				j := int(x.Param[0] - 'a')
				switch x.Measure {
				case FirstOrder:
					want = tc.s1[j]
				case Total:
					want = tc.st[j]
				case SecondOrder:
					want = tc.s2pairs[[2]int{j, int(x.With[0] - 'a')}]
				}
				if math.Abs(x.Value-want) > 0.03 {
					t.Errorf("%s %s%s = %.4f, want %.4f ± 0.03", x.Measure, x.Param, x.With, x.Value, want)
				}
				if x.Measure != SecondOrder && !(x.Low <= want && want <= x.High) {
					t.Errorf("%s %s: 95%% interval [%.4f, %.4f] misses %.4f", x.Measure, x.Param, x.Low, x.High, want)
				}
			}
		})
	}
}

// TestMorrisRanksInert runs Morris (r = 40 trajectories, p = 4 levels)
// on a G function whose last two parameters have a = 99 (each explains
// under 0.1% of the variance) and checks that μ* ranks them below the
// three that matter, in the order of their a.
func TestMorrisRanksInert(t *testing.T) {
	a := []float64{0, 1, 4.5, 99, 99}
	spec := Spec{Method: Morris, Params: params(len(a), Uniform{0, 1}), Size: 40, Levels: 4}
	ix := evaluate(t, spec, gFunction(a), 3, 0)
	star := map[string]float64{}
	for _, x := range ix {
		if x.Measure == MuStar {
			star[x.Param] = x.Value
		}
	}
	for _, inert := range []string{"d", "e"} {
		for _, live := range []string{"a", "b", "c"} {
			if star[inert] >= star[live] {
				t.Errorf("μ*(%s) = %.4f is not below μ*(%s) = %.4f", inert, star[inert], live, star[live])
			}
		}
	}
	if star["a"] <= star["b"] || star["b"] <= star["c"] {
		t.Errorf("μ* = %v, want a > b > c", star)
	}
}

// TestRankCorrelation checks the Latin hypercube's rank correlations on
// y = x1 − 0.5·x2 (x3 inert), 2000 points: Spearman's ρ of x1 near
// +0.89, of x2 near −0.45, of x3 near 0 (analytic values of a linear
// model with uniform inputs are close to the Pearson ones 1/√1.25 and
// −0.5/√1.25; tolerance 0.05).
func TestRankCorrelation(t *testing.T) {
	spec := Spec{Method: LatinHypercube, Params: params(3, Uniform{0, 1}), Size: 2000}
	ix := evaluate(t, spec, func(x []float64) float64 { return x[0] - 0.5*x[1] }, 4, 0)
	want := []float64{1 / math.Sqrt(1.25), -0.5 / math.Sqrt(1.25), 0}
	for j, x := range ix {
		if math.Abs(x.Value-want[j]) > 0.05 {
			t.Errorf("ρ(%s) = %.3f, want %.3f ± 0.05", x.Param, x.Value, want[j])
		}
	}
}

// TestNoiseShare draws outputs with a known split: row effects with
// variance 3 and replicate noise with variance 1 (200 rows × 50
// replicates), so the noise share is near 1/4 (tolerance 0.03).
func TestNoiseShare(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	y := make([][]float64, 200)
	for i := range y {
		effect := r.NormFloat64() * math.Sqrt(3)
		for range 50 {
			y[i] = append(y[i], effect+r.NormFloat64())
		}
	}
	if got := NoiseShare(y); math.Abs(got-0.25) > 0.03 {
		t.Errorf("noise share %.3f, want 0.25 ± 0.03", got)
	}
	if got := NoiseShare([][]float64{{2, 2}, {2, 2}}); got != 0 {
		t.Errorf("noise share of constant outputs %v, want 0", got)
	}
	if got := NoiseShare([][]float64{{1, 3}, {1, 3}}); got != 1 {
		t.Errorf("noise share of pure noise %v, want 1", got)
	}
}
