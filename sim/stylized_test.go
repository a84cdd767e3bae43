package sim_test

import (
	"math"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// The stylized facts SF1-SF11 of MODEL-BRIEF.md. Statistical facts use a
// one-sided Welch t-test at p < 0.01 over replicates with seeds 1..n;
// each test states n. SF3 is exact and deterministic.

const reps = 20

// TestSF1TrustRisesWithInvestment: with no turnover, mean
// cross-organization trust at the horizon rises with relationship-building
// investment. Welch one-sided p < 0.01, 20 replicates per level, levels
// 0 < 0.05 < 0.1.
func TestSF1TrustRisesWithInvestment(t *testing.T) {
	cross := func(share float64) []float64 {
		p := sim.Default()
		set(t, &p, "org.*.annual_turnover", 0, "policy.relationship_share", share)
		return replicate(t, p, reps, func(ms []sim.Metrics) float64 { return last(ms).CrossOrgTrust })
	}
	none, some, more := cross(0), cross(0.05), cross(0.1)
	assertGreater(t, "cross_org_trust at share 0.05 vs 0", some, none)
	assertGreater(t, "cross_org_trust at share 0.1 vs 0.05", more, some)
}

// TestSF2TurnoverErodesTrust: at fixed investment (share 0.1), mean trust
// at the horizon and the number of active partnerships (mean over the last
// 52 weeks) fall as annual turnover rises from 0.1 to 0.4 in every role.
// Welch one-sided p < 0.01, 20 replicates per level.
func TestSF2TurnoverErodesTrust(t *testing.T) {
	run := func(turnover float64) (trust, partnerships []float64) {
		p := sim.Default()
		set(t, &p, "org.*.annual_turnover", turnover, "policy.relationship_share", 0.1)
		trust = replicate(t, p, reps, func(ms []sim.Metrics) float64 { return last(ms).MeanTrust })
		partnerships = replicate(t, p, reps, func(ms []sim.Metrics) float64 {
			return meanOverLast(ms, 52, func(m sim.Metrics) float64 { return float64(m.ActivePartnerships) })
		})
		return trust, partnerships
	}
	lowT, lowP := run(0.1)
	highT, highP := run(0.4)
	assertGreater(t, "mean_trust at turnover 0.1 vs 0.4", lowT, highT)
	assertGreater(t, "active_partnerships at turnover 0.1 vs 0.4", lowP, highP)
}

// TestSF3SoleLinkDeparture is the seed's story, exactly: the leaders'
// tie is the only link between two organizations; the parent_ed leader
// leaves at step 52 with no handoff. At that step the partnership's
// strength is exactly zero, it counts as one reset, and the arrangement
// is no longer in force. Then, deterministically for a fixed seed:
//   - a successor who does not see the value (alignment 0) ends it on
//     arrival;
//   - one who does (alignment 1) keeps it, but with no relationship to the
//     other champion it lapses exactly arrangements.grace_weeks + 1 weeks
//     later;
//   - one who keeps it and rebuilds (relationship building from step 53)
//     still holds it at the horizon, with the partnership back above zero.
//
// sf3Event is the step at which TestSF3SoleLinkDeparture's leader leaves.
const sf3Event = 52

func TestSF3SoleLinkDeparture(t *testing.T) {
	for _, tc := range []struct {
		name      string
		alignment float64
		rebuild   bool
	}{
		{"successor sees no value", 0, false},
		{"successor keeps it on paper", 1, false},
		{"successor rebuilds", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := twoOrgs()
			p.Horizon = 200
			p.Events = []sim.Event{{Step: sf3Event, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}
			if tc.rebuild {
				p.Events = append(p.Events, sim.Event{Step: sf3Event + 1, Kind: sim.Set, Param: "policy.relationship_share", Value: "0.1"})
			}
			// No bad experiences: a long, steady working relationship.
			set(t, &p, "org.parent_ed.hire_alignment", tc.alignment, "org.parent_ed.hire_alignment_sd", 0,
				"arrangements.review_spread", 0.001, "trust.negative_max", 0)
			grace := p.Arrangements.GraceWeeks
			// The departure and review are exact for any seed; rebuilding
			// needs the two new leaders to meet, which is a matter of
			// chance: checked over 20 seeds, at least 16 must rebuild
			// (about 95% do: 28-29 of 30 seeds in the calibration runs).
			seeds, rebuilt := []uint64{7}, 0
			if tc.rebuild {
				seeds = nil
				for s := uint64(1); s <= 20; s++ {
					seeds = append(seeds, s)
				}
			}
			for _, seed := range seeds {
				if sf3Run(t, p, seed, tc.alignment, tc.rebuild, grace) {
					rebuilt++
				}
			}
			if tc.rebuild && rebuilt < 16 {
				t.Errorf("rebuilt in %d of %d seeds, want at least 16", rebuilt, len(seeds))
			}
		})
	}
}

// sf3Run runs one seed of TestSF3SoleLinkDeparture, checking every step,
// and reports whether the arrangement is in force, with a partnership
// above zero, at the horizon.
func sf3Run(t *testing.T, p sim.Params, seed uint64, alignment float64, rebuild bool, grace int) bool {
	t.Helper()
	m, err := sim.New(p, seed)
	if err != nil {
		t.Fatal(err)
	}
	leader, _ := m.PersonAt(sim.PersonRef{Org: "parent_ed", Role: sim.Leader})
	arrived := -1
	for m.Week() < p.Horizon {
		met := m.Advance()
		s := m.Partnership("family_center", "parent_ed")
		step := met.Step
		switch {
		case step < sf3Event:
			if s < p.Partnership.ActiveThreshold || met.ArrangementsActive != 1 {
				t.Fatalf("seed %d step %d: before the departure the partnership should be active (strength %.3f, arrangements %d)", seed, step, s, met.ArrangementsActive)
			}
		case step == sf3Event:
			if s != 0 || met.PartnershipStrength != 0 {
				t.Fatalf("seed %d step %d: partnership strength %v, want exactly 0", seed, step, s)
			}
			if met.PartnershipResets != 1 || met.Departures != 1 {
				t.Fatalf("seed %d step %d: resets %d, departures %d; want 1 and 1", seed, step, met.PartnershipResets, met.Departures)
			}
			if met.ArrangementsActive != 0 {
				t.Fatalf("seed %d step %d: arrangement still in force", seed, step)
			}
		default:
			if !rebuild && s != 0 {
				t.Fatalf("step %d: strength %v; nothing should rebuild a cross tie here", step, s)
			}
			if arrived < 0 && m.Present(leader) {
				arrived = step
				if got, want := met.ArrangementsActive == 1, alignment == 1; got != want {
					t.Fatalf("seed %d step %d: successor arrived; arrangement in force = %v, want %v", seed, step, got, want)
				}
			}
			if arrived >= 0 && !rebuild && alignment == 1 {
				if want := step <= arrived+grace; (met.ArrangementsActive == 1) != want {
					t.Fatalf("step %d (arrival %d, grace %d): arrangement in force = %v, want %v", step, arrived, grace, !want, want)
				}
			}
		}
	}
	if arrived < 0 {
		t.Fatalf("seed %d: no successor arrived", seed)
	}
	active := m.ArrangementActive("priority_access")
	if !rebuild && active {
		t.Errorf("seed %d: arrangement in force at the horizon without anyone rebuilding it", seed)
	}
	return active && m.Partnership("family_center", "parent_ed") > 0
}

// everyLevelSetup adds a backbone convening every two weeks to twoOrgs,
// with leaders only or every level invited, and makes the parent_ed
// leader leave at step 78.
func everyLevelSetup(t *testing.T, everyLevel bool) sim.Params {
	p := twoOrgs()
	bb := sim.DefaultOrg("backbone", sim.Backbone)
	bb.Positions = [sim.NumRoles]int{1, 1, 0, 0}
	bb.AnnualTurnover = [sim.NumRoles]float64{}
	p.Orgs = append(p.Orgs, bb)
	set(t, &p, "policy.relationship_share", 0.05, "convening.interval", 2, "convening.attendance", 1, "convening.attend.leader", true,
		"convening.attend.staff", everyLevel, "convening.attend.volunteer", everyLevel)
	p.Events = []sim.Event{{Step: 78, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}
	p.Horizon = 79
	return p
}

// TestSF4EveryLevelKeepsPartnership: with convenings at every level the
// staff of both organizations hold ties of working trust, so the
// leader's departure leaves the partnership active. Over 60 replicates it
// stays active in at least 90% of runs with every level, and in fewer runs
// with leaders-only convenings (two-proportion z-test, one-sided p < 0.01).
// Over 200 seeds the rates are 100% and 77–79%: 30 replicates gave an
// expected z of 2.7, so close to the threshold of 2.33 that the result
// hung on the seeds; 60 give 3.8.
func TestSF4EveryLevelKeepsPartnership(t *testing.T) {
	const n = 60
	activeAfter := func(everyLevel bool) int {
		count := 0
		for seed := uint64(1); seed <= n; seed++ {
			m, err := sim.New(everyLevelSetup(t, everyLevel), seed)
			if err != nil {
				t.Fatal(err)
			}
			for m.Step() < 79 {
				m.Advance()
			}
			if m.Partnership("family_center", "parent_ed") >= 0.5 {
				count++
			}
		}
		return count
	}
	every, leaders := activeAfter(true), activeAfter(false)
	pe, pl := float64(every)/n, float64(leaders)/n
	pool := (pe + pl) / 2
	z := (pe - pl) / math.Sqrt(pool*(1-pool)*2/n)
	t.Logf("partnership still active after the departure: every level %d/%d, leaders only %d/%d (z = %.2f)", every, n, leaders, n, z)
	if every < n*9/10 {
		t.Errorf("every level: partnership active after the departure in %d/%d runs, want >= 90%%", every, n)
	}
	if !(z > 2.326) {
		t.Errorf("every level (%d/%d) does not keep the partnership more often than leaders only (%d/%d) at p < 0.01", every, n, leaders, n)
	}
}

// recovery returns the weeks from the event step until the partnership
// strength is back to 90% of its level the step before (the horizon minus
// the event step when it never is: censored).
func recovery(ms []sim.Metrics, event int) float64 {
	before := ms[event-1].PartnershipStrength
	for s := event; s < len(ms); s++ {
		if ms[s].PartnershipStrength >= 0.9*before {
			return float64(s - event)
		}
	}
	return float64(len(ms) - event)
}

// TestSF5HandoffShortensRecovery: after a key departure, a warm handoff
// shortens the time until the partnership recovers, more with a larger
// share handed over (0 > 0.5 > 1 in weeks to recover to 90% of the
// strength before). The two organizations have only a leader each, so the
// partnership is the leaders' tie. Welch one-sided p < 0.01, 30 replicates.
func TestSF5HandoffShortensRecovery(t *testing.T) {
	const n, event = 30, 104
	weeks := func(share float64) []float64 {
		p := twoOrgs()
		for i := range p.Orgs {
			p.Orgs[i].Positions = [sim.NumRoles]int{1, 0, 0, 0}
			p.Orgs[i].VacancyWeeks = 2
		}
		p.Horizon = 260
		p.Events = []sim.Event{{Step: event, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}
		// No bad experiences, so that recovery times reflect the handoff only.
		set(t, &p, "policy.relationship_share", 0.05, "policy.handoff_share", share, "policy.handoff_coverage", 1,
			"trust.negative_max", 0)
		return replicate(t, p, n, func(ms []sim.Metrics) float64 { return recovery(ms, event) })
	}
	none, half, full := weeks(0), weeks(0.5), weeks(1)
	assertGreater(t, "weeks to recover: no handoff vs half", none, half)
	assertGreater(t, "weeks to recover: half vs full handoff", half, full)
}

// TestSF6ResultsHumpShaped: cumulative results against relationship
// investment are hump-shaped: share 0.1 beats none and beats 0.4 (time
// lost to direct work). Welch one-sided p < 0.01, 20 replicates.
func TestSF6ResultsHumpShaped(t *testing.T) {
	results := func(share float64) []float64 {
		p := sim.Default()
		set(t, &p, "policy.relationship_share", share)
		return replicate(t, p, reps, finalCumulative)
	}
	none, some, much := results(0), results(0.1), results(0.4)
	assertGreater(t, "cumulative_results at share 0.1 vs 0", some, none)
	assertGreater(t, "cumulative_results at share 0.1 vs 0.4", some, much)
}

// TestSF7PartnershipFunderModel: the partnership funder model yields
// higher funder-grantee trust and higher results than grantor-grantee at
// equal money (same positions and hours). Welch one-sided p < 0.01, 20
// replicates.
func TestSF7PartnershipFunderModel(t *testing.T) {
	run := func(model string) (trust, results []float64) {
		p := sim.Default()
		set(t, &p, "policy.funder_model", model)
		trust = replicate(t, p, reps, func(ms []sim.Metrics) float64 { return last(ms).FunderTrust })
		results = replicate(t, p, reps, finalCumulative)
		return
	}
	pt, pr := run("partnership")
	gt, gr := run("grantor-grantee")
	assertGreater(t, "funder_trust partnership vs grantor-grantee", pt, gt)
	assertGreater(t, "cumulative_results partnership vs grantor-grantee", pr, gr)
}

// TestSF8EngagementRaisesResults: engaging the people served raises
// results (Welch one-sided p < 0.01, 20 replicates), and with no
// engagement the co-production index is exactly zero at every step.
func TestSF8EngagementRaisesResults(t *testing.T) {
	engaged := sim.Default()
	set(t, &engaged, "policy.engagement", 0.8)
	none := sim.Default()
	set(t, &none, "policy.engagement", 0)
	assertGreater(t, "cumulative_results with engagement 0.8 vs 0",
		replicate(t, engaged, reps, finalCumulative), replicate(t, none, reps, finalCumulative))
	for _, m := range series(t, none, 3) {
		if m.CommunityEngagement != 0 {
			t.Fatalf("step %d: community_engagement %v with no engagement, want 0", m.Step, m.CommunityEngagement)
		}
	}
}

// TestSF9LowAlignmentSuccessorEnds: a successor with low alignment (mean
// 0.3) ends an inherited arrangement more often than one with high
// alignment (mean 0.8). Two-proportion z-test, one-sided p < 0.01, 200
// replicates each.
func TestSF9LowAlignmentSuccessorEnds(t *testing.T) {
	const n = 200
	endedShare := func(alignment float64) float64 {
		p := twoOrgs()
		p.Horizon = 40
		p.Events = []sim.Event{{Step: 10, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}
		// The review decides; a long grace period keeps arrangements kept
		// on paper from lapsing before the horizon.
		set(t, &p, "org.parent_ed.hire_alignment", alignment, "org.parent_ed.vacancy_weeks", 2,
			"arrangements.grace_weeks", 52)
		ended := replicate(t, p, n, func(ms []sim.Metrics) float64 {
			return float64(1 - last(ms).ArrangementsActive)
		})
		s := 0.0
		for _, e := range ended {
			s += e
		}
		return s / n
	}
	low, high := endedShare(0.3), endedShare(0.8)
	pool := (low + high) / 2
	z := (low - high) / math.Sqrt(pool*(1-pool)*2/n)
	t.Logf("arrangement ended: low-alignment successor %.2f, high %.2f (z = %.2f)", low, high, z)
	if !(z > 2.326) { // one-sided p < 0.01; also fails on NaN (no variation at all)
		t.Errorf("low-alignment successors ended %.2f, high %.2f: not more often at p < 0.01 (z = %.2f)", low, high, z)
	}
}

// TestSF10NoInvestmentNoNewTies: with no relationship building, no
// convenings, no engagement and no handoffs, no cross-organization tie
// ever forms (the count never rises) and partnerships fade (strength at
// the horizon below the start). Checked for 10 seeds, every step.
func TestSF10NoInvestmentNoNewTies(t *testing.T) {
	p := sim.Default()
	set(t, &p, "policy.relationship_share", 0, "convening.interval", 0, "policy.engagement", 0, "policy.handoff_share", 0)
	for seed := uint64(1); seed <= 10; seed++ {
		m, err := sim.New(p, seed)
		if err != nil {
			t.Fatal(err)
		}
		start := m.Partnership("family_center", "parent_ed")
		prev := math.MaxInt
		var met sim.Metrics
		for m.Week() < p.Horizon {
			met = m.Advance()
			if met.CrossOrgTies > prev {
				t.Fatalf("seed %d step %d: cross-organization ties rose from %d to %d", seed, met.Step, prev, met.CrossOrgTies)
			}
			prev = met.CrossOrgTies
		}
		if end := m.Partnership("family_center", "parent_ed"); !(end < start) {
			t.Errorf("seed %d: partnership strength %v at the horizon, %v at the start: it did not fade", seed, end, start)
		}
	}
}

// TestSF11Invariants checks the invariants at every step of a 300-step
// run with every mechanism on: trust in [0,1], no tie to someone who left,
// headcount within positions, finite results, consistent tie index.
func TestSF11Invariants(t *testing.T) {
	p := sim.Default()
	p.Horizon = 300
	set(t, &p, "policy.handoff_share", 0.5, "policy.relationship_share", 0.15, "turnover.embeddedness", 0.5,
		"org.*.annual_turnover", 0.3, "partnership.memory_floor", 0.3, "policy.sustained", false, "policy.formation_weeks", 150)
	p.Orgs = append(p.Orgs, sim.DefaultOrg("late_joiner", sim.Nonprofit))
	p.Events = []sim.Event{
		{Step: 20, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}},
		{Step: 30, Kind: sim.Leave, Who: sim.PersonRef{Org: "food_bank", Role: sim.Staff, Index: -1}},
		{Step: 50, Kind: sim.Join, Org: "late_joiner"},
		{Step: 120, Kind: sim.Set, Param: "policy.funder_model", Value: "grantor-grantee"},
		{Step: 150, Kind: sim.Set, Param: "network.maintenance_focus", Value: "3"},
		{Step: 200, Kind: sim.Exit, Org: "youth_league"},
	}
	for seed := uint64(1); seed <= 3; seed++ {
		m, err := sim.New(p, seed)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		for m.Week() < p.Horizon {
			met := m.Advance()
			if err := m.CheckInvariants(); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			for k, v := range met.Values(nil) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("seed %d step %d: %s = %v", seed, met.Step, sim.MetricNames()[k], v)
				}
			}
			if met.Step == 30 {
				for k := range 8 {
					// A successor due this week may start after the event (tenure 0).
					if i, _ := m.PersonAt(sim.PersonRef{Org: "food_bank", Role: sim.Staff, Index: k}); m.Present(i) && m.Tenure(i) > 0 {
						t.Fatalf("step 30: food_bank staff %d still in post after the leave-all event", k)
					}
				}
			}
		}
	}
}
