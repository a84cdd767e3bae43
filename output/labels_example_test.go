package output_test

import (
	"fmt"

	"github.com/trustsim/trustsim/output"
)

// Plots, tables and sentences name parameters and metrics in plain words
// with their units; the dotted names stay in the CSV files.
func ExampleParamLabel() {
	fmt.Println(output.ParamLabel("org.*.annual_turnover.staff"))
	fmt.Println(output.ParamLabel("org.parent_ed.annual_turnover.staff").Name)
	fmt.Println(output.ParamLabel("policy.relationship_share").Unit)
	fmt.Println(output.MetricLabel("results"))
	fmt.Println(output.MetricLabel("cross_org_trust"))
	fmt.Println(output.RunColumnLabel("partnership_resets"))
	// Output:
	// annual staff turnover (share leaving per year)
	// annual staff turnover at parent_ed
	// share of hours
	// results (effective service hours per week)
	// cross-organization trust (0–1)
	// partnership resets per run (partnerships)
}
