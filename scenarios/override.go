package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/sim"
)

// overrideFile is the File of errors in command-line overrides.
const overrideFile = "--set"

// Override sets name to value as `trustsim run --set name=value` does:
// "replicates", "seed", "every", or any parameter by its dotted name
// ("horizon" included, group and org.* names too; convening.attend also
// takes a comma-separated list of roles). A parameter override applies to
// every design point after the strategies and sweeps; overriding a swept
// parameter replaces its sweep by the one value. The value is checked
// against the parameter's type and range here; Plan checks the design
// points it changes. Errors are an ErrorList whose File is "--set".
func (s *Scenario) Override(name, value string) error {
	bad := func(problem, allowed string) error {
		return ErrorList{{File: overrideFile, Name: name, Problem: problem, Allowed: allowed}}
	}
	value = strings.TrimSpace(value)
	switch name {
	case "replicates", "every":
		hi := int64(maxReplicates)
		if name == "every" {
			hi = maxWeeks
		}
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 1 || n > hi {
			return bad(fmt.Sprintf("%q is not allowed", value), fmt.Sprintf("want an integer from 1 to %d", hi))
		}
		if name == "every" {
			s.Every = int(n)
		} else {
			s.Replicates = int(n)
			s.replicatesSet = true
		}
		return nil
	case "seed":
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return bad(fmt.Sprintf("%q is not allowed", value), "want an integer from 0 to 18446744073709551615")
		}
		s.Seed = n
		return nil
	}
	var set []assign
	if name == "convening.attend" && value != "true" && value != "false" {
		in := map[string]bool{}
		for _, r := range strings.Split(value, ",") {
			r = strings.TrimSpace(r)
			if _, err := sim.ParseRole(r); err != nil {
				return bad(fmt.Sprintf("unknown role %q", r), allowedList(r, sim.RoleNames())+`; write true, false or a list such as "leader,staff"`)
			}
			in[r] = true
		}
		for _, r := range sim.RoleNames() {
			set = append(set, assign{name: name + "." + r, value: in[r], text: strconv.FormatBool(in[r]), kind: vBool})
		}
	} else {
		set = []assign{{name: name, value: value, text: value, kind: vString}}
	}
	q := s.base.Clone()
	for _, o := range s.overrides {
		_ = q.Set(o.name, o.value)
	}
	for _, a := range set {
		if len(matching(&q, a.name)) == 0 {
			d := &decoder{file: overrideFile, s: s}
			d.unknownParam(&q, pos{}, name, false)
			e := d.errs[0]
			e.Line, e.Col = 0, 0
			return ErrorList{e}
		}
		if err := q.Set(a.name, a.value); err != nil {
			if pe, ok := err.(*sim.ParamError); ok {
				return bad(pe.Problem, pe.Allowed)
			}
			return bad(err.Error(), "")
		}
	}
	s.overrides = append(s.overrides, set...)
	s.setText = append(s.setText, name+"="+value)
	return nil
}
