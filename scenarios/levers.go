package scenarios

import (
	"fmt"
	"strings"

	"github.com/trustsim/trustsim/batch"
)

// The decision vocabulary of a scenario (docs/SCENARIOS.md, "Levers,
// conditions and the question"): levers are the funder's choices (the
// strategies and the swept parameters named in levers), conditions what
// the initiative faces (the other swept parameters), and the baseline the
// status quo that every lever is compared with.

// leverPrefixes classify a swept parameter that neither levers nor
// conditions names: a policy or convening setting is something the
// initiative chooses, anything else (turnover, sizes, the model's
// assumptions) something it faces.
var leverPrefixes = []string{"policy.", "convening."}

// defaultLever reports whether a swept parameter that the scenario does
// not classify is a lever.
func defaultLever(name string) bool {
	for _, p := range leverPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// baselineSpec is the scenario's baseline key: a strategy name and values
// of swept levers, as written.
type baselineSpec struct {
	strategy string
	values   map[string]string // swept lever name -> the value's text in the sweep
}

// decision holds the keys that classify the design: where they are, for
// decodeDecision to check them once strategies and sweeps are known.
type decision struct {
	levers, conditions, baseline *node
}

// names decodes a levers or conditions list: swept parameter names as
// [sweep] writes them.
func (d *decoder) names(n *node, key string) []string {
	if n.kind != vArray {
		d.errorf(n.at, key, `want a list of swept names, e.g. ["policy.relationship_share"]`, "got %s", n.describe())
		return nil
	}
	var out []string
	for i, it := range n.items {
		v, ok := d.str(it, fmt.Sprintf("%s[%d]", key, i))
		if !ok {
			continue
		}
		if !d.swept(v) {
			d.errorf(it.at, fmt.Sprintf("%s[%d]", key, i), d.sweptAllowed(), "%q is not swept", v)
			continue
		}
		out = append(out, v)
	}
	return out
}

func (d *decoder) swept(name string) bool {
	for _, sw := range d.s.sweeps {
		if sw.name == name {
			return true
		}
	}
	return false
}

func (d *decoder) sweptAllowed() string {
	var names []string
	for _, sw := range d.s.sweeps {
		names = append(names, sw.name)
	}
	if len(names) == 0 {
		return "the scenario sweeps nothing; strategies are always levers"
	}
	return "a name of [sweep], written as there: " + strings.Join(names, ", ")
}

// decodeDecision checks levers, conditions and baseline against the
// decoded strategies and sweeps and records the classification.
func (d *decoder) decodeDecision(dc decision) {
	s := d.s
	s.leverOf = map[string]bool{}
	if dc.levers != nil {
		for _, name := range d.names(dc.levers, "levers") {
			s.leverOf[name] = true
		}
	}
	if dc.conditions != nil {
		for i, name := range d.names(dc.conditions, "conditions") {
			if s.leverOf[name] {
				d.errorf(dc.conditions.items[i].at, fmt.Sprintf("conditions[%d]", i), "name each swept parameter in levers or in conditions, not both", "%q is also a lever", name)
				continue
			}
			s.leverOf[name] = false
		}
	}
	for _, sw := range s.sweeps {
		if _, ok := s.leverOf[sw.name]; !ok {
			s.leverOf[sw.name] = defaultLever(sw.name)
		}
	}
	if dc.baseline != nil {
		d.baseline(dc.baseline)
	}
}

// baseline decodes baseline = "strategy" or a [baseline] table of
// strategy = "..." and swept lever values.
func (d *decoder) baseline(n *node) {
	s := d.s
	s.baseline = baselineSpec{values: map[string]string{}}
	switch n.kind {
	case vString:
		d.baselineStrategy(n, "baseline")
		return
	case vTable:
	default:
		d.errorf(n.at, "baseline", `a strategy's name, or a table: [baseline] strategy = "..." and swept levers' values`, "got %s", n.describe())
		return
	}
	for _, k := range n.keys {
		v := n.kv[k]
		if k == "strategy" {
			d.baselineStrategy(v, "baseline.strategy")
			continue
		}
		var sw *sweep
		for i := range s.sweeps {
			if s.sweeps[i].name == k {
				sw = &s.sweeps[i]
			}
		}
		if sw == nil || !s.leverOf[k] {
			d.errorf(v.key, "baseline."+k, "strategy, or a swept lever: "+strings.Join(s.sweptLevers(), ", "), "not a swept lever")
			continue
		}
		found := false
		for _, x := range sw.values {
			if sameValue(x, v) {
				s.baseline.values[k] = x.text
				found = true
				break
			}
		}
		if !found {
			var vals []string
			for _, x := range sw.values {
				vals = append(vals, x.text)
			}
			d.errorf(v.at, "baseline."+k, "one of the swept values: "+strings.Join(vals, ", "), "%s is not a swept value", v.text())
		}
	}
}

func (d *decoder) baselineStrategy(n *node, name string) {
	v, ok := d.str(n, name)
	if !ok {
		return
	}
	var names []string
	for _, st := range d.s.strategies {
		if st.name == v {
			d.s.baseline.strategy = v
			return
		}
		names = append(names, st.name)
	}
	if len(names) == 0 {
		d.errorf(n.at, name, "name a strategy of [[strategy]]; this scenario has none", "unknown strategy %q", v)
		return
	}
	d.errorf(n.at, name, allowedList(v, names), "unknown strategy %q", v)
}

// sameValue reports whether a swept value and a written value are the
// same value (0.1 and 1e-1, 2 and 2.0 are).
func sameValue(a assign, n *node) bool {
	switch x := a.value.(type) {
	case float64:
		switch n.kind {
		case vFloat:
			return x == n.f
		case vInt:
			return x == float64(n.i)
		}
	case int64:
		switch n.kind {
		case vInt:
			return x == n.i
		case vFloat:
			return float64(x) == n.f
		}
	}
	return a.text == n.text()
}

// sweptLevers are the swept parameters classified as levers, in file
// order.
func (s *Scenario) sweptLevers() []string {
	var out []string
	for _, sw := range s.sweeps {
		if s.leverOf[sw.name] {
			out = append(out, sw.name)
		}
	}
	return out
}

// decisionPlan fills the plan's question, levers, conditions and
// baseline from the active sweeps.
func (s *Scenario) decisionPlan(p *batch.Plan, sweeps []sweep) {
	p.Question = s.Question
	for _, sw := range sweeps {
		if s.leverOf[sw.name] {
			p.Levers = append(p.Levers, sw.name)
			v, ok := s.baseline.values[sw.name]
			if !ok {
				v = sw.values[0].text
			}
			p.Baseline.Values = append(p.Baseline.Values, batch.Setting{Name: sw.name, Value: v})
		} else {
			p.Conditions = append(p.Conditions, sw.name)
		}
	}
	if len(s.strategies) > 0 {
		p.Baseline.Strategy = s.strategies[0].name
		if s.baseline.strategy != "" {
			p.Baseline.Strategy = s.baseline.strategy
		}
	}
}
