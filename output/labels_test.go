package output

import (
	"strings"
	"testing"

	"github.com/trustsim/trustsim/scenarios"
	"github.com/trustsim/trustsim/sim"
)

// TestEveryNameHasALabel checks that the registry labels every parameter
// of every bundled scenario's specs (so every organization and role),
// their org.*.… and per-role group patterns, every metric and every
// runs.csv column: a new parameter or metric cannot ship without words.
func TestEveryNameHasALabel(t *testing.T) {
	names := map[string]bool{}
	add := func(p *sim.Params) {
		for _, s := range p.Specs() {
			names[s.Name] = true
			parts := strings.Split(s.Name, ".")
			if parts[0] == "org" {
				parts[1] = "*"
				names[strings.Join(parts, ".")] = true
				if _, err := sim.ParseRole(parts[len(parts)-1]); err == nil {
					names[strings.Join(parts[:len(parts)-1], ".")] = true
				}
			}
		}
	}
	d := sim.Default()
	add(&d)
	for _, b := range scenarios.Bundled() {
		sc, err := scenarios.Load(b.Name)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := sc.Plan()
		if err != nil {
			t.Fatal(err)
		}
		for i := range plan.Points {
			add(&plan.Points[i].Params)
		}
	}
	for n := range names {
		l, ok := paramLabel(n)
		if !ok {
			t.Errorf("parameter %s has no label", n)
			continue
		}
		checkLabel(t, n, l)
	}
	for _, m := range sim.MetricNames() {
		e, ok := metricEntries[m]
		if !ok {
			t.Errorf("metric %s has no label", m)
			continue
		}
		checkLabel(t, m, e.Label)
		if !(e.support.lo < e.support.hi) {
			t.Errorf("metric %s: support [%v, %v]", m, e.support.lo, e.support.hi)
		}
	}
	if len(metricEntries) != len(sim.MetricNames()) {
		t.Errorf("%d metric labels for %d metrics", len(metricEntries), len(sim.MetricNames()))
	}
	for _, c := range runColumns {
		l, ok := runColumnLabels[c]
		if !ok {
			t.Errorf("runs.csv column %s has no label", c)
			continue
		}
		checkLabel(t, c, l)
	}
	for _, r := range sim.RoleNames() {
		if _, ok := roleWords[r]; !ok {
			t.Errorf("role %s has no words", r)
		}
	}
}

// checkLabel checks that a label is plain words: no dotted or snake_case
// name and no placeholder left in it (an organization's name, which the
// scenario chooses, aside).
func checkLabel(t *testing.T, name string, l Label) {
	t.Helper()
	s := l.String()
	if parts := strings.Split(name, "."); parts[0] == "org" && parts[1] != "*" {
		s = strings.Replace(s, " at "+parts[1], "", 1)
	}
	if l.Name == "" || strings.ContainsAny(s, "._%") {
		t.Errorf("%s: label %q is not plain words", name, l.String())
	}
}

func TestParamLabel(t *testing.T) {
	tests := []struct{ name, want string }{
		{"org.*.annual_turnover.staff", "annual staff turnover (share leaving per year)"},
		{"org.parent_ed.annual_turnover.leader", "annual leader turnover at parent_ed (share leaving per year)"},
		{"org.*.annual_turnover", "annual turnover, every role (share leaving per year)"},
		{"org.food_bank.positions.member", "community member positions at food_bank (positions)"},
		{"org.*.vacancy_weeks", "time a vacancy stays open (weeks, mean)"},
		{"policy.relationship_share", "working time for relationship building (share of hours)"},
		{"policy.funder_model", "funder model"},
		{"convening.attend.volunteer", "volunteers invited to convenings (yes/no)"},
		{"results.hours_per_week.staff", "working time of staff (hours per week per person)"},
		{"no.such.name", "no.such.name"},
		{"org.x.no_field", "org.x.no_field"},
		{"org.x.annual_turnover.boss", "org.x.annual_turnover.boss"},
	}
	for _, tt := range tests {
		if got := ParamLabel(tt.name).String(); got != tt.want {
			t.Errorf("ParamLabel(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMetricAndRunColumnLabels(t *testing.T) {
	tests := []struct{ got, want string }{
		{MetricLabel("results").String(), "results (effective service hours per week)"},
		{MetricLabel("cross_org_trust").String(), "cross-organization trust (0–1)"},
		{MetricLabel("departures").String(), "departures (people per week)"},
		{RunColumnLabel("departures").String(), "departures per run (people)"},
		{MetricLabel("happiness").String(), "happiness"},
		{RunColumnLabel("seed").String(), "seed"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
