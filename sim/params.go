package sim

import (
	"fmt"
	"strings"
)

// Role is a person's position in an organization (docs/MODEL.md §2, "Persons").
type Role uint8

// The roles. Leaders are the decision-makers whose ties carry most of a
// partnership; members are the people the initiative serves.
const (
	Leader Role = iota
	Staff
	Volunteer
	Member
	NumRoles = 4
)

var roleNames = [NumRoles]string{"leader", "staff", "volunteer", "member"}

// String returns the role's scenario name ("leader", "staff", ...).
func (r Role) String() string {
	if int(r) < NumRoles {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", r)
}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames {
		if n == s {
			return Role(i), nil
		}
	}
	return 0, fmt.Errorf("unknown role %q; allowed: %s", s, strings.Join(roleNames[:], ", "))
}

// RoleNames lists the role names in Role order.
func RoleNames() []string { return append([]string(nil), roleNames[:]...) }

// Kind is the kind of an organization (docs/MODEL.md §2, "Organizations").
type Kind uint8

// The organization kinds of MODEL-BRIEF M1.
const (
	Nonprofit Kind = iota
	Funder
	Backbone
	Community
	numKinds
)

var kindNames = [numKinds]string{"nonprofit", "funder", "backbone", "community"}

// String returns the kind's scenario name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// ParseKind returns the organization kind named s.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown organization kind %q; allowed: %s", s, strings.Join(kindNames[:], ", "))
}

// KindNames lists the organization kind names in Kind order.
func KindNames() []string { return append([]string(nil), kindNames[:]...) }

// FunderModel is how funders relate to the organizations they fund (M9).
type FunderModel uint8

// The two funder relationship models of the seed.
const (
	// GrantorGrantee is the "top-down" model: reporting only, relationship
	// building not funded, funder staff do not attend convenings.
	GrantorGrantee FunderModel = iota
	// Partnership makes relationship building fundable and brings funder
	// staff to convenings.
	Partnership
)

var funderModelNames = []string{"grantor-grantee", "partnership"}

// String returns the scenario name of the funder model.
func (f FunderModel) String() string {
	if int(f) < len(funderModelNames) {
		return funderModelNames[f]
	}
	return fmt.Sprintf("FunderModel(%d)", f)
}

// Org describes one organization and its positions (M1, M6).
type Org struct {
	// Name identifies the organization in events, arrangements and dotted
	// parameter names (org.<name>.<field>); lower-case letters, digits, '_'.
	Name string
	// Kind is nonprofit, funder, backbone or community.
	Kind Kind
	// Positions is the number of positions per role; a community org holds
	// members only.
	Positions [NumRoles]int
	// AnnualTurnover is the realised annual turnover of each role: people
	// who leave per year per person in post (separations per average
	// headcount). Embeddedness decides who leaves, not how many
	// (docs/MODEL.md §7.7).
	AnnualTurnover [NumRoles]float64
	// VacancyWeeks is the mean time a vacated position stays empty.
	VacancyWeeks float64
	// HireAlignment is the mean alignment with the common purpose of people
	// who join the organization (at the start and as successors).
	HireAlignment float64
	// HireAlignmentSD is the spread of that alignment across people.
	HireAlignmentSD float64
}

// Headcount returns the number of positions over all roles.
func (o *Org) Headcount() int {
	n := 0
	for _, c := range o.Positions {
		n += c
	}
	return n
}

// DefaultOrg returns an organization of the given kind with the default
// positions, turnover and hiring of docs/MODEL.md §5 (Initialization).
func DefaultOrg(name string, kind Kind) Org {
	o := Org{Name: name, Kind: kind, VacancyWeeks: 12, HireAlignment: 0.6, HireAlignmentSD: 0.15}
	switch kind {
	case Nonprofit:
		o.Positions = [NumRoles]int{1, 8, 4, 0}
		o.AnnualTurnover = [NumRoles]float64{0.09, 0.19, 0.35, 0}
	case Funder:
		o.Positions = [NumRoles]int{1, 3, 0, 0}
		o.AnnualTurnover = [NumRoles]float64{0.09, 0.15, 0, 0}
	case Backbone:
		o.Positions = [NumRoles]int{1, 4, 0, 0}
		o.AnnualTurnover = [NumRoles]float64{0.09, 0.19, 0, 0}
		o.HireAlignment = 0.8
	case Community:
		o.Positions = [NumRoles]int{0, 0, 0, 40}
		o.AnnualTurnover = [NumRoles]float64{0, 0, 0, 0.30}
		o.VacancyWeeks = 4
		o.HireAlignment = 0.5
		o.HireAlignmentSD = 0.2
	}
	return o
}

// PersonRef names one position: the index-th position of a role in an
// organization (index 0 is the first). Arrangements and events use it to
// name "the person who holds" a position.
type PersonRef struct {
	Org   string
	Role  Role
	Index int
}

// String formats the reference as org/role/index.
func (r PersonRef) String() string { return fmt.Sprintf("%s/%s/%d", r.Org, r.Role, r.Index) }

// History is a shared history between two organizations: ties that exist
// at the start of a run (M2, initialization).
type History struct {
	// A and B name the two organizations.
	A, B string
	// LeaderTie creates a tie between the first leader of each.
	LeaderTie bool
	// StaffTies is the number of further ties between randomly chosen
	// non-leader people of A and B.
	StaffTies int
	// Trust is the initial trust of every tie of this history.
	Trust float64
}

// Arrangement is a joint arrangement between two organizations held by one
// person on each side, the champions (M7; the seed's "priority access to
// parent education classes").
type Arrangement struct {
	// Name identifies the arrangement in outputs.
	Name string
	// A and B are the champions' positions.
	A, B PersonRef
	// Value is what the arrangement adds to results each week it is active,
	// in results units (effective service hours per week).
	Value float64
	// Trust is the initial trust of the champions' tie.
	Trust float64
}

// EventKind is what a scheduled event does (M12).
type EventKind uint8

// The scheduled event kinds.
const (
	// Leave makes the holder of a position leave (Who; Who.Index < 0 means
	// every holder of that role in the organization).
	Leave EventKind = iota
	// Join brings an organization into the initiative: its positions are
	// empty until then and are filled at the event's step.
	Join
	// Exit takes an organization out: all its people leave and its
	// positions are not refilled.
	Exit
	// Set changes a parameter (Param, by dotted name) to Value: a policy or
	// funding change.
	Set
)

var eventKindNames = []string{"leave", "join", "exit", "set"}

// String returns the scenario name of the event kind.
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// ParseEventKind returns the event kind named s.
func ParseEventKind(s string) (EventKind, error) {
	for i, n := range eventKindNames {
		if n == s {
			return EventKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown event kind %q; allowed: %s", s, strings.Join(eventKindNames, ", "))
}

// Event is a scheduled shock applied at the start of step Step (M12).
type Event struct {
	Step int
	Kind EventKind
	// Who is the position that leaves (Leave).
	Who PersonRef
	// Org is the organization that joins or exits (Join, Exit).
	Org string
	// Param and Value are the dotted parameter name and its new value (Set).
	Param, Value string
}

// Trust holds the tie and trust parameters (M2; docs/MODEL.md §7.4, §7.9).
type Trust struct {
	// GrowthPerHour is α, trust gained per hour of dedicated relationship
	// time at full alignment, as a fraction of the distance to 1.
	GrowthPerHour float64
	// WorkDiscount scales α for hours in formal meetings and direct work.
	WorkDiscount float64
	// NegativeMax is the probability that an interaction between two people
	// with no alignment at all is a bad experience.
	NegativeMax float64
	// BreakFraction is the share of trust a bad experience destroys.
	BreakFraction float64
	// Decay is δ0, the weekly decay rate of a weak tie without contact.
	Decay float64
	// DecayStrengthProtection is c_T: strong ties decay slower.
	DecayStrengthProtection float64
	// DecayDissimilarity is c_a: ties between people who differ in alignment
	// decay faster.
	DecayDissimilarity float64
	// DropBelow is T_min: a tie whose trust falls below it is dropped.
	DropBelow float64
	// AlignmentPull is how far one positive interaction pulls the less
	// aligned person toward the other's alignment, per unit trust.
	AlignmentPull float64
}

// Network holds the interaction parameters (M3; docs/MODEL.md §7.2).
type Network struct {
	// HoursPerContact is the length of one relationship-building contact.
	HoursPerContact float64
	// ExploreProbability is the chance that a contact goes to someone new
	// rather than to an existing tie.
	ExploreProbability float64
	// MaintenanceFocus is k: maintenance contacts go to one of a person's
	// k strongest ties.
	MaintenanceFocus int
	// IntroductionProbability is the chance that someone new is sought
	// through an introduction by a friend.
	IntroductionProbability float64
	// ColdContactProbability is the chance that, failing an introduction,
	// someone new is found cold among the people of other organizations.
	ColdContactProbability float64
	// Homophily is β: a new contact is accepted with exp(-β·|a_i-a_j|).
	Homophily float64
	// ColleagueContacts is the weekly number of work contacts with a
	// random colleague in one's own organization.
	ColleagueContacts float64
	// InitialColleagueTies is the number of ties to colleagues each person
	// starts with, at trust InitialColleagueTrust.
	InitialColleagueTies  int
	InitialColleagueTrust float64
}

// Convening holds the backbone's convening parameters (M4; §7.3).
type Convening struct {
	// Interval is the number of weeks between convenings; 0 turns them off.
	Interval int
	// Attend says which roles attend: leaders only, or staff and volunteers
	// too ("at every level"). Members attend when engaged (Policy.Engagement).
	Attend [NumRoles]bool
	// Attendance is the probability that an invited person attends.
	Attendance float64
	// Contacts is the number of people from other organizations each
	// attendee meets at one convening.
	Contacts int
	// Hours is the length of a convening, taken from direct work.
	Hours float64
	// Relational says whether relationship building is built into the
	// meeting: contacts then count as dedicated hours, not work hours.
	Relational bool
	// AlignmentPull is ω, how far one convening pulls an attendee's
	// alignment toward 1.
	AlignmentPull float64
}

// Alignment holds the common-purpose parameters (M5; §7.6).
type Alignment struct {
	// Relaxation is the weekly rate at which a person's alignment returns
	// to their own baseline (competing priorities).
	Relaxation float64
}

// Turnover holds the initiative-wide turnover switches (M6; §7.7).
type Turnover struct {
	// Embeddedness is η: the weekly leaving hazard is multiplied by
	// exp(-η·E), E the person's summed cross-organization trust. 0 is off.
	Embeddedness float64
}

// Policy holds the levers a funder or backbone can pull (M3, M8, M9, M10).
type Policy struct {
	// RelationshipShare is the share of working hours each person spends on
	// relationship building (where funded).
	RelationshipShare float64
	// Sustained keeps relationship building going for the whole run; when
	// false it stops after FormationWeeks (the "early formation phase").
	Sustained      bool
	FormationWeeks int
	// HandoffShare is the share of a leaver's trust passed to the successor
	// through an introduction (the warm handoff): 0 none, 1 full.
	HandoffShare float64
	// HandoffCoverage is the probability that each of the leaver's
	// cross-organization ties is handed over when HandoffShare > 0.
	HandoffCoverage float64
	// FunderModel is grantor-grantee or partnership.
	FunderModel FunderModel
	// Engagement is the share of community members engaged as co-producers.
	Engagement float64
}

// FunderModels holds what the two funder models change (M9; §7.12).
type FunderModels struct {
	// UnfundedShare caps relationship building of funded organizations
	// under grantor-grantee, where it is not a fundable activity.
	UnfundedShare float64
	// ReportingGrantorGrantee and ReportingPartnership are the share of
	// funded people's hours spent on reporting to funders.
	ReportingGrantorGrantee float64
	ReportingPartnership    float64
}

// Partnerships holds the organization-level parameters (M7; §7.10).
type Partnerships struct {
	// LeaderWeight and StaffWeight are w: the weight of one tie in the
	// noisy-or partnership strength, by whether a leader holds it.
	LeaderWeight float64
	StaffWeight  float64
	// MinTrust is the trust from which a tie carries the partnership
	// ("working trust"); weaker acquaintances do not.
	MinTrust float64
	// ActiveThreshold is the strength from which a partnership is active.
	ActiveThreshold float64
	// MemoryGain, MemoryLoss and MemoryFloor are the optional institutional
	// memory (ε_up, ε_down, ζ). ζ = 0 gives the seed's "re-set to zero".
	MemoryGain  float64
	MemoryLoss  float64
	MemoryFloor float64
}

// Arrangements holds the parameters common to all joint arrangements (M7).
type Arrangements struct {
	// MinTrust is θ: an arrangement ends when its champions' trust falls
	// below it, and is rebuilt when it rises to it again.
	MinTrust float64
	// MinAlignment is v: the alignment a successor needs to see the value.
	MinAlignment float64
	// ReviewSpread is τ: the softness of the successor's keep decision.
	ReviewSpread float64
	// ContactHours is the weekly work time the champions spend together.
	ContactHours float64
	// GraceWeeks is how long an arrangement stays in force while its
	// champions have no tie: kept on paper by a successor, it lapses unless
	// they build a relationship within this time.
	GraceWeeks int
}

// CommunityParams holds the co-production parameters (M10; §7.4).
type CommunityParams struct {
	// Contacts is the weekly number of contacts an engaged member has with
	// staff or volunteers of nonprofits.
	Contacts float64
}

// Results holds the parameters of initiative results (M11; §7.11).
type Results struct {
	// HoursPerWeek is the working time of each role (members, who have no
	// direct work, are not counted; their time is community.contacts).
	HoursPerWeek [NumRoles]float64
	// Productivity is the results per direct-work hour of each role.
	Productivity [NumRoles]float64
	// CoordinationGain is γ_c, the gain from active partnerships.
	CoordinationGain float64
	// CoproductionGain is γ_cp, the gain from co-production.
	CoproductionGain float64
}

// Params is everything a run needs besides its seed. Scenario files set
// it field by field through dotted names (see Set); the zero value is not
// valid: start from Default.
type Params struct {
	// Horizon is the number of weekly steps recorded.
	Horizon int
	// Warmup is the number of weekly steps run before recorded week 0, so
	// that what is recorded starts from the initiative's quasi-stationary
	// state (docs/MODEL.md §3, "Warm-up"). Events, the formation phase and
	// the convening calendar count from recorded week 0.
	Warmup int
	// Orgs are the organizations; their order fixes person indices.
	Orgs         []Org
	History      []History
	Arrangement  []Arrangement
	Events       []Event
	Trust        Trust
	Network      Network
	Convening    Convening
	Alignment    Alignment
	Turnover     Turnover
	Policy       Policy
	FunderModels FunderModels
	Partnership  Partnerships
	Arrangements Arrangements
	Community    CommunityParams
	Results      Results
}

// DefaultWarmup is the default warm-up in weeks (Params.Warmup): the
// weeks the default initiative takes to reach its steady state, by the
// criterion of docs/MODEL.md §3 ("Warm-up"), checked by TestWarmupConverges.
const DefaultWarmup = 260

// Default returns the model parameters of docs/MODEL.md with a small
// default initiative: four nonprofits, a funder, a backbone and the
// community served, with a shared history between two nonprofits.
func Default() Params {
	p := Params{
		Horizon: 260,
		Warmup:  DefaultWarmup,
		Orgs: []Org{
			DefaultOrg("backbone", Backbone),
			DefaultOrg("funder", Funder),
			DefaultOrg("family_center", Nonprofit),
			DefaultOrg("parent_ed", Nonprofit),
			DefaultOrg("food_bank", Nonprofit),
			DefaultOrg("youth_league", Nonprofit),
			DefaultOrg("community", Community),
		},
		History: []History{{A: "family_center", B: "parent_ed", LeaderTie: true, StaffTies: 1, Trust: 0.7}},
		Arrangement: []Arrangement{{
			Name:  "priority_access",
			A:     PersonRef{Org: "family_center", Role: Leader},
			B:     PersonRef{Org: "parent_ed", Role: Leader},
			Value: 20, Trust: 0.7,
		}},
		Trust: Trust{
			GrowthPerHour:           0.008,
			WorkDiscount:            0.5,
			NegativeMax:             0.1,
			BreakFraction:           0.3,
			Decay:                   0.027,
			DecayStrengthProtection: 2,
			DecayDissimilarity:      1,
			DropBelow:               0.05,
			AlignmentPull:           0.02,
		},
		Network: Network{
			HoursPerContact:         1,
			ExploreProbability:      0.1,
			MaintenanceFocus:        6,
			IntroductionProbability: 0.3,
			ColdContactProbability:  0.2,
			Homophily:               2,
			ColleagueContacts:       1,
			InitialColleagueTies:    3,
			InitialColleagueTrust:   0.4,
		},
		Convening: Convening{
			Interval:      4,
			Attend:        [NumRoles]bool{true, true, true, true},
			Attendance:    0.8,
			Contacts:      3,
			Hours:         2,
			Relational:    true,
			AlignmentPull: 0.05,
		},
		Alignment: Alignment{Relaxation: 0.01},
		Turnover:  Turnover{Embeddedness: 0.3},
		Policy: Policy{
			RelationshipShare: 0.05,
			Sustained:         true,
			FormationWeeks:    52,
			HandoffShare:      0,
			HandoffCoverage:   0.8,
			FunderModel:       Partnership,
			Engagement:        0.5,
		},
		FunderModels: FunderModels{UnfundedShare: 0.01, ReportingGrantorGrantee: 0.08, ReportingPartnership: 0.02},
		Partnership: Partnerships{
			LeaderWeight: 0.8, StaffWeight: 0.3, MinTrust: 0.25, ActiveThreshold: 0.5,
			MemoryGain: 0.01, MemoryLoss: 0.005, MemoryFloor: 0,
		},
		Arrangements: Arrangements{MinTrust: 0.3, MinAlignment: 0.5, ReviewSpread: 0.1, ContactHours: 1, GraceWeeks: 26},
		Community:    CommunityParams{Contacts: 1},
		Results: Results{
			HoursPerWeek:     [NumRoles]float64{45, 40, 8, 0},
			Productivity:     [NumRoles]float64{0.5, 1, 0.8, 0},
			CoordinationGain: 0.5,
			CoproductionGain: 0.2,
		},
	}
	return p
}

// Clone returns a deep copy of p, so that a sweep can vary copies of one
// base without sharing slices.
func (p *Params) Clone() Params {
	q := *p
	q.Orgs = append([]Org(nil), p.Orgs...)
	q.History = append([]History(nil), p.History...)
	q.Arrangement = append([]Arrangement(nil), p.Arrangement...)
	q.Events = append([]Event(nil), p.Events...)
	return q
}

// OrgIndex returns the index of the organization named name, or -1.
func (p *Params) OrgIndex(name string) int {
	for i := range p.Orgs {
		if p.Orgs[i].Name == name {
			return i
		}
	}
	return -1
}

// People returns the total number of positions, which is the number of
// person slots a run allocates.
func (p *Params) People() int {
	n := 0
	for i := range p.Orgs {
		n += p.Orgs[i].Headcount()
	}
	return n
}

// weeklyHazard converts an annual turnover rate, in separations per
// average headcount per year (the measure of the nonprofit surveys the
// defaults come from), into the weekly leaving probability of a person in
// post: h = rate/52 (docs/MODEL.md §7.7).
func weeklyHazard(annual float64) float64 { return annual / 52 }
