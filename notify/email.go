package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/store"
)

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	Addr     string // host:port of the submission server, e.g. smtp.example.gov.cn:587
	From     string // the sender's address, e.g. noreply@example.gov.cn
	FromName string // the sender's display name; default 民生服务平台
	// Username and Password, if set, sign in with PLAIN authentication,
	// which net/smtp allows only over TLS or to localhost.
	Username string
	Password string
	// HelloName is the name given in EHLO; default "localhost".
	HelloName string
	Timeout   time.Duration // of one whole send; default 30s
	// InsecureSkipVerify accepts any certificate in STARTTLS: for test
	// servers only.
	InsecureSkipVerify bool
}

// SMTPSender sends e-mail through one submission server, with STARTTLS
// whenever the server offers it.
type SMTPSender struct {
	cfg   SMTPConfig
	clock minsheng.Clock
}

// NewSMTPSender returns a sender for the configuration.
func NewSMTPSender(c SMTPConfig, clock minsheng.Clock) (*SMTPSender, error) {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return nil, fmt.Errorf("smtp: address %q: %w", c.Addr, err)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return nil, fmt.Errorf("smtp: from address %q: %w", c.From, err)
	}
	if c.FromName == "" {
		c.FromName = "民生服务平台"
	}
	if c.HelloName == "" {
		c.HelloName = "localhost"
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if clock == nil {
		clock = minsheng.SystemClock{}
	}
	return &SMTPSender{cfg: c, clock: clock}, nil
}

// Send delivers the e-mail and returns the server's last reply code (250
// when accepted). A 5xx reply is a permanent failure: the job is not tried
// again. Other failures are retried.
func (s *SMTPSender) Send(ctx context.Context, d *store.Delivery) (int, error) {
	to, err := mail.ParseAddress(d.Recipient)
	if err != nil {
		return 0, jobs.Permanent(fmt.Errorf("email: recipient %q: %w", d.Recipient, err))
	}
	msg, err := s.message(d, to)
	if err != nil {
		return 0, jobs.Permanent(err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return 0, fmt.Errorf("email: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return smtpFailure(err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return smtpFailure(err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, InsecureSkipVerify: s.cfg.InsecureSkipVerify}); err != nil {
			return smtpFailure(err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)); err != nil {
			return smtpFailure(err)
		}
	}
	if err := c.Mail(s.cfg.From); err != nil {
		return smtpFailure(err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return smtpFailure(err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpFailure(err)
	}
	if _, err := w.Write(msg); err != nil {
		return smtpFailure(err)
	}
	if err := w.Close(); err != nil {
		return smtpFailure(err)
	}
	// The message is accepted once DATA is answered; a failed QUIT does
	// not undo that.
	c.Quit()
	return 250, nil
}

// smtpFailure returns the reply code of a server's refusal, marking 5xx
// replies permanent.
func smtpFailure(err error) (int, error) {
	var te *textproto.Error
	if errors.As(err, &te) {
		err = fmt.Errorf("email: server answered %d %s", te.Code, te.Msg)
		if te.Code >= 500 {
			return te.Code, jobs.Permanent(err)
		}
		return te.Code, err
	}
	return 0, fmt.Errorf("email: %w", err)
}

// message builds the RFC 5322 message: UTF-8 text in base64, the subject
// and sender name encoded for non-ASCII, and the delivery id in the
// Message-ID so that a resent copy can be recognised.
func (s *SMTPSender) message(d *store.Delivery, to *mail.Address) ([]byte, error) {
	for _, v := range []string{d.Subject, d.Recipient} {
		if strings.ContainsAny(v, "\r\n") {
			return nil, errors.New("email: line break in a header")
		}
	}
	from := mail.Address{Name: s.cfg.FromName, Address: s.cfg.From}
	domain := s.cfg.From[strings.LastIndexByte(s.cfg.From, '@')+1:]
	id := strconv.FormatInt(d.ID, 10)
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.BEncoding.Encode("UTF-8", d.Subject))
	header("Date", s.clock.Now().Format(time.RFC1123Z))
	header("Message-ID", "<delivery-"+id+"@"+domain+">")
	header(HeaderDelivery, id)
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(d.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes(), nil
}
