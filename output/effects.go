package output

import (
	"math"

	"github.com/trustsim/trustsim/sim"
)

// The effect of scheduled events is measured against the paired
// counterfactual: each point with events has a twin without them
// (batch.Point.Counterfactual) whose replicate r runs on the same seed,
// so the two runs differ only by the events (docs/OUTPUTS.md, "Paired
// design" and "Recovery rule").

// recoveryWindow is the length in weeks of the means that the recovery
// rule compares, and recoveryTolerance how close (relative to the
// counterfactual) a run must stay to count as recovered.
const (
	recoveryWindow    = 4
	recoveryTolerance = 0.1
)

// strengths returns the partnership strength of every step.
func strengths(steps []sim.Metrics) []float64 {
	out := make([]float64, len(steps))
	for i := range steps {
		out[i] = steps[i].PartnershipStrength
	}
	return out
}

// windowMean is the mean of x over the recoveryWindow weeks from t (fewer
// at the end of the run).
func windowMean(x []float64, t int) float64 {
	end := min(t+recoveryWindow, len(x))
	s := 0.0
	for _, v := range x[t:end] {
		s += v
	}
	return s / float64(end-t)
}

// recoveryAgainst returns the recovery time of a run with series x after
// the event at step e, against its paired counterfactual c: the smallest
// d ≥ 0 such that from week e+d to the end of the run every 4-week mean
// of x is within 10% of the same weeks' mean of c. It is -1 when even the
// last weeks are not (the run never recovers within the horizon) or when
// e is not a step of the run.
func recoveryAgainst(x, c []float64, e int) int {
	if e < 0 || e >= len(x) || len(c) != len(x) {
		return -1
	}
	d := -1
	for t := len(x) - 1; t >= e; t-- {
		mx, mc := windowMean(x, t), windowMean(c, t)
		if math.Abs(mx-mc) > recoveryTolerance*math.Abs(mc) {
			break
		}
		d = t - e
	}
	return d
}
