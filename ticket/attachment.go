package ticket

import (
	"strings"
	"time"
)

// Attachment is a file added to a ticket with one of its events.
type Attachment struct {
	ID          int64     `json:"id"`
	TicketID    int64     `json:"-"`
	EventSeq    int       `json:"event_seq"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedBy   int64     `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Limits on attachments.
const (
	MaxAttachmentSize       = 10 << 20 // bytes per file
	MaxAttachmentsPerAction = 9
)

// AllowedAttachment reports whether a file of the sniffed content type may
// be attached: photos and PDF scans. The type comes from the content, never
// from the file's name.
func AllowedAttachment(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(ct) {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf":
		return true
	}
	return false
}
