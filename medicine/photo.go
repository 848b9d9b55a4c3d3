package medicine

import (
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
)

// PhotoOf is what a photo of a request shows: the prescription, one leg
// of the delivery (a handover), or the delivery to the patient.
type PhotoOf string

// What photos show.
const (
	PhotoPrescription PhotoOf = "prescription" // the prescription (when opening or later)
	PhotoHandover     PhotoOf = "handover"     // a handover: proof of who handed it to whom
	PhotoDelivery     PhotoOf = "delivery"     // the delivery to the patient
)

// PhotoOfs lists what photos may show.
var PhotoOfs = []PhotoOf{PhotoPrescription, PhotoHandover, PhotoDelivery}

// Valid reports whether o is a known subject of a photo.
func (o PhotoOf) Valid() bool { return slices.Contains(PhotoOfs, o) }

// MaxPhotos is how many photos the prescription, one handover and the
// delivery each keep (the pages' text why.too_many_photos says 6).
const MaxPhotos = 6

// Photo is a photo of a request; its content is in the blob store, by its
// SHA-256, as tickets' files are. Leg is the handover's Seq for a photo
// of a handover, 0 otherwise.
type Photo struct {
	ID          int64     `json:"id,string"`
	RequestID   int64     `json:"request_id,string"`
	Of          PhotoOf   `json:"of"`
	Leg         int       `json:"leg,omitempty"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"-"`
	CreatedBy   int64     `json:"created_by,string,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// PhotoType reports whether a file of the sniffed content type is a photo
// a request keeps: JPEG, PNG, GIF or WebP (no PDF, unlike a ticket).
func PhotoType(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(ct) {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}

// photoRules says in which statuses photos of each subject may be added
// and by whom: the prescription by the post and the agents until the
// request ends in failure; a handover's and the delivery's by the post
// and the carrier, with the step or afterwards (a driver without signal
// sends them later).
var photoRules = map[PhotoOf]rule{
	PhotoPrescription: {[]Status{StatusRequested, StatusVerified, StatusSourcing, StatusSourced, StatusDelivering,
		StatusDelivered, StatusConfirmed}, "", []Party{PartyPost, PartyAgent}},
	PhotoHandover: {[]Status{StatusDelivering, StatusDelivered, StatusConfirmed}, "", []Party{PartyPost, PartyCarrier}},
	PhotoDelivery: {[]Status{StatusDelivered, StatusConfirmed}, "", []Party{PartyPost, PartyCarrier}},
}

// CheckPhotos returns nil if one of the parties may add photos of the
// subject to a request in the status: EINVALID for an unknown subject,
// EFORBIDDEN if no party may, ECONFLICT if the status does not allow it.
func CheckPhotos(from Status, of PhotoOf, parties ...Party) error {
	r, ok := photoRules[of]
	if !ok {
		return minsheng.FieldError("of", "a photo is of the prescription, a handover or the delivery, not %q", of).Because("choose")
	}
	if !slices.ContainsFunc(parties, func(p Party) bool { return slices.Contains(r.who, p) }) {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "you may not add photos of the %s of this medicine request", of)
	}
	if !slices.Contains(r.from, from) {
		return &minsheng.Error{Code: minsheng.ECONFLICT, Message: "photos of the " + string(of) + " cannot be added to a medicine request that is " + string(from)}
	}
	return nil
}
