package sensitivity

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestDistributions(t *testing.T) {
	for _, tc := range []struct {
		d       Distribution
		u, want float64
	}{
		{Uniform{2, 4}, 0.25, 2.5},
		{LogUniform{0.01, 1}, 0.5, 0.1},
		{LogUniform{0.01, 1}, 1, 1},
		{Triangular{0, 0, 1}, 0.75, 1 - math.Sqrt(0.25)},
		{Triangular{0, 1, 1}, 0.25, 0.5},
		{TruncNormal{0, 1, -1, 1}, 0.5, 0},
		{TruncNormal{0, 1, 0, 10}, 0, 0},
		{TruncNormal{0, 1, 0, 10}, 0.5, 0.6744897501960817}, // the normal's upper quartile
		{Choice{3}, 0, 0},
		{Choice{3}, 0.5, 1},
		{Choice{3}, 1, 2},
	} {
		if got := tc.d.Quantile(tc.u); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%v.Quantile(%g) = %v, want %v", tc.d, tc.u, got, tc.want)
		}
		if err := tc.d.Validate(); err != nil {
			t.Errorf("%v: %v", tc.d, err)
		}
	}
	for _, d := range []Distribution{Uniform{1, 1}, Uniform{math.NaN(), 1}, LogUniform{0, 1},
		Triangular{0, 2, 1}, TruncNormal{0, 0, 0, 1}, TruncNormal{100, 1, 0, 1}, Choice{0}} {
		if d.Validate() == nil {
			t.Errorf("%v: no error", d)
		}
	}
}

// TestDesigns checks each method's layout: row counts, the unit cube,
// the Latin hypercube's one point per stratum, Saltelli's AB_i rows
// (A with column i from B), Morris's one step of ±Δ per row, and that
// the seed alone fixes the design.
func TestDesigns(t *testing.T) {
	ps := params(3, Uniform{10, 20})
	for _, spec := range []Spec{
		{Method: MonteCarlo, Params: ps, Size: 16},
		{Method: LatinHypercube, Params: ps, Size: 16},
		{Method: SobolMethod, Params: ps, Size: 16},
		{Method: SobolMethod, Params: ps, Size: 16, SecondOrder: true},
		{Method: Morris, Params: ps, Size: 16, Levels: 6},
	} {
		t.Run(string(spec.Method), func(t *testing.T) {
			d, err := NewDesign(spec, rand.NewPCG(7, 7))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Unit) != spec.Rows() || len(d.Values) != spec.Rows() {
				t.Fatalf("%d rows, want %d", len(d.Unit), spec.Rows())
			}
			for i, u := range d.Unit {
				for j, x := range u {
					if x < 0 || x > 1 || d.Values[i][j] != 10+float64(10*x) { // rounded as Uniform rounds it
						t.Fatalf("row %d: unit %v values %v", i, u, d.Values[i])
					}
				}
			}
			again, _ := NewDesign(spec, rand.NewPCG(7, 7))
			other, _ := NewDesign(spec, rand.NewPCG(8, 7))
			if !reflect.DeepEqual(d.Unit, again.Unit) || reflect.DeepEqual(d.Unit, other.Unit) {
				t.Error("the seed does not fix the design")
			}
			switch spec.Method {
			case LatinHypercube:
				for j := range 3 {
					seen := map[int]bool{}
					for _, u := range d.Unit {
						seen[int(u[j]*16)] = true
					}
					if len(seen) != 16 {
						t.Errorf("column %d fills %d of 16 strata", j, len(seen))
					}
				}
			case SobolMethod:
				stride := spec.Rows() / spec.Size
				for n := range spec.Size {
					a, b := d.Unit[n*stride], d.Unit[n*stride+stride-1]
					for i := range 3 {
						want := append([]float64(nil), a...)
						want[i] = b[i]
						if !reflect.DeepEqual(d.Unit[n*stride+1+i], want) {
							t.Fatalf("base sample %d: AB_%d = %v, want %v", n, i, d.Unit[n*stride+1+i], want)
						}
					}
				}
			case Morris:
				delta := 6.0 / 10
				for r := range spec.Size {
					moved := map[int]bool{}
					for s := 1; s <= 3; s++ {
						prev, cur := d.Unit[r*4+s-1], d.Unit[r*4+s]
						changed := 0
						for j := range 3 {
							if prev[j] != cur[j] {
								changed++
								moved[j] = true
								if math.Abs(math.Abs(cur[j]-prev[j])-delta) > 1e-12 {
									t.Fatalf("trajectory %d step %d moves %d by %g, want ±%g", r, s, j, cur[j]-prev[j], delta)
								}
							}
						}
						if changed != 1 {
							t.Fatalf("trajectory %d step %d changes %d parameters", r, s, changed)
						}
					}
					if len(moved) != 3 {
						t.Fatalf("trajectory %d moves %d parameters", r, len(moved))
					}
				}
			}
		})
	}
}

func TestSpecErrors(t *testing.T) {
	ps := params(2, Uniform{0, 1})
	for _, spec := range []Spec{
		{Method: "grid", Params: ps, Size: 4},
		{Method: LatinHypercube, Size: 4},
		{Method: LatinHypercube, Params: ps, Size: 1},
		{Method: Morris, Params: ps, Size: 4, Levels: 3},
		{Method: SobolMethod, Params: params(17, Uniform{0, 1}), Size: 4},
		{Method: LatinHypercube, Params: []Parameter{{"a", Uniform{0, 1}}, {"a", Uniform{0, 1}}}, Size: 4},
		{Method: LatinHypercube, Params: []Parameter{{"a", Uniform{1, 0}}}, Size: 4},
	} {
		if _, err := NewDesign(spec, rand.NewPCG(1, 1)); err == nil {
			t.Errorf("%+v: no error", spec)
		}
	}
	d, _ := NewDesign(Spec{Method: LatinHypercube, Params: ps, Size: 4}, rand.NewPCG(1, 1))
	if _, err := d.Analyze([]float64{1, 2, 3}, 0, nil); err == nil {
		t.Error("Analyze took 3 outputs for 4 rows")
	}
	if _, err := d.Analyze([]float64{1, 2, 3, math.NaN()}, 0, nil); err == nil {
		t.Error("Analyze took a NaN output")
	}
}

// designBits is the FNV-1a hash of TestDesignSameBitsEverywhere's designs,
// recorded on amd64; CI runs this test's arm64 build under emulation
// (.ci/run), where it must give the same hash.
const designBits = 0x15a0bb9419aa1c2b

// TestDesignSameBitsEverywhere hashes the parameter values of a design of
// every method over every kind of distribution: a sampled batch runs the
// same parameters on every architecture.
func TestDesignSameBitsEverywhere(t *testing.T) {
	ps := []Parameter{
		{Name: "u", Dist: Uniform{0.01, 0.3}},
		{Name: "l", Dist: LogUniform{0.001, 2}},
		{Name: "t", Dist: Triangular{0.1, 0.19, 0.35}},
		{Name: "n", Dist: TruncNormal{0.5, 0.2, 0, 1}},
		{Name: "f", Dist: TruncNormal{0, 1, 2.5, 9}}, // far in a tail
		{Name: "c", Dist: Choice{3}},
	}
	h := fnv.New64a()
	var b [8]byte
	for _, spec := range []Spec{
		{Method: MonteCarlo, Params: ps, Size: 64},
		{Method: LatinHypercube, Params: ps, Size: 64},
		{Method: SobolMethod, Params: ps, Size: 64, SecondOrder: true},
		{Method: Morris, Params: ps, Size: 16, Levels: 6},
	} {
		d, err := NewDesign(spec, rand.NewPCG(11, 12))
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range d.Values {
			for _, v := range row {
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
				h.Write(b[:])
			}
		}
	}
	if got := h.Sum64(); got != designBits {
		t.Errorf("hash %#x, want %#x: the designs differ from those recorded on amd64", got, uint64(designBits))
	}
}
