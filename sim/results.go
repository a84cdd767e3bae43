package sim

import "math"

// updatePartnerships derives the strength of every partnership from the
// person-level ties swept this step (docs/MODEL.md §7.10, M7):
//
//	P_AB  = 1 − Π_{ties i∈A, j∈B, T_ij ≥ θ_p} (1 − w_ij·T_ij)      (noisy-or)
//	I_AB ← I_AB + ε_up·(P_AB − I_AB)  if P_AB > I_AB,  else I_AB − ε_down·I_AB
//	P*_AB = max(P_AB, ζ·I_AB)
//
// w_ij is partnership.leader_weight when a leader holds the tie, else
// partnership.staff_weight, and θ_p = partnership.min_trust. A partnership active at the start of the step
// that is no longer active, after a departure removed one of its ties, is
// counted as a reset.
func (m *Model) updatePartnerships() {
	pp := &m.p.Partnership
	for a := 0; a < m.nOrgs; a++ {
		for b := a + 1; b < m.nOrgs; b++ {
			k := a*m.nOrgs + b
			if !m.pairEligible(a, b) {
				m.pairStrength[k], m.pairActive[k], m.pairTouched[k] = 0, false, false
				continue
			}
			s := 1 - m.pairProd[k]
			mem := m.pairMemory[k]
			if s > mem {
				mem += pp.MemoryGain * (s - mem)
			} else {
				mem -= pp.MemoryLoss * mem
			}
			m.pairMemory[k] = mem
			s = math.Max(s, pp.MemoryFloor*mem)
			m.pairStrength[k] = s
			active := s >= pp.ActiveThreshold
			if m.pairActive[k] && !active && m.pairTouched[k] {
				m.resets++
			}
			m.pairActive[k] = active
			m.pairTouched[k] = false
		}
	}
}

// pairEligible reports whether organizations a and b can be partners now:
// both in the initiative and neither a community organization.
func (m *Model) pairEligible(a, b int) bool {
	oa, ob := &m.orgs[a], &m.orgs[b]
	return oa.in && ob.in && oa.kind != Community && ob.kind != Community
}

// measure computes the initiative's results and the step's metrics
// (docs/MODEL.md §7.11, M11):
//
//	R = Σ_{nonprofits o} max(0, Y_o − L_o)·(1 + γ_c·S_o) · (1 + γ_cp·CP) + Σ_{active k} V_k
//
// Y_o is the direct-work output of the people in post (vacant positions
// produce nothing), L_o the output lost to convenings this week, S_o the
// mean partnership strength of o with the other organizations of the
// initiative, CP the co-production index (the community_engagement
// metric) and V_k the weekly value of active arrangements.
func (m *Model) measure() Metrics {
	p := &m.p
	met := Metrics{Step: m.step, Departures: m.departures, PartnershipResets: m.resets}

	eligible := 0
	for oi := range m.orgs {
		if st := &m.orgs[oi]; st.in && st.kind != Community {
			eligible++
		}
	}
	pairs, strength := 0, 0.0
	for a := 0; a < m.nOrgs; a++ {
		for b := a + 1; b < m.nOrgs; b++ {
			if m.pairEligible(a, b) {
				k := a*m.nOrgs + b
				pairs++
				strength += m.pairStrength[k]
				if m.pairActive[k] {
					met.ActivePartnerships++
				}
			}
		}
	}
	if pairs > 0 {
		met.PartnershipStrength = strength / float64(pairs)
	}

	members, cp := 0, 0.0
	present, alignSum := 0, 0.0
	for i := range m.org {
		if !m.present[i] {
			if m.orgs[m.org[i]].in {
				met.Vacancies++
			}
			continue
		}
		present++
		alignSum += m.align[i]
		if m.role[i] == Member {
			members++
			if m.engaged(int32(i)) {
				cp += 1 - m.memberProd[i]
			}
		}
	}
	if members > 0 {
		met.CommunityEngagement = cp / float64(members)
	}
	if present > 0 {
		met.MeanAlignment = alignSum / float64(present)
	}

	results := 0.0
	for oi := range m.orgs {
		st := &m.orgs[oi]
		if !st.in || st.kind != Nonprofit {
			continue
		}
		y := -m.convLoss[oi]
		for i := st.first; i < st.end; i++ {
			if m.present[i] {
				y += m.output[i]
			}
		}
		s := 0.0
		if eligible > 1 {
			for ob := range m.orgs {
				if ob != oi && m.pairEligible(oi, ob) {
					s += m.pairStrength[m.pairIndex(int32(oi), int32(ob))]
				}
			}
			s /= float64(eligible - 1)
		}
		results += math.Max(0, y) * (1 + p.Results.CoordinationGain*s)
	}
	results *= 1 + p.Results.CoproductionGain*met.CommunityEngagement
	for k := range m.arr {
		if m.arr[k].status == arrActive {
			met.ArrangementsActive++
			results += m.arr[k].value
		}
	}
	m.cumulative += results
	met.Results, met.CumulativeResults = results, m.cumulative

	sm := &m.sums
	met.Ties, met.CrossOrgTies = sm.nAll, sm.nCross
	if sm.nAll > 0 {
		met.MeanTrust = sm.all / float64(sm.nAll)
	}
	if sm.nCross > 0 {
		met.CrossOrgTrust = sm.cross / float64(sm.nCross)
	}
	if sm.nFunder > 0 {
		met.FunderTrust = sm.funder / float64(sm.nFunder)
	}
	return met
}
