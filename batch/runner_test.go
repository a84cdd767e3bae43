package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trustsim/trustsim/sim"
)

// testPlan returns a plan of points × replicates short runs of the default
// initiative, the points differing in relationship share.
func testPlan(t testing.TB, points, replicates, horizon int) *Plan {
	t.Helper()
	plan := &Plan{Scenario: "test", Replicates: replicates, BaseSeed: 7, Every: 1, Swept: []string{"policy.relationship_share"}}
	for i := range points {
		p := sim.Default()
		p.Horizon = horizon
		p.Policy.RelationshipShare = 0.02 * float64(i+1)
		plan.Points = append(plan.Points, Point{
			Index:  i,
			Swept:  []Setting{{Name: "policy.relationship_share", Value: fmt.Sprint(p.Policy.RelationshipShare)}},
			Params: p,
		})
	}
	return plan
}

// recorder is a sink that keeps the results it is given and a Progress
// func that records its calls.
type recorder struct {
	mu       sync.Mutex
	results  []Result
	progress [][2]int
}

func (r *recorder) sink(res Result) error {
	r.results = append(r.results, res)
	return nil
}

func (r *recorder) onProgress(done, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, [2]int{done, total})
}

func (r *recorder) indices() []int {
	var ix []int
	for _, res := range r.results {
		ix = append(ix, res.Run.Index)
	}
	return ix
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// reference runs the plan with one worker in a fresh directory: the
// results every other way of running it must reproduce.
func reference(t *testing.T, plan *Plan) []Result {
	t.Helper()
	var rec recorder
	if err := Execute(context.Background(), t.TempDir(), plan, "fp", Options{Workers: 1}, rec.sink); err != nil {
		t.Fatalf("reference batch: %v", err)
	}
	return rec.results
}

func TestExecuteOrderAndDeterminism(t *testing.T) {
	plan := testPlan(t, 3, 5, 15)
	want := reference(t, plan)
	if got := len(want); got != plan.NumRuns() {
		t.Fatalf("reference delivered %d results, want %d", got, plan.NumRuns())
	}
	for _, workers := range []int{1, 2, 3, 8, 40} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			var rec recorder
			dir := t.TempDir()
			err := Execute(context.Background(), dir, plan, "fp", Options{Workers: workers, Progress: rec.onProgress}, rec.sink)
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.indices(); !reflect.DeepEqual(got, seq(plan.NumRuns())) {
				t.Fatalf("sink saw runs %v, want them in index order", got)
			}
			if !reflect.DeepEqual(rec.results, want) {
				t.Fatal("results differ from the one-worker batch")
			}
			for i, r := range rec.results {
				if r.Run != plan.Run(i) {
					t.Errorf("result %d is run %+v, want %+v", i, r.Run, plan.Run(i))
				}
				if len(r.Steps) != 15 {
					t.Errorf("run %d has %d steps, want 15", i, len(r.Steps))
				}
			}
			// Progress: once at the start with 0, then once per run,
			// counting up to the total.
			if len(rec.progress) != plan.NumRuns()+1 {
				t.Fatalf("progress called %d times, want %d", len(rec.progress), plan.NumRuns()+1)
			}
			for k, p := range rec.progress {
				if p != [2]int{k, plan.NumRuns()} {
					t.Fatalf("progress call %d = %v, want [%d %d]", k, p, k, plan.NumRuns())
				}
			}
			if !HasPartial(dir) {
				t.Error("checkpoints missing after the batch; the caller removes them")
			}
			if err := RemovePartial(dir); err != nil {
				t.Fatal(err)
			}
			if HasPartial(dir) {
				t.Error("RemovePartial left the checkpoints")
			}
		})
	}
}

func TestSplitWorkers(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	tests := []struct {
		workers, runs, outer, inner int
	}{
		{1, 10, 1, 1},
		{8, 100, 8, 1},
		{8, 8, 8, 1},
		{8, 5, 5, 1},
		{8, 4, 4, 2},
		{8, 3, 3, 2},
		{8, 1, 1, 8},
		{16, 5, 5, 3},
		{16, 1, 1, 16},
		{3, 0, 1, 3}, // nothing to run: one idle worker
		{0, 1, 1, procs},
		{-1, 1000, min(procs, 1000), 1},
	}
	for _, tt := range tests {
		outer, inner := splitWorkers(tt.workers, tt.runs)
		if outer != tt.outer || inner != tt.inner {
			t.Errorf("splitWorkers(%d, %d) = %d, %d; want %d, %d", tt.workers, tt.runs, outer, inner, tt.outer, tt.inner)
		}
	}
}

// bigPlan returns a plan of replicates runs of an initiative of about
// 3,000 people (the default one with larger organizations), large enough
// for a step to have work to share between goroutines.
func bigPlan(t testing.TB, replicates, horizon int) *Plan {
	t.Helper()
	p := sim.Default()
	p.Horizon = horizon
	for i := range p.Orgs {
		for r := range p.Orgs[i].Positions {
			p.Orgs[i].Positions[r] *= 25
		}
	}
	return &Plan{Scenario: "big", Replicates: replicates, BaseSeed: 11, Every: 1, Points: []Point{{Params: p}}}
}

func TestExecuteWorkersInsideRuns(t *testing.T) {
	// Record the workers each run is given inside it, and check that the
	// results are those of one worker whatever the split.
	var mu sync.Mutex
	inner := map[int]int{} // run seed -> sim.Options.Workers
	orig := runWith
	t.Cleanup(func() { runWith = orig })
	runWith = func(ctx context.Context, p sim.Params, seed uint64, opt sim.Options, sink sim.Sink) error {
		mu.Lock()
		inner[int(seed)] = opt.Workers
		mu.Unlock()
		return orig(ctx, p, seed, opt, sink)
	}

	tests := []struct {
		replicates, workers, inner int
		checkpointed               []int // runs already done when resuming
	}{
		{1, 1, 1, nil},
		{1, 2, 2, nil},
		{1, 8, 8, nil},
		{3, 8, 2, nil},
		{3, 2, 1, nil},
		{4, 4, 1, nil},
		// Resuming: only the runs still to do count.
		{4, 4, 2, []int{0, 3}},
		{4, 6, 6, []int{0, 1, 2}},
	}
	wants := map[int][]Result{}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("replicates=%d/workers=%d/checkpointed=%v", tt.replicates, tt.workers, tt.checkpointed), func(t *testing.T) {
			plan := bigPlan(t, tt.replicates, 12)
			want, ok := wants[tt.replicates]
			if !ok {
				want = reference(t, plan)
				wants[tt.replicates] = want
			}
			dir := t.TempDir()
			resume := tt.checkpointed != nil
			if resume {
				if err := os.MkdirAll(filepath.Join(dir, PartialDir), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := writeFingerprint(filepath.Join(dir, PartialDir), "fp", plan, plan.NumRuns()); err != nil {
					t.Fatal(err)
				}
				var kept []Result
				for _, i := range tt.checkpointed {
					kept = append(kept, want[i])
				}
				checkpointRuns(t, filepath.Join(dir, PartialDir), "fp", kept...)
			}
			clear(inner)
			var rec recorder
			if err := Execute(context.Background(), dir, plan, "fp", Options{Workers: tt.workers, Resume: resume}, rec.sink); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rec.results, want) {
				t.Error("results differ from the one-worker batch")
			}
			for i := range plan.NumRuns() {
				run := plan.Run(i)
				got, ran := inner[int(run.Seed)]
				if slices.Contains(tt.checkpointed, i) {
					if ran {
						t.Errorf("run %d was checkpointed but ran again", i)
					}
					continue
				}
				// A run that starts after another finished may get more
				// (TestExecuteLastRunsGetFreedWorkers).
				if !ran {
					t.Errorf("run %d did not run", i)
				} else if got < tt.inner || got > tt.workers {
					t.Errorf("run %d ran with %d workers inside it, want %d to %d", i, got, tt.inner, tt.workers)
				}
			}
		})
	}
}

func TestInnerWorkers(t *testing.T) {
	for _, tt := range []struct{ workers, unfinished, want int }{
		{1, 10, 1},
		{16, 100, 1},
		{16, 16, 1},
		{16, 8, 2},
		{16, 3, 5},
		{16, 1, 16},
		{4, 0, 4},
	} {
		if got := innerWorkers(tt.workers, tt.unfinished); got != tt.want {
			t.Errorf("innerWorkers(%d, %d) = %d, want %d", tt.workers, tt.unfinished, got, tt.want)
		}
	}
}

func TestExecuteLastRunsGetFreedWorkers(t *testing.T) {
	// Two runs on four workers start with two workers each; once the
	// first has finished, the second is offered all four at its next
	// step, and its result is still that of one worker.
	plan := bigPlan(t, 2, 12)
	want := reference(t, plan)
	first, second := plan.Run(0).Seed, plan.Run(1).Seed
	orig := runWith
	t.Cleanup(func() { runWith = orig })
	var mu sync.Mutex
	start := map[uint64]int{}
	var later int
	secondStarted, firstDone := make(chan struct{}), make(chan struct{})
	runWith = func(ctx context.Context, p sim.Params, seed uint64, opt sim.Options, sink sim.Sink) error {
		mu.Lock()
		start[seed] = opt.Workers
		mu.Unlock()
		if seed == first {
			defer close(firstDone)
			<-secondStarted // both start while both are unfinished
			return orig(ctx, p, seed, opt, sink)
		}
		close(secondStarted)
		<-firstDone
		// The first run's worker counts it finished right after runWith
		// returns: wait for that (a few milliseconds at most).
		deadline := time.Now().Add(10 * time.Second)
		for later = opt.WorkersNow(); later != 4 && time.Now().Before(deadline); later = opt.WorkersNow() {
			time.Sleep(time.Millisecond)
		}
		return orig(ctx, p, seed, opt, sink)
	}
	var rec recorder
	if err := Execute(context.Background(), t.TempDir(), plan, "fp", Options{Workers: 4}, rec.sink); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.results, want) {
		t.Error("results differ from the one-worker batch")
	}
	if start[first] != 2 || start[second] != 2 {
		t.Errorf("runs started with %d and %d workers inside, want 2 and 2", start[first], start[second])
	}
	if later != 4 {
		t.Errorf("after the first run finished, the second was offered %d workers, want 4", later)
	}
}

func TestExecuteWindowBoundsMemory(t *testing.T) {
	// While the sink holds run 0, the other runs cannot be delivered: the
	// workers may run ahead by the reorder window and no further. Count
	// the checkpoints written meanwhile (each finished run writes one).
	plan := testPlan(t, 1, 60, 3)
	const workers = 2
	window := workers * windowPerWorker
	dir := t.TempDir()
	count := func() int { return CountCheckpoints(dir) }
	sink := func(r Result) error {
		if r.Run.Index != 0 {
			return nil
		}
		deadline := time.Now().Add(10 * time.Second)
		for count() < window && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // time to (wrongly) run further ahead
		if n := count(); n != window {
			return fmt.Errorf("%d runs finished while run 0 was in the sink; want the window, %d", n, window)
		}
		return nil
	}
	if err := Execute(context.Background(), dir, plan, "fp", Options{Workers: workers}, sink); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != plan.NumRuns() {
		t.Fatalf("%d checkpoints at the end, want %d", n, plan.NumRuns())
	}
}

func TestExecuteCancelAndResume(t *testing.T) {
	plan := testPlan(t, 2, 6, 15)
	want := reference(t, plan)
	for _, workers := range []int{1, 3} {
		for _, stopAfter := range []int{1, 5, 11} {
			t.Run(fmt.Sprintf("workers=%d/stop=%d", workers, stopAfter), func(t *testing.T) {
				dir := t.TempDir()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var first recorder
				opt := Options{Workers: workers, Progress: func(done, total int) {
					if done >= stopAfter {
						cancel()
					}
				}}
				err := Execute(ctx, dir, plan, "fp", opt, first.sink)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("interrupted batch returned %v, want context.Canceled", err)
				}
				// Every finished run is checkpointed: at least the
				// stopAfter runs that Progress reported.
				done, _, err := scanCheckpoints(filepath.Join(dir, PartialDir), "fp", plan)
				if err != nil {
					t.Fatal(err)
				}
				kept := slices.Sorted(maps.Keys(done))
				if len(kept) < stopAfter {
					t.Fatalf("%d checkpoints kept (%v), want at least %d", len(kept), kept, stopAfter)
				}
				// What reached the sink is a prefix, in order.
				if got := first.indices(); !slices.Equal(got, seq(len(got))) {
					t.Fatalf("interrupted batch delivered %v, want a prefix in order", got)
				}

				// Without --resume the directory is refused.
				err = Execute(context.Background(), dir, plan, "fp", Options{Workers: workers}, first.sink)
				if !errors.Is(err, ErrUnfinished) || !strings.Contains(err.Error(), "--resume") {
					t.Fatalf("second batch without Resume returned %v, want ErrUnfinished suggesting --resume", err)
				}

				// Resume: the checkpointed runs are replayed, not
				// re-run; the output is that of an uninterrupted batch.
				var second recorder
				opt = Options{Workers: workers, Resume: true, Progress: second.onProgress}
				if err := Execute(context.Background(), dir, plan, "fp", opt, second.sink); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(second.results, want) {
					t.Fatalf("resumed batch delivered runs %v with different results from an uninterrupted batch", second.indices())
				}
				if p := second.progress[0]; p != [2]int{len(kept), plan.NumRuns()} {
					t.Errorf("first progress call of the resumed batch = %v, want [%d %d]", p, len(kept), plan.NumRuns())
				}
				if n := len(second.progress) - 1; n != plan.NumRuns()-len(kept) {
					t.Errorf("resumed batch ran %d runs, want %d (the ones not checkpointed)", n, plan.NumRuns()-len(kept))
				}
			})
		}
	}
}

// checkpointRuns writes rs to pdir as the checkpoints of batch fp, in
// the log of one worker of a new execution, and returns the log's path.
func checkpointRuns(t testing.TB, pdir, fp string, rs ...Result) string {
	t.Helper()
	_, attempt, err := logs(pdir)
	if err != nil {
		t.Fatal(err)
	}
	l := newLogWriter(pdir, attempt, 0, fp)
	for i := range rs {
		if err := l.add(&rs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.close(); err != nil {
		t.Fatal(err)
	}
	return l.path
}

func TestExecuteResumeSkipsCheckpointed(t *testing.T) {
	// A checkpoint is what the resumed batch delivers, whatever it holds:
	// doctor one and check it comes back instead of a fresh run. A
	// damaged record and a torn last record count as missing: their runs
	// are run again.
	plan := testPlan(t, 1, 6, 10)
	dir := t.TempDir()
	var first recorder
	if err := Execute(context.Background(), dir, plan, "fp", Options{Workers: 2}, first.sink); err != nil {
		t.Fatal(err)
	}
	pdir := filepath.Join(dir, PartialDir)
	paths, _, err := logs(pdir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	doctored := first.results[2]
	doctored.Steps = doctored.Steps[:3]
	rs := first.results
	log := checkpointRuns(t, pdir, "fp", rs[0], rs[1], doctored, rs[3], rs[4])
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	// Damage run 1's record (the second): flip a byte of its payload.
	var offsets []int
	if err := readLog(log, func(_ int, rec record) error { offsets = append(offsets, int(rec.offset)); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(offsets) != 5 {
		t.Fatalf("log has %d records, want 5", len(offsets))
	}
	data[offsets[1]+10] ^= 0xff
	// Tear the last record (run 4) as a crash in the middle of its write
	// would.
	data = data[:len(data)-7]
	if err := os.WriteFile(log, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// Another program's file in the directory is left alone.
	other := filepath.Join(pdir, "notes.txt")
	if err := os.WriteFile(other, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := CountCheckpoints(dir); n != 3 {
		t.Errorf("CountCheckpoints = %d, want 3 (runs 0, 2 and 3)", n)
	}

	var second recorder
	opt := Options{Workers: 2, Resume: true, Progress: second.onProgress}
	if err := Execute(context.Background(), dir, plan, "fp", opt, second.sink); err != nil {
		t.Fatal(err)
	}
	if got := len(second.results[2].Steps); got != 3 {
		t.Errorf("run 2 has %d steps, want the 3 of its checkpoint (it was re-run)", got)
	}
	for _, i := range []int{1, 4, 5} {
		if !reflect.DeepEqual(second.results[i], first.results[i]) {
			t.Errorf("run %d, whose checkpoint was damaged, torn or missing, was not re-run to the same result", i)
		}
	}
	if want := [][2]int{{3, 6}, {4, 6}, {5, 6}, {6, 6}}; !reflect.DeepEqual(second.progress, want) {
		t.Errorf("progress = %v, want %v (runs 1, 4 and 5 re-run)", second.progress, want)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file in %s: %v", pdir, err)
	}
	// The resumed execution wrote new logs beside the old one.
	if paths, next, _ := logs(pdir); next != 2 || len(paths) < 2 {
		t.Errorf("after the resume: logs %v, next attempt %d; want the old log and new ones of attempt 1", paths, next)
	}
}

func TestExecuteFingerprintMismatch(t *testing.T) {
	plan := testPlan(t, 1, 2, 5)
	dir := t.TempDir()
	if err := Execute(context.Background(), dir, plan, "aaaaaaaaaaaaaaaa", Options{}, func(Result) error { return nil }); err != nil {
		t.Fatal(err)
	}
	err := Execute(context.Background(), dir, plan, "bbbbbbbbbbbbbbbb", Options{Resume: true}, func(Result) error {
		t.Error("sink called for a batch of another fingerprint")
		return nil
	})
	if !errors.Is(err, ErrOtherBatch) {
		t.Fatalf("got %v, want ErrOtherBatch", err)
	}
	for _, want := range []string{dir, `"test"`, "2 of 2 runs", "aaaaaaaaaaaa", "bbbbbbbbbbbb"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestExecuteWithoutCheckpointsStartsAfresh(t *testing.T) {
	// A batch that stopped before any run finished left a fingerprint
	// and nothing worth keeping: any batch may start there, resuming or
	// not.
	plan := testPlan(t, 1, 2, 5)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Execute(ctx, dir, plan, "old", Options{}, func(Result) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled batch returned %v", err)
	}
	if n := CountCheckpoints(dir); n != 0 {
		t.Fatalf("%d checkpoints after a batch cancelled before it started", n)
	}
	for _, resume := range []bool{false, true} {
		var rec recorder
		if err := Execute(context.Background(), dir, plan, "new", Options{Resume: resume}, rec.sink); err != nil {
			t.Fatalf("resume=%v: %v", resume, err)
		}
		if len(rec.results) != 2 {
			t.Fatalf("resume=%v: %d results, want 2", resume, len(rec.results))
		}
		if err := RemovePartial(dir); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExecuteErrors(t *testing.T) {
	plan := testPlan(t, 1, 6, 5)
	t.Run("sink", func(t *testing.T) {
		boom := errors.New("disk full")
		err := Execute(context.Background(), t.TempDir(), plan, "fp", Options{Workers: 3}, func(r Result) error {
			if r.Run.Index == 2 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "run 2") {
			t.Fatalf("got %v, want the sink's error naming run 2", err)
		}
	})
	t.Run("model", func(t *testing.T) {
		bad := testPlan(t, 2, 2, 5)
		bad.Points[1].Params.Trust.Decay = -1
		err := Execute(context.Background(), t.TempDir(), bad, "fp", Options{Workers: 2}, func(Result) error { return nil })
		// Runs 2 and 3 (point 1) are both invalid and two workers race to
		// report first; either name is right.
		if err == nil || !strings.Contains(err.Error(), "run 2") && !strings.Contains(err.Error(), "run 3") {
			t.Fatalf("got %v, want an error naming run 2 or run 3", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		empty := &Plan{Scenario: "empty", Replicates: 1}
		var rec recorder
		if err := Execute(context.Background(), t.TempDir(), empty, "fp", Options{Progress: rec.onProgress}, rec.sink); err != nil {
			t.Fatal(err)
		}
		if len(rec.results) != 0 || !reflect.DeepEqual(rec.progress, [][2]int{{0, 0}}) {
			t.Fatalf("empty plan: results %v, progress %v", rec.results, rec.progress)
		}
	})
}

// TestExecutePrepared checks the two-stage form: every run is prepared
// exactly once, on the workers (several at once when there are several
// workers), and sink receives the prepared values in run order, the
// replayed runs of a resumed batch included; an error from prepare stops
// the batch and names the run.
func TestExecutePrepared(t *testing.T) {
	plan := testPlan(t, 2, 5, 8)
	want := reference(t, plan)
	type tagged struct {
		index int
		final float64
	}
	prepare := func(calls *sync.Map, inFlight, most *atomic.Int64) func(Result) (tagged, error) {
		// Until two calls have overlapped, a call waits for another to
		// start, up to 3 s in all: workers that prepare at once are seen
		// to overlap however the scheduler runs them, and workers that
		// take turns never are.
		deadline := time.Now().Add(3 * time.Second)
		return func(r Result) (tagged, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			if _, dup := calls.LoadOrStore(r.Run.Index, true); dup {
				t.Errorf("run %d prepared twice", r.Run.Index)
			}
			for most.Load() < 2 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Microsecond)
			}
			return tagged{r.Run.Index, r.Steps[len(r.Steps)-1].CumulativeResults}, nil
		}
	}
	check := func(t *testing.T, got []tagged) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("sink got %d values, want %d", len(got), len(want))
		}
		for i, g := range got {
			if g != (tagged{i, want[i].Steps[len(want[i].Steps)-1].CumulativeResults}) {
				t.Fatalf("value %d = %+v, want run %d's", i, g, i)
			}
		}
	}

	t.Run("order", func(t *testing.T) {
		var calls sync.Map
		var inFlight, most atomic.Int64
		var got []tagged
		err := ExecutePrepared(context.Background(), t.TempDir(), plan, "fp", Options{Workers: 4},
			prepare(&calls, &inFlight, &most), func(v tagged) error { got = append(got, v); return nil })
		if err != nil {
			t.Fatal(err)
		}
		check(t, got)
		if most.Load() < 2 {
			t.Errorf("at most %d prepare calls at once with 4 workers, want them to overlap", most.Load())
		}
	})

	t.Run("resume", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		opt := Options{Workers: 2, Progress: func(done, total int) {
			if done >= 4 {
				cancel()
			}
		}}
		if err := Execute(ctx, dir, plan, "fp", opt, func(Result) error { return nil }); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted batch returned %v", err)
		}
		var calls sync.Map
		var inFlight, most atomic.Int64
		var got []tagged
		err := ExecutePrepared(context.Background(), dir, plan, "fp", Options{Workers: 2, Resume: true},
			prepare(&calls, &inFlight, &most), func(v tagged) error { got = append(got, v); return nil })
		if err != nil {
			t.Fatal(err)
		}
		check(t, got)
	})

	t.Run("error", func(t *testing.T) {
		boom := errors.New("cannot format")
		err := ExecutePrepared(context.Background(), t.TempDir(), plan, "fp", Options{Workers: 3},
			func(r Result) (int, error) {
				if r.Run.Index == 6 {
					return 0, boom
				}
				return r.Run.Index, nil
			}, func(int) error { return nil })
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "run 6") {
			t.Fatalf("got %v, want prepare's error naming run 6", err)
		}
	})
}

func TestFingerprint(t *testing.T) {
	tests := []struct {
		a, b []string
		same bool
	}{
		{[]string{"x"}, []string{"x"}, true},
		{[]string{"ab", "c"}, []string{"a", "bc"}, false},
		{[]string{"a", ""}, []string{"a"}, false},
		{[]string{"seed=1"}, []string{"seed=2"}, false},
	}
	for _, tt := range tests {
		if got := Fingerprint(tt.a...) == Fingerprint(tt.b...); got != tt.same {
			t.Errorf("Fingerprint(%q) == Fingerprint(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

// BenchmarkExecute times a batch of five-year runs of the default
// initiative (4 design points) on runtime.GOMAXPROCS(0) workers with a
// sink that does nothing: the runner, the model and the checkpoints, not
// the output files. The batch has 48 runs per worker, so that
//
//	go test ./batch -run '^$' -bench Execute -cpu 1,2,4,8,16 -benchtime 3x
//
// gives the batch's scaling table in runs/s without the last round of
// runs, when some workers have nothing left to do, weighing more with more
// workers.
//
// It loops over b.N rather than b.Loop: the testing package runs a b.Loop
// benchmark once only, before it sets GOMAXPROCS for the first value of
// -cpu, which then runs with the last value instead (golang/go#49980).
// With b.N and a -benchtime other than 1x, every -cpu value is measured
// at its own GOMAXPROCS.
func BenchmarkExecute(b *testing.B) {
	workers := runtime.GOMAXPROCS(0)
	plan := testPlan(b, 4, 12*workers, 260)
	opt := Options{Workers: workers}
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		if err := Execute(context.Background(), dir, plan, "fp", opt, func(Result) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(plan.NumRuns()*b.N)/b.Elapsed().Seconds(), "runs/s")
}

func ExampleExecute() {
	p := sim.Default()
	p.Horizon = 4
	plan := &Plan{Scenario: "example", Replicates: 3, BaseSeed: 1, Every: 1, Points: []Point{{Params: p}}}
	dir, err := os.MkdirTemp("", "batch-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	fp := Fingerprint("example scenario text", "seed=1")
	err = Execute(context.Background(), dir, plan, fp, Options{Workers: 2}, func(r Result) error {
		fmt.Printf("run %d: point %d, replicate %d, %d steps\n", r.Run.Index, r.Run.Point, r.Run.Replicate, len(r.Steps))
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The caller publishes its files, then drops the checkpoints.
	if err := RemovePartial(dir); err != nil {
		fmt.Println(err)
	}
	// Output:
	// run 0: point 0, replicate 0, 4 steps
	// run 1: point 0, replicate 1, 4 steps
	// run 2: point 0, replicate 2, 4 steps
}

func TestLogNames(t *testing.T) {
	for _, tt := range []struct {
		name    string
		attempt int
		ok      bool
	}{
		{"runs-0-0.log", 0, true},
		{"runs-12-3.log", 12, true},
		{logName(4, 15), 4, true},
		{"runs-01-0.log", 0, false},
		{"runs-1.log", 0, false},
		{"runs--1-0.log", 0, false},
		{"runs-1-0.log.tmp", 0, false},
		{"run-3.bin", 0, false},
		{"fingerprint", 0, false},
	} {
		a, ok := parseLogName(tt.name)
		if ok != tt.ok || ok && a != tt.attempt {
			t.Errorf("parseLogName(%q) = %d, %v; want %d, %v", tt.name, a, ok, tt.attempt, tt.ok)
		}
	}
}

// FuzzReadLog feeds arbitrary bytes to the checkpoint log parser: it must
// not panic, and every record it reports lies inside the file, after the
// one before.
func FuzzReadLog(f *testing.F) {
	dir := f.TempDir()
	r := Result{Run: Run{Index: 3, Seed: 9}, Steps: []sim.Metrics{{Step: 0, MeanTrust: 0.5}}}
	good := checkpointRuns(f, dir, "fp", r, r)
	data, err := os.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)-1])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		end := int64(0)
		err := scanRecords(data, "log", func(index int, rec record) error {
			if rec.offset < end+recordHeader || rec.offset+int64(rec.length) > int64(len(data)) || index < 0 {
				t.Fatalf("record %+v (run %d) outside the file of %d bytes or before the end of the last, %d", rec, index, len(data), end)
			}
			end = rec.offset + int64(rec.length)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeCheckpoint feeds arbitrary payloads to the checkpoint decoder:
// it must not panic, and whatever it accepts must encode back to the same
// bytes.
func FuzzDecodeCheckpoint(f *testing.F) {
	want := Run{Index: 3, Point: 1, Replicate: 2, Seed: 99}
	r := Result{Run: want, Steps: []sim.Metrics{{Step: 0, MeanTrust: 0.5, Ties: 4}, {Step: 1, Results: 2}}}
	good := appendCheckpoint(nil, "fp", &r)
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		got, err := decodeCheckpoint(payload, "fp", want)
		if err != nil {
			return
		}
		if again := appendCheckpoint(nil, "fp", &got); !bytes.Equal(again, payload) {
			t.Fatalf("decoded %+v, which encodes to %x, not %x", got, again, payload)
		}
	})
}
