package sim

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
//
// It is the step's one pass over the pairs: it also sets each pair's
// product back to 1 for the next sweep, and totals the strength and the
// active partnerships of the eligible pairs for measure.
func (m *Model) updatePartnerships() {
	pp := &m.p.Partnership
	for k := range m.orgS {
		m.orgS[k] = 0
	}
	m.pairStrength, m.activePairs = 0, 0
	// Only pairs that have had a tie can be non-zero; the others have
	// P = I = 0 and stay so.
	for k := range m.pairs {
		pr := &m.pairs[k]
		prod := pr.prod
		pr.prod = 1
		if !m.pairEligible(int(pr.a), int(pr.b)) {
			pr.strength, pr.active, pr.touched = 0, false, false
			continue
		}
		s := 1 - prod
		if s > pr.memory {
			pr.memory += float64(pp.MemoryGain * (s - pr.memory))
		} else {
			pr.memory -= float64(pp.MemoryLoss * pr.memory)
		}
		s = max(s, pp.MemoryFloor*pr.memory)
		pr.strength = s
		active := s >= pp.ActiveThreshold
		if pr.active && !active && pr.touched {
			m.resets++
		}
		pr.active, pr.touched = active, false
		m.orgS[pr.a] += s
		m.orgS[pr.b] += s
		m.pairStrength += s
		m.activePairs += b2i(active)
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
	met := Metrics{Step: m.Week(), Departures: m.departures, PartnershipResets: m.resets}
	for r, v := range [NumRoles]*float64{&met.LeaderTurnover, &met.StaffTurnover, &met.VolunteerTurnover, &met.MemberTurnover} {
		if m.atRisk[r] > 0 {
			*v = 52 * m.leftRole[r] / m.atRisk[r]
		}
	}

	eligible := 0
	for oi := range m.orgs {
		if st := &m.orgs[oi]; st.in && st.kind != Community {
			eligible++
		}
	}
	// Every eligible pair counts in the mean; those never tied have P* = 0.
	// The pairs that have had a tie were totalled by updatePartnerships.
	pairs := eligible * (eligible - 1) / 2
	met.ActivePartnerships = m.activePairs
	if pairs > 0 {
		met.PartnershipStrength = m.pairStrength / float64(pairs)
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
				y += m.position(i).output
			}
		}
		s := 0.0
		if eligible > 1 {
			s = m.orgS[oi] / float64(eligible-1)
		}
		results += float64(max(0, y) * (1 + float64(p.Results.CoordinationGain*s)))
	}
	results *= 1 + float64(p.Results.CoproductionGain*met.CommunityEngagement)
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
