package sim

import (
	"math"

	"github.com/trustsim/trustsim/internal/fmath"
)

// applyEvents applies the scheduled events of this step in scenario order
// (docs/MODEL.md §7.1, M12).
func (m *Model) applyEvents() {
	for m.nextEv < len(m.events) && m.events[m.nextEv].Step == m.Week() {
		e := m.events[m.nextEv]
		m.nextEv++
		switch e.Kind {
		case Leave:
			oi := m.p.OrgIndex(e.Who.Org)
			st := &m.orgs[oi]
			first := st.roleStart[e.Who.Role]
			last := first + int32(m.p.Orgs[oi].Positions[e.Who.Role])
			if e.Who.Index >= 0 {
				first = st.roleStart[e.Who.Role] + int32(e.Who.Index)
				last = first + 1
			}
			for i := first; i < last; i++ {
				if m.present[i] {
					// A scheduled departure is turnover too (§7.11).
					m.atRisk[m.role[i]]++
					m.leftRole[m.role[i]]++
					m.depart(i, true)
				}
			}
		case Join:
			st := &m.orgs[m.p.OrgIndex(e.Org)]
			if !st.in {
				st.in = true
				for i := st.first; i < st.end; i++ {
					m.vacantUntil[i] = int32(m.step)
				}
			}
		case Exit:
			oi := int32(m.p.OrgIndex(e.Org))
			st := &m.orgs[oi]
			st.in = false
			for i := st.first; i < st.end; i++ {
				if m.present[i] {
					m.depart(i, false)
				}
				m.vacantUntil[i] = -1
				m.dropPending(i)
			}
			for k := range m.arr {
				if a := &m.arr[k]; m.org[a.a] == oi || m.org[a.b] == oi {
					a.status = arrEnded
				}
			}
		case Set:
			// Validated by Params.Validate; cannot fail here.
			_ = m.p.Set(e.Param, e.Value)
			m.refresh()
		}
	}
}

// leave draws, for every slot in index order, whether its holder leaves
// this step (docs/MODEL.md §7.7, M6). The weekly hazard of person i in
// position group g (an organization and a role) is
//
//	h_i = (p_g/52) · w_i / w̄_g,   w_i = exp(−η·E_i)
//
// with p_g the group's annual turnover, E_i the person's summed
// cross-organization trust at the last sweep (embeddedness; η =
// turnover.embeddedness, 0 turns it off) and w̄_g the mean of w over the
// group's people in post. Embeddedness thus decides who leaves, not how
// many: the group's expected departures are p_g/52 per person in post and
// week, the rate the user set. One draw is consumed per slot whether or
// not it is filled, so that two runs with the same seed see the same draws
// whatever else differs between them.
func (m *Model) leave() {
	eta := m.p.Turnover.Embeddedness
	if eta > 0 {
		m.leaveWeights(eta)
	}
	// People in post and leavers are counted per role here and added to
	// the run's totals once: sums of whole numbers are exact in any order.
	var atRisk, left [NumRoles]int
	for i := range m.org {
		u := m.rLeave.Float64()
		if !m.present[i] {
			continue
		}
		role := m.role[i]
		atRisk[role]++
		h := m.position(int32(i)).hazard
		if eta > 0 {
			g := m.group(int32(i))
			h = min(1, h*float64(m.leaveW[i]*m.groupN[g])/m.groupW[g])
		}
		if u < h {
			left[role]++
			m.depart(int32(i), true)
		} else {
			m.tenure[i]++
		}
	}
	for r := range NumRoles {
		m.atRisk[r] += float64(atRisk[r])
		m.leftRole[r] += float64(left[r])
	}
}

// leaveWeights sets each present person's embeddedness weight
// w_i = exp(−η·E_i) and, per position group, the sum of the weights and
// the number of people in post (leave). A group's slots are contiguous,
// so its sums are taken in local variables, in slot order. The
// exponentials come first, in a loop of their own, so that the processor
// overlaps several.
func (m *Model) leaveWeights(eta float64) {
	for i, e := range m.crossSum {
		w := 1.0
		if e > 0 && m.present[i] {
			w = fmath.Exp(-eta * e)
		}
		m.leaveW[i] = w
	}
	for oi := range m.orgs {
		st := &m.orgs[oi]
		for r := Role(0); r < NumRoles; r++ {
			end := st.end
			if r+1 < NumRoles {
				end = st.roleStart[r+1]
			}
			sum, n := 0.0, 0.0
			for i := st.roleStart[r]; i < end; i++ {
				if m.present[i] {
					sum += m.leaveW[i]
					n++
				}
			}
			g := oi*int(NumRoles) + int(r)
			m.groupW[g], m.groupN[g] = sum, n
		}
	}
}

// group returns the position group (organization and role) of slot i, the
// index of m.positions, m.groupW and m.groupN.
func (m *Model) group(i int32) int { return int(m.org[i])*int(NumRoles) + int(m.role[i]) }

// depart removes the person in slot i: their ties are deleted, the
// partnerships those ties served are marked for reset detection, the
// arrangements they champion go to review, and, when refilled is true, a
// successor is scheduled after a vacancy of geometric length (at least
// one week) with mean vacancy_weeks. With a handoff policy
// (policy.handoff_share > 0) each of the leaver's ties to people of other
// organizations (cross-organization and community-member ties) is handed
// over with probability policy.handoff_coverage (M8); community members
// hand nothing over.
func (m *Model) depart(i int32, refilled bool) {
	p := &m.p
	m.departures++
	// Community members hand nothing over: they have no successor in post.
	handoff := refilled && p.Policy.HandoffShare > 0 && m.role[i] != Member
	m.dropPending(i)
	var pending []handoffTie
	var rh *stream
	if handoff {
		pending = m.spareHandoffs()
		rh = m.eventStream(purposeHandoff, i)
	}
	// Start fetching the other ends' lists, which the removals below
	// reach one after another.
	var touch int32
	for _, e := range m.xadj[i] {
		touch += warm(m.xadj[e.other])
	}
	for _, e := range m.adj[i] {
		touch += warm(m.adj[e.other])
	}
	m.work[0].warmed += touch
	for m.Degree(int(i)) > 0 {
		list := m.xadj[i]
		if len(list) == 0 {
			list = m.adj[i]
		}
		e := list[len(list)-1]
		id := e.tie
		if k := m.tiePair[id]; k >= 0 {
			m.pairs[k].touched = true
		}
		if handoff && m.class[id]&(classCross|classMember) != 0 && rh.Float64() < p.Policy.HandoffCoverage {
			pending = append(pending, handoffTie{to: e.other, gen: m.gen[e.other], trust: m.trust[id]})
		}
		m.removeTie(id)
	}
	if len(pending) > 0 {
		m.pending[i] = pending
	} else if pending != nil {
		m.spare = append(m.spare, pending)
	}
	m.edges.put(m.adj[i])
	m.edges.put(m.xadj[i])
	m.adj[i], m.xadj[i] = nil, nil
	m.present[i] = false
	m.crossSum[i] = 0
	for k := range m.arr {
		a := &m.arr[k]
		if a.status == arrEnded || (a.a != i && a.b != i) {
			continue
		}
		a.status = arrReview
		if a.a == i {
			a.review[0] = true
		} else {
			a.review[1] = true
		}
	}
	if !refilled {
		return
	}
	// Vacancy length V ≥ 1 week, geometric with mean max(1, vacancy_weeks):
	// P(V ≥ k) = q^(k−1), q = 1 − 1/mean. The successor arrives in step t+V,
	// so the position is empty at the end of V steps.
	mean := max(1, p.Orgs[m.org[i]].VacancyWeeks)
	v := 1
	if mean > 1 {
		q := 1 - 1/mean
		v += int(math.Floor(fmath.Log(1-float64(m.eventStream(purposeVacancy, i).Float64())) / fmath.Log(q)))
	}
	m.vacantUntil[i] = int32(m.step + v)
}

// succeed fills every position whose vacancy ends this step (docs/MODEL.md
// §7.8). The successor arrives with no ties ("assume the partnership
// re-sets to zero") except those a warm handoff passes on: for each
// handed-over tie whose other end is still the same person, a tie with
// trust policy.handoff_share × the leaver's trust.
func (m *Model) succeed() {
	step := int32(m.step)
	for i := range m.org {
		if m.present[i] || m.vacantUntil[i] != step {
			continue
		}
		m.vacantUntil[i] = -1
		m.arrive(int32(i))
		share := m.p.Policy.HandoffShare
		for _, h := range m.pending[int32(i)] {
			if m.present[h.to] && m.gen[h.to] == h.gen && h.trust*share >= m.p.Trust.DropBelow {
				m.setTrust(int32(i), h.to, h.trust*share)
			}
		}
		if len(m.pending[int32(i)]) > 0 {
			m.handedOver[i] = share
		}
		m.dropPending(int32(i))
	}
	m.reviewArrangements()
}

// arrive puts a new person into slot i: alignment drawn from the
// organization's hiring distribution, truncated to [0,1]; tenure 0; an
// engagement draw for community members (docs/MODEL.md §7.8, M5).
func (m *Model) arrive(i int32) {
	o := &m.p.Orgs[m.org[i]]
	r := m.eventStream(purposeHire, i)
	a := o.HireAlignment + float64(o.HireAlignmentSD*normal(r))
	a = min(1, max(0, a))
	m.present[i] = true
	m.gen[i]++
	m.align[i], m.baseline[i] = a, a
	m.tenure[i] = 0
	m.engageDraw[i] = r.Float64()
	m.handedOver[i] = 0
}

// spareHandoffs returns an empty list for a leaver's handed-over ties,
// reusing one freed by an earlier successor.
func (m *Model) spareHandoffs() []handoffTie {
	if n := len(m.spare); n > 0 {
		l := m.spare[n-1]
		m.spare = m.spare[:n-1]
		return l[:0]
	}
	return nil
}

// dropPending forgets the ties waiting to be handed over to slot i's
// successor and keeps their list for reuse.
func (m *Model) dropPending(i int32) {
	if l, ok := m.pending[i]; ok {
		delete(m.pending, i)
		m.spare = append(m.spare, l[:0])
	}
}

// normal returns a standard normal draw from r by Marsaglia's polar
// method, from uniform draws, a logarithm (fmath.Log) and a square root
// alone, so that it is the same on every architecture; rand's NormFloat64
// uses the standard library's math.Exp and math.Log in its rare cases,
// which are not (internal/fmath).
func normal(r *stream) float64 {
	for {
		a, b := float64(r.Float64()), float64(r.Float64()) // rounded: no fused multiply-add below
		u, v := 2*a-1, 2*b-1
		s := float64(u*u) + float64(v*v)
		if s > 0 && s < 1 {
			return u * math.Sqrt(-2*fmath.Log(s)/s)
		}
	}
}
