package scenarios

import (
	"fmt"
	"strings"
	"testing"
)

// manyOrgs is a scenario of n nonprofits (an [[org]] entry with a count)
// that sets a parameter of each in [params], as a file generated from
// data about each organization would.
func manyOrgs(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "horizon = 2\n\n[[org]]\nname = \"np\"\nkind = \"nonprofit\"\ncount = %d\npositions = { leader = 1, staff = 1, volunteer = 0 }\n\n[params]\n", n)
	for k := 1; k <= n; k++ {
		fmt.Fprintf(&b, "\"org.np_%d.vacancy_weeks\" = %d\n", k, k%50+1)
	}
	return []byte(b.String())
}

// TestParseLinearInOrganizations checks that parsing a scenario costs
// about as much more as it has more organizations, each with a setting
// of its own, and not the square of that: applying a parameter of one
// organization must not look through every organization's parameters.
// Allocations, not time, are counted, so that a loaded machine cannot
// make the test fail: four times the organizations allocate about four
// times as much when the cost is linear, and sixteen times when it is
// quadratic.
func TestParseLinearInOrganizations(t *testing.T) {
	allocs := func(n int) float64 {
		src := manyOrgs(n)
		return testing.AllocsPerRun(1, func() {
			if _, err := Parse("many.toml", src); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(100), allocs(400)
	t.Logf("allocations: %.0f for 100 organizations, %.0f for 400", small, large)
	if ratio := large / small; ratio > 6 {
		t.Errorf("4x the organizations allocate %.1fx as much (%.0f and %.0f), want about 4x: a cost grows with the square of the organizations", ratio, small, large)
	}
}
