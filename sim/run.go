package sim

import "context"

// Sink receives the metrics of each step as a run produces them. A
// non-nil error stops the run and is returned by Run.
type Sink func(Metrics) error

// Options are execution settings of a run. They never change a result:
// the same parameters and seed give the same metrics, bit for bit,
// whatever the options. The zero value runs on one goroutine.
type Options struct {
	// Workers is the number of goroutines that share the work of each
	// step of one run (docs/PERFORMANCE.md, "Parallel step"); 0 or 1
	// runs every step on the calling goroutine. More than one pays only
	// for large initiatives (tens of thousands of people and up).
	Workers int
	// WorkersNow, if not nil, is asked before every step how many
	// workers that step uses, in place of Workers: a caller running
	// several runs at once can give a run more workers as the others
	// finish. Like Workers, it never changes a result.
	WorkersNow func() int
	// Record, if not nil, is called after each recorded week (not during
	// the warm-up), after the sink, with the week's metrics and the run's
	// model, from which it may take a Snapshot. It must only read the
	// model (Snapshot and the other read-only accessors), so it never
	// changes a result.
	Record func(Metrics, *Model) error
}

// Run executes one whole run of p with the given seed on one goroutine:
// p.Warmup weeks of warm-up, then p.Horizon recorded weeks, passing the
// metrics of every recorded week to sink in order (the warm-up's are not
// passed). It returns ctx.Err() if ctx is cancelled between steps. Runs
// share nothing, so any number may execute concurrently.
func Run(ctx context.Context, p Params, seed uint64, sink Sink) error {
	return RunWith(ctx, p, seed, Options{}, sink)
}

// RunWith is Run with execution options, such as several workers inside
// the run; the metrics are the same as Run's.
func RunWith(ctx context.Context, p Params, seed uint64, opt Options, sink Sink) error {
	m, err := New(p, seed)
	if err != nil {
		return err
	}
	m.SetWorkers(opt.Workers)
	for m.Week() < p.Horizon {
		if err := ctx.Err(); err != nil {
			return err
		}
		if opt.WorkersNow != nil {
			m.SetWorkers(opt.WorkersNow())
		}
		met := m.Advance()
		if sink != nil && met.Step >= 0 {
			if err := sink(met); err != nil {
				return err
			}
		}
		if opt.Record != nil && met.Step >= 0 {
			if err := opt.Record(met, m); err != nil {
				return err
			}
		}
	}
	return nil
}
