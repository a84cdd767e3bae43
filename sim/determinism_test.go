package sim_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// TestSameSeedSameStream compares every value of every step of two runs
// with the same seed, and checks that another seed gives another stream.
func TestSameSeedSameStream(t *testing.T) {
	p := sim.Default()
	p.Policy.HandoffShare = 0.5
	a, b := series(t, p, 42), series(t, p, 42)
	if !reflect.DeepEqual(a, b) {
		for s := range a {
			if a[s] != b[s] {
				t.Fatalf("step %d differs:\n%+v\n%+v", s, a[s], b[s])
			}
		}
	}
	c := series(t, p, 43)
	if reflect.DeepEqual(a, c) {
		t.Fatal("seeds 42 and 43 gave identical streams")
	}
}

// TestConcurrentRunsMatchSequential runs 8 replicates concurrently and
// one by one and requires identical metric streams: runs share no state.
func TestConcurrentRunsMatchSequential(t *testing.T) {
	p := sim.Default()
	p.Horizon = 120
	const n = 8
	seq := make([][]sim.Metrics, n)
	for k := range n {
		seq[k] = series(t, p, sim.RunSeed(9, k))
	}
	par := make([][]sim.Metrics, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() {
			_ = sim.Run(context.Background(), p, sim.RunSeed(9, k), func(m sim.Metrics) error {
				par[k] = append(par[k], m)
				return nil
			})
		})
	}
	wg.Wait()
	for k := range n {
		if !reflect.DeepEqual(seq[k], par[k]) {
			t.Fatalf("replicate %d: concurrent run differs from sequential run", k)
		}
	}
}

// TestRunSeedsDistinct checks that run seeds of a batch differ from each
// other and across base seeds.
func TestRunSeedsDistinct(t *testing.T) {
	seen := map[uint64]string{}
	for base := uint64(0); base < 4; base++ {
		for run := range 1000 {
			s := sim.RunSeed(base, run)
			if prev, dup := seen[s]; dup {
				t.Fatalf("RunSeed(%d, %d) repeats %s", base, run, prev)
			}
			seen[s] = "an earlier run"
		}
	}
}

// TestRunStopsOnCancel checks that a cancelled context stops a run
// between steps with the context's error.
func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	err := sim.Run(ctx, sim.Default(), 1, func(m sim.Metrics) error {
		steps++
		if steps == 5 {
			cancel()
		}
		return nil
	})
	if err != context.Canceled || steps != 5 {
		t.Fatalf("got err %v after %d steps, want context.Canceled after 5", err, steps)
	}
}
