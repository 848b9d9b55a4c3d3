package app

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/text"
	"github.com/minsheng/minsheng/ticket"
)

// Similar is an open ticket like the one being written, so that the agent
// can link to it instead of registering a duplicate.
type Similar struct {
	Ticket   ticket.Ticket `json:"ticket"`
	Score    float64       `json:"score"`              // 0..1: the share of character pairs in common
	Distance float64       `json:"distance,omitempty"` // metres, when both have a point
}

// Similarity thresholds: texts share this share of character pairs, or
// somewhat fewer when the points are this close.
const (
	similarMin     = 0.2
	similarNearMin = 0.12
	similarNear    = 500.0 // metres
	similarWindow  = 30 * 24 * time.Hour
	similarScan    = MaxPageSize
)

// SimilarOpenTickets returns the open tickets of the last 30 days whose
// text is most like desc (the mean of the Jaccard index of their
// character-pair sets and the share of desc's pairs the other holds),
// nearby ones ranked up, best first. It is a simple measure for the desk;
// the text package's duplicate finder is the better one.
func (s *Service) SimilarOpenTickets(ctx context.Context, actor *org.User, desc string, lat, lng *float64, limit int) ([]Similar, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	want := pairSet(desc)
	if len(want) < 3 {
		return nil, nil
	}
	from := s.now().Add(-similarWindow)
	page, err := s.ListTickets(ctx, actor, ListQuery{
		Statuses: []ticket.Status{ticket.StatusRegistered, ticket.StatusDispatched, ticket.StatusAcknowledged,
			ticket.StatusReturned, ticket.StatusReplied, ticket.StatusReopened},
		CreatedFrom: &from, Limit: similarScan,
	})
	if err != nil {
		return nil, err
	}
	var out []Similar
	for _, t := range page.Tickets {
		other := pairSet(t.Title + "\n" + t.Description)
		// Jaccard alone punishes the few words typed so far; half of the
		// score is how much of the typed text the other ticket holds.
		sc := (jaccard(want, other) + containment(want, other)) / 2
		sim := Similar{Ticket: t, Score: sc}
		min := similarMin
		if lat != nil && lng != nil && t.Lat != nil && t.Lng != nil {
			sim.Distance = metres(*lat, *lng, *t.Lat, *t.Lng)
			if sim.Distance <= similarNear {
				min = similarNearMin
				sc += 0.1
			}
		}
		if sim.Score >= min {
			sim.Score = math.Min(1, sc)
			out = append(out, sim)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// pairSet is the set of character-pair shingles of a text.
func pairSet(s string) map[uint64]bool {
	m := map[uint64]bool{}
	for _, h := range text.Shingles(s, 2, 2000) {
		m[h] = true
	}
	return m
}

func jaccard(a, b map[uint64]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for h := range a {
		if b[h] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// containment is the share of a's pairs that b holds.
func containment(a, b map[uint64]bool) float64 {
	if len(a) == 0 {
		return 0
	}
	n := 0
	for h := range a {
		if b[h] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// metres is the distance between two points (haversine).
func metres(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
