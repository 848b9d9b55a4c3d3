package household

import (
	"strings"
	"time"
)

// VisitPhoto is a photo taken at a visit; its content is in the blob
// store, by its SHA-256.
type VisitPhoto struct {
	ID          int64     `json:"id"`
	VisitID     int64     `json:"visit_id"`
	HouseholdID int64     `json:"household_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"-"`
	CreatedBy   int64     `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// MaxVisitPhotos is how many photos one visit keeps.
const MaxVisitPhotos = 6

// PhotoType reports whether a file of the sniffed content type is a
// photo a visit keeps: JPEG, PNG, GIF or WebP (no PDF, unlike a ticket).
func PhotoType(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(ct) {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}
