package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sensitivity"
	"github.com/trustsim/trustsim/sim"
)

// Limits and defaults of [sample].
const (
	defaultMorrisLevels = 4
	defaultBootstrap    = 1000
	maxBootstrap        = 100_000
	maxSampleSize       = 1_000_000
)

// sampled is a scenario's [sample] section: the design's description and,
// per sampled parameter, how a design value becomes a parameter value.
type sampled struct {
	batch.Sample
	at      pos             // the [sample] table, for errors about the design as a whole
	types   []sim.ValueType // per parameter: the type of the parameter it sets
	choices [][]assign      // per parameter: the values of a choice, in file order
	specs   []specSet       // per parameter: the parameters it sets
	seedSet bool            // the section gives its own seed
}

// sample decodes [sample]. Sampled parameters are conditions: each
// design point sets them to a value drawn from their distribution.
func (d *decoder) sample(n *node, swept bool) {
	if !d.table(n, "sample", &sampleKeys) {
		return
	}
	sm := &sampled{at: n.key}
	sm.Bootstrap = defaultBootstrap
	ok := true
	if swept {
		d.errorf(n.key, "sample", "a scenario samples its conditions or sweeps them over a grid, not both", "the scenario also has a [sweep]")
		ok = false
	}
	if m := n.get("method"); m != nil {
		var names []string
		for _, x := range sensitivity.Methods() {
			names = append(names, string(x))
		}
		v, good := d.oneOf(m, "sample.method", names)
		sm.Method, ok = v, ok && good
	} else {
		d.errorf(n.at, "sample.method", "one of latin, sobol, morris, montecarlo", "missing")
		ok = false
	}
	if m := n.get("size"); m != nil {
		v, good := d.integer(m, "sample.size", 2, maxSampleSize)
		sm.Size, ok = int(v), ok && good
	} else {
		d.errorf(n.at, "sample.size", "points (latin, montecarlo), base samples (sobol) or trajectories (morris), at least 2", "missing")
		ok = false
	}
	if m := n.get("levels"); m != nil {
		v, good := d.integer(m, "sample.levels", 2, 100)
		switch {
		case good && v%2 != 0:
			d.errorf(m.at, "sample.levels", "an even number from 2 to 100", "%d is odd", v)
			good = false
		case good && sm.Method != "" && sm.Method != string(sensitivity.Morris):
			d.errorf(m.at, "sample.levels", "levels are for method = \"morris\" only", "method is %q", sm.Method)
			good = false
		}
		sm.Levels, ok = int(v), ok && good
	} else if sm.Method == string(sensitivity.Morris) {
		sm.Levels = defaultMorrisLevels
	}
	if m := n.get("second_order"); m != nil {
		v, good := d.boolean(m, "sample.second_order")
		if good && v && sm.Method != string(sensitivity.SobolMethod) {
			d.errorf(m.at, "sample.second_order", "second-order indices need method = \"sobol\"", "method is %q", sm.Method)
			good = false
		}
		sm.SecondOrder, ok = v, ok && good
	}
	if m := n.get("seed"); m != nil {
		v, good := d.seed(m)
		sm.Seed, sm.seedSet, ok = v, true, ok && good
	}
	if m := n.get("bootstrap"); m != nil {
		v, good := d.integer(m, "sample.bootstrap", 0, maxBootstrap)
		sm.Bootstrap, ok = int(v), ok && good
	}
	ps := n.get("params")
	if ps == nil || ps.kind != vTable || len(ps.keys) == 0 {
		at := n.at
		if ps != nil {
			at = ps.at
		}
		d.errorf(at, "sample.params", `[sample.params] with "dotted.name" = { dist = "uniform", min = …, max = … } lines`, "no sampled parameters")
		return
	}
	var byStrategy []specSet
	for _, st := range d.s.strategies {
		for _, a := range st.settings {
			byStrategy = append(byStrategy, newSpecSet(d.p, a))
		}
	}
	for _, k := range ps.keys {
		pn := ps.kv[k]
		a := assign{name: k, key: pn.key, at: pn.at, node: pn}
		specs := matching(d.p, k)
		if len(specs) == 0 {
			d.unknownParam(d.p, pn.key, k, false)
			ok = false
			continue
		}
		mine := newSpecSet(d.p, a)
		if prev := mine.firstOverlap(sm.specs); prev != nil {
			d.errorf(pn.key, k, "sample each parameter once", "also sampled as %q (line %d)%s", prev.a.name, prev.a.key.line, mine.common(*prev))
			ok = false
			continue
		}
		if prev := mine.firstOverlap(byStrategy); prev != nil {
			d.errorf(pn.key, k, "sample a parameter or set it in strategies, not both", "also set by a strategy as %q (line %d)%s", prev.a.name, prev.a.key.line, mine.common(*prev))
			ok = false
			continue
		}
		p, choices, good := d.sampleParam(a, specs[0].Type)
		if !good {
			ok = false
			continue
		}
		sm.Params = append(sm.Params, p)
		sm.types = append(sm.types, specs[0].Type)
		sm.choices = append(sm.choices, choices)
		sm.specs = append(sm.specs, mine)
	}
	if !ok {
		return
	}
	if _, err := sm.Spec(); err != nil {
		d.errorf(n.key, "sample", "see docs/SCENARIOS.md, \"Sampled designs\"", "%s", strings.TrimPrefix(err.Error(), "sensitivity: "))
		return
	}
	d.s.sample = sm
}

// sampleParam decodes one sampled parameter's distribution and checks
// that every value it can take is a valid value of the parameter.
func (d *decoder) sampleParam(a assign, typ sim.ValueType) (batch.SampleParam, []assign, bool) {
	p := batch.SampleParam{Name: a.name}
	t := a.node
	if t.kind != vTable {
		d.errorf(t.at, a.name, `want a distribution such as { dist = "uniform", min = 0.01, max = 0.05 }`, "got %s", t.describe())
		return p, nil, false
	}
	if !d.table(t, a.name, &distKeys) {
		return p, nil, false
	}
	dn := d.need(t, a.name, "dist", "give the distribution: "+strings.Join(batch.SampleDists(), ", "))
	if dn == nil {
		return p, nil, false
	}
	dist, ok := d.oneOf(dn, a.name+".dist", batch.SampleDists())
	if !ok {
		return p, nil, false
	}
	p.Dist = dist
	numeric := typ == sim.Float || typ == sim.Int
	if dist != "choice" && !numeric {
		d.errorf(dn.at, a.name+".dist", `a parameter of type `+typ.String()+` takes dist = "choice" with its values`, "%q needs a number parameter", dist)
		return p, nil, false
	}
	need := map[string][]string{
		"uniform":    {"min", "max"},
		"loguniform": {"min", "max"},
		"triangular": {"min", "mode", "max"},
		"normal":     {"mean", "sd", "min", "max"},
		"choice":     {"values"},
	}[dist]
	for _, k := range t.keys {
		if k != "dist" && !contains(need, k) {
			d.errorf(t.kv[k].key, a.name+"."+k, fmt.Sprintf("dist = %q takes %s", dist, strings.Join(need, ", ")), "%s does not belong to this distribution", k)
			ok = false
		}
	}
	num := map[string]*float64{"min": &p.Min, "max": &p.Max, "mode": &p.Mode, "mean": &p.Mean, "sd": &p.SD}
	var choices []assign
	for _, k := range need {
		kn := d.need(t, a.name, k, fmt.Sprintf("dist = %q needs %s", dist, strings.Join(need, ", ")))
		if kn == nil {
			ok = false
			continue
		}
		if k == "values" {
			if kn.kind != vArray || len(kn.items) < 2 {
				d.errorf(kn.at, a.name+".values", "a list of at least two values of the parameter", "got %s", kn.describe())
				ok = false
				continue
			}
			for _, it := range kn.items {
				c := assign{name: a.name, value: it.scalar(), text: it.text(), kind: it.kind, key: a.key, at: it.at}
				q := d.p.Clone()
				if !d.apply(&q, c, false) {
					ok = false
				}
				choices = append(choices, c)
				p.Choices = append(p.Choices, c.text)
			}
			sw := sweep{name: a.name, values: choices}
			ok = ok && d.distinct(sw)
			continue
		}
		v, good := d.number(kn, a.name+"."+k)
		if good && (math.IsNaN(v) || math.IsInf(v, 0)) {
			d.errorf(kn.at, a.name+"."+k, "a finite number", "got %s", kn.text())
			good = false
		}
		*num[k] = v
		ok = ok && good
	}
	if !ok {
		return p, nil, false
	}
	if dist != "choice" {
		dd, _ := p.Distribution()
		if err := dd.Validate(); err != nil {
			d.errorf(t.at, a.name, "see docs/SCENARIOS.md, \"Sampled designs\"", "%v", err)
			return p, nil, false
		}
		// The extremes are values the design can take: both must be
		// valid values of the parameter.
		for _, k := range []string{"min", "max"} {
			v := sampleValue(*num[k], typ, a.name)
			v.key, v.at = a.key, t.get(k).at
			q := d.p.Clone()
			if !d.apply(&q, v, false) {
				ok = false
			}
		}
	}
	return p, choices, ok
}

// sampleValue is the setting of parameter name to the design value x: a
// number rounded to 6 significant digits (so that the value the run
// uses is the one its label and the CSV files show), or to a whole number
// for an integer parameter.
func sampleValue(x float64, typ sim.ValueType, name string) assign {
	if typ == sim.Int {
		v := int64(math.Round(x))
		return assign{name: name, value: v, text: strconv.FormatInt(v, 10), kind: vInt}
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64)
	return assign{name: name, value: v, text: strconv.FormatFloat(v, 'g', -1, 64), kind: vFloat}
}

// rows draws the design and returns each row's settings, in design
// order. seed is the scenario's seed, the design's unless [sample] gives
// its own.
func (sm *sampled) rows(seed uint64) (batch.Sample, [][]assign, error) {
	spec := sm.Sample
	if !sm.seedSet {
		spec.Seed = seed
	}
	design, err := spec.Design()
	if err != nil {
		return spec, nil, err
	}
	out := make([][]assign, len(design.Values))
	for i, row := range design.Values {
		out[i] = make([]assign, len(row))
		for j, x := range row {
			if sm.choices[j] != nil {
				c := sm.choices[j][int(x)]
				c.name = sm.Params[j].Name
				out[i][j] = c
				continue
			}
			out[i][j] = sampleValue(x, sm.types[j], sm.Params[j].Name)
		}
	}
	return spec, out, nil
}

// sampleOverridden reports --set overrides that set a sampled parameter:
// the design points would be labelled with sampled values that their
// parameters do not have.
func (s *Scenario) sampleOverridden() ErrorList {
	var errs ErrorList
	if s.sample == nil {
		return nil
	}
	for _, sp := range s.sample.specs {
		if i, n := sp.overriddenBy(s.overrides); i >= 0 {
			errs = append(errs, &Error{File: overrideFile, Name: s.overrides[i].name,
				Problem: fmt.Sprintf("sets %s, which [sample] samples", n),
				Allowed: "change the parameter's distribution in [sample.params] instead (" + s.setTextOf(i) + ")"})
		}
	}
	return errs
}

// overriddenBy returns the index of the first override that sets one of
// the parameters of sp, and that parameter; -1 when none does.
func (sp specSet) overriddenBy(overrides []assign) (int, string) {
	for i, o := range overrides {
		for _, n := range sp.order {
			if sim.MatchName(o.name, n) {
				return i, n
			}
		}
	}
	return -1, ""
}
