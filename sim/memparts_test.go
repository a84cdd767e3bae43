package sim

import (
	"unsafe"
)

// memPart is one part of a model's memory: its name and bytes.
type memPart struct {
	name  string
	bytes int
}

// memoryParts counts the bytes of the model's slices by their capacity,
// part by part, for docs/PERFORMANCE.md ("Memory per person and per tie").
func memoryParts(m *Model) []memPart {
	n := len(m.org)
	slots := cap(m.org)*4 + cap(m.kindOf) + cap(m.role) + cap(m.present) +
		(cap(m.align)+cap(m.baseline)+cap(m.engageDraw)+cap(m.handedOver)+cap(m.crossSum)+cap(m.memberProd))*8 +
		(cap(m.tenure)+cap(m.gen)+cap(m.vacantUntil)+cap(m.attended)+cap(m.tieMade))*4 + cap(m.dirty)
	headers := (cap(m.adj) + cap(m.xadj)) * int(unsafe.Sizeof([]edge(nil)))
	pool := cap(m.ties)*int(unsafe.Sizeof(tie{})) + cap(m.trust)*8 + cap(m.class) + cap(m.factor)*4 + cap(m.tiePair)*4 + cap(m.free)*4
	live := 0
	for i := range n {
		live += (cap(m.adj[i]) + cap(m.xadj[i])) * int(unsafe.Sizeof(edge{}))
	}
	freeBlocks, freeHeaders, slabRest := 0, 0, 0
	for c := range m.edges.free {
		freeHeaders += cap(m.edges.free[c]) * int(unsafe.Sizeof([]edge(nil)))
		for _, b := range m.edges.free[c] {
			freeBlocks += cap(b) * int(unsafe.Sizeof(edge{}))
		}
		slabRest += cap(m.edges.slab[c]) * int(unsafe.Sizeof(edge{}))
	}
	contacts := 0
	for b := range m.recs {
		contacts += cap(m.recs[b]) * int(unsafe.Sizeof(contactRec{}))
	}
	chunks := 0
	for _, ch := range m.chunks {
		chunks += cap(ch.drops)*4 + cap(ch.pairs)*int(unsafe.Sizeof(pairFactor{}))
	}
	work := 0
	for _, ws := range m.work {
		work += int(unsafe.Sizeof(*ws)) + cap(ws.trust)*8 + cap(ws.touched)*4 + cap(ws.rates)*8
	}
	pairs := cap(m.pairs)*int(unsafe.Sizeof(pairState{})) + len(m.pairOf)*16
	return []memPart{
		{"per-slot arrays", slots},
		{"adjacency list headers", headers},
		{"tie pool (records, trust, class, factor, pair, free list)", pool},
		{"adjacency edges in use (blocks of live lists)", live},
		{"arena: free blocks", freeBlocks},
		{"arena: free-list headers", freeHeaders},
		{"arena: unused rest of slabs", slabRest},
		{"the week's contact records", contacts},
		{"sweep scratch per tie chunk (drops, partnership factors)", chunks},
		{"worker scratch (sort buffer, contacted ties, decay rates)", work},
		{"organization pairs (states, index map at 16 B an entry)", pairs},
	}
}
