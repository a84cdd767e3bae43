package sim

import (
	"math"
	"testing"

	"github.com/trustsim/trustsim/internal/fmath"
)

// BenchmarkKernels times, on the steady-state city of BenchmarkStep, the
// work that every step of the model must do whatever the code, each kernel
// alone and stripped of all bookkeeping, so that docs/PERFORMANCE.md can
// compare their sum with the time a step may take at a target speed:
//
//	go test ./sim -run '^$' -bench '^BenchmarkKernels$' -cpu 1
//
// decay: every tie of the pool is decayed, or given a new decay factor
// (an exp of its trust and its people's alignments) when it had a contact
// in the week, and tested and summed. gather: every person's ties to
// other organizations have their trust read, summed and compared with the
// previous one (the embeddedness sum and the order check). contacts: one
// expm1 growth update per contact of the week. draws: the draws of the
// week, a per-person stream seeded per person, as many draws per person as
// the model made in the step that followed the warm-up (reported as
// draws/person). No kernel changes the model.
func BenchmarkKernels(b *testing.B) {
	m := steadyCity(b)
	step := int32(m.step - 1) // the week whose contacts recs and touched hold
	tp := &m.p.Trust
	out := make([]float64, len(m.trust))
	var sink float64
	b.Run("decay", func(b *testing.B) {
		for b.Loop() {
			sink += kernel(func() float64 {
				s, n := 0.0, 0
				for k := range m.ties {
					t := &m.ties[k]
					if t.a < 0 {
						continue
					}
					v := m.trust[k]
					if t.touched == step {
						d := tp.Decay * (1 + tp.DecayDissimilarity*math.Abs(m.align[t.a]-m.align[t.b])) / (1 + tp.DecayStrengthProtection*v)
						s += fmath.Exp(-d)
					} else {
						v *= float64(m.factor[k])
					}
					out[k] = v
					s += v
					n += b2i(v < tp.DropBelow)
				}
				return s + float64(n)
			})
		}
		b.ReportMetric(float64(len(m.ties)), "ties")
	})
	b.Run("decay-by-person", func(b *testing.B) {
		// The same work with each tie stored at both of its people, in
		// person order (a layout not used; docs/PERFORMANCE.md): every tie
		// is decayed twice, once at each end, and nothing is read at
		// random but the alignment of the other end.
		var start []int
		var trust []float64
		var factor []float32
		var touched []bool
		var other []int32
		for i := range m.adj {
			start = append(start, len(trust))
			for _, list := range [][]edge{m.adj[i], m.xadj[i]} {
				for _, e := range list {
					t := &m.ties[e.tie]
					trust = append(trust, m.trust[e.tie])
					factor = append(factor, m.factor[e.tie])
					touched = append(touched, t.touched == step)
					other = append(other, e.other)
				}
			}
		}
		start = append(start, len(trust))
		out := make([]float64, len(trust))
		for b.Loop() {
			sink += kernel(func() float64 {
				s, n := 0.0, 0
				for i := range len(start) - 1 {
					ai := m.align[i]
					for k := start[i]; k < start[i+1]; k++ {
						v := trust[k]
						if touched[k] {
							d := tp.Decay * (1 + tp.DecayDissimilarity*math.Abs(ai-m.align[other[k]])) / (1 + tp.DecayStrengthProtection*v)
							s += fmath.Exp(-d)
						} else {
							v *= float64(factor[k])
						}
						out[k] = v
						s += v
						n += b2i(v < tp.DropBelow)
					}
				}
				return s + float64(n)
			})
		}
		b.ReportMetric(float64(len(trust)), "tie-ends")
	})
	b.Run("gather", func(b *testing.B) {
		ends := 0
		for b.Loop() {
			sink += kernel(func() float64 {
				s, inv := 0.0, 0
				ends = 0
				for i := range m.xadj {
					prev := math.Inf(1)
					for _, e := range m.xadj[i] {
						t := m.trust[e.tie]
						s += t
						inv += b2i(t > prev)
						prev = t
					}
					ends += len(m.xadj[i])
				}
				return s + float64(inv)
			})
		}
		b.ReportMetric(float64(ends), "tie-ends")
	})
	b.Run("contacts", func(b *testing.B) {
		n := 0
		for b.Loop() {
			sink += kernel(func() float64 {
				n = 0
				for a := range m.nBlocks {
					for _, c := range m.recs[a] {
						if c.tie < 0 {
							continue
						}
						g := (2 + m.align[c.i] + m.align[c.j]) / 4
						T := m.trust[c.tie]
						out[c.tie] = T + (1-T)*-fmath.Expm1(-tp.GrowthPerHour*g*m.p.Network.HoursPerContact)
						n++
					}
				}
				return 0
			})
		}
		b.ReportMetric(float64(n), "contacts")
	})
	b.Run("draws", func(b *testing.B) {
		perPerson := drawsPerPerson(steadyCity(b))
		var pcg stream
		for b.Loop() {
			sink += kernel(func() float64 {
				var u uint64
				for i := range m.NumPeople() {
					pcg.seed(mix(uint64(i)), mix(uint64(i)*0xbf58476d1ce4e5b9))
					for range perPerson {
						u += pcg.Uint64()
					}
				}
				return float64(u)
			})
		}
		b.ReportMetric(float64(perPerson), "draws/person")
	})
	if math.IsNaN(sink) {
		b.Fatal("NaN in a kernel")
	}
}

// kernel returns f(). The kernels are closures called through it rather
// than loops written in b.Loop's body: the compiler keeps every variable
// that such a body assigns in memory, which made the loops of these
// kernels several times slower than the same loops in a function.
func kernel(f func() float64) float64 { return f() }

// steadyCity returns the city of BenchmarkStep after its 200 weeks of
// warm-up, on one worker.
func steadyCity(b *testing.B) *Model {
	b.Helper()
	m, err := New(scaledCity(60), 1)
	if err != nil {
		b.Fatal(err)
	}
	m.SetWorkers(1)
	for range 200 {
		m.Advance()
	}
	return m
}

// drawsPerPerson plans the next week of m and returns the draws per
// person, rounded up, that planning takes from the per-person streams
// (personStream): it runs the phases before planning, then planning
// itself one person at a time (blocks of one), and counts the PCG steps
// between each person's seed and the state their draws left. The
// kernels run on a model of their own, which this leaves mid-step.
func drawsPerPerson(m *Model) int {
	for _, ph := range stepPhases[:2] { // start, events
		ph.run(m)
	}
	m.blockSize, m.nBlocks = 1, m.NumPeople()
	m.recs = make([][]contactRec, m.nBlocks)
	ws := m.work[0]
	total := 0
	count := func(i int32, purpose uint64) {
		// personStream seeds ws.rng only for a person who draws; a
		// stream left at the zero state means no draws.
		if ws.rng == (stream{}) {
			return
		}
		var fresh stream
		k := mix(m.stepKey + purpose*0x9e3779b97f4a7c15)
		fresh.seed(mix(k^uint64(i)), mix(k+uint64(i)*0xbf58476d1ce4e5b9))
		for ; fresh != ws.rng; fresh.Uint64() {
			total++
		}
	}
	m.convening = m.conveningNow()
	if m.convening {
		for b := range m.nBlocks {
			ws.rng = stream{}
			m.attendBlock(0, b)
			count(int32(b), purposeAttend)
		}
		m.attendees = m.attendees[:0]
		for i, s := range m.attended {
			if s == int32(m.step) {
				m.attendees = append(m.attendees, int32(i))
			}
		}
	}
	for b := range m.nBlocks {
		ws.rng = stream{}
		m.planBlock(0, b)
		count(int32(b), purposeContacts)
	}
	return (total + m.NumPeople() - 1) / m.NumPeople()
}
