package batch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/trustsim/trustsim/sim"
)

// Options control Execute.
type Options struct {
	// Workers is the number of goroutines doing the batch's runs; 0 or
	// less means runtime.GOMAXPROCS(0). With W workers and R runs to do
	// (those not already checkpointed), min(W, R) runs execute at once and
	// each gets max(1, W/min(W, U)) workers inside the run, U being the
	// runs not yet finished, asked again before every step
	// (sim.Options.WorkersNow): a batch of many runs runs W of them at
	// once, one goroutine each, a single big run gets all W, and the last
	// runs of a batch get the workers the finished ones leave. The number
	// of workers never changes a result.
	Workers int
	// Resume replays the runs already checkpointed in the output
	// directory instead of refusing to start.
	Resume bool
	// Progress, if not nil, is called once before any run starts with the
	// number of runs already checkpointed (0 unless resuming), then each
	// time a run finishes. Calls never overlap.
	Progress func(done, total int)
}

// windowPerWorker sets the reorder window: at most windowPerWorker finished
// runs per run executing at once wait for an earlier, slower one before reaching the sink.
// A few per worker absorbs the spread of run times without letting memory
// grow with the size of the batch.
const windowPerWorker = 4

// Execute runs every run of plan on opt.Workers goroutines (several runs
// at once, and several goroutines inside each run when there are fewer
// runs than workers; see Options.Workers) and hands the results to sink in
// run-index order, so what sink sees never depends on scheduling. sink is
// never called concurrently.
//
// Each finished run is first checkpointed under dir/.partial (created if
// needed, with fingerprint recorded), so nothing finished is lost: if ctx is
// cancelled, Execute starts no new run, lets running ones stop, keeps every
// checkpoint and returns ctx.Err(). With opt.Resume, runs checkpointed by an
// earlier call with the same fingerprint are not run again but read back
// and passed to sink in their place. Without it, an existing checkpoint
// directory is an error wrapping ErrUnfinished; with it, a checkpoint
// directory of a different fingerprint is an error wrapping ErrOtherBatch.
//
// At most a few results per run executing at once are held in memory,
// however many runs the plan has: a worker that gets too far ahead of the
// oldest unfinished run waits. After sink has accepted every result and the
// caller has published its output, RemovePartial deletes the checkpoints.
func Execute(ctx context.Context, dir string, plan *Plan, fingerprint string, opt Options, sink func(Result) error) error {
	return execute(ctx, dir, plan, 0, plan.NumRuns(), fingerprint, opt, same, sink)
}

// ExecutePrepared is Execute with the work on each result split in two:
// prepare is called in the goroutine that ran the run, as soon as it is
// checkpointed, concurrently with other runs and with sink, and what it
// returns is handed to sink in run-index order. Work that needs only the
// run itself (formatting its output rows) belongs in prepare, so that it
// is spread over the workers; sink, which sees one run at a time, keeps
// only what needs the order. Otherwise Execute's description holds: a
// replayed run (Options.Resume) is prepared just before it is delivered,
// and an error from prepare stops the batch as an error from sink does.
func ExecutePrepared[T any](ctx context.Context, dir string, plan *Plan, fingerprint string, opt Options,
	prepare func(Result) (T, error), sink func(T) error) error {
	return execute(ctx, dir, plan, 0, plan.NumRuns(), fingerprint, opt, prepare, sink)
}

// same is the prepare function of Execute: the result as it is.
func same(r Result) (Result, error) { return r, nil }

// prepared is a run's prepared result on its way to the sink.
type prepared[T any] struct {
	index int
	value T
}

// execute is ExecutePrepared for the runs first to end-1 of plan only
// (ExecuteShard runs a block of a plan this way); progress counts those
// runs alone.
func execute[T any](ctx context.Context, dir string, plan *Plan, first, end int, fingerprint string, opt Options,
	prepare func(Result) (T, error), sink func(T) error) error {
	if err := CheckPartial(dir, fingerprint, opt.Resume); err != nil {
		return err
	}
	pdir := filepath.Join(dir, PartialDir)
	if err := os.MkdirAll(pdir, 0o755); err != nil {
		return fmt.Errorf("create checkpoint directory: %w", err)
	}
	if err := writeFingerprint(pdir, fingerprint, plan, end-first); err != nil {
		return err
	}
	done, attempt, err := scanCheckpoints(pdir, fingerprint, plan)
	if err != nil {
		return err
	}
	total := end - first
	var todo []int
	for i := first; i < end; i++ {
		if _, ok := done[i]; !ok {
			todo = append(todo, i)
		}
	}
	finished := total - len(todo)
	progress := func() {
		if opt.Progress != nil {
			opt.Progress(finished, total)
		}
	}
	progress()

	all := workerCount(opt.Workers)
	workers, _ := splitWorkers(all, len(todo))
	window := workers * windowPerWorker
	// Workers left over by runs at once serve inside the runs, and more
	// of them as runs finish (innerWorkers): each run asks before each
	// step.
	var unfinished atomic.Int64
	unfinished.Store(int64(len(todo)))
	workersNow := func() int { return innerWorkers(all, int(unfinished.Load())) }

	g, gctx := errgroup.WithContext(ctx)
	jobs := make(chan int)
	// results has room for every run the window admits, so a worker never
	// blocks on sending and the feeder is the only one that waits.
	results := make(chan prepared[T], window)
	// slots bounds the runs dispatched but not yet passed to sink: the
	// feeder takes a slot per run, the sink loop returns it.
	slots := make(chan struct{}, window)

	g.Go(func() error { // feeder
		defer close(jobs)
		for _, i := range todo {
			// select picks at random among ready cases: check first,
			// so no run starts once ctx is done.
			if gctx.Err() != nil {
				return nil
			}
			select {
			case slots <- struct{}{}:
			case <-gctx.Done():
				return nil
			}
			select {
			case jobs <- i:
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		g.Go(func() (err error) {
			defer wg.Done()
			ckpt := newLogWriter(pdir, attempt, w, fingerprint)
			defer func() {
				if cerr := ckpt.close(); err == nil && cerr != nil {
					err = fmt.Errorf("checkpoints: %w", cerr)
				}
			}()
			for i := range jobs {
				r, err := runOne(gctx, plan, i, workersNow)
				unfinished.Add(-1)
				if err != nil {
					return err
				}
				// A finished run is checkpointed even when ctx has
				// been cancelled meanwhile: that is what resume needs.
				if err := ckpt.add(r); err != nil {
					return err
				}
				v, err := prepare(*r)
				if err != nil {
					return fmt.Errorf("run %d: %w", i, err)
				}
				results <- prepared[T]{i, v}
			}
			return nil
		})
	}
	go func() { wg.Wait(); close(results) }()

	g.Go(func() error { // reorder and deliver
		pending := make(map[int]T, window)
		for next := first; next < end; {
			if rec, ok := done[next]; ok {
				r, err := readCheckpoint(rec, fingerprint, plan.Run(next))
				if err != nil {
					return fmt.Errorf("replay: %w", err)
				}
				v, err := prepare(r)
				if err != nil {
					return fmt.Errorf("run %d: %w", next, err)
				}
				if err := deliver(sink, next, v); err != nil {
					return err
				}
				next++
				continue
			}
			if v, ok := pending[next]; ok {
				delete(pending, next)
				if err := deliver(sink, next, v); err != nil {
					return err
				}
				<-slots
				next++
				continue
			}
			select {
			case p, ok := <-results:
				if !ok {
					// Workers stopped early: another goroutine has
					// already failed or ctx was cancelled.
					return gctx.Err()
				}
				pending[p.index] = p.value
				finished++
				progress()
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})

	err = g.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// splitWorkers divides workers goroutines (0 or less: GOMAXPROCS) between
// runs and the inside of runs, for a batch with runs runs still to do. It
// returns how many runs execute at once, min(workers, runs) but at least
// one, and how many workers each of them gets inside it, at least one.
func splitWorkers(workers, runs int) (outer, inner int) {
	workers = workerCount(workers)
	outer = max(1, min(workers, runs))
	return outer, innerWorkers(workers, runs)
}

// workerCount is Options.Workers with its default: n, or
// runtime.GOMAXPROCS(0) for n ≤ 0.
func workerCount(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// innerWorkers is the number of workers inside each run when workers
// goroutines serve unfinished runs: min(workers, unfinished) run at once
// and share the workers evenly. As runs finish, the last ones get more
// (a run takes the new number at its next step).
func innerWorkers(workers, unfinished int) int {
	return max(1, workers/max(1, min(workers, unfinished)))
}

// runWith is sim.RunWith; tests replace it to see the options each run
// gets.
var runWith = sim.RunWith

// runOne executes run i of plan, with workersNow() workers inside the run
// at each step, and collects its metrics.
func runOne(ctx context.Context, plan *Plan, i int, workersNow func() int) (*Result, error) {
	run := plan.Run(i)
	p := &plan.Points[run.Point]
	steps := make([]sim.Metrics, 0, p.Params.Horizon)
	opt := sim.Options{Workers: workersNow(), WorkersNow: workersNow}
	err := runWith(ctx, p.Params, run.Seed, opt, func(m sim.Metrics) error {
		steps = append(steps, m)
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("run %d (%s, replicate %d, seed %d): %w", i, p.Label(), run.Replicate, run.Seed, err)
	}
	return &Result{Run: run, Steps: steps}, nil
}

// deliver passes run i's prepared result v to sink, naming the run in
// sink's error.
func deliver[T any](sink func(T) error, i int, v T) error {
	if err := sink(v); err != nil {
		return fmt.Errorf("run %d: %w", i, err)
	}
	return nil
}

// writeFingerprint records which batch the checkpoints in pdir belong to
// and how many runs it has.
// It is written atomically, before any checkpoint, so a checkpoint never
// exists without it.
func writeFingerprint(pdir, fingerprint string, plan *Plan, runs int) error {
	info := partialInfo{fingerprint: fingerprint, scenario: plan.Scenario, runs: runs}
	path := filepath.Join(pdir, fingerprintFile)
	if old, err := os.ReadFile(path); err == nil && string(old) == info.String() {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(info.String()), 0o644); err != nil {
		return fmt.Errorf("write checkpoint fingerprint: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write checkpoint fingerprint: %w", err)
	}
	return nil
}
