package sim

import (
	"github.com/trustsim/trustsim/internal/fmath"
)

// keepArrangements is the weekly upkeep of joint arrangements
// (docs/MODEL.md §7.5, M7). The champions of an active arrangement who
// hold a tie work together arrangements.contact_hours a week (a work
// contact: the "trust-building loop" of Vangen & Huxham); a bad experience
// that leaves their trust below θ = arrangements.min_trust ends the
// arrangement, since a relationship that weak cannot absorb it. Champions
// without a tie keep the arrangement on paper only: it lapses (ends) once
// they have gone more than arrangements.grace_weeks weeks without one.
// Joint work keeps an existing tie up but creates none (MODEL-BRIEF SF10).
// An ended arrangement is rebuilt when its present champions trust each
// other at θ or more and both have alignment of at least
// v = arrangements.min_alignment.
func (m *Model) keepArrangements() {
	p := &m.p.Arrangements
	for k := range m.arr {
		a := &m.arr[k]
		switch a.status {
		case arrActive:
			if m.findTie(a.a, a.b) < 0 {
				a.noTie++
				if a.noTie > p.GraceWeeks {
					a.status = arrEnded
				}
				continue
			}
			a.noTie = 0
			if p.ContactHours > 0 && m.contact(a.a, a.b, p.ContactHours, false, m.eventStream(purposeUpkeep, int32(k))) &&
				m.Trust(int(a.a), int(a.b)) < p.MinTrust {
				a.status = arrEnded
			}
		case arrEnded:
			if m.present[a.a] && m.present[a.b] && m.Trust(int(a.a), int(a.b)) >= p.MinTrust &&
				m.align[a.a] >= p.MinAlignment && m.align[a.b] >= p.MinAlignment {
				a.status = arrActive
				a.noTie = 0
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
// received if the handoff passed on the tie to the other champion (0
// otherwise). A kept arrangement is in force again; otherwise it ends
// ("the new person did not see the value").
func (m *Model) reviewArrangements() {
	p := &m.p.Arrangements
	for k := range m.arr {
		a := &m.arr[k]
		if a.status != arrReview || !m.present[a.a] || !m.present[a.b] {
			continue
		}
		tied := m.findTie(a.a, a.b) >= 0
		keep := true
		r := m.eventStream(purposeKeep, int32(k))
		for side, slot := range [2]int32{a.a, a.b} {
			if !a.review[side] {
				continue
			}
			kappa := 0.0
			if tied {
				kappa = m.handedOver[slot]
			}
			pk := kappa + (1-kappa)/(1+fmath.Exp(-(m.align[slot]-p.MinAlignment)/p.ReviewSpread))
			if r.Float64() >= pk {
				keep = false
			}
		}
		a.review = [2]bool{}
		a.noTie = 0
		if keep {
			a.status = arrActive
		} else {
			a.status = arrEnded
		}
	}
}
