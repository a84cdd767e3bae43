package output

import (
	"math"
	"strings"

	"github.com/trustsim/trustsim/sim"
)

// Label is a parameter, metric or runs.csv column in plain words: what a
// plot title, axis, legend, colour bar or sentence of the report calls
// it. Dotted and snake_case names stay in the CSV files and in the
// report's details.
type Label struct {
	// Name says what the quantity is, in lower case:
	// "annual staff turnover".
	Name string
	// Unit says what its numbers count: "share leaving per year"; empty
	// for a choice such as the funder model.
	Unit string
}

// String is the name with its unit in parentheses, as an axis shows it:
// "annual staff turnover (share leaving per year)".
func (l Label) String() string {
	if l.Unit == "" {
		return l.Name
	}
	return l.Name + " (" + l.Unit + ")"
}

// ParamLabel returns the label of a dotted parameter name as
// sim.Params.Specs lists it or as a scenario writes it: with an
// organization's name ("org.parent_ed.annual_turnover.staff": "annual
// staff turnover at parent_ed"), with "*" for every organization
// ("org.*.annual_turnover.staff": "annual staff turnover"), or a group of
// roles ("org.*.annual_turnover": "annual turnover, every role"). A name
// it does not know is returned as it is, as the Name of the label.
func ParamLabel(name string) Label {
	l, _ := paramLabel(name)
	return l
}

// MetricLabel returns the label of a metric of sim.MetricNames, the
// weekly quantities of timeseries.csv and aggregate.csv. A name it does
// not know is returned as it is.
func MetricLabel(metric string) Label {
	if e, ok := metricEntries[metric]; ok {
		return e.Label
	}
	return Label{Name: metric}
}

// RunColumnLabel returns the label of a summary column of runs.csv, the
// values of one run: "departures" there is the run's total (people),
// where the metric of the same name is weekly (people per week). A name
// it does not know is returned as it is.
func RunColumnLabel(column string) Label {
	if l, ok := runColumnLabels[column]; ok {
		return l
	}
	return Label{Name: column}
}

// support is the range a quantity's values can take, which its
// confidence intervals respect (stats.go).
type support struct{ lo, hi float64 }

var (
	nonNegative = support{0, math.Inf(1)}
	unitRange   = support{0, 1}
)

// metricEntry is what the registry knows of a metric.
type metricEntry struct {
	Label
	support support
}

// Units written the same way everywhere.
const (
	unitShare   = "0–1"
	unitResults = "effective service hours"
	// unitTurnover is the unit of realised and set annual turnover.
	unitTurnover = "share leaving per year"
)

// metricEntries label every metric of sim.MetricNames (a test checks
// it) and give its support.
var metricEntries = map[string]metricEntry{
	"results":              {Label{"results", unitResults + " per week"}, nonNegative},
	"cumulative_results":   {Label{"total results", unitResults}, nonNegative},
	"mean_trust":           {Label{"trust on all ties", unitShare}, unitRange},
	"cross_org_trust":      {Label{"cross-organization trust", unitShare}, unitRange},
	"funder_trust":         {Label{"trust between funder and grantees", unitShare}, unitRange},
	"ties":                 {Label{"relationships", "ties"}, nonNegative},
	"cross_org_ties":       {Label{"cross-organization relationships", "ties"}, nonNegative},
	"active_partnerships":  {Label{"active partnerships", "organization pairs"}, nonNegative},
	"partnership_strength": {Label{"partnership strength", unitShare + ", mean over pairs"}, unitRange},
	"arrangements_active":  {Label{"joint arrangements in force", "arrangements"}, nonNegative},
	"departures":           {Label{"departures", "people per week"}, nonNegative},
	"vacancies":            {Label{"vacancies", "empty positions"}, nonNegative},
	"partnership_resets":   {Label{"partnership resets", "partnerships lost per week"}, nonNegative},
	"mean_alignment":       {Label{"alignment with the common purpose", unitShare}, unitRange},
	"community_engagement": {Label{"community co-production", "index, " + unitShare}, unitRange},
	"leader_turnover":      {Label{"realised leader turnover", unitTurnover}, nonNegative},
	"staff_turnover":       {Label{"realised staff turnover", unitTurnover}, nonNegative},
	"volunteer_turnover":   {Label{"realised volunteer turnover", unitTurnover}, nonNegative},
	"member_turnover":      {Label{"realised community member turnover", unitTurnover}, nonNegative},
}

// runColumnLabels label every summary column of runs.csv (runColumns; a
// test checks it).
var runColumnLabels = map[string]Label{
	"cumulative_results":       {"total results", unitResults},
	"final_mean_trust":         {"final trust on all ties", unitShare},
	"final_cross_org_trust":    {"final cross-organization trust", unitShare},
	"mean_active_partnerships": {"active partnerships, mean over the run", "organization pairs"},
	"departures":               {"departures per run", "people"},
	"partnership_resets":       {"partnership resets per run", "partnerships"},
	"leave_step":               {"week of the scheduled departure", "week"},
	"recovery_weeks":           {"recovery time after the departure", "weeks"},
	"leader_turnover":          {"realised leader turnover over the run", unitTurnover},
	"staff_turnover":           {"realised staff turnover over the run", unitTurnover},
	"volunteer_turnover":       {"realised volunteer turnover over the run", unitTurnover},
	"member_turnover":          {"realised community member turnover over the run", unitTurnover},
}

// metricSupport is the range of a metric's values; every value when the
// registry does not know it.
func metricSupport(metric string) support {
	if e, ok := metricEntries[metric]; ok {
		return e.support
	}
	return support{math.Inf(-1), math.Inf(1)}
}

// metricSupports are the supports of the metrics in sim.MetricNames
// order, for aggregate.csv's intervals.
var metricSupports = func() []support {
	var s []support
	for _, m := range sim.MetricNames() {
		s = append(s, metricSupport(m))
	}
	return s
}()

// paramLabels label every parameter that is not per role or per
// organization (a test checks that every spec has a label).
var paramLabels = map[string]Label{
	"horizon": {"run length", "weeks"},
	"warmup":  {"warm-up before the first recorded week", "weeks"},

	"trust.growth_per_hour":           {"trust gained per hour of relationship building", "share of the way to full trust per hour"},
	"trust.work_discount":             {"trust growth in meetings and joint work", "ratio to dedicated time"},
	"trust.negative_max":              {"chance of a bad experience between people with nothing in common", "probability per contact"},
	"trust.break_fraction":            {"trust lost in a bad experience", "share of the tie's trust"},
	"trust.decay":                     {"fading of an unused weak tie", "share per week"},
	"trust.decay_strength_protection": {"protection of strong ties from fading", "ratio"},
	"trust.decay_dissimilarity":       {"faster fading between people who differ in alignment", "ratio"},
	"trust.drop_below":                {"trust below which a tie is lost", unitShare},
	"trust.alignment_pull":            {"pull of a good contact on alignment", "share per unit of trust"},

	"network.hours_per_contact":        {"length of a relationship-building contact", "hours"},
	"network.explore_probability":      {"chance a contact goes to someone new", "probability"},
	"network.maintenance_focus":        {"strongest ties a person keeps up", "ties"},
	"network.introduction_probability": {"chance of meeting someone new through an introduction", "probability"},
	"network.cold_contact_probability": {"chance of a cold contact in another organization", "probability"},
	"network.homophily":                {"reluctance to connect with people who think differently", "per unit of alignment difference"},
	"network.colleague_contacts":       {"work contacts with colleagues", "contacts per week"},
	"network.initial_colleague_ties":   {"colleague ties at the start", "ties per person"},
	"network.initial_colleague_trust":  {"trust of the first colleague ties", unitShare},

	"convening.interval":       {"time between convenings", "weeks; 0 = none"},
	"convening.attendance":     {"convening attendance", "share of those invited"},
	"convening.contacts":       {"contacts per attendee at a convening", "contacts"},
	"convening.hours":          {"length of a convening", "hours"},
	"convening.relational":     {"relationship building built into convenings", "yes/no"},
	"convening.alignment_pull": {"pull of a convening on alignment", "share per convening"},

	"alignment.relaxation":  {"return of alignment to a person's own baseline", "share per week"},
	"turnover.embeddedness": {"how much cross-organization trust keeps people from leaving", "per unit of trust"},

	"policy.relationship_share": {"working time for relationship building", "share of hours"},
	"policy.sustained":          {"relationship building kept up for the whole run", "yes/no"},
	"policy.formation_weeks":    {"length of the formation phase", "weeks"},
	"policy.handoff_share":      {"trust passed to a successor (warm handoff)", "share of the leaver's trust"},
	"policy.handoff_coverage":   {"ties handed over to a successor", "share of cross-organization ties"},
	"policy.funder_model":       {"funder model", ""},
	"policy.engagement":         {"community members engaged as co-producers", "share of members"},

	"funder_models.unfunded_share":            {"cap on relationship building under grantor-grantee", "share of hours"},
	"funder_models.reporting_grantor_grantee": {"reporting time under grantor-grantee", "share of funded hours"},
	"funder_models.reporting_partnership":     {"reporting time under partnership", "share of funded hours"},

	"partnership.leader_weight":    {"weight of a leader's tie in partnership strength", unitShare},
	"partnership.staff_weight":     {"weight of other ties in partnership strength", unitShare},
	"partnership.min_trust":        {"trust from which a tie carries a partnership", unitShare},
	"partnership.active_threshold": {"strength from which a partnership counts as active", unitShare},
	"partnership.memory_gain":      {"gain of institutional memory", "share per week"},
	"partnership.memory_loss":      {"loss of institutional memory", "share per week"},
	"partnership.memory_floor":     {"institutional memory that survives a reset", "share"},

	"arrangements.min_trust":     {"champions' trust needed to keep a joint arrangement", unitShare},
	"arrangements.min_alignment": {"alignment a successor needs to keep an arrangement", unitShare},
	"arrangements.review_spread": {"softness of a successor's decision to keep an arrangement", "alignment"},
	"arrangements.grace_weeks":   {"time an arrangement lasts without its champions' tie", "weeks"},
	"arrangements.contact_hours": {"champions' joint work on an active arrangement", "hours per week"},

	"community.contacts": {"contacts of an engaged community member with nonprofit people", "contacts per week"},

	"results.coordination_gain": {"results gain at full partnership strength", "ratio"},
	"results.coproduction_gain": {"results gain at full co-production", "ratio"},
}

// roleParamLabels label the per-role parameters, "prefix.<role>"; the
// role's plural replaces %s.
var roleParamLabels = map[string]Label{
	"convening.attend":       {"%s invited to convenings", "yes/no"},
	"results.hours_per_week": {"working time of %s", "hours per week per person"},
	"results.productivity":   {"results per hour of direct work by %s", unitResults + " per hour"},
}

// orgParamLabels label the per-organization parameters,
// "org.<name>.field" and "org.<name>.field.<role>"; the role's singular
// replaces %s.
var orgParamLabels = map[string]Label{
	"positions":         {"%s positions", "positions"},
	"annual_turnover":   {"annual %s turnover", unitTurnover},
	"vacancy_weeks":     {"time a vacancy stays open", "weeks, mean"},
	"hire_alignment":    {"alignment of new hires", unitShare + ", mean"},
	"hire_alignment_sd": {"spread of new hires' alignment", "standard deviation"},
}

// roleWords are the roles in words, singular and plural.
var roleWords = map[string][2]string{
	"leader":    {"leader", "leaders"},
	"staff":     {"staff", "staff"},
	"volunteer": {"volunteer", "volunteers"},
	"member":    {"community member", "community members"},
}

// paramLabel returns the label of name and whether the registry knows
// it.
func paramLabel(name string) (Label, bool) {
	if l, ok := paramLabels[name]; ok {
		return l, true
	}
	parts := strings.Split(name, ".")
	last := parts[len(parts)-1]
	if len(parts) >= 2 {
		if words, ok := roleWords[last]; ok {
			if l, ok := roleParamLabels[strings.Join(parts[:len(parts)-1], ".")]; ok {
				l.Name = sub(l.Name, words[1])
				return l, true
			}
		}
	}
	if len(parts) < 3 || parts[0] != "org" {
		return Label{Name: name}, false
	}
	org, field := parts[1], parts[2]
	l, ok := orgParamLabels[field]
	if !ok {
		return Label{Name: name}, false
	}
	switch {
	case len(parts) == 3 && strings.Contains(l.Name, "%s"):
		// A group name: every role of the table.
		l.Name = sub(l.Name, "") + ", every role"
	case len(parts) == 4 && strings.Contains(l.Name, "%s"):
		words, ok := roleWords[parts[3]]
		if !ok {
			return Label{Name: name}, false
		}
		l.Name = sub(l.Name, words[0])
	case len(parts) != 3:
		return Label{Name: name}, false
	}
	if org != "*" {
		l.Name += " at " + org
	}
	return l, true
}

// sub puts w in place of %s in s and closes the gap an empty w leaves.
func sub(s, w string) string {
	return strings.Join(strings.Fields(strings.Replace(s, "%s", w, 1)), " ")
}
