package sim

import "fmt"

// scaledCity is the city initiative of the benchmarks with n nonprofits
// of 100 positions, one funder of 10 per 15 nonprofits, a backbone of 20
// and a community of 66 members per nonprofit: about 167 people per
// nonprofit. scaledCity(60), about 10,000 people, is the size of the
// bundled bench-city scenario.
func scaledCity(n int) Params {
	p := Default()
	p.Horizon = 520
	p.Orgs = nil
	bb := DefaultOrg("backbone", Backbone)
	bb.Positions = [NumRoles]int{1, 19, 0, 0}
	p.Orgs = append(p.Orgs, bb)
	for k := range max(1, n/15) {
		f := DefaultOrg(fmt.Sprintf("funder_%d", k), Funder)
		f.Positions = [NumRoles]int{1, 9, 0, 0}
		p.Orgs = append(p.Orgs, f)
	}
	for k := range n {
		o := DefaultOrg(fmt.Sprintf("nonprofit_%02d", k), Nonprofit)
		o.Positions = [NumRoles]int{1, 60, 39, 0}
		p.Orgs = append(p.Orgs, o)
	}
	c := DefaultOrg("community", Community)
	c.Positions = [NumRoles]int{0, 0, 0, 4000 * n / 60}
	p.Orgs = append(p.Orgs, c)
	p.History = []History{{A: "nonprofit_00", B: "nonprofit_01", LeaderTie: true, StaffTies: 5, Trust: 0.7}}
	p.Arrangement = []Arrangement{{Name: "priority_access",
		A: PersonRef{Org: "nonprofit_00", Role: Leader}, B: PersonRef{Org: "nonprofit_01", Role: Leader},
		Value: 20, Trust: 0.7}}
	return p
}
