package output

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// dataset is everything plots and the report are drawn from: the
// manifest, each run's totals (runs.csv) and the statistics of the drawn
// metrics (aggregate.csv). Redraw reads it back from those files;
// Writer.Close builds it from the numbers it has just written, without
// reading them back. Both draw the same pictures, because every number is
// written in the shortest form that reads back exactly
// (TestRedrawReproducesPlots checks it).
type dataset struct {
	man manifest
	// metrics are the metrics whose statistics are read from
	// aggregate.csv: plotMetrics and the metrics of the requested plots.
	metrics []string
	// all are the manifest's points in order; points are those the
	// report compares: all but the paired no-events counterfactuals,
	// which hang off the point they belong to (pointData.cf).
	all    []*pointData
	points []*pointData
	// ranked are the points by mean cumulative results, best first (ties
	// in point order).
	ranked []*pointData
	// batchWords, in a comparison of batches (Compare), says in words
	// what sets each batch apart, by the batch's value of the condition
	// "batch"; nil for one batch.
	batchWords map[string]string
	t          tTable
	// sens is the sensitivity analysis of a sampled design, made by the
	// first call of sensitivity.
	sens *sensStudy
}

// pointData is one design point's part of a dataset.
type pointData struct {
	mp     *manifestPoint
	params sim.Params
	// leave is the step of the point's Leave event (leaveStep), or -1.
	leave int
	// cf is the point's paired no-events counterfactual, or nil.
	cf *pointData
	// effects holds, for a point with a counterfactual, the statistics
	// of the paired differences from it per effect metric and step
	// (effects.csv); nil otherwise.
	effects map[string][]summary
	// recoveryRuns are the runs' recovery_weeks (-1: empty), in
	// replicate order.
	recoveryRuns []int
	// Per run, in replicate order, from runs.csv.
	cumRuns, resetRuns, departureRuns []float64
	// crossRuns, trustRuns and activeRuns are final_cross_org_trust,
	// final_mean_trust and mean_active_partnerships per run, from
	// runs.csv, for the sensitivity analysis of a sampled design.
	crossRuns, trustRuns, activeRuns []float64
	// turnoverRuns are each run's realised annual turnover per role (the
	// runs.csv columns leader_turnover … member_turnover).
	turnoverRuns [sim.NumRoles][]float64
	// cum, resets and departures summarize cumulative_results,
	// partnership_resets and departures per run over the replicates;
	// resetShare is the share of runs with at least one partnership
	// reset, resetShareLo and resetShareHi its 95% Wilson interval.
	cum, resets, departures                summary
	resetShare, resetShareLo, resetShareHi float64
	// series holds aggregate.csv's statistics of each metric in
	// dataset.metrics, indexed by step.
	series map[string][]summary
}

// plotMetrics are the metrics of aggregate.csv that the standard plots
// draw.
var plotMetrics = []string{"results", "cross_org_trust", "partnership_strength"}

// summedMetrics are the metrics that count what happened in a week. The
// value of a run that response curves, heatmaps and strategy plots show
// is their total over the run (the runs.csv column of the same name);
// for every other metric it is the value at the run's last week
// (docs/OUTPUTS.md, "Requested plots").
var summedMetrics = []string{"departures", "partnership_resets"}

// runValue summarizes over the replicates the per-run value of metric:
// the run's total for a summed metric, else its value at the last week.
// Both come from the files: totals and cumulative results from runs.csv,
// the last week's statistics from aggregate.csv.
func (pd *pointData) runValue(metric string) summary {
	switch metric {
	case "cumulative_results":
		return pd.cum
	case "partnership_resets":
		return pd.resets
	case "departures":
		return pd.departures
	}
	s := pd.series[metric]
	return s[len(s)-1]
}

// loadFiles reads a dataset from the encoded manifest and the paths of
// runs.csv and aggregate.csv.
func loadFiles(manJSON []byte, runsPath, aggPath string) (*dataset, error) {
	runs, err := os.Open(runsPath)
	if err != nil {
		return nil, err
	}
	defer runs.Close()
	agg, err := os.Open(aggPath)
	if err != nil {
		return nil, err
	}
	defer agg.Close()
	ds, err := loadDataset(manJSON, runs, agg)
	if err != nil {
		return nil, err
	}
	return ds, ds.loadEffects(filepath.Dir(runsPath))
}

// loadEffects reads effects.csv of the batch in dir when the batch has
// counterfactuals (and so an effects.csv, whatever the tables' format).
func (ds *dataset) loadEffects(dir string) error {
	if !ds.man.hasCounterfactuals() {
		return nil
	}
	eff, err := os.Open(filepath.Join(dir, effectsName))
	if err != nil {
		return err
	}
	defer eff.Close()
	if err := ds.readEffects(eff); err != nil {
		return fmt.Errorf("%s: %w", effectsName, err)
	}
	return nil
}

// loadParquetFiles reads a dataset from the encoded manifest and the
// paths of runs.parquet and aggregate.parquet.
func loadParquetFiles(manJSON []byte, runsPath, aggPath string) (*dataset, error) {
	man, params, err := parseManifest(manJSON)
	if err != nil {
		return nil, err
	}
	runs, err := openParquetRecords(runsPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", runsParquetName, err)
	}
	defer runs.Close()
	agg, err := openParquetRecords(aggPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", aggregateParquetName, err)
	}
	defer agg.Close()
	ds := newDataset(man, params)
	if err := ds.readRecords(runs, agg, runsParquetName, aggregateParquetName); err != nil {
		return nil, err
	}
	if err := ds.loadEffects(filepath.Dir(runsPath)); err != nil {
		return nil, err
	}
	return ds, nil
}

// loadDataset reads a dataset and checks that the three files agree.
func loadDataset(manJSON []byte, runs, agg io.Reader) (*dataset, error) {
	man, params, err := parseManifest(manJSON)
	if err != nil {
		return nil, err
	}
	ds := newDataset(man, params)
	if err := ds.read(runs, agg); err != nil {
		return nil, err
	}
	return ds, nil
}

// parseManifest decodes manifest.json and rebuilds each point's
// parameters.
func parseManifest(manJSON []byte) (*manifest, []sim.Params, error) {
	var m manifest
	if err := json.Unmarshal(manJSON, &m); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", manifestName, err)
	}
	if err := checkManifest(&m); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", manifestName, err)
	}
	params := make([]sim.Params, len(m.Points))
	for i := range m.Points {
		p, err := m.Points[i].simParams()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", manifestName, err)
		}
		params[i] = p
	}
	return &m, params, nil
}

// drawnMetrics are the metrics whose statistics a dataset holds:
// plotMetrics and those of the requested plots.
func drawnMetrics(plots []manifestPlot) []string {
	metrics := slices.Clone(plotMetrics)
	for _, r := range plots {
		if !slices.Contains(metrics, r.Metric) {
			metrics = append(metrics, r.Metric)
		}
	}
	return metrics
}

// newDataset returns a dataset of the manifest's points with no runs or
// statistics read yet.
func newDataset(m *manifest, params []sim.Params) *dataset {
	ds := &dataset{man: *m, metrics: drawnMetrics(m.Plots)}
	for i := range ds.man.Points {
		p := params[i]
		pd := &pointData{mp: &ds.man.Points[i], params: p, leave: leaveStep(p.Events, p.Horizon), series: map[string][]summary{}}
		for _, metric := range ds.metrics {
			s := make([]summary, p.Horizon)
			for j := range s {
				s[j].N = -1 // not read yet
			}
			pd.series[metric] = s
		}
		ds.all = append(ds.all, pd)
		if i > 0 && ds.man.Points[i-1].Counterfactual {
			pd.cf = ds.all[i-1]
		}
		if !pd.mp.Counterfactual {
			ds.points = append(ds.points, pd)
		}
	}
	return ds
}

// read reads runs.csv and aggregate.csv and computes the per-point
// summaries and the ranking.
func (ds *dataset) read(runs, agg io.Reader) error {
	return ds.readRecords(newCSVRecords(runs), newCSVRecords(agg), runsName, aggregateName)
}

// readRecords reads the records of the runs and aggregate tables, named
// runsName and aggName in errors, and computes the per-point summaries
// and the ranking.
func (ds *dataset) readRecords(runs, agg records, runsName, aggName string) error {
	if err := ds.readRuns(runs); err != nil {
		return fmt.Errorf("%s: %w", runsName, err)
	}
	if err := ds.readAggregate(agg); err != nil {
		return fmt.Errorf("%s: %w", aggName, err)
	}
	ds.summarize()
	return nil
}

// records are the rows of a table as CSV fields: a CSV file, or a
// Parquet file read as one (parquetRecords).
type records interface {
	// Read returns the header, then each row, then io.EOF; the slice
	// may be reused by the next call.
	Read() ([]string, error)
	// where says where the row last read is, for errors: "line 12".
	where(field int) string
}

// csvRecords are the records of a CSV file.
type csvRecords struct{ r *csv.Reader }

func newCSVRecords(f io.Reader) csvRecords {
	r := csv.NewReader(f)
	r.ReuseRecord = true
	return csvRecords{r}
}

func (c csvRecords) Read() ([]string, error) { return c.r.Read() }

func (c csvRecords) where(field int) string {
	line, _ := c.r.FieldPos(field)
	return fmt.Sprintf("line %d", line)
}

// summarize computes the per-point summaries of the runs and the ranking,
// once every run and statistic is in.
func (ds *dataset) summarize() {
	for _, pd := range ds.all {
		pd.cum = ds.t.summarizeValuesIn(pd.cumRuns, metricSupport("cumulative_results"))
		pd.resets = ds.t.summarizeValuesIn(pd.resetRuns, nonNegative)
		pd.departures = ds.t.summarizeValuesIn(pd.departureRuns, nonNegative)
		n := 0
		for _, r := range pd.resetRuns {
			if r > 0 {
				n++
			}
		}
		pd.resetShare = float64(n) / float64(len(pd.resetRuns))
		pd.resetShareLo, pd.resetShareHi = wilson(n, len(pd.resetRuns))
	}
	ds.ranked = append([]*pointData(nil), ds.points...)
	sort.SliceStable(ds.ranked, func(i, j int) bool {
		a, b := ds.ranked[i].cum.Mean, ds.ranked[j].cum.Mean
		return a > b || (!math.IsNaN(a) && math.IsNaN(b))
	})
}

// checkManifest checks what drawing relies on.
func checkManifest(m *manifest) error {
	if len(m.Points) == 0 {
		return errors.New("no design points")
	}
	if m.Replicates < 1 {
		return fmt.Errorf("replicates = %d, want at least 1", m.Replicates)
	}
	if len(m.Runs) != len(m.Points)*m.Replicates {
		return fmt.Errorf("%d runs for %d points × %d replicates", len(m.Runs), len(m.Points), m.Replicates)
	}
	for i := range m.Points {
		if m.Points[i].Index != i {
			return fmt.Errorf("point %d has index %d", i, m.Points[i].Index)
		}
		if m.Points[i].Counterfactual && (i+1 == len(m.Points) || m.Points[i+1].Counterfactual) {
			return fmt.Errorf("point %d is a counterfactual with no point after it to pair with", i)
		}
		if len(m.Points[i].Swept) != len(m.Swept) {
			return fmt.Errorf("point %d has %d swept values for %d swept parameters", i, len(m.Points[i].Swept), len(m.Swept))
		}
	}
	for i, r := range m.Plots {
		if err := checkPlot(r.Kind, r.Metric); err != nil {
			return fmt.Errorf("plots[%d]: %w", i, err)
		}
	}
	return nil
}

// checkPlot checks that a requested plot names a kind of plot and a
// metric that exist.
func checkPlot(kind, metric string) error {
	if !slices.Contains(batch.PlotKinds(), kind) {
		return fmt.Errorf("unknown plot kind %q; want one of %s", kind, strings.Join(batch.PlotKinds(), ", "))
	}
	if !slices.Contains(sim.MetricNames(), metric) {
		return fmt.Errorf("%s plot of unknown metric %q; want one of %s", kind, metric, strings.Join(sim.MetricNames(), ", "))
	}
	return nil
}

// csvError is a problem at a row of a table.
func csvError(r records, field int, format string, args ...any) error {
	return fmt.Errorf("%s: %s", r.where(field), fmt.Sprintf(format, args...))
}

func checkHeader(got, want []string) error {
	if !slices.Equal(got, want) {
		return fmt.Errorf("header %q, want %q", got, want)
	}
	return nil
}

// readRuns reads runs.csv: every run in run-index order.
func (ds *dataset) readRuns(r records) error {
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	want := append(append([]string{"run", "point", "strategy", "events", "replicate", "seed"}, ds.man.Swept...), runColumns...)
	if err := checkHeader(header, want); err != nil {
		return err
	}
	base := 6 + len(ds.man.Swept)
	cumCol, depCol, resetCol, recCol := base, base+4, base+5, base+7
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if n >= len(ds.man.Runs) {
			return csvError(r, 0, "more rows than the manifest's %d runs", len(ds.man.Runs))
		}
		run, err := strconv.Atoi(rec[0])
		if err != nil || run != n {
			return csvError(r, 0, "run %q, want %d", rec[0], n)
		}
		point, err := strconv.Atoi(rec[1])
		if err != nil || point != ds.man.Runs[n].Point {
			return csvError(r, 1, "point %q, want %d", rec[1], ds.man.Runs[n].Point)
		}
		cum, err := strconv.ParseFloat(rec[cumCol], 64)
		if err != nil {
			return csvError(r, cumCol, "cumulative_results: %v", err)
		}
		departures, err := strconv.ParseFloat(rec[depCol], 64)
		if err != nil {
			return csvError(r, depCol, "departures: %v", err)
		}
		resets, err := strconv.ParseFloat(rec[resetCol], 64)
		if err != nil {
			return csvError(r, resetCol, "partnership_resets: %v", err)
		}
		recovery := -1
		if rec[recCol] != "" {
			if recovery, err = strconv.Atoi(rec[recCol]); err != nil {
				return csvError(r, recCol, "recovery_weeks: %v", err)
			}
		}
		pd := ds.all[point]
		pd.recoveryRuns = append(pd.recoveryRuns, recovery)
		pd.cumRuns = append(pd.cumRuns, cum)
		pd.resetRuns = append(pd.resetRuns, resets)
		pd.departureRuns = append(pd.departureRuns, departures)
		for role := range pd.turnoverRuns {
			col := recCol + 1 + role
			v, err := strconv.ParseFloat(rec[col], 64)
			if err != nil {
				return csvError(r, col, "%s: %v", runColumns[8+role], err)
			}
			pd.turnoverRuns[role] = append(pd.turnoverRuns[role], v)
		}
		for i, dst := range []*[]float64{&pd.trustRuns, &pd.crossRuns, &pd.activeRuns} {
			col := cumCol + 1 + i // final_mean_trust, final_cross_org_trust, mean_active_partnerships
			v, err := strconv.ParseFloat(rec[col], 64)
			if err != nil {
				return csvError(r, col, "%s: %v", runColumns[1+i], err)
			}
			*dst = append(*dst, v)
		}
		n++
	}
	if n != len(ds.man.Runs) {
		return fmt.Errorf("%d rows for the manifest's %d runs: the batch is incomplete", n, len(ds.man.Runs))
	}
	return nil
}

// statsHeader reads and checks the header of aggregate.csv or
// effects.csv, which share their columns: point, strategy, events, the
// swept parameters, then aggregateColumns. It returns the index of the
// first of aggregateColumns.
func (ds *dataset) statsHeader(r interface{ Read() ([]string, error) }) (int, error) {
	header, err := r.Read()
	if err != nil {
		return 0, fmt.Errorf("header: %w", err)
	}
	want := append(append([]string{"point", "strategy", "events"}, ds.man.Swept...), aggregateColumns...)
	if err := checkHeader(header, want); err != nil {
		return 0, err
	}
	return 3 + len(ds.man.Swept), nil
}

// readAggregate reads the statistics of ds.metrics from aggregate.csv.
func (ds *dataset) readAggregate(r records) error {
	base, err := ds.statsHeader(r)
	if err != nil {
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		metric := rec[base+1]
		if !slices.Contains(ds.metrics, metric) {
			continue
		}
		point, err := strconv.Atoi(rec[0])
		if err != nil || point < 0 || point >= len(ds.all) {
			return csvError(r, 0, "point %q: not a point of the manifest", rec[0])
		}
		s := ds.all[point].series[metric]
		step, err := strconv.Atoi(rec[base])
		if err != nil || step < 0 || step >= len(s) {
			return csvError(r, base, "step %q: not a step of point %d's %d", rec[base], point, len(s))
		}
		var st summary
		if st.N, err = strconv.Atoi(rec[base+2]); err != nil || st.N < 1 {
			return csvError(r, base+2, "n %q: want a positive integer", rec[base+2])
		}
		for i, dst := range []*float64{&st.Mean, &st.SD, &st.Lo, &st.Hi} {
			col := base + 3 + i
			*dst = math.NaN()
			if rec[col] == "" {
				continue
			}
			if *dst, err = strconv.ParseFloat(rec[col], 64); err != nil {
				return csvError(r, col, "%s: %v", aggregateColumns[col-base], err)
			}
		}
		s[step] = st
	}
	for _, pd := range ds.all {
		for _, m := range ds.metrics {
			for step, st := range pd.series[m] {
				if st.N < 0 {
					return fmt.Errorf("no row for point %d, step %d, metric %s", pd.mp.Index, step, m)
				}
			}
		}
	}
	return nil
}
