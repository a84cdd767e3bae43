package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// programName is the name recorded in manifest.json.
const programName = "trustsim"

// scenarioCopyName is the file the scenario text is copied to.
const scenarioCopyName = "scenario.toml"

// manifest is manifest.json. Field order is the file's key order, fixed
// by encoding/json. Everything except Invocation is a function of the
// scenario text, the seed and the program, so two identical batches have
// identical manifests once Invocation is removed.
//
// Seeds, unsigned 64-bit integers, are written as JSON strings of decimal
// digits (`"base_seed": "16860738450190168606"`): a JSON number above 2^53
// is read as a double, and so rounded, by JavaScript, R's jsonlite and many
// other clients (docs/OUTPUTS.md, "manifest.json").
type manifest struct {
	Program        string          `json:"program"`
	Version        string          `json:"version"`
	Revision       string          `json:"revision"`
	Modified       bool            `json:"modified"`
	GoVersion      string          `json:"go_version"`
	Build          string          `json:"build,omitempty"`
	Scenario       string          `json:"scenario"`
	Description    string          `json:"description"`
	ScenarioFile   string          `json:"scenario_file"`
	ScenarioCopy   string          `json:"scenario_copy"`
	ScenarioSHA256 string          `json:"scenario_sha256"`
	Question       string          `json:"question"`
	Levers         []string        `json:"levers"`
	Conditions     []string        `json:"conditions"`
	Baseline       manifestChoice  `json:"baseline"`
	BaseSeed       uint64          `json:"base_seed,string"`
	SeedDerivation string          `json:"seed_derivation"`
	Replicates     int             `json:"replicates"`
	Every          int             `json:"every"`
	Swept          []string        `json:"swept"`
	Sample         *batch.Sample   `json:"sample,omitempty"`
	Metrics        []string        `json:"metrics"`
	Plots          []manifestPlot  `json:"plots"`
	Points         []manifestPoint `json:"points"`
	Runs           []manifestRun   `json:"runs"`
	Invocation     invocation      `json:"invocation"`
}

// invocation holds the only manifest fields that may differ between two
// batches of the same scenario, seed and program.
type invocation struct {
	Command []string `json:"command"`
	Workers int      `json:"workers"`
	Start   string   `json:"start"`
	End     string   `json:"end"`
}

// setting is a parameter name and its value as a scenario writes it.
type setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// manifestChoice is a choice of levers: a strategy ("" when the scenario
// has none) and a value of each swept lever (batch.Baseline).
type manifestChoice struct {
	Strategy string    `json:"strategy"`
	Levers   []setting `json:"levers"`
}

// manifestPlot is a plot the scenario asks for (batch.PlotRequest).
type manifestPlot struct {
	Kind   string `json:"kind"`
	Metric string `json:"metric"`
}

// manifestPoint is one design point with its full parameter set.
type manifestPoint struct {
	Index    int    `json:"index"`
	Label    string `json:"label"`
	Strategy string `json:"strategy"`
	// StrategyDescription and StrategySettings say what the strategy
	// changes (batch.Point.StrategyDescription and Settings).
	StrategyDescription string    `json:"strategy_description"`
	StrategySettings    []setting `json:"strategy_settings"`
	Swept               []setting `json:"swept"`
	// Lever and Condition name the point's choice of levers and the
	// conditions it faces (batch.Plan.LeverLabel, ConditionLabel).
	Lever     string `json:"lever"`
	Condition string `json:"condition"`
	// EventsRun is "scheduled" when the point's runs have scheduled
	// events, else "none"; Counterfactual marks the paired no-events
	// twin of the next point (batch.Point.Counterfactual).
	EventsRun      string                `json:"events_run"`
	Counterfactual bool                  `json:"counterfactual"`
	Orgs           []manifestOrg         `json:"orgs"`
	History        []manifestHistory     `json:"history"`
	Arrangements   []manifestArrangement `json:"arrangements"`
	Events         []manifestEvent       `json:"events"`
	Params         []setting             `json:"params"`
}

// manifestOrg names an organization and its kind; its positions, turnover
// and hiring are org.<name>.* entries of Params.
type manifestOrg struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// manifestHistory is a sim.History.
type manifestHistory struct {
	A         string  `json:"a"`
	B         string  `json:"b"`
	LeaderTie bool    `json:"leader_tie"`
	StaffTies int     `json:"staff_ties"`
	Trust     float64 `json:"trust"`
}

// manifestArrangement is a sim.Arrangement; A and B are positions written
// org/role/index.
type manifestArrangement struct {
	Name  string  `json:"name"`
	A     string  `json:"a"`
	B     string  `json:"b"`
	Value float64 `json:"value"`
	Trust float64 `json:"trust"`
}

// manifestEvent is a sim.Event; Who is written org/role/index (index -1:
// every holder of the role).
type manifestEvent struct {
	Step  int    `json:"step"`
	Kind  string `json:"kind"`
	Who   string `json:"who,omitempty"`
	Org   string `json:"org,omitempty"`
	Param string `json:"param,omitempty"`
	Value string `json:"value,omitempty"`
}

// manifestRun identifies one run.
type manifestRun struct {
	Index     int    `json:"index"`
	Point     int    `json:"point"`
	Replicate int    `json:"replicate"`
	Seed      uint64 `json:"seed,string"`
}

// buildInfo describes the running program.
type buildInfo struct {
	Version, Revision, GoVersion string
	Modified                     bool
}

// readBuildInfo returns the program's module version and VCS revision.
// It is a variable so that golden-file tests can fix it.
var readBuildInfo = func() buildInfo {
	b := buildInfo{Version: "(devel)", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := info.Main.Version; v != "" {
		b.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// newManifest describes plan and meta; the end time is set by Close.
func newManifest(plan *batch.Plan, meta Meta) manifest {
	b := readBuildInfo()
	sum := sha256.Sum256(meta.ScenarioText)
	m := manifest{
		Program:        programName,
		Version:        b.Version,
		Revision:       b.Revision,
		Modified:       b.Modified,
		GoVersion:      b.GoVersion,
		Build:          meta.Build,
		Scenario:       plan.Scenario,
		Description:    plan.Description,
		ScenarioFile:   meta.ScenarioFile,
		ScenarioCopy:   scenarioCopyName,
		ScenarioSHA256: hex.EncodeToString(sum[:]),
		Question:       plan.Question,
		Levers:         append([]string{}, plan.Levers...),
		Conditions:     append([]string{}, plan.Conditions...),
		Baseline:       manifestChoice{Strategy: plan.Baseline.Strategy, Levers: settings(plan.Baseline.Values)},
		BaseSeed:       plan.BaseSeed,
		SeedDerivation: batch.SeedDerivation,
		Replicates:     plan.Replicates,
		Every:          max(plan.Every, 1),
		Swept:          append([]string{}, plan.Swept...),
		Sample:         plan.Sample,
		Metrics:        sim.MetricNames(),
		Plots:          make([]manifestPlot, len(plan.Plots)),
		Points:         make([]manifestPoint, len(plan.Points)),
		Runs:           make([]manifestRun, plan.NumRuns()),
		Invocation: invocation{
			Command: append([]string{}, meta.Command...),
			Workers: meta.Workers,
			Start:   batch.FormatTime(meta.Start),
		},
	}
	for i, r := range plan.Plots {
		m.Plots[i] = manifestPlot{Kind: r.Kind, Metric: r.Metric}
	}
	for i := range plan.Points {
		m.Points[i] = newManifestPoint(&plan.Points[i])
		m.Points[i].Lever = plan.LeverLabel(&plan.Points[i])
		m.Points[i].Condition = plan.ConditionLabel(&plan.Points[i])
	}
	for i := range m.Runs {
		r := plan.Run(i)
		m.Runs[i] = manifestRun{Index: r.Index, Point: r.Point, Replicate: r.Replicate, Seed: r.Seed}
	}
	return m
}

// settings converts batch settings to the manifest's.
func settings(ss []batch.Setting) []setting {
	out := make([]setting, len(ss))
	for i, s := range ss {
		out[i] = setting{Name: s.Name, Value: s.Value}
	}
	return out
}

// eventsRun is the events column of runs.csv for a point: "scheduled"
// when its runs have scheduled events, else "none".
func eventsRun(pt *batch.Point) string {
	if pt.HasEvents() {
		return "scheduled"
	}
	return "none"
}

func newManifestPoint(pt *batch.Point) manifestPoint {
	p := &pt.Params
	mp := manifestPoint{
		Index:               pt.Index,
		EventsRun:           eventsRun(pt),
		Counterfactual:      pt.Counterfactual,
		Label:               pt.Label(),
		Strategy:            pt.Strategy,
		StrategyDescription: pt.StrategyDescription,
		StrategySettings:    make([]setting, len(pt.Settings)),
		Swept:               make([]setting, len(pt.Swept)),
		Orgs:                make([]manifestOrg, len(p.Orgs)),
		History:             make([]manifestHistory, len(p.History)),
		Arrangements:        make([]manifestArrangement, len(p.Arrangement)),
		Events:              make([]manifestEvent, len(p.Events)),
	}
	for i, s := range pt.Settings {
		mp.StrategySettings[i] = setting{Name: s.Name, Value: s.Value}
	}
	for i, s := range pt.Swept {
		mp.Swept[i] = setting{Name: s.Name, Value: s.Value}
	}
	for i, o := range p.Orgs {
		mp.Orgs[i] = manifestOrg{Name: o.Name, Kind: o.Kind.String()}
	}
	for i, h := range p.History {
		mp.History[i] = manifestHistory{A: h.A, B: h.B, LeaderTie: h.LeaderTie, StaffTies: h.StaffTies, Trust: h.Trust}
	}
	for i, a := range p.Arrangement {
		mp.Arrangements[i] = manifestArrangement{Name: a.Name, A: a.A.String(), B: a.B.String(), Value: a.Value, Trust: a.Trust}
	}
	for i, e := range p.Events {
		me := manifestEvent{Step: e.Step, Kind: e.Kind.String()}
		switch e.Kind {
		case sim.Leave:
			me.Who = e.Who.String()
		case sim.Join, sim.Exit:
			me.Org = e.Org
		case sim.Set:
			me.Param, me.Value = e.Param, e.Value
		}
		mp.Events[i] = me
	}
	specs := p.Specs()
	mp.Params = make([]setting, len(specs))
	for i := range specs {
		mp.Params[i] = setting{Name: specs[i].Name, Value: specs[i].Value()}
	}
	return mp
}

// simParams rebuilds the point's parameters from the manifest, so that
// Redraw can describe a scenario without re-reading it.
func (mp *manifestPoint) simParams() (sim.Params, error) {
	p := sim.Default()
	p.Orgs = make([]sim.Org, len(mp.Orgs))
	for i, o := range mp.Orgs {
		k, err := sim.ParseKind(o.Kind)
		if err != nil {
			return p, fmt.Errorf("point %d: org %q: %w", mp.Index, o.Name, err)
		}
		p.Orgs[i] = sim.DefaultOrg(o.Name, k)
	}
	p.History = make([]sim.History, len(mp.History))
	for i, h := range mp.History {
		p.History[i] = sim.History{A: h.A, B: h.B, LeaderTie: h.LeaderTie, StaffTies: h.StaffTies, Trust: h.Trust}
	}
	p.Arrangement = make([]sim.Arrangement, len(mp.Arrangements))
	for i, a := range mp.Arrangements {
		ra, err := parsePersonRef(a.A)
		if err != nil {
			return p, fmt.Errorf("point %d: arrangement %q: %w", mp.Index, a.Name, err)
		}
		rb, err := parsePersonRef(a.B)
		if err != nil {
			return p, fmt.Errorf("point %d: arrangement %q: %w", mp.Index, a.Name, err)
		}
		p.Arrangement[i] = sim.Arrangement{Name: a.Name, A: ra, B: rb, Value: a.Value, Trust: a.Trust}
	}
	p.Events = make([]sim.Event, len(mp.Events))
	for i, e := range mp.Events {
		k, err := sim.ParseEventKind(e.Kind)
		if err != nil {
			return p, fmt.Errorf("point %d: event %d: %w", mp.Index, i, err)
		}
		ev := sim.Event{Step: e.Step, Kind: k, Org: e.Org, Param: e.Param, Value: e.Value}
		if k == sim.Leave {
			if ev.Who, err = parsePersonRef(e.Who); err != nil {
				return p, fmt.Errorf("point %d: event %d: %w", mp.Index, i, err)
			}
		}
		p.Events[i] = ev
	}
	if err := setParams(&p, mp.Params); err != nil {
		return p, fmt.Errorf("point %d: %w", mp.Index, err)
	}
	return p, nil
}

// setParams sets each of settings on p as calling p.Set on each in turn
// would, in time linear in the number of organizations. p.Set looks
// through the parameters of every organization (it rebuilds p.Specs()),
// so a call per parameter costs time that grows with the square of the
// organizations: over a minute for the thousand of a city-wide
// initiative. Instead the parameters of the initiative as a whole are set
// on p with its organizations hidden, and an organization's own on p
// holding that organization alone; organizations that start alike and get
// the same values (the 6,000 of an [[org]] entry with count = 6000) are
// set once and copied; and a value a parameter has already (most are
// defaults) is not set again. A manifest names each parameter once, by its full
// name; should a setting name org.* or an organization that p lacks or
// holds twice (a manifest edited by hand), every setting takes the slow
// path, p.Set in turn.
func setParams(p *sim.Params, settings []setting) error {
	orgs := p.Orgs
	index := make(map[string]int, len(orgs))
	for i := range orgs {
		if _, dup := index[orgs[i].Name]; dup {
			return setEach(p, settings)
		}
		index[orgs[i].Name] = i
	}
	var whole []setting
	own := make([][]setting, len(orgs))
	for _, s := range settings {
		rest, ok := strings.CutPrefix(s.Name, "org.")
		if !ok {
			whole = append(whole, s)
			continue
		}
		name, _, _ := strings.Cut(rest, ".")
		i, ok := index[name]
		if !ok {
			return setEach(p, settings)
		}
		own[i] = append(own[i], s)
	}

	defer func() { p.Orgs = orgs }()
	// fail reports a setting that p.Set refused on part of p as p.Set on
	// the whole of p does, so that a "did you mean" hint looks through
	// every name.
	fail := func(s setting, err error) error {
		p.Orgs = orgs
		if full := p.Set(s.Name, s.Value); full != nil {
			return full
		}
		return err
	}
	p.Orgs = nil
	if s, err := setChanged(p, whole); err != nil {
		return fail(s, err)
	}
	// An organization's result depends on where it starts (its name
	// aside) and on its settings' names after org.<name>. and values.
	type template struct {
		start    sim.Org
		settings string
	}
	done := map[template]sim.Org{}
	var key []byte
	for i := range orgs {
		if len(own[i]) == 0 {
			continue
		}
		o := &orgs[i]
		t := template{start: *o}
		t.start.Name = ""
		prefix := len("org.") + len(o.Name) + len(".")
		key = key[:0]
		for _, s := range own[i] {
			field := s.Name[min(prefix, len(s.Name)):]
			key = strconv.AppendInt(key, int64(len(field)), 10)
			key = append(key, ':')
			key = append(key, field...)
			key = strconv.AppendInt(key, int64(len(s.Value)), 10)
			key = append(key, ':')
			key = append(key, s.Value...)
		}
		t.settings = string(key)
		if set, ok := done[t]; ok {
			set.Name = o.Name
			*o = set
			continue
		}
		p.Orgs = orgs[i : i+1]
		if s, err := setChanged(p, own[i]); err != nil {
			return fail(s, err)
		}
		done[t] = *o
	}
	return nil
}

// setChanged sets each of settings on p with p.Set, in turn, but for
// those that would leave p as it is: most of a manifest's values are
// defaults, and each p.Set looks through all of p.Specs(). It returns the
// setting p.Set refused and the error.
func setChanged(p *sim.Params, settings []setting) (setting, error) {
	specs := p.Specs()
	for _, s := range settings {
		i := slices.IndexFunc(specs, func(sp sim.Spec) bool { return sp.Name == s.Name })
		if i >= 0 && unchanged(&specs[i], s.Value) {
			continue
		}
		if err := p.Set(s.Name, s.Value); err != nil {
			return s, err
		}
	}
	return setting{}, nil
}

// unchanged reports whether p.Set(sp.Name, value) would succeed and
// leave the parameter as it is: value is the parameter's value as
// sp.Value writes it (numbers in their shortest form, which parses back
// to the same number), and within range.
func unchanged(sp *sim.Spec, value string) bool {
	if sp.Value() != value {
		return false
	}
	if sp.Type == sim.Float || sp.Type == sim.Int {
		x, err := strconv.ParseFloat(value, 64)
		return err == nil && x >= sp.Min && x <= sp.Max // false for NaN
	}
	return true
}

// setEach sets each of settings on p with p.Set, in turn.
func setEach(p *sim.Params, settings []setting) error {
	for _, s := range settings {
		if err := p.Set(s.Name, s.Value); err != nil {
			return err
		}
	}
	return nil
}

// parsePersonRef parses org/role/index as written by sim.PersonRef.String.
func parsePersonRef(s string) (sim.PersonRef, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return sim.PersonRef{}, fmt.Errorf("position %q: want org/role/index", s)
	}
	role, err := sim.ParseRole(parts[1])
	if err != nil {
		return sim.PersonRef{}, fmt.Errorf("position %q: %w", s, err)
	}
	idx, err := strconv.Atoi(parts[2])
	if err != nil {
		return sim.PersonRef{}, fmt.Errorf("position %q: index: %w", s, err)
	}
	return sim.PersonRef{Org: parts[0], Role: role, Index: idx}, nil
}

// encodeManifest returns the manifest as indented JSON with a final
// newline (Encode adds it).
func encodeManifest(m *manifest) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // descriptions are text, not HTML: keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return buf.Bytes(), nil
}
