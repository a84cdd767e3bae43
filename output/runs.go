package output

import (
	"github.com/trustsim/trustsim/sim"
)

// runColumns are the summary columns of runs.csv, after the identifying
// columns and the swept parameters (docs/OUTPUTS.md, "runs.csv").
var runColumns = []string{
	"cumulative_results", "final_mean_trust", "final_cross_org_trust",
	"mean_active_partnerships", "departures", "partnership_resets",
	"leave_step", "recovery_weeks",
	"leader_turnover", "staff_turnover", "volunteer_turnover", "member_turnover",
}

// runSummary is what runs.csv says about one run.
type runSummary struct {
	CumulativeResults      float64
	FinalMeanTrust         float64
	FinalCrossOrgTrust     float64
	MeanActivePartnerships float64
	Departures             int
	PartnershipResets      int
	// LeaveStep is the step of the Leave event that recovery is measured
	// from, or -1 when the point has none (see leaveStep).
	LeaveStep int
	// RecoveryWeeks is the recovery time against the run's paired
	// counterfactual (recoveryAgainst), or -1 when there is no Leave
	// event, no counterfactual, or strength never recovers. summarizeRun
	// leaves it -1; Writer.AddRows, which has the counterfactual, sets it.
	RecoveryWeeks int
	// Turnover is the realised annual turnover of each role over the
	// recorded horizon (the last week's turnover metrics), in role order.
	Turnover [sim.NumRoles]float64
}

// summarizeRun computes the runs.csv summary of one run of a point with
// parameters p. steps holds the metrics of steps 0..len(steps)-1.
func summarizeRun(p *sim.Params, steps []sim.Metrics) runSummary {
	last := &steps[len(steps)-1]
	s := runSummary{
		CumulativeResults:  last.CumulativeResults,
		FinalMeanTrust:     last.MeanTrust,
		FinalCrossOrgTrust: last.CrossOrgTrust,
		LeaveStep:          leaveStep(p.Events, len(steps)),
		RecoveryWeeks:      -1,
		Turnover:           [sim.NumRoles]float64{last.LeaderTurnover, last.StaffTurnover, last.VolunteerTurnover, last.MemberTurnover},
	}
	active := 0
	for i := range steps {
		active += steps[i].ActivePartnerships
		s.Departures += steps[i].Departures
		s.PartnershipResets += steps[i].PartnershipResets
	}
	s.MeanActivePartnerships = float64(active) / float64(len(steps))
	return s
}

// leaveStep returns the step of the earliest scheduled Leave event that
// has a step before it and happens within the run (1 ≤ step < steps), or
// -1 when there is none. An event at step 0 has no level before it to
// recover to.
func leaveStep(events []sim.Event, steps int) int {
	e := -1
	for _, ev := range events {
		if ev.Kind != sim.Leave || ev.Step < 1 || ev.Step >= steps {
			continue
		}
		if e < 0 || ev.Step < e {
			e = ev.Step
		}
	}
	return e
}

// keepStep reports whether timeseries.csv keeps step s of a run of n
// steps: every every-th step from 0, and always the last step, so the
// final state of every run is in the file.
func keepStep(s, n, every int) bool {
	if every <= 1 {
		return true
	}
	return s%every == 0 || s == n-1
}
