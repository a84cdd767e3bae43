package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// Scenario is a parsed and validated scenario: the base parameters, the
// strategies and sweeps that expand it into design points, and how many
// replicates to run. Plan turns it into a batch.
type Scenario struct {
	// Name names the scenario (the default output directory is
	// out/<Name>); from the file's name key, else the file name.
	Name string
	// Description says what question the scenario answers; its first line
	// is a one-line summary.
	Description string
	// Filename is the file the scenario came from, as given to Parse.
	Filename string
	// Source is the scenario's text, to be copied next to its results.
	Source []byte
	// Replicates is the number of runs per design point.
	Replicates int
	// Seed is the base seed of the batch (sim.RunSeed derives each run's).
	Seed uint64
	// Every keeps every Every-th step in the timeseries outputs.
	Every int
	// Plots are the extra plots the scenario asks for, in file order.
	Plots []PlotRequest
	// Question is the question the scenario asks, in the funder's words
	// (the question key), or "".
	Question string

	base       sim.Params
	strategies []strategy
	sweeps     []sweep
	sample     *sampled
	overrides  []assign
	// setText are the --set parameter overrides as given (name=value),
	// fileReplicates the file's replicates, and replicatesSet whether
	// Override changed them: a design point's problem that a flag caused
	// names the flag.
	setText        []string
	fileReplicates int
	replicatesSet  bool
	loc            locator
	// leverOf classifies every swept name: true for a lever, false for a
	// condition (levers.go); baseline is the baseline key as written.
	leverOf  map[string]bool
	baseline baselineSpec
	// replicatesAt and sweepAt are where the file sets replicates and
	// its sweep: a batch too large for memory is reported there.
	replicatesAt, sweepAt pos
}

// PlotRequest is an extra plot a scenario asks for: Kind is one of
// timeseries, response, heatmap, strategies or event, and Metric a name
// from sim.MetricNames(). It is batch.PlotRequest, so that Plan passes
// the requests on to the outputs unchanged.
type PlotRequest = batch.PlotRequest

// assign is one parameter setting: a dotted name (which may address a
// group, such as org.*.vacancy_weeks) and a value as sim.Params.Set takes it.
type assign struct {
	name  string
	value any
	text  string // the value as written, for labels
	kind  vkind  // the value's kind in the file (vString for --set)
	key   pos    // where the name is
	at    pos    // where the value is
	node  *node  // the value in the file (nil for --set and generated values)
	top   bool   // a top-level key of the file: may be a misspelt format key
}

type strategy struct {
	name, description string
	settings          []assign
	at                pos
}

type sweep struct {
	name   string
	values []assign // each with name = the swept name
	key    pos
}

// decoder collects the problems of one file while it builds a Scenario.
type decoder struct {
	file string
	errs ErrorList
	s    *Scenario
	p    *sim.Params // the base parameters being built
}

func (d *decoder) errorf(at pos, name, allowed, format string, args ...any) {
	line, col := at.line, at.col
	if line < 1 {
		line, col = 1, 1
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Name: name, Problem: fmt.Sprintf(format, args...), Allowed: allowed})
}

var (
	scenarioName = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9_.-]*$`)
	orgNameRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// Parse reads a scenario from src; filename is used in error messages.
// Every problem found is returned together, as an ErrorList sorted by
// position; the scenario is nil then.
func Parse(filename string, src []byte) (*Scenario, error) {
	// A UTF-8 byte-order mark, which some editors write, is not TOML; it
	// is skipped (Source keeps it), and columns on line 1 count from
	// after it, as the editor shows them.
	root, perr := parseTree(filename, bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")))
	if perr != nil {
		return nil, ErrorList{perr}
	}
	s := &Scenario{
		Filename:   filename,
		Source:     append([]byte(nil), src...),
		Replicates: defaultReplicas,
		Seed:       defaultSeed,
		Every:      defaultEvery,
		loc:        newLocator(),
	}
	base := sim.Default()
	d := &decoder{file: filename, s: s, p: &base}
	d.top(root)
	s.base = base
	s.fileReplicates = s.Replicates
	if len(d.errs) == 0 {
		// Only a scenario whose parts are each valid is expanded, so that
		// one mistake is not reported again for every design point.
		_, _, _, errs := s.expand()
		d.errs = append(d.errs, errs...)
	} else if err := base.Validate(); err != nil {
		// The model's own checks of what did decode (references, ranges
		// of list entries) still belong in the same report.
		var verr sim.Errors
		if errors.As(err, &verr) {
			for _, e := range verr {
				name, at := s.loc.resolve(e.Name)
				d.errorf(at, name, e.Allowed, "%s", e.Problem)
			}
		}
	}
	if len(d.errs) > 0 {
		return nil, d.errs.sortDedup()
	}
	return s, nil
}

// top decodes the top-level table. Lists that others refer to are decoded
// in a fixed order (organizations first), whatever their order in the file.
func (d *decoder) top(root *node) {
	s := d.s
	var settings []assign
	lists := map[string]*node{}
	var sweepNode, sampleNode *node
	var dc decision
	for _, k := range root.keys {
		n := root.kv[k]
		switch k {
		case "question":
			if v, ok := d.str(n, "question"); ok {
				s.Question = strings.Join(strings.Fields(v), " ")
			}
		case "levers":
			dc.levers = n
		case "conditions":
			dc.conditions = n
		case "baseline":
			dc.baseline = n
		case "name":
			if v, ok := d.str(n, "name"); ok {
				if !scenarioName.MatchString(v) || len(v) > maxNameLength {
					d.errorf(n.at, "name", topKeys.Keys[0].Allowed, "%q is not a valid scenario name", v)
				}
				s.Name = v
			}
		case "description":
			if v, ok := d.str(n, "description"); ok {
				s.Description = strings.TrimSpace(v)
			}
		case "replicates":
			if v, ok := d.integer(n, "replicates", 1, maxReplicates); ok {
				s.Replicates = int(v)
				s.replicatesAt = n.at
			}
		case "seed":
			if v, ok := d.seed(n); ok {
				s.Seed = v
			}
		case "every":
			if v, ok := d.integer(n, "every", 1, maxWeeks); ok {
				s.Every = int(v)
			}
		case "org", "history", "arrangement", "event", "strategy", "plot":
			lists[k] = n
		case "sweep":
			sweepNode = n
		case "sample":
			sampleNode = n
		case "params":
			if n.kind != vTable {
				d.errorf(n.at, "params", `write [params] and then "dotted.name" = value lines`, "got %s", n.describe())
				continue
			}
			settings = d.flatten("", n, settings, false)
		default:
			from := len(settings)
			settings = d.flatten(k, n, settings, false)
			for i := from; i < len(settings); i++ {
				settings[i].top = true
			}
		}
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(d.file), ".toml")
		if !scenarioName.MatchString(s.Name) {
			s.Name = "scenario"
		}
	}

	if n := lists["org"]; n != nil {
		d.orgs(n)
	}
	if n := lists["history"]; n != nil {
		d.histories(n)
	}
	if n := lists["arrangement"]; n != nil {
		d.arrangements(n)
	}
	// Settings apply in file order, so a specific name written after a
	// group or wildcard name wins.
	sort.SliceStable(settings, func(i, j int) bool { return before(settings[i].key, settings[j].key) })
	seen := map[string]pos{}
	orgAt := make(map[string]int, len(d.p.Orgs))
	for i := range d.p.Orgs {
		orgAt[d.p.Orgs[i].Name] = i
	}
	for _, a := range settings {
		if prev, dup := seen[a.name]; dup {
			d.errorf(a.key, a.name, "set each parameter once", "set twice (first at line %d)", prev.line)
			continue
		}
		seen[a.name] = a.key
		d.applyParam(a, orgAt)
	}
	if n := lists["event"]; n != nil {
		d.events(n)
	}
	if n := lists["strategy"]; n != nil {
		d.strategies(n)
	}
	if sweepNode != nil {
		d.sweeps(sweepNode)
	}
	if sampleNode != nil {
		d.sample(sampleNode, sweepNode != nil)
	}
	d.decodeDecision(dc)
	if n := lists["plot"]; n != nil {
		d.plots(n)
	}
}

func before(a, b pos) bool { return a.line < b.line || a.line == b.line && a.col < b.col }

// --- values -------------------------------------------------------------

func (d *decoder) str(n *node, name string) (string, bool) {
	if n.kind != vString {
		d.errorf(n.at, name, "want a string in quotes", "got %s", n.describe())
		return "", false
	}
	return n.str, true
}

func (d *decoder) integer(n *node, name string, lo, hi int64) (int64, bool) {
	allowed := fmt.Sprintf("want an integer from %d to %d", lo, hi)
	if n.kind != vInt {
		if n.kind == vFloat {
			d.errorf(n.at, name, allowed, "%s is not a whole number", n.text())
		} else {
			d.errorf(n.at, name, allowed, "got %s", n.describe())
		}
		return 0, false
	}
	if n.i < lo || n.i > hi {
		d.errorf(n.at, name, allowed, "%d is out of range", n.i)
		return 0, false
	}
	return n.i, true
}

// seed decodes the seed key: a TOML integer reaches 2^63-1 only, so
// larger seeds (as --seed takes them and manifest.json records them) are
// written in quotes.
func (d *decoder) seed(n *node) (uint64, bool) {
	const allowed = "want an integer from 0 to 9223372036854775807, or one up to 18446744073709551615 in quotes"
	switch n.kind {
	case vString:
		v, err := strconv.ParseUint(n.str, 10, 64)
		if err == nil {
			return v, true
		}
		if errors.Is(err, strconv.ErrRange) {
			d.errorf(n.at, "seed", allowed, "%q is out of range", n.str)
		} else {
			d.errorf(n.at, "seed", allowed, "%q is not an integer", n.str)
		}
		return 0, false
	case vInt:
		if n.i < 0 {
			d.errorf(n.at, "seed", allowed, "%d is out of range", n.i)
			return 0, false
		}
		return uint64(n.i), true
	case vFloat:
		d.errorf(n.at, "seed", allowed, "%s is not a whole number", n.text())
	default:
		d.errorf(n.at, "seed", allowed, "got %s", n.describe())
	}
	return 0, false
}

func (d *decoder) number(n *node, name string) (float64, bool) {
	switch n.kind {
	case vInt:
		return float64(n.i), true
	case vFloat:
		return n.f, true
	}
	d.errorf(n.at, name, "want a number", "got %s", n.describe())
	return 0, false
}

func (d *decoder) boolean(n *node, name string) (bool, bool) {
	if n.kind != vBool {
		d.errorf(n.at, name, "want true or false", "got %s", n.describe())
		return false, false
	}
	return n.b, true
}

// oneOf checks that n is one of the allowed strings and suggests the
// closest one otherwise.
func (d *decoder) oneOf(n *node, name string, allowed []string) (string, bool) {
	v, ok := d.str(n, name)
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if v == a {
			return v, true
		}
	}
	d.errorf(n.at, name, allowedList(v, allowed), "unknown value %q", v)
	return "", false
}

// allowedList is "did you mean ...? allowed: a, b, c" for an unknown value.
func allowedList(v string, allowed []string) string {
	s := "allowed: " + strings.Join(allowed, ", ")
	if g := sim.Suggest(v, allowed); g != "" {
		s = "did you mean " + strconv.Quote(g) + "? " + s
	}
	return s
}

// table checks that n is a table and reports every key that is not one
// of sec's keys (extra names more keys that are allowed).
func (d *decoder) table(n *node, path string, sec *section, extra ...string) bool {
	if n.kind != vTable {
		d.errorf(n.at, path, "want a table", "got %s", n.describe())
		return false
	}
	for _, k := range n.keys {
		if sec.has(k) || contains(extra, k) {
			continue
		}
		d.unknownKey(n.kv[k].key, path+"."+k, k, append(sec.names(), extra...), sec.Name)
	}
	return true
}

func (d *decoder) unknownKey(at pos, name, key string, allowed []string, where string) {
	hint := "allowed in " + where + ": " + strings.Join(allowed, ", ")
	if g := sim.Suggest(key, allowed); g != "" {
		hint = "did you mean " + strconv.Quote(g) + "? " + hint
	}
	d.errorf(at, name, hint, "unknown key")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// entries returns the tables of an array of tables ([[org]] ...).
func (d *decoder) entries(n *node, name string) []*node {
	if n.kind != vArray {
		d.errorf(n.key, name, fmt.Sprintf("write [[%s]] before each entry", name), "got %s", n.describe())
		return nil
	}
	var out []*node
	for i, it := range n.items {
		if it.kind != vTable {
			d.errorf(it.at, fmt.Sprintf("%s[%d]", name, i), "want a table", "got %s", it.describe())
			continue
		}
		out = append(out, it)
	}
	return out
}

// need returns the key k of table t, reporting it missing otherwise.
func (d *decoder) need(t *node, path, k, what string) *node {
	n := t.get(k)
	if n == nil {
		d.errorf(t.at, path+"."+k, what, "missing")
	}
	return n
}

// --- parameters -------------------------------------------------------

// flatten turns a table of settings into dotted names: [trust] decay =
// 0.02 and "trust.decay" = 0.02 are the same setting. With ranges set, a
// table with from/to/step keys is a sweep range, not more names.
func (d *decoder) flatten(prefix string, n *node, out []assign, ranges bool) []assign {
	if n.kind == vTable && !(ranges && isRange(n)) {
		if len(n.keys) == 0 && prefix != "" {
			// An empty table sets nothing: kept as a setting so that it
			// is reported, as an unknown name or as empty (apply1).
			return append(out, assign{name: prefix, kind: vTable, key: n.key, at: n.at, node: n})
		}
		for _, k := range n.keys {
			name := k
			if prefix != "" {
				name = prefix + "." + k
			}
			out = d.flatten(name, n.kv[k], out, ranges)
		}
		return out
	}
	return append(out, assign{name: prefix, value: n.scalar(), text: n.text(), kind: n.kind, key: n.key, at: n.at, node: n})
}

func isRange(n *node) bool {
	return n.get("from") != nil || n.get("to") != nil || n.get("step") != nil
}

// sugar expands convening.attend = ["leader", "staff"] into one boolean
// setting per role.
func (d *decoder) sugar(a assign) []assign {
	if a.name != "convening.attend" || a.node == nil || a.node.kind != vArray {
		return []assign{a}
	}
	in := map[string]bool{}
	ok := true
	for _, it := range a.node.items {
		if r, good := d.oneOf(it, a.name, sim.RoleNames()); good {
			in[r] = true
		} else {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	var out []assign
	for _, r := range sim.RoleNames() {
		out = append(out, assign{name: a.name + "." + r, value: in[r], text: strconv.FormatBool(in[r]), kind: vBool, key: a.key, at: a.at})
	}
	return out
}

// matching returns the specs of p that the name (exact, group or org.*
// wildcard, as sim.Params.Set takes) addresses.
func matching(p *sim.Params, name string) []sim.Spec {
	var out []sim.Spec
	for _, s := range p.Specs() {
		if sim.MatchName(name, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

// unknownParam reports a name that addresses no parameter of p, naming the
// missing organization when that is what is wrong.
func (d *decoder) unknownParam(p *sim.Params, at pos, name string, top bool) {
	parts := strings.Split(name, ".")
	if len(parts) >= 3 && parts[0] == "org" && parts[1] != "*" && p.OrgIndex(parts[1]) < 0 {
		names := make([]string, len(p.Orgs))
		for i := range p.Orgs {
			names[i] = p.Orgs[i].Name
		}
		d.errorf(at, name, allowedList(parts[1], names), "no organization %q", parts[1])
		return
	}
	cands := p.Names()
	if top {
		cands = append(cands, topKeys.names()...)
	}
	hint := "see docs/SCENARIOS.md for the parameter names"
	if g := sim.Suggest(name, cands); g != "" {
		hint = "did you mean " + strconv.Quote(g) + "?"
	}
	d.errorf(at, name, hint, "unknown key or parameter")
}

// typeOK checks the kind of a file value against a parameter's type;
// sim.Params.Set parses strings, which a file must not rely on.
func typeOK(k vkind, t sim.ValueType) bool {
	switch t {
	case sim.Float, sim.Int:
		return k == vInt || k == vFloat
	case sim.Bool:
		return k == vBool
	}
	return k == vString
}

// apply sets a on p, reporting unknown names, wrong types and values out
// of range at their positions. With record set, the positions of the
// parameters it sets are remembered for later errors.
func (d *decoder) apply(p *sim.Params, a assign, record bool) bool {
	ok := true
	for _, a := range d.sugar(a) {
		ok = d.apply1(p, a, record) && ok
	}
	return ok
}

// applyParam applies a setting of the file's parameters to the base
// parameters, as apply(d.p, a, true) does. A setting of one
// organization's parameters ("org.<name>.…") is applied to a view of the
// base that holds that organization alone (orgAt gives its index):
// applying it to the whole base looks through every organization's
// parameters, and a file that sets something in each of thousands of
// organizations would take time that grows with their square. A setting
// the view refuses is applied to the whole base again, so that its errors
// and hints are the same.
func (d *decoder) applyParam(a assign, orgAt map[string]int) {
	if rest, ok := strings.CutPrefix(a.name, "org."); ok {
		name, _, _ := strings.Cut(rest, ".")
		if i, ok := orgAt[name]; ok {
			view := *d.p
			view.Orgs = d.p.Orgs[i : i+1 : i+1]
			n := len(d.errs)
			if d.apply(&view, a, true) {
				return
			}
			d.errs = d.errs[:n]
		}
	}
	d.apply(d.p, a, true)
}

func (d *decoder) apply1(p *sim.Params, a assign, record bool) bool {
	specs := matching(p, a.name)
	if isEmptyTable(a.node) {
		secs := sections(p)
		if len(specs) == 0 && !slices.Contains(secs, a.name) {
			if a.top {
				secs = append(secs, topKeys.names()...)
			}
			hint := "see docs/SCENARIOS.md for the sections and parameter names"
			if g := sim.Suggest(a.name, secs); g != "" {
				hint = "did you mean " + strconv.Quote(g) + "?"
			}
			d.errorf(a.key, a.name, hint, "unknown section (an empty table)")
			return false
		}
		d.errorf(a.key, a.name, "give it settings, or remove it", "empty table: it sets nothing")
		return false
	}
	if len(specs) == 0 {
		d.unknownParam(p, a.key, a.name, a.top)
		return false
	}
	if !typeOK(a.kind, specs[0].Type) {
		d.errorf(a.at, a.name, "want "+specs[0].Allowed(), "got %s", kindName(a.kind))
		return false
	}
	if err := p.Set(a.name, a.value); err != nil {
		d.paramError(a.at, a.name, err)
		return false
	}
	if record {
		for _, s := range specs {
			d.s.loc.set[s.Name] = a.at
		}
	}
	return true
}

// sections are the dotted prefixes of p's parameter names ("policy",
// "org.backbone", ...): the tables a file may write them in.
func sections(p *sim.Params) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range p.Names() {
		for i := range len(n) {
			if n[i] == '.' && !seen[n[:i]] {
				seen[n[:i]] = true
				out = append(out, n[:i])
			}
		}
	}
	return out
}

// isEmptyTable reports whether n is a table without keys ({} or a
// [header] with nothing under it).
func isEmptyTable(n *node) bool { return n != nil && n.kind == vTable && len(n.keys) == 0 }

func kindName(k vkind) string { return (&node{kind: k}).describe() }

// paramError reports an error of sim.Params.Set at a value's position.
func (d *decoder) paramError(at pos, name string, err error) {
	if pe, ok := err.(*sim.ParamError); ok {
		d.errorf(at, name, pe.Allowed, "%s", pe.Problem)
		return
	}
	d.errorf(at, name, "", "%v", err)
}

// --- organizations, histories, arrangements ----------------------------

func (d *decoder) orgs(n *node) {
	p := d.p
	if n.kind != vArray {
		d.entries(n, "org") // reports it
		return
	}
	p.Orgs, p.History, p.Arrangement = nil, nil, nil
	first := map[string]pos{}
	for i, t := range d.entries(n, "org") {
		path := fmt.Sprintf("org[%d]", i)
		if !d.table(t, path, &orgKeys) {
			continue
		}
		if i == 0 {
			d.s.loc.firstOrg = t
		}
		name, kind := "", sim.Nonprofit
		okName := false
		if nn := d.need(t, path, "name", "give each organization a name"); nn != nil {
			if v, ok := d.str(nn, path+".name"); ok {
				if !orgNameRE.MatchString(v) {
					d.errorf(nn.at, path+".name", "use lower-case letters, digits and '_', starting with a letter", "%q is not a valid name", v)
				} else {
					name, okName = v, true
				}
			}
		}
		if kn := d.need(t, path, "kind", "allowed: "+strings.Join(sim.KindNames(), ", ")); kn != nil {
			if v, ok := d.oneOf(kn, path+".kind", sim.KindNames()); ok {
				kind, _ = sim.ParseKind(v)
			}
		}
		count := 1
		if cn := t.get("count"); cn != nil {
			if v, ok := d.integer(cn, path+".count", 1, maxOrgCount); ok {
				count = int(v)
			}
		}
		if !okName {
			continue
		}
		// Fields are set on a one-organization Params, so that each Set
		// looks through a few specs, not those of every organization.
		one := sim.Params{Orgs: []sim.Org{sim.DefaultOrg(name, kind)}}
		var fields []assign
		for _, f := range []string{"positions", "annual_turnover", "vacancy_weeks", "hire_alignment", "hire_alignment_sd"} {
			fn := t.get(f)
			if fn == nil {
				continue
			}
			if f == "positions" && fn.kind != vTable {
				d.errorf(fn.at, "org."+name+".positions", "want a table such as {leader = 1, staff = 8}", "got %s", fn.describe())
				continue
			}
			fields = d.flatten("org."+name+"."+f, fn, fields, false)
		}
		for _, a := range fields {
			d.apply(&one, a, false)
		}
		// The parameters each field sets, after "org.<name>.": the same
		// for every organization of the entry, so found once.
		type fieldSpecs struct {
			at       pos
			suffixes []string
		}
		var fieldSet []fieldSpecs
		for _, a := range fields {
			fs := fieldSpecs{at: a.at}
			for _, s := range matching(&one, a.name) {
				fs.suffixes = append(fs.suffixes, strings.TrimPrefix(s.Name, "org."+name+"."))
			}
			fieldSet = append(fieldSet, fs)
		}
		names := []string{name}
		if count > 1 {
			names = names[:0]
			for k := 1; k <= count; k++ {
				names = append(names, fmt.Sprintf("%s_%d", name, k))
			}
		}
		for _, nm := range names {
			if prev, dup := first[nm]; dup {
				d.errorf(t.get("name").at, path+".name", "names must be unique", "duplicate organization %q (first at line %d)", nm, prev.line)
				continue
			}
			first[nm] = t.get("name").at
			o := one.Orgs[0]
			o.Name = nm
			p.Orgs = append(p.Orgs, o)
			d.s.loc.add("org", t, i)
			d.s.loc.orgEntry[nm] = t
			for _, fs := range fieldSet {
				for _, suffix := range fs.suffixes {
					d.s.loc.set["org."+nm+"."+suffix] = fs.at
				}
			}
		}
	}
	if len(p.Orgs) > maxOrgs {
		d.errorf(n.key, "org", fmt.Sprintf("at most %d organizations", maxOrgs), "%d organizations", len(p.Orgs))
		p.Orgs = p.Orgs[:maxOrgs]
	}
}

func (d *decoder) histories(n *node) {
	d.p.History = nil
	for i, t := range d.entries(n, "history") {
		path := fmt.Sprintf("history[%d]", i)
		if !d.table(t, path, &historyKeys) {
			continue
		}
		h := sim.History{LeaderTie: true, Trust: defaultHistoryTrust}
		ok := true
		for _, side := range []struct {
			k string
			v *string
		}{{"a", &h.A}, {"b", &h.B}} {
			if sn := d.need(t, path, side.k, "name an organization"); sn != nil {
				var good bool
				*side.v, good = d.str(sn, path+"."+side.k)
				ok = ok && good
			} else {
				ok = false
			}
		}
		if v := t.get("leader_tie"); v != nil {
			var good bool
			h.LeaderTie, good = d.boolean(v, path+".leader_tie")
			ok = ok && good
		}
		if v := t.get("staff_ties"); v != nil {
			x, good := d.integer(v, path+".staff_ties", 0, maxStaffTies)
			h.StaffTies, ok = int(x), ok && good
		}
		if v := t.get("trust"); v != nil {
			var good bool
			h.Trust, good = d.number(v, path+".trust")
			ok = ok && good
		}
		if ok {
			d.p.History = append(d.p.History, h)
			d.s.loc.add("history", t, i)
		}
	}
}

// person decodes a position: "org/role/index" or {org, role, index}.
// With all set, the index may be "all" (every holder of the role: -1).
func (d *decoder) person(n *node, path string, all bool) (sim.PersonRef, bool) {
	ref := sim.PersonRef{Role: sim.Leader}
	var orgN, roleN, indexN *node
	switch n.kind {
	case vString:
		parts := strings.Split(n.str, "/")
		if len(parts) > 3 || parts[0] == "" {
			d.errorf(n.at, path, `write "org", "org/role" or "org/role/index", or a table {org = ..., role = ..., index = ...}`, "%q is not a position", n.str)
			return ref, false
		}
		// The parts share the string's position.
		orgN = &node{kind: vString, str: parts[0], at: n.at}
		if len(parts) > 1 {
			roleN = &node{kind: vString, str: parts[1], at: n.at}
		}
		if len(parts) > 2 {
			if i, err := strconv.ParseInt(parts[2], 10, 64); err == nil {
				indexN = &node{kind: vInt, i: i, at: n.at}
			} else {
				indexN = &node{kind: vString, str: parts[2], at: n.at}
			}
		}
	case vTable:
		if !d.table(n, path, &personKeys) {
			return ref, false
		}
		orgN = d.need(n, path, "org", "name an organization")
		roleN, indexN = n.get("role"), n.get("index")
	default:
		d.errorf(n.at, path, `want "org/role/index" or a table {org = ..., role = ..., index = ...}`, "got %s", n.describe())
		return ref, false
	}
	ok := orgN != nil
	if orgN != nil {
		ref.Org, ok = d.str(orgN, path+".org")
	}
	if roleN != nil {
		if r, good := d.oneOf(roleN, path+".role", sim.RoleNames()); good {
			ref.Role, _ = sim.ParseRole(r)
		} else {
			ok = false
		}
	}
	if indexN != nil {
		switch {
		case all && indexN.kind == vString && indexN.str == "all":
			ref.Index = -1
		case indexN.kind == vInt && indexN.i >= 0 && indexN.i <= math.MaxInt32:
			ref.Index = int(indexN.i)
		default:
			allowed := "want an integer of 0 or more"
			if all {
				allowed += ` or "all"`
			}
			d.errorf(indexN.at, path+".index", allowed, "got %s", describeValue(indexN))
			ok = false
		}
	}
	return ref, ok
}

// describeValue names a value and shows it when it is a scalar.
func describeValue(n *node) string {
	switch n.kind {
	case vString:
		return strconv.Quote(n.str)
	case vInt, vFloat, vBool:
		return n.text()
	}
	return n.describe()
}

func (d *decoder) arrangements(n *node) {
	d.p.Arrangement = nil
	first := map[string]pos{}
	for i, t := range d.entries(n, "arrangement") {
		path := fmt.Sprintf("arrangement[%d]", i)
		if !d.table(t, path, &arrangementKeys) {
			continue
		}
		a := sim.Arrangement{Value: defaultArrangementValue, Trust: defaultArrangementTrust}
		ok := true
		if nn := d.need(t, path, "name", "give the arrangement a name"); nn != nil {
			if v, good := d.str(nn, path+".name"); good {
				if prev, dup := first[v]; dup {
					d.errorf(nn.at, path+".name", "names must be unique", "duplicate arrangement %q (first at line %d)", v, prev.line)
					ok = false
				} else if v == "" {
					d.errorf(nn.at, path+".name", "give the arrangement a name", "empty name")
					ok = false
				}
				first[v] = nn.at
				a.Name = v
			} else {
				ok = false
			}
		} else {
			ok = false
		}
		for _, side := range []struct {
			k   string
			ref *sim.PersonRef
		}{{"a", &a.A}, {"b", &a.B}} {
			if sn := d.need(t, path, side.k, "name a position: \"org/role/index\""); sn != nil {
				var good bool
				*side.ref, good = d.person(sn, path+"."+side.k, false)
				ok = ok && good
			} else {
				ok = false
			}
		}
		if v := t.get("value"); v != nil {
			var good bool
			a.Value, good = d.number(v, path+".value")
			ok = ok && good
		}
		if v := t.get("trust"); v != nil {
			var good bool
			a.Trust, good = d.number(v, path+".trust")
			ok = ok && good
		}
		if ok {
			d.p.Arrangement = append(d.p.Arrangement, a)
			d.s.loc.add("arrangement", t, i)
		}
	}
}

// --- events -------------------------------------------------------------

var eventFields = map[sim.EventKind][]string{
	sim.Leave: {"step", "kind", "who"},
	sim.Join:  {"step", "kind", "org"},
	sim.Exit:  {"step", "kind", "org"},
	sim.Set:   {"step", "kind", "param", "value"},
}

func (d *decoder) events(n *node) {
	for i, t := range d.entries(n, "event") {
		path := fmt.Sprintf("event[%d]", i)
		if !d.table(t, path, &eventKeys) {
			continue
		}
		var e sim.Event
		ok := true
		if sn := d.need(t, path, "step", "want an integer from 0 to horizon-1"); sn != nil {
			x, good := d.integer(sn, path+".step", 0, maxWeeks)
			e.Step, ok = int(x), good
		} else {
			ok = false
		}
		kn := d.need(t, path, "kind", "allowed: leave, join, exit, set")
		if kn == nil {
			continue
		}
		k, good := d.oneOf(kn, path+".kind", []string{"leave", "join", "exit", "set"})
		if !good {
			continue
		}
		e.Kind, _ = sim.ParseEventKind(k)
		fields := eventFields[e.Kind]
		for _, f := range t.keys {
			if !contains(fields, f) && eventKeys.has(f) {
				d.errorf(t.kv[f].key, path+"."+f, fmt.Sprintf("a %s event takes %s", k, strings.Join(fields, ", ")), "not used by a %s event", k)
				ok = false
			}
		}
		switch e.Kind {
		case sim.Leave:
			if wn := d.need(t, path, "who", "name the position whose holder leaves: \"org/role/index\""); wn != nil {
				e.Who, good = d.person(wn, path+".who", true)
				ok = ok && good
			} else {
				ok = false
			}
		case sim.Join, sim.Exit:
			if on := d.need(t, path, "org", "name an organization"); on != nil {
				e.Org, good = d.str(on, path+".org")
				ok = ok && good
			} else {
				ok = false
			}
		case sim.Set:
			pn := d.need(t, path, "param", "name a parameter by its dotted name")
			vn := d.need(t, path, "value", "give the parameter's new value")
			if pn == nil || vn == nil {
				ok = false
				break
			}
			name, good := d.str(pn, path+".param")
			if !good {
				ok = false
				break
			}
			if vn.kind == vTable || vn.kind == vArray || vn.kind == vTime {
				d.errorf(vn.at, path+".value", "want a single value", "got %s", vn.describe())
				ok = false
				break
			}
			q := d.p.Clone()
			nerr := len(d.errs)
			d.apply(&q, assign{name: name, value: vn.scalar(), text: vn.text(), kind: vn.kind, key: pn.at, at: vn.at}, false)
			if len(d.errs) > nerr {
				ok = false
			}
			e.Param, e.Value = name, vn.text()
		}
		if ok {
			d.p.Events = append(d.p.Events, e)
			d.s.loc.add("event", t, i)
		}
	}
}

// --- strategies, sweeps, plots -----------------------------------------

func (d *decoder) strategies(n *node) {
	first := map[string]pos{}
	for i, t := range d.entries(n, "strategy") {
		path := fmt.Sprintf("strategy[%d]", i)
		if t.kind != vTable {
			continue
		}
		st := strategy{at: t.at}
		ok := true
		if nn := d.need(t, path, "name", "give each strategy a name"); nn != nil {
			if v, good := d.str(nn, path+".name"); good {
				switch prev, dup := first[v]; {
				case dup:
					d.errorf(nn.at, path+".name", "names must be unique", "duplicate strategy %q (first at line %d)", v, prev.line)
					ok = false
				case v == "" || len(v) > maxNameLength || strings.ContainsAny(v, "\n\r\t"):
					d.errorf(nn.at, path+".name", strategyKeys.Keys[0].Allowed+", on one line", "%q is not a valid strategy name", v)
					ok = false
				case strings.ContainsAny(v[:1], FormulaStart):
					// The name is a cell of runs.csv and aggregate.csv,
					// and a spreadsheet would run it as a formula.
					d.errorf(nn.at, path+".name", strategyKeys.Keys[0].Allowed+" (a spreadsheet opening runs.csv would read it as a formula)",
						"%s is not a valid strategy name", Quote(v))
					ok = false
				}
				first[v] = nn.at
				st.name = v
			} else {
				ok = false
			}
		} else {
			ok = false
		}
		var settings []assign
		for _, k := range t.keys {
			v := t.kv[k]
			switch k {
			case "name":
			case "description":
				st.description, _ = d.str(v, path+".description")
			default:
				settings = d.flatten(k, v, settings, false)
			}
		}
		q := d.p.Clone()
		var earlier []specSet
		for _, a := range settings {
			for _, x := range d.sugar(a) {
				if !d.apply1(&q, x, false) {
					ok = false
				}
				// A setting may narrow an earlier group or org.* setting
				// (it wins, being applied later); any other overlap sets
				// one parameter twice, and the settings recorded with the
				// strategy's points would contradict each other.
				mine := newSpecSet(d.p, x)
				for _, e := range earlier {
					if !mine.overlaps(e) || mine.narrows(e) {
						continue
					}
					if e.a.name == x.name {
						d.errorf(x.key, x.name, "set each parameter once in a strategy", "set twice (first at line %d)", e.a.key.line)
					} else {
						d.errorf(x.key, x.name, "set each parameter once in a strategy; a more specific name may follow a group or org.* name", "also set as %q (line %d)", e.a.name, e.a.key.line)
					}
					ok = false
					break
				}
				earlier = append(earlier, mine)
				st.settings = append(st.settings, x)
			}
		}
		if ok {
			d.s.strategies = append(d.s.strategies, st)
		}
	}
}

func (d *decoder) sweeps(n *node) {
	if n.kind != vTable {
		d.errorf(n.at, "sweep", `write [sweep] and then "dotted.name" = [values] lines`, "got %s", n.describe())
		return
	}
	d.s.sweepAt = n.key
	if len(n.keys) == 0 {
		d.errorf(n.key, "sweep", `add "dotted.name" = [values] lines, or remove [sweep]`, "empty table: it sweeps nothing")
		return
	}
	// Names are compared by the parameters they address, so that
	// "org.*.annual_turnover.staff" and "org.parent_ed.annual_turnover"
	// are seen to share org.parent_ed.annual_turnover.staff.
	var byStrategy, swept []specSet
	for _, st := range d.s.strategies {
		for _, a := range st.settings {
			byStrategy = append(byStrategy, newSpecSet(d.p, a))
		}
	}
	for _, a := range d.flatten("", n, nil, true) {
		if len(matching(d.p, a.name)) == 0 {
			d.unknownParam(d.p, a.key, a.name, false)
			continue
		}
		mine := newSpecSet(d.p, a)
		if prev := mine.firstOverlap(swept); prev != nil {
			if prev.a.name == a.name {
				d.errorf(a.key, a.name, "sweep each parameter once", "swept twice (first at line %d)", prev.a.key.line)
			} else {
				d.errorf(a.key, a.name, "sweep each parameter once", "also swept as %q (line %d)%s", prev.a.name, prev.a.key.line, mine.common(*prev))
			}
			continue
		}
		swept = append(swept, mine)
		if prev := mine.firstOverlap(byStrategy); prev != nil {
			if prev.a.name == a.name {
				d.errorf(a.key, a.name, "sweep a parameter or set it in strategies, not both", "also set by a strategy (line %d)", prev.a.key.line)
			} else {
				d.errorf(a.key, a.name, "sweep a parameter or set it in strategies, not both", "also set by a strategy as %q (line %d)%s", prev.a.name, prev.a.key.line, mine.common(*prev))
			}
			continue
		}
		sw := sweep{name: a.name, key: a.key}
		switch {
		case a.node.kind == vArray:
			if len(a.node.items) == 0 {
				d.errorf(a.at, a.name, "list at least one value", "empty sweep")
				continue
			}
			if len(a.node.items) > maxSweepValues {
				d.errorf(a.at, a.name, fmt.Sprintf("at most %d values", maxSweepValues), "%d values", len(a.node.items))
				continue
			}
			for _, it := range a.node.items {
				sw.values = append(sw.values, assign{name: a.name, value: it.scalar(), text: it.text(), kind: it.kind, key: a.key, at: it.at})
			}
		case a.node.kind == vTable:
			vals, ok := d.rangeValues(a)
			if !ok {
				continue
			}
			sw.values = vals
		default:
			d.errorf(a.at, a.name, "want a list of values such as [0, 0.05, 0.1] or a range {from = 0, to = 0.3, step = 0.05}", "got %s, which is not a sweep", a.node.describe())
			continue
		}
		ok := d.distinct(sw)
		for _, v := range sw.values {
			q := d.p.Clone()
			if !d.apply(&q, v, false) {
				ok = false
			}
		}
		if ok {
			d.s.sweeps = append(d.s.sweeps, sw)
		}
	}
}

// distinct reports a value that a sweep repeats: it would make design
// points identical to others, with identical labels. Values are compared
// as values (0.01 and 1e-2 are one value, and so are 2 and 2.0).
func (d *decoder) distinct(sw sweep) bool {
	first := map[any]assign{}
	for _, v := range sw.values {
		k := v.value
		switch x := v.value.(type) {
		case int64:
			k = float64(x)
		case float64:
			k = x + 0 // -0 is 0
		}
		prev, dup := first[k]
		if !dup {
			first[k] = v
			continue
		}
		if prev.at == v.at {
			// Values of a range share its position: rounding to 12
			// significant digits made two steps one value.
			d.errorf(v.at, sw.name, "use a step that the values can show (12 significant digits)", "the range repeats the value %s", v.text)
		} else {
			d.errorf(v.at, sw.name, "list each value once", "%s repeats the value %s (line %d, column %d)", v.text, prev.text, prev.at.line, prev.at.col)
		}
		return false
	}
	return true
}

// specSet is the set of parameters (spec names) that a setting addresses.
type specSet struct {
	a     assign
	names map[string]bool
	order []string
}

func newSpecSet(p *sim.Params, a assign) specSet {
	s := specSet{a: a, names: map[string]bool{}}
	for _, sp := range matching(p, a.name) {
		s.names[sp.Name] = true
		s.order = append(s.order, sp.Name)
	}
	return s
}

func (s specSet) overlaps(o specSet) bool {
	for n := range s.names {
		if o.names[n] {
			return true
		}
	}
	return false
}

// narrows reports whether s addresses some, not all, of the parameters
// that o addresses, and nothing else.
func (s specSet) narrows(o specSet) bool {
	if len(s.names) >= len(o.names) {
		return false
	}
	for n := range s.names {
		if !o.names[n] {
			return false
		}
	}
	return true
}

// firstOverlap returns the first of list that shares a parameter with s.
func (s specSet) firstOverlap(list []specSet) *specSet {
	for i := range list {
		if s.overlaps(list[i]) {
			return &list[i]
		}
	}
	return nil
}

// common is ", which sets P too" naming the parameters that s shares
// with o (the first three in spec order and how many more), or "" when
// that is just the name of one of them.
func (s specSet) common(o specSet) string {
	var both []string
	for _, n := range s.order {
		if o.names[n] {
			both = append(both, n)
		}
	}
	if len(both) == 1 && (both[0] == s.a.name || both[0] == o.a.name) {
		return ""
	}
	if len(both) > 3 {
		both = append(both[:3], fmt.Sprintf("and %d more", len(both)-3))
	}
	return ", which sets " + strings.Join(both, ", ") + " too"
}

// rangeValues expands {from, to, step}. Values are integers when all
// three are, and are rounded to 12 significant digits otherwise so that
// 0.1+0.2 shows as 0.3.
func (d *decoder) rangeValues(a assign) ([]assign, bool) {
	t := a.node
	if !d.table(t, a.name, &rangeKeys) {
		return nil, false
	}
	var x [3]float64
	ints := true
	ok := true
	for i, k := range []string{"from", "to", "step"} {
		kn := d.need(t, a.name, k, "a range needs from, to and step")
		if kn == nil {
			ok = false
			continue
		}
		v, good := d.number(kn, a.name+"."+k)
		if good && (math.IsNaN(v) || math.IsInf(v, 0)) {
			d.errorf(kn.at, a.name+"."+k, "want a finite number", "%s is not finite", kn.text())
			good = false
		}
		x[i], ok, ints = v, ok && good, ints && kn.kind == vInt
	}
	if !ok {
		return nil, false
	}
	from, to, step := x[0], x[1], x[2]
	if step <= 0 {
		d.errorf(t.get("step").at, a.name+".step", "want a number more than 0", "step %s does not advance", t.get("step").text())
		return nil, false
	}
	if to < from {
		d.errorf(t.get("to").at, a.name+".to", "want from <= to", "to %s is below from %s", t.get("to").text(), t.get("from").text())
		return nil, false
	}
	count := math.Floor((to-from)/step+1e-9) + 1
	if count > maxSweepValues {
		d.errorf(t.at, a.name, fmt.Sprintf("at most %d values", maxSweepValues), "the range has %s values", countText(count))
		return nil, false
	}
	var out []assign
	for i := 0; i < int(count); i++ {
		v := from + float64(float64(i)*step) // rounded: never a fused multiply-add, the same on every machine
		if ints {
			out = append(out, assign{name: a.name, value: int64(v), text: strconv.FormatInt(int64(v), 10), kind: vInt, key: a.key, at: t.at})
			continue
		}
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
		out = append(out, assign{name: a.name, value: v, text: strconv.FormatFloat(v, 'g', -1, 64), kind: vFloat, key: a.key, at: t.at})
	}
	return out, true
}

func (d *decoder) plots(n *node) {
	for i, t := range d.entries(n, "plot") {
		path := fmt.Sprintf("plot[%d]", i)
		if !d.table(t, path, &plotKeys) {
			continue
		}
		pr := PlotRequest{Metric: defaultMetric}
		kn := d.need(t, path, "kind", "allowed: "+strings.Join(plotKinds, ", "))
		ok := kn != nil
		if kn != nil {
			pr.Kind, ok = d.oneOf(kn, path+".kind", plotKinds)
		}
		if mn := t.get("metric"); mn != nil {
			m, good := d.oneOf(mn, path+".metric", sim.MetricNames())
			pr.Metric, ok = m, ok && good
		}
		if !ok {
			continue
		}
		need := ""
		switch {
		case pr.Kind == "response" && len(d.s.sweeps) < 1:
			need = "a swept parameter"
		case pr.Kind == "heatmap" && len(d.s.sweeps) < 2:
			need = "two swept parameters"
		case pr.Kind == "strategies" && len(d.s.strategies) < 1:
			need = "strategies"
		case pr.Kind == "event" && len(d.p.Events) < 1:
			need = "an event"
		}
		if need != "" {
			d.errorf(kn.at, path+".kind", "add what it needs to the scenario or choose another kind", "%s %s plot needs %s", article(pr.Kind), pr.Kind, need)
			continue
		}
		d.s.Plots = append(d.s.Plots, pr)
	}
}

// article is "a" or "an" before word.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
