package output

import (
	"fmt"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// BenchmarkAdd measures the streaming part of a batch's outputs: writing
// runs.csv, timeseries.csv and the aggregates of five years of weekly
// steps (or their Parquet versions), without drawing (Close is not
// called). "all" is Add: formatting
// and writing, as merging shards does; "ordered" is AddRows alone, the
// rows formatted beforehand: the part that a batch does one run at a
// time, while the formatting is spread over its workers
// (batch.ExecutePrepared). A batch cannot finish runs faster than
// "ordered" takes them.
func BenchmarkAdd(b *testing.B) {
	p := sim.Default()
	p.Horizon = 260
	plan := &batch.Plan{Scenario: "bench", Points: []batch.Point{{Params: p}, {Index: 1, Params: p}}, Replicates: 10, Every: 1}
	results := make([]batch.Result, plan.NumRuns())
	for i := range results {
		results[i] = batchResult(plan, i)
	}
	for _, c := range []struct {
		format  Format
		ordered bool
	}{{FormatCSV, false}, {FormatCSV, true}, {FormatParquet, false}, {FormatParquet, true}} {
		ordered := c.ordered
		name := string(c.format) + "/all"
		if ordered {
			name = string(c.format) + "/ordered"
		}
		b.Run(name, func(b *testing.B) {
			var rows []*Rows
			for b.Loop() {
				b.StopTimer()
				w, err := Create(b.TempDir(), plan, Meta{Format: c.format})
				if err != nil {
					b.Fatal(err)
				}
				if ordered {
					rows = rows[:0]
					for _, r := range results {
						rr, err := w.Format(r)
						if err != nil {
							b.Fatal(err)
						}
						rows = append(rows, rr)
					}
				}
				b.StartTimer()
				for i, r := range results {
					if ordered {
						err = w.AddRows(rows[i])
					} else {
						err = w.Add(r)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				if err := w.Abort(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.N*plan.NumRuns()*p.Horizon)/b.Elapsed().Seconds(), "run-steps/s")
		})
	}
}

// BenchmarkManifestParams measures rebuilding a design point's parameters
// from manifest.json, which Close and Redraw do for every point, at the
// size of deploy/scaling/million.toml (6,402 organizations: 6,000
// nonprofits alike, 400 funders alike, a backbone and a community) and
// with as many organizations that each have values of their own. Setting
// the parameters one by one with sim.Params.Set took time that grew with
// the square of the organizations (over a minute at 962);
// TestManifestParamsLinearInOrganizations guards against that coming
// back.
func BenchmarkManifestParams(b *testing.B) {
	city := sim.Default()
	city.Orgs = nil
	bb := sim.DefaultOrg("backbone", sim.Backbone)
	bb.Positions = [sim.NumRoles]int{1, 19, 0, 0}
	city.Orgs = append(city.Orgs, bb)
	for k := 1; k <= 400; k++ {
		f := sim.DefaultOrg(fmt.Sprintf("funder_%d", k), sim.Funder)
		f.Positions = [sim.NumRoles]int{1, 9, 0, 0}
		city.Orgs = append(city.Orgs, f)
	}
	for k := 1; k <= 6000; k++ {
		o := sim.DefaultOrg(fmt.Sprintf("nonprofit_%d", k), sim.Nonprofit)
		o.Positions = [sim.NumRoles]int{1, 60, 39, 0}
		city.Orgs = append(city.Orgs, o)
	}
	c := sim.DefaultOrg("community", sim.Community)
	c.Positions = [sim.NumRoles]int{0, 0, 0, 400_000}
	city.Orgs = append(city.Orgs, c)

	for _, bc := range []struct {
		name string
		p    sim.Params
	}{
		{"million", city},
		{"distinct", initiative(len(city.Orgs), true)},
	} {
		b.Run(fmt.Sprintf("%s/orgs=%d", bc.name, len(bc.p.Orgs)), func(b *testing.B) {
			mp := newManifestPoint(&batch.Point{Params: bc.p})
			for b.Loop() {
				if _, err := mp.simParams(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
