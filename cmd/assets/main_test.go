package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

func tarball(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func TestVerify(t *testing.T) {
	data := []byte("package contents")
	sum := sha512.Sum512(data)
	good := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	if err := verify(data, good); err != nil {
		t.Fatalf("good integrity: %v", err)
	}
	if err := verify([]byte("tampered"), good); err == nil {
		t.Fatal("a tampered tarball passed")
	}
	if err := verify(data, "sha1-abc"); err == nil {
		t.Fatal("an integrity without sha512 passed")
	}
}

func TestExtract(t *testing.T) {
	out := t.TempDir()
	tgz := tarball(t, map[string]string{"package/dist/x.min.js": "x()", "package/LICENSE": "MIT", "package/src/big.js": "no"})
	n, err := extract(tgz, map[string]string{"dist/x.min.js": "x.min.js", "LICENSE": "licenses/x.txt"}, out)
	if err != nil || n != 2 {
		t.Fatalf("extract = %d, %v", n, err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "licenses", "x.txt")); string(b) != "MIT" {
		t.Fatalf("licence = %q", b)
	}
	if _, err := os.Stat(filepath.Join(out, "big.js")); err == nil {
		t.Fatal("an unwanted file was extracted")
	}
	if _, err := extract(tgz, map[string]string{"dist/missing.js": "m.js"}, out); err == nil {
		t.Fatal("a missing file was not reported")
	}
}

func TestTarballURL(t *testing.T) {
	for _, tc := range []struct{ reg, name, ver, want string }{
		{"https://r.example/", "leaflet", "1.9.4", "https://r.example/leaflet/-/leaflet-1.9.4.tgz"},
		{"https://r.example", "htmx.org", "2.0.11", "https://r.example/htmx.org/-/htmx.org-2.0.11.tgz"},
		{"https://r.example/", "@scope/pkg", "1.0.0", "https://r.example/@scope%2Fpkg/-/pkg-1.0.0.tgz"},
	} {
		if got := tarballURL(tc.reg, tc.name, tc.ver); got != tc.want {
			t.Errorf("tarballURL(%q, %q) = %q; want %q", tc.reg, tc.name, got, tc.want)
		}
	}
}
