package batch

import (
	"context"
	"testing"
	"time"
)

// shardBenchResults runs the 40 five-year runs of a 4-point plan once, for
// the archive benchmarks.
func shardBenchResults(b *testing.B) (*Plan, []Result) {
	plan := testPlan(b, 4, 10, 260)
	var results []Result
	err := Execute(context.Background(), b.TempDir(), plan, "fp", Options{Workers: 2}, func(r Result) error {
		results = append(results, r)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return plan, results
}

// BenchmarkShardArchive measures writing a shard's archive, 40 runs of 260
// weekly steps: "all" is ShardWriter.Add (encoding, compressing and
// writing each run); "ordered" is what ExecuteShard's ordered sink does
// per run once the workers have encoded and compressed it. A shard's
// batch cannot finish runs faster than "ordered" takes them.
func BenchmarkShardArchive(b *testing.B) {
	plan, results := shardBenchResults(b)
	s := Shard{Index: 0, Count: 1}
	for _, ordered := range []bool{false, true} {
		name := "all"
		if ordered {
			name = "ordered"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				w, err := CreateShard(b.TempDir(), plan, ShardManifest{Fingerprint: "fp", ShardIndex: s.Index, ShardCount: s.Count})
				if err != nil {
					b.Fatal(err)
				}
				var runs []ShardRun
				if ordered {
					for _, r := range results {
						sr, err := w.Prepare(r)
						if err != nil {
							b.Fatal(err)
						}
						runs = append(runs, sr)
					}
				}
				b.StartTimer()
				for i, r := range results {
					if ordered {
						err = w.AddPrepared(runs[i])
					} else {
						err = w.Add(r)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(time.Unix(0, 0)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(results))/b.Elapsed().Seconds(), "runs/s")
		})
	}
}
