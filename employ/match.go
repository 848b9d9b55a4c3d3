package employ

import "slices"

// Reason is one part of a match's score: what matched and its points.
type Reason struct {
	Code   string `json:"code"` // occupation, occupation_group, area, kind, salary
	Points int    `json:"points"`
}

// Match is the score of a seeker for a post (0–100) and why.
type Match struct {
	Score   int      `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// The points of each part of a match; they add up to 100.
const (
	PointsOccupation      = 40 // a skill is the post's occupation, or one holds the other
	PointsOccupationGroup = 20 // a skill is in the post's major group only
	PointsArea            = 25
	PointsKind            = 20
	PointsSalary          = 15
)

// PushScore is the least score at which a new post is pushed to a
// subscribed seeker.
const PushScore = 60

// Score computes how well the seeker fits the post, the same both ways:
// the employer sees it beside an applicant, the seeker beside a post. It
// counts the occupation (exact or one code below the other, else the same
// major group), the area, the kind of work and the salary (the post's top
// reaches what the seeker asks).
func Score(p *Post, s *Seeker) Match {
	m := Match{Reasons: []Reason{}}
	add := func(code string, pts int) {
		m.Score += pts
		m.Reasons = append(m.Reasons, Reason{Code: code, Points: pts})
	}
	occ := ""
	for _, k := range s.Skills {
		switch {
		case k == p.Occupation || prefixOf(k, p.Occupation) || prefixOf(p.Occupation, k):
			occ = "occupation"
		case occ == "" && MajorGroup(k) == MajorGroup(p.Occupation):
			occ = "occupation_group"
		}
	}
	switch occ {
	case "occupation":
		add(occ, PointsOccupation)
	case "occupation_group":
		add(occ, PointsOccupationGroup)
	}
	if s.Area != "" && s.Area == p.Area {
		add("area", PointsArea)
	}
	if slices.Contains(s.Kinds, p.Kind) {
		add("kind", PointsKind)
	}
	if s.SalaryMin == 0 || p.SalaryMax >= s.SalaryMin {
		add("salary", PointsSalary)
	}
	return m
}

// prefixOf reports whether code a holds code b ("4-03" holds "4-03-02").
func prefixOf(a, b string) bool { return len(b) > len(a) && b[:len(a)] == a && b[len(a)] == '-' }
