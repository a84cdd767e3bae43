package sim

import (
	"testing"
	"time"
)

// BenchmarkPhases times each phase of a step (stepPhases) of the city
// initiative of BenchmarkStep, in steady state after 200 weeks, and
// reports the milliseconds each takes per step, so that
//
//	go test ./sim -run '^$' -bench Phases -benchtime 400x
//
// gives where the time of a step goes without a profiler
// (docs/PERFORMANCE.md). The metrics of a step are in "measure-ms".
func BenchmarkPhases(b *testing.B) {
	const warmup = 200
	p := scaledCity(60)
	m, err := New(p, 1)
	if err != nil {
		b.Fatal(err)
	}
	for range warmup {
		m.Advance()
	}
	spent := make([]time.Duration, len(stepPhases)+1)
	var lap time.Time
	after := func(k int) {
		now := time.Now()
		spent[k] += now.Sub(lap)
		lap = now
	}
	steps := 0
	for b.Loop() {
		if m.Step() >= p.Horizon {
			b.StopTimer()
			if m, err = New(p, uint64(steps)); err != nil {
				b.Fatal(err)
			}
			for range warmup {
				m.Advance()
			}
			b.StartTimer()
		}
		lap = time.Now()
		m.advance(after)
		spent[len(stepPhases)] += time.Since(lap)
		steps++
	}
	for k, d := range spent {
		name := "measure"
		if k < len(stepPhases) {
			name = stepPhases[k].name
		}
		b.ReportMetric(d.Seconds()*1e3/float64(steps), name+"-ms")
	}
}
