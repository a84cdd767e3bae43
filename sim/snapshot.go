package sim

// Network snapshots: a read-only copy of the people, ties, partnerships
// and arrangements of a run at the end of a step, for the network tables,
// GraphML files and story.html that package output writes. Taking a
// snapshot reads the model and changes nothing, so a run that records
// snapshots has the same metrics, bit for bit, as one that does not.

// Snapshot is the network of a run at the end of one step. Its slices are
// reused by the next Snapshot call into the same value.
type Snapshot struct {
	// Step is the recorded week just completed, as in Metrics.Step
	// (negative during the warm-up).
	Step int
	// People has one entry per slot (position), in slot order, filled
	// or not.
	People []PersonSnap
	// Ties are the ties, each once, ordered by their ends (A < B).
	Ties []TieSnap
	// Partnerships are the organization pairs that have ever had a tie
	// between them, in the order their first tie formed; every other
	// pair has strength 0.
	Partnerships []PartnershipSnap
	// Arrangements holds whether each joint arrangement of
	// Params.Arrangement is in force, in that order.
	Arrangements []bool
}

// PersonSnap is one slot: the position and the person holding it.
type PersonSnap struct {
	// Slot is the slot's index (Model.PersonAt).
	Slot int
	// Org is the index of the slot's organization in Params.Orgs.
	Org  int
	Role Role
	// Present reports whether the position is filled; the fields below
	// describe its current (or last) holder.
	Present bool
	// InInitiative reports whether the organization is in the
	// initiative now (an organization that joins later is not yet).
	InInitiative bool
	// Tenure is the weeks in post.
	Tenure int
	// Alignment is the person's alignment a_i in [0, 1].
	Alignment float64
	// Generation is how many people have held the slot (1 for the
	// first); a successor has the next number.
	Generation int
}

// TieSnap is one undirected tie between the people in slots A < B.
type TieSnap struct {
	A, B  int
	Trust float64
	// External reports that A and B are in different organizations.
	External bool
	// CrossOrg reports that A and B are in different organizations,
	// neither a community organization: the ties that the metrics
	// cross_org_ties and cross_org_trust count.
	CrossOrg bool
}

// PartnershipSnap is the partnership between organizations A < B
// (indices in Params.Orgs).
type PartnershipSnap struct {
	A, B int
	// Strength is P* (docs/MODEL.md §7.10).
	Strength float64
	// Active reports Strength ≥ partnership.active_threshold while both
	// organizations can be partners.
	Active bool
}

// Snapshot fills dst with the network as the last step left it, reusing
// dst's slices. It reads the model only.
func (m *Model) Snapshot(dst *Snapshot) {
	dst.Step = m.Week() - 1
	dst.People = dst.People[:0]
	for i := range m.org {
		dst.People = append(dst.People, PersonSnap{
			Slot:         i,
			Org:          int(m.org[i]),
			Role:         m.role[i],
			Present:      m.present[i],
			InInitiative: m.orgs[m.org[i]].in,
			Tenure:       int(m.tenure[i]),
			Alignment:    m.align[i],
			Generation:   int(m.gen[i]),
		})
	}
	// Walking each slot's lists and keeping the ties to higher slots
	// gives every tie once, in order of its ends, whatever the pool's
	// order of reuse.
	dst.Ties = dst.Ties[:0]
	for i := range m.adj {
		for _, list := range [2][]edge{m.adj[i], m.xadj[i]} {
			for _, e := range list {
				if int(e.other) > i {
					c := m.class[e.tie]
					dst.Ties = append(dst.Ties, TieSnap{
						A: i, B: int(e.other), Trust: m.trust[e.tie],
						External: c&classExternal != 0, CrossOrg: c&classCross != 0,
					})
				}
			}
		}
	}
	sortTies(dst.Ties)
	dst.Partnerships = dst.Partnerships[:0]
	for _, pr := range m.pairs {
		dst.Partnerships = append(dst.Partnerships, PartnershipSnap{A: int(pr.a), B: int(pr.b), Strength: pr.strength, Active: pr.active})
	}
	dst.Arrangements = dst.Arrangements[:0]
	for k := range m.arr {
		dst.Arrangements = append(dst.Arrangements, m.arr[k].status == arrActive)
	}
}

// sortTies orders the ties of one slot's two lists, which are each in
// their own order, by the other end: an insertion sort within the runs
// of equal A, which are short (a person's ties).
func sortTies(t []TieSnap) {
	for i := 1; i < len(t); i++ {
		for j := i; j > 0 && t[j].A == t[j-1].A && t[j].B < t[j-1].B; j-- {
			t[j], t[j-1] = t[j-1], t[j]
		}
	}
}

// Change is a departure or an arrival in one slot between two snapshots.
type Change struct {
	// Step is the step of the later snapshot.
	Step int
	Slot int
	// Arrival is true for a person taking up the slot, false for one
	// leaving it.
	Arrival bool
	// Generation is the number of the person who left or arrived.
	Generation int
}

// Changes appends to dst the departures and arrivals between the
// snapshots prev and cur of the same run, slot by slot: each person who
// was present in prev and is not in cur, or has been succeeded since,
// left; each person present in cur who was not in prev arrived; the
// people who came and went in between, told apart by their generation
// numbers, did both. Departures come before arrivals within a slot.
// With snapshots every step, this is every departure and arrival.
func Changes(dst []Change, prev, cur *Snapshot) []Change {
	for i := range cur.People {
		c := &cur.People[i]
		p := &prev.People[i]
		first := p.Generation + 1 // the first person to arrive after prev
		if p.Present && (c.Generation != p.Generation || !c.Present) {
			dst = append(dst, Change{Step: cur.Step, Slot: i, Generation: p.Generation})
		}
		last := c.Generation // the last person who arrived by cur
		for g := first; g <= last; g++ {
			if g < last || !c.Present {
				// Came and went between the snapshots.
				dst = append(dst, Change{Step: cur.Step, Slot: i, Arrival: true, Generation: g},
					Change{Step: cur.Step, Slot: i, Generation: g})
				continue
			}
			dst = append(dst, Change{Step: cur.Step, Slot: i, Arrival: true, Generation: g})
		}
	}
	return dst
}
