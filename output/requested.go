package output

import (
	"fmt"
	"slices"
)

// The plots a scenario asks for with [[plot]] entries (batch.PlotRequest),
// drawn after the standard ones (docs/OUTPUTS.md, "Requested plots").

// metricUnits are the units of the metrics, as docs/OUTPUTS.md lists
// them (a test keeps the two in step).
var metricUnits = map[string]string{
	"results":              "effective service hours/week",
	"cumulative_results":   "effective service hours",
	"mean_trust":           "trust, 0–1",
	"cross_org_trust":      "trust, 0–1",
	"funder_trust":         "trust, 0–1",
	"ties":                 "ties",
	"cross_org_ties":       "ties",
	"active_partnerships":  "organization pairs",
	"partnership_strength": "strength, 0–1",
	"arrangements_active":  "arrangements",
	"departures":           "people/week",
	"vacancies":            "positions",
	"partnership_resets":   "partnerships/week",
	"mean_alignment":       "alignment, 0–1",
	"community_engagement": "index, 0–1",
}

// totalUnits are the units of a summed metric's total over a run.
var totalUnits = map[string]string{
	"departures":         "people",
	"partnership_resets": "partnerships",
}

// sweepHint and eventHint end the reason a plot that needs a sweep or an
// event is not drawn: the scenario had what the plot needs when it was
// checked, so an override must have taken it away.
const (
	sweepHint = " (a --set override of a swept parameter replaces its sweep by that one value)"
	eventHint = " (a --set override of horizon can move events out of the run)"
)

// metricLabel is a metric's name with its unit, for an axis.
func metricLabel(metric string) string {
	return metric + " (" + metricUnits[metric] + ")"
}

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
	phrase: "total results", title: "Cumulative results", label: cumulativeLabel,
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
		return measure{
			metric: metric,
			phrase: "total " + metric + " per run", title: "Total " + metric + " per run",
			label: "total " + metric + " per run (" + totalUnits[metric] + ")",
			caption: func(h string) string {
				return fmt.Sprintf("the mean over replicates of %s summed over all weeks of a run (%s), %s", metric, totalUnits[metric], h)
			},
			when: func(string) string { return "of the run's total" },
			stat: stat,
		}
	}
	return measure{
		metric: metric,
		phrase: "final " + metric, title: "Final " + metric,
		label: "final " + metric + " (" + metricUnits[metric] + ")",
		caption: func(h string) string {
			return fmt.Sprintf("the mean over replicates of %s in the last week of a run (%s), %s", metric, metricUnits[metric], h)
		},
		when: func(string) string { return "in the last week" },
		stat: stat,
	}
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
		return []*figure{v.timeseries(name, r.Metric, r.Metric+" over time", metricLabel(r.Metric),
			fmt.Sprintf("Weekly values of %s (%s) for each %s: the line is the mean over replicates, the shaded band its 95%% confidence interval.",
				r.Metric, metricUnits[r.Metric], v.pointWord()))}, ""
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
