package scenarios_test

import (
	"fmt"

	"github.com/trustsim/trustsim/scenarios"
)

func ExampleParse() {
	src := []byte(`
name = "handoff-test"
replicates = 3

[[strategy]]
name = "no handoff"
"policy.handoff_share" = 0

[[strategy]]
name = "warm handoff"
"policy.handoff_share" = 0.8

[sweep]
"policy.relationship_share" = { from = 0, to = 0.1, step = 0.05 }
`)
	s, err := scenarios.Parse("handoff-test.toml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := s.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(plan.Points), "points,", plan.NumRuns(), "runs")
	for _, p := range plan.Points {
		fmt.Println(p.Label())
	}
	// Output:
	// 6 points, 18 runs
	// no handoff, policy.relationship_share=0
	// no handoff, policy.relationship_share=0.05
	// no handoff, policy.relationship_share=0.1
	// warm handoff, policy.relationship_share=0
	// warm handoff, policy.relationship_share=0.05
	// warm handoff, policy.relationship_share=0.1
}

func ExampleParse_errors() {
	src := []byte(`
replicates = 0
[policy]
relationship_shar = 0.1
[[event]]
step = 10
kind = "leave"
who = "parent_ed/boss"
`)
	_, err := scenarios.Parse("bad.toml", src)
	fmt.Println(err)
	// Output:
	// bad.toml:2:14: replicates: 0 is out of range; want an integer from 1 to 1000000
	// bad.toml:4:1: policy.relationship_shar: unknown key or parameter; did you mean "policy.relationship_share"?
	// bad.toml:8:7: event[0].who.role: unknown value "boss"; allowed: leader, staff, volunteer, member
}

func ExampleScenario_Override() {
	s, err := scenarios.Load("default")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Override("replicates", "2"))
	fmt.Println(s.Override("policy.relationship_share", "0.1")) // no longer swept
	fmt.Println(s.Override("trust.decay", "2"))
	plan, _ := s.Plan()
	fmt.Println(len(plan.Points), "point,", plan.NumRuns(), "runs")
	// Output:
	// <nil>
	// <nil>
	// --set: trust.decay: 2 is out of range; want a number from 0 to 1
	// 1 point, 2 runs
}
