package sim

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"
)

// BenchmarkPhases times each phase of a step (stepPhases) of the city
// initiative of BenchmarkStep, in steady state after 200 weeks, and
// reports the milliseconds each takes per step, so that
//
//	go test ./sim -run '^$' -bench '^BenchmarkPhases$' -benchtime 400x
//
// gives where the time of a step goes without a profiler
// (docs/PERFORMANCE.md). The metrics of a step are in "measure-ms".
func BenchmarkPhases(b *testing.B) { benchPhases(b, scaledCity(60), 200, 1) }

// BenchmarkParallelPhases is BenchmarkPhases for one large run on as many
// workers as GOMAXPROCS, after 26 weeks of warm-up, as
// BenchmarkParallelStep: about 100k people (1M with TRUSTSIM_BENCH_1M=1),
// so that
//
//	go test ./sim -run '^$' -bench ParallelPhases -cpu 1,2 -benchtime 20x
//
// shows which phases gain from more workers and which run alone
// (docs/PERFORMANCE.md, "Parallel step"). The network is still forming
// in these weeks, so the times grow from step to step: compare runs of the
// same -benchtime.
func BenchmarkParallelPhases(b *testing.B) {
	sizes := []int{600}
	if os.Getenv("TRUSTSIM_BENCH_1M") != "" {
		sizes = append(sizes, 6000)
	}
	for _, n := range sizes {
		p := scaledCity(n)
		b.Run(fmt.Sprintf("people=%d", p.People()), func(b *testing.B) {
			benchPhases(b, p, 26, runtime.GOMAXPROCS(0))
		})
	}
}

// benchPhases times the phases of the steps of p that follow warmup
// weeks on the given number of workers, starting a new run (untimed) when
// one reaches its horizon. It loops over b.N, not b.Loop, so that each
// -cpu value runs at its own GOMAXPROCS (golang/go#49980).
func benchPhases(b *testing.B, p Params, warmup, workers int) {
	start := func(seed uint64) *Model {
		m, err := New(p, seed)
		if err != nil {
			b.Fatal(err)
		}
		m.SetWorkers(workers)
		for range warmup {
			m.Advance()
		}
		runtime.GC() // the garbage of set-up, not of the timed steps
		return m
	}
	m := start(1)
	spent := make([]time.Duration, len(stepPhases)+1)
	var lap time.Time
	after := func(k int) {
		now := time.Now()
		spent[k] += now.Sub(lap)
		lap = now
	}
	b.ResetTimer()
	for i := range b.N {
		if m.Week() >= p.Horizon {
			b.StopTimer()
			m = start(uint64(i))
			b.StartTimer()
		}
		lap = time.Now()
		m.advance(after)
		spent[len(stepPhases)] += time.Since(lap)
	}
	for k, d := range spent {
		name := "measure"
		if k < len(stepPhases) {
			name = stepPhases[k].name
		}
		b.ReportMetric(d.Seconds()*1e3/float64(b.N), name+"-ms")
	}
}
