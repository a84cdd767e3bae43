package output

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trustsim/trustsim/sim"
)

// Comparing finished batches (docs/OUTPUTS.md, "Comparing batches"):
// Compare puts two or more batches of the same initiative into one report,
// each batch a value of an extra condition named "batch", so the answer
// gives the best lever choice under each batch's conditions and the regret
// table says whether one choice is best across the batches.

// comparedSwept is the name of the condition that tells the batches of a
// comparison apart.
const comparedSwept = "batch"

// IncomparableError says why a batch cannot be compared with the first.
type IncomparableError struct {
	Dir, Reason string
}

func (e *IncomparableError) Error() string {
	return fmt.Sprintf("%s cannot be compared: %s", e.Dir, e.Reason)
}

// loadBatch reads the dataset of the finished batch in dir.
func loadBatch(dir string) (*dataset, error) {
	man, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, &IncomparableError{dir, "it is not a finished batch (no readable manifest.json)"}
	}
	ds, err := loadTables(dir, man)
	if err != nil {
		return nil, &IncomparableError{dir, err.Error()}
	}
	return ds, nil
}

// incomparable says why batch b cannot be compared with batch a, or "".
func incomparable(a, b *dataset) string {
	ma, mb := &a.man, &b.man
	pa, pb := &a.points[0].params, &b.points[0].params
	orgs := func(p *sim.Params) string {
		var s []string
		for _, o := range p.Orgs {
			s = append(s, o.Name+" ("+o.Kind.String()+")")
		}
		return strings.Join(s, ", ")
	}
	levers := func(ds *dataset) []string {
		var out []string
		for _, pd := range ds.points {
			if !slices.Contains(out, pd.mp.Lever) {
				out = append(out, pd.mp.Lever)
			}
		}
		return out
	}
	switch {
	case ma.Sample != nil || mb.Sample != nil:
		return "a sampled design is compared by its sensitivity analysis, not by lever choices"
	case orgs(pa) != orgs(pb):
		return fmt.Sprintf("its organizations (%s) are not those of %s (%s): not the same initiative", orgs(pb), ma.Scenario, orgs(pa))
	case pa.Horizon != pb.Horizon:
		return fmt.Sprintf("its runs last %d weeks, the first batch's %d: their totals are not comparable", pb.Horizon, pa.Horizon)
	case ma.Replicates != mb.Replicates:
		return fmt.Sprintf("it has %d replicates, the first batch %d; run both with the same --replicates", mb.Replicates, ma.Replicates)
	case !slices.Equal(ma.Metrics, mb.Metrics):
		return "it records other metrics (another trustsim version); rerun it with this one"
	case !slices.Equal(ma.Swept, mb.Swept) || slices.Contains(ma.Swept, comparedSwept):
		return fmt.Sprintf("it sweeps %s, the first batch %s", words(mb.Swept), words(ma.Swept))
	case !slices.Equal(ma.Levers, mb.Levers) || !slices.Equal(ma.Conditions, mb.Conditions):
		return fmt.Sprintf("its levers (%s) and conditions (%s) are not the first batch's (%s; %s)", words(mb.Levers), words(mb.Conditions), words(ma.Levers), words(ma.Conditions))
	case !slices.Equal(levers(a), levers(b)):
		return fmt.Sprintf("its lever choices (%s) are not the first batch's (%s)", words(levers(b)), words(levers(a)))
	case ma.baselineLabel() != mb.baselineLabel():
		return fmt.Sprintf("its status quo (%s) is not the first batch's (%s)", mb.baselineLabel(), ma.baselineLabel())
	}
	return ""
}

// words lists names for a message, "none" when there are none.
func words(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// batchTags name the batches in the report: their directories' base
// names, or the whole paths when two base names are alike.
func batchTags(dirs []string) []string {
	tags := make([]string, len(dirs))
	for i, d := range dirs {
		tags[i] = filepath.Base(filepath.Clean(d))
	}
	for i := range tags {
		if slices.Contains(tags[:i], tags[i]) || slices.Contains(tags[i+1:], tags[i]) {
			return slices.Clone(dirs)
		}
	}
	return tags
}

// differences says in words what sets each batch apart: its values of
// the parameters whose values differ between the batches' first points,
// or its base seed when no parameter does.
func differences(all []*dataset) []string {
	first := all[0].points[0].mp.Params
	differ := map[string]bool{}
	for _, ds := range all[1:] {
		for i, s := range ds.points[0].mp.Params {
			if i < len(first) && first[i].Name == s.Name && first[i].Value != s.Value {
				differ[s.Name] = true
			}
		}
	}
	out := make([]string, len(all))
	for k, ds := range all {
		var diff []string
		for _, s := range ds.points[0].mp.Params {
			if differ[s.Name] {
				diff = append(diff, settingWords(s.Name, s.Value))
			}
		}
		if len(diff) == 0 {
			diff = append(diff, fmt.Sprintf("base seed %d", ds.man.BaseSeed))
		}
		out[k] = strings.Join(diff, ", ")
	}
	return out
}

// compareDataset merges the batches' datasets into one, each batch a value
// of the condition "batch".
func compareDataset(dirs []string, all []*dataset, command []string) *dataset {
	tags := batchTags(dirs)
	diffs := differences(all)
	m := all[0].man
	m.Swept = append(slices.Clone(m.Swept), comparedSwept)
	m.Conditions = append(slices.Clone(m.Conditions), comparedSwept)
	m.Points, m.Runs = nil, nil
	var desc []string
	var params []sim.Params
	var from []*pointData
	for k, ds := range all {
		desc = append(desc, fmt.Sprintf("%s (folder %s: %s)", tags[k], dirs[k], diffs[k]))
		offset := len(m.Points)
		for _, pd := range ds.all {
			mp := *pd.mp
			mp.Index += offset
			mp.Swept = append(slices.Clone(mp.Swept), setting{Name: comparedSwept, Value: tags[k]})
			c := comparedSwept + "=" + tags[k]
			if mp.Condition != "" {
				c = mp.Condition + ", " + c
			}
			mp.Condition = c
			m.Points = append(m.Points, mp)
			params = append(params, pd.params)
			from = append(from, pd)
		}
		for _, r := range ds.man.Runs {
			m.Runs = append(m.Runs, manifestRun{Index: len(m.Runs), Point: r.Point + offset, Replicate: r.Replicate, Seed: r.Seed})
		}
	}
	m.Description = "Batches compared: " + joinAnd(desc) + "."
	m.Invocation = invocation{Command: command}
	out := newDataset(&m, params)
	out.batchWords = map[string]string{}
	for k, t := range tags {
		out.batchWords[t] = "batch " + t + " (" + diffs[k] + ")"
	}
	for i, pd := range out.all {
		mp, cf := pd.mp, pd.cf
		*pd = *from[i]
		pd.mp, pd.cf = mp, cf
	}
	out.summarize()
	return out
}

// Compare writes into dir plots/ and report.html comparing the finished
// batches in dirs (at least two) of the same initiative, without running
// anything. A batch that cannot be compared with the first is refused
// with an *IncomparableError that says why, before anything is written.
// command is the command line, recorded in the report.
func Compare(dirs []string, dir string, command []string) (err error) {
	if len(dirs) < 2 {
		return fmt.Errorf("output: compare needs at least two batches, got %d", len(dirs))
	}
	var all []*dataset
	for _, d := range dirs {
		ds, err := loadBatch(d)
		if err != nil {
			return err
		}
		if len(all) > 0 {
			if why := incomparable(all[0], ds); why != "" {
				return &IncomparableError{d, why}
			}
		}
		all = append(all, ds)
	}
	ds := compareDataset(dirs, all, command)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if err := (&Writer{dir: dir}).publishDrawing(ds); err != nil {
		return fmt.Errorf("output: compare into %s: %w", dir, err)
	}
	return nil
}
