package scenarios

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// Memory estimates behind the size checks. A run holds its people (with
// their ties) in memory; a batch holds every design point's parameters and
// per-step aggregates, and a little bookkeeping per run.
const (
	bytesPerPerson   = 1 << 10
	bytesPerPoint    = 4 << 10 // parameters and labels, besides the aggregates
	bytesPerOrgPoint = 64
	bytesPerStat     = 24 // sum, sum of squares and count of one metric at one step
	bytesPerRun      = 64
	maxBatchBytes    = 2 << 30
)

// Plan expands the scenario into a batch: one design point per strategy
// (or a single unnamed one) and per combination of swept values, in this
// order: strategies outermost, then the swept parameters in file order,
// the last varying fastest. A scenario with [sample] has one point per
// strategy and row of its design instead, in design order, and the
// sampled parameters take the place of the swept ones (as conditions).
// Each point's parameters are the base with the strategy's settings, the
// swept values and the --set overrides applied, in that order, and are
// validated. Problems come back as an ErrorList.
func (s *Scenario) Plan() (*batch.Plan, error) {
	points, swept, sample, errs := s.expand()
	if len(errs) > 0 {
		return nil, errs
	}
	sweeps, _ := s.activeSweeps()
	points = batch.WithCounterfactuals(points)
	plan := &batch.Plan{
		Sample:      sample,
		Scenario:    s.Name,
		Description: s.Description,
		Points:      points,
		Swept:       swept,
		Replicates:  s.Replicates,
		BaseSeed:    s.Seed,
		Every:       s.Every,
		Plots:       append([]PlotRequest(nil), s.Plots...),
	}
	s.decisionPlan(plan, sweeps)
	if sample != nil {
		for _, p := range sample.Params {
			plan.Conditions = append(plan.Conditions, p.Name)
		}
	}
	return plan, nil
}

// strategySettings are the settings of st as the scenario writes them,
// without those that the --set overrides replace entirely (every
// parameter the setting addresses is overridden), since the strategy no
// longer changes those.
func (s *Scenario) strategySettings(st *strategy) []batch.Setting {
	var out []batch.Setting
	for _, a := range st.settings {
		specs := matching(&s.base, a.name)
		replaced := len(specs) > 0
		for _, sp := range specs {
			hit := false
			for _, o := range s.overrides {
				if sim.MatchName(o.name, sp.Name) {
					hit = true
					break
				}
			}
			replaced = replaced && hit
		}
		if !replaced {
			out = append(out, batch.Setting{Name: a.name, Value: a.text})
		}
	}
	return out
}

// NumPoints returns the number of design points Plan makes, paired
// no-events twins included.
func (s *Scenario) NumPoints() int {
	n := max(1, len(s.strategies))
	if len(s.base.Events) > 0 {
		n *= 2
	}
	sweeps, _ := s.activeSweeps()
	for _, sw := range sweeps {
		n *= len(sw.values)
	}
	return n * s.sampleRows()
}

// sampleRows is the number of rows of the sampled design, 1 without one.
func (s *Scenario) sampleRows() int {
	if s.sample == nil {
		return 1
	}
	spec, _ := s.sample.Spec() // checked by Parse
	return spec.Rows()
}

// activeSweeps are the sweeps that no --set override has replaced. The
// overrides replace a sweep when together they set every parameter it
// sets (under whatever names); overrides that set only some of them are
// an error, since the design points would be labelled with swept values
// that some of their parameters do not have.
func (s *Scenario) activeSweeps() ([]sweep, ErrorList) {
	var out []sweep
	var errs ErrorList
	for _, sw := range s.sweeps {
		specs := matching(&s.base, sw.name)
		hit, by := 0, ""
		for _, sp := range specs {
			for _, o := range s.overrides {
				if sim.MatchName(o.name, sp.Name) {
					hit++
					if by == "" {
						by = o.name
					}
					break
				}
			}
		}
		switch {
		case hit == 0:
			out = append(out, sw)
		case hit < len(specs):
			errs = append(errs, &Error{File: overrideFile, Name: by,
				Problem: fmt.Sprintf("overrides %d of the %d parameters that the sweep of %q sets, so the design points' labels would be wrong", hit, len(specs), sw.name),
				Allowed: fmt.Sprintf("override the whole sweep (--set %s=VALUE) or none of it", sw.name)})
		}
	}
	return out, errs
}

// afterFlags is " (after --set a=1, --set b=2)" naming the parameter
// overrides, or "" when there are none.
func (s *Scenario) afterFlags(texts []string) string {
	if len(texts) == 0 {
		return ""
	}
	return " (after --set " + strings.Join(texts, ", --set ") + ")"
}

// blame points a design point's problem with parameter param at the flag
// that caused it. A scenario that Parse accepted has valid design points,
// so a problem Plan finds comes from the overrides: when one of them sets
// param, the error names --set (and the override, when its name is not
// param); otherwise it stays at the file's position, with the overrides
// named after the problem.
func (s *Scenario) blame(e *Error, param string) {
	if len(s.setText) == 0 {
		return
	}
	var direct []string
	for i, o := range s.overrides {
		if sim.MatchName(o.name, param) {
			direct = append(direct, s.setTextOf(i))
		}
	}
	if len(direct) == 0 {
		e.Problem += s.afterFlags(s.setText)
		return
	}
	e.File, e.Line, e.Col, e.Name = overrideFile, 0, 0, param
	if len(direct) > 1 || !strings.HasPrefix(direct[0], param+"=") {
		e.Problem += s.afterFlags(direct)
	}
}

// setTextOf returns the --set text of the override that set
// s.overrides[i] (one --set convening.attend=... sets several).
func (s *Scenario) setTextOf(i int) string {
	name := s.overrides[i].name
	for _, t := range s.setText {
		if n, _, _ := strings.Cut(t, "="); n == name || strings.HasPrefix(name, n+".") && n == "convening.attend" {
			return t
		}
	}
	return name
}

// peopleError reports q's head count past sim.MaxPeople. When overrides
// made it so, it names the one override that changes the head count
// (or all that do, after "org").
func (s *Scenario) peopleError(q *sim.Params) *Error {
	name, at := s.loc.resolve("org")
	e := &Error{File: s.Filename, Line: at.line, Col: at.col, Name: name,
		Problem: fmt.Sprintf("%d people per run need about %s of memory (about 1 KiB per person)", q.People(), bytesText(float64(q.People())*bytesPerPerson)),
		Allowed: fmt.Sprintf("at most %d people per run (about %s)", sim.MaxPeople, bytesText(float64(sim.MaxPeople)*bytesPerPerson))}
	if len(s.setText) == 0 {
		return e
	}
	var by []string
	base := s.base.People()
	for i, o := range s.overrides {
		one := s.base.Clone()
		if one.Set(o.name, o.value) == nil && one.People() != base {
			by = append(by, s.setTextOf(i))
		}
	}
	if len(by) == 0 {
		e.Problem += s.afterFlags(s.setText)
		return e
	}
	e.File, e.Line, e.Col = overrideFile, 0, 0
	if len(by) == 1 {
		e.Name, _, _ = strings.Cut(by[0], "=")
	} else {
		e.Name = "org"
		e.Problem += s.afterFlags(by)
	}
	return e
}

// problem is an error found in some design points, reported once.
type problem struct {
	err   *Error
	count int
	first string
}

func (s *Scenario) expand() ([]batch.Point, []string, *batch.Sample, ErrorList) {
	d := &decoder{file: s.Filename, s: s}
	sweeps, serrs := s.activeSweeps()
	serrs = append(serrs, s.sampleOverridden()...)
	if len(serrs) > 0 {
		return nil, nil, nil, serrs
	}
	strategies := s.strategies
	if len(strategies) == 0 {
		strategies = []strategy{{}}
	}
	if !s.fits(d, sweeps, len(strategies)) {
		return nil, nil, nil, d.errs.sortDedup()
	}
	swept := make([]string, len(sweeps))
	for i, sw := range sweeps {
		swept[i] = sw.name
	}
	// A sampled design's rows take the place of the sweeps' grid (Parse
	// refuses both in one scenario).
	var sample *batch.Sample
	rows := [][]assign{nil}
	if s.sample != nil {
		spec, rs, err := s.sample.rows(s.Seed)
		if err != nil {
			return nil, nil, nil, ErrorList{&Error{File: s.Filename, Line: s.sample.at.line, Col: s.sample.at.col, Name: "sample", Problem: err.Error()}}
		}
		sample, rows = &spec, rs
		for _, p := range spec.Params {
			swept = append(swept, p.Name)
		}
	}

	var points []batch.Point
	var order []string
	problems := map[string]*problem{}
	idx := make([]int, len(sweeps)) // odometer over the sweeps' values
	for _, st := range strategies {
		for i := range idx {
			idx[i] = 0
		}
		settings := s.strategySettings(&st)
		row := 0
		for {
			pt := batch.Point{Index: len(points), Strategy: st.name, StrategyDescription: st.description,
				Settings: append([]batch.Setting(nil), settings...)}
			q := s.base.Clone()
			var errs sim.Errors
			set := func(a assign) {
				if err := q.Set(a.name, a.value); err != nil {
					var pe *sim.ParamError
					if errors.As(err, &pe) {
						errs = append(errs, pe)
					}
				}
			}
			for _, a := range st.settings {
				set(a)
			}
			for i, sw := range sweeps {
				v := sw.values[idx[i]]
				set(v)
				pt.Swept = append(pt.Swept, batch.Setting{Name: sw.name, Value: v.text})
			}
			for _, v := range rows[row] {
				set(v)
				pt.Swept = append(pt.Swept, batch.Setting{Name: v.name, Value: v.text})
			}
			for _, o := range s.overrides {
				set(o)
			}
			tooMany := q.People() > sim.MaxPeople
			if tooMany {
				pe := s.peopleError(&q)
				errs = append(errs, &sim.ParamError{Name: "org", Problem: pe.Problem, Allowed: pe.Allowed})
			}
			var verr sim.Errors
			if err := q.Validate(); errors.As(err, &verr) {
				for _, e := range verr {
					// sim's own head count check says less than ours.
					if !(tooMany && e.Name == "org") {
						errs = append(errs, e)
					}
				}
			}
			pt.Params = q
			label := pt.Label()
			for _, e := range errs {
				k := e.Name + "\x00" + e.Problem
				pr := problems[k]
				if pr == nil {
					name, at := s.loc.resolve(e.Name)
					err := &Error{File: s.Filename, Line: at.line, Col: at.col, Name: name, Problem: e.Problem, Allowed: e.Allowed}
					if tooMany && e.Name == "org" {
						err = s.peopleError(&q)
					} else {
						s.blame(err, e.Name)
					}
					pr = &problem{err: err, first: label}
					problems[k] = pr
					order = append(order, k)
				}
				pr.count++
			}
			points = append(points, pt)
			// Advance the odometer, the last sweep fastest.
			i := len(idx) - 1
			for ; i >= 0; i-- {
				idx[i]++
				if idx[i] < len(sweeps[i].values) {
					break
				}
				idx[i] = 0
			}
			if i < 0 {
				if row++; row == len(rows) {
					break
				}
			}
		}
	}
	var out ErrorList
	for _, k := range order {
		pr := problems[k]
		if pr.count < len(points) {
			pr.err.Problem += fmt.Sprintf(" (in %d of %d design points, first: %s)", pr.count, len(points), pr.first)
		}
		out = append(out, pr.err)
	}
	if len(out) > 0 {
		return nil, nil, nil, out.sortDedup()
	}
	return points, swept, sample, nil
}

// fits estimates the memory a batch needs before expanding it and reports
// a batch that would not fit.
func (s *Scenario) fits(d *decoder, sweeps []sweep, strategies int) bool {
	q := s.base.Clone()
	for _, o := range s.overrides {
		_ = q.Set(o.name, o.value) // checked by Override
	}
	horizon := float64(q.Horizon)
	points := float64(strategies * s.sampleRows())
	if len(q.Events) > 0 {
		points *= 2 // each point and its paired no-events twin
	}
	for _, sw := range sweeps {
		points *= float64(len(sw.values))
		if sw.name == "horizon" {
			for _, v := range sw.values {
				if h, ok := v.value.(int64); ok && float64(h) > horizon {
					horizon = float64(h)
				}
			}
		}
	}
	fits := true
	if q.People() > sim.MaxPeople {
		e := s.peopleError(&q)
		if e.Line < 1 && e.File == s.Filename {
			e.Line, e.Col = 1, 1
		}
		d.errs = append(d.errs, e)
		fits = false
	}
	// Aggregates and the plots' data hold every step, whatever every
	// keeps in timeseries.csv, so every does not shrink the estimate.
	steps := horizon + 1
	// Each product rounded on its own (no fused multiply-add), so that the
	// limit falls at the same place on every machine.
	perPoint := bytesPerPoint + float64(bytesPerOrgPoint*float64(len(q.Orgs))) + float64(steps*float64(len(sim.MetricNames()))*bytesPerStat)
	total := func(replicates int) float64 {
		return float64(points*perPoint) + float64(points*float64(replicates)*bytesPerRun)
	}
	if total(s.Replicates) <= maxBatchBytes {
		return fits
	}
	at := s.replicatesAt
	if at.line == 0 {
		at = s.sweepAt
	}
	runs := points * float64(s.Replicates)
	twins := ""
	if len(q.Events) > 0 {
		twins = " (half of them paired no-events counterfactuals)"
	}
	e := &Error{File: s.Filename, Line: max(at.line, 1), Col: max(at.col, 1), Name: "replicates",
		Problem: fmt.Sprintf("%s design points%s × %d replicates = %s runs need about %s of memory to plan and aggregate (about %s per design point, %d B per run)",
			countText(points), twins, s.Replicates, countText(runs), bytesText(total(s.Replicates)), bytesText(perPoint), bytesPerRun),
		Allowed: fmt.Sprintf("at most %s; use fewer replicates, sweep values or strategies, or a shorter horizon", bytesText(maxBatchBytes))}
	switch {
	case s.replicatesSet && total(s.fileReplicates) <= maxBatchBytes:
		// The file's replicates fit: --replicates (or --set replicates) is at fault.
		e.File, e.Line, e.Col = "--replicates", 0, 0
	case len(s.setText) > 0:
		e.Problem += s.afterFlags(s.setText)
	}
	d.errs = append(d.errs, e)
	return false
}

// countText formats a count for a message: whole, and with an exponent
// from 1e21 on (a range of 1e308 values is not written in 309 digits).
func countText(x float64) string {
	if math.Abs(x) >= 1e21 {
		return strconv.FormatFloat(x, 'g', 4, 64)
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

// bytesText formats a byte count in binary units, e.g. "1.5 GiB".
func bytesText(b float64) string { return batch.FormatBytes(b) }

// locator maps the names of sim.Params.Validate's problems (dotted
// parameter names and paths such as "event[2].who.org") back to the place
// in the file that set them.
type locator struct {
	set      map[string]pos         // parameter name -> the value that set it last
	lists    map[string][]listEntry // "org", "event", ... -> by index in sim.Params
	orgEntry map[string]*node       // organization name -> its [[org]] entry
	firstOrg *node
}

type listEntry struct {
	n   *node
	idx int // index of the entry in the file
}

func newLocator() locator {
	return locator{set: map[string]pos{}, lists: map[string][]listEntry{}, orgEntry: map[string]*node{}}
}

func (l *locator) add(list string, n *node, idx int) {
	l.lists[list] = append(l.lists[list], listEntry{n, idx})
}

var listPath = regexp.MustCompile(`^(org|history|arrangement|event)\[(\d+)\](.*)$`)

// resolve returns the name to report (list paths renumbered as in the
// file) and the position of the value it concerns; line 1 when the file
// does not mention it.
func (l *locator) resolve(name string) (string, pos) {
	if at, ok := l.set[name]; ok {
		return name, at
	}
	if m := listPath.FindStringSubmatch(name); m != nil {
		i, _ := strconv.Atoi(m[2])
		if es := l.lists[m[1]]; i < len(es) {
			e := es[i]
			return fmt.Sprintf("%s[%d]%s", m[1], e.idx, m[3]), walk(e.n, strings.TrimPrefix(m[3], "."))
		}
	}
	if parts := strings.SplitN(name, ".", 3); len(parts) == 3 && parts[0] == "org" {
		if t := l.orgEntry[parts[1]]; t != nil {
			if t.get(strings.SplitN(parts[2], ".", 2)[0]) == nil && t.get("kind") != nil {
				return name, t.get("kind").at // a default of the organization's kind
			}
			return name, walk(t, parts[2])
		}
	}
	if name == "org" && l.firstOrg != nil {
		return name, l.firstOrg.at
	}
	return name, pos{1, 1}
}

// walk follows a dotted path of keys down from n and returns the position
// of the deepest value found.
func walk(n *node, path string) pos {
	if path != "" {
		for _, k := range strings.Split(path, ".") {
			c := n.get(k)
			if c == nil {
				break
			}
			n = c
		}
	}
	return n.at
}
