package output

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sensitivity"
)

// sensitivityName is the file of a sampled design's sensitivity
// analysis (docs/OUTPUTS.md, "sensitivity.csv").
const sensitivityName = "sensitivity.csv"

// sensitivityMetrics are the runs.csv columns a sampled design is
// analysed for, in the file's order; the report and plots speak of the
// first two.
var sensitivityMetrics = []string{"cumulative_results", "final_cross_org_trust", "final_mean_trust", "mean_active_partnerships", "departures"}

// reportedMetrics are the sensitivity metrics the report and the plots
// show.
var reportedMetrics = sensitivityMetrics[:2]

// noiseShare is the measure column of the replicate-noise rows of
// sensitivity.csv.
const noiseShare = "noise_share"

// sensStudy is the sensitivity analysis of a sampled design: per
// strategy (one unnamed group without strategies) and metric, the
// estimates of sensitivity.Design.Analyze and the replicate-noise share.
type sensStudy struct {
	sample *batch.Sample
	groups []sensGroup
}

type sensGroup struct {
	strategy string
	metrics  []sensMetric // in sensitivityMetrics order
}

type sensMetric struct {
	metric  string
	indices []sensitivity.Index
	noise   float64
}

// runsOf returns the per-run values of a sensitivity metric.
func (pd *pointData) runsOf(metric string) []float64 {
	switch metric {
	case "cumulative_results":
		return pd.cumRuns
	case "final_cross_org_trust":
		return pd.crossRuns
	case "final_mean_trust":
		return pd.trustRuns
	case "mean_active_partnerships":
		return pd.activeRuns
	case "departures":
		return pd.departureRuns
	}
	panic("output: no runs of " + metric)
}

// sensitivity returns the analysis of ds's sampled design, or nil when
// the batch is not sampled. It draws the design again from the
// manifest's sample (the same rows the scenario planned), takes each row's
// mean over replicates, and analyses each strategy's rows on their own;
// paired no-events twins are left out. The result is kept, so Close,
// the plots and the report share one analysis.
func (ds *dataset) sensitivity() (*sensStudy, error) {
	if ds.man.Sample == nil || ds.sens != nil {
		return ds.sens, nil
	}
	design, err := ds.man.Sample.Design()
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	var pts []*pointData
	for _, pd := range ds.points {
		if !pd.mp.Counterfactual {
			pts = append(pts, pd)
		}
	}
	rows := len(design.Unit)
	if len(pts)%rows != 0 {
		return nil, fmt.Errorf("sample: %d design points for a design of %d rows", len(pts), rows)
	}
	st := &sensStudy{sample: ds.man.Sample}
	for g := 0; g < len(pts); g += rows {
		grp := sensGroup{strategy: pts[g].mp.Strategy}
		for _, m := range sensitivityMetrics {
			y := make([]float64, rows)
			runs := make([][]float64, rows)
			for i, pd := range pts[g : g+rows] {
				runs[i] = pd.runsOf(m)
				var sum float64
				for _, v := range runs[i] {
					sum += v
				}
				y[i] = sum / float64(len(runs[i]))
			}
			ix, err := design.Analyze(y, ds.man.Sample.Bootstrap, ds.man.Sample.BootstrapSource())
			if err != nil {
				return nil, fmt.Errorf("sensitivity of %s: %w", m, err)
			}
			grp.metrics = append(grp.metrics, sensMetric{metric: m, indices: ix, noise: sensitivity.NoiseShare(runs)})
		}
		st.groups = append(st.groups, grp)
	}
	ds.sens = st
	return st, nil
}

// sensitivityCSV is sensitivity.csv: one row per strategy, metric,
// measure and parameter (pair, for second-order indices), then the
// replicate-noise share of each strategy and metric.
func (st *sensStudy) csv() []byte {
	b := []byte("strategy,metric,measure,parameter,with,value,ci_low,ci_high\r\n")
	opt := func(b []byte, x float64) []byte {
		if math.IsNaN(x) {
			return b
		}
		return appendFloat(b, x)
	}
	for _, g := range st.groups {
		for _, m := range g.metrics {
			for _, x := range m.indices {
				b = append(b, csvField(g.strategy)+","+m.metric+","+x.Measure+","+csvField(x.Param)+","+csvField(x.With)+","...)
				b = appendFloat(b, x.Value)
				b = append(b, ',')
				b = opt(b, x.Low)
				b = append(b, ',')
				b = opt(b, x.High)
				b = endRow(b)
			}
		}
		for _, m := range g.metrics {
			b = append(b, csvField(g.strategy)+","+m.metric+","+noiseShare+",,,"...)
			b = appendFloat(b, m.noise)
			b = append(b, ",,"...)
			b = endRow(b)
		}
	}
	return b
}

// ranked returns the estimates of measure for single parameters, largest
// first by magnitude (ties in parameter order).
func ranked(ix []sensitivity.Index, measure string) []sensitivity.Index {
	var out []sensitivity.Index
	for _, x := range ix {
		if x.Measure == measure {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b sensitivity.Index) int {
		switch x, y := math.Abs(a.Value), math.Abs(b.Value); {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return 0
	})
	return out
}

// find returns the estimate of measure for param.
func find(ix []sensitivity.Index, measure, param string) sensitivity.Index {
	for _, x := range ix {
		if x.Measure == measure && x.Param == param && x.With == "" {
			return x
		}
	}
	return sensitivity.Index{Value: math.NaN(), Low: math.NaN(), High: math.NaN()}
}

// leadMeasure is the measure that ranks parameters for a design method.
func leadMeasure(method string) string {
	switch sensitivity.Method(method) {
	case sensitivity.SobolMethod:
		return sensitivity.Total
	case sensitivity.Morris:
		return sensitivity.MuStar
	}
	return sensitivity.RankCorrelation
}

// paramName is a sampled parameter in plain words.
func paramName(name string) string { return ParamLabel(name).Name }

// sensitivitySentences say in plain words which sampled parameters drive
// which result, per strategy.
func (st *sensStudy) sentences() []string {
	var out []string
	s := st.sample
	out = append(out, st.designSentence())
	for _, g := range st.groups {
		for _, m := range g.metrics {
			if !slices.Contains(reportedMetrics, m.metric) {
				continue
			}
			what := RunColumnLabel(m.metric).Name
			if g.strategy != "" {
				what += " under " + g.strategy
			}
			out = append(out, capitalize(metricSentence(s.Method, what, m)))
		}
	}
	return out
}

func (st *sensStudy) designSentence() string {
	s := st.sample
	var names []string
	for _, p := range s.Params {
		names = append(names, paramName(p.Name))
	}
	how := map[string]string{
		"sobol":      fmt.Sprintf("a Sobol' design (Saltelli's scheme, %d base samples)", s.Size),
		"morris":     fmt.Sprintf("a Morris design (%d trajectories on %d levels)", s.Size, s.Levels),
		"latin":      fmt.Sprintf("a Latin hypercube of %d points", s.Size),
		"montecarlo": fmt.Sprintf("%d random points", s.Size),
	}[s.Method]
	return fmt.Sprintf("The runs sample %d uncertain conditions (%s) by %s; each result's variation across them is apportioned below.",
		len(s.Params), joinAnd(names), how)
}

// metricSentence says which parameters drive one result.
func metricSentence(method, what string, m sensMetric) string {
	lead := ranked(m.indices, leadMeasure(method))
	if len(lead) == 0 {
		return ""
	}
	var b strings.Builder
	top := lead[0]
	switch sensitivity.Method(method) {
	case sensitivity.SobolMethod:
		s1 := find(m.indices, sensitivity.FirstOrder, top.Param)
		fmt.Fprintf(&b, "for %s, %s matters most: alone it explains %s of the variance (95%% interval %s), %s with its interactions.",
			what, paramName(top.Param), pctIndex(s1.Value), pctRange(s1.Low, s1.High), pctIndex(top.Value))
		var next, small []string
		for _, x := range lead[1:] {
			if x.High < 0.05 || (math.IsNaN(x.High) && x.Value < 0.05) {
				small = append(small, paramName(x.Param))
			} else {
				next = append(next, fmt.Sprintf("%s (%s)", paramName(x.Param), pctIndex(x.Value)))
			}
		}
		if len(next) > 0 {
			fmt.Fprintf(&b, " Then come %s, by total index.", joinAnd(next))
		}
		if len(small) > 0 {
			fmt.Fprintf(&b, " %s hardly matter%s (total index under 5%%).", capitalize(joinAnd(small)), verbS(len(small)))
		}
	case sensitivity.Morris:
		sigma := find(m.indices, sensitivity.Sigma, top.Param)
		mu := find(m.indices, sensitivity.Mu, top.Param)
		dir := "raises"
		if mu.Value < 0 {
			dir = "lowers"
		}
		fmt.Fprintf(&b, "for %s, %s has the largest effect: a step across its range moves the result by %s on average (μ*; its mean effect μ = %s %s it).",
			what, paramName(top.Param), human(top.Value), human(mu.Value), dir)
		if sigma.Value > top.Value {
			b.WriteString(" Its effect varies with the other conditions (σ above μ*).")
		}
		var next, small []string
		for _, x := range lead[1:] {
			if x.Value < 0.1*top.Value {
				small = append(small, paramName(x.Param))
			} else {
				next = append(next, fmt.Sprintf("%s (μ* %s)", paramName(x.Param), human(x.Value)))
			}
		}
		if len(next) > 0 {
			fmt.Fprintf(&b, " Then come %s.", joinAnd(next))
		}
		if len(small) > 0 {
			fmt.Fprintf(&b, " %s hardly matter%s (μ* under a tenth of the largest).", capitalize(joinAnd(small)), verbS(len(small)))
		}
	default:
		fmt.Fprintf(&b, "for %s, %s goes most closely with the result (rank correlation %s).", what, paramName(top.Param), strconv.FormatFloat(top.Value, 'f', 2, 64))
		var small []string
		for _, x := range lead[1:] {
			if math.Abs(x.Value) < 0.1 {
				small = append(small, paramName(x.Param))
			}
		}
		if len(small) > 0 {
			fmt.Fprintf(&b, " %s hardly go%s with it (|ρ| under 0.1).", capitalize(joinAnd(small)), map[bool]string{true: "es", false: ""}[len(small) == 1])
		}
	}
	fmt.Fprintf(&b, " Replicate noise is %s of the variance of single runs.", pctIndex(m.noise))
	return b.String()
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// pctIndex writes an index or share as a whole percentage; estimates
// (and bootstrap bounds) a little outside 0 to 1 through sampling error
// read as 0% and 100%, the limits of a share.
func pctIndex(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return strconv.FormatFloat(math.Min(100, math.Max(0, math.Round(100*x))), 'f', 0, 64) + "%"
}

func pctRange(lo, hi float64) string {
	if math.IsNaN(lo) {
		return "not estimated"
	}
	return pctIndex(lo) + "–" + pctIndex(hi)
}

// writeSensitivity writes sensitivity.csv of a sampled design to a
// temporary file and returns its path; "" when the batch is not sampled.
func (w *Writer) writeSensitivity(ds *dataset) (string, error) {
	st, err := ds.sensitivity()
	if err != nil || st == nil {
		return "", err
	}
	return w.writeTemp(sensitivityName, st.csv())
}

// sampledSentences describe a sampled design's conditions and their
// distributions, for the report's account of the design.
func sampledSentences(s *batch.Sample) []string {
	var parts []string
	for _, p := range s.Params {
		var d string
		switch p.Dist {
		case "uniform":
			d = fmt.Sprintf("uniformly between %s and %s", human(p.Min), human(p.Max))
		case "loguniform":
			d = fmt.Sprintf("log-uniformly between %s and %s", human(p.Min), human(p.Max))
		case "triangular":
			d = fmt.Sprintf("from %s to %s, most often near %s", human(p.Min), human(p.Max), human(p.Mode))
		case "normal":
			d = fmt.Sprintf("around %s (standard deviation %s), kept between %s and %s", human(p.Mean), human(p.SD), human(p.Min), human(p.Max))
		case "choice":
			d = "as " + joinOr(p.Choices)
		}
		parts = append(parts, fmt.Sprintf("%s (%s) varies %s", paramName(p.Name), p.Name, d))
	}
	return []string{"Uncertain conditions, sampled: " + strings.Join(parts, "; ") + "."}
}

func joinOr(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " or " + ss[len(ss)-1]
}

// spread states how far the reported results spread over a sampled
// design's points: the uncertainty the sampled conditions leave.
func (st *sensStudy) spread(ds *dataset) []string {
	var out []string
	var pts []*pointData
	for _, pd := range ds.points {
		if !pd.mp.Counterfactual {
			pts = append(pts, pd)
		}
	}
	rows := len(pts) / len(st.groups)
	for gi, g := range st.groups {
		for _, metric := range reportedMetrics {
			means := make([]float64, 0, rows)
			for _, pd := range pts[gi*rows : (gi+1)*rows] {
				r := pd.runsOf(metric)
				var sum float64
				for _, x := range r {
					sum += x
				}
				means = append(means, sum/float64(len(r)))
			}
			slices.Sort(means)
			q := func(p float64) string {
				return human(stat.Quantile(p, stat.Empirical, means, nil))
			}
			what := RunColumnLabel(metric).Name
			if g.strategy != "" {
				what += " under " + g.strategy
			}
			out = append(out, fmt.Sprintf("Over the %d sampled design points (each the mean of %d runs), %s range from %s to %s; the middle 90%% lie between %s and %s, the median is %s.",
				rows, ds.man.Replicates, what, q(0), q(1), q(0.05), q(0.95), q(0.5)))
		}
	}
	return out
}
