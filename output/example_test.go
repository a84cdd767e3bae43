package output_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/output"
	"github.com/trustsim/trustsim/sim"
)

// A batch runner hands each finished run to a Writer in run-index order;
// Close publishes every file at once.
func ExampleCreate() {
	dir, err := os.MkdirTemp("", "trustsim-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	p := sim.Default()
	p.Horizon = 3
	plan := &batch.Plan{Scenario: "example", Points: []batch.Point{{Params: p}}, Replicates: 2, BaseSeed: 1, Every: 1}
	w, err := output.Create(dir, plan, output.Meta{Command: []string{"trustsim", "run", "example"}, Workers: 1, Start: time.Now()})
	if err != nil {
		log.Fatal(err)
	}
	for i := range plan.NumRuns() {
		// In trustsim the steps come from sim.Run; here they are made up.
		steps := make([]sim.Metrics, p.Horizon)
		for s := range steps {
			steps[s] = sim.Metrics{Step: s, Results: 100 + float64(i+s), CumulativeResults: float64(100 * (s + 1)), PartnershipStrength: 0.5}
		}
		if err := w.Add(batch.Result{Run: plan.Run(i), Steps: steps}); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(time.Now()); err != nil {
		log.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	// Output:
	// .trustsim-batch
	// aggregate.csv
	// manifest.json
	// plots
	// report.html
	// runs.csv
	// scenario.toml
	// timeseries.csv
}
