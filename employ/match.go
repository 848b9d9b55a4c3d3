package employ

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
	parts := score(p, s)
	m := Match{Reasons: make([]Reason, 0, 4)}
	for _, r := range parts {
		if r.Points > 0 {
			m.Score += r.Points
			m.Reasons = append(m.Reasons, r)
		}
	}
	return m
}

// Points is Score's total alone, without allocating: the first pass of
// matching a post against many seekers.
func Points(p *Post, s *Seeker) int {
	n := 0
	for _, r := range score(p, s) {
		n += r.Points
	}
	return n
}

// score returns the parts of a match in order; a part that does not
// match has no points.
func score(p *Post, s *Seeker) [4]Reason {
	var out [4]Reason
	occ, pts := "", 0
	for _, k := range s.Skills {
		switch {
		case k == p.Occupation || prefixOf(k, p.Occupation) || prefixOf(p.Occupation, k):
			occ, pts = "occupation", PointsOccupation
		case occ == "" && k != "" && p.Occupation != "" && k[0] == p.Occupation[0]:
			occ, pts = "occupation_group", PointsOccupationGroup
		}
	}
	out[0] = Reason{Code: occ, Points: pts}
	if s.Area != "" && s.Area == p.Area {
		out[1] = Reason{Code: "area", Points: PointsArea}
	}
	for _, k := range s.Kinds {
		if k == p.Kind {
			out[2] = Reason{Code: "kind", Points: PointsKind}
		}
	}
	if s.SalaryMin == 0 || p.SalaryMax >= s.SalaryMin {
		out[3] = Reason{Code: "salary", Points: PointsSalary}
	}
	return out
}

// prefixOf reports whether code a holds code b ("4-03" holds "4-03-02").
func prefixOf(a, b string) bool { return len(b) > len(a) && b[:len(a)] == a && b[len(a)] == '-' }
