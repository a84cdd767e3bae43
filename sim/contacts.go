package sim

import (
	"math"
	"math/rand/v2"
)

// contactsThisWeek turns an expected number of contacts x into a whole
// number: floor(x), plus one with probability x − floor(x).
func contactsThisWeek(x float64, r *rand.Rand) int {
	n := math.Floor(x)
	if r.Float64() < x-n {
		n++
	}
	return int(n)
}

// buildRelationships spends each person's relationship-building hours,
// s_i·H_i per week, on contacts of network.hours_per_contact each
// (docs/MODEL.md §7.2, M3). A contact seeks someone new (newContact) with
// probability network.explore_probability; when it does not, or finds
// nobody, it goes to an existing tie chosen by maintained, and a person
// with no tie to another organization tries newContact once more.
func (m *Model) buildRelationships() {
	p := &m.p
	r := m.rInteract
	hpc := p.Network.HoursPerContact
	for i := range m.org {
		if !m.present[i] || m.share[i] == 0 {
			continue
		}
		n := contactsThisWeek(m.share[i]*p.Results.HoursPerWeek[m.role[i]]/hpc, r)
		for range n {
			j := int32(-1)
			if r.Float64() < p.Network.ExploreProbability {
				j = m.newContact(int32(i), r)
			}
			if j < 0 {
				if j = m.maintained(int32(i), r); j < 0 {
					j = m.newContact(int32(i), r)
				}
			}
			if j >= 0 {
				m.contact(int32(i), j, hpc, true, r)
			}
		}
	}
}

// maintained picks whom i spends a maintenance contact on: the other end
// of one of i's k strongest ties to people of other organizations (k =
// network.maintenance_focus), uniformly, so that time goes to the
// partnerships that matter most and a crowd of weak acquaintances does
// not dilute it (docs/MODEL.md §7.2). Colleague ties are kept up by work
// contacts instead. "Strongest" is as of the last sweep (the end of the
// previous step): people plan their week from how things stood last week.
// It returns -1 when i had no such tie then, or when the one picked has
// since left (a departure event earlier in this step).
func (m *Model) maintained(i int32, r *rand.Rand) int32 {
	n := int(m.topN[i])
	if n == 0 {
		return -1
	}
	j := m.topK[int(i)*m.p.Network.MaintenanceFocus+r.IntN(n)]
	if !m.present[j] {
		return -1
	}
	return j
}

// rankTie offers the tie of trust t between i and j to i's list of
// strongest ties to other organizations (used by sweepTies).
func (m *Model) rankTie(i, j int32, t float64) {
	k := m.p.Network.MaintenanceFocus
	base := int(i) * k
	n := int(m.topN[i])
	if n == k {
		if t <= m.topT[base+k-1] {
			return
		}
		n-- // drop the weakest
	} else {
		m.topN[i]++
	}
	// Insertion: shift weaker entries down. Ties keep sweep order.
	p := base + n
	for p > base && m.topT[p-1] < t {
		m.topK[p], m.topT[p] = m.topK[p-1], m.topT[p-1]
		p--
	}
	m.topK[p], m.topT[p] = j, t
}

// anyNeighbor returns the other end of one of i's ties, all ties equally
// likely; i must have one.
func (m *Model) anyNeighbor(i int32, r *rand.Rand) int32 {
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
// way to meet people (convene).
func (m *Model) newContact(i int32, r *rand.Rand) int32 {
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
	} else if len(m.partnerSlots) > 0 && r.Float64() < p.Network.ColdContactProbability {
		j = m.partnerSlots[r.IntN(len(m.partnerSlots))]
		if m.org[j] == m.org[i] {
			j = -1
		}
	}
	if j < 0 || j == i || !m.present[j] {
		return -1
	}
	if r.Float64() >= math.Exp(-p.Network.Homophily*math.Abs(m.align[i]-m.align[j])) {
		return -1
	}
	return j
}

// convene runs a backbone convening every convening.interval weeks while
// a backbone organization has someone in post (docs/MODEL.md §7.3, M4).
// Invited are the roles in convening.attend from every organization in the
// initiative, funder people only under the partnership model and
// community members only when engaged; each attends with probability
// convening.attendance. Each attendee has convening.contacts contacts with attendees
// of other organizations: someone already known who attends (chosen as in
// maintained) with probability 1 − network.explore_probability, otherwise
// a random attendee. Each attendee is pulled toward the common purpose:
// a ← a + ω·(1 − a). Attending costs convening.hours of direct work.
func (m *Model) convene() {
	p := &m.p
	c := &p.Convening
	if c.Interval == 0 || m.step%c.Interval != 0 || !m.backboneInPost() {
		return
	}
	r := m.rConvene
	m.attendees = m.attendees[:0]
	for i := range m.org {
		if !m.present[i] {
			continue
		}
		kind := m.orgs[m.org[i]].kind
		role := m.role[i]
		invited := c.Attend[role] &&
			(kind != Funder || p.Policy.FunderModel == Partnership) &&
			(role != Member || m.engaged(int32(i)))
		// Draw for everyone present so invitations do not shift the stream.
		if u := r.Float64(); invited && u < c.Attendance {
			m.attendees = append(m.attendees, int32(i))
		}
	}
	n := len(m.attendees)
	if n < 2 {
		return
	}
	step := int32(m.step)
	for _, i := range m.attendees {
		m.attended[i] = step
	}
	for _, i := range m.attendees {
		for range c.Contacts {
			// Catch up with someone already known who is there, or meet someone new.
			j := int32(-1)
			if r.Float64() >= p.Network.ExploreProbability {
				if k := m.maintained(i, r); k >= 0 && m.attended[k] == step {
					j = k
				}
			}
			if j < 0 {
				j = m.attendees[r.IntN(n)]
			}
			if m.org[j] != m.org[i] {
				m.contact(i, j, p.Network.HoursPerContact, c.Relational, r)
			}
		}
		m.align[i] += c.AlignmentPull * (1 - m.align[i])
		m.convLoss[m.org[i]] += c.Hours * p.Results.Productivity[m.role[i]]
	}
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

// workContacts are the contacts of direct work (docs/MODEL.md §7.4): each
// person of a non-community organization has network.colleague_contacts
// work contacts a week, at the work discount, with a random colleague with
// probability network.explore_probability (or when they have no colleague
// tie), otherwise with a colleague they already have a tie to; each
// engaged community member has community.contacts dedicated contacts with
// nonprofit people (co-production, M10): someone new with probability
// network.explore_probability, otherwise a tie chosen by maintained.
func (m *Model) workContacts() {
	p := &m.p
	r := m.rInteract
	hpc := p.Network.HoursPerContact
	for i := range m.org {
		if !m.present[i] {
			continue
		}
		st := &m.orgs[m.org[i]]
		if st.kind != Community {
			size := int(st.end - st.first)
			for range contactsThisWeek(p.Network.ColleagueContacts, r) {
				var j int32
				if len(m.adj[i]) == 0 || r.Float64() < p.Network.ExploreProbability {
					j = st.first + int32(r.IntN(size))
				} else {
					j = m.adj[i][r.IntN(len(m.adj[i]))].other
				}
				if j != int32(i) {
					m.contact(int32(i), j, hpc, false, r)
				}
			}
			continue
		}
		if !m.engaged(int32(i)) || len(m.serviceSlots) == 0 {
			continue
		}
		for range contactsThisWeek(p.Community.Contacts, r) {
			j := int32(-1)
			if r.Float64() >= p.Network.ExploreProbability {
				j = m.maintained(int32(i), r)
			}
			if j < 0 {
				j = m.serviceSlots[r.IntN(len(m.serviceSlots))]
			}
			m.contact(int32(i), j, hpc, true, r)
		}
	}
}

// relaxAlignment returns every person's alignment toward their own
// baseline at alignment.relaxation per week (docs/MODEL.md §7.6):
// a ← a + ρ·(b − a).
func (m *Model) relaxAlignment() {
	rho := m.p.Alignment.Relaxation
	for i := range m.align {
		if m.present[i] {
			m.align[i] += rho * (m.baseline[i] - m.align[i])
		}
	}
}
