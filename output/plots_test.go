package output

import (
	"bytes"
	"encoding/xml"
	"image"
	_ "image/png" // register the PNG decoder for image.DecodeConfig
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestPlotKinds checks which plots each kind of plan gets, and that every
// one is a PNG and an SVG of the promised size.
func TestPlotKinds(t *testing.T) {
	tests := []struct {
		f     fixture
		plots []string
		// texts must appear in the SVG of the named plot.
		texts map[string][]string
	}{
		// sweep2's requested plots come beside the standard ones; requests
		// that a standard plot already answers add no file.
		{sweep2, []string{"comparison", "effect_partnership_strength", "event_arrangements_active", "gains_cumulative_results", "heatmap_cross_org_trust", "heatmap_cumulative_results",
			"leave_partnership_strength", "response_cumulative_results", "response_departures",
			"timeseries_community_engagement", "timeseries_cross_org_trust", "timeseries_results"},
			map[string][]string{
				"timeseries_results":              {"4-week means (every week is in timeseries.csv)", "7 of 8 combinations of", "95% confidence bands", "week", "results (effective service hours per week)"},
				"heatmap_cumulative_results":      {"outlined: the best cell of each row (each annual staff turnover at", "mean total results"},
				"leave_partnership_strength":      {"the leader of parent_ed leaves (week 8)", "weeks since the departure"},
				"response_cumulative_results":     {"working time for relationship building (share of hours)", "best of line", "annual staff turnover at"},
				"timeseries_community_engagement": {"Community co-production over time", "community co-production (index, 0–1)", "week", "95% confidence bands"},
				"response_departures":             {"Departures per run by working time for relationship building", "departures per run (people)", "highest of line", "working time for relationship building (share of hours)"},
				"heatmap_cross_org_trust":         {"Final cross-organization trust by working time for relationship building and", "mean in the last week over 3 replicate(s); outlined: the highest cell of each row", "mean final cross-organization trust"},
				"event_arrangements_active":       {"Joint arrangements in force around the scheduled departure", "week 0: the leader of parent_ed leaves (week 8)", "weeks since the departure", "joint arrangements in force (arrangements)"},
			}},
		{strategies, []string{"comparison", "gains_cumulative_results", "strategies_funder_trust", "timeseries_cross_org_trust", "timeseries_results"},
			map[string][]string{
				"comparison":              {"Strategies ranked by total results", "partnership resets per", "partnerships active in a week, mean", " active", "grantor", "partner"},
				"strategies_funder_trust": {"Strategies ranked by final trust between funder and grantees", "final trust between funder and grantees (0–1)", "strategy", "grantor", "partner"},
			}},
		{single, []string{"timeseries_cross_org_trust", "timeseries_results"},
			map[string][]string{"timeseries_results": {"one replicate per combination of settings: lines without confidence bands", "baseline"}}},
		{sweep1, []string{"comparison", "gains_cumulative_results", "response_cumulative_results", "timeseries_cross_org_trust", "timeseries_results"},
			map[string][]string{"comparison": {"one replicate per combination of settings: lines without confidence intervals"}}},
		{sweep3, []string{"comparison", "effect_partnership_strength", "gains_cumulative_results", "heatmap_cumulative_results_1", "heatmap_cumulative_results_2",
			"leave_partnership_strength", "response_cumulative_results", "timeseries_cross_org_trust", "timeseries_results"},
			map[string][]string{"heatmap_cumulative_results_2": {"funder model partnership: mean"}}},
		// A request the plan cannot draw is left out; an event plot aligns
		// on an event that is not a departure.
		{unsupported, []string{"effect_partnership_strength", "event_vacancies", "timeseries_cross_org_trust", "timeseries_results"},
			map[string][]string{
				"event_vacancies": {"Vacancies around the scheduled event", "week 0: community members engaged as co-producers is set to 0.2 (week 4)", "weeks since the event", "vacancies (empty positions)"},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.f.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(sharedBatch(t, tc.f), plotsName)
			var got []string
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				name, ext, _ := strings.Cut(e.Name(), ".")
				switch ext {
				case "png":
					got = append(got, name)
					checkPNG(t, filepath.Join(dir, e.Name()))
				case "svg":
					checkSVG(t, filepath.Join(dir, e.Name()))
				default:
					t.Errorf("unexpected file %s", e.Name())
				}
				if _, err := os.Stat(filepath.Join(dir, name+".svg")); err != nil {
					t.Errorf("%s has no SVG", name)
				}
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.plots) {
				t.Errorf("plots %v, want %v", got, tc.plots)
			}
			for name, texts := range tc.texts {
				svg := svgText(t, filepath.Join(dir, name+".svg"))
				for _, want := range texts {
					if !strings.Contains(svg, want) {
						t.Errorf("%s.svg does not say %q; it says %q", name, want, svg)
					}
				}
			}
		})
	}
}

// checkPNG checks that path is a PNG of 8 × 5 inches at pngDPI.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if format != "png" || cfg.Width != 8*pngDPI || cfg.Height != 5*pngDPI {
		t.Errorf("%s: %s %d×%d, want png %d×%d", path, format, cfg.Width, cfg.Height, 8*pngDPI, 5*pngDPI)
	}
}

// checkSVG checks that path is well-formed XML whose root is an svg
// element 8 × 5 inches (576 × 360 points) large.
func checkSVG(t *testing.T, path string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(readFile(t, path)))
	root := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if se, ok := tok.(xml.StartElement); ok && root {
			root = false
			attrs := map[string]string{}
			for _, a := range se.Attr {
				attrs[a.Name.Local] = a.Value
			}
			if se.Name.Local != "svg" || attrs["width"] != "576pt" || attrs["height"] != "360pt" {
				t.Errorf("%s: root <%s width=%q height=%q>, want <svg width=\"576pt\" height=\"360pt\">",
					path, se.Name.Local, attrs["width"], attrs["height"])
			}
		}
	}
	if root {
		t.Errorf("%s: no root element", path)
	}
}

// svgText returns the text drawn in an SVG, one string per text element.
func svgText(t *testing.T, path string) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(readFile(t, path)))
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			b.Write(bytes.TrimSpace(cd))
			b.WriteByte(' ')
		}
	}
}

// TestDegenerateBatches draws what gonum/plot finds hard: a single step,
// and data without any spread (every value zero, every range empty).
func TestDegenerateBatches(t *testing.T) {
	tests := []fixture{
		{name: "one-step", replicates: 1, horizon: 1, every: 1},
		{name: "flat", swept: sweep2.swept, values: [][]string{{"0", "0.1"}, {"0.1", "0.3"}},
			replicates: 2, horizon: 3, every: 1, leave: 1, flat: true},
	}
	for _, f := range tests {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeBatch(t, f, dir, 1)
			entries, err := os.ReadDir(filepath.Join(dir, plotsName))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				path := filepath.Join(dir, plotsName, e.Name())
				if strings.HasSuffix(e.Name(), ".png") {
					checkPNG(t, path)
				} else {
					checkSVG(t, path)
				}
			}
			if f.flat {
				// No partnership was ever active: resets cannot apply,
				// and plot and report say so rather than show a 0.
				if svg := svgText(t, filepath.Join(dir, plotsName, "comparison.svg")); !strings.Contains(svg, noPartnershipText) {
					t.Errorf("comparison.svg does not say %q: %s", noPartnershipText, svg)
				}
				if html := string(readFile(t, filepath.Join(dir, reportName))); !strings.Contains(html, noPartnershipText) {
					t.Errorf("report.html does not say %q", noPartnershipText)
				}
			}
		})
	}
}

func TestShortNames(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"policy.relationship_share"}, []string{"relationship_share"}},
		{[]string{"policy.handoff_share", "policy.relationship_share"}, []string{"handoff_share", "relationship_share"}},
		{[]string{"org.a.annual_turnover.staff", "org.b.annual_turnover.staff"}, []string{"a.annual_turnover.staff", "b.annual_turnover.staff"}},
		{[]string{"org.a.annual_turnover.staff", "policy.engagement"}, []string{"annual_turnover.staff", "engagement"}},
		{[]string{"horizon", "trust.decay"}, []string{"horizon", "decay"}},
	}
	for _, tc := range tests {
		if got := shortNames(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("shortNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHuman(t *testing.T) {
	tests := []struct {
		x    float64
		want string
	}{
		{0, "0"}, {0.05, "0.05"}, {0.123456, "0.123"}, {1.5, "1.5"}, {12.345, "12.3"}, {100, "100"},
		{999.6, "1,000"}, {1234.5, "1,235"}, {-1234567, "-1,234,567"}, {2.0 / 3, "0.667"}, {-0.5, "-0.5"},
	}
	for _, tc := range tests {
		if got := human(tc.x); got != tc.want {
			t.Errorf("human(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		min, max float64
		want     []string
	}{
		{0, 29, []string{"0", "5", "10", "15", "20", "25"}},
		{0.23, 0.41, []string{"0.25", "0.3", "0.35", "0.4"}},
		{8700, 11800, []string{"9,000", "9,500", "10,000", "10,500", "11,000", "11,500"}},
		{-10, 52, []string{"-10", "0", "10", "20", "30", "40", "50"}},
		{311.4, 313.2, []string{"311.5", "312", "312.5", "313"}},
		{-1, 1, []string{"-1", "-0.5", "0", "0.5", "1"}},
		{12000.1, 12000.4, []string{"12,000.1", "12,000.15", "12,000.2", "12,000.25", "12,000.3", "12,000.35", "12,000.4"}},
	}
	for _, tc := range tests {
		var got []string
		for _, tk := range (niceTicks{}).Ticks(tc.min, tc.max) {
			if tk.Value < tc.min || tk.Value > tc.max {
				t.Errorf("[%v, %v]: tick %v outside the range", tc.min, tc.max, tk.Value)
			}
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("[%v, %v]: ticks %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}

// TestBestOnlyOverLevers checks that response curves and heatmaps mark
// "best" only among the funder's choices: along a lever, across the
// lines at each value of a condition, or not at all.
func TestBestOnlyOverLevers(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, sweep2)
	man := readFile(t, filepath.Join(dir, manifestName))
	tests := []struct {
		levers, conditions []string
		response, heatmap  string
	}{
		{[]string{"policy.relationship_share"}, []string{"org.parent_ed.annual_turnover.staff"},
			"; ring: the best working time for relationship building of each line", "outlined: the best cell of each row"},
		{[]string{"org.parent_ed.annual_turnover.staff"}, []string{"policy.relationship_share"},
			"; ring: the best line at each working time for relationship building", "outlined: the best cell of each column"},
		{[]string{"policy.relationship_share", "org.parent_ed.annual_turnover.staff"}, nil,
			"; ring: the best working time for relationship building of each line", "outlined: best cell (working time for relationship building 0.1"},
		{nil, []string{"policy.relationship_share", "org.parent_ed.annual_turnover.staff"},
			"", "no cell outlined: neither axis is a choice"},
	}
	for i, tc := range tests {
		ds, err := loadFiles(man, filepath.Join(dir, runsName), filepath.Join(dir, aggregateName))
		if err != nil {
			t.Fatal(err)
		}
		ds.man.Levers, ds.man.Conditions = tc.levers, tc.conditions
		v := newView(ds)
		f, _ := v.response(cumulativeMeasure)
		sub := strings.TrimPrefix(f.subtitle, v.spread("bands"))
		if sub != tc.response {
			t.Errorf("%d: response subtitle ends %q, want %q", i, sub, tc.response)
		}
		hs, _ := v.heatmaps(cumulativeMeasure)
		if !strings.Contains(hs[0].subtitle, tc.heatmap) {
			t.Errorf("%d: heatmap subtitle %q, want %q in it", i, hs[0].subtitle, tc.heatmap)
		}
	}
}

func TestBlockMeans(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		xs, want []float64
	}{
		{[]float64{0, 1, 2, 3, 4, 5, 6, 7}, []float64{1.5, 5.5}},
		{[]float64{4, 4, 4, 0, 8, 10}, []float64{3, 9}},
		{[]float64{1, nan, 1, 1, 2}, []float64{nan, 2}},
		{nil, nil},
	}
	for _, tc := range tests {
		got := blockMeans(tc.xs, 4)
		if len(got) != len(tc.want) {
			t.Errorf("blockMeans(%v) = %v, want %v", tc.xs, got, tc.want)
			continue
		}
		for i := range got {
			if !close(got[i], tc.want[i]) {
				t.Errorf("blockMeans(%v) = %v, want %v", tc.xs, got, tc.want)
			}
		}
	}
}
