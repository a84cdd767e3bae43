package output

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// TestRequestedInManifest checks that manifest.json records the plots
// the plan asks for, in order and with repeats, and each point's
// strategy description and settings.
func TestRequestedInManifest(t *testing.T) {
	t.Parallel()
	for _, f := range []fixture{sweep2, strategies} {
		var m manifest
		if err := json.Unmarshal(readFile(t, filepath.Join(sharedBatch(t, f), manifestName)), &m); err != nil {
			t.Fatal(err)
		}
		var got []batch.PlotRequest
		for _, p := range m.Plots {
			got = append(got, batch.PlotRequest{Kind: p.Kind, Metric: p.Metric})
		}
		if !reflect.DeepEqual(got, f.plots) {
			t.Errorf("%s: manifest plots = %v, want %v", f.name, got, f.plots)
		}
		plan := f.plan(t)
		for i, mp := range m.Points {
			pt := plan.Points[i]
			var settings []batch.Setting
			for _, s := range mp.StrategySettings {
				settings = append(settings, batch.Setting{Name: s.Name, Value: s.Value})
			}
			if !reflect.DeepEqual(settings, pt.Settings) || mp.StrategyDescription != pt.StrategyDescription {
				t.Errorf("%s point %d: strategy %q %v, want %q %v", f.name, i, mp.StrategyDescription, settings, pt.StrategyDescription, pt.Settings)
			}
		}
	}
}

// TestRequestedInReport checks that the report shows the requested plots
// after the standard ones, explains the ones it cannot draw, and says
// what each strategy changes.
func TestRequestedInReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f       fixture
		figures []string // aria-labels of the inline plots, in order
		want    []string
		notes   int
	}{
		{sweep2, []string{
			"Gain in total results over the status quo",
			"Effect of the scheduled event on partnership strength",
			"Initiative results over time", "Trust between organizations over time",
			"Total results by working time for relationship building",
			"Total results by working time for relationship building and annual staff turnover at parent_ed",
			"Combinations of settings ranked by total results", "Partnership strength around the scheduled departure",
			"Community co-production over time", "Departures per run by working time for relationship building",
			"Final cross-organization trust by working time for relationship building and annual staff turnover at parent_ed",
			"Joint arrangements in force around the scheduled departure",
		}, []string{
			"the others differ from it only in the swept values.",
			"Mean final cross-organization trust for every combination of working time for relationship building and annual staff turnover at parent_ed; brighter is higher, in each row the outlined cell is the highest choice of working time for relationship building under that annual staff turnover at parent_ed.",
			"Departures per run by working time for relationship building",
		}, 0},
		{strategies, []string{
			"Gain in total results over the status quo",
			"Initiative results over time", "Trust between organizations over time",
			"Strategies ranked by total results", "Strategies ranked by final trust between funder and grantees",
		}, []string{
			"Strategies compared: grantor and partner.",
			"<li><strong>grantor</strong>: Top-down: reports only.\nSets <code>policy.funder_model = grantor-grantee</code>.</li>",
			"<li><strong>partner</strong>\nSets <code>policy.funder_model = partnership</code>, <code>policy.handoff_share = 0.5</code>.</li>",
			"the other strategies differ from it in their settings, listed above.",
			"Each row is a strategy, highest first: the mean over replicates of the trust between funder and grantees in the last week of a run (0–1), after 20 weeks.",
		}, 0},
		{unsupported, []string{
			"Effect of the scheduled event on partnership strength",
			"Initiative results over time", "Trust between organizations over time", "Vacancies around the scheduled event",
		}, []string{
			"Plots the scenario asks for that this batch cannot draw:",
			"a response curve of mean_trust (kind = &#34;response&#34;); it is not drawn because its first swept parameter, policy.relationship_share, takes a single value",
			"a heatmap of partnership_resets (kind = &#34;heatmap&#34;); it is not drawn because it needs two swept parameters, and this batch sweeps only policy.relationship_share",
			"a strategy comparison of mean_trust (kind = &#34;strategies&#34;); it is not drawn because it needs strategies, and this batch has none.",
			"Week 4: community members engaged as co-producers is set to 0.2.",
		}, 3},
	}
	aria := regexp.MustCompile(`<svg role="img" aria-label="([^"]*)"`)
	for _, tc := range tests {
		t.Run(tc.f.name, func(t *testing.T) {
			t.Parallel()
			html := string(readFile(t, filepath.Join(sharedBatch(t, tc.f), reportName)))
			var figs []string
			for _, m := range aria.FindAllStringSubmatch(html, -1) {
				figs = append(figs, m[1])
			}
			if !reflect.DeepEqual(figs, tc.figures) {
				t.Errorf("report plots\n%q\nwant\n%q", figs, tc.figures)
			}
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("report.html lacks %q", w)
				}
			}
			if n := strings.Count(html, "it is not drawn because"); n != tc.notes {
				t.Errorf("%d notes on plots not drawn, want %d", n, tc.notes)
			}
		})
	}
}

// TestRunValue checks the values that requested response curves,
// heatmaps and strategy plots show, against values computed by hand from
// the made-up metrics: the mean over replicates of a summed metric's run
// total, and of every other metric's value in the last week. Different
// summation orders agree to 1e-12 relative.
func TestRunValue(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, sweep2)
	ds, err := loadFiles(readFile(t, filepath.Join(dir, manifestName)), filepath.Join(dir, runsName), filepath.Join(dir, aggregateName))
	if err != nil {
		t.Fatal(err)
	}
	plan := sweep2.plan(t)
	col := map[string]int{}
	for i, n := range sim.MetricNames() {
		col[n] = i
	}
	for _, metric := range []string{"departures", "partnership_resets", "cross_org_trust", "cumulative_results", "community_engagement", "arrangements_active"} {
		summed := metric == "departures" || metric == "partnership_resets"
		for _, pd := range ds.points {
			pi := pd.mp.Index
			sum := 0.0
			for r := range plan.Replicates {
				steps := fakeSteps(plan, plan.Run(pi*plan.Replicates+r))
				if summed {
					for s := range steps {
						sum += steps[s].Values(nil)[col[metric]]
					}
				} else {
					sum += steps[len(steps)-1].Values(nil)[col[metric]]
				}
			}
			want := sum / float64(plan.Replicates)
			got := pd.runValue(metric)
			if got.N != plan.Replicates || math.Abs(got.Mean-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("%s, point %d: mean %v over %d runs, want %v over %d", metric, pi, got.Mean, got.N, want, plan.Replicates)
			}
		}
	}
}

// TestMetricUnitsDocumented checks that the label and unit of every
// metric in the registry are those docs/OUTPUTS.md lists, and that each
// summed metric's run total has a label.
func TestMetricUnitsDocumented(t *testing.T) {
	doc := string(readFile(t, filepath.Join("..", "docs", "OUTPUTS.md")))
	start := strings.Index(doc, "## Units of the metrics")
	if start < 0 {
		t.Fatal("docs/OUTPUTS.md has no section on the units of the metrics")
	}
	section := doc[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([^|]+) \\| ([^|]+) \\|")
	documented := map[string]Label{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented[m[1]] = Label{Name: strings.TrimSpace(m[2]), Unit: strings.TrimSpace(m[3])}
	}
	for _, m := range sim.MetricNames() {
		if documented[m] != MetricLabel(m) {
			t.Errorf("metric %s: docs/OUTPUTS.md says %q, the registry %q", m, documented[m], MetricLabel(m))
		}
	}
	for _, m := range summedMetrics {
		if _, ok := runColumnLabels[m]; !ok {
			t.Errorf("summed metric %s has no label for its total", m)
		}
	}
}

// TestUnknownPlotRequests checks that Create refuses a plan that asks for
// a kind of plot or a metric that does not exist, and Redraw a manifest
// that does.
func TestUnknownPlotRequests(t *testing.T) {
	tests := []struct {
		req  batch.PlotRequest
		want string
	}{
		{batch.PlotRequest{Kind: "pie", Metric: "results"}, `unknown plot kind "pie"`},
		{batch.PlotRequest{Kind: "timeseries", Metric: "happiness"}, `unknown metric "happiness"`},
		{batch.PlotRequest{Kind: "", Metric: ""}, `unknown plot kind ""`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			plan := single.plan(t)
			plan.Plots = []batch.PlotRequest{{Kind: "timeseries", Metric: "ties"}, tc.req}
			dir := t.TempDir()
			if _, err := Create(dir, plan, Meta{}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Create = %v, want an error about %s", err, tc.want)
			}
			if got := listDir(t, dir); len(got) != 0 {
				t.Errorf("Create left %v", got)
			}

			src := sharedBatch(t, single)
			for _, n := range []string{runsName, aggregateName} {
				if err := os.WriteFile(filepath.Join(dir, n), readFile(t, filepath.Join(src, n)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var m map[string]any
			if err := json.Unmarshal(readFile(t, filepath.Join(src, manifestName)), &m); err != nil {
				t.Fatal(err)
			}
			m["plots"] = []map[string]string{{"kind": tc.req.Kind, "metric": tc.req.Metric}}
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, manifestName), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := Redraw(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Redraw = %v, want an error about %s", err, tc.want)
			}
		})
	}
}
