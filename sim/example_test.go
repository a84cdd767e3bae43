package sim_test

import (
	"context"
	"fmt"

	"github.com/trustsim/trustsim/sim"
)

// Run the default initiative for a year with a warm-handoff policy and
// print what happened to the partnerships.
func ExampleRun() {
	p := sim.Default()
	p.Horizon = 52
	if err := p.Set("policy.handoff_share", 0.5); err != nil {
		panic(err)
	}
	var final sim.Metrics
	err := sim.Run(context.Background(), p, 1, func(m sim.Metrics) error {
		final = m
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("weeks:", final.Step+1)
	fmt.Println("trust in [0,1]:", final.MeanTrust >= 0 && final.MeanTrust <= 1)
	fmt.Println("metrics per step:", len(sim.MetricNames()))
	// Output:
	// weeks: 52
	// trust in [0,1]: true
	// metrics per step: 19
}

// Step a run by hand and inspect its state, as a test of a mechanism would.
func ExampleModel_Advance() {
	p := sim.Default()
	p.Events = []sim.Event{{Step: 3, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}
	m, err := sim.New(p, 1)
	if err != nil {
		panic(err)
	}
	leader, _ := m.PersonAt(sim.PersonRef{Org: "parent_ed", Role: sim.Leader})
	// Week counts recorded weeks: the default warm-up runs first.
	for m.Week() < 4 {
		m.Advance()
	}
	fmt.Println("leader present:", m.Present(leader), "ties:", m.Degree(leader))
	for !m.Present(leader) {
		m.Advance()
	}
	fmt.Println("successor: generation", m.Generation(leader), "tenure", m.Tenure(leader), "ties", m.Degree(leader))
	// Output:
	// leader present: false ties: 0
	// successor: generation 2 tenure 0 ties 0
}
