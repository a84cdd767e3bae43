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
}

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
	return s
}

// Plan is a batch: design points × replicates = runs. Run i belongs to
// point i / Replicates and is replicate i % Replicates; its seed is
// sim.RunSeed(BaseSeed, i).
type Plan struct {
	// Scenario is the scenario's name.
	Scenario string
	// Description is the scenario's description.
	Description string
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
	return Run{Index: i, Point: i / p.Replicates, Replicate: i % p.Replicates, Seed: sim.RunSeed(p.BaseSeed, i)}
}

// Result is a finished run: its identity and the metrics of every step.
type Result struct {
	Run   Run
	Steps []sim.Metrics
}
