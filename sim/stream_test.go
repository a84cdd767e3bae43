package sim

import (
	"math/rand/v2"
	"testing"
)

// TestStreamMatchesRand checks that every draw of stream is the one
// math/rand/v2's Rand gives over a PCG of the same seed: the model's
// results must not depend on which of the two draws them.
func TestStreamMatchesRand(t *testing.T) {
	bounds := []int{1, 2, 3, 5, 7, 8, 10, 100, 255, 256, 257, 1000, 3000, 9984, 1 << 20, 1<<31 - 1, 1<<62 + 1, 3 << 61}
	for seed := range uint64(20) {
		var s stream
		s.seed(mix(seed), mix(seed+1))
		r := rand.New(rand.NewPCG(mix(seed), mix(seed+1)))
		for k := range 5000 {
			n := bounds[k%len(bounds)]
			var got, want uint64
			switch k % 5 {
			case 0:
				got, want = uint64(s.IntN(n)), uint64(r.IntN(n))
			case 1:
				n32 := int32(min(n, 1<<31-1))
				got, want = uint64(s.Int32N(n32)), uint64(r.Int32N(n32))
			case 2:
				got, want = uint64(s.Uint32()), uint64(r.Uint32())
			case 3:
				f, g := s.Float64(), r.Float64()
				if f != g {
					t.Fatalf("seed %d draw %d: Float64 %v, rand %v", seed, k, f, g)
				}
				continue
			case 4:
				got, want = s.Uint64(), r.Uint64()
			}
			if got != want {
				t.Fatalf("seed %d draw %d (kind %d, n %d): %d, rand %d", seed, k, k%5, n, got, want)
			}
		}
	}
}
