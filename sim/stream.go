package sim

import (
	"math/bits"
	"math/rand/v2"
)

// stream is a PCG random stream and the draws the model takes from it.
// Each draw is the one math/rand/v2's Rand gives over the same PCG on a
// 64-bit machine, bit for bit (TestStreamMatchesRand), but the source is
// held by value and called directly rather than through Rand's Source
// interface, so that a draw costs a PCG step and no call.
type stream struct{ pcg rand.PCG }

// seed reseeds the stream as rand.NewPCG(hi, lo) would.
func (s *stream) seed(hi, lo uint64) { s.pcg.Seed(hi, lo) }

// Uint64 returns a uniform 64-bit value.
func (s *stream) Uint64() uint64 { return s.pcg.Uint64() }

// Uint32 returns a uniform 32-bit value, as rand.Rand.Uint32.
func (s *stream) Uint32() uint32 { return uint32(s.pcg.Uint64() >> 32) }

// Float64 returns a uniform value in [0, 1), as rand.Rand.Float64.
func (s *stream) Float64() float64 { return float64(s.pcg.Uint64()<<11>>11) / (1 << 53) }

// IntN returns a uniform value in [0, n), as rand.Rand.IntN; n must be
// positive.
func (s *stream) IntN(n int) int {
	if n <= 0 {
		panic("sim: stream.IntN of a non-positive bound")
	}
	return int(s.uint64n(uint64(n)))
}

// Int32N returns a uniform value in [0, n), as rand.Rand.Int32N; n must
// be positive.
func (s *stream) Int32N(n int32) int32 {
	if n <= 0 {
		panic("sim: stream.Int32N of a non-positive bound")
	}
	return int32(s.uint64n(uint64(n)))
}

// uint64n is rand.Rand's uint64n on a 64-bit machine: a mask for a power
// of two, else Lemire's multiply-and-reject.
func (s *stream) uint64n(n uint64) uint64 {
	if n&(n-1) == 0 {
		return s.pcg.Uint64() & (n - 1)
	}
	hi, lo := bits.Mul64(s.pcg.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(s.pcg.Uint64(), n)
		}
	}
	return hi
}
