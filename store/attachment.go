package store

import (
	"context"
	"fmt"

	"github.com/minsheng/minsheng/ticket"
)

const attachmentColumns = `id, ticket_id, event_seq, name, content_type, size, sha256, COALESCE(created_by, 0), created_at`

func scanAttachment(s scanner) (*ticket.Attachment, error) {
	var a ticket.Attachment
	if err := s.Scan(&a.ID, &a.TicketID, &a.EventSeq, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedBy, &a.CreatedAt); err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// scanAttachmentValue is scanAttachment for lists of values.
func scanAttachmentValue(s scanner) (ticket.Attachment, error) {
	a, err := scanAttachment(s)
	if err != nil {
		return ticket.Attachment{}, err
	}
	return *a, nil
}

// InsertAttachment records a file added with an event; the event must be
// written first.
func InsertAttachment(ctx context.Context, tx *Tx, a *ticket.Attachment) error {
	_, err := tx.Exec(ctx, `INSERT INTO attachments
		(id, ticket_id, event_seq, name, content_type, size, sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.TicketID, a.EventSeq, a.Name, a.ContentType, a.Size, a.SHA256, nullID(a.CreatedBy), a.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert attachment: %w", err)
	}
	return nil
}

// ListAttachments returns a ticket's attachments in timeline order.
func ListAttachments(ctx context.Context, tx *Tx, ticketID int64) ([]ticket.Attachment, error) {
	out, err := queryAll(ctx, tx, scanAttachmentValue,
		`SELECT `+attachmentColumns+` FROM attachments WHERE ticket_id = ? ORDER BY event_seq, id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	return out, nil
}

// GetAttachment returns one attachment of a ticket, or ENOTFOUND.
func GetAttachment(ctx context.Context, tx *Tx, ticketID, id int64) (*ticket.Attachment, error) {
	return getOne(ctx, tx, scanAttachment, "attachment", id,
		`SELECT `+attachmentColumns+` FROM attachments WHERE ticket_id = ? AND id = ?`, ticketID, id)
}
