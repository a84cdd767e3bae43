package sim

import (
	"math"

	"github.com/trustsim/trustsim/internal/fmath"
)

// contactsThisWeek turns an expected number of contacts x into a whole
// number: floor(x), plus one with probability x − floor(x).
func contactsThisWeek(x float64, r *stream) int {
	n := math.Floor(x)
	if r.Float64() < x-n {
		n++
	}
	return int(n)
}

// Kinds of contact (contactRec.kind), in the order a person makes them in
// a week.
const (
	kindBuild     = iota // relationship building (§7.2), dedicated
	kindConvene          // at a convening (§7.3), dedicated if convening.relational
	kindWork             // direct work with a colleague (§7.4), at the work discount
	kindCommunity        // co-production with a community member (§7.4), dedicated
)

// contactRec is one contact of the week: proposed by person i with person
// j, then applied to their tie. It is 16 bytes: v holds the kind and a
// 24-bit uniform draw until the contact is applied, and the alignment
// pull it exerts afterwards.
type contactRec struct {
	i, j int32 // proposer and partner
	tie  int32 // the tie i–j; until it is created, -1, or pairRef(k) (plannedPair)
	v    uint32
}

// pairRef is the value of contactRec.tie for a contact that has no tie
// yet between people of organizations whose pair is pairs[k]: -2 − k.
func pairRef(k int32) int32 { return -2 - k }

// plannedPair returns the index in pairs that planning found for the
// organizations of a contact without a tie, or -1 when it found none
// (createTies then looks the pair up, or adds it).
func (c *contactRec) plannedPair() int32 {
	if c.tie <= -2 {
		return -2 - c.tie
	}
	return -1
}

// newContactRec returns a contact of a kind, with the uniform draw u24
// (24 random bits) that decides whether it is a bad experience.
func newContactRec(i, j, tie int32, kind uint8, u24 uint32) contactRec {
	return contactRec{i: i, j: j, tie: tie, v: uint32(kind)<<24 | u24&(1<<24-1)}
}

// kind returns the kind of a contact not yet applied.
func (c *contactRec) kind() uint8 { return uint8(c.v >> 24) }

// draw returns the uniform draw in [0,1) of a contact not yet applied.
func (c *contactRec) draw() float64 { return float64(c.v&(1<<24-1)) / (1 << 24) }

// setPull records, once the contact is applied, the alignment pull k it
// exerts (0 after a bad experience), in single precision.
func (c *contactRec) setPull(k float64) { c.v = math.Float32bits(float32(k)) }

// pull returns the pull recorded by setPull.
func (c *contactRec) pull() float64 { return float64(math.Float32frombits(c.v)) }

// The contacts of the week (docs/MODEL.md §3, §7.2–7.4) run as four
// phases of the step (stepPhases):
//
//  1. plan (planContacts, parallel over person blocks): each person
//     draws, from their own stream, whom they contact this week —
//     relationship building, convening contacts, work and co-production
//     contacts — from the state at the start of the phase;
//  2. create (createTies, sequential, in proposal order): first contacts
//     create their tie;
//  3. apply (applyContacts, parallel over ranges of the tie pool): every
//     tie receives its contacts in proposal order, each growing or
//     breaking trust from the alignments at the start of the phase;
//  4. pull (pullAlignments, sequential, in proposal order): each positive
//     contact pulls the less aligned person toward the other; then
//     convening attendees are pulled toward the common purpose and lose
//     the hours attended.
//
// Proposal order is by proposer slot, then by the order of the
// proposer's draws; no phase depends on the number of workers.

// planContacts decides who attends this week's convening, if one is due,
// and plans everyone's contacts of the week (phase 1).
func (m *Model) planContacts() {
	m.convening = m.conveningNow()
	if m.convening {
		m.forEach(m.nBlocks, (*Model).attendBlock)
		m.attendees = m.attendees[:0]
		step := int32(m.step)
		for i, s := range m.attended {
			if s == step {
				m.attendees = append(m.attendees, int32(i))
			}
		}
	}
	m.forEach(m.nBlocks, (*Model).planBlock)
}

// createTies creates, in proposal order, the tie of every contact whose
// two people have none (phase 2). A contact planned without a tie (c.tie
// < 0) finds one only if an earlier contact of the week created it, and
// then both its people got a new tie in this phase (tieMade); only then
// are their lists searched.
func (m *Model) createTies() {
	step := int32(m.step)
	for a := range m.nBlocks {
		recs := m.recs[a]
		for k := range recs {
			c := &recs[k]
			if c.tie >= 0 {
				continue
			}
			if m.tieMade[c.i] == step && m.tieMade[c.j] == step {
				if id := m.findTie(c.i, c.j); id >= 0 {
					c.tie = id
					continue
				}
			}
			c.tie = m.addTieOfPair(c.i, c.j, m.newTieTrust(), c.plannedPair())
			m.tieMade[c.i], m.tieMade[c.j] = step, step
		}
	}
}

// applyContacts applies every contact of the week to its tie (phase 3).
// A contact reads the alignments, which no contact changes in this
// phase, and reads and writes its own tie and its own record only, so
// contacts on different ties can be applied in any order: each tie needs
// its own contacts in proposal order, no more. One worker applies them
// all in proposal order; several split the tie pool into as many ranges
// (applyRange), each taking the contacts of its ties, in proposal order.
// Which worker applies a contact cannot change what it computes.
func (m *Model) applyContacts() {
	if m.workers <= 1 {
		for a := range m.nBlocks {
			recs := m.recs[a]
			for k := range recs {
				m.applyContact(&recs[k])
			}
		}
		return
	}
	m.forEach(m.workers, (*Model).applyRange)
}

// applyRange applies, in proposal order, the week's contacts on the ties
// of part k of m.workers equal ranges of the tie pool (applyContacts).
func (m *Model) applyRange(_, k int) {
	n := len(m.ties)
	lo, hi := int32(k*n/m.workers), int32((k+1)*n/m.workers)
	for a := range m.nBlocks {
		recs := m.recs[a]
		for x := range recs {
			if c := &recs[x]; c.tie >= lo && c.tie < hi {
				m.applyContact(c)
			}
		}
	}
}

// pullAlignments applies the alignment pulls of the week's positive
// contacts in proposal order, then the convening's pull and cost to its
// attendees (phase 4).
func (m *Model) pullAlignments() {
	for a := range m.nBlocks {
		for _, c := range m.recs[a] {
			if k := c.pull(); k > 0 {
				pullAlignment(m.align, c.i, c.j, k)
			}
		}
	}
	if m.convening && len(m.attendees) >= 2 {
		c := &m.p.Convening
		for _, i := range m.attendees {
			m.align[i] += float64(c.AlignmentPull * (1 - m.align[i]))
			m.convLoss[m.org[i]] += float64(c.Hours * m.p.Results.Productivity[m.role[i]])
		}
	}
}

// planBlock draws the contacts of the week of the people of block b
// (planContacts).
func (m *Model) planBlock(w, b int) {
	recs := m.recs[b][:0]
	first, end := m.block(b)
	var touch int32
	for i := first; i < end; i++ {
		if k := i + prefetchAhead; k < end {
			touch += warm(m.xadj[k]) + warm(m.adj[k])
		}
		if !m.present[i] {
			continue
		}
		r := m.personStream(w, i, purposeContacts)
		recs = m.buildContacts(recs, i, r)
		if m.attended[i] == int32(m.step) && len(m.attendees) >= 2 {
			recs = m.conveningContacts(recs, i, r)
		}
		recs = m.workContacts(recs, i, r)
	}
	m.recs[b] = recs
	m.work[w].warmed += touch
}

// prefetchAhead is how many people ahead the loops over people in
// planBlock and sweepPeople read the start of a list (warm).
const prefetchAhead = 8

// warm reads the first edge of list, if it has one, so that its cache
// line is on its way some people before the list is needed: the lists
// of consecutive people lie anywhere in the arena, where the hardware
// cannot guess them, and finding a list takes two dependent loads (its
// header, then its edges). The callers add the result to their worker's
// warmed, so that the compiler keeps the read.
func warm(list []edge) int32 {
	if len(list) == 0 {
		return 0
	}
	return list[0].tie
}

// propose appends the contact of i with j, unless j is i or absent. tie
// is their tie when the caller knows it (a contact through a tie), else
// -1, and propose looks it up; when they have none yet and work for two
// organizations whose ties count in a partnership, it also looks up
// their pair of organizations, so that createTies, which runs alone, need
// not (pairRef).
func (m *Model) propose(recs []contactRec, i, j, tie int32, kind uint8, r *stream) []contactRec {
	if j < 0 || j == i || !m.present[j] {
		return recs
	}
	if tie < 0 {
		if tie = m.findTie(i, j); tie < 0 {
			tie = m.knownPair(i, j)
		}
	}
	return append(recs, newContactRec(i, j, tie, kind, r.Uint32()>>8))
}

// knownPair returns pairRef of the pair of organizations of i and j when
// a tie between them would be a cross-organization tie (classCross) and
// the pair has had a tie before, else -1. It only reads pairOf, so
// planning's workers may call it at once.
func (m *Model) knownPair(i, j int32) int32 {
	oi, oj := m.org[i], m.org[j]
	if oi == oj || kindClass[m.kindOf[i]][m.kindOf[j]]&classCross == 0 {
		return -1
	}
	if k, ok := m.pairOf[pairKey(oi, oj)]; ok {
		return pairRef(k)
	}
	return -1
}

// buildContacts spends i's relationship-building hours, s_i·H_i per week,
// on contacts of network.hours_per_contact each (docs/MODEL.md §7.2, M3).
// A contact seeks someone new (newContact) with probability
// network.explore_probability; when it does not, or finds nobody, it goes
// to an existing tie chosen by maintained, and a person with no tie to
// another organization tries newContact once more.
func (m *Model) buildContacts(recs []contactRec, i int32, r *stream) []contactRec {
	p := &m.p
	share := m.position(i).share
	if share == 0 {
		return recs
	}
	n := contactsThisWeek(share*p.Results.HoursPerWeek[m.role[i]]/p.Network.HoursPerContact, r)
	for range n {
		j, tie := int32(-1), int32(-1)
		if r.Float64() < p.Network.ExploreProbability {
			j = m.newContact(i, r)
		}
		if j < 0 {
			if j, tie = m.maintained(i, r); j < 0 {
				j = m.newContact(i, r)
			}
		}
		recs = m.propose(recs, i, j, tie, kindBuild, r)
	}
	return recs
}

// maintained picks whom i spends a maintenance contact on: the other end
// of one of i's k strongest ties to people of other organizations (k =
// network.maintenance_focus), uniformly, so that time goes to the
// partnerships that matter most and a crowd of weak acquaintances does
// not dilute it (docs/MODEL.md §7.2). Colleague ties are kept up by work
// contacts instead. "Strongest" is as of the last sweep (the end of the
// previous step), which sorts the list by trust: people plan their week
// from how things stood last week. Ties lost since (a departure event
// earlier in this step) are gone from the list, and the others keep their
// order. It returns the person and the tie, or -1, -1 when i has no such
// tie.
func (m *Model) maintained(i int32, r *stream) (j, tie int32) {
	list := m.xadj[i]
	n := min(len(list), m.p.Network.MaintenanceFocus)
	if n == 0 {
		return -1, -1
	}
	e := list[r.IntN(n)]
	return e.other, e.tie
}

// anyNeighbor returns the other end of one of i's ties, all ties equally
// likely; i must have one.
func (m *Model) anyNeighbor(i int32, r *stream) int32 {
	k := r.IntN(len(m.adj[i]) + len(m.xadj[i]))
	if k < len(m.adj[i]) {
		return m.adj[i][k].other
	}
	return m.xadj[i][k-len(m.adj[i])].other
}

// newContact picks someone new for i to meet, or -1 when nobody new is
// found. Someone new comes through an introduction by a friend with
// probability network.introduction_probability (a random tie of a random
// tie), otherwise cold, a random person of another organization, with
// probability network.cold_contact_probability; either is met only if the
// homophily test exp(−β·|a_i − a_j|) passes. Convenings are the other
// way to meet people (conveningContacts).
func (m *Model) newContact(i int32, r *stream) int32 {
	p := &m.p
	j := int32(-1)
	if m.Degree(int(i)) > 0 && r.Float64() < p.Network.IntroductionProbability {
		k := m.anyNeighbor(i, r)
		if m.Degree(int(k)) > 0 {
			j = m.anyNeighbor(k, r)
		}
		if j >= 0 && m.role[j] == Member && m.role[i] != Member {
			j = -1 // members are met through co-production, not introductions
		}
	} else if others := int32(len(m.partnerSlots)) - m.partnerCount[m.org[i]]; others > 0 && r.Float64() < p.Network.ColdContactProbability {
		// A position of another non-community organization, uniformly:
		// the draw skips i's own organization's run of partnerSlots.
		k := r.Int32N(others)
		if k >= m.partnerFrom[m.org[i]] {
			k += m.partnerCount[m.org[i]]
		}
		j = m.partnerSlots[k]
	}
	if j < 0 || j == i || !m.present[j] {
		return -1
	}
	if r.Float64() >= fmath.Exp(-p.Network.Homophily*math.Abs(m.align[i]-m.align[j])) {
		return -1
	}
	return j
}

// conveningNow reports whether the backbone holds a convening this week:
// every convening.interval weeks while a backbone organization has someone
// in post (docs/MODEL.md §7.3, M4).
func (m *Model) conveningNow() bool {
	c := &m.p.Convening
	if c.Interval <= 0 {
		return false
	}
	// The calendar counts from recorded week 0 (weeks 0, interval, ...),
	// and back from it through the warm-up.
	w := m.Week() % c.Interval
	return w == 0 && m.backboneInPost()
}

// attendBlock decides who of block b attends this week's convening
// (docs/MODEL.md §7.3): invited are the roles in convening.attend from
// every organization in the initiative, funder people only under the
// partnership model and community members only when engaged; each attends
// with probability convening.attendance.
func (m *Model) attendBlock(w, b int) {
	p := &m.p
	c := &p.Convening
	first, end := m.block(b)
	for i := first; i < end; i++ {
		if !m.present[i] {
			continue
		}
		kind := m.orgs[m.org[i]].kind
		role := m.role[i]
		invited := c.Attend[role] &&
			(kind != Funder || p.Policy.FunderModel == Partnership) &&
			(role != Member || m.engaged(i))
		if invited && m.personStream(w, i, purposeAttend).Float64() < c.Attendance {
			m.attended[i] = int32(m.step)
		}
	}
}

// conveningContacts are attendee i's convening.contacts contacts with
// attendees of other organizations (docs/MODEL.md §7.3): someone already
// known who attends (chosen as in maintained) with probability
// 1 − network.explore_probability, otherwise a random attendee.
func (m *Model) conveningContacts(recs []contactRec, i int32, r *stream) []contactRec {
	p := &m.p
	step := int32(m.step)
	for range p.Convening.Contacts {
		j, tie := int32(-1), int32(-1)
		if r.Float64() >= p.Network.ExploreProbability {
			if k, kt := m.maintained(i, r); k >= 0 && m.attended[k] == step {
				j, tie = k, kt
			}
		}
		if j < 0 {
			j = m.attendees[r.IntN(len(m.attendees))]
		}
		if m.org[j] != m.org[i] {
			recs = m.propose(recs, i, j, tie, kindConvene, r)
		}
	}
	return recs
}

func (m *Model) backboneInPost() bool {
	for oi := range m.orgs {
		st := &m.orgs[oi]
		if st.kind != Backbone || !st.in {
			continue
		}
		for i := st.first; i < st.end; i++ {
			if m.present[i] {
				return true
			}
		}
	}
	return false
}

func (m *Model) engaged(i int32) bool { return m.engageDraw[i] < m.p.Policy.Engagement }

// workContacts are i's contacts of direct work (docs/MODEL.md §7.4): a
// person of a non-community organization has network.colleague_contacts
// work contacts a week, at the work discount, with a random colleague with
// probability network.explore_probability (or when they have no colleague
// tie), otherwise with a colleague they already have a tie to; an engaged
// community member has community.contacts dedicated contacts with
// nonprofit people (co-production, M10): someone new with probability
// network.explore_probability, otherwise a tie chosen by maintained.
func (m *Model) workContacts(recs []contactRec, i int32, r *stream) []contactRec {
	p := &m.p
	st := &m.orgs[m.org[i]]
	if st.kind != Community {
		size := int(st.end - st.first)
		for range contactsThisWeek(p.Network.ColleagueContacts, r) {
			if len(m.adj[i]) == 0 || r.Float64() < p.Network.ExploreProbability {
				recs = m.propose(recs, i, st.first+int32(r.IntN(size)), -1, kindWork, r)
			} else {
				e := m.adj[i][r.IntN(len(m.adj[i]))]
				recs = m.propose(recs, i, e.other, e.tie, kindWork, r)
			}
		}
		return recs
	}
	if !m.engaged(i) || len(m.serviceSlots) == 0 {
		return recs
	}
	for range contactsThisWeek(p.Community.Contacts, r) {
		j, tie := int32(-1), int32(-1)
		if r.Float64() >= p.Network.ExploreProbability {
			j, tie = m.maintained(i, r)
		}
		if j < 0 {
			j = m.serviceSlots[r.IntN(len(m.serviceSlots))]
		}
		recs = m.propose(recs, i, j, tie, kindCommunity, r)
	}
	return recs
}

// relaxAlignment returns every person's alignment toward their own
// baseline at alignment.relaxation per week (docs/MODEL.md §7.6):
// a ← a + ρ·(b − a). Each person's update is their own, so the person
// blocks are relaxed in parallel (relaxBlock).
func (m *Model) relaxAlignment() { m.forEach(m.nBlocks, (*Model).relaxBlock) }

// relaxBlock relaxes the alignments of the people of block b
// (relaxAlignment).
func (m *Model) relaxBlock(_, b int) {
	rho := m.p.Alignment.Relaxation
	first, end := m.block(b)
	align, baseline, present := m.align[first:end], m.baseline[first:end], m.present[first:end]
	for i := range align {
		if present[i] {
			align[i] += float64(rho * (baseline[i] - align[i]))
		}
	}
}
