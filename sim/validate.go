package sim

import (
	"fmt"
	"regexp"
	"strings"
)

// MaxPeople bounds the person slots of one run (about 1 GiB of state at
// the memory use documented in docs/PERFORMANCE.md).
const MaxPeople = 5_000_000

var orgName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate checks every parameter against its range and every reference
// (organizations, roles, positions, parameter names) and returns all
// problems found as Errors, or nil. Paths name list entries the way a
// scenario file does: "org[1].name", "arrangement[0].a.index",
// "event[2].param", "history[0].b".
func (p *Params) Validate() error {
	var errs Errors
	add := func(name, problem, allowed string) {
		errs = append(errs, &ParamError{Name: name, Problem: problem, Allowed: allowed})
	}
	p.eachSpec(func(sp Spec) {
		if e := sp.check(); e != nil {
			errs = append(errs, e)
		}
	})

	if len(p.Orgs) == 0 {
		add("org", "no organizations", "a scenario needs at least two organizations")
	}
	seen := map[string]int{}
	for i := range p.Orgs {
		o := &p.Orgs[i]
		path := fmt.Sprintf("org[%d]", i)
		if !orgName.MatchString(o.Name) {
			add(path+".name", fmt.Sprintf("%q is not a valid name", o.Name), "use lower-case letters, digits and '_', starting with a letter")
		}
		if j, dup := seen[o.Name]; dup {
			add(path+".name", fmt.Sprintf("duplicate organization %q (also org[%d])", o.Name, j), "names must be unique")
		}
		seen[o.Name] = i
		if o.Kind >= numKinds {
			add(path+".kind", "invalid kind", "allowed: nonprofit, funder, backbone, community")
		}
		for r := Role(0); r < NumRoles; r++ {
			if o.Positions[r] == 0 {
				continue
			}
			if (o.Kind == Community) != (r == Member) {
				if o.Kind == Community {
					add(fmt.Sprintf("org.%s.positions.%s", o.Name, r), "a community organization holds members only", "set it to 0")
				} else {
					add(fmt.Sprintf("org.%s.positions.%s", o.Name, r), "only a community organization holds members", "set it to 0 or make the organization kind community")
				}
			}
		}
	}
	if n := p.People(); n > MaxPeople {
		add("org", fmt.Sprintf("%d positions in all", n), fmt.Sprintf("at most %d people in one run", MaxPeople))
	}

	ref := func(path string, r PersonRef) {
		oi := p.OrgIndex(r.Org)
		if oi < 0 {
			add(path+".org", fmt.Sprintf("no organization %q", r.Org), p.orgList())
			return
		}
		if r.Role >= NumRoles {
			add(path+".role", "invalid role", "allowed: leader, staff, volunteer, member")
			return
		}
		n := p.Orgs[oi].Positions[r.Role]
		if n == 0 {
			add(path+".role", fmt.Sprintf("organization %q has no %s positions", r.Org, r.Role), "name a role it has")
		} else if r.Index >= n {
			add(path+".index", fmt.Sprintf("%s has %d %s positions, index %d is past them", r.Org, n, r.Role, r.Index), fmt.Sprintf("want 0 to %d", n-1))
		}
	}

	for i, h := range p.History {
		path := fmt.Sprintf("history[%d]", i)
		for _, side := range []struct{ k, name string }{{"a", h.A}, {"b", h.B}} {
			if p.OrgIndex(side.name) < 0 {
				add(path+"."+side.k, fmt.Sprintf("no organization %q", side.name), p.orgList())
			}
		}
		if h.A == h.B {
			add(path+".b", "a history joins two different organizations", "name another organization")
		}
		if h.Trust < 0 || h.Trust > 1 {
			add(path+".trust", fmt.Sprintf("%g is out of range", h.Trust), "want a number from 0 to 1")
		}
		if h.StaffTies < 0 || h.StaffTies > 10000 {
			add(path+".staff_ties", fmt.Sprintf("%d is out of range", h.StaffTies), "want an integer from 0 to 10000")
		}
	}

	names := map[string]bool{}
	for i, a := range p.Arrangement {
		path := fmt.Sprintf("arrangement[%d]", i)
		if a.Name == "" {
			add(path+".name", "missing name", "give the arrangement a name")
		} else if names[a.Name] {
			add(path+".name", fmt.Sprintf("duplicate arrangement %q", a.Name), "names must be unique")
		}
		names[a.Name] = true
		ref(path+".a", a.A)
		ref(path+".b", a.B)
		if a.A.Org == a.B.Org {
			add(path+".b", "an arrangement joins two different organizations", "name a person of another organization")
		}
		if a.Value < 0 {
			add(path+".value", fmt.Sprintf("%g is negative", a.Value), "want a number of 0 or more")
		}
		if a.Trust < 0 || a.Trust > 1 {
			add(path+".trust", fmt.Sprintf("%g is out of range", a.Trust), "want a number from 0 to 1")
		}
	}

	for i, e := range p.Events {
		path := fmt.Sprintf("event[%d]", i)
		if e.Step < 0 || e.Step >= p.Horizon {
			add(path+".step", fmt.Sprintf("step %d is outside the run", e.Step), fmt.Sprintf("want 0 to %d (horizon-1)", p.Horizon-1))
		}
		switch e.Kind {
		case Leave:
			if e.Who.Index < 0 {
				r := e.Who
				r.Index = 0
				ref(path+".who", r)
			} else {
				ref(path+".who", e.Who)
			}
		case Join, Exit:
			if p.OrgIndex(e.Org) < 0 {
				add(path+".org", fmt.Sprintf("no organization %q", e.Org), p.orgList())
			}
		case Set:
			if e.Param == "horizon" || strings.Contains(e.Param, ".positions") {
				add(path+".param", e.Param+" cannot change during a run", "a set event changes behaviour, not the initiative's size or length")
				continue
			}
			q := p.Clone()
			if err := q.Set(e.Param, e.Value); err != nil {
				pe := err.(*ParamError)
				add(path+".param", pe.Name+": "+pe.Problem, pe.Allowed)
			}
		default:
			add(path+".kind", "invalid event kind", "allowed: leave, join, exit, set")
		}
	}
	return errs.Err()
}

func (p *Params) orgList() string {
	s := "organizations are:"
	for i := range p.Orgs {
		s += " " + p.Orgs[i].Name
	}
	return s
}
