package sim_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// snapshots runs p with seed, taking a snapshot after every step, and
// returns the metrics and the snapshots.
func snapshots(t *testing.T, p sim.Params, seed uint64, workers int) ([]sim.Metrics, []sim.Snapshot) {
	t.Helper()
	var ms []sim.Metrics
	var snaps []sim.Snapshot
	opt := sim.Options{Workers: workers, Record: func(met sim.Metrics, m *sim.Model) error {
		var s sim.Snapshot
		m.Snapshot(&s)
		snaps = append(snaps, s)
		return nil
	}}
	if err := sim.RunWith(context.Background(), p, seed, opt, func(m sim.Metrics) error {
		ms = append(ms, m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ms, snaps
}

// TestSnapshotMatchesMetrics checks that every step's snapshot holds the
// network the step's metrics were computed from: the tie counts and
// mean trusts, the vacancies, the mean partnership strength, the
// arrangements in force and, from Changes, the departures.
func TestSnapshotMatchesMetrics(t *testing.T) {
	cases := map[string]sim.Params{"default": sim.Default(), "two orgs": twoOrgs()}
	p := sim.Default()
	p.Horizon = 80
	p.Events = []sim.Event{{Step: 20, Kind: sim.Exit, Org: "food_bank"}, {Step: 40, Kind: sim.Join, Org: "food_bank"}}
	cases["exit and join"] = p
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			ms, snaps := snapshots(t, p, 7, 1)
			prev := initial(t, p, 7)
			for k, met := range ms {
				s := &snaps[k]
				if s.Step != met.Step {
					t.Fatalf("snapshot step %d with metrics of step %d", s.Step, met.Step)
				}
				var all, cross float64
				nCross := 0
				for _, tie := range s.Ties {
					if tie.A >= tie.B {
						t.Fatalf("step %d: tie %d–%d not ordered", s.Step, tie.A, tie.B)
					}
					all += tie.Trust
					if tie.CrossOrg {
						cross += tie.Trust
						nCross++
					}
				}
				if len(s.Ties) != met.Ties || nCross != met.CrossOrgTies {
					t.Fatalf("step %d: %d ties, %d cross-organization; metrics %d, %d", s.Step, len(s.Ties), nCross, met.Ties, met.CrossOrgTies)
				}
				if len(s.Ties) > 0 && !close(all/float64(len(s.Ties)), met.MeanTrust) {
					t.Fatalf("step %d: mean trust %v, metric %v", s.Step, all/float64(len(s.Ties)), met.MeanTrust)
				}
				if nCross > 0 && !close(cross/float64(nCross), met.CrossOrgTrust) {
					t.Fatalf("step %d: cross-organization trust %v, metric %v", s.Step, cross/float64(nCross), met.CrossOrgTrust)
				}
				vacancies := 0
				for _, pe := range s.People {
					if !pe.Present && pe.InInitiative {
						vacancies++
					}
				}
				if vacancies != met.Vacancies {
					t.Fatalf("step %d: %d vacancies, metric %d", s.Step, vacancies, met.Vacancies)
				}
				active, arr := 0, 0
				for _, pr := range s.Partnerships {
					if pr.Active {
						active++
					}
				}
				for _, a := range s.Arrangements {
					if a {
						arr++
					}
				}
				if active != met.ActivePartnerships || arr != met.ArrangementsActive {
					t.Fatalf("step %d: %d active partnerships, %d arrangements; metrics %d, %d", s.Step, active, arr, met.ActivePartnerships, met.ArrangementsActive)
				}
				left := 0
				for _, c := range sim.Changes(nil, prev, s) {
					if !c.Arrival {
						left++
					}
				}
				if left != met.Departures {
					t.Fatalf("step %d: %d departures in the snapshots, metric %d", s.Step, left, met.Departures)
				}
				prev = s
			}
		})
	}
}

// initial is the snapshot of a run of p before its first step.
func initial(t *testing.T, p sim.Params, seed uint64) *sim.Snapshot {
	t.Helper()
	m, err := sim.New(p, seed)
	if err != nil {
		t.Fatal(err)
	}
	for m.Week() < 0 { // the state recording starts from
		m.Advance()
	}
	var s sim.Snapshot
	m.Snapshot(&s)
	return &s
}

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestRecordChangesNothing checks that taking snapshots after every step
// leaves every metric of every step bit for bit the same, on one worker
// and on several.
func TestRecordChangesNothing(t *testing.T) {
	p := sim.Default()
	p.Horizon = 120
	want := series(t, p, 3)
	for _, workers := range []int{1, 3} {
		got, _ := snapshots(t, p, 3, workers)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("workers %d: metrics with snapshots differ from those without", workers)
		}
	}
}

// TestChanges checks the departures and arrivals read from two
// snapshots of one slot.
func TestChanges(t *testing.T) {
	snap := func(present bool, gen int) *sim.Snapshot {
		return &sim.Snapshot{Step: 9, People: []sim.PersonSnap{{Present: present, Generation: gen}}}
	}
	type ch = sim.Change
	for _, c := range []struct {
		name      string
		prev, cur *sim.Snapshot
		want      []sim.Change
	}{
		{"stayed", snap(true, 1), snap(true, 1), nil},
		{"still vacant", snap(false, 1), snap(false, 1), nil},
		{"left", snap(true, 1), snap(false, 1), []ch{{Step: 9, Generation: 1}}},
		{"succeeded", snap(true, 1), snap(true, 2), []ch{{Step: 9, Generation: 1}, {Step: 9, Arrival: true, Generation: 2}}},
		{"vacancy filled", snap(false, 2), snap(true, 3), []ch{{Step: 9, Arrival: true, Generation: 3}}},
		{"first arrival", snap(false, 0), snap(true, 1), []ch{{Step: 9, Arrival: true, Generation: 1}}},
		{"came and went", snap(true, 1), snap(true, 3), []ch{
			{Step: 9, Generation: 1}, {Step: 9, Arrival: true, Generation: 2}, {Step: 9, Generation: 2}, {Step: 9, Arrival: true, Generation: 3}}},
		{"came and went, now vacant", snap(false, 1), snap(false, 2), []ch{{Step: 9, Arrival: true, Generation: 2}, {Step: 9, Generation: 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := sim.Changes(nil, c.prev, c.cur); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Changes = %+v, want %+v", got, c.want)
			}
		})
	}
}

// ExampleModel_Snapshot follows the leaders' tie of the seed's story
// across the scheduled departure of parent_ed's leader.
func ExampleModel_Snapshot() {
	p := sim.Default()
	a, b := sim.DefaultOrg("family_center", sim.Nonprofit), sim.DefaultOrg("parent_ed", sim.Nonprofit)
	a.Positions, b.Positions = [sim.NumRoles]int{1, 2, 0, 0}, [sim.NumRoles]int{1, 2, 0, 0}
	a.AnnualTurnover, b.AnnualTurnover = [sim.NumRoles]float64{}, [sim.NumRoles]float64{}
	p.Orgs = []sim.Org{a, b}
	p.History = []sim.History{{A: "family_center", B: "parent_ed", LeaderTie: true, Trust: 0.8}}
	p.Policy.RelationshipShare, p.Convening.Interval = 0, 0
	p.Events = []sim.Event{{Step: 3, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}

	p.Horizon = 30

	var prev, cur sim.Snapshot
	opt := sim.Options{Record: func(met sim.Metrics, m *sim.Model) error {
		prev, cur = cur, prev
		m.Snapshot(&cur)
		if cur.Step == 0 {
			return nil
		}
		for _, c := range sim.Changes(nil, &prev, &cur) {
			verb := map[bool]string{true: "arrives in", false: "leaves"}[c.Arrival]
			cross := 0
			for _, t := range cur.Ties {
				if t.CrossOrg {
					cross++
				}
			}
			fmt.Printf("step %d: person %d %s slot %d; %d cross-organization ties\n", cur.Step, c.Generation, verb, c.Slot, cross)
		}
		return nil
	}}
	if err := sim.RunWith(context.Background(), p, 1, opt, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// step 3: person 1 leaves slot 3; 0 cross-organization ties
	// step 15: person 2 arrives in slot 3; 0 cross-organization ties
}
