package sensitivity

import (
	"math"
	"testing"
)

// TestSobolFirstPoints compares the first points of the sequence with the
// published ones: the first ten three-dimensional points that Joe and
// Kuo's reference generator (sobol.cc, with new-joe-kuo-6.21201) prints.
func TestSobolFirstPoints(t *testing.T) {
	want := [][]float64{
		{0, 0, 0},
		{0.5, 0.5, 0.5},
		{0.75, 0.25, 0.25},
		{0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625},
		{0.875, 0.875, 0.125},
		{0.625, 0.125, 0.875},
		{0.125, 0.625, 0.375},
		{0.1875, 0.3125, 0.9375},
		{0.6875, 0.8125, 0.4375},
	}
	s, err := NewSobol(3)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 3)
	for i, w := range want {
		s.Next(got)
		for j := range w {
			if got[j] != w[j] {
				t.Fatalf("point %d = %v, want %v", i, got, w)
			}
		}
	}
}

// TestSobolNets checks the defining property of a Sobol' sequence in
// every embedded dimension and in every pair of the first dimensions:
// each block of 2^m points starting at a multiple of 2^m puts exactly one
// point in each interval [i/2^m, (i+1)/2^m) of a coordinate, and for
// dimensions 1 and 2 (a (0, m, 2)-net) one in each of the 2^m squares
// 2^-a × 2^-(m−a). Wrong direction numbers break it.
func TestSobolNets(t *testing.T) {
	const m = 10
	n := 1 << m
	s, err := NewSobol(MaxSobolDim)
	if err != nil {
		t.Fatal(err)
	}
	pts := make([][]float64, 2*n)
	for i := range pts {
		pts[i] = make([]float64, MaxSobolDim)
		s.Next(pts[i])
	}
	for j := range MaxSobolDim {
		for block := range 2 {
			seen := make([]bool, n)
			for _, p := range pts[block*n : (block+1)*n] {
				seen[int(p[j]*float64(n))] = true
			}
			for i, ok := range seen {
				if !ok {
					t.Fatalf("dimension %d, block %d: no point in [%d/%d, %d/%d)", j+1, block, i, n, i+1, n)
				}
			}
		}
	}
	for a := 0; a <= m; a++ {
		seen := map[[2]int]bool{}
		for _, p := range pts[:n] {
			seen[[2]int{int(math.Ldexp(p[0], a)), int(math.Ldexp(p[1], m-a))}] = true
		}
		if len(seen) != n {
			t.Errorf("dimensions 1 and 2: %d of %d boxes 2^-%d × 2^-%d hold a point", len(seen), n, a, m-a)
		}
	}
}

func TestSobolDims(t *testing.T) {
	for _, d := range []int{0, MaxSobolDim + 1} {
		if _, err := NewSobol(d); err == nil {
			t.Errorf("NewSobol(%d) gave no error", d)
		}
	}
}
