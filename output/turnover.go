package output

import (
	"fmt"
	"math"

	"github.com/trustsim/trustsim/sim"
)

// setTurnover is the annual turnover p sets for role r across the
// initiative: the organizations' rates weighted by their positions of
// that role (docs/MODEL.md §7.7: each organization's people leave at its
// rate). ok is false when no organization has such positions.
func setTurnover(p *sim.Params, r sim.Role) (rate float64, ok bool) {
	num, den := 0.0, 0.0
	for _, o := range p.Orgs {
		n := float64(o.Positions[r])
		num += float64(n * o.AnnualTurnover[r]) // rounded: no fused multiply-add
		den += n
	}
	if den == 0 {
		return 0, false
	}
	return num / den, true
}

// turnoverSentences say, per role, the annual turnover the scenario sets
// and the turnover its runs showed (runs.csv, leader_turnover …), so a
// reader can see that the rate they typed is the rate the simulated
// initiative has. With one set rate for every compared point, the
// realised rate is the mean over all their runs with its 95% interval;
// with a swept rate, the sentence gives the range and the largest gap
// between a point's set and realised rates.
func turnoverSentences(ds *dataset) []string {
	var out []string
	scheduled := false // a scheduled departure counts as turnover too
	for _, pd := range ds.points {
		for _, e := range pd.params.Events {
			scheduled = scheduled || e.Kind == sim.Leave
		}
	}
	for r := sim.Role(0); r < sim.NumRoles; r++ {
		var sets, means []float64
		var pooled []float64
		for _, pd := range ds.points {
			set, ok := setTurnover(&pd.params, r)
			if !ok || len(pd.turnoverRuns[r]) == 0 {
				continue
			}
			sets = append(sets, set)
			means = append(means, mean(pd.turnoverRuns[r]))
			pooled = append(pooled, pd.turnoverRuns[r]...)
		}
		if len(sets) == 0 {
			continue
		}
		who := map[sim.Role]string{sim.Leader: "Leaders", sim.Staff: "Staff", sim.Volunteer: "Volunteers", sim.Member: "Community members"}[r]
		lo, hi := minMax(sets)
		if lo == hi {
			s := ds.t.summarizeValuesIn(pooled, support{0, math.Inf(1)})
			line := fmt.Sprintf("%s: set %s a year; the runs showed %s", who, pct(lo), pct(s.Mean))
			if s.hasCI() {
				line += fmt.Sprintf(" (95%% CI %s to %s, over %d runs)", pct(s.Lo), pct(s.Hi), s.N)
			}
			out = append(out, line+".")
			continue
		}
		gap := 0.0
		for k := range sets {
			gap = math.Max(gap, math.Abs(means[k]-sets[k]))
		}
		out = append(out, fmt.Sprintf("%s: set from %s to %s a year across the conditions; at every one the runs showed within %s points of the set rate (mean over each one's runs).",
			who, pct(lo), pct(hi), human(100*gap)))
	}
	if scheduled && len(out) > 0 {
		out = append(out, "The realised rates count the scenario's scheduled departures too, on top of the set rate.")
	}
	return out
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func minMax(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}
