package sim_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/trustsim/trustsim/scenarios"
	"github.com/trustsim/trustsim/sim"
)

// BenchmarkStep measures one weekly step of the city initiative in steady
// state (after a warm-up of 200 weeks, when the number of ties has
// levelled off) and reports person-steps per second. The initiative is
// scaledCity(60) (sim/city_test.go), the size of the bundled bench-city
// that BenchmarkBenchCity runs; earlier figures in docs/PERFORMANCE.md
// were all measured on it.
func BenchmarkStep(b *testing.B) { benchSteps(b, sim.ScaledCity(60)) }

// BenchmarkBenchCity is BenchmarkStep on the bundled bench-city scenario
// itself (scenarios/bundled/bench-city.toml: 9,984 people, a larger share
// of them in nonprofits and fewer in the community than scaledCity(60)).
func BenchmarkBenchCity(b *testing.B) { benchSteps(b, benchCity(b)) }

// benchCity returns the parameters of the bundled bench-city scenario
// (one design point, one replicate).
func benchCity(tb testing.TB) sim.Params {
	tb.Helper()
	s, err := scenarios.Load("bench-city")
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		tb.Fatal(err)
	}
	return plan.Points[0].Params
}

// benchSteps times weekly steps of p after 200 weeks of warm-up, starting
// a new run (untimed) when one reaches its horizon, and reports
// person-steps/s, the live heap per person after the warm-up (ties
// included) and the ties per person.
func benchSteps(b *testing.B, p sim.Params) {
	const warmup = 200
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := sim.New(p, 1)
	if err != nil {
		b.Fatal(err)
	}
	var met sim.Metrics
	for range warmup {
		met = m.Advance()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// Live heap of the model in steady state, ties included (reported
	// after the loop: ResetTimer drops metrics reported before it).
	bytesPerPerson := float64(after.HeapAlloc-before.HeapAlloc) / float64(m.NumPeople())
	tiesPerPerson := float64(met.Ties) / float64(m.NumPeople())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if m.Week() >= p.Horizon {
			b.StopTimer()
			m, _ = sim.New(p, uint64(i))
			for range warmup {
				m.Advance()
			}
			b.StartTimer()
		}
		m.Advance()
	}
	b.ReportMetric(float64(m.NumPeople())*float64(b.N)/b.Elapsed().Seconds(), "person-steps/s")
	b.ReportMetric(bytesPerPerson, "B/person")
	b.ReportMetric(tiesPerPerson, "ties/person")
}

// BenchmarkRun measures a whole run of the city initiative (the default
// warm-up and 520 recorded weeks), set-up included.
func BenchmarkRun(b *testing.B) {
	p := sim.ScaledCity(60)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := sim.Run(context.Background(), p, uint64(i), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(p.People()*(p.Warmup+p.Horizon))*float64(b.N)/b.Elapsed().Seconds(), "person-steps/s")
}

// BenchmarkScale reports the time of one step, after 26 weeks of warm-up,
// at about 1k, 10k and 100k people (1M with TRUSTSIM_BENCH_1M=1, which
// needs about 2 GiB and a minute), at the default tie density and at a
// denser one (relationship share 0.15, three colleague contacts a week).
func BenchmarkScale(b *testing.B) {
	sizes := []int{6, 60, 600}
	if os.Getenv("TRUSTSIM_BENCH_1M") != "" {
		sizes = append(sizes, 6000)
	}
	for _, n := range sizes {
		for _, dense := range []bool{false, true} {
			p := sim.ScaledCity(n)
			name := "default"
			if dense {
				name = "dense"
				p.Policy.RelationshipShare = 0.15
				p.Network.ColleagueContacts = 3
			}
			b.Run(fmt.Sprintf("people=%d/%s", p.People(), name), func(b *testing.B) {
				m, err := sim.New(p, 1)
				if err != nil {
					b.Fatal(err)
				}
				var met sim.Metrics
				for range 26 {
					met = m.Advance()
				}
				runtime.GC() // as in BenchmarkParallelStep
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					met = m.Advance()
				}
				b.ReportMetric(float64(m.NumPeople())*float64(b.N)/b.Elapsed().Seconds(), "person-steps/s")
				b.ReportMetric(float64(met.Ties)/float64(m.NumPeople()), "ties/person")
			})
		}
	}
}

// BenchmarkParallelStep times one step of a large initiative on as many
// workers inside the run as GOMAXPROCS, so that
//
//	go test ./sim -run '^$' -bench ParallelStep -cpu 1,2,4,8,16
//
// gives the scaling of one run across workers: about 10k and 100k people
// (1M with TRUSTSIM_BENCH_1M=1), after 26 weeks of warm-up. It reports
// the peak resident memory of the process so far (peak-MB) where the
// system tells it.
func BenchmarkParallelStep(b *testing.B) {
	sizes := []int{60, 600}
	if os.Getenv("TRUSTSIM_BENCH_1M") != "" {
		sizes = append(sizes, 6000)
	}
	for _, n := range sizes {
		p := sim.ScaledCity(n)
		b.Run(fmt.Sprintf("people=%d", p.People()), func(b *testing.B) {
			m, err := sim.New(p, 1)
			if err != nil {
				b.Fatal(err)
			}
			m.SetWorkers(runtime.GOMAXPROCS(0))
			for range 26 {
				m.Advance()
			}
			// Collect the garbage of set-up and of earlier calls of this
			// function (the model of a 1M-person run is 1.5 GB) now, so
			// that the collector does not run inside the timed steps.
			runtime.GC()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Advance()
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/step")
			b.ReportMetric(float64(m.NumPeople())*float64(b.N)/b.Elapsed().Seconds(), "person-steps/s")
			if mb := peakRSSMB(); mb > 0 {
				b.ReportMetric(mb, "peak-MB")
			}
		})
	}
}
