package output

import (
	"strings"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// TestTurnoverSentences: the report states the set and the realised
// turnover of each role that has people, pooled over the runs when every
// point sets the same rate and as a largest gap when the rate is swept.
func TestTurnoverSentences(t *testing.T) {
	point := func(staff float64, realised ...float64) *pointData {
		p := sim.Default()
		for i := range p.Orgs {
			p.Orgs[i].AnnualTurnover[sim.Staff] = staff
		}
		pd := &pointData{params: p}
		pd.turnoverRuns[sim.Staff] = realised
		return pd
	}
	tests := []struct {
		name   string
		points []*pointData
		want   string
	}{
		{"one rate", []*pointData{point(0.2, 0.19, 0.21), point(0.2, 0.2, 0.2)},
			"Staff: set 20% a year; the runs showed 20% (95% CI"},
		{"swept", []*pointData{point(0.1, 0.1, 0.12), point(0.3, 0.3, 0.28)},
			"Staff: set from 10% to 30% a year across the conditions; at every one the runs showed within 1 points"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := turnoverSentences(&dataset{points: tc.points})
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
				t.Errorf("turnoverSentences = %q, want one sentence starting %q", got, tc.want)
			}
		})
	}
}
