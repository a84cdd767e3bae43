package sim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

func TestSet(t *testing.T) {
	for _, tc := range []struct {
		name, param string
		value       any
		wantErr     string // substring; "" for success
		check       func(p *sim.Params) bool
	}{
		{"float", "policy.relationship_share", 0.1, "", func(p *sim.Params) bool { return p.Policy.RelationshipShare == 0.1 }},
		{"float from string", "policy.relationship_share", "0.25", "", func(p *sim.Params) bool { return p.Policy.RelationshipShare == 0.25 }},
		{"int", "convening.interval", 2, "", func(p *sim.Params) bool { return p.Convening.Interval == 2 }},
		{"int from int64", "horizon", int64(52), "", func(p *sim.Params) bool { return p.Horizon == 52 }},
		{"bool", "convening.attend.staff", false, "", func(p *sim.Params) bool { return !p.Convening.Attend[sim.Staff] }},
		{"bool from string", "policy.sustained", "false", "", func(p *sim.Params) bool { return !p.Policy.Sustained }},
		{"enum", "policy.funder_model", "grantor-grantee", "", func(p *sim.Params) bool { return p.Policy.FunderModel == sim.GrantorGrantee }},
		{"org field", "org.parent_ed.vacancy_weeks", 3, "", func(p *sim.Params) bool { return p.Orgs[p.OrgIndex("parent_ed")].VacancyWeeks == 3 }},
		{"org role", "org.parent_ed.annual_turnover.staff", 0.4, "", func(p *sim.Params) bool {
			o := p.Orgs[p.OrgIndex("parent_ed")]
			return o.AnnualTurnover[sim.Staff] == 0.4 && o.AnnualTurnover[sim.Leader] == 0.09
		}},
		{"role group", "org.parent_ed.annual_turnover", 0.5, "", func(p *sim.Params) bool {
			return p.Orgs[p.OrgIndex("parent_ed")].AnnualTurnover == [sim.NumRoles]float64{0.5, 0.5, 0.5, 0.5}
		}},
		{"org wildcard", "org.*.hire_alignment", 0.9, "", func(p *sim.Params) bool {
			for _, o := range p.Orgs {
				if o.HireAlignment != 0.9 {
					return false
				}
			}
			return true
		}},
		{"out of range", "policy.relationship_share", 1.5, "policy.relationship_share: 1.5 is out of range; want a number from 0 to 1", nil},
		{"negative", "trust.decay", -0.1, "out of range", nil},
		{"not whole", "horizon", 10.5, "not a whole number", nil},
		{"wrong type", "policy.sustained", 3.0, "got a number; want true or false", nil},
		{"bad string number", "trust.decay", "fast", `"fast" is not a number`, nil},
		{"bad enum", "policy.funder_model", "benefactor", `"benefactor" is not allowed; want one of "grantor-grantee", "partnership"`, nil},
		{"unknown with suggestion", "policy.relationship_shar", 0.1, `unknown parameter; did you mean "policy.relationship_share"?`, nil},
		{"unknown org", "org.nobody.vacancy_weeks", 1, "unknown parameter", nil},
		{"group is not a prefix of scalars", "trust", 0.1, "unknown parameter", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sim.Default()
			err := p.Set(tc.param, tc.value)
			if tc.wantErr != "" {
				var pe *sim.ParamError
				if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Set(%q, %v) = %v, want *ParamError containing %q", tc.param, tc.value, err, tc.wantErr)
				}
				if pe.Name != tc.param {
					t.Errorf("error names %q, want %q", pe.Name, tc.param)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(&p) {
				t.Errorf("Set(%q, %v) did not take effect", tc.param, tc.value)
			}
			if err := p.Validate(); err != nil {
				t.Errorf("valid setting fails validation: %v", err)
			}
		})
	}
}

func TestGetRoundTrip(t *testing.T) {
	p := sim.Default()
	for _, s := range p.Specs() {
		v, err := p.Get(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		q := sim.Default()
		if err := q.Set(s.Name, v); err != nil {
			t.Fatalf("%s: its own value %q does not set: %v", s.Name, v, err)
		}
		if w, _ := q.Get(s.Name); w != v {
			t.Fatalf("%s: %q became %q", s.Name, v, w)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p *sim.Params)
		want   []string
	}{
		{"default is valid", func(p *sim.Params) {}, nil},
		{"duplicate org", func(p *sim.Params) { p.Orgs = append(p.Orgs, sim.DefaultOrg("parent_ed", sim.Nonprofit)) },
			[]string{`org[7].name: duplicate organization "parent_ed" (also org[3])`}},
		{"bad org name", func(p *sim.Params) { p.Orgs[0].Name = "Back Bone" }, []string{`org[0].name: "Back Bone" is not a valid name`}},
		{"members outside community", func(p *sim.Params) { p.Orgs[2].Positions[sim.Member] = 3 },
			[]string{"org.family_center.positions.member: only a community organization holds members"}},
		{"arrangement to missing org", func(p *sim.Params) { p.Arrangement[0].B.Org = "nowhere" },
			[]string{`arrangement[0].b.org: no organization "nowhere"`}},
		{"arrangement index past positions", func(p *sim.Params) { p.Arrangement[0].A.Index = 3 },
			[]string{"arrangement[0].a.index: family_center has 1 leader positions, index 3 is past them; want 0 to 0"}},
		{"event outside run", func(p *sim.Params) { p.Events = []sim.Event{{Step: 999, Kind: sim.Join, Org: "parent_ed"}} },
			[]string{"event[0].step: step 999 is outside the run; want 0 to 259"}},
		{"event role missing", func(p *sim.Params) {
			p.Events = []sim.Event{{Step: 1, Kind: sim.Leave, Who: sim.PersonRef{Org: "funder", Role: sim.Volunteer}}}
		}, []string{`event[0].who.role: organization "funder" has no volunteer positions`}},
		{"set event bad param", func(p *sim.Params) {
			p.Events = []sim.Event{{Step: 1, Kind: sim.Set, Param: "policy.handof_share", Value: "1"}}
		}, []string{`event[0].param: policy.handof_share: unknown parameter; did you mean "policy.handoff_share"?`}},
		{"set event changes structure", func(p *sim.Params) {
			p.Events = []sim.Event{{Step: 1, Kind: sim.Set, Param: "org.parent_ed.positions.staff", Value: "3"}}
		}, []string{"event[0].param: org.parent_ed.positions.staff cannot change during a run"}},
		{"history same org", func(p *sim.Params) { p.History[0].B = p.History[0].A }, []string{"history[0].b: a history joins two different organizations"}},
		{"several at once", func(p *sim.Params) { p.Trust.Decay = 2; p.Horizon = 0 },
			[]string{"horizon: 0 is out of range", "trust.decay: 2 is out of range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sim.Default()
			tc.change(&p)
			err := p.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var es sim.Errors
			if !errors.As(err, &es) {
				t.Fatalf("Validate() = %v, want sim.Errors", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("errors:\n%v\nwant one containing %q", err, w)
				}
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"policy.relationship_share", "policy.handoff_share", "trust.decay"}
	for _, tc := range []struct{ in, want string }{
		{"policy.relationshipshare", "policy.relationship_share"},
		{"trust.decy", "trust.decay"},
		{"completely.different.thing", ""},
	} {
		if got := sim.Suggest(tc.in, names); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSetEventsTakeEffect checks that set events change parameters that
// are cached in the state: the strongest-ties lists (sized by
// network.maintenance_focus) and the partnership weights of existing ties.
func TestSetEventsTakeEffect(t *testing.T) {
	p := sim.Default()
	p.Horizon = 30
	p.Events = []sim.Event{
		{Step: 5, Kind: sim.Set, Param: "network.maintenance_focus", Value: "12"},
		{Step: 10, Kind: sim.Set, Param: "partnership.leader_weight", Value: "0"},
		{Step: 10, Kind: sim.Set, Param: "partnership.staff_weight", Value: "0"},
	}
	m, err := sim.New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Partnership("family_center", "parent_ed"); s == 0 {
		t.Fatal("the shared history should make a partnership at the start")
	}
	for m.Week() < p.Horizon {
		met := m.Advance()
		if err := m.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		if met.Step >= 10 && met.PartnershipStrength != 0 {
			t.Fatalf("step %d: partnership strength %v with both weights 0", met.Step, met.PartnershipStrength)
		}
	}
}
