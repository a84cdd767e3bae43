package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustsim/trustsim/batch"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./output -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; review with go test ./output -update && git diff\n got:\n%s", name, got)
	}
}

// head returns the first n lines of a file.
func head(t *testing.T, path string, n int) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(readFile(t, path)), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return []byte(strings.Join(lines, ""))
}

// stableManifest returns manifest.json without "invocation", the only
// field allowed to differ between two identical batches. It is the last
// field, so everything before it stays byte for byte.
func stableManifest(t testing.TB, data []byte) []byte {
	t.Helper()
	i := bytes.Index(data, []byte(",\n  \"invocation\": {"))
	if i < 0 {
		t.Fatalf("manifest has no invocation:\n%s", data)
	}
	rest := data[i+2:]
	if end := bytes.Index(rest, []byte("\n  }\n}\n")); end < 0 || end+len("\n  }\n}\n") != len(rest) {
		t.Fatalf("invocation is not the manifest's last field:\n%s", rest)
	}
	return append(append([]byte{}, data[:i]...), "\n}\n"...)
}

func TestGoldenCSV(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, sweep2)
	metrics := 15
	golden(t, "runs.head.csv", head(t, filepath.Join(dir, runsName), 5))
	golden(t, "timeseries.head.csv", head(t, filepath.Join(dir, seriesName), 5))
	golden(t, "aggregate.head.csv", head(t, filepath.Join(dir, aggregateName), 1+metrics))
	// every = 4 and 24 steps keep steps 0, 4, ..., 20 and the last, 23.
	rows := readCSV(t, filepath.Join(dir, seriesName))
	var steps []string
	for _, r := range rows[1:] {
		if r[0] == "0" {
			steps = append(steps, r[2])
		}
	}
	if got, want := strings.Join(steps, " "), "0 4 8 12 16 20 23"; got != want {
		t.Errorf("timeseries.csv keeps steps %s of run 0, want %s", got, want)
	}
}

func TestGoldenManifest(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, strategies)
	data := readFile(t, filepath.Join(dir, manifestName))
	golden(t, "manifest.golden.json", stableManifest(t, data))

	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	want := invocation{
		Command: []string{"trustsim", "run", "scenarios/strategies.toml", "--workers", "2", "--out", "out dir"},
		Workers: 2, Start: "2025-03-01T09:30:00Z", End: "2025-03-01T09:31:30Z",
	}
	if !reflect.DeepEqual(m.Invocation, want) {
		t.Errorf("invocation = %+v, want %+v", m.Invocation, want)
	}
	if got := readFile(t, filepath.Join(dir, scenarioCopyName)); !bytes.HasPrefix(got, []byte("# scenario strategies")) {
		t.Errorf("scenario.toml = %q", got)
	}
}

// TestManifestParams checks that the manifest holds every parameter: the
// parameters rebuilt from it equal the plan's.
func TestManifestParams(t *testing.T) {
	for _, f := range []fixture{sweep2, sweep3} {
		plan := f.plan(t)
		m := newManifest(plan, Meta{})
		data, err := encodeManifest(&m)
		if err != nil {
			t.Fatal(err)
		}
		var back manifest
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		for i := range plan.Points {
			p, err := back.Points[i].simParams()
			if err != nil {
				t.Fatal(err)
			}
			if want := plan.Points[i].Params; !reflect.DeepEqual(p, want) {
				t.Errorf("%s point %d: parameters from the manifest\n%+v\nwant\n%+v", f.name, i, p, want)
			}
		}
	}
}

// TestSameOutputsWhateverTheWorkers writes one plan twice with different
// worker counts, 2 and 1 (so the plots are drawn on two goroutines and on
// one): every file is identical but for the invocation in the manifest
// and the command line shown in the report.
func TestSameOutputsWhateverTheWorkers(t *testing.T) {
	t.Parallel()
	a, b := sharedBatch(t, strategies), t.TempDir()
	writeBatch(t, strategies, b, 1)
	names := listDir(t, a)
	if !reflect.DeepEqual(names, listDir(t, b)) {
		t.Fatalf("different files: %v and %v", names, listDir(t, b))
	}
	for _, n := range names {
		pa, pb := filepath.Join(a, n), filepath.Join(b, n)
		if st, _ := os.Stat(pa); st.IsDir() {
			continue
		}
		da, db := readFile(t, pa), readFile(t, pb)
		switch n {
		case manifestName:
			da, db = stableManifest(t, da), stableManifest(t, db)
		case reportName:
			da = bytes.ReplaceAll(da, []byte("--workers 2"), []byte("--workers 1"))
		}
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs between 2 and 1 workers", n)
		}
	}
}

// TestRedrawReproducesPlots redraws plots/ and report.html of a written
// batch, standard and requested plots alike, and checks that every file
// comes back byte for byte.
func TestRedrawReproducesPlots(t *testing.T) {
	t.Parallel()
	dir := copyDir(t, sharedBatch(t, sweep2))
	before := map[string][]byte{}
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, plotsName+string(filepath.Separator)) || n == reportName {
			before[n] = readFile(t, filepath.Join(dir, n))
		}
	}
	if len(before) != 2*12+1 {
		t.Fatalf("%d plot and report files, want 2×12 plots and the report", len(before))
	}
	if err := os.RemoveAll(filepath.Join(dir, plotsName)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, reportName)); err != nil {
		t.Fatal(err)
	}
	if err := Redraw(dir); err != nil {
		t.Fatal(err)
	}
	after := 0
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, ".") {
			t.Errorf("temporary %s left behind", n)
		}
		want, ok := before[n]
		if !ok {
			continue
		}
		after++
		if !bytes.Equal(readFile(t, filepath.Join(dir, n)), want) {
			t.Errorf("redrawn %s differs from the one Close drew", n)
		}
	}
	if after != len(before) {
		t.Errorf("redrew %d of %d files", after, len(before))
	}
}

// TestRedrawOverPlots redraws a directory whose plots/ exists: plots/ is
// replaced as a whole when every file in it is trustsim's (listed in the
// marker, as an earlier batch's plot is), and not at all when one is not.
func TestRedrawOverPlots(t *testing.T) {
	t.Parallel()
	dir := copyDir(t, sharedBatch(t, single))
	want := readFile(t, filepath.Join(dir, plotsName, "timeseries_results.png"))
	mine := filepath.Join(dir, plotsName, "my-figure.png")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Redraw(dir); !errors.Is(err, ErrNotOwned) && (err == nil || !strings.Contains(err.Error(), `"plots/my-figure.png"`)) {
		t.Fatalf("Redraw over a plot trustsim did not write = %v, want a refusal naming it", err)
	}
	if got := readFile(t, mine); string(got) != "mine" {
		t.Fatalf("the user's plot became %q", got)
	}
	// An old plot of trustsim's (listed in the marker) is replaced.
	listed, _, err := readMarker(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"plots/my-figure.png"}
	for f := range listed {
		files = append(files, f)
	}
	if err := writeMarker(dir, files); err != nil {
		t.Fatal(err)
	}
	if err := Redraw(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mine); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an earlier batch's plot survived: %v", err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, plotsName, "timeseries_results.png")), want) {
		t.Error("redrawn timeseries_results.png differs")
	}
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, ".") {
			t.Errorf("temporary %s left behind", n)
		}
	}
}

func TestRedrawErrors(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, single)
	runs := readFile(t, filepath.Join(dir, runsName))
	// badRecovery is runs.csv with a recovery_weeks that is not a number.
	rows := strings.Split(string(runs), "\r\n")
	col := slices.Index(strings.Split(rows[0], ","), "recovery_weeks")
	fields := strings.Split(rows[1], ",")
	fields[col] = "soon"
	rows[1] = strings.Join(fields, ",")
	badRecovery := strings.Join(rows, "\r\n")
	tests := []struct {
		name    string
		file    string
		content string
		want    string
	}{
		{"missing manifest", manifestName, "", "manifest.json"},
		{"truncated runs", runsName, string(runs[:bytes.IndexByte(runs, '\n')+1]), "incomplete"},
		{"wrong header", aggregateName, "point,step\n", "header"},
		{"bad recovery_weeks", runsName, badRecovery, "recovery_weeks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := t.TempDir()
			for _, n := range []string{manifestName, runsName, aggregateName} {
				if err := os.WriteFile(filepath.Join(d, n), readFile(t, filepath.Join(dir, n)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(d, tc.file)
			if tc.content == "" {
				os.Remove(path)
			} else if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			err := Redraw(d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Redraw = %v, want an error about %q", err, tc.want)
			}
			for _, n := range listDir(t, d) {
				if strings.HasPrefix(n, ".") || n == plotsName || n == reportName {
					t.Errorf("failed Redraw left %s", n)
				}
			}
		})
	}
}

// published lists the files of dir that do not start with '.'.
func published(t *testing.T, dir string) []string {
	var out []string
	for _, n := range listDir(t, dir) {
		if !strings.HasPrefix(n, ".") {
			out = append(out, n)
		}
	}
	return out
}

func TestNothingPublishedBeforeClose(t *testing.T) {
	tests := []struct {
		name   string
		finish func(w *Writer) error
	}{
		{"abort", func(w *Writer) error { return w.Abort() }},
		{"close with missing runs", func(w *Writer) error {
			if err := w.Close(time.Now()); err == nil || !strings.Contains(err.Error(), "incomplete") {
				t.Errorf("Close = %v, want an incomplete-batch error", err)
			}
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			plan := sweep2.plan(t)
			w, err := Create(dir, plan, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range plan.NumRuns() / 2 {
				r := plan.Run(i)
				if err := w.Add(batch.Result{Run: r, Steps: fakeSteps(plan, r)}); err != nil {
					t.Fatal(err)
				}
			}
			// A crash here leaves only hidden temporary files: nothing that
			// looks like a finished output.
			if got := published(t, dir); len(got) != 0 {
				t.Fatalf("published before Close: %v", got)
			}
			// runs, timeseries, aggregate and effects (the plan has a
			// departure, so counterfactuals).
			if len(listDir(t, dir)) != 4 {
				t.Fatalf("want 4 temporary CSV files, have %v", listDir(t, dir))
			}
			if err := tc.finish(w); err != nil {
				t.Fatal(err)
			}
			if got := listDir(t, dir); len(got) != 0 {
				t.Errorf("left behind: %v", got)
			}
			if err := w.Add(batch.Result{}); err == nil {
				t.Error("Add after the end succeeded")
			}
		})
	}
}

func TestCloseReplacesEarlierOutputs(t *testing.T) {
	t.Parallel()
	dir := copyDir(t, sharedBatch(t, strategies))
	writeBatch(t, single, dir, 1)
	got := published(t, dir)
	for _, n := range got {
		if strings.Contains(n, "comparison") {
			t.Errorf("plot %s of the earlier batch survived", n)
		}
	}
	if len(listDir(t, dir)) != len(got) {
		t.Errorf("temporary files left: %v", listDir(t, dir))
	}
	if m := string(readFile(t, filepath.Join(dir, manifestName))); !strings.Contains(m, `"scenario": "single"`) {
		t.Error("manifest.json is still the earlier batch's")
	}
}

func TestAddChecksOrder(t *testing.T) {
	plan := strategies.plan(t)
	good := func(i int) batch.Result { r := plan.Run(i); return batch.Result{Run: r, Steps: fakeSteps(plan, r)} }
	tests := []struct {
		name string
		r    batch.Result
		want string
	}{
		{"skips a run", good(1), "run-index order"},
		{"wrong seed", func() batch.Result { r := good(0); r.Run.Seed++; return r }(), "run-index order"},
		{"too few steps", func() batch.Result { r := good(0); r.Steps = r.Steps[:3]; return r }(), "horizon"},
		{"misnumbered step", func() batch.Result { r := good(0); r.Steps[2].Step = 7; return r }(), "numbered"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Create(t.TempDir(), plan, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			if err := w.Add(tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Add = %v, want an error about %q", err, tc.want)
			}
		})
	}
}

// TestRowsAreEncodingCSV checks that the rows Format writes by hand are
// what encoding/csv would write for the same fields, with strategy names
// and swept values that need quoting: each file, read with csv.Reader and
// written again with csv.Writer, comes back byte for byte.
func TestRowsAreEncodingCSV(t *testing.T) {
	plan := sweep2.plan(t)
	odd := []string{`a,b`, `say "hi"`, ` leading space`, `\.`, "two\nlines", ``, `plain`}
	for i := range plan.Points {
		plan.Points[i].Strategy = odd[i%len(odd)]
		plan.Points[i].Swept[0].Value = odd[(i+3)%len(odd)]
	}
	w, err := Create(t.TempDir(), plan, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for i := range plan.NumRuns() {
		r := plan.Run(i)
		if err := w.Add(batch.Result{Run: r, Steps: fakeSteps(plan, r)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*tempCSV{w.runs, w.series, w.agg} {
		if err := c.buf.Flush(); err != nil {
			t.Fatal(err)
		}
		data := readFile(t, c.f.Name())
		records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", c.final, err)
		}
		var again bytes.Buffer
		cw := csv.NewWriter(&again)
		cw.UseCRLF = true
		if err := cw.WriteAll(records); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, again.Bytes()) {
			t.Errorf("%s is not what encoding/csv writes for its own records", c.final)
		}
		if c == w.runs {
			for i, rec := range records[1:] {
				pt := plan.Points[plan.Run(i).Point]
				if rec[2] != pt.Strategy || rec[6] != pt.Swept[0].Value {
					t.Errorf("runs.csv row %d: strategy %q, swept %q; want %q, %q", i, rec[2], rec[6], pt.Strategy, pt.Swept[0].Value)
				}
			}
		}
	}
}

// TestFormatConcurrently formats every run of a batch at once, one
// goroutine each (as the batch runner's workers do; run it under -race),
// then adds the rows in order: the files are those of Add, one run at a
// time.
func TestFormatConcurrently(t *testing.T) {
	t.Parallel()
	want := sharedBatch(t, sweep2)
	plan := sweep2.plan(t)
	dir := t.TempDir()
	w, err := Create(dir, plan, fixtureMeta(sweep2, 2))
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]*Rows, plan.NumRuns())
	var wg sync.WaitGroup
	for i := range rows {
		wg.Go(func() {
			r := plan.Run(i)
			var err error
			if rows[i], err = w.Format(batch.Result{Run: r, Steps: fakeSteps(plan, r)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, r := range rows {
		if err := w.AddRows(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(testStart.Add(90 * time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{runsName, seriesName, aggregateName} {
		if !bytes.Equal(readFile(t, filepath.Join(dir, n)), readFile(t, filepath.Join(want, n))) {
			t.Errorf("%s differs from the one written by Add", n)
		}
	}
}

func TestCreateRejectsEmptyPlan(t *testing.T) {
	for _, p := range []*batch.Plan{nil, {}, {Points: []batch.Point{{}}}} {
		if _, err := Create(t.TempDir(), p, Meta{}); err == nil {
			t.Errorf("Create(%+v) succeeded", p)
		}
	}
}

// TestFilesAreEveryFileWritten checks that Files, the closing line of a
// batch, names every file and directory the batch publishes, and nothing
// else.
func TestFilesAreEveryFileWritten(t *testing.T) {
	dir := t.TempDir()
	plan := single.plan(t)
	w, err := Create(dir, plan, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range plan.NumRuns() {
		r := plan.Run(i)
		if err := w.Add(batch.Result{Run: r, Steps: fakeSteps(plan, r)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(testStart); err != nil {
		t.Fatal(err)
	}
	var named []string
	for _, p := range w.Files() {
		if filepath.Dir(strings.TrimSuffix(p, string(filepath.Separator))) != dir {
			t.Errorf("%s is not in %s", p, dir)
		}
		named = append(named, filepath.Base(p))
	}
	slices.Sort(named)
	var got []string
	for _, n := range published(t, dir) {
		if !strings.Contains(n, "/") {
			got = append(got, n)
		}
	}
	if !slices.Equal(named, got) {
		t.Errorf("Files names %q; the batch wrote %q", named, got)
	}
}

// TestCreateRemovesStaleTemporaries checks that Create removes the
// temporary files and directories a crashed earlier process left in the
// output directory, and nothing else.
func TestCreateRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	stale := []string{
		".runs.csv.123.tmp", ".timeseries.csv.4.tmp", ".aggregate.csv.55.tmp",
		".manifest.json.6.tmp", ".scenario.toml.77.tmp", ".report.html.8.tmp",
		".plots.999.tmp/results.png", ".plots.old/results.png",
	}
	kept := []string{
		"notes.txt", ".runs.csv.bak", "runs.csv.1.tmp", ".other.csv.1.tmp",
		".partial/run-0.json", ".shard.tar.gz.1.tmp", "plots/results.png",
	}
	// A directory trustsim wrote before: plots/results.png is its.
	if err := writeMarker(dir, []string{"plots/results.png"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range append(slices.Clone(stale), kept...) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := Create(dir, sweep2.plan(t), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, name := range stale {
		top := strings.Split(name, "/")[0]
		if _, err := os.Stat(filepath.Join(dir, top)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stale %s survived Create (stat: %v)", top, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("Create removed %s: %v", name, err)
		}
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	got := listDir(t, dir)
	slices.Sort(got)
	var want []string
	for _, name := range kept {
		for p := name; p != "."; p = filepath.Dir(p) {
			want = append(want, p)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if !slices.Equal(got, want) {
		t.Errorf("after Abort the directory holds %q, want %q", got, want)
	}
}

// TestWhatMayDiffer writes one scenario text twice, read through another
// path, with another command line, worker count and times, and checks
// that only what docs/OUTPUTS.md says may differ does.
func TestWhatMayDiffer(t *testing.T) {
	t.Parallel()
	a, b := t.TempDir(), t.TempDir()
	writeBatch(t, single, a, 1)
	mb := fixtureMeta(single, 3)
	mb.ScenarioFile = "/home/someone/copy of single.toml"
	mb.Command = []string{"trustsim", "run", mb.ScenarioFile, "--workers", "3", "--out", "elsewhere"}
	mb.Start = testStart.Add(48 * time.Hour)
	writeBatchMeta(t, single, b, mb, mb.Start.Add(time.Hour))

	var ma, mbm map[string]json.RawMessage
	for _, x := range []struct {
		dir string
		m   *map[string]json.RawMessage
	}{{a, &ma}, {b, &mbm}} {
		if err := json.Unmarshal(readFile(t, filepath.Join(x.dir, manifestName)), x.m); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for k := range ma {
		if !bytes.Equal(ma[k], mbm[k]) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if want := []string{"invocation", "scenario_file"}; !slices.Equal(keys, want) {
		t.Errorf("manifest keys that differ: %q, want %q", keys, want)
	}

	names := listDir(t, a)
	if !slices.Equal(names, listDir(t, b)) {
		t.Fatalf("different files: %v and %v", names, listDir(t, b))
	}
	var files []string
	for _, n := range names {
		pa, pb := filepath.Join(a, n), filepath.Join(b, n)
		if st, _ := os.Stat(pa); st.IsDir() || bytes.Equal(readFile(t, pa), readFile(t, pb)) {
			continue
		}
		files = append(files, n)
	}
	if want := []string{manifestName, reportName}; !slices.Equal(files, want) {
		t.Errorf("files that differ: %q, want %q", files, want)
	}
	// The report differs only in the lines that show the command and the
	// scenario file.
	la := strings.Split(string(readFile(t, filepath.Join(a, reportName))), "\n")
	lb := strings.Split(string(readFile(t, filepath.Join(b, reportName))), "\n")
	if len(la) != len(lb) {
		t.Fatalf("reports have %d and %d lines", len(la), len(lb))
	}
	for i := range la {
		if la[i] != lb[i] && !strings.Contains(lb[i], "elsewhere") && !strings.Contains(lb[i], "copy of single.toml") {
			t.Errorf("report line %d differs beyond command and scenario file:\n%s\n%s", i+1, la[i], lb[i])
		}
	}

	// docs/OUTPUTS.md names every key and file that may differ in its
	// paragraph on comparing batches.
	doc := string(readFile(t, filepath.Join("..", "docs", "OUTPUTS.md")))
	start := strings.Index(doc, "may differ between two batches")
	if start < 0 {
		t.Fatal("docs/OUTPUTS.md has no paragraph on what may differ between two batches")
	}
	start = strings.LastIndex(doc[:start], "\n\n") + 2
	end := start + strings.Index(doc[start:], "\n\n")
	para := doc[start:end]
	for _, k := range append(keys, reportName) {
		if !strings.Contains(para, "`"+k+"`") {
			t.Errorf("docs/OUTPUTS.md's paragraph on what may differ does not name `%s`:\n%s", k, para)
		}
	}
}
