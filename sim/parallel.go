package sim

import (
	"sync"
	"sync/atomic"
)

// The parallel step (docs/PERFORMANCE.md, "Parallel step"). Work is cut
// into items whose number and extent depend on the run alone — person
// blocks, tie chunks, organizations — never on the number of workers, and
// every item writes only state that belongs to it. Whatever runs in
// between, reductions over items are taken in item order. So the worker
// count decides only which goroutine does an item, never what it
// computes.

const (
	// blockPeople is the least number of person slots per block.
	blockPeople = 256
	// maxBlocks caps the number of blocks: a million people make blocks
	// of 3,922.
	maxBlocks = 256
	// tieChunk is the number of tie-pool entries per sweep chunk.
	tieChunk = 8192
)

// stepFunc is the work of one item k of a parallel phase; w is the
// worker doing it (0 ≤ w < workers), for its random source and scratch
// only (m.work[w]).
type stepFunc func(m *Model, w, k int)

// forEach calls fn for every item k in [0, n), on up to m.workers
// goroutines at once, and returns when all are done. With one worker it
// calls them in order on the calling goroutine. fn is a method expression
// in practice, so that the single-worker path allocates nothing.
func (m *Model) forEach(n int, fn stepFunc) {
	if m.workers <= 1 || n <= 1 {
		for k := range n {
			fn(m, 0, k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(m.workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				fn(m, w, k)
			}
		}()
	}
	wg.Wait()
}

// setBlocks cuts the n person slots into contiguous blocks of blockSize
// slots (the last may be shorter).
func (m *Model) setBlocks(n int) {
	m.blockSize = max(blockPeople, (n+maxBlocks-1)/maxBlocks)
	m.nBlocks = max(1, (n+m.blockSize-1)/m.blockSize)
	m.recs = make([][]contactRec, m.nBlocks)
}

// block returns the slot range [first, end) of block b.
func (m *Model) block(b int) (first, end int32) {
	first = int32(b * m.blockSize)
	return first, int32(min(len(m.org), (b+1)*m.blockSize))
}

// SetWorkers sets how many goroutines share the work of each later step
// (n ≤ 1: the calling goroutine alone). The result of a step does not
// depend on it (docs/PERFORMANCE.md, "Parallel step").
func (m *Model) SetWorkers(n int) {
	m.workers = max(1, n)
	for len(m.work) < m.workers {
		ws := &workerState{}
		m.work = append(m.work, ws)
	}
}

// workerState is what one worker writes to at every person or tie: its
// random source and scratch. The padding keeps two workers' states off
// the same cache line, so that they do not slow each other down (false
// sharing).
type workerState struct {
	_       [64]byte
	rng     stream
	trust   []float64 // trust of one person's ties (sweepPeople)
	touched []int32   // the ties of one chunk with a contact this week (sweepChunk)
	rates   []float64 // their decay rates (setDecayFactors)
	warmed  int32     // the sum of warm's reads, kept so that the compiler keeps them
	_       [64]byte
}

// Purposes of per-person streams (personStream).
const (
	purposeContacts = iota + 1 // a person's contacts of the week
	purposeAttend              // whether a person attends this week's convening
)

// personStream reseeds worker w's source for person i's draws of the
// current step for one purpose and returns it. The stream depends on
// (seed, step, purpose, i) only (docs/MODEL.md §4, Stochasticity), so the
// draws are the same whichever worker makes them and in whatever order.
func (m *Model) personStream(w int, i int32, purpose uint64) *stream {
	k := m.keys[purpose]
	ws := m.work[w]
	ws.rng.seed(mix(k^uint64(i)), mix(k+uint64(i)*0xbf58476d1ce4e5b9))
	return &ws.rng
}
