package scenarios

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

const expansionSrc = `
name = "grid"
replicates = 3
seed = 7
every = 2

[sweep]
"policy.relationship_share" = [0, 0.1]
"org.*.annual_turnover.staff" = { from = 0.1, to = 0.3, step = 0.1 }

[[strategy]]
name = "grantor"
"policy.funder_model" = "grantor-grantee"

[[strategy]]
name = "partner"
"policy.funder_model" = "partnership"
policy.handoff_share = 0.5
`

// TestPlanExpansion checks the order and number of design points:
// strategies outermost, then the sweeps in file order, the last fastest.
func TestPlanExpansion(t *testing.T) {
	s, err := Parse("grid.toml", []byte(expansionSrc))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(plan.Swept, " "), "policy.relationship_share org.*.annual_turnover.staff"; got != want {
		t.Errorf("Swept = %q, want %q", got, want)
	}
	var labels []string
	for i, pt := range plan.Points {
		if pt.Index != i {
			t.Errorf("point %d has Index %d", i, pt.Index)
		}
		labels = append(labels, pt.Label())
	}
	want := []string{}
	for _, st := range []string{"grantor", "partner"} {
		for _, rs := range []string{"0", "0.1"} {
			for _, to := range []string{"0.1", "0.2", "0.3"} {
				want = append(want, st+", policy.relationship_share="+rs+", org.*.annual_turnover.staff="+to)
			}
		}
	}
	if strings.Join(labels, "\n") != strings.Join(want, "\n") {
		t.Errorf("points:\n%s\nwant:\n%s", strings.Join(labels, "\n"), strings.Join(want, "\n"))
	}
	if plan.NumRuns() != 12*3 || plan.Replicates != 3 || plan.BaseSeed != 7 || plan.Every != 2 || plan.Scenario != "grid" {
		t.Errorf("plan = %d runs, replicates %d, seed %d, every %d, scenario %q", plan.NumRuns(), plan.Replicates, plan.BaseSeed, plan.Every, plan.Scenario)
	}
	if s.NumPoints() != 12 {
		t.Errorf("NumPoints = %d, want 12", s.NumPoints())
	}
	// The parameters of each point carry its settings, and points share
	// no slices.
	last := plan.Points[11].Params
	if last.Policy.FunderModel != sim.Partnership || last.Policy.HandoffShare != 0.5 || last.Policy.RelationshipShare != 0.1 {
		t.Errorf("last point's policy = %+v", last.Policy)
	}
	for _, o := range last.Orgs {
		if o.AnnualTurnover[sim.Staff] != 0.3 {
			t.Errorf("org %s staff turnover = %g, want 0.3", o.Name, o.AnnualTurnover[sim.Staff])
		}
	}
	first := plan.Points[0].Params
	if first.Policy.FunderModel != sim.GrantorGrantee || first.Policy.HandoffShare != 0 || first.Orgs[0].AnnualTurnover[sim.Staff] != 0.1 {
		t.Errorf("first point: policy %+v, turnover %v", first.Policy, first.Orgs[0].AnnualTurnover)
	}
}

// TestPlanNoSweep checks that a scenario with neither strategies nor
// sweeps is one unnamed design point, the base.
func TestPlanNoSweep(t *testing.T) {
	s, err := Parse("one.toml", []byte("horizon = 20\n"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Points) != 1 || plan.Points[0].Strategy != "" || len(plan.Points[0].Swept) != 0 || len(plan.Swept) != 0 {
		t.Fatalf("plan = %+v", plan)
	}
	if plan.Points[0].Label() != "baseline" || plan.Points[0].Params.Horizon != 20 || plan.Scenario != "one" || plan.Replicates != 1 {
		t.Errorf("point %q horizon %d, scenario %q, replicates %d", plan.Points[0].Label(), plan.Points[0].Params.Horizon, plan.Scenario, plan.Replicates)
	}
}

// TestParse checks what a scenario's keys do to the parameters.
func TestParse(t *testing.T) {
	src := `
horizon = 52
[trust]
growth_per_hour = 0.01
[convening]
attend = ["leader", "staff"]
[params]
"org.*.vacancy_weeks" = 6
"org.b_1.vacancy_weeks" = 9
"results.hours_per_week" = { staff = 35 }

[[org]]
name = "a"
kind = "nonprofit"
positions = { staff = 3 }
annual_turnover = 0.2

[[org]]
name = "b"
kind = "funder"
count = 2
annual_turnover = { leader = 0.05 }

[[org]]
name = "community"
kind = "community"
positions = { member = 7 }

[[history]]
a = "a"
b = "b_2"
staff_ties = 2

[[arrangement]]
name = "deal"
a = "a"
b = { org = "b_1", role = "staff", index = 2 }

[[event]]
step = 5
kind = "leave"
who = "a/staff/all"

[[event]]
step = 6
kind = "set"
param = "policy.funder_model"
value = "grantor-grantee"
`
	s, err := Parse("p.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := s.base
	if p.Horizon != 52 || p.Trust.GrowthPerHour != 0.01 || p.Results.HoursPerWeek[sim.Staff] != 35 {
		t.Errorf("horizon %d, growth %g, staff hours %g", p.Horizon, p.Trust.GrowthPerHour, p.Results.HoursPerWeek[sim.Staff])
	}
	if p.Convening.Attend != [sim.NumRoles]bool{true, true, false, false} {
		t.Errorf("attend = %v", p.Convening.Attend)
	}
	var names []string
	for _, o := range p.Orgs {
		names = append(names, o.Name)
	}
	if strings.Join(names, " ") != "a b_1 b_2 community" {
		t.Fatalf("orgs = %v", names)
	}
	a, b1 := p.Orgs[0], p.Orgs[1]
	def := sim.DefaultOrg("a", sim.Nonprofit)
	if a.Positions != [sim.NumRoles]int{1, 3, def.Positions[sim.Volunteer], 0} || a.AnnualTurnover != [sim.NumRoles]float64{0.2, 0.2, 0.2, 0.2} || a.VacancyWeeks != 6 {
		t.Errorf("a = %+v", a)
	}
	if b1.Kind != sim.Funder || b1.AnnualTurnover[sim.Leader] != 0.05 || b1.AnnualTurnover[sim.Staff] != sim.DefaultOrg("x", sim.Funder).AnnualTurnover[sim.Staff] || b1.VacancyWeeks != 9 || p.Orgs[2].VacancyWeeks != 6 {
		t.Errorf("b_1 = %+v", b1)
	}
	if len(p.History) != 1 || p.History[0] != (sim.History{A: "a", B: "b_2", LeaderTie: true, StaffTies: 2, Trust: defaultHistoryTrust}) {
		t.Errorf("history = %+v", p.History)
	}
	wantArr := sim.Arrangement{Name: "deal", A: sim.PersonRef{Org: "a"}, B: sim.PersonRef{Org: "b_1", Role: sim.Staff, Index: 2}, Value: defaultArrangementValue, Trust: defaultArrangementTrust}
	if len(p.Arrangement) != 1 || p.Arrangement[0] != wantArr {
		t.Errorf("arrangement = %+v", p.Arrangement)
	}
	wantEv := []sim.Event{
		{Step: 5, Kind: sim.Leave, Who: sim.PersonRef{Org: "a", Role: sim.Staff, Index: -1}},
		{Step: 6, Kind: sim.Set, Param: "policy.funder_model", Value: "grantor-grantee"},
	}
	if len(p.Events) != 2 || p.Events[0] != wantEv[0] || p.Events[1] != wantEv[1] {
		t.Errorf("events = %+v", p.Events)
	}
}

// TestDefaults checks that a scenario without lists keeps sim.Default's
// organizations, history and arrangement, and that [[org]] drops them.
func TestDefaults(t *testing.T) {
	def := sim.Default()
	s, err := Parse("d.toml", []byte("[[history]]\na = \"food_bank\"\nb = \"youth_league\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.base.Orgs) != len(def.Orgs) || len(s.base.Arrangement) != len(def.Arrangement) || len(s.base.History) != 1 || s.base.History[0].A != "food_bank" {
		t.Errorf("orgs %d, arrangements %d, history %+v", len(s.base.Orgs), len(s.base.Arrangement), s.base.History)
	}
	s, err = Parse("d.toml", []byte("[[org]]\nname = \"x\"\nkind = \"nonprofit\"\n[[org]]\nname = \"y\"\nkind = \"nonprofit\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.base.Orgs) != 2 || len(s.base.History) != 0 || len(s.base.Arrangement) != 0 {
		t.Errorf("orgs %d, history %d, arrangements %d", len(s.base.Orgs), len(s.base.History), len(s.base.Arrangement))
	}
	s, err = Parse("d.toml", []byte("history = []\narrangement = []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.base.History) != 0 || len(s.base.Arrangement) != 0 {
		t.Errorf("empty lists kept history %d, arrangements %d", len(s.base.History), len(s.base.Arrangement))
	}
}

func TestOverride(t *testing.T) {
	base := `
horizon = 100
[[event]]
step = 50
kind = "leave"
who = "parent_ed/leader/0"
[sweep]
"policy.relationship_share" = [0, 0.1]
"policy.engagement" = [0.2, 0.8]
[[strategy]]
name = "s"
"policy.handoff_share" = 0.3
`
	tests := []struct {
		name, value string
		err         string // "" for none
		check       func(t *testing.T, s *Scenario)
	}{
		{"replicates", "4", "", func(t *testing.T, s *Scenario) { expect(t, s.Replicates, 4) }},
		{"replicates", "0", "--set: replicates: \"0\" is not allowed; want an integer from 1 to 1000000", nil},
		{"seed", "18446744073709551615", "", func(t *testing.T, s *Scenario) { expect(t, s.Seed, uint64(1<<64-1)) }},
		{"seed", "-1", "--set: seed: \"-1\" is not allowed; want an integer from 0 to 18446744073709551615", nil},
		{"every", "5", "", func(t *testing.T, s *Scenario) { expect(t, s.Every, 5) }},
		{"horizon", "60", "", func(t *testing.T, s *Scenario) { expect(t, point(t, s, 0).Horizon, 60) }},
		{"trust.decay", "0.03", "", func(t *testing.T, s *Scenario) { expect(t, point(t, s, 3).Trust.Decay, 0.03) }},
		{"trust.decay", "2", "--set: trust.decay: 2 is out of range; want a number from 0 to 1", nil},
		{"trust.decay", "fast", "--set: trust.decay: \"fast\" is not a number; want a number from 0 to 1", nil},
		{"trust.decy", "0.1", "--set: trust.decy: unknown key or parameter; did you mean \"trust.decay\"?", nil},
		{"org.nobody.vacancy_weeks", "1", "--set: org.nobody.vacancy_weeks: no organization \"nobody\"; allowed: backbone, funder, family_center, parent_ed, food_bank, youth_league, community", nil},
		{"org.*.vacancy_weeks", "3", "", func(t *testing.T, s *Scenario) { expect(t, point(t, s, 0).Orgs[4].VacancyWeeks, 3.0) }},
		{"org.parent_ed.annual_turnover", "0.5", "", func(t *testing.T, s *Scenario) {
			expect(t, point(t, s, 0).Orgs[3].AnnualTurnover, [sim.NumRoles]float64{0.5, 0.5, 0.5, 0.5})
		}},
		{"convening.attend", "leader, staff", "", func(t *testing.T, s *Scenario) {
			expect(t, point(t, s, 0).Convening.Attend, [sim.NumRoles]bool{true, true, false, false})
		}},
		{"convening.attend", "false", "", func(t *testing.T, s *Scenario) {
			expect(t, point(t, s, 0).Convening.Attend, [sim.NumRoles]bool{})
		}},
		{"convening.attend", "leaders", "--set: convening.attend: unknown role \"leaders\"; did you mean \"leader\"? allowed: leader, staff, volunteer, member; write true, false or a list such as \"leader,staff\"", nil},
		{"policy.funder_model", "grantor-grantee", "", func(t *testing.T, s *Scenario) { expect(t, point(t, s, 0).Policy.FunderModel, sim.GrantorGrantee) }},
		// A --set wins over the strategy's setting.
		{"policy.handoff_share", "0.9", "", func(t *testing.T, s *Scenario) { expect(t, point(t, s, 2).Policy.HandoffShare, 0.9) }},
		// A swept parameter set on the command line is no longer swept.
		{"policy.relationship_share", "0.2", "", func(t *testing.T, s *Scenario) {
			plan, err := s.Plan()
			if err != nil {
				t.Fatal(err)
			}
			// Two points, each after its paired no-events counterfactual.
			expect(t, len(plan.Points), 4)
			expect(t, strings.Join(plan.Swept, ","), "policy.engagement")
			expect(t, plan.Points[2].Counterfactual, true)
			expect(t, plan.Points[3].Params.Policy.RelationshipShare, 0.2)
			expect(t, plan.Points[3].Params.Policy.Engagement, 0.8)
		}},
		// Plan checks what an override does to the design points.
		{"horizon", "10", "", func(t *testing.T, s *Scenario) {
			_, err := s.Plan()
			var el ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("Plan() = %v, want an ErrorList", err)
			}
			expect(t, err.Error(), "o.toml:4:8: event[0].step: step 50 is outside the run (after --set horizon=10); want 0 to 9 (horizon-1)")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			s, err := Parse("o.toml", []byte(base))
			if err != nil {
				t.Fatal(err)
			}
			err = s.Override(tt.name, tt.value)
			if tt.err != "" {
				var el ErrorList
				if !errors.As(err, &el) || len(el) != 1 || el[0].File != "--set" {
					t.Fatalf("Override = %v, want one --set error", err)
				}
				expect(t, err.Error(), tt.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
}

func point(t *testing.T, s *Scenario, i int) sim.Params {
	t.Helper()
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	return plan.Points[i].Params
}

func expect[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestPlanPlotsAndSettings checks what Plan passes on besides the
// parameters: the [[plot]] requests in file order, and each point's
// strategy settings as written, less those a --set override replaces.
func TestPlanPlotsAndSettings(t *testing.T) {
	src := `
replicates = 2
[[event]]
step = 10
kind = "leave"
who = "parent_ed/leader/0"

[sweep]
"policy.relationship_share" = [0, 0.1]
"org.*.annual_turnover.staff" = [0.1, 0.3]

[[strategy]]
name = "leaders only"
description = "Only leaders meet."
"convening.attend" = ["leader"]
"policy.handoff_share" = 0.5

[[strategy]]
name = "partner"
"policy.funder_model" = "partnership"
"org.*.vacancy_weeks" = 6

[[plot]]
kind = "heatmap"
metric = "cross_org_trust"

[[plot]]
kind = "event"
metric = "partnership_strength"

[[plot]]
kind = "strategies"
`
	leaders := []batch.Setting{
		{Name: "convening.attend.leader", Value: "true"}, {Name: "convening.attend.staff", Value: "false"},
		{Name: "convening.attend.volunteer", Value: "false"}, {Name: "convening.attend.member", Value: "false"},
		{Name: "policy.handoff_share", Value: "0.5"},
	}
	partner := []batch.Setting{{Name: "policy.funder_model", Value: "partnership"}, {Name: "org.*.vacancy_weeks", Value: "6"}}
	tests := []struct {
		name      string
		overrides [][2]string
		leaders   []batch.Setting
		partner   []batch.Setting
		points    int
	}{
		// Each point comes with its paired no-events counterfactual.
		{"as written", nil, leaders, partner, 16},
		{"overridden", [][2]string{{"policy.handoff_share", "0.2"}, {"org.family_center.vacancy_weeks", "3"}, {"policy.relationship_share", "0.05"}},
			leaders[:4], partner, 8},
		{"all replaced", [][2]string{{"convening.attend", "staff"}, {"org.*.vacancy_weeks", "3"}},
			leaders[4:], partner[:1], 16},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("plots.toml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range tc.overrides {
				if err := s.Override(o[0], o[1]); err != nil {
					t.Fatal(err)
				}
			}
			plan, err := s.Plan()
			if err != nil {
				t.Fatal(err)
			}
			wantPlots := []batch.PlotRequest{{Kind: "heatmap", Metric: "cross_org_trust"}, {Kind: "event", Metric: "partnership_strength"}, {Kind: "strategies", Metric: "results"}}
			if !reflect.DeepEqual(plan.Plots, wantPlots) {
				t.Errorf("Plots = %v, want %v", plan.Plots, wantPlots)
			}
			if len(plan.Points) != tc.points {
				t.Fatalf("%d points, want %d", len(plan.Points), tc.points)
			}
			for _, pt := range plan.Points {
				want, desc := tc.leaders, "Only leaders meet."
				if pt.Strategy == "partner" {
					want, desc = tc.partner, ""
				}
				if !reflect.DeepEqual(pt.Settings, want) && !(len(pt.Settings) == 0 && len(want) == 0) {
					t.Errorf("point %d (%s): Settings = %v, want %v", pt.Index, pt.Strategy, pt.Settings, want)
				}
				if pt.StrategyDescription != desc {
					t.Errorf("point %d: StrategyDescription = %q, want %q", pt.Index, pt.StrategyDescription, desc)
				}
			}
			// Points share no Settings slice: changing one changes no other.
			if len(plan.Points[0].Settings) > 0 {
				plan.Points[0].Settings[0].Value = "changed"
				if plan.Points[1].Settings[0].Value == "changed" {
					t.Error("points share their Settings")
				}
			}
		})
	}

	// A plan without strategies or plots has neither.
	s, err := Parse("one.toml", []byte("horizon = 20\n"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Plots) != 0 || len(plan.Points[0].Settings) != 0 || plan.Points[0].StrategyDescription != "" {
		t.Errorf("plan of a bare scenario: plots %v, settings %v", plan.Plots, plan.Points[0].Settings)
	}
}

// TestOverrideSweeps checks what --set does to a sweep it overlaps under
// another name: an override that sets every parameter the sweep sets
// replaces it; one that sets only some of them is an error, since the
// design points' labels would say values they do not have.
func TestOverrideSweeps(t *testing.T) {
	src := `
horizon = 20
[sweep]
"policy.relationship_share" = [0, 0.1]
"org.*.annual_turnover.staff" = [0, 0.2, 0.4]
`
	tests := []struct {
		name      string
		overrides [][2]string
		swept     string // plan.Swept joined with spaces, when no error
		err       string
	}{
		{"exact name", [][2]string{{"org.*.annual_turnover.staff", "0.3"}}, "policy.relationship_share", ""},
		{"group name", [][2]string{{"org.*.annual_turnover", "0.3"}}, "policy.relationship_share", ""},
		{"unrelated", [][2]string{{"org.*.annual_turnover.leader", "0.3"}}, "policy.relationship_share org.*.annual_turnover.staff", ""},
		{"one organization", [][2]string{{"org.parent_ed.annual_turnover.staff", "0.3"}}, "",
			`--set: org.parent_ed.annual_turnover.staff: overrides 1 of the 7 parameters that the sweep of "org.*.annual_turnover.staff" sets, so the design points' labels would be wrong; override the whole sweep (--set org.*.annual_turnover.staff=VALUE) or none of it`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("sw.toml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range tc.overrides {
				if err := s.Override(o[0], o[1]); err != nil {
					t.Fatal(err)
				}
			}
			plan, err := s.Plan()
			if tc.err != "" {
				var el ErrorList
				if !errors.As(err, &el) {
					t.Fatalf("Plan() = %v, want an ErrorList", err)
				}
				expect(t, err.Error(), tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			expect(t, strings.Join(plan.Swept, " "), tc.swept)
			expect(t, len(plan.Points), s.NumPoints())
			for _, pt := range plan.Points {
				for _, sw := range pt.Swept {
					if sw.Name == "org.*.annual_turnover.staff" && len(tc.overrides) > 0 && tc.swept != tc.overrides[0][0] {
						// Only an unrelated override keeps the sweep.
						if pt.Params.Orgs[3].AnnualTurnover[sim.Staff] != mustFloat(t, sw.Value) {
							t.Errorf("point %d labelled %s=%s has %g", pt.Index, sw.Name, sw.Value, pt.Params.Orgs[3].AnnualTurnover[sim.Staff])
						}
					}
				}
				if tc.name != "unrelated" && pt.Params.Orgs[3].AnnualTurnover[sim.Staff] != 0.3 {
					t.Errorf("point %d: parent_ed staff turnover %g, want 0.3", pt.Index, pt.Params.Orgs[3].AnnualTurnover[sim.Staff])
				}
			}
		})
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestPlanBlamesFlags checks that a design-point problem that a flag
// caused names the flag: File "--replicates" or "--set" when the flag set
// the value at fault, else the file's position with "(after --set ...)".
func TestPlanBlamesFlags(t *testing.T) {
	src := `
horizon = 100
replicates = 2
[[event]]
step = 50
kind = "leave"
who = "parent_ed/leader/0"
[sweep]
"policy.relationship_share" = { from = 0, to = 1, step = 0.001 }
`
	tests := []struct {
		name      string
		overrides [][2]string
		err       string
	}{
		{"replicates", [][2]string{{"replicates", "1000000"}},
			"--replicates: replicates: 2002 design points (half of them paired no-events counterfactuals) × 1000000 replicates = 2002000000 runs need about 119.4 GiB of memory to plan and aggregate (about 49.4 KiB per design point, 64 B per run); at most 2.0 GiB; use fewer replicates, sweep values or strategies, or a shorter horizon"},
		{"people", [][2]string{{"org.*.positions.staff", "1000000"}},
			"--set: org.*.positions.staff: 7000062 people per run need about 6.7 GiB of memory (about 1 KiB per person); at most 5000000 people per run (about 4.8 GiB)"},
		{"horizon", [][2]string{{"horizon", "20"}},
			"o.toml:5:8: event[0].step: step 50 is outside the run (after --set horizon=20); want 0 to 19 (horizon-1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("o.toml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range tc.overrides {
				if err := s.Override(o[0], o[1]); err != nil {
					t.Fatal(err)
				}
			}
			_, err = s.Plan()
			var el ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("Plan() = %v, want an ErrorList", err)
			}
			expect(t, err.Error(), tc.err)
		})
	}
}

// TestSeed checks the range of the seed key: a TOML integer reaches
// 2^63-1 only, so seeds up to 2^64-1 (as --seed takes them and
// manifest.json records them) are written as quoted strings.
func TestSeed(t *testing.T) {
	const allowed = "want an integer from 0 to 9223372036854775807, or one up to 18446744073709551615 in quotes"
	tests := []struct {
		src  string
		want uint64
		err  string
	}{
		{"seed = 42", 42, ""},
		{"seed = 9223372036854775807", 1<<63 - 1, ""},
		{`seed = "9223372036854775808"`, 1 << 63, ""},
		{`seed = "18446744073709551615"`, 1<<64 - 1, ""},
		{"seed = -1", 0, "s.toml:1:8: seed: -1 is out of range; " + allowed},
		{`seed = "18446744073709551616"`, 0, `s.toml:1:8: seed: "18446744073709551616" is out of range; ` + allowed},
		{`seed = "forty-two"`, 0, `s.toml:1:8: seed: "forty-two" is not an integer; ` + allowed},
		{"seed = 1.5", 0, "s.toml:1:8: seed: 1.5 is not a whole number; " + allowed},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			s, err := Parse("s.toml", []byte(tc.src+"\n"))
			if tc.err != "" {
				var el ErrorList
				if !errors.As(err, &el) {
					t.Fatalf("Parse = %v, want an ErrorList", err)
				}
				expect(t, err.Error(), tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			expect(t, s.Seed, tc.want)
		})
	}
}
