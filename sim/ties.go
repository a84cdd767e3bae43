package sim

import "math"

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

// addTie creates a tie between present slots i and j with the given
// trust, reusing a free pool entry when there is one.
func (m *Model) addTie(i, j int32, trust float64) int32 {
	oi, oj := m.org[i], m.org[j]
	ki, kj := m.orgs[oi].kind, m.orgs[oj].kind
	t := tie{a: i, b: j, pair: -1, trust: trust, touched: int32(m.step)}
	if oi != oj {
		t.class |= classExternal
	}
	if oi != oj && ki != Community && kj != Community {
		t.class |= classCross
		t.pair = m.pairIndex(oi, oj)
		if m.role[i] == Leader || m.role[j] == Leader {
			t.class |= classLeader
		}
		if (ki == Funder) != (kj == Funder) { // the other end is a nonprofit or the backbone
			t.class |= classFunder
		}
	}
	if (ki == Community) != (kj == Community) && (ki == Nonprofit || kj == Nonprofit) {
		t.class |= classMember
	}
	var id int32
	if n := len(m.free); n > 0 {
		id = m.free[n-1]
		m.free = m.free[:n-1]
		m.ties[id] = t
	} else {
		id = int32(len(m.ties))
		m.ties = append(m.ties, t)
	}
	li, lj := m.list(i, j), m.list(j, i)
	*li = append(*li, edge{id, j})
	*lj = append(*lj, edge{id, i})
	m.touch(id)
	return id
}

// removeTie deletes tie id from both adjacency lists and frees its entry.
func (m *Model) removeTie(id int32) {
	t := &m.ties[id]
	la, lb := m.list(t.a, t.b), m.list(t.b, t.a)
	*la = without(*la, id)
	*lb = without(*lb, id)
	t.a, t.b = -1, -1
	m.free = append(m.free, id)
}

// without removes tie id from s by moving the last element into its place.
func without(s []edge, id int32) []edge {
	for k, x := range s {
		if x.tie == id {
			last := len(s) - 1
			s[k] = s[last]
			return s[:last]
		}
	}
	return s
}

// touch records a contact on tie id this step and sets its weekly decay
// factor from the trust and alignments now (docs/MODEL.md §7.9):
//
//	δ_ij = δ0 · (1 + c_a·|a_i − a_j|) / (1 + c_T·T_ij),  factor = exp(−δ_ij)
func (m *Model) touch(id int32) {
	t := &m.ties[id]
	tp := &m.p.Trust
	t.touched = int32(m.step)
	d := tp.Decay * (1 + tp.DecayDissimilarity*math.Abs(m.align[t.a]-m.align[t.b])) / (1 + tp.DecayStrengthProtection*t.trust)
	t.factor = math.Exp(-d)
}

// contact is one interaction of hours between i and j (docs/MODEL.md §7.4,
// trust growth and breaks). A first contact creates the tie at
// newTieTrust. The experience
// is bad with probability q_neg = negative_max·(1 − ā) and then cuts trust
// by break_fraction; otherwise trust grows as dT/dH = α·g·(1 − T) with
// g = (1 + ā)/2, integrated exactly over the contact's hours, and the less
// aligned person moves toward the other's alignment.
//
// It reports whether the experience was bad.
func (m *Model) contact(i, j int32, hours float64, dedicated bool, r randSource) (bad bool) {
	if i == j || !m.present[i] || !m.present[j] {
		return false
	}
	id := m.findTie(i, j)
	if id < 0 {
		id = m.addTie(i, j, m.newTieTrust())
	}
	t := &m.ties[id]
	tp := &m.p.Trust
	abar := (m.align[i] + m.align[j]) / 2
	bad = r.Float64() < tp.NegativeMax*(1-abar)
	if bad {
		t.trust -= tp.BreakFraction * t.trust
	} else {
		alpha := tp.GrowthPerHour
		if !dedicated {
			alpha *= tp.WorkDiscount
		}
		g := (1 + abar) / 2
		t.trust += (1 - t.trust) * -math.Expm1(-alpha*g*hours)
		pullAlignment(m.align, i, j, tp.AlignmentPull*t.trust)
	}
	m.touch(id)
	return bad
}

// newTieTrust is the trust of a first acquaintance: twice the drop
// threshold, so that a tie made once survives some weeks without contact.
func (m *Model) newTieTrust() float64 { return math.Min(1, 2*m.p.Trust.DropBelow) }

// pullAlignment moves the less aligned of i and j toward the other by
// the fraction k of their difference ("trusted colleagues pull alignment
// up", docs/MODEL.md §7.6).
func pullAlignment(a []float64, i, j int32, k float64) {
	if a[i] < a[j] {
		a[i] += k * (a[j] - a[i])
	} else {
		a[j] += k * (a[i] - a[j])
	}
}

// randSource is the part of *rand.Rand that contacts draw from.
type randSource interface{ Float64() float64 }

// sweepTies applies a week of decay to every tie without a contact this
// step, drops ties below the threshold, and accumulates the sums the
// metrics, partnerships, co-production and embeddedness need
// (docs/MODEL.md §7.9). It is the only pass over all ties in a step.
func (m *Model) sweepTies() {
	for k := range m.pairs {
		m.pairs[k].prod = 1
	}
	for i := range m.crossSum {
		m.crossSum[i] = 0
		m.memberProd[i] = 1
		m.topN[i] = 0
	}
	min := m.p.Trust.DropBelow
	// The weights are read here, not stored on ties, so that a set event
	// changes them for every tie.
	wLeader, wStaff := m.p.Partnership.LeaderWeight, m.p.Partnership.StaffWeight
	step := int32(m.step)
	m.drops = m.drops[:0]
	m.sums = tieSums{}
	for id := range m.ties {
		t := &m.ties[id]
		if t.a < 0 {
			continue
		}
		if t.touched != step {
			t.trust *= t.factor
		}
		if t.trust < min {
			m.drops = append(m.drops, int32(id))
			continue
		}
		m.sums.all += t.trust
		m.sums.nAll++
		if t.class&classExternal != 0 {
			m.rankTie(t.a, t.b, t.trust)
			m.rankTie(t.b, t.a, t.trust)
		}
		if t.class&classFunder != 0 {
			m.sums.funder += t.trust
			m.sums.nFunder++
		}
		if t.class&classCross != 0 {
			m.sums.cross += t.trust
			m.sums.nCross++
			m.crossSum[t.a] += t.trust
			m.crossSum[t.b] += t.trust
			if t.trust >= m.p.Partnership.MinTrust {
				w := wStaff
				if t.class&classLeader != 0 {
					w = wLeader
				}
				m.pairs[t.pair].prod *= 1 - w*t.trust
			}
		}
		if t.class&classMember != 0 {
			mem := t.a
			if m.role[t.b] == Member {
				mem = t.b
			}
			m.memberProd[mem] *= 1 - t.trust
		}
	}
	for _, id := range m.drops {
		m.removeTie(id)
	}
}

// tieSums are the totals over ties of one sweep, for the metrics.
type tieSums struct {
	all, cross, funder    float64
	nAll, nCross, nFunder int
}
