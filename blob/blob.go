// Package blob keeps uploaded files (photos of a pothole, a scanned letter)
// on local disk, addressed by the SHA-256 of their content: the same file
// uploaded twice is stored once, a file is never overwritten, and a stored
// file can be verified. The database holds the metadata and who may see it;
// this package holds only bytes.
package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"

	"github.com/minsheng/minsheng"
)

// Blob describes a stored file.
type Blob struct {
	SHA256      string // hex
	Size        int64
	ContentType string // sniffed from the content, never taken from the name
}

// Store is a folder of blobs.
type Store struct{ dir string }

// Open returns the store in dir, creating the folder if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob store %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (s *Store) path(sha string) string { return filepath.Join(s.dir, sha[:2], sha[2:]) }

// Put stores the content read from r, at most limit bytes; more is an
// ETOOLARGE error and nothing is kept.
func (s *Store) Put(r io.Reader, limit int64) (Blob, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "upload-*")
	if err != nil {
		return Blob{}, fmt.Errorf("blob put: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	defer tmp.Close()
	h := sha256.New()
	head := make([]byte, 0, 512)
	n, err := io.Copy(io.MultiWriter(tmp, h, &headWriter{buf: &head}), io.LimitReader(r, limit+1))
	if err != nil {
		return Blob{}, fmt.Errorf("blob put: %w", err)
	}
	if n > limit {
		return Blob{}, minsheng.Errorf(minsheng.ETOOLARGE, "the file is larger than %d MiB", limit>>20)
	}
	if n == 0 {
		return Blob{}, minsheng.Errorf(minsheng.EINVALID, "the file is empty")
	}
	if err := tmp.Sync(); err != nil {
		return Blob{}, fmt.Errorf("blob put: %w", err)
	}
	b := Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, ContentType: http.DetectContentType(head)}
	dst := s.path(b.SHA256)
	if _, err := os.Stat(dst); err == nil {
		return b, nil // already stored
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return Blob{}, fmt.Errorf("blob put: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, fmt.Errorf("blob put: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return Blob{}, fmt.Errorf("blob put: %w", err)
	}
	return b, nil
}

// headWriter keeps the first 512 bytes written, for content sniffing.
type headWriter struct{ buf *[]byte }

func (w *headWriter) Write(p []byte) (int, error) {
	if room := cap(*w.buf) - len(*w.buf); room > 0 {
		*w.buf = append(*w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// Open returns the stored file with the hash, or ENOTFOUND.
func (s *Store) Open(sha string) (*os.File, error) {
	if !shaRE.MatchString(sha) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "file not found")
	}
	f, err := os.Open(s.path(sha))
	if errors.Is(err, os.ErrNotExist) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "file not found")
	}
	return f, err
}
