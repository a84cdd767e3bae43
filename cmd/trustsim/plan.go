package main

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// planFlags are the flags of `trustsim plan`.
type planFlags struct {
	scenarioFlags
	target  time.Duration
	cpus    int
	measure time.Duration
}

func planCommand() *command {
	return &command{
		name:    "plan",
		summary: "size a batch: runs, design points, time and memory per run, shards",
		usage:   "[SCENARIO]",
		help: `Plan prints what 'trustsim run SCENARIO' with the same flags would run:
the number of runs, the design points, an estimate of the time, memory and
disk each run takes, and how many shards (Slurm array tasks, Kubernetes
pods) finish the batch within --target wall time when each shard gets
--cpus CPUs. It writes nothing.

The estimate is measured: plan runs the first, middle and last design
points on one CPU of this machine for at most --measure in all, and
derives a rate in person-steps per second (a run's cost grows with its
people × weeks). Points it could not finish are extrapolated linearly
from the weeks done, and every point's time is its people × weeks over
that rate. Memory per run is the live heap of a measured run at its last
measured week, plus the metrics kept until they are written. Cluster
nodes are often slower per core than a laptop: measure on a node, or
lower --target.

The suggested shard count is the smallest for which every shard, its runs
spread over --cpus workers, is estimated to finish within 80% of
--target (the rest is headroom); shards hold contiguous blocks of runs
(see 'trustsim run --help'). A shard with fewer runs than CPUs runs them
all at once and shares the other workers among them, inside each run (as
'trustsim run --workers' does), and the last runs of a shard take over
the workers of the runs that have finished; k workers are counted as
making a run 1/(0.15 + 0.85/k) times as fast, the speed-up measured for
one run of 100,000 people on 16 cores (docs/PERFORMANCE.md): parts of a
step run on one worker.
Memory is estimated for the runs a shard holds at once.

Examples:
  trustsim plan investment-vs-turnover --replicates 1000
  trustsim plan my.toml --target 30m --cpus 16`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *app, []string) error {
			f := &planFlags{}
			f.declare(fs)
			fs.DurationVar(&f.target, "target", time.Hour, "wall time `D` each shard should finish within")
			fs.IntVar(&f.cpus, "cpus", runtime.NumCPU(), "CPUs (workers) `N` of each shard (sbatch --cpus-per-task)")
			fs.DurationVar(&f.measure, "measure", 2*time.Second, "time `D` spent measuring at most")
			return f.exec
		},
	}
}

// pointCost is the estimate for one design point.
type pointCost struct {
	people  int
	weeks   int
	seconds float64 // per run, one CPU
	bytes   float64 // live heap of a run, model state
}

// measurement is what running a few points showed.
type measurement struct {
	points       []int // the points measured
	steps, of    int   // weeks run, weeks their horizons hold
	elapsed      time.Duration
	personSteps  float64
	heapPerPers  float64 // live bytes per person
	archiveStep  float64 // archive bytes per week
	csvRowBytes  float64 // timeseries.csv bytes per kept week
	extrapolated bool
}

func (f *planFlags) exec(ctx context.Context, a *app, args []string) error {
	if len(args) > 1 {
		return usagef("plan", "plan takes one scenario, got %d: %s", len(args), strings.Join(args, " "))
	}
	if f.cpus < 1 {
		return usagef("plan", "--cpus must be at least 1, got %d", f.cpus)
	}
	if f.target <= 0 {
		return usagef("plan", "--target must be a positive duration such as 90m or 2h, got %s", f.target)
	}
	if f.measure <= 0 {
		return usagef("plan", "--measure must be a positive duration, got %s", f.measure)
	}
	arg := "default"
	if len(args) == 1 {
		arg = args[0]
	}
	s, plan, _, err := f.load(arg)
	if err != nil {
		return err
	}
	meas, err := measure(ctx, plan, f.measure)
	if err != nil {
		return err
	}
	rate := meas.personSteps / meas.elapsed.Seconds() // person-steps per second
	costs := make([]pointCost, len(plan.Points))
	for i := range plan.Points {
		p := &plan.Points[i].Params
		c := pointCost{people: p.People(), weeks: p.Horizon}
		c.seconds = float64(c.people*c.weeks) / rate
		c.bytes = float64(c.people) * meas.heapPerPers
		costs[i] = c
	}
	runs := plan.NumRuns()
	perRun := make([]float64, runs)
	var total, maxBytes, maxRun float64
	var archive, csv float64
	every := max(plan.Every, 1)
	for i := range runs {
		c := costs[i/plan.Replicates]
		perRun[i] = c.seconds
		total += c.seconds
		maxRun = max(maxRun, c.seconds)
		maxBytes = max(maxBytes, c.bytes)
		archive += float64(c.weeks) * meas.archiveStep
		csv += float64(keptSteps(c.weeks, every)) * meas.csvRowBytes
	}

	w := a.stdout
	fmt.Fprintf(w, "%s (%s), seed %d\n", plan.Scenario, s.Filename, plan.BaseSeed)
	fmt.Fprintf(w, "%d design point%s × %d replicate%s = %d run%s\n\n",
		len(plan.Points), plural(len(plan.Points)), plan.Replicates, plural(plan.Replicates), runs, plural(runs))

	fmt.Fprintln(w, "Design points:")
	const head, tail = 30, 10
	width := 8
	for i := range plan.Points {
		width = max(width, min(len(plan.Points[i].Label()), 60))
	}
	for i := range plan.Points {
		if len(plan.Points) > head+tail && i == head {
			fmt.Fprintf(w, "  ... %d more ...\n", len(plan.Points)-head-tail)
		}
		if len(plan.Points) > head+tail && i >= head && i < len(plan.Points)-tail {
			continue
		}
		c := costs[i]
		fmt.Fprintf(w, "  %4d  %-*s  %5d people  %4d weeks  %s/run\n", i, width, plan.Points[i].Label(), c.people, c.weeks, humanSeconds(c.seconds))
	}

	var measured []string
	for _, p := range meas.points {
		measured = append(measured, strconv.Itoa(p))
	}
	how := fmt.Sprintf("%d of their %d weeks", meas.steps, meas.of)
	if !meas.extrapolated {
		how = fmt.Sprintf("all %d weeks", meas.steps)
	}
	fmt.Fprintf(w, "\nEstimate, measured on this machine: point%s %s, %s, in %s on one CPU = %s person-weeks/s;\n",
		plural(len(measured)), strings.Join(measured, ", "), how, humanSeconds(meas.elapsed.Seconds()), humanCount(rate))
	fmt.Fprintln(w, "a run's time is its people × weeks over that rate.")
	fmt.Fprintf(w, "  time per run     %s (one CPU); %s for the whole batch on one CPU\n", spread(costs, func(c pointCost) string { return humanSeconds(c.seconds) }), humanSeconds(total))
	maxWeeks := 0
	for _, c := range costs {
		maxWeeks = max(maxWeeks, c.weeks)
	}
	results := float64(maxWeeks) * float64(unsafe.Sizeof(sim.Metrics{}))
	limit := 0.8 * f.target.Seconds()
	n, wall := suggestShards(perRun, f.cpus, limit)
	// The runs a shard's process holds at once: one per worker, or all of
	// its runs when it has fewer (batch.Options.Workers).
	atOnce := min(f.cpus, largestBlock(runs, n))
	fmt.Fprintf(w, "  memory per run   %s of model state + %s of metrics; a process with %d worker%s and %d run%s at once: about %s\n",
		batch.FormatBytes(maxBytes), batch.FormatBytes(results), f.cpus, plural(f.cpus), atOnce, plural(atOnce),
		batch.FormatBytes(processBytes(atOnce, maxBytes, results)))
	fmt.Fprintf(w, "  disk             %s of shard archives; timeseries.csv about %s (every %d week%s)\n",
		batch.FormatBytes(archive), batch.FormatBytes(csv), every, plural(every))

	fmt.Fprintf(w, "\nShards for a wall time of %s with %d CPU%s each: %d (each done in about %s)\n",
		f.target, f.cpus, plural(f.cpus), n, humanSeconds(wall))
	if inner := f.cpus / atOnce; inner > 1 {
		fmt.Fprintf(w, "  %d workers inside each run (fewer runs than CPUs), counted as %.1f times as fast (measured on 16 cores).\n", inner, innerSpeedup(inner))
	}
	if maxRun/innerSpeedup(f.cpus) > limit {
		fmt.Fprintf(w, "  One run takes about %s on one CPU and at best %s on %d, more than the target allows: raise --target or --cpus.\n",
			humanSeconds(maxRun), humanSeconds(maxRun/innerSpeedup(f.cpus)), f.cpus)
	}
	scen := batch.ShellJoin(append([]string{arg}, f.canonicalFlags()...))
	if n == 1 {
		fmt.Fprintf(w, "  One machine is enough: trustsim run %s --workers %d\n", scen, f.cpus)
	} else {
		fmt.Fprintf(w, "  Slurm:      CPUS=%d deploy/submit.sh %d OUT_DIR %s   (docs/CLUSTER.md)\n", f.cpus, n, scen)
		fmt.Fprintf(w, "  Kubernetes: completions: %d and TRUSTSIM_SHARDS=%d in deploy/k8s/indexed-job.yaml\n", n, n)
		fmt.Fprintf(w, "  By hand:    trustsim run %s --shard I/%d --workers %d, for I = 0 to %d\n", scen, n, f.cpus, n-1)
	}
	return nil
}

// measure runs the first, middle and last design points of plan (each
// once, with the seed of its first replicate) for at most budget in all,
// one after the other on one CPU.
func measure(ctx context.Context, plan *batch.Plan, budget time.Duration) (*measurement, error) {
	picks := []int{0, len(plan.Points) / 2, len(plan.Points) - 1}
	var points []int
	for _, p := range picks {
		if len(points) == 0 || points[len(points)-1] != p {
			points = append(points, p)
		}
	}
	meas := &measurement{points: points}
	var heap, people, archive, archiveSteps, csvBytes, csvRows float64
	for k, pi := range points {
		pt := &plan.Points[pi]
		run := plan.Run(pi * plan.Replicates)
		share := (budget - meas.elapsed) / time.Duration(len(points)-k)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc

		start := time.Now()
		m, err := sim.New(pt.Params, run.Seed)
		if err != nil {
			return nil, fmt.Errorf("measure point %d: %w", pi, err)
		}
		steps := make([]sim.Metrics, 0, pt.Params.Horizon)
		for m.Step() < pt.Params.Horizon {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			steps = append(steps, m.Advance())
			// At least a few weeks, whatever the budget, so the rate
			// means something.
			if len(steps) >= 5 && time.Since(start) > share {
				break
			}
		}
		elapsed := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		live := float64(ms.HeapAlloc) - float64(base) - float64(cap(steps))*float64(unsafe.Sizeof(sim.Metrics{}))
		runtime.KeepAlive(m)

		n := pt.Params.People()
		meas.elapsed += elapsed
		meas.personSteps += float64(n * len(steps))
		meas.steps += len(steps)
		meas.of += pt.Params.Horizon
		meas.extrapolated = meas.extrapolated || len(steps) < pt.Params.Horizon
		heap += max(live, 0)
		people += float64(n)

		a, err := archiveSize(run, steps)
		if err != nil {
			return nil, err
		}
		archive += float64(a)
		archiveSteps += float64(len(steps))
		for i := range steps {
			csvBytes += float64(csvRowLen(run, &steps[i]))
		}
		csvRows += float64(len(steps))
	}
	meas.heapPerPers = heap / people
	meas.archiveStep = archive / archiveSteps
	meas.csvRowBytes = csvBytes / csvRows
	if meas.elapsed <= 0 {
		meas.elapsed = time.Nanosecond
	}
	return meas, nil
}

// archiveSize is the size of steps in a shard archive, encoded and
// compressed as batch.ShardWriter does it.
func archiveSize(run batch.Run, steps []sim.Metrics) (int, error) {
	n, err := batch.ArchivedSize(batch.Fingerprint(), batch.Result{Run: run, Steps: steps})
	if err != nil {
		return 0, fmt.Errorf("measure archive size: %w", err)
	}
	return n, nil
}

// csvRowLen is the length of m's row in timeseries.csv: run, point, step
// and the metrics, written as output writes floats.
func csvRowLen(run batch.Run, m *sim.Metrics) int {
	n := len(strconv.Itoa(run.Index)) + len(strconv.Itoa(run.Point)) + len(strconv.Itoa(m.Step)) + 3
	for _, v := range m.Values(nil) {
		n += len(strconv.FormatFloat(v, 'g', -1, 64)) + 1
	}
	return n
}

// keptSteps is the number of rows timeseries.csv holds for a run of weeks
// steps when it keeps every every-th step: steps 0, every, 2*every, ...
// and always the last step (output keeps each run's final state).
func keptSteps(weeks, every int) int {
	if weeks <= 0 {
		return 0
	}
	every = max(every, 1)
	n := (weeks + every - 1) / every
	if (weeks-1)%every != 0 {
		n++ // the last step, not a multiple of every
	}
	return n
}

// processBytes estimates the peak memory of a trustsim process with
// atOnce runs at once (the smaller of its workers and its runs; the other
// workers work inside those runs and hold no model of their own): the
// runtime and program (about 20 MiB), each of those runs' model, and the
// results the runner may hold while an earlier run is unfinished (a few
// per run at once; see batch.Execute).
func processBytes(atOnce int, model, results float64) float64 {
	return 20<<20 + float64(atOnce)*(model+5*results)
}

// largestBlock is the number of runs in the largest of n shards of runs
// runs (batch.Shard.Block).
func largestBlock(runs, n int) int {
	largest := 0
	for i := range n {
		first, end := batch.Shard{Index: i, Count: n}.Block(runs)
		largest = max(largest, end-first)
	}
	return largest
}

// shardWall estimates the wall time of a shard whose runs take perRun
// seconds each on one CPU, on cpus workers scheduled as batch.Execute
// schedules them: min(cpus, runs) runs at once, taken in order, and the
// workers shared among the unfinished runs (batch's innerWorkers:
// cpus / min(cpus, unfinished) inside each, counted as innerSpeedup of
// them), so that the last runs of a batch get the workers the finished
// ones leave. It steps from one run's end to the next.
func shardWall(perRun []float64, cpus int) float64 {
	left := append([]float64(nil), perRun...) // work left, in seconds on one CPU
	atOnce := max(1, min(cpus, len(left)))
	active := make([]int, 0, atOnce)
	next, unfinished, wall := 0, len(left), 0.0
	for next < len(left) && len(active) < atOnce {
		active = append(active, next)
		next++
	}
	for len(active) > 0 {
		rate := innerSpeedup(max(1, cpus/max(1, min(cpus, unfinished))))
		soonest := math.Inf(1)
		for _, i := range active {
			soonest = min(soonest, left[i])
		}
		wall += soonest / rate
		running := active[:0]
		for _, i := range active {
			if left[i] -= soonest; left[i] > 0 {
				running = append(running, i)
			} else {
				unfinished--
			}
		}
		active = running
		for next < len(left) && len(active) < atOnce {
			active = append(active, next)
			next++
		}
	}
	return wall
}

// innerSerial is the share of a step that runs on one worker whatever
// the number of workers: one run of 100,420 people took 4.9 times less
// time per step on 16 workers than on 1 on a 16-core machine
// (docs/PERFORMANCE.md, "Parallel step"), Amdahl's law for 15%.
const innerSerial = 0.15

// innerSpeedup is how many times as fast k workers inside one run make
// it (Amdahl's law with innerSerial).
func innerSpeedup(k int) float64 {
	if k <= 1 {
		return 1
	}
	return 1 / (innerSerial + (1-innerSerial)/float64(k))
}

// suggestShards returns the smallest number of shards n for which every
// shard's estimated wall time (shardWall) is within limit seconds, and
// that longest wall time. If no n reaches limit, it returns the one that
// comes closest with the fewest shards.
func suggestShards(perRun []float64, cpus int, limit float64) (int, float64) {
	runs := len(perRun)
	if runs == 0 {
		return 1, 0
	}
	total := 0.0
	for _, t := range perRun {
		total += t
	}
	wall := func(n int) float64 {
		worst := 0.0
		for i := range n {
			first, end := batch.Shard{Index: i, Count: n}.Block(runs)
			worst = max(worst, shardWall(perRun[first:end], cpus))
		}
		return worst
	}
	lower := max(1, int(math.Ceil(total/float64(cpus)/limit)))
	best, bestWall := runs, wall(runs)
	// The blocks are nearly equal, so the bound is usually met at lower
	// or just above it; look a little further, then give up.
	for n := min(lower, runs); n <= runs && n <= 2*lower+16; n++ {
		if w := wall(n); w <= limit {
			return n, w
		} else if w < bestWall {
			best, bestWall = n, w
		}
	}
	return best, bestWall
}

// spread writes the range of a value over the design points: "12 ms" or
// "12 ms to 40 ms".
func spread(costs []pointCost, value func(pointCost) string) string {
	lo, hi := 0, 0
	for i, c := range costs {
		if c.seconds < costs[lo].seconds {
			lo = i
		}
		if c.seconds > costs[hi].seconds {
			hi = i
		}
	}
	if a, b := value(costs[lo]), value(costs[hi]); a != b {
		return a + " to " + b
	}
	return value(costs[lo])
}

// humanSeconds writes a duration in seconds with a sensible unit.
func humanSeconds(s float64) string {
	switch {
	case s < 1e-3:
		return fmt.Sprintf("%.0f µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.0f ms", s*1e3)
	case s < 60:
		return fmt.Sprintf("%.1f s", s)
	default:
		return elapsed(time.Duration(s * float64(time.Second)))
	}
}

// humanCount writes a large count briefly: "812", "45.2 k", "3.1 M".
func humanCount(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.1f M", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1f k", x/1e3)
	default:
		return fmt.Sprintf("%.0f", x)
	}
}
