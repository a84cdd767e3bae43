package output

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/scenarios"
	"github.com/trustsim/trustsim/sim"
)

// TestSensitivityCSV writes a Sobol' design (N = 128 base samples, 640
// points) whose cumulative results are the known function
// 3·trust.decay + trust.break_fraction of two uniform conditions on
// [0, 1] and a third, inert one, through the Writer, and reads the
// indices back from sensitivity.csv: S1 and ST near 0.9, 0.1 and 0
// (within 0.05, the estimators' error at this N being about 0.015), each
// interval covering its value. Redraw then draws the same plots and
// report from the files.
func TestSensitivityCSV(t *testing.T) {
	t.Parallel()
	src := `
horizon = 2
seed = 9
[sample]
method = "sobol"
size = 128
bootstrap = 200
[sample.params]
"trust.decay" = { dist = "uniform", min = 0, max = 1 }
"trust.break_fraction" = { dist = "uniform", min = 0, max = 1 }
"trust.negative_max" = { dist = "uniform", min = 0, max = 1 }
`
	s, err := scenarios.Parse("sobol.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, err := Create(dir, plan, Meta{ScenarioText: []byte(src), ScenarioFile: "sobol.toml", Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	for i := range plan.NumRuns() {
		r := plan.Run(i)
		p := &plan.Points[r.Point].Params
		y := 3*p.Trust.Decay + p.Trust.BreakFraction
		steps := []sim.Metrics{{Step: 0}, {Step: 1, CumulativeResults: y}}
		if err := w.Add(batch.Result{Run: r, Steps: steps}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(testStart); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, sensitivityName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(recs[0], ","); h != "strategy,metric,measure,parameter,with,value,ci_low,ci_high" {
		t.Fatalf("header %s", h)
	}
	want := map[string]float64{"trust.decay": 0.9, "trust.break_fraction": 0.1, "trust.negative_max": 0}
	checked := 0
	for _, r := range recs[1:] {
		if r[1] != "cumulative_results" {
			continue
		}
		if r[2] == noiseShare {
			if r[5] != "0" {
				t.Errorf("noise share %s of a deterministic output, want 0", r[5])
			}
			continue
		}
		v, _ := strconv.ParseFloat(r[5], 64)
		lo, _ := strconv.ParseFloat(r[6], 64)
		hi, _ := strconv.ParseFloat(r[7], 64)
		w := want[r[3]]
		if math.Abs(v-w) > 0.05 || !(lo <= w && w <= hi) {
			t.Errorf("%s %s = %.4f [%.4f, %.4f], want %.2f ± 0.05 inside the interval", r[2], r[3], v, lo, hi, w)
		}
		checked++
	}
	if checked != 6 {
		t.Errorf("%d S1 and ST rows of cumulative_results, want 6", checked)
	}

	before := map[string][]byte{}
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, plotsName+string(filepath.Separator)) || n == reportName {
			before[n] = readFile(t, filepath.Join(dir, n))
		}
	}
	report := string(before[reportName])
	for _, s := range []string{"<h2>The answer</h2>", "sensitivity.csv holds every estimate", "For total results, fading of an unused weak tie matters most: alone it explains",
		"Chance of a bad experience between people with nothing in common hardly matters"} {
		if !strings.Contains(report, s) {
			t.Errorf("report.html does not say %q", s)
		}
	}
	if _, ok := before[filepath.Join(plotsName, "sensitivity_cumulative_results.svg")]; !ok {
		t.Error("no sensitivity plot of cumulative results")
	}
	if err := os.RemoveAll(filepath.Join(dir, plotsName)); err != nil {
		t.Fatal(err)
	}
	if err := Redraw(dir); err != nil {
		t.Fatal(err)
	}
	for n, b := range before {
		if !bytes.Equal(readFile(t, filepath.Join(dir, n)), b) {
			t.Errorf("redrawn %s differs from the one Close drew", n)
		}
	}
}
