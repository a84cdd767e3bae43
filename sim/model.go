package sim

import (
	"fmt"
	"math"
)

// Model is the state of one run. Persons live in fixed slots, one per
// position, laid out organization by organization and role by role; a
// successor takes the slot of the person they replace, with a new
// generation number and no ties. Ties live in one pool indexed by int32
// and each slot keeps the indices of its ties. A Model is not safe for
// concurrent use; separate Models share nothing.
type Model struct {
	p      Params
	seed   uint64
	step   int // steps completed, warm-up included
	warmup int // steps before recorded week 0 (Params.Warmup)

	orgs      []orgState
	nOrgs     int
	positions []positionState // per organization and role: [org*NumRoles+role]

	// Person slots, one entry per position (structure of arrays).
	org         []int32
	kindOf      []Kind // kind of the slot's organization
	role        []Role
	present     []bool
	align       []float64 // current alignment a_i
	baseline    []float64 // alignment the person arrived with
	tenure      []int32   // weeks in post
	gen         []uint32  // occupant number of the slot
	vacantUntil []int32   // step at which a successor starts; -1: none due
	engageDraw  []float64 // uniform draw fixed at arrival; engaged iff < Policy.Engagement
	handedOver  []float64 // handoff share received at arrival (0 for none)
	adj         [][]edge  // each slot's ties to colleagues (same organization), stored in edges
	xadj        [][]edge  // each slot's ties to people of other organizations, stored in edges
	crossSum    []float64 // summed cross-organization trust, from the last sweep
	memberProd  []float64 // Π(1-T) over a member's ties to nonprofit people

	partnerSlots []int32 // slots of non-community organizations, organization by organization
	partnerFrom  []int32 // per organization: index of its first slot in partnerSlots
	partnerCount []int32 // per organization: its slots in partnerSlots (0 for the community)
	serviceSlots []int32 // slots of nonprofit organizations

	edges edgeArena // storage of adj and xadj

	// Ties waiting to be handed over to the successor of each vacant
	// slot that has some, and emptied lists for reuse.
	pending map[int32][]handoffTie
	spare   [][]handoffTie

	// The tie pool, indexed by tie id; free lists the entries of removed
	// ties, reused last freed first. What the sweep reads of every tie
	// (trust, class, decay factor, organization pair) lies in arrays of
	// its own, apart from the rest (ties), so that the sweep streams 17
	// bytes a tie rather than 29.
	ties    []tie
	trust   []float64 // trust of each tie in ties
	class   []uint8   // class bits of each tie in ties
	factor  []float32 // weekly decay factor exp(−δ_ij) of each tie, set at the end of the last week with a contact
	tiePair []int32   // organization pair of each cross-organization tie (index in pairs), else -1
	free    []int32

	// Organization pairs that have ever had a tie between them, in the
	// order their first tie formed; every other pair has strength and
	// memory 0. Storing only these keeps partnerships linear in ties
	// rather than quadratic in organizations (docs/PERFORMANCE.md).
	pairs  []pairState
	pairOf map[uint64]int32 // pairKey(a, b) → index in pairs
	orgS   []float64        // scratch: Σ of P* over each organization's pairs

	// Totals of updatePartnerships over the eligible pairs, for measure:
	// Σ P* and the number of active partnerships.
	pairStrength float64
	activePairs  int

	arr []arrangementState

	events []Event // sorted by step (stable)
	nextEv int

	// Run-wide streams. Everything else draws from streams keyed by
	// (seed, step, purpose, slot or arrangement): personStream for the
	// week's contacts and convening attendance, eventStream for vacancies,
	// hiring, handoffs and arrangements (docs/MODEL.md §4, Stochasticity).
	rLeave *stream // one draw per slot per step: leaving
	rInit  *stream // partners of the initial colleague and history ties
	ev     stream  // eventStream's stream, reseeded for each use

	// Leaving (leave): each present person's embeddedness weight
	// exp(−η·E_i), and per position group (organization and role) the sum
	// of the weights and the number of people in post.
	leaveW []float64
	groupW []float64
	groupN []float64

	// Realised turnover since recorded week 0, per role: departures that
	// count as turnover (hazard and leave events) and person-weeks in post
	// at the leaving draw (docs/MODEL.md §7.11).
	leftRole [NumRoles]float64
	atRisk   [NumRoles]float64

	// The parallel step (parallel.go): workers and their random sources,
	// person blocks, and the contacts of the week proposed by each block.
	workers   int
	work      []*workerState          // per worker: random source and scratch
	stepKey   uint64                  // mix of (seed, step): the root of per-person streams
	keys      [purposeKeep + 1]uint64 // per purpose: mix(stepKey + purpose·φ), the root of its streams this step
	blockSize int
	nBlocks   int
	recs      [][]contactRec // per proposing block, in proposal order

	convening bool    // a convening is held this step (planContacts)
	attendees []int32 // scratch
	attended  []int32 // step of the last convening each slot attended
	tieMade   []int32 // step in whose create phase the slot last got a new tie (createTies)
	convLoss  []float64

	chunks  []chunkScratch // sweep scratch, per chunk of the tie pool
	nChunks int            // chunks of the tie pool in this step's sweep
	dirty   []uint8        // lostColleague, lostExternal: the ties the slot lost in this step's sweep

	sums       tieSums
	departures int
	resets     int
	cumulative float64
}

// pairState is the partnership between organizations a < b.
type pairState struct {
	a, b     int32
	strength float64 // P*
	memory   float64 // institutional memory I
	prod     float64 // Π(1 − w·T) of the sweep; 1 between updatePartnerships and the next sweep
	active   bool
	touched  bool // a tie of the pair was lost through a departure this step
}

type orgState struct {
	first, end int32 // slot range
	roleStart  [NumRoles]int32
	kind       Kind
	in         bool // in the initiative now
}

// edge is one entry of a slot's adjacency list: the tie and the person at
// its other end, so that finding a tie scans a short contiguous list.
type edge struct{ tie, other int32 }

// tie is an undirected tie between slots a and b. Its trust, class,
// decay factor and organization pair live in Model.trust, Model.class,
// Model.factor and Model.tiePair, at the same index, so that the passes
// that read only those touch less memory.
type tie struct {
	a, b    int32 // -1 when the entry is free
	touched int32 // last step with a contact
}

// Tie classes (bit flags).
const (
	classCross    = 1 << iota // different non-community organizations
	classFunder               // funder person and nonprofit or backbone person
	classMember               // community member and nonprofit person
	classExternal             // any two different organizations
	classLeader               // a leader holds it (partnership weight)
	classDropped              // dropped by this step's sweep, not yet freed
	classTouched              // a contact this step, until the sweep (touched is the step)
	classFree                 // a free entry of the pool (a and b are -1)
)

type handoffTie struct {
	to    int32
	gen   uint32
	trust float64
}

// Arrangement status.
const (
	arrActive = iota
	arrReview // a champion left; the successor reviews it on arrival
	arrEnded
)

type arrangementState struct {
	a, b   int32 // champion slots
	status uint8
	review [2]bool // side needs a review by its new champion
	noTie  int     // consecutive weeks in force without a champions' tie
	value  float64
}

// New builds the initial state of a run of p with the given seed
// (docs/MODEL.md §5, Initialization). p is validated and copied.
func New(p Params, seed uint64) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p = p.Clone()
	m := &Model{p: p, seed: seed, nOrgs: len(p.Orgs), warmup: p.Warmup}
	m.rLeave = newStream(seed, 3)
	m.rInit = newStream(seed, 5)
	m.setStepKey(0) // the keys of the initial hires (arrive)

	n := p.People()
	m.org = make([]int32, n)
	m.kindOf = make([]Kind, n)
	m.role = make([]Role, n)
	m.present = make([]bool, n)
	m.align = make([]float64, n)
	m.baseline = make([]float64, n)
	m.tenure = make([]int32, n)
	m.gen = make([]uint32, n)
	m.vacantUntil = make([]int32, n)
	m.engageDraw = make([]float64, n)
	m.positions = make([]positionState, len(p.Orgs)*int(NumRoles))
	m.handedOver = make([]float64, n)
	m.adj = make([][]edge, n)
	m.xadj = make([][]edge, n)
	m.pending = map[int32][]handoffTie{}
	m.crossSum = make([]float64, n)
	m.memberProd = make([]float64, n)
	m.leaveW = make([]float64, n)
	m.groupW = make([]float64, len(p.Orgs)*int(NumRoles))
	m.groupN = make([]float64, len(p.Orgs)*int(NumRoles))
	m.partnerFrom = make([]int32, len(p.Orgs))
	m.partnerCount = make([]int32, len(p.Orgs))
	m.dirty = make([]uint8, n)
	m.convLoss = make([]float64, m.nOrgs)
	m.attended = make([]int32, n)
	m.tieMade = make([]int32, n)
	for i := range m.attended {
		m.attended[i], m.tieMade[i] = -1, -1
	}
	m.setBlocks(n)
	m.edges = newEdgeArena(n)
	m.SetWorkers(1)
	m.pairOf = map[uint64]int32{}
	m.orgS = make([]float64, m.nOrgs)

	joinsLater := map[string]bool{}
	for _, e := range p.Events {
		if e.Kind == Join {
			joinsLater[e.Org] = true
		}
	}
	m.orgs = make([]orgState, m.nOrgs)
	slot := int32(0)
	for oi := range p.Orgs {
		o := &p.Orgs[oi]
		st := &m.orgs[oi]
		st.first, st.kind, st.in = slot, o.Kind, !joinsLater[o.Name]
		m.partnerFrom[oi] = int32(len(m.partnerSlots))
		for r := Role(0); r < NumRoles; r++ {
			st.roleStart[r] = slot
			for k := 0; k < o.Positions[r]; k++ {
				m.org[slot], m.role[slot], m.kindOf[slot] = int32(oi), r, o.Kind
				m.vacantUntil[slot] = -1
				if o.Kind != Community {
					m.partnerSlots = append(m.partnerSlots, slot)
				}
				if o.Kind == Nonprofit {
					m.serviceSlots = append(m.serviceSlots, slot)
				}
				slot++
			}
		}
		st.end = slot
		m.partnerCount[oi] = int32(len(m.partnerSlots)) - m.partnerFrom[oi]
	}
	m.events = sortedEvents(p.Events)
	m.refresh()

	for oi := range m.orgs {
		if !m.orgs[oi].in {
			continue
		}
		for i := m.orgs[oi].first; i < m.orgs[oi].end; i++ {
			m.arrive(i)
			m.tenure[i] = int32(m.eventStream(purposeTenure, i).IntN(260)) // tenure at the start: uniform over 5 years
		}
	}
	m.initialTies()
	m.sweepTies() // trust sums for the first step's embeddedness
	// The first step is step 0 too, and its sweep takes the ties made
	// here as contacted in it (touched is 0), as this sweep did.
	for id := range m.ties {
		if t := &m.ties[id]; t.a >= 0 && t.touched == int32(m.step) {
			m.class[id] |= classTouched
		}
	}
	m.updatePartnerships()
	for k := range m.pairs {
		m.pairs[k].touched = false
	}
	return m, nil
}

// newStream returns the random stream number k of a run: a PCG seeded
// from (seed, k) through a SplitMix64 mix, so that streams of nearby
// seeds are unrelated (docs/MODEL.md §4, Stochasticity).
func newStream(seed, k uint64) *stream {
	s := &stream{}
	s.seed(mix(seed^mix(k)), mix(seed+0x9e3779b97f4a7c15*k))
	return s
}

// stepKey is the root of the streams keyed by step: mix(seed XOR mix(step)).
func stepKey(seed uint64, step int) uint64 { return mix(seed ^ mix(uint64(step))) }

// setStepKey sets the roots of the streams of step: stepKey, and the key
// of each purpose, mix(stepKey + purpose·0x9e3779b97f4a7c15), from which
// personStream and eventStream derive the stream of each slot.
func (m *Model) setStepKey(step int) {
	m.stepKey = stepKey(m.seed, step)
	for p := range m.keys {
		m.keys[p] = mix(m.stepKey + uint64(p)*0x9e3779b97f4a7c15)
	}
}

// Purposes of the streams of the sequential parts of a step (eventStream),
// numbered after those of personStream.
const (
	purposeVacancy = iota + 3 // a leaver's vacancy length
	purposeHire               // an arriving person's alignment and engagement draw
	purposeTenure             // an initial person's tenure
	purposeHandoff            // which of a leaver's ties a warm handoff passes on
	purposeUpkeep             // an arrangement's upkeep contact
	purposeKeep               // the keep decisions of an arrangement's new champions
)

// eventStream reseeds the model's event source for the draws of the
// current step for one purpose and one slot or arrangement k, and returns
// it. Like personStream, the stream depends on (seed, step, purpose, k)
// only, so that two runs of the same seed that differ in one event (a
// scheduled departure, say) draw the same vacancy lengths, hires and
// handoffs wherever the same thing happens at the same step in both:
// common random numbers (docs/MODEL.md §4, Stochasticity).
func (m *Model) eventStream(purpose uint64, k int32) *stream {
	key := m.keys[purpose]
	m.ev.seed(mix(key^uint64(k)), mix(key+uint64(k)*0xbf58476d1ce4e5b9))
	return &m.ev
}

// mix is the SplitMix64 finalizer.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// RunSeed derives the seed of run index run from a batch's base seed, so
// that every run of a batch has an independent, reproducible stream.
func RunSeed(base uint64, run int) uint64 { return mix(mix(base) ^ uint64(run)) }

func sortedEvents(ev []Event) []Event {
	out := append([]Event(nil), ev...)
	// Insertion sort keeps scenario order within a step (stable).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Step < out[j-1].Step; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// refresh recomputes what follows from parameters that events may change:
// relationship shares, direct-work output rates and leaving hazards
// (docs/MODEL.md §7.2, §7.7, §7.11, §7.12).
func (m *Model) refresh() {
	p := &m.p
	building := p.Policy.Sustained || m.Week() < p.Policy.FormationWeeks
	for oi := range p.Orgs {
		o := &p.Orgs[oi]
		s, rep := relationshipShare(p, o.Kind, building)
		for r := Role(0); r < NumRoles; r++ {
			pos := &m.positions[oi*int(NumRoles)+int(r)]
			pos.hazard = weeklyHazard(o.AnnualTurnover[r])
			pos.share = s
			pos.output = 0
			if o.Kind == Nonprofit {
				pos.output = p.Results.HoursPerWeek[r] * max(0, 1-s-rep) * p.Results.Productivity[r]
			}
		}
	}
}

// position returns what follows from the parameters for the position
// (organization and role) of slot i.
func (m *Model) position(i int32) *positionState {
	return &m.positions[int(m.org[i])*int(NumRoles)+int(m.role[i])]
}

// positionState is what the parameters in force imply for every slot of
// one role in one organization (refresh).
type positionState struct {
	share  float64 // relationship-building share in force
	output float64 // results per week from direct work (0 outside nonprofits)
	hazard float64 // weekly leaving hazard before embeddedness
}

// relationshipShare returns the share of hours a person of an
// organization of kind k spends on relationship building, and the share
// spent on reporting to funders, under the funder model in force
// (docs/MODEL.md §7.12). Under grantor-grantee relationship building is
// not a fundable activity, so everyone outside the community is capped at
// funder_models.unfunded_share, funder staff included ("reporting only");
// reporting takes time from nonprofit people, whose direct work counts.
func relationshipShare(p *Params, k Kind, building bool) (share, reporting float64) {
	if k == Community {
		return 0, 0
	}
	if building {
		share = p.Policy.RelationshipShare
	}
	if p.Policy.FunderModel == GrantorGrantee {
		share = min(share, p.FunderModels.UnfundedShare)
	}
	if k == Nonprofit {
		if p.Policy.FunderModel == GrantorGrantee {
			reporting = p.FunderModels.ReportingGrantorGrantee
		} else {
			reporting = p.FunderModels.ReportingPartnership
		}
	}
	return share, reporting
}

// initialTies creates the ties present at step 0: colleague ties, the
// shared histories and the champions' ties of arrangements.
func (m *Model) initialTies() {
	p := &m.p
	r := m.rInit
	for oi := range m.orgs {
		st := &m.orgs[oi]
		if !st.in || st.kind == Community || st.end-st.first < 2 {
			continue
		}
		size := int(st.end - st.first)
		for i := st.first; i < st.end; i++ {
			for k := 0; k < p.Network.InitialColleagueTies; k++ {
				j := st.first + int32(r.IntN(size))
				if j != i && m.present[i] && m.present[j] && m.findTie(i, j) < 0 {
					m.addTie(i, j, p.Network.InitialColleagueTrust)
				}
			}
		}
	}
	for _, h := range p.History {
		a, b := &m.orgs[p.OrgIndex(h.A)], &m.orgs[p.OrgIndex(h.B)]
		if !a.in || !b.in {
			continue
		}
		if h.LeaderTie && a.roleStart[Leader] < a.roleStart[Staff] && b.roleStart[Leader] < b.roleStart[Staff] {
			m.setTrust(a.roleStart[Leader], b.roleStart[Leader], h.Trust)
		}
		na, nb := a.roleStart[Member]-a.roleStart[Staff], b.roleStart[Member]-b.roleStart[Staff]
		for k := 0; k < h.StaffTies && na > 0 && nb > 0; k++ {
			i := a.roleStart[Staff] + int32(r.IntN(int(na)))
			j := b.roleStart[Staff] + int32(r.IntN(int(nb)))
			m.setTrust(i, j, h.Trust)
		}
	}
	m.arr = make([]arrangementState, len(p.Arrangement))
	for k, a := range p.Arrangement {
		s := &m.arr[k]
		s.a, s.b, s.value = m.slotOf(a.A), m.slotOf(a.B), a.Value
		if m.present[s.a] && m.present[s.b] {
			m.setTrust(s.a, s.b, a.Trust)
			s.status = arrActive
		} else {
			s.status = arrEnded
		}
	}
}

// setTrust creates the tie i–j if needed and sets its trust.
func (m *Model) setTrust(i, j int32, trust float64) {
	if !m.present[i] || !m.present[j] || i == j {
		return
	}
	id := m.findTie(i, j)
	if id < 0 {
		id = m.addTie(i, j, trust)
	}
	m.trust[id] = trust
	m.touch(id)
}

func (m *Model) slotOf(r PersonRef) int32 {
	st := &m.orgs[m.p.OrgIndex(r.Org)]
	return st.roleStart[r.Role] + int32(r.Index)
}

// Step returns the number of steps completed, warm-up included.
func (m *Model) Step() int { return m.step }

// Week returns the recorded week of the next step: negative during the
// warm-up, 0 for the first recorded step (docs/MODEL.md §3).
func (m *Model) Week() int { return m.step - m.warmup }

// Advance runs one weekly step in the order of docs/MODEL.md §3 (Process
// overview and scheduling) and returns its metrics.
func (m *Model) Advance() Metrics { return m.advance(nil) }

// advance runs one weekly step: the phases of stepPhases in order, then
// the metrics (§7.11). after, when not nil, is called after each phase
// with its index in stepPhases (BenchmarkPhases times them).
func (m *Model) advance(after func(phase int)) Metrics {
	for k, ph := range stepPhases {
		ph.run(m)
		if after != nil {
			after(k)
		}
	}
	met := m.measure() // §7.11 results and metrics (M11)
	m.step++
	return met
}

// phase is one part of a weekly step.
type phase struct {
	name string
	run  func(*Model)
}

// stepPhases are the parts of a weekly step in the order they run
// (docs/MODEL.md §3), before the metrics.
var stepPhases = []phase{
	{"start", (*Model).startStep},
	{"events", (*Model).applyEvents},              // §7.1 scheduled events (M12)
	{"plan", (*Model).planContacts},               // §7.2–7.4 the week's contacts (M2–M5, M10): plan,
	{"create", (*Model).createTies},               // create,
	{"apply", (*Model).applyContacts},             // apply,
	{"pull", (*Model).pullAlignments},             // pull
	{"arrangements", (*Model).keepArrangements},   // §7.5 arrangement upkeep (M7)
	{"alignment", (*Model).relaxAlignment},        // §7.6 alignment (M5)
	{"leave", (*Model).leave},                     // §7.7 turnover and handoffs (M6, M8)
	{"succeed", (*Model).succeed},                 // §7.8 successors, handoffs, arrangement reviews (M6–M8)
	{"decay", (*Model).decayTies},                 // §7.9 decay and drops (M2): the tie pool,
	{"lists", (*Model).sweepLists},                // the people's lists,
	{"free", (*Model).freeDropped},                // the dropped ties
	{"partnerships", (*Model).updatePartnerships}, // §7.10 partnership strength (M7)
}

// startStep zeroes the step's counters, sets the root of its per-person
// streams and, at step policy.formation_weeks without policy.sustained,
// stops relationship building (refresh).
func (m *Model) startStep() {
	m.departures, m.resets = 0, 0
	m.setStepKey(m.step)
	clear(m.convLoss)
	if m.Week() == 0 {
		// Recording starts: results and turnover count from here.
		m.cumulative = 0
		m.leftRole, m.atRisk = [NumRoles]float64{}, [NumRoles]float64{}
	}
	if m.Week() == m.p.Policy.FormationWeeks && !m.p.Policy.Sustained {
		m.refresh()
	}
}

// PersonAt returns the slot index of a position; it fails for a position
// that does not exist.
func (m *Model) PersonAt(r PersonRef) (int, error) {
	oi := m.p.OrgIndex(r.Org)
	if oi < 0 || r.Role >= NumRoles || r.Index < 0 || r.Index >= m.p.Orgs[oi].Positions[r.Role] {
		return 0, fmt.Errorf("no position %s", r)
	}
	return int(m.slotOf(r)), nil
}

// NumPeople returns the number of person slots (positions).
func (m *Model) NumPeople() int { return len(m.org) }

// Present reports whether slot i is filled.
func (m *Model) Present(i int) bool { return m.present[i] }

// Generation returns how many people have held slot i (1 for the first).
func (m *Model) Generation(i int) int { return int(m.gen[i]) }

// Tenure returns the weeks the person in slot i has been in post (people
// present at the start get a tenure drawn uniformly over five years).
func (m *Model) Tenure(i int) int { return int(m.tenure[i]) }

// Alignment returns the alignment of the person in slot i.
func (m *Model) Alignment(i int) float64 { return m.align[i] }

// Trust returns the trust of the tie between slots i and j, 0 without one.
func (m *Model) Trust(i, j int) float64 {
	if id := m.findTie(int32(i), int32(j)); id >= 0 {
		return m.trust[id]
	}
	return 0
}

// Degree returns the number of ties of slot i.
func (m *Model) Degree(i int) int { return len(m.adj[i]) + len(m.xadj[i]) }

// Partnership returns the partnership strength P* between two
// organizations after the last step (0 for unknown names).
func (m *Model) Partnership(a, b string) float64 {
	i, j := m.p.OrgIndex(a), m.p.OrgIndex(b)
	if i < 0 || j < 0 || i == j {
		return 0
	}
	if k, ok := m.pairOf[pairKey(int32(i), int32(j))]; ok {
		return m.pairs[k].strength
	}
	return 0
}

// ArrangementActive reports whether the arrangement named name is in force.
func (m *Model) ArrangementActive(name string) bool {
	for k := range m.p.Arrangement {
		if m.p.Arrangement[k].Name == name {
			return m.arr[k].status == arrActive
		}
	}
	return false
}

// ArrangementEnded reports whether the arrangement named name has ended
// (as opposed to being active or under review).
func (m *Model) ArrangementEnded(name string) bool {
	for k := range m.p.Arrangement {
		if m.p.Arrangement[k].Name == name {
			return m.arr[k].status == arrEnded
		}
	}
	return false
}

// pairKey is the map key of the pair of organizations a and b, in either
// order: the lower index in the high half (a 64-bit key, which Go's maps
// hash faster than an array).
func pairKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(uint32(b))
}

// pairIndex returns the index of the pair of organizations a and b in
// m.pairs, adding the pair when its first tie forms.
func (m *Model) pairIndex(a, b int32) int32 {
	key := pairKey(a, b)
	if k, ok := m.pairOf[key]; ok {
		return k
	}
	k := int32(len(m.pairs))
	m.pairs = append(m.pairs, pairState{a: min(a, b), b: max(a, b), prod: 1})
	m.pairOf[key] = k
	return k
}

// CheckInvariants verifies the invariants of MODEL-BRIEF SF11 and the
// consistency of the tie index: trust in [0,1], no tie to an empty slot,
// each tie listed by both ends, each person's ties to other organizations
// in order of trust (as the last step left them), headcount within
// positions, finite state.
func (m *Model) CheckInvariants() error {
	for id := range m.ties {
		t := &m.ties[id]
		if t.a < 0 {
			continue
		}
		if trust := m.trust[id]; !(trust >= 0 && trust <= 1) {
			return fmt.Errorf("step %d: tie %d–%d trust %v outside [0,1]", m.step, t.a, t.b, trust)
		}
		if !m.present[t.a] || !m.present[t.b] {
			return fmt.Errorf("step %d: tie %d–%d to someone who left", m.step, t.a, t.b)
		}
		if !contains(*m.list(t.a, t.b), int32(id)) || !contains(*m.list(t.b, t.a), int32(id)) {
			return fmt.Errorf("step %d: tie %d not indexed by both ends", m.step, id)
		}
	}
	for i := range m.adj {
		for _, list := range [][]edge{m.adj[i], m.xadj[i]} {
			for _, e := range list {
				if t := m.ties[e.tie]; !(t.a == int32(i) && t.b == e.other || t.b == int32(i) && t.a == e.other) {
					return fmt.Errorf("step %d: slot %d lists tie %d–%d as tie %d, which joins %d–%d", m.step, i, i, e.other, e.tie, t.a, t.b)
				}
			}
		}
		for k := 1; k < len(m.xadj[i]); k++ {
			if m.trust[m.xadj[i][k].tie] > m.trust[m.xadj[i][k-1].tie] {
				return fmt.Errorf("step %d: slot %d's ties to other organizations are not in order of trust at position %d", m.step, i, k)
			}
		}
		if !m.present[i] && m.Degree(i) > 0 {
			return fmt.Errorf("step %d: empty slot %d has ties", m.step, i)
		}
		if a := m.align[i]; m.present[i] && !(a >= 0 && a <= 1) {
			return fmt.Errorf("step %d: alignment %v outside [0,1]", m.step, a)
		}
	}
	for oi := range m.orgs {
		st := &m.orgs[oi]
		n := 0
		for i := st.first; i < st.end; i++ {
			if m.present[i] {
				n++
			}
		}
		if n > m.p.Orgs[oi].Headcount() {
			return fmt.Errorf("step %d: %s has %d people for %d positions", m.step, m.p.Orgs[oi].Name, n, m.p.Orgs[oi].Headcount())
		}
		if !st.in && n > 0 {
			return fmt.Errorf("step %d: %s is outside the initiative but has %d people", m.step, m.p.Orgs[oi].Name, n)
		}
	}
	for _, pr := range m.pairs {
		if s := pr.strength; !(s >= 0 && s <= 1) {
			return fmt.Errorf("step %d: partnership %d–%d strength %v outside [0,1]", m.step, pr.a, pr.b, s)
		}
	}
	if math.IsNaN(m.cumulative) || math.IsInf(m.cumulative, 0) {
		return fmt.Errorf("step %d: cumulative results %v not finite", m.step, m.cumulative)
	}
	return nil
}

func contains(s []edge, id int32) bool {
	for _, e := range s {
		if e.tie == id {
			return true
		}
	}
	return false
}
