package notify_test

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// smtpServer is a tiny SMTP server on 127.0.0.1 that records the messages
// it accepts. Replies to RCPT can be scripted, to test refusals.
type smtpServer struct {
	ln net.Listener

	mu       sync.Mutex
	rcpt     []string // replies to the next RCPT commands; then "250 OK"
	messages []smtpMessage
}

type smtpMessage struct {
	from string
	to   []string
	data []byte
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serve(c)
			}()
		}
	}()
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := textproto.NewReader(bufio.NewReader(c))
	reply := func(line string) { io.WriteString(c, line+"\r\n") }
	reply("220 test.local ESMTP")
	var msg smtpMessage
	for {
		line, err := r.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-test.local")
			reply("250 8BITMIME")
		case "HELO", "NOOP":
			reply("250 OK")
		case "RSET":
			msg = smtpMessage{}
			reply("250 OK")
		case "MAIL":
			msg = smtpMessage{from: arg}
			reply("250 OK")
		case "RCPT":
			s.mu.Lock()
			answer := "250 OK"
			if len(s.rcpt) > 0 {
				answer, s.rcpt = s.rcpt[0], s.rcpt[1:]
			}
			s.mu.Unlock()
			if strings.HasPrefix(answer, "250") {
				msg.to = append(msg.to, arg)
			}
			reply(answer)
		case "DATA":
			reply("354 go ahead")
			data, err := r.ReadDotBytes()
			if err != nil {
				return
			}
			msg.data = data
			s.mu.Lock()
			s.messages = append(s.messages, msg)
			s.mu.Unlock()
			reply("250 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

func (s *smtpServer) received() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.messages...)
}

func TestEmailOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startSMTP(t)
		srv.rcpt = []string{"451 4.3.0 try again later"}
		e := newEnv(t, db, notify.Config{})
		sender, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr(), From: "noreply@chengxi.gov.cn", Timeout: 5 * time.Second}, e.clock)
		if err != nil {
			t.Fatal(err)
		}
		e = newEnv(t, db, notify.Config{Email: sender})
		subject, body, err := notify.Render(notify.LangZH, notify.HandlerDispatched, sampleData())
		if err != nil {
			t.Fatal(err)
		}
		id := e.enqueue(t, notify.Message{Channel: notify.ChannelEmail, To: "zhangwei@chengxi.gov.cn", UserID: 0,
			Template: notify.HandlerDispatched, Lang: notify.LangZH, Subject: subject, Body: body})

		e.run(t) // the server refuses the recipient for now
		d := e.delivery(t, id)
		if d.Status != store.DeliveryRetrying || d.ResponseCode != 451 || len(srv.received()) != 0 {
			t.Fatalf("after a 451: %+v, %d messages", d, len(srv.received()))
		}
		e.clock.Advance(time.Hour)
		e.run(t)
		d = e.delivery(t, id)
		if d.Status != store.DeliverySent || d.ResponseCode != 250 || d.Attempts != 2 {
			t.Fatalf("after the retry: %+v", d)
		}
		e.clock.Advance(time.Hour)
		e.run(t)
		msgs := srv.received()
		if len(msgs) != 1 {
			t.Fatalf("server got %d messages, want 1", len(msgs))
		}
		m := msgs[0]
		if !strings.Contains(m.from, "<noreply@chengxi.gov.cn>") || len(m.to) != 1 || !strings.Contains(m.to[0], "<zhangwei@chengxi.gov.cn>") {
			t.Fatalf("envelope from %q to %q", m.from, m.to)
		}
		parsed, err := mail.ReadMessage(strings.NewReader(string(m.data)))
		if err != nil {
			t.Fatal(err)
		}
		gotSubject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
		if err != nil || gotSubject != subject {
			t.Fatalf("subject %q (%v), want %q", gotSubject, err, subject)
		}
		from, err := parsed.Header.AddressList("From")
		if err != nil || from[0].Name != "民生服务平台" {
			t.Fatalf("From %v (%v)", from, err)
		}
		if got := parsed.Header.Get("Message-ID"); got != "<delivery-"+strconv.FormatInt(id, 10)+"@chengxi.gov.cn>" {
			t.Fatalf("Message-ID %q", got)
		}
		if parsed.Header.Get("Content-Transfer-Encoding") != "base64" || !strings.Contains(parsed.Header.Get("Content-Type"), "UTF-8") {
			t.Fatalf("headers %v", parsed.Header)
		}
		raw, _ := io.ReadAll(parsed.Body)
		text, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
		if err != nil || string(text) != body {
			t.Fatalf("body %q (%v), want %q", text, err, body)
		}
	})
}

func TestEmailRefusedForGoodIsDead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startSMTP(t)
		srv.rcpt = []string{"550 5.1.1 no such mailbox"}
		sender, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.addr(), From: "noreply@chengxi.gov.cn"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, db, notify.Config{Email: sender})
		id := e.enqueue(t, notify.Message{Channel: notify.ChannelEmail, To: "gone@chengxi.gov.cn", Template: notify.HandlerReminded, Subject: "s", Body: "b"})
		e.run(t)
		if d := e.delivery(t, id); d.Status != store.DeliveryDead || d.ResponseCode != 550 || d.Attempts != 1 {
			t.Fatalf("after a 550: %+v", d)
		}
		e.clock.Advance(24 * time.Hour)
		if e.run(t) != 0 {
			t.Fatal("a permanently refused e-mail was tried again")
		}
	})
}
