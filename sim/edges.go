package sim

import "sort"

// edgeArena is the storage of the adjacency lists. It hands out blocks
// whose sizes grow by about √2 from one class to the next (1, 2, 3, 4, 6,
// 8, 12, 16, 24, ... edges), carved from slabs and recycled through a free
// list per class, so that lists that grow and shrink as ties come and go,
// and slots that empty and refill, reuse storage instead of allocating:
// once the run's degree distribution has settled, a step allocates
// nothing (docs/PERFORMANCE.md). The √2 steps keep the unused tail of a
// list to about a sixth of its block on average.
//
// Blocks returned by lists that grew or whose person left wait for a list
// of their class; those of the small classes that every list passes
// through while the network forms would wait for good, a fifth of a run's
// memory. So once the free blocks hold more than a quarter as many edges
// as the lists, compact moves the lists of the classes with too many free
// blocks into fresh slabs and lets the old ones go (Model.freeDropped).
type edgeArena struct {
	free      [][][]edge // per class: blocks returned for reuse, length 0
	slab      [][]edge   // per class: the unused rest of its current slab
	used      []int      // per class: blocks handed out and not returned
	slabEdges int        // edges per slab of small blocks (maxSlabEdges if 0)
	freeEdges int        // edges in the blocks of free
	usedEdges int        // edges in the blocks handed out and not returned
}

// maxSlabEdges is the number of edges in a slab of small blocks (16 KiB)
// for initiatives of 1,024 people or more; smaller ones use slabs of
// twice their number of people (at least 64 edges), so that a batch of
// many small runs does not allocate and clear storage it never uses.
const maxSlabEdges = 2048

// newEdgeArena returns the arena for the lists of n people.
func newEdgeArena(n int) edgeArena {
	return edgeArena{slabEdges: min(maxSlabEdges, max(64, 2*n))}
}

// edgeClassSize lists the block size of each class.
var edgeClassSize = func() []int {
	sizes := []int{1, 2, 3}
	for s := 4; s <= 1<<26; s *= 2 {
		sizes = append(sizes, s, s+s/2)
	}
	return sizes
}()

// edgeClass returns the smallest class whose blocks hold n edges.
func edgeClass(n int) int { return sort.SearchInts(edgeClassSize, n) }

// get returns an empty block of class c: a returned one if there is one,
// else the next from the class's slab.
func (a *edgeArena) get(c int) []edge {
	for len(a.free) <= c {
		a.free = append(a.free, nil)
		a.slab = append(a.slab, nil)
		a.used = append(a.used, 0)
	}
	size := edgeClassSize[c]
	a.used[c]++
	a.usedEdges += size
	if n := len(a.free[c]); n > 0 {
		b := a.free[c][n-1]
		a.free[c] = a.free[c][:n-1]
		a.freeEdges -= size
		return b
	}
	if len(a.slab[c]) < size {
		a.slab[c] = make([]edge, max(size, a.perSlab()/size*size))
	}
	b := a.slab[c][0:0:size]
	a.slab[c] = a.slab[c][size:]
	return b
}

// put returns the block of list to the arena; list must not be used
// afterwards.
func (a *edgeArena) put(list []edge) {
	if cap(list) == 0 {
		return
	}
	c := edgeClass(cap(list))
	a.free[c] = append(a.free[c], list[:0])
	a.used[c]--
	a.freeEdges += cap(list)
	a.usedEdges -= cap(list)
}

// perSlab returns the number of edges in a slab of small blocks.
func (a *edgeArena) perSlab() int {
	if a.slabEdges == 0 {
		return maxSlabEdges
	}
	return a.slabEdges
}

// compactMinEdges is the least number of edges in free blocks (64 KiB)
// that makes compacting worth it: the small initiatives of a batch of
// many runs never need it, and it would only add to their garbage.
const compactMinEdges = 8192

// wasteful reports whether the free blocks hold more than a quarter as
// many edges as the blocks in use, and more than compactMinEdges.
func (a *edgeArena) wasteful() bool {
	return a.freeEdges > max(a.usedEdges/4, compactMinEdges)
}

// compact moves the lists of adj and xadj that belong to a class with
// more than a quarter as many free blocks as blocks in use, person by
// person, into blocks of that class carved from fresh slabs, and forgets
// that class's free blocks and old slabs, which the garbage collector
// then frees: no list may be held elsewhere. The other classes, where
// blocks are reused as fast as they are returned, stay as they are, so
// that a compaction allocates no more than it must. The lists keep their
// contents, order and capacity, so that nothing the model computes can
// tell.
func (a *edgeArena) compact(adj, xadj [][]edge) {
	moving := make([]bool, len(a.free))
	some := false
	for c := range a.free {
		if moving[c] = 4*len(a.free[c]) > a.used[c]; moving[c] {
			some = true
			a.freeEdges -= len(a.free[c]) * edgeClassSize[c]
			a.usedEdges -= a.used[c] * edgeClassSize[c]
			a.free[c], a.slab[c], a.used[c] = nil, nil, 0
		}
	}
	if !some {
		return
	}
	move := func(l []edge) []edge {
		if cap(l) == 0 {
			return l
		}
		c := edgeClass(cap(l))
		if !moving[c] {
			return l
		}
		b := a.get(c)[:len(l)]
		copy(b, l)
		return b
	}
	for i := range adj {
		adj[i] = move(adj[i])
		xadj[i] = move(xadj[i])
	}
}

// push appends e to *list, moving the list to a block of the next class
// when it is full.
func (a *edgeArena) push(list *[]edge, e edge) {
	l := *list
	if len(l) == cap(l) {
		c := 0
		if cap(l) > 0 {
			c = edgeClass(cap(l)) + 1
		}
		grown := a.get(c)[:len(l)]
		copy(grown, l)
		a.put(l)
		l = grown
	}
	*list = append(l, e)
}

// shrink moves a list that uses no more than a quarter of its block to a
// block about twice its length, so that storage follows lists down as
// well as up (the factor of two on either side keeps a list from moving
// back and forth).
func (a *edgeArena) shrink(list []edge) []edge {
	if cap(list) < 8 || len(list) > cap(list)/4 {
		return list
	}
	var small []edge
	if len(list) > 0 {
		small = a.get(edgeClass(2 * len(list)))[:len(list)]
		copy(small, list)
	}
	a.put(list)
	return small
}
