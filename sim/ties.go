package sim

import (
	"math"

	"github.com/trustsim/trustsim/internal/fmath"
)

// list returns the adjacency list of i that holds i's tie to j: colleague
// ties and ties to other organizations are kept apart, so that the scans
// of maintained and findTie stay short.
func (m *Model) list(i, j int32) *[]edge {
	if m.org[i] == m.org[j] {
		return &m.adj[i]
	}
	return &m.xadj[i]
}

// findTie returns the index of the tie between i and j, or -1. It scans
// the shorter of the two relevant adjacency lists.
func (m *Model) findTie(i, j int32) int32 {
	li, lj := *m.list(i, j), *m.list(j, i)
	if len(lj) < len(li) {
		li, j = lj, i
	}
	for _, e := range li {
		if e.other == j {
			return e.tie
		}
	}
	return -1
}

// kindClass holds the class bits that the kinds of two different
// organizations give a tie between their people: classCross when neither
// is a community, classMember between a community and a nonprofit.
var kindClass = func() (c [numKinds][numKinds]uint8) {
	for ki := range numKinds {
		for kj := range numKinds {
			if ki != Community && kj != Community {
				c[ki][kj] = classCross
			} else if ki == Nonprofit || kj == Nonprofit { // the other is a community
				c[ki][kj] = classMember
			}
		}
	}
	return c
}()

// isCross and isMember are kindClass's classCross and classMember bits as
// 0 or 1, the weights of a tie's trust in a person's sums (sweepPeople).
var isCross, isMember = func() (cross, member [numKinds][numKinds]float64) {
	for ki := range numKinds {
		for kj := range numKinds {
			cross[ki][kj] = float64(kindClass[ki][kj] & classCross / classCross)
			member[ki][kj] = float64(kindClass[ki][kj] & classMember / classMember)
		}
	}
	return cross, member
}()

// addTie creates a tie between present slots i and j with the given
// trust, reusing a free pool entry when there is one.
func (m *Model) addTie(i, j int32, trust float64) int32 { return m.addTieOfPair(i, j, trust, -1) }

// addTieOfPair is addTie given the index in pairs of the organizations of
// i and j when the caller knows it (pair ≥ 0; createTies), else -1.
func (m *Model) addTieOfPair(i, j int32, trust float64, pair int32) int32 {
	oi, oj := m.org[i], m.org[j]
	ki, kj := m.orgs[oi].kind, m.orgs[oj].kind
	t := tie{a: i, b: j, touched: int32(m.step)}
	class, tp := uint8(classTouched), int32(-1)
	if oi != oj {
		class |= classExternal | kindClass[ki][kj]
	}
	if class&classCross != 0 {
		if tp = pair; pair < 0 {
			tp = m.pairIndex(oi, oj)
		}
		if m.role[i] == Leader || m.role[j] == Leader {
			class |= classLeader
		}
		if (ki == Funder) != (kj == Funder) { // the other end is a nonprofit or the backbone
			class |= classFunder
		}
	}
	var id int32
	if n := len(m.free); n > 0 {
		id = m.free[n-1]
		m.free = m.free[:n-1]
		m.ties[id], m.trust[id], m.class[id] = t, trust, class
		m.factor[id], m.tiePair[id] = 0, tp
	} else {
		id = int32(len(m.ties))
		if len(m.ties) == cap(m.ties) {
			m.growTies()
		}
		m.ties = append(m.ties, t)
		m.trust = append(m.trust, trust)
		m.class = append(m.class, class)
		m.factor = append(m.factor, 0)
		m.tiePair = append(m.tiePair, tp)
	}
	li, lj := m.list(i, j), m.list(j, i)
	m.edges.push(li, edge{id, j})
	m.edges.push(lj, edge{id, i})
	m.touch(id)
	return id
}

// growTies makes room in the tie pool for 1/8 more ties, or one more per
// person when that is more (and at least 1,024 more): a gentler growth
// than append's, since the pool is the largest part of a run's memory
// and levels off once the network has formed, but in steps of at least
// a tie per person, so that a forming network of many people (8 to 10
// ties per person) is not copied over and over in small steps. The
// room left unused is at most an eighth of the pool or a tie per person.
func (m *Model) growTies() {
	n := len(m.ties) + max(len(m.ties)/8, len(m.org)) + 1024
	m.ties = append(make([]tie, 0, n), m.ties...)
	m.trust = append(make([]float64, 0, n), m.trust...)
	m.class = append(make([]uint8, 0, n), m.class...)
	m.factor = append(make([]float32, 0, n), m.factor...)
	m.tiePair = append(make([]int32, 0, n), m.tiePair...)
}

// removeTie deletes tie id from both adjacency lists and frees its entry.
func (m *Model) removeTie(id int32) {
	t := &m.ties[id]
	la, lb := m.list(t.a, t.b), m.list(t.b, t.a)
	*la = without(*la, id)
	*lb = without(*lb, id)
	m.freeEntry(id)
	m.free = append(m.free, id)
}

// freeEntry marks the pool entry of a removed tie free: no ends, class
// classFree, and trust and decay factor 1, so that the sweep, which goes
// over free entries as over ties, without a branch, neither decays nor
// drops it, and gives it the weight 0 in every total (sumWeight).
func (m *Model) freeEntry(id int32) {
	t := &m.ties[id]
	t.a, t.b = -1, -1
	m.class[id], m.trust[id], m.factor[id] = classFree, 1, 1
}

// without removes tie id from s, keeping the order of the others: a
// person's ties to other organizations stay sorted by trust between
// sweeps (maintained).
func without(s []edge, id int32) []edge {
	for k, x := range s {
		if x.tie == id {
			copy(s[k:], s[k+1:])
			return s[:len(s)-1]
		}
	}
	return s
}

// touch records a contact on tie id this step. The tie's decay factor
// for the weeks that follow is set by the sweep at the end of the week
// (setDecayFactors).
func (m *Model) touch(id int32) {
	m.ties[id].touched = int32(m.step)
	m.class[id] |= classTouched
}

// decayRate is the weekly decay rate of tie id from its trust and its
// people's alignments now (docs/MODEL.md §7.9); its decay factor is
// exp(−δ_ij) in single precision (setDecayFactors):
//
//	δ_ij = δ0 · (1 + c_a·|a_i − a_j|) / (1 + c_T·T_ij)
func (m *Model) decayRate(id int) float64 {
	tp := &m.p.Trust
	t := &m.ties[id]
	return tp.Decay * (1 + float64(tp.DecayDissimilarity*math.Abs(m.align[t.a]-m.align[t.b]))) / (1 + float64(tp.DecayStrengthProtection*m.trust[id]))
}

// contact is one interaction of hours between i and j, applied at once:
// the form used by the sequential parts of a step (arrangement upkeep,
// §7.5); the week's contacts are the same interaction applied in
// phases. A first contact creates the tie at newTieTrust. It reports
// whether the experience was bad (trustUpdate).
func (m *Model) contact(i, j int32, hours float64, dedicated bool, r *stream) (bad bool) {
	if i == j || !m.present[i] || !m.present[j] {
		return false
	}
	id := m.findTie(i, j)
	if id < 0 {
		id = m.addTie(i, j, m.newTieTrust())
	}
	var k float64
	m.trust[id], k, bad = m.trustUpdate(m.trust[id], m.align[i], m.align[j], hours, dedicated, r.Float64())
	if !bad {
		pullAlignment(m.align, i, j, k)
	}
	m.touch(id)
	return bad
}

// applyContact applies contact c of the week to its tie (applyContacts) and
// records the alignment pull it exerts, for phase 4.
func (m *Model) applyContact(c *contactRec) {
	trust, k, bad := m.trustUpdate(m.trust[c.tie], m.align[c.i], m.align[c.j], m.p.Network.HoursPerContact, m.dedicated(c.kind()), c.draw())
	m.trust[c.tie], m.ties[c.tie].touched = trust, int32(m.step)
	m.class[c.tie] |= classTouched
	if bad {
		k = 0
	}
	c.setPull(k)
}

// dedicated reports whether contacts of a kind are dedicated relationship
// building (full growth) rather than work (the work discount).
func (m *Model) dedicated(kind uint8) bool {
	switch kind {
	case kindBuild, kindCommunity:
		return true
	case kindConvene:
		return m.p.Convening.Relational
	}
	return false
}

// trustUpdate is one contact of hours on a tie of trust T between people
// of alignments ai and aj, given a uniform draw u (docs/MODEL.md §7.4,
// trust growth and breaks). The experience is bad when u < q_neg =
// negative_max·(1 − ā), and then cuts trust by break_fraction; otherwise
// trust grows as dT/dH = α·g·(1 − T) with g = (1 + ā)/2, integrated
// exactly over the contact's hours (α at the work discount unless
// dedicated), and the less aligned person is to be pulled toward the
// other by k = trust.alignment_pull × the new trust (pullAlignment).
func (m *Model) trustUpdate(T, ai, aj, hours float64, dedicated bool, u float64) (newT, k float64, bad bool) {
	tp := &m.p.Trust
	abar := float64((ai + aj) / 2)
	if u < tp.NegativeMax*(1-abar) {
		return T - float64(tp.BreakFraction*T), 0, true
	}
	alpha := tp.GrowthPerHour
	if !dedicated {
		alpha *= tp.WorkDiscount
	}
	g := (1 + abar) / 2
	T += float64((1 - T) * -fmath.Expm1(-alpha*g*hours))
	return T, tp.AlignmentPull * T, false
}

// newTieTrust is the trust of a first acquaintance: twice the drop
// threshold, so that a tie made once survives some weeks without contact.
func (m *Model) newTieTrust() float64 { return min(1, 2*m.p.Trust.DropBelow) }

// pullAlignment moves the less aligned of i and j toward the other by
// the fraction k of their difference ("trusted colleagues pull alignment
// up", docs/MODEL.md §7.6).
func pullAlignment(a []float64, i, j int32, k float64) {
	// Which of the two moves is as good as random from one contact to
	// the next, so it is chosen by arithmetic on the indices, not by a
	// branch: lo is the one that moves, hi the other.
	lo := j + int32(b2i(a[i] < a[j]))*(i-j)
	hi := i + j - lo
	a[lo] += float64(k * (a[hi] - a[lo]))
}

// sweepTies applies a week of decay to every tie without a contact this
// step, sets the decay factor of every tie with one, drops ties below the
// threshold, and accumulates the sums the metrics, partnerships,
// co-production and embeddedness need (docs/MODEL.md §7.9). It is the
// only pass over all ties in a step, in three phases of the step
// (stepPhases): decayTies over the tie pool by chunks (decay, drops,
// totals, the partnerships' noisy-or factors), sweepLists over the
// people by blocks (their adjacency lists, trust sums and strongest
// ties), and freeDropped. The partnership products and the freeing of
// dropped ties are taken in pool order. New calls it for the state at
// step 0.
func (m *Model) sweepTies() {
	m.decayTies()
	m.sweepLists()
	m.freeDropped()
}

// decayTies runs sweepChunk over the chunks of the tie pool, then adds up
// their totals and partnership factors in chunk order and marks the
// people who lost a tie.
func (m *Model) decayTies() {
	m.nChunks = (len(m.ties) + tieChunk - 1) / tieChunk
	for len(m.chunks) < m.nChunks {
		m.chunks = append(m.chunks, chunkScratch{})
	}
	m.forEach(m.nChunks, (*Model).sweepChunk)
	m.sums = tieSums{}
	// Every pair's product is 1 here: a new pair starts at 1 (pairIndex),
	// and updatePartnerships sets each back to 1 after reading it.
	for c := range m.chunks[:m.nChunks] {
		ch := &m.chunks[c]
		m.sums.add(&ch.sums)
		for _, f := range ch.pairs {
			m.pairs[f.pair].prod *= f.factor
		}
		for _, id := range ch.drops {
			t := &m.ties[id]
			lost := uint8(lostColleague)
			if m.class[id]&classExternal != 0 {
				lost = lostExternal
			}
			m.dirty[t.a] |= lost
			m.dirty[t.b] |= lost
		}
	}
}

// The bits of Model.dirty: which of a slot's lists lost a tie in this
// step's sweep.
const (
	lostColleague = 1 << iota // a tie of adj
	lostExternal              // a tie of xadj
)

// sweepLists runs sweepPeople over the person blocks.
func (m *Model) sweepLists() { m.forEach(m.nBlocks, (*Model).sweepPeople) }

// freeDropped lets the lists that lost ties move to smaller blocks,
// returns the dropped ties' entries to the pool, in pool order, and
// compacts the adjacency lists when the arena holds too many free blocks
// (edgeArena.compact).
func (m *Model) freeDropped() {
	for c := range m.chunks[:m.nChunks] {
		for _, id := range m.chunks[c].drops {
			t := &m.ties[id]
			m.shrinkLists(t.a)
			m.shrinkLists(t.b)
		}
	}
	for c := range m.chunks[:m.nChunks] {
		for _, id := range m.chunks[c].drops {
			m.freeEntry(id)
			m.free = append(m.free, id)
		}
	}
	if m.edges.wasteful() {
		m.edges.compact(m.adj, m.xadj)
	}
}

// chunkScratch is what sweepChunk leaves for one chunk of the tie pool.
type chunkScratch struct {
	sums  tieSums
	drops []int32      // ties dropped, in pool order
	pairs []pairFactor // noisy-or factors of partnership ties, in pool order
}

// pairFactor is the factor (1 − w·T) one tie contributes to the product
// of its organization pair.
type pairFactor struct {
	pair   int32
	factor float64
}

// sweepChunk decays or sets the decay factor of the ties of chunk c of
// the pool, marks those below trust.drop_below, totals the others, and
// lists the noisy-or factors (1 − w·T) of the cross-organization ties at
// or above partnership.min_trust (docs/MODEL.md §7.10). The weights are
// read here, not stored on ties, so that a set event changes them for
// every tie.
func (m *Model) sweepChunk(w, c int) {
	drop := m.p.Trust.DropBelow
	pp := &m.p.Partnership
	weight := [2]float64{pp.StaffWeight, pp.LeaderWeight} // by the classLeader bit
	ch := &m.chunks[c]
	// The totals are kept in local variables, which the compiler holds in
	// registers (a struct of more than four fields it keeps in memory).
	var all, crossSum, funderSum float64
	var counts uint64 // nAll, nCross and nFunder, 21 bits each (sumCounts)
	drops, pairs, np := ch.drops[:0], ch.pairs[:cap(ch.pairs)], 0
	first, end := c*tieChunk, min(len(m.ties), (c+1)*tieChunk)
	trusts, classes := m.trust[first:end], m.class[first:end]
	factors, tiePairs := m.factor[first:end], m.tiePair[first:end]
	// The ties with a contact this week keep their trust and get a new
	// decay factor; the others decay by theirs. Which is which is as good
	// as random, so the decay is a multiplication by the factor or by 1
	// (which leaves trust unchanged, bit for bit), chosen without a
	// branch, and the ties with a contact are listed for a second loop
	// that computes their factors: without a branch in between, the
	// processor overlaps the exponentials of several ties.
	ws := m.work[w]
	if cap(ws.touched) < len(classes) {
		// Room for twice the chunk, up to a full chunk: a small
		// initiative's scratch stays small, and a growing pool
		// reallocates it a few times at most.
		n := min(tieChunk, 2*len(classes))
		ws.touched, ws.rates = make([]int32, n), make([]float64, n)
	}
	touched := ws.touched[:len(classes)]
	nt := 0
	for k := range classes {
		class := classes[k]
		now := class&classTouched != 0
		f := math.Float32bits(factors[k])
		if now {
			f = one32
		}
		touched[nt] = int32(k)
		nt += b2i(now)
		class &^= classTouched
		trusts[k] *= float64(math.Float32frombits(f))
		trust := trusts[k]
		if trust < drop {
			classes[k] = class | classDropped
			drops = append(drops, int32(first+k))
			continue
		}
		classes[k] = class
		// The class tests are data, not branches: a tie's class is as
		// good as random from one tie to the next, so branches on it
		// would be mispredicted about as often as not. Adding 0·trust
		// leaves a sum unchanged, bit for bit, and adding 1·trust adds
		// trust. The weights 0 and 1 and the counts come from tables
		// indexed by three class bits: cross, funder and free (freeEntry).
		cf := class&(classCross|classFunder) | class&classFree>>5
		all += float64(sumWeight[cf].all * trust)
		funderSum += float64(sumWeight[cf].funder * trust)
		crossSum += float64(sumWeight[cf].cross * trust)
		counts += sumCounts[cf]
		cross := int(cf & classCross)
		// The factor of a partnership tie is written whatever the tie, and
		// kept (np advanced) only for a cross-organization tie at or
		// above partnership.min_trust: a branch on that would be
		// mispredicted as often as the class tests above.
		if np == len(pairs) { // grow; rare once the pool has settled
			pairs = append(pairs, pairFactor{})
			pairs = pairs[:cap(pairs)]
		}
		pairs[np] = pairFactor{tiePairs[k], 1 - float64(weight[class&classLeader/classLeader]*trust)}
		np += cross & b2i(trust >= pp.MinTrust)
	}
	ch.sums = tieSums{
		all: all, cross: crossSum, funder: funderSum,
		nAll: int(counts & countField), nCross: int(counts >> 21 & countField), nFunder: int(counts >> 42 & countField),
	}
	ch.drops, ch.pairs = drops, pairs[:np]
	m.setDecayFactors(w, first, touched[:nt])
}

// setDecayFactors sets the decay factor exp(−δ_ij) of the ties first+k,
// k in touched (sweepChunk), in two loops: the rates (decayRate), which
// read the ties' ends, alignments and trust, and then their
// exponentials, whose loop reads nothing else, so that the processor
// overlaps the exponentials of several ties.
func (m *Model) setDecayFactors(w, first int, touched []int32) {
	rates := m.work[w].rates[:len(touched)]
	for x, k := range touched {
		rates[x] = m.decayRate(first + int(k))
	}
	factors := m.factor[first:]
	for x, k := range touched {
		factors[k] = float32(fmath.Exp(-rates[x]))
	}
}

// sumWeight holds, for the classCross and classFunder bits of a pool
// entry's class and its classFree bit moved to bit 2, the weights 0 or 1
// of its trust in the sweep's totals of all ties, cross ties and funder
// ties, and sumCounts what it adds to the three counts, which share one
// word in fields of 21 bits (a chunk has at most tieChunk ties). A free
// entry has weight 0 everywhere.
var sumWeight, sumCounts = func() (w [8]struct{ all, cross, funder float64 }, n [8]uint64) {
	for cf := range uint64(4) {
		cross, funder := cf&classCross/classCross, cf&classFunder/classFunder
		w[cf].all, w[cf].cross, w[cf].funder = 1, float64(cross), float64(funder)
		n[cf] = 1 | cross<<21 | funder<<42
	}
	return w, n
}()

// countField masks one count of sumCounts.
const countField = 1<<21 - 1

// one32 is the bits of float32(1).
const one32 = 0x3f800000

// sweepPeople removes the dropped ties from the adjacency lists of the
// people of block b, recomputes their sums from their remaining ties —
// summed cross-organization trust (embeddedness) and the co-production
// product Π(1 − T) of a member's ties to nonprofit people — and sorts
// each person's ties to other organizations by trust, strongest first
// (maintained picks from the head of that list).
func (m *Model) sweepPeople(w, b int) {
	first, end := m.block(b)
	ws := m.work[w]
	buf := ws.trust
	drop := m.p.Trust.DropBelow
	trustOf, kindOf := m.trust, m.kindOf
	var touch int32
	for i := first; i < end; i++ {
		if k := i + prefetchAhead; k < end {
			touch += warm(m.xadj[k])
		}
		list := m.xadj[i]
		if cap(buf) < len(list) {
			buf = make([]float64, 2*len(list))
		}
		buf = buf[:len(list)]
		// The classes of ties to other organizations follow from the
		// kinds of the two organizations (kindClass). They are looked up,
		// not branched on, as in sweepChunk: adding 0·trust and
		// multiplying by 1 − 0·trust leave the results unchanged, bit for
		// bit. The trust of each tie is kept in buf for the sort.
		crossW, memberW := &isCross[kindOf[i]], &isMember[kindOf[i]]
		cross, prod := 0.0, 1.0
		if m.dirty[i]&lostColleague != 0 {
			m.adj[i] = m.keepLive(m.adj[i])
		}
		if m.dirty[i]&lostExternal != 0 {
			// i lost a tie to another organization in this sweep: drop
			// the edges of dropped ties while gathering, keeping the
			// order of the others. A tie was dropped by sweepChunk
			// exactly when its trust is below trust.drop_below, so its
			// trust tells, without its class.
			n := 0
			for _, e := range list {
				trust := trustOf[e.tie]
				if trust < drop {
					continue
				}
				kj := kindOf[e.other] & (numKinds - 1)
				cross += float64(crossW[kj] * trust)
				prod *= 1 - float64(memberW[kj]*trust)
				insertByTrust(list, buf, n, e, trust)
				n++
			}
			m.xadj[i] = list[:n]
		} else {
			for x, e := range list {
				trust := trustOf[e.tie]
				kj := kindOf[e.other] & (numKinds - 1)
				cross += float64(crossW[kj] * trust)
				prod *= 1 - float64(memberW[kj]*trust)
				insertByTrust(list, buf, x, e, trust)
			}
		}
		m.crossSum[i], m.memberProd[i] = cross, prod
	}
	ws.trust = buf
	ws.warmed += touch
}

// insertByTrust is one step of the insertion sort that keeps a person's
// ties to other organizations strongest first (sweepPeople): list[:x]
// and their trust buf[:x] are in order, and edge e of trust t goes
// after the ties of at least its trust, those of equal trust keeping
// list order. The order changes little from one week to the next, so
// most ties stay where they are. It may overwrite list[x], which the
// caller has read.
func insertByTrust(list []edge, buf []float64, x int, e edge, t float64) {
	y := x
	for y > 0 && buf[y-1] < t {
		buf[y], list[y] = buf[y-1], list[y-1]
		y--
	}
	buf[y], list[y] = t, e
}

// shrinkLists lets slot i's lists move to smaller blocks once (the first
// call after a sweep that dropped one of i's ties).
func (m *Model) shrinkLists(i int32) {
	if m.dirty[i] != 0 {
		m.dirty[i] = 0
		m.adj[i] = m.edges.shrink(m.adj[i])
		m.xadj[i] = m.edges.shrink(m.xadj[i])
	}
}

// keepLive removes the edges of dropped ties from an adjacency list,
// keeping the order of the others.
func (m *Model) keepLive(list []edge) []edge {
	out := list[:0]
	for _, e := range list {
		if m.class[e.tie]&classDropped == 0 {
			out = append(out, e)
		}
	}
	return out
}

// tieSums are the totals over ties of one sweep, for the metrics.
type tieSums struct {
	all, cross, funder    float64
	nAll, nCross, nFunder int
}

// add adds the totals of o to s.
func (s *tieSums) add(o *tieSums) {
	s.all += o.all
	s.cross += o.cross
	s.funder += o.funder
	s.nAll += o.nAll
	s.nCross += o.nCross
	s.nFunder += o.nFunder
}

// b2i is 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
