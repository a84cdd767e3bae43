package sim

import (
	"math"
	"slices"
	"testing"

	"github.com/trustsim/trustsim/internal/fmath"
)

// planned is one contact of the week as planning proposes it: proposer,
// partner, kind and the 24-bit bad-experience draw.
type planned struct {
	i, j int32
	kind uint8
	u24  uint32
}

// replayWeek plans the contacts of the week of every person in post by
// the pseudocode of docs/MODEL.md §7.4, "Contact targets, step by step",
// written from the document, not from contacts.go: the same targets,
// in the same order, from the same draws of each person's contact stream.
// It reads the state planning starts from, and who attends this week.
func replayWeek(m *Model) []planned {
	p := &m.p
	nw := &p.Network
	step := int32(m.step)
	var attendees, service []int32
	for i := range m.org {
		if m.attended[i] == step {
			attendees = append(attendees, int32(i))
		}
		if m.kindOf[i] == Nonprofit {
			service = append(service, int32(i))
		}
	}
	var out []planned
	for i := int32(0); i < int32(len(m.org)); i++ {
		if !m.present[i] {
			continue
		}
		r := m.personStream(0, i, purposeContacts)
		F := r.Float64
		N := func(n int) int { return r.IntN(n) }
		count := func(x float64) int {
			n := math.Floor(x)
			if F() < x-n {
				n++
			}
			return int(n)
		}
		ties := func(k int32) []edge { return append(slices.Clone(m.adj[k]), m.xadj[k]...) }
		propose := func(j int32, kind uint8) {
			if j < 0 || j == i || !m.present[j] {
				return
			}
			out = append(out, planned{i, j, kind, r.Uint32() >> 8})
		}
		maintained := func() int32 {
			n := min(len(m.xadj[i]), nw.MaintenanceFocus)
			if n == 0 {
				return -1
			}
			return m.xadj[i][N(n)].other
		}
		// P: the positions of the non-community organizations other
		// than i's, in slot order.
		var cold []int32
		for j := range m.org {
			if m.kindOf[j] != Community && m.org[j] != m.org[i] {
				cold = append(cold, int32(j))
			}
		}
		newContact := func() int32 {
			j := int32(-1)
			if ti := ties(i); len(ti) > 0 && F() < nw.IntroductionProbability {
				k := ti[N(len(ti))].other
				tk := ties(k)
				j = tk[N(len(tk))].other
				if m.role[j] == Member && m.role[i] != Member {
					j = -1
				}
			} else if len(cold) > 0 && F() < nw.ColdContactProbability {
				j = cold[N(len(cold))]
			}
			if j < 0 || j == i || !m.present[j] {
				return -1
			}
			if F() >= fmath.Exp(-nw.Homophily*math.Abs(m.align[i]-m.align[j])) {
				return -1
			}
			return j
		}
		// 1. Relationship building.
		if s := m.position(i).share; s > 0 {
			for range count(s * p.Results.HoursPerWeek[m.role[i]] / nw.HoursPerContact) {
				j := int32(-1)
				if F() < nw.ExploreProbability {
					j = newContact()
				}
				if j < 0 {
					if j = maintained(); j < 0 {
						j = newContact()
					}
				}
				propose(j, kindBuild)
			}
		}
		// 2. Convening contacts.
		if m.attended[i] == step && len(attendees) >= 2 {
			for range p.Convening.Contacts {
				j := int32(-1)
				if F() >= nw.ExploreProbability {
					if j = maintained(); j >= 0 && m.attended[j] != step {
						j = -1
					}
				}
				if j < 0 {
					j = attendees[N(len(attendees))]
				}
				if m.org[j] != m.org[i] {
					propose(j, kindConvene)
				}
			}
		}
		// 3a. Work contacts; 3b. co-production contacts.
		st := &m.orgs[m.org[i]]
		if st.kind != Community {
			for range count(nw.ColleagueContacts) {
				var j int32
				if len(m.adj[i]) == 0 || F() < nw.ExploreProbability {
					j = st.first + int32(N(int(st.end-st.first)))
				} else {
					j = m.adj[i][N(len(m.adj[i]))].other
				}
				propose(j, kindWork)
			}
		} else if m.engageDraw[i] < p.Policy.Engagement && len(service) > 0 {
			for range count(p.Community.Contacts) {
				j := int32(-1)
				if F() >= nw.ExploreProbability {
					j = maintained()
				}
				if j < 0 {
					j = service[N(len(service))]
				}
				propose(j, kindCommunity)
			}
		}
	}
	return out
}

// TestContactTargetsFollowTheDocument checks that the model plans every
// contact of the week as docs/MODEL.md §7.4 ("Contact targets, step by
// step") says, draw for draw: replayWeek, written from that pseudocode,
// must give the same proposer, partner, kind and bad-experience draw, in
// the same order, as planContacts, at every step of runs that exercise
// each branch (introductions, cold contacts, convenings with and without
// known people, work and co-production contacts, departures and new
// people).
func TestContactTargetsFollowTheDocument(t *testing.T) {
	explore := Default()
	explore.Network.ExploreProbability = 0.5
	explore.Network.ColdContactProbability = 0.6
	explore.Network.MaintenanceFocus = 2
	explore.Policy.Engagement = 1
	explore.Convening.Interval = 2
	for k := range explore.Orgs {
		explore.Orgs[k].AnnualTurnover = [NumRoles]float64{0.4, 0.4, 0.4, 0.4}
	}
	grantor := Default()
	grantor.Policy.FunderModel = GrantorGrantee
	for _, tc := range []struct {
		name string
		p    Params
	}{{"default", Default()}, {"explore", explore}, {"grantor-grantee", grantor}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.p, 7)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[uint8]int{}
			for m.step < 120 {
				m.advance(func(phase int) {
					if stepPhases[phase].name != "plan" || t.Failed() {
						return
					}
					var got []planned
					for _, recs := range m.recs {
						for _, c := range recs {
							got = append(got, planned{c.i, c.j, c.kind(), c.v & (1<<24 - 1)})
							kinds[c.kind()]++
						}
					}
					want := replayWeek(m)
					for k := range max(len(got), len(want)) {
						if k >= len(got) || k >= len(want) || got[k] != want[k] {
							var g, w any = "none", "none"
							if k < len(got) {
								g = got[k]
							}
							if k < len(want) {
								w = want[k]
							}
							t.Errorf("step %d, contact %d of %d planned (%d by the document): the model plans %+v, the document %+v",
								m.step, k, len(got), len(want), g, w)
							return
						}
					}
				})
			}
			for _, kind := range []uint8{kindBuild, kindConvene, kindWork, kindCommunity} {
				if tc.name == "explore" && kinds[kind] == 0 {
					t.Errorf("no contact of kind %d in 120 steps: the test does not exercise it", kind)
				}
			}
			t.Logf("contacts by kind (build, convene, work, community): %d %d %d %d", kinds[kindBuild], kinds[kindConvene], kinds[kindWork], kinds[kindCommunity])
		})
	}
}
