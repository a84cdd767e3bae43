package sim

import "context"

// Sink receives the metrics of each step as a run produces them. A
// non-nil error stops the run and is returned by Run.
type Sink func(Metrics) error

// Run executes one whole run of p with the given seed, passing the metrics
// of every step to sink in step order. It returns ctx.Err() if ctx is
// cancelled between steps. Runs share nothing, so any number may execute
// concurrently.
func Run(ctx context.Context, p Params, seed uint64, sink Sink) error {
	m, err := New(p, seed)
	if err != nil {
		return err
	}
	for m.Step() < p.Horizon {
		if err := ctx.Err(); err != nil {
			return err
		}
		met := m.Advance()
		if sink != nil {
			if err := sink(met); err != nil {
				return err
			}
		}
	}
	return nil
}
