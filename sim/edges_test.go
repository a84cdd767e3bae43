package sim

import (
	"reflect"
	"testing"
)

// TestEdgeArenaCompact fills an arena the way a forming network does
// (lists growing through the classes, some emptied and returned), then
// compacts it: every list keeps its contents, order and capacity, no two
// lists share storage, the classes with too many free blocks have none
// left and the others keep theirs, the counts of free and used edges stay
// true, and the lists grow as before afterwards.
func TestEdgeArenaCompact(t *testing.T) {
	const n = 300
	a := newEdgeArena(n)
	adj, xadj := make([][]edge, n), make([][]edge, n)
	for i := range n {
		for k := range i % 40 {
			a.push(&adj[i], edge{int32(k), int32(i)})
		}
		for k := range (7 * i) % 29 {
			a.push(&xadj[i], edge{int32(1000 + k), int32(-i)})
		}
	}
	for i := 0; i < n; i += 3 { // people who left
		a.put(adj[i])
		adj[i] = nil
	}
	for i := 1; i < n; i += 5 { // lists that lost most of their ties
		xadj[i] = a.shrink(xadj[i][:len(xadj[i])/5])
	}
	if a.freeEdges == 0 {
		t.Fatal("no free blocks before compacting: the test sets up nothing")
	}
	if got := sumCaps(adj) + sumCaps(xadj); got != a.usedEdges {
		t.Fatalf("before: %d edges in lists' blocks, the arena counts %d", got, a.usedEdges)
	}
	wantAdj, wantX := deepCopy(adj), deepCopy(xadj)
	caps := func(ls [][]edge) (c []int) {
		for _, l := range ls {
			c = append(c, cap(l))
		}
		return c
	}
	wantCapA, wantCapX := caps(adj), caps(xadj)
	var moved []int // the classes with more than a quarter free
	for c := range a.free {
		if 4*len(a.free[c]) > a.used[c] {
			moved = append(moved, c)
		}
	}
	if len(moved) == 0 || len(moved) == len(a.free) {
		t.Fatalf("classes to move: %v of %d; the test should have some of each", moved, len(a.free))
	}

	a.compact(adj, xadj)

	if !reflect.DeepEqual(deepCopy(adj), wantAdj) || !reflect.DeepEqual(deepCopy(xadj), wantX) {
		t.Fatal("compact changed the contents or order of a list")
	}
	if !reflect.DeepEqual(caps(adj), wantCapA) || !reflect.DeepEqual(caps(xadj), wantCapX) {
		t.Fatal("compact changed the capacity of a list")
	}
	if a.wasteful() {
		t.Errorf("after compact: %d free edges for %d in use, still wasteful", a.freeEdges, a.usedEdges)
	}
	for _, c := range moved {
		if len(a.free[c]) != 0 {
			t.Errorf("class %d keeps %d free blocks", c, len(a.free[c]))
		}
	}
	free := 0
	for c := range a.free {
		free += len(a.free[c]) * edgeClassSize[c]
		if 4*len(a.free[c]) > a.used[c] {
			t.Errorf("class %d: %d free blocks for %d in use", c, len(a.free[c]), a.used[c])
		}
	}
	if free != a.freeEdges {
		t.Errorf("%d edges in free blocks, the arena counts %d", free, a.freeEdges)
	}
	if got := sumCaps(adj) + sumCaps(xadj); got != a.usedEdges {
		t.Errorf("after: %d edges in lists' blocks, the arena counts %d", got, a.usedEdges)
	}
	// Fill every list to its capacity with its own index: a list that
	// shared storage with another would see the other's writes.
	all := append(append([][]edge{}, adj...), xadj...)
	for k, l := range all {
		l = l[:cap(l)]
		for x := range l {
			l[x] = edge{int32(k), int32(x)}
		}
	}
	for k, l := range all {
		for x, e := range l[:cap(l)] {
			if e != (edge{int32(k), int32(x)}) {
				t.Fatalf("list %d shares storage with list %d", k, e.tie)
			}
		}
	}
	for i := range n {
		a.push(&adj[i], edge{7, 7})
		if got := adj[i][len(adj[i])-1]; got != (edge{7, 7}) {
			t.Fatalf("push after compact: list %d ends with %v", i, got)
		}
	}
	if got := sumCaps(adj) + sumCaps(xadj); got != a.usedEdges {
		t.Errorf("after pushing: %d edges in lists' blocks, the arena counts %d", got, a.usedEdges)
	}
}

func sumCaps(ls [][]edge) (n int) {
	for _, l := range ls {
		n += cap(l)
	}
	return n
}

func deepCopy(ls [][]edge) [][]edge {
	out := make([][]edge, len(ls))
	for i, l := range ls {
		out[i] = append([]edge{}, l...)
	}
	return out
}

// TestCompactingChangesNothing runs parallelCity twice, compacting the
// adjacency lists after every step of one of them: the metrics and the
// whole state (stateHash) must agree bit for bit at every step, so that
// when the model compacts (edgeArena.wasteful) cannot matter.
func TestCompactingChangesNothing(t *testing.T) {
	p := parallelCity()
	plain, err := New(p, 3)
	if err != nil {
		t.Fatal(err)
	}
	compacted, err := New(p, 3)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0 // lists that compact moved
	for s := range p.Horizon {
		a, b := plain.Advance(), compacted.Advance()
		before := make([]*edge, 0, 2*len(compacted.adj))
		for i := range compacted.adj {
			for _, l := range [][]edge{compacted.adj[i], compacted.xadj[i]} {
				if cap(l) > 0 {
					before = append(before, &l[:1][0])
				}
			}
		}
		compacted.edges.compact(compacted.adj, compacted.xadj)
		k := 0
		for i := range compacted.adj {
			for _, l := range [][]edge{compacted.adj[i], compacted.xadj[i]} {
				if cap(l) > 0 {
					if &l[:1][0] != before[k] {
						moved++
					}
					k++
				}
			}
		}
		if a != b {
			t.Fatalf("step %d: metrics differ after compacting:\n%+v\n%+v", s, a, b)
		}
		if plain.stateHash() != compacted.stateHash() {
			t.Fatalf("step %d: state differs after compacting", s)
		}
		if err := compacted.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	if moved < 1000 {
		t.Errorf("compact moved %d lists in %d steps: too few for the test to mean anything", moved, p.Horizon)
	}
	t.Logf("compact moved %d lists in %d steps", moved, p.Horizon)
}
