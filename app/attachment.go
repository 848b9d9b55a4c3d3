package app

import (
	"context"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/blob"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Upload is a file already in the blob store, with the name its sender
// gave it. The HTTP layer streams each file into the store first (so that a
// large upload holds no transaction open), then passes Uploads to a use case.
type Upload struct {
	Name string
	Blob blob.Blob
}

// PutUpload stores an uploaded file and checks it: at most
// ticket.MaxAttachmentSize bytes, and a photo or PDF by its content.
func (s *Service) PutUpload(name string, r io.Reader) (Upload, error) {
	if s.blobs == nil {
		return Upload{}, minsheng.Errorf(minsheng.EINVALID, "this server does not accept files")
	}
	b, err := s.blobs.Put(r, ticket.MaxAttachmentSize)
	if err != nil {
		return Upload{}, err
	}
	if !ticket.AllowedAttachment(b.ContentType) {
		return Upload{}, minsheng.FieldError("file", "%s is not a photo (JPEG, PNG, GIF, WebP) or a PDF", safeName(name)).Because("file_type")
	}
	return Upload{Name: safeName(name), Blob: b}, nil
}

// safeName keeps the last path element of a file name, without control
// characters, at most 100 characters.
func safeName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" {
		name = "file"
	}
	return name
}

// uploadIDs checks the number of files and their types, and reserves their
// ids, before the transaction: a refused file costs no transaction.
func (s *Service) uploadIDs(ctx context.Context, files []Upload) ([]int64, error) {
	if len(files) > ticket.MaxAttachmentsPerAction {
		return nil, minsheng.FieldError("file", "at most %d files at a time", ticket.MaxAttachmentsPerAction).Because("too_many_files")
	}
	ids := make([]int64, len(files))
	for i, f := range files {
		if !ticket.AllowedAttachment(f.Blob.ContentType) {
			return nil, minsheng.FieldError("file", "%s is not a photo or a PDF", f.Name).Because("file_type")
		}
		id, err := s.db.NextID(ctx)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

func insertUploads(ctx context.Context, tx *store.Tx, ticketID int64, seq int, actorID int64, at time.Time, files []Upload, ids []int64) error {
	for i, f := range files {
		err := store.InsertAttachment(ctx, tx, &ticket.Attachment{
			ID: ids[i], TicketID: ticketID, EventSeq: seq, Name: f.Name, ContentType: f.Blob.ContentType,
			Size: f.Blob.Size, SHA256: f.Blob.SHA256, CreatedBy: actorID, CreatedAt: at,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// OpenAttachment returns an attachment of a ticket the user may see, and
// its content.
func (s *Service) OpenAttachment(ctx context.Context, actor *org.User, ref string, id int64) (*ticket.Attachment, io.ReadSeekCloser, error) {
	var a *ticket.Attachment
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.loadVisible(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		a, err = store.GetAttachment(ctx, tx, t.ID, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return s.openBlob(a)
}

func (s *Service) openBlob(a *ticket.Attachment) (*ticket.Attachment, io.ReadSeekCloser, error) {
	if s.blobs == nil {
		return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "file not found")
	}
	f, err := s.blobs.Open(a.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}
