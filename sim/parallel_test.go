package sim

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"testing"
)

// parallelCity is an initiative of about 3,000 people: a dozen person
// blocks and several tie chunks, so that every parallel phase of a step
// has many items to share out; with convenings every other week, staff
// turnover, handoffs and events of each kind.
func parallelCity() Params {
	p := Default()
	p.Horizon = 40
	p.Orgs = nil
	bb := DefaultOrg("backbone", Backbone)
	bb.Positions = [NumRoles]int{1, 9, 0, 0}
	p.Orgs = append(p.Orgs, bb)
	for k := range 2 {
		f := DefaultOrg(fmt.Sprintf("funder_%d", k), Funder)
		f.Positions = [NumRoles]int{1, 9, 0, 0}
		p.Orgs = append(p.Orgs, f)
	}
	for k := range 18 {
		o := DefaultOrg(fmt.Sprintf("nonprofit_%02d", k), Nonprofit)
		o.Positions = [NumRoles]int{1, 60, 39, 0}
		o.AnnualTurnover = [NumRoles]float64{0.2, 0.3, 0.5, 0.1}
		p.Orgs = append(p.Orgs, o)
	}
	c := DefaultOrg("community", Community)
	c.Positions = [NumRoles]int{0, 0, 0, 1200}
	p.Orgs = append(p.Orgs, c)
	p.Convening.Interval = 2
	p.Policy.HandoffShare = 0.5
	p.Policy.Engagement = 0.6
	p.Turnover.Embeddedness = 0.3
	p.History = []History{{A: "nonprofit_00", B: "nonprofit_01", LeaderTie: true, StaffTies: 5, Trust: 0.7}}
	p.Arrangement = []Arrangement{{Name: "priority_access",
		A: PersonRef{Org: "nonprofit_00", Role: Leader}, B: PersonRef{Org: "nonprofit_01", Role: Leader},
		Value: 20, Trust: 0.7}}
	p.Events = []Event{
		{Step: 5, Kind: Leave, Who: PersonRef{Org: "nonprofit_03", Role: Staff, Index: -1}},
		{Step: 12, Kind: Set, Param: "policy.relationship_share", Value: "0.12"},
		{Step: 20, Kind: Exit, Org: "nonprofit_05"},
	}
	return p
}

// stateHash hashes the whole state a step leaves behind that later steps
// read: people, every tie with its trust and decay factor, the adjacency
// lists in order (the lists of ties to other organizations sorted by
// trust) and the partnerships.
func (m *Model) stateHash() uint64 {
	h := fnv.New64a()
	w := func(vs ...uint64) {
		var b [8]byte
		for _, v := range vs {
			for k := range b {
				b[k] = byte(v >> (8 * k))
			}
			h.Write(b[:])
		}
	}
	f := math.Float64bits
	for i := range m.org {
		w(uint64(m.gen[i]), f(m.align[i]), f(m.crossSum[i]), f(m.memberProd[i]))
		for _, l := range [][]edge{m.adj[i], m.xadj[i]} {
			for _, e := range l {
				w(uint64(e.tie), uint64(e.other))
			}
		}
	}
	for id, t := range m.ties {
		w(uint64(t.a), uint64(t.b))
		if t.a >= 0 { // a free entry's other fields are never read again
			// classTouched and classFree tell the sweep what touched and a
			// tell the hash.
			w(f(m.trust[id]), uint64(m.class[id]&^(classTouched|classFree)), uint64(math.Float32bits(m.factor[id])), uint64(t.touched))
		}
	}
	for _, id := range m.free {
		w(uint64(id))
	}
	for _, pr := range m.pairs {
		w(f(pr.strength), f(pr.memory))
	}
	w(uint64(len(m.free)), f(m.cumulative))
	return h.Sum64()
}

// TestWorkersDoNotChangeResults runs the same seed on 1, 2, 3, 8 and 64
// workers (more workers than blocks) and requires the same metrics and
// the same state, bit for bit, after every step (docs/PERFORMANCE.md,
// "Parallel step"), for two initiatives: parallelCity, and a variant
// under the grantor-grantee model, without convenings, with many small
// organizations and heavy turnover, so that blocks cut across
// organizations differently and ties churn.
func TestWorkersDoNotChangeResults(t *testing.T) {
	churn := parallelCity()
	churn.Orgs = nil
	for k := range 60 {
		o := DefaultOrg(fmt.Sprintf("small_%02d", k), Nonprofit)
		o.Positions = [NumRoles]int{1, 20, 9, 0}
		o.AnnualTurnover = [NumRoles]float64{0.5, 0.6, 0.8, 0}
		churn.Orgs = append(churn.Orgs, o)
	}
	c := DefaultOrg("community", Community)
	c.Positions = [NumRoles]int{0, 0, 0, 3000}
	churn.Orgs = append(churn.Orgs, c, DefaultOrg("funder", Funder))
	churn.Network.ColleagueContacts = 3
	churn.Community.Contacts = 2
	churn.Policy.Engagement = 0.9
	churn.Convening.Interval = 0
	churn.Policy.FunderModel = GrantorGrantee
	churn.Policy.RelationshipShare = 0.2
	churn.History = []History{{A: "small_00", B: "small_01", LeaderTie: true, StaffTies: 3, Trust: 0.6}}
	churn.Arrangement = []Arrangement{{Name: "shared_intake",
		A: PersonRef{Org: "small_00", Role: Leader}, B: PersonRef{Org: "small_01", Role: Leader}, Value: 10, Trust: 0.6}}
	churn.Events = []Event{
		{Step: 7, Kind: Leave, Who: PersonRef{Org: "small_02", Role: Staff, Index: -1}},
		{Step: 15, Kind: Exit, Org: "small_03"},
		{Step: 20, Kind: Set, Param: "network.maintenance_focus", Value: "3"},
	}
	for _, tc := range []struct {
		name string
		p    Params
	}{{"city", parallelCity()}, {"churn", churn}} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			type trace struct {
				met  []Metrics
				hash []uint64
			}
			run := func(workers int) trace {
				m, err := New(p, 11)
				if err != nil {
					t.Fatal(err)
				}
				m.SetWorkers(workers)
				if m.nBlocks < 8 {
					t.Fatalf("%d people give %d blocks; the test needs several", len(m.org), m.nBlocks)
				}
				var tr trace
				for m.Week() < p.Horizon {
					tr.met = append(tr.met, m.Advance())
					tr.hash = append(tr.hash, m.stateHash())
				}
				if len(m.ties) <= tieChunk {
					t.Fatalf("%d ties fill one sweep chunk; the test needs several", len(m.ties))
				}
				return tr
			}
			want := run(1)
			for _, workers := range []int{2, 3, 8, 64} {
				got := run(workers)
				for s := range want.met {
					if got.met[s] != want.met[s] {
						t.Fatalf("workers=%d, step %d: metrics differ from workers=1:\n%+v\n%+v", workers, s, got.met[s], want.met[s])
					}
					if got.hash[s] != want.hash[s] {
						t.Fatalf("workers=%d, step %d: state differs from workers=1", workers, s)
					}
				}
			}
		})
	}
}

// TestDecayClosedForm checks the eager decay of the sweep against its
// closed form: a tie with no contact for k weeks after the end of the
// week of its last contact has trust T_c·factor^k (docs/MODEL.md §7.9).
// This is the lazy form a sweep could compute from the step of the last
// contact; the sweep multiplies instead, because it needs every tie's
// trust every week anyway (docs/PERFORMANCE.md). Tolerance: 1e-12
// relative, the rounding of k ≤ 30 multiplications.
func TestDecayClosedForm(t *testing.T) {
	p := parallelCity()
	p.Horizon = 60
	m, err := New(p, 3)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		m.Advance()
	}
	type snap struct {
		a, b, touched int32
		trust         float64
		factor        float32
	}
	before := map[int]snap{}
	for id, ti := range m.ties {
		if ti.a >= 0 {
			before[id] = snap{ti.a, ti.b, ti.touched, m.trust[id], m.factor[id]}
		}
	}
	checked := 0
	for k := 1; k <= 30; k++ {
		m.Advance()
		for id, s := range before {
			ti := m.ties[id]
			if ti.a != s.a || ti.b != s.b || ti.touched != s.touched {
				delete(before, id) // contacted, dropped or reused since
				continue
			}
			// k weeks of decay since the snapshot, all at the factor
			// set at the end of the week of the last contact.
			lazy := s.trust * math.Pow(float64(s.factor), float64(k))
			if got := m.trust[id]; math.Abs(got-lazy) > 1e-12*lazy {
				t.Fatalf("tie %d after %d weeks: eager %v, closed form %v", id, k, got, lazy)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d tie-weeks checked; the test needs untouched ties", checked)
	}
	t.Logf("%d tie-weeks of decay agree with the closed form", checked)
}

// TestWorkersChangingBetweenStepsDoNotChangeResults gives a run a
// different number of workers at every step (Options.WorkersNow, as the
// batch runner does when other runs finish) and requires the metrics of
// one worker throughout.
func TestWorkersChangingBetweenStepsDoNotChangeResults(t *testing.T) {
	p := parallelCity()
	collect := func(opt Options) []Metrics {
		var out []Metrics
		if err := RunWith(context.Background(), p, 5, opt, func(m Metrics) error {
			out = append(out, m)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := collect(Options{})
	counts, k := []int{1, 3, 8, 2, 16, 1}, 0
	got := collect(Options{Workers: 4, WorkersNow: func() int {
		k++
		return counts[k%len(counts)]
	}})
	if k != p.Warmup+p.Horizon {
		t.Fatalf("WorkersNow asked %d times in %d steps", k, p.Warmup+p.Horizon)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("a run whose worker count changes between steps differs from a run on one worker")
	}
}
