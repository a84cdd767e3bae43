package batch

import (
	"fmt"

	"github.com/trustsim/trustsim/sim"
)

// Setting is one parameter value of a design point, by dotted name.
type Setting struct {
	Name  string
	Value string
}

// Point is one design point: a full parameter set, the strategy it
// belongs to ("" when the scenario has none) and the values of the swept
// parameters that distinguish it from the other points.
type Point struct {
	// Index is the point's position in Plan.Points.
	Index int
	// Strategy is the name of the strategy, or "".
	Strategy string
	// Swept holds the swept parameters' values in Plan.Swept order.
	Swept []Setting
	// Params is the complete, validated parameter set of the point.
	Params sim.Params
	// StrategyDescription is the strategy's description in plain words,
	// or "".
	StrategyDescription string
	// Settings are the strategy's own parameter settings, as the scenario
	// writes them, in file order: what the strategy changes relative to
	// the scenario's base. Settings that a command-line override replaces
	// are left out. Empty when the point has no strategy.
	Settings []Setting
	// Counterfactual marks the paired "no events" twin of the next point
	// (Index+1): the same parameters without the scheduled events. Its
	// replicate r runs on the same seed as the next point's replicate r,
	// so the two differ only by the events (docs/OUTPUTS.md, "Paired
	// design").
	Counterfactual bool
}

// HasEvents reports whether the point's runs have scheduled events.
func (p *Point) HasEvents() bool { return len(p.Params.Events) > 0 }

// Label is a short human-readable name of the point, e.g.
// "partnership, policy.relationship_share=0.1".
func (p *Point) Label() string {
	s := p.Strategy
	for _, v := range p.Swept {
		if s != "" {
			s += ", "
		}
		s += v.Name + "=" + v.Value
	}
	if s == "" {
		s = "baseline"
	}
	if p.Counterfactual {
		s += ", no events"
	}
	return s
}

// Plan is a batch: design points × replicates = runs. Run i belongs to
// point i / Replicates and is replicate r = i % Replicates; its seed is
// RunSeed(BaseSeed, r), the same for replicate r of every point (the
// paired design, SeedDerivation).
type Plan struct {
	// Scenario is the scenario's name.
	Scenario string
	// Description is the scenario's description.
	Description string
	// Question is the question the scenario asks, in the funder's words.
	Question string
	// Levers are the swept parameters that are the funder's choices, and
	// Conditions those that the initiative faces, each in Swept order;
	// together they are Swept. Strategies are always levers.
	Levers, Conditions []string
	// Baseline is the status quo that gains are measured from: a
	// strategy (or "") and a value of each lever in Levers.
	Baseline Baseline
	// Points are the design points in a fixed order.
	Points []Point
	// Swept are the dotted names of the swept parameters, in order.
	Swept []string
	// Replicates is the number of runs per point.
	Replicates int
	// BaseSeed seeds every run through sim.RunSeed.
	BaseSeed uint64
	// Every keeps every Every-th step in timeseries.csv (1 keeps all).
	Every int
	// Plots are the plots the scenario asks for besides the standard
	// ones, in file order.
	Plots []PlotRequest
	// Sample describes the sampled design the points come from, or is
	// nil for a grid of strategies and sweeps.
	Sample *Sample
}

// WithCounterfactuals returns points with, before each point that has
// scheduled events, its paired no-events twin: the same parameters
// without the events (Point.Counterfactual), and every Index renumbered.
// With the paired seeds, replicate r of the twin runs on the seed of
// replicate r of the point, so the difference between the two runs is the
// events' effect (docs/OUTPUTS.md, "Paired design").
func WithCounterfactuals(points []Point) []Point {
	out := make([]Point, 0, len(points))
	for _, pt := range points {
		if pt.HasEvents() && !pt.Counterfactual {
			twin := pt
			twin.Params = pt.Params.Clone()
			twin.Params.Events = pt.Params.Events[:0:0]
			twin.Swept = append([]Setting(nil), pt.Swept...)
			twin.Settings = append([]Setting(nil), pt.Settings...)
			twin.Counterfactual = true
			twin.Index = len(out)
			out = append(out, twin)
		}
		pt.Index = len(out)
		out = append(out, pt)
	}
	return out
}

// Baseline is the status-quo choice of levers: Strategy names a strategy
// ("" when the scenario has none) and Values holds one value of each
// swept lever, in Plan.Levers order.
type Baseline struct {
	Strategy string
	Values   []Setting
}

// PlotRequest is a plot a scenario asks for: Kind is one of timeseries,
// response, heatmap, strategies or event (PlotKinds), and Metric a name
// from sim.MetricNames().
type PlotRequest struct {
	Kind, Metric string
}

// PlotKinds returns the kinds of plot a PlotRequest can name.
func PlotKinds() []string {
	return []string{"timeseries", "response", "heatmap", "strategies", "event"}
}

// Run identifies one run of a plan.
type Run struct {
	Index     int
	Point     int
	Replicate int
	Seed      uint64
}

// NumRuns returns the number of runs in the plan.
func (p *Plan) NumRuns() int { return len(p.Points) * p.Replicates }

// Run returns run number i of the plan.
func (p *Plan) Run(i int) Run {
	if i < 0 || i >= p.NumRuns() {
		panic(fmt.Sprintf("batch: run %d outside plan of %d runs", i, p.NumRuns()))
	}
	r := i % p.Replicates
	return Run{Index: i, Point: i / p.Replicates, Replicate: r, Seed: RunSeed(p.BaseSeed, r)}
}

// SeedDerivation says in words how a run's seed is derived; manifest.json
// records it as "seed_derivation".
const SeedDerivation = "paired: the seed of replicate r of every design point is sim.RunSeed(base_seed, r)"

// RunSeed returns the seed of replicate r of a batch with base seed base.
// It depends on nothing else, so replicate r of every strategy, lever
// value and condition runs on the same random streams (common random
// numbers) and differences between points are paired by replicate.
func RunSeed(base uint64, r int) uint64 { return sim.RunSeed(base, r) }

// LeverLabel names the point's choice of levers: its strategy and its
// values of the swept levers, e.g. "partnership, policy.relationship_share=0.1",
// or "" when the scenario has neither.
func (p *Plan) LeverLabel(pt *Point) string {
	s := pt.Strategy
	for i, v := range pt.Swept {
		if i < len(p.Swept) && !p.isLever(p.Swept[i]) {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += v.Name + "=" + v.Value
	}
	return s
}

// ConditionLabel names the conditions the point faces: its values of the
// swept conditions, e.g. "org.*.annual_turnover.staff=0.2", or "" when
// nothing but levers is swept.
func (p *Plan) ConditionLabel(pt *Point) string {
	s := ""
	for i, v := range pt.Swept {
		if i >= len(p.Swept) || p.isLever(p.Swept[i]) {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += v.Name + "=" + v.Value
	}
	return s
}

func (p *Plan) isLever(name string) bool {
	for _, l := range p.Levers {
		if l == name {
			return true
		}
	}
	return false
}

// Result is a finished run: its identity and the metrics of every step.
type Result struct {
	Run   Run
	Steps []sim.Metrics
}
