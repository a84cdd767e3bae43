package output

import (
	"bytes"
	"testing"
)

// FuzzLoadDataset feeds arbitrary runs.csv and aggregate.csv to the
// reader Redraw uses: it must return an error or a consistent dataset,
// never panic or allocate without bound.
func FuzzLoadDataset(f *testing.F) {
	plan := single.plan(f)
	plan.Points[0].Params.Horizon = 2
	plan.Replicates = 2
	m := newManifest(plan, Meta{})
	man, err := encodeManifest(&m)
	if err != nil {
		f.Fatal(err)
	}
	runs := "run,point,strategy,replicate,seed,cumulative_results,final_mean_trust,final_cross_org_trust,mean_active_partnerships,departures,partnership_resets,leave_step,recovery_weeks\n" +
		"0,0,,0,1,10,0.5,0.4,1,0,0,,\n1,0,,1,2,12,0.5,0.4,1,1,1,,\n"
	agg := "point,strategy,step,metric,n,mean,sd,ci95_low,ci95_high\n"
	for _, step := range []string{"0", "1"} {
		for _, metric := range plotMetrics {
			agg += "0,," + step + "," + metric + ",2,1,0.5,0.2,1.8\n"
		}
	}
	f.Add([]byte(runs), []byte(agg))
	f.Add([]byte(runs), []byte("point,strategy,step,metric,n,mean,sd,ci95_low,ci95_high\n0,,99999999999,results,2,1,,,\n"))
	f.Add([]byte(runs[:40]), []byte(agg[:70]))
	f.Add([]byte("run\n\"unterminated"), []byte{})
	parsed, params, err := parseManifest(man)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, runs, agg []byte) {
		ds := newDataset(parsed, params)
		if err := ds.read(bytes.NewReader(runs), bytes.NewReader(agg)); err != nil {
			return
		}
		for _, pd := range ds.points {
			if len(pd.cumRuns) != ds.man.Replicates {
				t.Fatalf("point %d has %d runs, want %d", pd.mp.Index, len(pd.cumRuns), ds.man.Replicates)
			}
			for _, m := range plotMetrics {
				if len(pd.series[m]) != pd.params.Horizon {
					t.Fatalf("point %d %s has %d steps, want %d", pd.mp.Index, m, len(pd.series[m]), pd.params.Horizon)
				}
			}
		}
	})
}
