package output

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// initiative is a Params of n organizations of every kind. With distinct
// set, each organization's hire_alignment differs from the others';
// otherwise every third keeps its kind's defaults and
// the others share a few changed values, as organizations of an [[org]]
// entry with a count do.
func initiative(n int, distinct bool) sim.Params {
	p := sim.Default()
	p.Trust.Decay = 0.05
	p.Policy.FunderModel = sim.Partnership
	p.Orgs, p.History, p.Arrangement, p.Events = nil, nil, nil, nil
	kinds := []sim.Kind{sim.Nonprofit, sim.Funder, sim.Backbone, sim.Community}
	for k := range n {
		o := sim.DefaultOrg(fmt.Sprintf("o_%d", k), kinds[k%len(kinds)])
		switch {
		case distinct:
			o.HireAlignment = float64(k+1) / float64(n+1)
		case k%3 == 1:
			o.Positions[sim.Leader] = 2
			o.AnnualTurnover[sim.Leader] = 0.25
		case k%3 == 2:
			o.HireAlignment = 0.9
		}
		p.Orgs = append(p.Orgs, o)
	}
	return p
}

// fresh is p's start as simParams makes it: the defaults, with p's
// organizations at their kind's defaults and p's lists.
func fresh(p *sim.Params) sim.Params {
	q := sim.Default()
	q.Orgs = make([]sim.Org, len(p.Orgs))
	for i, o := range p.Orgs {
		q.Orgs[i] = sim.DefaultOrg(o.Name, o.Kind)
	}
	q.History, q.Arrangement, q.Events = p.History, p.Arrangement, p.Events
	return q
}

// TestSetParamsAsSetEach checks that setParams, which sets an
// organization's parameters on a view of it alone, and organizations set
// alike once, gives the parameters and the errors that p.Set on each
// setting in turn gives.
func TestSetParamsAsSetEach(t *testing.T) {
	p := initiative(40, false)
	all := newManifestPoint(&batch.Point{Params: p}).Params
	dup := initiative(4, false)
	dup.Orgs[3].Name = dup.Orgs[0].Name
	tests := []struct {
		name     string
		p        sim.Params
		settings []setting
		wantErr  bool
		start    func(*sim.Params) // changes the start, if not nil
	}{
		{"every parameter", p, all, false, nil},
		{"org.* last", p, append(all[:len(all):len(all)], setting{"org.*.vacancy_weeks", "3"}), false, nil},
		{"org.* first", p, append([]setting{{"org.*.vacancy_weeks", "3"}}, all...), false, nil},
		{"a group name", p, []setting{{"org.o_1.annual_turnover", "0.5"}, {"trust.decay", "0.01"}}, false, nil},
		{"an organization twice", dup, newManifestPoint(&batch.Point{Params: dup}).Params, false, nil},
		{"unknown organization", p, []setting{{"trust.decay", "0.01"}, {"org.nobody.vacancy_weeks", "3"}}, true, nil},
		{"out of range", p, []setting{{"org.o_5.vacancy_weeks", "-1"}}, true, nil},
		{"misspelt organization parameter", p, []setting{{"org.o_5.vacancy_week", "3"}}, true, nil},
		{"misspelt parameter", p, []setting{{"trust.decy", "0.01"}}, true, nil},
		{"organization without field", p, []setting{{"org.o_5", "3"}}, true, nil},
		{"not a number", p, []setting{{"org.o_2.positions.staff", "many"}}, true, nil},
		// A value out of range is refused even where p has it already.
		{"out of range already", p, []setting{{"org.o_1.vacancy_weeks", "600"}}, true,
			func(q *sim.Params) { q.Orgs[1].VacancyWeeks = 600 }},
		{"out of range already, not an organization's", p, []setting{{"trust.decay", "2"}}, true,
			func(q *sim.Params) { q.Trust.Decay = 2 }},
		{"NaN already", p, []setting{{"trust.decay", "NaN"}}, true,
			func(q *sim.Params) { q.Trust.Decay = math.NaN() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := fresh(&tt.p), fresh(&tt.p)
			if tt.start != nil {
				tt.start(&got)
				tt.start(&want)
			}
			gotErr, wantErr := setParams(&got, tt.settings), setEach(&want, tt.settings)
			if (wantErr != nil) != tt.wantErr {
				t.Fatalf("p.Set in turn: error %v, want an error: %v", wantErr, tt.wantErr)
			}
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Errorf("error %v, want %v", gotErr, wantErr)
			}
			if tt.wantErr {
				return
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("parameters\n%+v\nwant\n%+v", got, want)
			}
		})
	}
	// The first case is the manifest's own: it gives back p.
	got := fresh(&p)
	if err := setParams(&got, all); err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("parameters from the manifest (error %v)\n%+v\nwant\n%+v", err, got, p)
	}
}

// TestManifestParamsLinearInOrganizations checks that rebuilding a design
// point's parameters from the manifest (which Close and Redraw do for
// every point) costs about as much more as the point has more
// organizations, not the square of that: setting the parameters of one
// organization must not look through those of every organization, as
// sim.Params.Set does. Allocations are counted, not time, so that a
// loaded machine cannot make the test fail: four times the
// organizations, each with values of its own, allocate about four times
// as much when the cost is linear and sixteen times when it is quadratic
// (each p.Set allocates p.Specs(), every organization's specs).
func TestManifestParamsLinearInOrganizations(t *testing.T) {
	allocs := func(n int) float64 {
		p := initiative(n, true)
		mp := newManifestPoint(&batch.Point{Params: p})
		return testing.AllocsPerRun(1, func() {
			if _, err := mp.simParams(); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(50), allocs(200)
	t.Logf("allocations: %.0f for 50 organizations, %.0f for 200", small, large)
	if ratio := large / small; ratio > 6 {
		t.Errorf("4x the organizations allocate %.1fx as much (%.0f and %.0f), want about 4x: a cost grows with the square of the organizations", ratio, small, large)
	}
}
