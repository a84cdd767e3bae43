package sim

import (
	"fmt"
	"math"
)

// Metrics are the quantities recorded at the end of every step
// (docs/MODEL.md §7.11). Field order is the column order of MetricNames.
type Metrics struct {
	// Step is the recorded week just completed, from 0; negative during
	// the warm-up (docs/MODEL.md §3).
	Step int
	// Results is the initiative's results this step (results units:
	// effective service hours per week).
	Results float64
	// CumulativeResults is the sum of Results over recorded weeks 0..Step
	// (during the warm-up, over the warm-up's weeks so far).
	CumulativeResults float64
	// MeanTrust is the mean trust over all ties (0 when there are none).
	MeanTrust float64
	// CrossOrgTrust is the mean trust over ties between people of two
	// different organizations, neither of them a community organization.
	CrossOrgTrust float64
	// FunderTrust is the mean trust over ties between funder people and
	// people of nonprofits or the backbone.
	FunderTrust float64
	// Ties is the number of ties.
	Ties int
	// CrossOrgTies is the number of ties counted in CrossOrgTrust.
	CrossOrgTies int
	// ActivePartnerships is the number of organization pairs whose
	// partnership strength is at least partnership.active_threshold.
	ActivePartnerships int
	// PartnershipStrength is the mean partnership strength over all pairs
	// of organizations in the initiative (community excluded).
	PartnershipStrength float64
	// ArrangementsActive is the number of joint arrangements in force.
	ArrangementsActive int
	// Departures is the number of people who left this step.
	Departures int
	// Vacancies is the number of empty positions at the end of the step
	// (organizations in the initiative only).
	Vacancies int
	// PartnershipResets is the number of partnerships active at the start
	// of the step that lost their active status in it through a departure
	// of a person holding one of their ties.
	PartnershipResets int
	// MeanAlignment is the mean alignment of people present.
	MeanAlignment float64
	// CommunityEngagement is the co-production index CP in [0,1]: the mean
	// over community members present of engaged × (noisy-or of trust to
	// nonprofit people).
	CommunityEngagement float64
	// LeaderTurnover, StaffTurnover, VolunteerTurnover and MemberTurnover
	// are the realised annual turnover of each role since recorded week 0:
	// people of that role who left (hazard and scheduled departures) per
	// person in post per year, 52·D_r / Σ_weeks N_r (docs/MODEL.md §7.11);
	// 0 for a role nobody has held.
	LeaderTurnover    float64
	StaffTurnover     float64
	VolunteerTurnover float64
	MemberTurnover    float64
}

// metricNames are the snake_case names of the Metrics fields after Step.
var metricNames = []string{
	"results", "cumulative_results", "mean_trust", "cross_org_trust", "funder_trust",
	"ties", "cross_org_ties", "active_partnerships", "partnership_strength",
	"arrangements_active", "departures", "vacancies", "partnership_resets",
	"mean_alignment", "community_engagement",
	"leader_turnover", "staff_turnover", "volunteer_turnover", "member_turnover",
}

// MetricNames returns the snake_case names of the metrics in the order of
// Metrics.Values. These are the column names of every output file.
func MetricNames() []string { return append([]string(nil), metricNames...) }

// Values appends the metric values in MetricNames order to dst and
// returns the extended slice; counts are converted to float64.
func (m *Metrics) Values(dst []float64) []float64 {
	return append(dst,
		m.Results, m.CumulativeResults, m.MeanTrust, m.CrossOrgTrust, m.FunderTrust,
		float64(m.Ties), float64(m.CrossOrgTies), float64(m.ActivePartnerships), m.PartnershipStrength,
		float64(m.ArrangementsActive), float64(m.Departures), float64(m.Vacancies), float64(m.PartnershipResets),
		m.MeanAlignment, m.CommunityEngagement,
		m.LeaderTurnover, m.StaffTurnover, m.VolunteerTurnover, m.MemberTurnover,
	)
}

// SetValues sets every metric but Step from vals, in MetricNames order as
// Values writes them; counts are converted back from float64, which is
// exact for every count a run can reach. It is the inverse of Values, for
// reading metrics back from a file, and fails, leaving m unchanged, unless
// vals holds one value per metric and every count is a whole number from
// 0 to 2^53.
func (m *Metrics) SetValues(vals []float64) error {
	if len(vals) != len(metricNames) {
		return fmt.Errorf("sim: %d metric values, want %d", len(vals), len(metricNames))
	}
	var counts [8]int
	for i, k := range countMetrics {
		v := vals[k]
		if v != math.Trunc(v) || math.Signbit(v) || v > 1<<53 {
			return fmt.Errorf("sim: metric %s is %v, not a count", metricNames[k], v)
		}
		counts[i] = int(v)
	}
	m.Results, m.CumulativeResults, m.MeanTrust, m.CrossOrgTrust, m.FunderTrust = vals[0], vals[1], vals[2], vals[3], vals[4]
	m.Ties, m.CrossOrgTies, m.ActivePartnerships = counts[0], counts[1], counts[2]
	m.PartnershipStrength = vals[8]
	m.ArrangementsActive, m.Departures, m.Vacancies, m.PartnershipResets = counts[3], counts[4], counts[5], counts[6]
	m.MeanAlignment, m.CommunityEngagement = vals[13], vals[14]
	m.LeaderTurnover, m.StaffTurnover, m.VolunteerTurnover, m.MemberTurnover = vals[15], vals[16], vals[17], vals[18]
	return nil
}

// countMetrics are the positions, in Values order, of the metrics that
// are counts (int fields).
var countMetrics = [...]int{5, 6, 7, 9, 10, 11, 12}
