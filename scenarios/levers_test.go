package scenarios

import (
	"reflect"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/batch"
)

// TestLevers checks the classification of swept parameters, the baseline
// and the problems the decision keys report.
func TestLevers(t *testing.T) {
	const sweep = `
[sweep]
"policy.relationship_share" = [0, 0.1]
"org.*.annual_turnover.staff" = [0.1, 0.3]
"funder_models.unfunded_share" = [0.01, 0.05]
`
	const strategies = `
[[strategy]]
name = "a"
"policy.handoff_share" = 0
[[strategy]]
name = "b"
"policy.handoff_share" = 0.5
`
	tests := []struct {
		name, src          string
		levers, conditions []string
		baseline           batch.Baseline
		err                string
	}{
		{"by name", sweep, []string{"policy.relationship_share"}, []string{"org.*.annual_turnover.staff", "funder_models.unfunded_share"},
			batch.Baseline{Values: []batch.Setting{{Name: "policy.relationship_share", Value: "0"}}}, ""},
		{"marked", `levers = ["funder_models.unfunded_share"]
conditions = ["policy.relationship_share"]
baseline = { "funder_models.unfunded_share" = 5e-2 }` + sweep,
			[]string{"funder_models.unfunded_share"}, []string{"policy.relationship_share", "org.*.annual_turnover.staff"},
			batch.Baseline{Values: []batch.Setting{{Name: "funder_models.unfunded_share", Value: "0.05"}}}, ""},
		{"strategies", `baseline = "b"` + strategies, nil, nil, batch.Baseline{Strategy: "b", Values: nil}, ""},
		{"first strategy", strategies, nil, nil, batch.Baseline{Strategy: "a"}, ""},
		{"table with strategy", `baseline = { strategy = "b", "policy.relationship_share" = 0.1 }` + strategies + `
[sweep]
"policy.relationship_share" = [0, 0.1]
`, []string{"policy.relationship_share"}, nil, batch.Baseline{Strategy: "b", Values: []batch.Setting{{Name: "policy.relationship_share", Value: "0.1"}}}, ""},
		{"not swept", `levers = ["policy.engagement"]` + sweep, nil, nil, batch.Baseline{},
			`t.toml:1:11: levers[0]: "policy.engagement" is not swept; a name of [sweep], written as there: policy.relationship_share, org.*.annual_turnover.staff, funder_models.unfunded_share`},
		{"both", `levers = ["policy.relationship_share"]
conditions = ["policy.relationship_share"]` + sweep, nil, nil, batch.Baseline{},
			`t.toml:2:15: conditions[0]: "policy.relationship_share" is also a lever; name each swept parameter in levers or in conditions, not both`},
		{"unknown strategy", `baseline = "c"` + strategies, nil, nil, batch.Baseline{},
			`t.toml:1:12: baseline: unknown strategy "c"; did you mean "a"? allowed: a, b`},
		{"not a swept value", `baseline = { "policy.relationship_share" = 0.2 }` + sweep, nil, nil, batch.Baseline{},
			`t.toml:1:44: baseline.policy.relationship_share: 0.2 is not a swept value; one of the swept values: 0, 0.1`},
		{"a condition", `baseline = { "org.*.annual_turnover.staff" = 0.1 }` + sweep, nil, nil, batch.Baseline{},
			`t.toml:1:14: baseline.org.*.annual_turnover.staff: not a swept lever; strategy, or a swept lever: policy.relationship_share`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.toml", []byte(tc.src))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse error %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			plan, err := s.Plan()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(plan.Levers, tc.levers) || !reflect.DeepEqual(plan.Conditions, tc.conditions) {
				t.Errorf("levers %q, conditions %q; want %q, %q", plan.Levers, plan.Conditions, tc.levers, tc.conditions)
			}
			if !reflect.DeepEqual(plan.Baseline, tc.baseline) {
				t.Errorf("baseline %+v, want %+v", plan.Baseline, tc.baseline)
			}
		})
	}
}

// TestPairedSeeds checks the paired design on the headline scenario:
// replicate r under each condition has the same seed for every lever,
// and the seed depends on nothing but the base seed and r.
func TestPairedSeeds(t *testing.T) {
	s, err := Load("investment-vs-turnover")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		condition string
		replicate int
	}
	seeds := map[key]uint64{}
	levers := map[string]bool{}
	for i := range plan.NumRuns() {
		r := plan.Run(i)
		pt := &plan.Points[r.Point]
		levers[plan.LeverLabel(pt)] = true
		if want := batch.RunSeed(plan.BaseSeed, r.Replicate); r.Seed != want {
			t.Fatalf("run %d: seed %d, want RunSeed(base, %d) = %d", i, r.Seed, r.Replicate, want)
		}
		k := key{plan.ConditionLabel(pt), r.Replicate}
		if prev, ok := seeds[k]; ok && prev != r.Seed {
			t.Errorf("run %d (%s): seed %d, another lever under the same condition and replicate has %d", i, pt.Label(), r.Seed, prev)
		}
		seeds[k] = r.Seed
	}
	if len(levers) != 7 {
		t.Errorf("%d lever choices, want 7", len(levers))
	}
	if plan.Run(0).Seed == plan.Run(1).Seed {
		t.Error("replicates 0 and 1 share a seed")
	}
}
