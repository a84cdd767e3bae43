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
// (docs/MODEL.md §7.2, M3). A contact goes to someone new with
// probability network.explore_probability (always when the person has no
// tie), otherwise to an existing tie chosen uniformly. Someone new is a
// friend of a friend with probability network.introduction_probability,
// otherwise a random person of another organization; either is met only
// if the homophily test exp(−β·|a_i − a_j|) passes.
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
			if len(m.adj[i]) == 0 || r.Float64() < p.Network.ExploreProbability {
				j = m.newContact(int32(i), r)
			} else {
				j = m.neighbor(int32(i), m.adj[i][r.IntN(len(m.adj[i]))])
			}
			if j >= 0 {
				m.contact(int32(i), j, hpc, true, r)
			}
		}
	}
}

// neighbor returns the other end of tie id seen from i.
func (m *Model) neighbor(i, id int32) int32 {
	if t := &m.ties[id]; t.a == i {
		return t.b
	} else {
		return t.a
	}
}

// newContact picks someone new for i to meet, or -1 when the meeting does
// not happen (nobody found, or the homophily test fails).
func (m *Model) newContact(i int32, r *rand.Rand) int32 {
	p := &m.p
	j := int32(-1)
	if len(m.adj[i]) > 0 && r.Float64() < p.Network.IntroductionProbability {
		k := m.neighbor(i, m.adj[i][r.IntN(len(m.adj[i]))])
		if len(m.adj[k]) > 0 {
			j = m.neighbor(k, m.adj[k][r.IntN(len(m.adj[k]))])
		}
		if j >= 0 && m.role[j] == Member && m.role[i] != Member {
			j = -1 // members are met through co-production, not introductions
		}
	} else if len(m.partnerSlots) > 0 {
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
// convening.attendance. Each attendee meets convening.contacts attendees
// of other organizations and is pulled toward the common purpose:
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
	for _, i := range m.attendees {
		for range c.Contacts {
			j := m.attendees[r.IntN(n)]
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
// work contacts a week with a random colleague, at the work discount; each
// engaged community member has community.contacts dedicated contacts with
// nonprofit people (co-production, M10), with someone new with probability
// network.explore_probability, otherwise through an existing tie.
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
				if j := st.first + int32(r.IntN(size)); j != int32(i) {
					m.contact(int32(i), j, hpc, false, r)
				}
			}
			continue
		}
		if !m.engaged(int32(i)) || len(m.serviceSlots) == 0 {
			continue
		}
		for range contactsThisWeek(p.Community.Contacts, r) {
			var j int32
			if len(m.adj[i]) == 0 || r.Float64() < p.Network.ExploreProbability {
				j = m.serviceSlots[r.IntN(len(m.serviceSlots))]
			} else {
				j = m.neighbor(int32(i), m.adj[i][r.IntN(len(m.adj[i]))])
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
