package blob

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
)

// A 1×1 PNG, made by image/png.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

func TestPutOpen(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Put(bytes.NewReader(pngBytes), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if b.ContentType != "image/png" || b.Size != int64(len(pngBytes)) || len(b.SHA256) != 64 {
		t.Fatalf("Put = %+v", b)
	}
	again, err := s.Put(bytes.NewReader(pngBytes), 1<<20)
	if err != nil || again != b {
		t.Fatalf("second Put = %+v, %v", again, err)
	}
	f, err := s.Open(b.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, pngBytes) {
		t.Fatal("read back different bytes")
	}
	// A script named photo.png is still text.
	txt, err := s.Put(strings.NewReader("<script>alert(1)</script>"), 1<<20)
	if err != nil || strings.HasPrefix(txt.ContentType, "image/") {
		t.Fatalf("sniffed %q, %v", txt.ContentType, err)
	}
}

func TestPutLimits(t *testing.T) {
	s, _ := Open(t.TempDir())
	if _, err := s.Put(bytes.NewReader(make([]byte, 2048)), 1024); !minsheng.IsCode(err, minsheng.ETOOLARGE) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := s.Put(bytes.NewReader(nil), 1024); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Fatalf("empty: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", strings.Repeat("a", 64)} {
		if _, err := s.Open(bad); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("Open(%q) = %v", bad, err)
		}
	}
}
