package output

import (
	"fmt"
	"slices"
	"strings"
)

// The plots a scenario asks for with [[plot]] entries (batch.PlotRequest),
// drawn after the standard ones (docs/OUTPUTS.md, "Requested plots").

// sweepHint and eventHint end the reason a plot that needs a sweep or an
// event is not drawn: the scenario had what the plot needs when it was
// checked, so an override must have taken it away.
const (
	sweepHint = " (a --set override of a swept parameter replaces its sweep by that one value)"
	eventHint = " (a --set override of horizon can move events out of the run)"
)

// measure is the value of each design point that a response curve, a
// heatmap or a strategy ranking plots: a summary over the replicates of
// one number per run.
type measure struct {
	metric string
	// standard is true for the measure of the standard plots, cumulative
	// results, whose wording ("best") the plots keep.
	standard bool
	// phrase names the per-run value in a sentence, title the same at
	// the start of a title, label the same with its unit for an axis.
	phrase, title, label string
	// caption describes the plotted value in a caption, given the
	// horizon text ("after 260 weeks").
	caption func(horizon string) string
	// when says which value of the run is meant, for a subtitle that
	// continues "mean ... over 3 replicates".
	when func(horizon string) string
	stat func(*pointData) summary
}

// cumulativeMeasure is what the standard response curve, heatmap and
// comparison show: cumulative results at the horizon.
var cumulativeMeasure = measure{
	metric: "cumulative_results", standard: true,
	phrase: "total results", title: "Total results", label: MetricLabel("cumulative_results").String(),
	caption: func(h string) string { return "Total results " + h },
	when:    func(h string) string { return h },
	stat:    func(pd *pointData) summary { return pd.cum },
}

// metricMeasure is the per-run value of metric that requested response,
// heatmap and strategies plots show: the run's total for a summed
// metric (departures, partnership_resets), the value at the run's last
// week for every other one; cumulative_results is the standard measure.
func metricMeasure(metric string) measure {
	if metric == cumulativeMeasure.metric {
		return cumulativeMeasure
	}
	stat := func(pd *pointData) summary { return pd.runValue(metric) }
	if slices.Contains(summedMetrics, metric) {
		l := RunColumnLabel(metric)
		return measure{
			metric: metric,
			phrase: l.Name, title: capitalize(l.Name), label: l.String(),
			caption: func(h string) string {
				return fmt.Sprintf("the mean over replicates of the %s summed over all weeks of a run (%s), %s", MetricLabel(metric).Name, l.Unit, h)
			},
			when: func(string) string { return "of the run's total" },
			stat: stat,
		}
	}
	l := MetricLabel(metric)
	return measure{
		metric: metric,
		phrase: "final " + l.Name, title: "Final " + l.Name,
		label: "final " + l.String(),
		caption: func(h string) string {
			return fmt.Sprintf("the mean over replicates of the %s in the last week of a run (%s), %s", l.Name, l.Unit, h)
		},
		when: func(string) string { return "in the last week" },
		stat: stat,
	}
}

// capitalize returns s with its first letter in upper case, for a title.
func capitalize(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// kindNoun names a kind of plot in a sentence.
func kindNoun(kind string) string {
	switch kind {
	case "timeseries":
		return "a time series"
	case "response":
		return "a response curve"
	case "heatmap":
		return "a heatmap"
	case "strategies":
		return "a strategy comparison"
	case "event":
		return "an event plot"
	}
	return "a " + kind + " plot"
}

// requested returns the figures of a requested plot, or the reason it
// cannot be drawn. A request that a standard plot already shows (its
// figures are in drawn, or see event and the strategies case) returns
// neither: it is not drawn twice.
func (v *view) requested(r manifestPlot, drawn map[string]bool) ([]*figure, string) {
	m := metricMeasure(r.Metric)
	switch r.Kind {
	case "timeseries":
		name := "timeseries_" + r.Metric
		if drawn[name] {
			return nil, ""
		}
		l := MetricLabel(r.Metric)
		return []*figure{v.timeseries(name, r.Metric, capitalize(l.Name)+" over time", l.String(),
			fmt.Sprintf("Weekly values of the %s (%s) for each %s: the line is the mean over replicates, the shaded band its 95%% confidence interval.",
				l.Name, l.Unit, v.pointWord()))}, ""
	case "response":
		f, why := v.response(m)
		if f == nil {
			return nil, why
		}
		return []*figure{f}, ""
	case "heatmap":
		return v.heatmaps(m)
	case "strategies":
		has := false
		for _, pd := range v.ds.points {
			has = has || pd.mp.Strategy != ""
		}
		if !has {
			return nil, "it needs strategies, and this batch has none"
		}
		if m.standard && drawn["comparison"] {
			return nil, ""
		}
		return []*figure{v.ranking(m)}, ""
	case "event":
		f, why := v.event(m, drawn)
		if f == nil {
			return nil, why
		}
		return []*figure{f}, ""
	}
	return nil, "there is no such kind of plot"
}
