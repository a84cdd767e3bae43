package output

import (
	"encoding/json"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/scenarios"
)

// TestManifestRecordsPairedSeeds checks that manifest.json says how
// seeds are derived and that its runs bear it out: under each condition,
// replicate r has the same seed for every lever, and each point's lever
// and condition are recorded.
func TestManifestRecordsPairedSeeds(t *testing.T) {
	s, err := scenarios.Load("investment-vs-turnover")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(newManifest(plan, Meta{Start: testStart}))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.SeedDerivation != batch.SeedDerivation || m.Question != s.Question {
		t.Errorf("seed_derivation %q, question %q", m.SeedDerivation, m.Question)
	}
	if len(m.Levers) != 1 || m.Levers[0] != "policy.relationship_share" || len(m.Conditions) != 1 || m.Conditions[0] != "org.*.annual_turnover.staff" {
		t.Errorf("levers %q, conditions %q", m.Levers, m.Conditions)
	}
	type key struct {
		condition string
		replicate int
	}
	seen := map[key]uint64{}
	levers := map[key]int{}
	for _, r := range m.Runs {
		mp := m.Points[r.Point]
		if mp.Lever == "" || mp.Condition == "" {
			t.Fatalf("point %d: lever %q, condition %q", r.Point, mp.Lever, mp.Condition)
		}
		if r.Seed != batch.RunSeed(m.BaseSeed, r.Replicate) {
			t.Errorf("run %d: seed %d is not RunSeed(base_seed, %d)", r.Index, r.Seed, r.Replicate)
		}
		k := key{mp.Condition, r.Replicate}
		if prev, ok := seen[k]; ok && prev != r.Seed {
			t.Errorf("run %d (%s): seed %d; the same replicate under the same condition has %d", r.Index, mp.Label, r.Seed, prev)
		}
		seen[k] = r.Seed
		levers[k]++
	}
	for k, n := range levers {
		if n != 7 {
			t.Errorf("%v: %d levers share the seed, want all 7", k, n)
		}
	}
}
