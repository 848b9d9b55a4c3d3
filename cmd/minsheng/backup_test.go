package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minsheng/minsheng/backup"
)

// A one-pixel PNG, an attachment whose bytes the restored server must give
// back.
var pngPixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" +
	"\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

// TestBackupUnderLoadAndRestore takes a backup of a running server's SQLite
// database while eight clients create tickets, restores it into a new
// folder, starts a server on it, and finds every ticket whose creation was
// answered 201 before the backup began, and the attachment's bytes. A
// backup with one byte changed is refused by restore, and so is a restore
// over an existing database without -force.
func TestBackupUnderLoadAndRestore(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, "-demo-tickets", "0")
	agent := lastLine(minsheng(t, dir, "user", "token", "agent"))
	dispatcher := lastLine(minsheng(t, dir, "user", "token", "dispatcher"))

	var photo struct{ Number string }
	if code := api(t, "POST", srv.url+"/api/v1/tickets", agent, map[string]string{
		"description": "井盖缺失，附现场照片", "kind": "report", "caller_phone": "13900001111"}, &photo); code != http.StatusCreated {
		t.Fatalf("create: %d", code)
	}
	attach(t, srv.url+"/api/v1/tickets/"+photo.Number+"/attachments", dispatcher, "井盖.png", pngPixel)

	var (
		mu      sync.Mutex
		acked   []string
		stop    = make(chan struct{})
		writers sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for w := range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"description":"第%d-%d号备份测试：路灯不亮","kind":"report","caller_phone":"1390000%04d"}`, w, i, i%10000)
				req, _ := http.NewRequest("POST", srv.url+"/api/v1/tickets", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+agent)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("create: %v", err)
					return
				}
				var tk struct{ Number string }
				json.NewDecoder(resp.Body).Decode(&tk)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("create: %d", resp.StatusCode)
					return
				}
				mu.Lock()
				acked = append(acked, tk.Number)
				mu.Unlock()
			}
		}()
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for deadline := time.Now().Add(2 * time.Minute); count() < 300; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d tickets created in 2 minutes", count())
		}
	}

	mu.Lock()
	before := append([]string{photo.Number}, acked...)
	mu.Unlock()
	dest := filepath.Join(t.TempDir(), "backup-1")
	start := time.Now()
	out := minsheng(t, dir, "backup", dest)
	took := time.Since(start)
	during := count() - (len(before) - 1)
	time.Sleep(200 * time.Millisecond) // writes go on after the backup too
	close(stop)
	writers.Wait()
	t.Logf("backup of %d acknowledged tickets in %v while %d more were created: %s", len(before), took, during, strings.TrimSpace(out))
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-srv.exited; err != nil {
		t.Fatalf("server exited with %v", err)
	}

	m, err := backup.Verify(dest)
	if err != nil {
		t.Fatal(err)
	}
	// The database, then the files: the attachment and the demo's photos
	// (the capabilities' demo draws some).
	pixel := fmt.Sprintf("%x", sha256.Sum256(pngPixel))
	if m.Dialect != "sqlite" || m.SchemaVersion == 0 || m.Database != backup.DatabaseName || len(m.Files) < 2 ||
		m.Files[0].Path != backup.DatabaseName ||
		!slices.ContainsFunc(m.Files[1:], func(f backup.File) bool {
			return strings.HasPrefix(f.Path, backup.FilesDir+"/") && f.SHA256 == pixel && f.Size == int64(len(pngPixel))
		}) {
		t.Errorf("manifest %+v", m)
	}

	t.Run("one byte changed", func(t *testing.T) {
		for _, f := range m.Files {
			bad := filepath.Join(t.TempDir(), "backup")
			copyDir(t, dest, bad)
			flipByte(t, filepath.Join(bad, filepath.FromSlash(f.Path)), f.Size/2)
			into := t.TempDir()
			cmd := exec.Command(binary, "restore", bad)
			cmd.Dir = into
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "damaged") {
				t.Errorf("restore of a backup with a byte of %s changed: %v\n%s", f.Path, err, out)
			}
			if entries, _ := os.ReadDir(into); len(entries) != 0 {
				t.Errorf("a refused restore left %d files in place", len(entries))
			}
		}
	})

	fresh := t.TempDir()
	minsheng(t, fresh, "restore", dest)
	cmd := exec.Command(binary, "restore", dest)
	cmd.Dir = fresh
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "-force") {
		t.Errorf("a second restore over the database: %v\n%s", err, out)
	}
	minsheng(t, fresh, "restore", "-force", dest)

	again := startServer(t, fresh)
	got := allTickets(t, again.url, dispatcher)
	for _, n := range before {
		if !got[n] {
			t.Errorf("ticket %s was answered 201 before the backup began but is not in the restored database", n)
		}
	}
	t.Logf("restored: %d tickets; all %d acknowledged before the backup are there", len(got), len(before))
	var view struct{ Attachments []struct{ ID int64 } }
	api(t, "GET", again.url+"/api/v1/tickets/"+photo.Number, dispatcher, nil, &view)
	if len(view.Attachments) != 1 {
		t.Fatalf("restored ticket has %d attachments", len(view.Attachments))
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/tickets/%s/attachments/%d", again.url, photo.Number, view.Attachments[0].ID), nil)
	req.Header.Set("Authorization", "Bearer "+dispatcher)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(b, pngPixel) {
		t.Errorf("restored attachment: %d, %d bytes", resp.StatusCode, len(b))
	}
}

// allTickets lists every ticket the token's user sees, by number.
func allTickets(t *testing.T, url, token string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	cursor := ""
	for {
		var page struct {
			Tickets    []struct{ Number string }
			NextCursor string `json:"next_cursor"`
		}
		if code := api(t, "GET", url+"/api/v1/tickets?limit=200&cursor="+cursor, token, nil, &page); code != http.StatusOK {
			t.Fatalf("list tickets: %d", code)
		}
		for _, tk := range page.Tickets {
			got[tk.Number] = true
		}
		if cursor = page.NextCursor; cursor == "" {
			return got
		}
	}
}

// attach uploads one file to a ticket.
func attach(t *testing.T, url, token, name string, content []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", url, &body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("attach: %d %s", resp.StatusCode, b)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

func flipByte(t *testing.T, path string, at int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[at] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
