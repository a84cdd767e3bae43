package sim

import "math"

// keepArrangements is the weekly upkeep of joint arrangements
// (docs/MODEL.md §7.5, M7). The champions of an active arrangement work
// together arrangements.contact_hours a week (a work contact: the
// "trust-building loop" of Vangen & Huxham). A bad experience between
// champions whose trust is then below θ = arrangements.min_trust ends the
// arrangement: a relationship that weak cannot absorb it. An
// ended arrangement is rebuilt when its present champions trust each other
// at θ or more and both have alignment of at least v =
// arrangements.min_alignment.
func (m *Model) keepArrangements() {
	p := &m.p.Arrangements
	for k := range m.arr {
		a := &m.arr[k]
		switch a.status {
		case arrActive:
			// Joint work goes through the champions' relationship: it keeps
			// an existing tie up but creates none (MODEL-BRIEF SF10).
			if p.ContactHours > 0 && m.findTie(a.a, a.b) >= 0 &&
				m.contact(a.a, a.b, p.ContactHours, false, m.rReview) &&
				m.Trust(int(a.a), int(a.b)) < p.MinTrust {
				a.status = arrEnded
			}
		case arrEnded:
			if m.present[a.a] && m.present[a.b] && m.Trust(int(a.a), int(a.b)) >= p.MinTrust &&
				m.align[a.a] >= p.MinAlignment && m.align[a.b] >= p.MinAlignment {
				a.status = arrActive
			}
		}
	}
}

// reviewArrangements lets each new champion of an arrangement under review
// decide whether to keep it, once both champions are in post
// (docs/MODEL.md §7.8, M7): keep with probability
//
//	p_keep = κ + (1 − κ)·σ((a − v)/τ)
//
// where a is the successor's alignment, v = arrangements.min_alignment,
// τ = arrangements.review_spread and κ the handoff share the successor
// received (0 without a warm handoff). A kept arrangement is active again;
// otherwise it ends ("the new person did not see the value").
func (m *Model) reviewArrangements() {
	p := &m.p.Arrangements
	for k := range m.arr {
		a := &m.arr[k]
		if a.status != arrReview || !m.present[a.a] || !m.present[a.b] {
			continue
		}
		keep := true
		for side, slot := range [2]int32{a.a, a.b} {
			if !a.review[side] {
				continue
			}
			kappa := m.handedOver[slot]
			pk := kappa + (1-kappa)/(1+math.Exp(-(m.align[slot]-p.MinAlignment)/p.ReviewSpread))
			if m.rReview.Float64() >= pk {
				keep = false
			}
		}
		a.review = [2]bool{}
		if keep {
			a.status = arrActive
		} else {
			a.status = arrEnded
		}
	}
}
