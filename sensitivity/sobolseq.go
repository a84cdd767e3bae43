package sensitivity

import "fmt"

// MaxSobolDim is the largest dimension of the Sobol' sequence: the
// direction numbers embedded here cover 32 dimensions, so a Saltelli
// design (which takes two points of the sequence per base sample) has at
// most MaxSobolDim/2 parameters.
const MaxSobolDim = 1 + 31

// sobolBits is the precision of the sequence: points are multiples of
// 2^-32, and at most 2^32 points exist.
const sobolBits = 32

// Sobol generates the Sobol' low-discrepancy sequence in Gray-code order
// (Antonov and Saleev 1979), as Joe and Kuo's reference generator does:
// point 0 is the origin, point n differs from point n−1 in the direction
// number of the lowest zero bit of n−1.
type Sobol struct {
	v [][sobolBits]uint32 // v[j][i]: direction number i+1 of dimension j, scaled by 2^32
	x []uint32            // the current point, scaled by 2^32
	n uint64              // index of the next point
}

// NewSobol returns the sequence in dim dimensions, 1 ≤ dim ≤ MaxSobolDim.
func NewSobol(dim int) (*Sobol, error) {
	if dim < 1 || dim > MaxSobolDim {
		return nil, fmt.Errorf("sensitivity: Sobol' sequence of %d dimensions; want 1 to %d", dim, MaxSobolDim)
	}
	s := &Sobol{v: make([][sobolBits]uint32, dim), x: make([]uint32, dim)}
	for i := range sobolBits {
		s.v[0][i] = 1 << (sobolBits - 1 - i)
	}
	for j := 1; j < dim; j++ {
		row := joeKuo[j-1]
		v := &s.v[j]
		for i := 0; i < row.s && i < sobolBits; i++ {
			v[i] = row.m[i] << (sobolBits - 1 - i)
		}
		for i := row.s; i < sobolBits; i++ {
			v[i] = v[i-row.s] ^ (v[i-row.s] >> row.s)
			for k := 1; k < row.s; k++ {
				v[i] ^= uint32((row.a>>(row.s-1-k))&1) * v[i-k]
			}
		}
	}
	return s, nil
}

// Next writes the next point of the sequence into dst (of length dim) and
// returns its index. The first call gives point 0, the origin.
func (s *Sobol) Next(dst []float64) uint64 {
	n := s.n
	if n > 0 {
		c := 0 // the lowest zero bit of n−1
		for m := n - 1; m&1 == 1; m >>= 1 {
			c++
		}
		if c >= sobolBits {
			panic("sensitivity: more than 2^32 points of the Sobol' sequence")
		}
		for j := range s.x {
			s.x[j] ^= s.v[j][c]
		}
	}
	for j, x := range s.x {
		dst[j] = float64(x) / (1 << sobolBits)
	}
	s.n++
	return n
}
