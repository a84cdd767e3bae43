package output

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/sync/errgroup"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// The published file names in an output directory.
const (
	runsName      = "runs.csv"
	seriesName    = "timeseries.csv"
	aggregateName = "aggregate.csv"
	manifestName  = "manifest.json"
	reportName    = "report.html"
	plotsName     = "plots"
)

// Meta is what a batch's outputs record besides the plan: the scenario
// text as read, the file it came from, the command line, the number of
// workers and the start time.
type Meta struct {
	// ScenarioText is the scenario's source; it is hashed into the
	// manifest and copied to scenario.toml.
	ScenarioText []byte
	// ScenarioFile is the file the scenario was read from, or the bundled
	// name.
	ScenarioFile string
	// Command is the command line, program name first.
	Command []string
	// Workers is the number of goroutines that run the batch, recorded in
	// the manifest; it does not change any number in the outputs. Close
	// draws the plots on as many goroutines (at most GOMAXPROCS; 0 or
	// less: GOMAXPROCS), so that a batch told to use N CPUs uses no more
	// to draw.
	Workers int
	// Start is when the batch started.
	Start time.Time
	// Build is the program's full version as `trustsim version` prints
	// it (for a development build it includes a hash of the executable);
	// it is recorded as the manifest's "build", the same string a shard's
	// shard.json and the resume fingerprint use. Empty leaves it out.
	Build string
	// Format is the format of the runs, timeseries and aggregate tables:
	// CSV (also when empty), Parquet or both.
	Format Format
}

// Writer streams the results of a batch into an output directory. Results
// are written to temporary files as they arrive; Close publishes every
// file at once, Abort removes the temporary files. A Writer is not safe
// for concurrent use: the batch runner delivers results one at a time.
type Writer struct {
	dir          string
	plan         *batch.Plan
	man          manifest
	scenarioText []byte

	// format is the format of the tables; runs, series and agg are the
	// CSV files (nil without CSV), the pq* the Parquet ones (nil without
	// Parquet), pqSwept the swept parameters' Parquet columns.
	format                  Format
	runs, series, agg       *tempCSV
	pqRuns, pqSeries, pqAgg *parquetTable
	pqSwept                 []parquetColumn
	pqMetrics               []string
	// published are the names Close published, for Files.
	published []string
	temps     []string // every temporary path not yet published or removed

	// strategyField and sweptFields are each point's strategy and events
	// columns and its swept values as CSV fields (csvField), the swept
	// ones each after a comma;
	// metricFields are the metric names as fields. Set by Create, read by
	// Format from several goroutines.
	strategyField []string
	sweptFields   []string
	metricFields  []string

	// drawn are the runs' totals and the statistics of the drawn metrics,
	// kept as they are written, for Close to draw from (dataset).
	drawn []drawnPoint
	// drawnSlot is, per metric in Values order, its position in
	// drawnMetrics(man.Plots) (and in drawnPoint.series), or -1.
	drawnSlot []int

	// drawers is how many figures Close draws at once (render); 0 or
	// less: GOMAXPROCS.
	drawers int

	// cf holds the partnership strength of each replicate of the last
	// counterfactual point written, for the recovery of its twin with
	// events, the next point.
	cf [][]float64
	// effects is effects.csv, nil when the plan has no counterfactuals;
	// cfVals holds the effect metrics (effectValues) of each replicate
	// of the last counterfactual point, effAcc the paired differences of
	// the point being accumulated, per step and effect metric.
	effects     *tempCSV
	effectSlots []int
	cfVals      [][]float64
	effAcc      [][]welford

	next     int         // index of the next expected run
	acc      [][]welford // per step, per metric, for the point being accumulated
	t        tTable
	nMetrics int
	vals     []float64
	aggBuf   []byte
	done     bool

	// buffers recycles the byte slices of Rows (*[]byte) from AddRows,
	// which has written them, to Format, which fills them again.
	buffers sync.Pool
}

// Create starts the outputs of plan in dir, creating dir if needed. Only
// temporary files (names starting with '.') are written until Close.
// Temporary files and directories that an earlier process killed before
// its Close or Abort left in dir are removed first (removeStale); dir must
// not be written by another batch at the same time.
func Create(dir string, plan *batch.Plan, meta Meta) (*Writer, error) {
	if plan == nil || len(plan.Points) == 0 || plan.Replicates < 1 {
		return nil, errors.New("output: plan has no runs")
	}
	for i := range plan.Points {
		if plan.Points[i].Index != i {
			return nil, fmt.Errorf("output: point %d has index %d", i, plan.Points[i].Index)
		}
		if len(plan.Points[i].Swept) != len(plan.Swept) {
			return nil, fmt.Errorf("output: point %d has %d swept values for %d swept parameters",
				i, len(plan.Points[i].Swept), len(plan.Swept))
		}
	}
	for i := range plan.Points {
		// Scenarios refuse such names (scenarios.FormulaStart); a plan
		// made otherwise must not put a formula into a CSV cell either.
		if st := plan.Points[i].Strategy; st != "" && strings.ContainsAny(st[:1], "=+-@") {
			return nil, fmt.Errorf("output: point %d: strategy %q starts with %q, which a spreadsheet reads as a formula", i, st, st[:1])
		}
	}
	for i, r := range plan.Plots {
		if err := checkPlot(r.Kind, r.Metric); err != nil {
			return nil, fmt.Errorf("output: plot request %d: %w", i, err)
		}
	}
	// Only a directory trustsim owns is written (docs/OUTPUTS.md,
	// "Folders trustsim owns"); callers claim it first (ClaimDir) so
	// that a refusal comes before any run.
	format, err := ParseFormat(string(meta.Format))
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := MarkOwned(dir); err != nil {
		return nil, err
	}
	if err := removeStale(dir); err != nil {
		return nil, fmt.Errorf("output: create %s: %w", dir, err)
	}
	w := &Writer{
		dir:          dir,
		plan:         plan,
		man:          newManifest(plan, meta),
		scenarioText: append([]byte(nil), meta.ScenarioText...),
		drawers:      meta.Workers,
		nMetrics:     len(sim.MetricNames()),
		format:       format,
	}
	metrics := sim.MetricNames()
	for i := range plan.Points {
		pt := &plan.Points[i]
		w.strategyField = append(w.strategyField, csvField(pt.Strategy)+","+eventsRun(pt))
		var swept strings.Builder
		for _, v := range pt.Swept {
			swept.WriteString(",")
			swept.WriteString(csvField(v.Value))
		}
		w.sweptFields = append(w.sweptFields, swept.String())
	}
	for _, m := range metrics {
		w.metricFields = append(w.metricFields, csvField(m))
	}
	drawn := drawnMetrics(w.man.Plots)
	for _, m := range metrics {
		w.drawnSlot = append(w.drawnSlot, slices.Index(drawn, m))
	}
	w.drawn = make([]drawnPoint, len(plan.Points))
	for i := range w.drawn {
		w.drawn[i].series = make([][]summary, len(drawn))
	}
	aggHeader := append(append([]string{"point", "strategy", "events"}, plan.Swept...), aggregateColumns...)
	if format.csv() {
		runsHeader := append(append([]string{"run", "point", "strategy", "events", "replicate", "seed"}, plan.Swept...), runColumns...)
		if w.runs, err = w.newTempCSV(runsName, runsHeader); err != nil {
			return nil, w.failCreate(err)
		}
		if w.series, err = w.newTempCSV(seriesName, append([]string{"run", "point", "step"}, metrics...)); err != nil {
			return nil, w.failCreate(err)
		}
		if w.agg, err = w.newTempCSV(aggregateName, aggHeader); err != nil {
			return nil, w.failCreate(err)
		}
	}
	if format.Parquet() {
		if err := w.createParquet(); err != nil {
			return nil, w.failCreate(err)
		}
	}
	if w.man.hasCounterfactuals() {
		if w.effects, err = w.newTempCSV(effectsName, aggHeader); err != nil {
			return nil, w.failCreate(err)
		}
		w.effectSlots = effectSlots()
	}
	return w, nil
}

// createParquet starts the Parquet tables: the columns of the CSV files,
// in the same order, typed (parquet.go).
func (w *Writer) createParquet() error {
	w.pqSwept = sweptColumns(w.plan)
	w.pqMetrics = sim.MetricNames()
	optName := parquet.Optional(pqName)
	runs := append(append([]parquetColumn{{"run", pqInt}, {"point", pqInt}, {"strategy", optName}, {"events", pqName}, {"replicate", pqInt}, {"seed", pqUint}},
		w.pqSwept...),
		parquetColumn{"cumulative_results", pqDouble}, parquetColumn{"final_mean_trust", pqDouble},
		parquetColumn{"final_cross_org_trust", pqDouble}, parquetColumn{"mean_active_partnerships", pqDouble},
		parquetColumn{"departures", pqInt}, parquetColumn{"partnership_resets", pqInt},
		parquetColumn{"leave_step", parquet.Optional(pqInt)}, parquetColumn{"recovery_weeks", parquet.Optional(pqInt)})
	for _, name := range runColumns[8:] { // the turnover of each role
		runs = append(runs, parquetColumn{name, pqDouble})
	}
	series := []parquetColumn{{"run", pqInt}, {"point", pqInt}, {"step", pqInt}}
	for _, m := range sim.MetricNames() {
		series = append(series, parquetColumn{m, pqDouble})
	}
	optDouble := parquet.Optional(pqDouble)
	agg := append(append([]parquetColumn{{"point", pqInt}, {"strategy", optName}, {"events", pqName}}, w.pqSwept...),
		parquetColumn{"step", pqInt}, parquetColumn{"metric", pqName}, parquetColumn{"n", pqInt},
		parquetColumn{"mean", optDouble}, parquetColumn{"sd", optDouble},
		parquetColumn{"ci95_low", optDouble}, parquetColumn{"ci95_high", optDouble})
	var err error
	if w.pqRuns, err = w.newParquet(runsParquetName, runs); err != nil {
		return err
	}
	if w.pqSeries, err = w.newParquet(seriesParquetName, series); err != nil {
		return err
	}
	w.pqAgg, err = w.newParquet(aggregateParquetName, agg)
	return err
}

// stalePatterns match the names of the temporary files and directories a
// Writer (or Redraw) makes in the output directory: what a process killed
// before it published or removed them leaves behind.
var stalePatterns = []string{
	"." + runsName + ".*.tmp",
	"." + seriesName + ".*.tmp",
	"." + aggregateName + ".*.tmp",
	"." + effectsName + ".*.tmp",
	"." + runsParquetName + ".*.tmp",
	"." + seriesParquetName + ".*.tmp",
	"." + aggregateParquetName + ".*.tmp",
	"." + manifestName + ".*.tmp",
	"." + scenarioCopyName + ".*.tmp",
	"." + reportName + ".*.tmp",
	"." + plotsName + ".*.tmp",
	"." + plotsName + ".old",
	MarkerName + ".*.tmp",
	"." + StoryName + ".*.tmp",
	"." + sensitivityName + ".*.tmp",
	"." + NetworkName + ".*.tmp",
}

// removeStale removes from dir the leftovers of an earlier process that
// match stalePatterns; nothing else in dir is touched.
func removeStale(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		for _, pat := range stalePatterns {
			if ok, _ := filepath.Match(pat, e.Name()); !ok {
				continue
			}
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("remove stale temporary %s: %w", e.Name(), err)
			}
			break
		}
	}
	return nil
}

// aggregateColumns are the columns of aggregate.csv after the point's
// strategy and swept values.
var aggregateColumns = []string{"step", "metric", "n", "mean", "sd", "ci95_low", "ci95_high"}

func (w *Writer) failCreate(err error) error {
	w.abort()
	return fmt.Errorf("output: create %s: %w", w.dir, err)
}

// tempCSV is a CSV file being written under a temporary name. Its
// header is written by encoding/csv; its rows arrive formatted (Format,
// writeAggregate).
type tempCSV struct {
	f   *os.File
	buf *bufio.Writer
	// final is the name the file is published under.
	final string
}

// Modes of published files and directories: readable by everyone,
// writable by the owner, whatever the umask (docs/OUTPUTS.md). Temporary
// files would otherwise keep os.CreateTemp's 0600 after their rename.
const (
	fileMode os.FileMode = 0o644
	dirMode  os.FileMode = 0o755
)

func (w *Writer) newTempFile(final string) (*os.File, error) {
	f, err := os.CreateTemp(w.dir, "."+final+".*.tmp")
	if err != nil {
		return nil, err
	}
	w.temps = append(w.temps, f.Name())
	if err := f.Chmod(fileMode); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (w *Writer) newTempCSV(final string, header []string) (*tempCSV, error) {
	f, err := w.newTempFile(final)
	if err != nil {
		return nil, err
	}
	t := &tempCSV{f: f, buf: bufio.NewWriterSize(f, 1<<16), final: final}
	cw := csv.NewWriter(t.buf)
	cw.UseCRLF = true // RFC 4180 ends records with CRLF
	if err := cw.Write(header); err != nil {
		return nil, fmt.Errorf("%s: %w", final, err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, fmt.Errorf("%s: %w", final, err)
	}
	return t, nil
}

// write appends formatted rows to the file.
func (t *tempCSV) write(rows []byte) error {
	if _, err := t.buf.Write(rows); err != nil {
		return fmt.Errorf("%s: %w", t.final, err)
	}
	return nil
}

// finish flushes, syncs and closes the file, so that a published file is
// complete on disk before its rename makes it visible.
func (t *tempCSV) finish() error {
	err := t.buf.Flush()
	if err == nil {
		err = t.f.Sync()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", t.final, err)
	}
	return nil
}

// csvField returns s as one field of a CSV record, quoted the way
// encoding/csv quotes it (when it holds a comma, a quote, a line break or
// starts with a space; a line break inside a field is written as CRLF),
// so rows formatted by hand are what encoding/csv would write. Only text
// fields need it: numbers are never quoted.
func csvField(s string) string {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	_ = cw.Write([]string{s}) // a strings.Builder does not fail
	cw.Flush()
	return strings.TrimSuffix(b.String(), "\r\n")
}

// appendFloat appends x so that it round-trips: the shortest decimal that
// parses back to the same float64.
func appendFloat(b []byte, x float64) []byte { return strconv.AppendFloat(b, x, 'g', -1, 64) }

// appendStat is appendFloat with NaN (an undefined statistic) written as
// an empty field.
func appendStat(b []byte, x float64) []byte {
	if x != x {
		return b
	}
	return appendFloat(b, x)
}

// appendOptInt appends n, or nothing (an empty field) when n < 0 (no
// value).
func appendOptInt(b []byte, n int) []byte {
	if n < 0 {
		return b
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// endRow ends a CSV record (RFC 4180: CRLF).
func endRow(b []byte) []byte { return append(b, '\r', '\n') }

// Rows is one finished run formatted for the output files: its row of
// runs.csv and its rows of timeseries.csv. Writer.Format makes it,
// Writer.AddRows writes it.
type Rows struct {
	result  batch.Result
	summary runSummary
	run     []byte
	series  []byte
}

// drawnPoint is what Close draws from for one design point: per run, in
// replicate order, cumulative results, partnership resets and departures
// (as in runs.csv), and per drawn metric the statistics of each step (as
// in aggregate.csv).
type drawnPoint struct {
	cum, resets, departures []float64
	cross, trust, active    []float64
	series                  [][]summary
	// effects are the statistics of the paired event effects per effect
	// metric and step (effects.csv), nil for a point without a
	// counterfactual.
	effects [][]summary
	// recovery are the runs' recovery_weeks (-1: empty).
	recovery []int
	turnover [sim.NumRoles][]float64
}

// Add writes one finished run: it is AddRows(Format(r)). Results must
// arrive in run-index order, so that all replicates of a point arrive
// together.
func (w *Writer) Add(r batch.Result) error {
	rows, err := w.Format(r)
	if err != nil {
		return err
	}
	return w.AddRows(rows)
}

// Format checks that r has one metrics row per step of its point and
// formats its rows of runs.csv and timeseries.csv, the bulk of the work
// of writing a run. It reads only what Create set up (and takes its
// buffers from a sync.Pool), so, unlike the Writer's other methods, it
// may be called from several goroutines at once and while AddRows runs:
// a batch formats each run in the goroutine that ran it
// (batch.ExecutePrepared), and AddRows, which must see the runs one at a
// time and in order, only writes the bytes and updates the aggregates.
func (w *Writer) Format(r batch.Result) (*Rows, error) {
	if r.Run.Point < 0 || r.Run.Point >= len(w.plan.Points) {
		return nil, fmt.Errorf("output: run %d has point %d; the plan has %d", r.Run.Index, r.Run.Point, len(w.plan.Points))
	}
	pt := &w.plan.Points[r.Run.Point]
	if len(r.Steps) == 0 || len(r.Steps) != pt.Params.Horizon {
		return nil, fmt.Errorf("output: run %d has %d steps, want the horizon %d", r.Run.Index, len(r.Steps), pt.Params.Horizon)
	}
	for i := range r.Steps {
		if r.Steps[i].Step != i {
			return nil, fmt.Errorf("output: run %d: step %d is numbered %d", r.Run.Index, i, r.Steps[i].Step)
		}
	}
	rows := &Rows{result: r, summary: summarizeRun(&pt.Params, r.Steps)}
	if w.format.csv() {
		rows.run = w.appendRun(w.buffer(256), r, &rows.summary)
		rows.series = w.appendSeries(w.buffer(w.seriesSize(len(r.Steps))), r)
	}
	return rows, nil
}

// buffer returns an empty byte slice, one that AddRows gave back if there
// is one, else a new one of capacity size.
func (w *Writer) buffer(size int) []byte {
	if b, ok := w.buffers.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

// recycle gives b back for buffer to hand out again.
func (w *Writer) recycle(b []byte) {
	if cap(b) > 0 {
		w.buffers.Put(&b)
	}
}

// AddRows writes one finished run formatted by Format. Runs must arrive
// in run-index order, so that all replicates of a point arrive together.
func (w *Writer) AddRows(rows *Rows) error {
	if w.done {
		return errors.New("output: Add after Close or Abort")
	}
	r := rows.result
	if w.next >= w.plan.NumRuns() {
		return fmt.Errorf("output: run %d is beyond the plan's %d runs", r.Run.Index, w.plan.NumRuns())
	}
	if want := w.plan.Run(w.next); r.Run != want {
		return fmt.Errorf("output: got run %+v, want %+v: results must arrive in run-index order", r.Run, want)
	}
	pt := &w.plan.Points[r.Run.Point]
	if r.Run.Replicate == 0 {
		w.acc = make([][]welford, len(r.Steps))
		for i := range w.acc {
			w.acc[i] = make([]welford, w.nMetrics)
		}
	} else if len(w.acc) != len(r.Steps) {
		return fmt.Errorf("output: run %d has %d steps, earlier replicates of point %d had %d",
			r.Run.Index, len(r.Steps), r.Run.Point, len(w.acc))
	}

	paired := pt.Index > 0 && w.plan.Points[pt.Index-1].Counterfactual && !pt.Counterfactual
	switch {
	case pt.Counterfactual:
		if r.Run.Replicate == 0 {
			w.cf = make([][]float64, w.plan.Replicates)
			w.cfVals = make([][]float64, w.plan.Replicates)
		}
		w.cf[r.Run.Replicate] = strengths(r.Steps)
		w.cfVals[r.Run.Replicate] = effectValues(r.Steps, w.effectSlots)
	case paired:
		if rows.summary.LeaveStep >= 0 {
			rows.summary.RecoveryWeeks = recoveryAgainst(strengths(r.Steps), w.cf[r.Run.Replicate], rows.summary.LeaveStep)
			if w.format.csv() {
				rows.run = w.appendRun(rows.run[:0], r, &rows.summary)
			}
		}
		if r.Run.Replicate == 0 {
			w.effAcc = make([][]welford, len(r.Steps))
			for i := range w.effAcc {
				w.effAcc[i] = make([]welford, len(effectMetrics))
			}
		}
		if c := w.cfVals[r.Run.Replicate]; len(c) != len(r.Steps)*len(effectMetrics) {
			return fmt.Errorf("output: run %d has %d steps, its counterfactual %d", r.Run.Index, len(r.Steps), len(c)/len(effectMetrics))
		}
		addEffect(w.effAcc, effectValues(r.Steps, w.effectSlots), w.cfVals[r.Run.Replicate])
	}
	if w.format.csv() {
		if err := w.runs.write(rows.run); err != nil {
			return fmt.Errorf("output: %w", err)
		}
		if err := w.series.write(rows.series); err != nil {
			return fmt.Errorf("output: %w", err)
		}
		w.recycle(rows.run)
		w.recycle(rows.series)
		rows.run, rows.series = nil, nil
	}
	if w.format.Parquet() {
		if err := w.addParquet(r, &rows.summary); err != nil {
			return fmt.Errorf("output: %w", err)
		}
	}
	d := &w.drawn[r.Run.Point]
	d.cum = append(d.cum, rows.summary.CumulativeResults)
	d.resets = append(d.resets, float64(rows.summary.PartnershipResets))
	d.departures = append(d.departures, float64(rows.summary.Departures))
	d.cross = append(d.cross, rows.summary.FinalCrossOrgTrust)
	d.trust = append(d.trust, rows.summary.FinalMeanTrust)
	d.active = append(d.active, rows.summary.MeanActivePartnerships)
	d.recovery = append(d.recovery, rows.summary.RecoveryWeeks)
	for role, v := range rows.summary.Turnover {
		d.turnover[role] = append(d.turnover[role], v)
	}
	for i := range r.Steps {
		w.vals = r.Steps[i].Values(w.vals[:0])
		for k, v := range w.vals {
			w.acc[i][k].add(v)
		}
	}
	if r.Run.Replicate == w.plan.Replicates-1 {
		if err := w.writeAggregate(pt); err != nil {
			return err
		}
		w.acc = nil
		if paired {
			if err := w.writeEffects(pt); err != nil {
				return err
			}
			w.effAcc, w.cf, w.cfVals = nil, nil, nil
		}
	}
	w.next++
	return nil
}

// appendRun appends r's row of runs.csv, with its summary s, to b.
func (w *Writer) appendRun(b []byte, r batch.Result, s *runSummary) []byte {
	b = strconv.AppendInt(b, int64(r.Run.Index), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Run.Point), 10)
	b = append(b, ',')
	b = append(b, w.strategyField[r.Run.Point]...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Run.Replicate), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, r.Run.Seed, 10)
	b = append(b, w.sweptFields[r.Run.Point]...)
	for _, x := range [...]float64{s.CumulativeResults, s.FinalMeanTrust, s.FinalCrossOrgTrust, s.MeanActivePartnerships} {
		b = appendFloat(append(b, ','), x)
	}
	b = strconv.AppendInt(append(b, ','), int64(s.Departures), 10)
	b = strconv.AppendInt(append(b, ','), int64(s.PartnershipResets), 10)
	b = appendOptInt(append(b, ','), s.LeaveStep)
	b = appendOptInt(append(b, ','), s.RecoveryWeeks)
	for _, x := range s.Turnover {
		b = appendFloat(append(b, ','), x)
	}
	return endRow(b)
}

// seriesSize guesses the bytes of a run's timeseries.csv rows, so that
// Format allocates them once.
func (w *Writer) seriesSize(steps int) int {
	kept := 0
	for i := range steps {
		if keepStep(i, steps, w.plan.Every) {
			kept++
		}
	}
	return kept * (16 + 20*w.nMetrics)
}

// appendSeries appends r's rows of timeseries.csv to b: one per kept
// step.
func (w *Writer) appendSeries(b []byte, r batch.Result) []byte {
	var vals [32]float64
	for i := range r.Steps {
		if !keepStep(i, len(r.Steps), w.plan.Every) {
			continue
		}
		b = strconv.AppendInt(b, int64(r.Run.Index), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(r.Run.Point), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(i), 10)
		for _, v := range r.Steps[i].Values(vals[:0]) {
			b = appendFloat(append(b, ','), v)
		}
		b = endRow(b)
	}
	return b
}

// writeAggregate writes the finished point's statistics, step by step and
// metric by metric in MetricNames order.
func (w *Writer) writeAggregate(pt *batch.Point) error {
	d := &w.drawn[pt.Index]
	for j := range d.series {
		d.series[j] = make([]summary, len(w.acc))
	}
	b := w.aggBuf[:0]
	for step := range w.acc {
		for k := range w.acc[step] {
			s := w.t.summarizeIn(&w.acc[step][k], metricSupports[k])
			if j := w.drawnSlot[k]; j >= 0 {
				d.series[j][step] = s
			}
			if w.pqAgg != nil {
				if err := w.addParquetAggregate(pt, step, k, &s); err != nil {
					return fmt.Errorf("output: %w", err)
				}
			}
			if w.agg == nil {
				continue
			}
			b = strconv.AppendInt(b, int64(pt.Index), 10)
			b = append(b, ',')
			b = append(b, w.strategyField[pt.Index]...)
			b = append(b, w.sweptFields[pt.Index]...)
			b = strconv.AppendInt(append(b, ','), int64(step), 10)
			b = append(append(b, ','), w.metricFields[k]...)
			b = strconv.AppendInt(append(b, ','), int64(s.N), 10)
			b = appendStat(append(b, ','), s.Mean)
			b = appendStat(append(b, ','), s.SD)
			b = appendStat(append(b, ','), s.Lo)
			b = appendStat(append(b, ','), s.Hi)
			b = endRow(b)
		}
		if len(b) >= 1<<16 {
			if err := w.agg.write(b); err != nil {
				return fmt.Errorf("output: %w", err)
			}
			b = b[:0]
		}
	}
	w.aggBuf = b[:0]
	if w.agg == nil {
		return nil
	}
	if err := w.agg.write(b); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// Close finishes the batch's outputs: it completes the CSV files, writes
// manifest.json (with end as the end time) and the scenario copy, draws
// plots/ and report.html from the finished files (as Redraw does), then
// renames everything into place, manifest.json last (after removing an
// earlier one), so a directory with a manifest.json is complete. Close fails when runs are missing; on any
// failure it removes the temporary files.
func (w *Writer) Close(end time.Time) (err error) {
	if w.done {
		return errors.New("output: Close after Close or Abort")
	}
	defer func() {
		if err != nil {
			w.abort()
			err = fmt.Errorf("output: close %s: %w", w.dir, err)
		}
	}()
	if w.next != w.plan.NumRuns() {
		return fmt.Errorf("%d of %d runs written; the batch is incomplete", w.next, w.plan.NumRuns())
	}
	// The CSV files are flushed and synced while the manifest is written
	// and the plots drawn: syncing timeseries.csv (tens of MB for a big
	// batch) is disk time, drawing is CPU time. Every return waits for it
	// (before abort removes the files).
	csvErr := make(chan error, 1)
	go func() {
		for _, t := range w.csvFiles() {
			if err := t.finish(); err != nil {
				csvErr <- err
				return
			}
		}
		for _, t := range w.parquetFiles() {
			if err := t.finish(); err != nil {
				csvErr <- err
				return
			}
		}
		csvErr <- nil
	}()
	waitCSV := sync.OnceValue(func() error { return <-csvErr })
	defer waitCSV()
	// The manifest (hundreds of kB of JSON for a big batch) is encoded
	// while the plots are drawn: nothing else reads the encoding.
	w.man.Invocation.End = batch.FormatTime(end)
	type encoded struct {
		data []byte
		err  error
	}
	manCh := make(chan encoded, 1)
	go func() {
		data, err := encodeManifest(&w.man)
		manCh <- encoded{data, err}
	}()
	waitMan := sync.OnceValue(func() encoded { return <-manCh })
	defer waitMan()

	ds, err := w.dataset()
	if err != nil {
		return err
	}
	plotsTemp, reportTemp, err := w.draw(ds)
	if err != nil {
		return err
	}
	man := waitMan()
	if man.err != nil {
		return man.err
	}
	manTemp, err := w.writeTemp(manifestName, man.data)
	if err != nil {
		return err
	}
	scenTemp, err := w.writeTemp(scenarioCopyName, w.scenarioText)
	if err != nil {
		return err
	}
	sensTemp, err := w.writeSensitivity(ds)
	if err != nil {
		return err
	}
	if err := waitCSV(); err != nil {
		return err
	}

	// A directory with a manifest.json holds a complete batch: take away
	// an earlier batch's manifest before replacing its other files.
	earlier := true
	if err := os.Remove(filepath.Join(w.dir, manifestName)); errors.Is(err, fs.ErrNotExist) {
		earlier = false
	} else if err != nil {
		return err
	}
	if earlier && sensTemp == "" {
		// The earlier batch's analysis does not belong to this one.
		if err := os.Remove(filepath.Join(w.dir, sensitivityName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if earlier {
		// An earlier batch's tables in the format this one does not
		// write would pass for this batch's.
		var stale []string
		if !w.format.csv() {
			stale = append(stale, runsName, seriesName, aggregateName)
		}
		if !w.format.Parquet() {
			stale = append(stale, runsParquetName, seriesParquetName, aggregateParquetName)
		}
		for _, name := range stale {
			if err := os.Remove(filepath.Join(w.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	var moves []struct{ from, to string }
	for _, t := range w.csvFiles() {
		if t != w.effects {
			moves = append(moves, struct{ from, to string }{t.f.Name(), t.final})
		}
	}
	for _, t := range w.parquetFiles() {
		moves = append(moves, struct{ from, to string }{t.f.Name(), t.final})
	}
	moves = append(moves, struct{ from, to string }{scenTemp, scenarioCopyName}, struct{ from, to string }{reportTemp, reportName})
	if sensTemp != "" {
		moves = append(moves, struct{ from, to string }{sensTemp, sensitivityName})
	}
	if w.effects != nil {
		moves = append(moves, struct{ from, to string }{w.effects.f.Name(), effectsName})
	} else if earlier {
		// An earlier batch's effects.csv would describe points this
		// batch does not have.
		if err := os.Remove(filepath.Join(w.dir, effectsName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for _, m := range moves {
		if err := w.publish(m.from, m.to); err != nil {
			return err
		}
	}
	if err := w.publishDir(plotsTemp, plotsName); err != nil {
		return err
	}
	if err := w.publish(manTemp, manifestName); err != nil {
		return err
	}
	var published []string
	for _, m := range moves {
		published = append(published, m.to)
	}
	if err := recordPublished(w.dir, append(published, plotsName, manifestName)); err != nil {
		return fmt.Errorf("record the files in %s: %w", MarkerName, err)
	}
	w.published = published
	syncDir(w.dir)
	w.done = true
	return nil
}

// dataset builds what Close draws from: the manifest, the plan's
// parameters (those the manifest records, TestManifestParams) and the
// numbers kept as they were written, the same Redraw reads back from the
// files.
func (w *Writer) dataset() (*dataset, error) {
	if err := checkManifest(&w.man); err != nil {
		return nil, fmt.Errorf("%s: %w", manifestName, err)
	}
	params := make([]sim.Params, len(w.plan.Points))
	for i := range w.plan.Points {
		params[i] = w.plan.Points[i].Params
	}
	ds := newDataset(&w.man, params)
	for i, pd := range ds.all {
		d := &w.drawn[i]
		pd.cumRuns, pd.resetRuns, pd.departureRuns = d.cum, d.resets, d.departures
		pd.recoveryRuns = d.recovery
		pd.turnoverRuns = d.turnover
		pd.crossRuns, pd.trustRuns, pd.activeRuns = d.cross, d.trust, d.active
		for j, metric := range ds.metrics {
			pd.series[metric] = d.series[j]
		}
		if d.effects != nil {
			pd.effects = map[string][]summary{}
			for j, metric := range effectMetrics {
				pd.effects[metric] = d.effects[j]
			}
		}
	}
	ds.summarize()
	return ds, nil
}

// draw renders plots and report into temporary files of w.dir.
func (w *Writer) draw(ds *dataset) (plotsTemp, reportTemp string, err error) {
	plots, report, err := render(ds, w.drawers)
	if err != nil {
		return "", "", err
	}
	plotsTemp, err = os.MkdirTemp(w.dir, "."+plotsName+".*.tmp")
	if err != nil {
		return "", "", err
	}
	w.temps = append(w.temps, plotsTemp)
	if err := os.Chmod(plotsTemp, dirMode); err != nil {
		return "", "", err
	}
	// Each file is synced; written at once, their syncs overlap.
	var g errgroup.Group
	for _, p := range plots {
		g.Go(func() error { return writeSynced(filepath.Join(plotsTemp, p.name), p.data) })
	}
	if err := g.Wait(); err != nil {
		return "", "", err
	}
	syncDir(plotsTemp)
	reportTemp, err = w.writeTemp(reportName, report)
	return plotsTemp, reportTemp, err
}

// writeTemp writes data to a new temporary file for final and returns its
// path.
func (w *Writer) writeTemp(final string, data []byte) (string, error) {
	f, err := w.newTempFile(final)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", final, err)
	}
	return f.Name(), nil
}

// writeSynced writes a new file of mode fileMode and syncs it.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return err
	}
	err = f.Chmod(fileMode) // the umask may have taken bits away
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// publish renames the temporary file from to its final name in w.dir.
func (w *Writer) publish(from, final string) error {
	if err := os.Rename(from, filepath.Join(w.dir, final)); err != nil {
		return fmt.Errorf("publish %s: %w", final, err)
	}
	w.forget(from)
	return nil
}

// publishDir replaces the directory final in w.dir by the temporary
// directory from. A directory cannot be renamed over a non-empty one, so
// an existing one is first moved aside and removed afterwards.
func (w *Writer) publishDir(from, final string) error {
	if err := replaceDir(w.dir, from, final); err != nil {
		return err
	}
	w.forget(from)
	return nil
}

func replaceDir(dir, from, final string) error {
	dst := filepath.Join(dir, final)
	old := filepath.Join(dir, "."+final+".old")
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("publish %s: %w", final, err)
	}
	if err := os.Rename(dst, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("publish %s: %w", final, err)
	}
	if err := os.Rename(from, dst); err != nil {
		return fmt.Errorf("publish %s: %w", final, err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("publish %s: %w", final, err)
	}
	return nil
}

func (w *Writer) forget(path string) {
	for i, t := range w.temps {
		if t == path {
			w.temps = append(w.temps[:i], w.temps[i+1:]...)
			return
		}
	}
}

// syncDir makes renames in dir durable. It is best effort: some systems
// cannot sync a directory, and the files themselves are already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Abort removes the temporary files; nothing is published. It is a no-op
// after Close.
func (w *Writer) Abort() error {
	if w.done {
		return nil
	}
	return w.abort()
}

func (w *Writer) abort() error {
	w.done = true
	for _, t := range w.csvFiles() {
		_ = t.f.Close() // already closed after finish; the error says so and does not matter
	}
	for _, t := range w.parquetFiles() {
		_ = t.f.Close()
	}
	var first error
	for _, p := range w.temps {
		if err := os.RemoveAll(p); err != nil && first == nil {
			first = fmt.Errorf("output: abort: %w", err)
		}
	}
	w.temps = nil
	return first
}

// Files returns the path of every file and directory Close published in
// the output directory, for the closing line of a batch: the report
// first, then the tables, the manifest, the scenario copy and plots/ (its
// path ending in a separator). Empty before Close.
func (w *Writer) Files() []string {
	if !w.done || len(w.published) == 0 {
		return nil
	}
	files := []string{filepath.Join(w.dir, reportName)}
	for _, name := range w.published {
		if name != reportName && name != scenarioCopyName {
			files = append(files, filepath.Join(w.dir, name))
		}
	}
	files = append(files, filepath.Join(w.dir, manifestName), filepath.Join(w.dir, scenarioCopyName))
	return append(files, filepath.Join(w.dir, plotsName)+string(filepath.Separator))
}

// Redraw rebuilds plots/ and report.html of the output directory dir from
// its manifest.json, runs.csv and aggregate.csv (runs.parquet and
// aggregate.parquet when the batch wrote only Parquet), without running
// anything.
// It draws through the same code as Writer.Close, so it reproduces the
// same files.
func Redraw(dir string) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("output: redraw %s: %w", dir, err)
		}
	}()
	man, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return err
	}
	if err := CheckOwned(dir); err != nil {
		return err
	}
	ds, err := loadTables(dir, man)
	if err != nil {
		return err
	}
	return (&Writer{dir: dir}).publishDrawing(ds)
}

// loadTables loads the dataset of the batch in dir from its manifest
// man and its tables: the CSV tables when the batch wrote them, else the
// Parquet ones.
func loadTables(dir string, man []byte) (*dataset, error) {
	load := loadFiles
	runs, agg := filepath.Join(dir, runsName), filepath.Join(dir, aggregateName)
	if _, err := os.Stat(runs); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(dir, runsParquetName)); err == nil {
			load = loadParquetFiles
			runs, agg = filepath.Join(dir, runsParquetName), filepath.Join(dir, aggregateParquetName)
		}
	}
	return load(man, runs, agg)
}

// publishDrawing draws the plots and the report of ds and publishes them
// in w's directory as plots/ and report.html, recording both in its
// marker (the tables are not touched).
func (w *Writer) publishDrawing(ds *dataset) error {
	plotsTemp, reportTemp, err := w.draw(ds)
	if err != nil {
		w.abort()
		return err
	}
	if err := w.publishDir(plotsTemp, plotsName); err != nil {
		w.abort()
		return err
	}
	if err := w.publish(reportTemp, reportName); err != nil {
		w.abort()
		return err
	}
	if err := recordPublished(w.dir, []string{plotsName, reportName}); err != nil {
		return fmt.Errorf("record the files in %s: %w", MarkerName, err)
	}
	syncDir(w.dir)
	return nil
}

// csvFiles are the CSV files being written: the tables (none without
// CSV) and effects.csv (with counterfactuals, whatever the format).
func (w *Writer) csvFiles() []*tempCSV {
	var files []*tempCSV
	for _, t := range []*tempCSV{w.runs, w.series, w.agg, w.effects} {
		if t != nil {
			files = append(files, t)
		}
	}
	return files
}

// parquetFiles are the Parquet files being written (none without
// Parquet).
func (w *Writer) parquetFiles() []*parquetTable {
	var files []*parquetTable
	for _, t := range []*parquetTable{w.pqRuns, w.pqSeries, w.pqAgg} {
		if t != nil {
			files = append(files, t)
		}
	}
	return files
}

// addParquet writes r's rows of runs.parquet and timeseries.parquet, the
// values of its rows of runs.csv and timeseries.csv.
func (w *Writer) addParquet(r batch.Result, s *runSummary) error {
	pt := &w.plan.Points[r.Run.Point]
	t := w.pqRuns
	t.int(0, int64(r.Run.Index))
	t.int(1, int64(r.Run.Point))
	t.optStr(2, pt.Strategy)
	t.str(3, eventsRun(pt))
	t.int(4, int64(r.Run.Replicate))
	t.uint(5, r.Run.Seed)
	t.swept(6, w.pqSwept, pt)
	col := 6 + len(w.pqSwept)
	for i, x := range [...]float64{s.CumulativeResults, s.FinalMeanTrust, s.FinalCrossOrgTrust, s.MeanActivePartnerships} {
		t.double(col+i, x)
	}
	t.int(col+4, int64(s.Departures))
	t.int(col+5, int64(s.PartnershipResets))
	t.optInt(col+6, s.LeaveStep)
	t.optInt(col+7, s.RecoveryWeeks)
	for i, x := range s.Turnover {
		t.double(col+8+i, x)
	}
	if err := t.endRow(); err != nil {
		return err
	}
	t = w.pqSeries
	var vals [32]float64
	for i := range r.Steps {
		if !keepStep(i, len(r.Steps), w.plan.Every) {
			continue
		}
		t.int(0, int64(r.Run.Index))
		t.int(1, int64(r.Run.Point))
		t.int(2, int64(i))
		for k, v := range r.Steps[i].Values(vals[:0]) {
			t.double(3+k, v)
		}
		if err := t.endRow(); err != nil {
			return err
		}
	}
	return nil
}

// addParquetAggregate writes the row of aggregate.parquet of point pt,
// step and the metric of index k.
func (w *Writer) addParquetAggregate(pt *batch.Point, step, k int, s *summary) error {
	t := w.pqAgg
	t.int(0, int64(pt.Index))
	t.optStr(1, pt.Strategy)
	t.str(2, eventsRun(pt))
	t.swept(3, w.pqSwept, pt)
	col := 3 + len(w.pqSwept)
	t.int(col, int64(step))
	t.str(col+1, w.pqMetrics[k])
	t.int(col+2, int64(s.N))
	t.optDouble(col+3, s.Mean)
	t.optDouble(col+4, s.SD)
	t.optDouble(col+5, s.Lo)
	t.optDouble(col+6, s.Hi)
	return t.endRow()
}
