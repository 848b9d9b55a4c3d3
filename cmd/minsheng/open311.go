package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/app/open311"
)

// cmdOpen311 manages the client applications of the Open311 interface:
//
//	minsheng open311 key NAME [-rate N]   issue a key (the last line), creating the client if new
//	minsheng open311 revoke NAME          stop the client's key from working
//	minsheng open311 list                 list the clients
func cmdOpen311(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("open311: want key NAME, revoke NAME or list")
	}
	sub, args := args[0], args[1:]
	c, fs := commandFlags("open311 "+sub, getenv, stderr, false)
	rate := fs.Int("rate", -1, "requests a minute the client may send (0: the server's default); key only")
	var name string
	// The name comes first ("open311 key FixMyStreet -db …") or last.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if sub != "list" && strings.TrimSpace(name) == "" {
		return fmt.Errorf("open311 %s: the client's NAME is required", sub)
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	tickets := app.New(app.Config{DB: db})
	svc := open311.New(tickets.Kit(), tickets)
	switch sub {
	case "key":
		k, created, err := svc.IssueAPIKey(ctx, kit.System(), name)
		if err != nil {
			return err
		}
		if *rate >= 0 {
			if k.Client, err = svc.SetAPIClientRate(ctx, kit.System(), name, *rate); err != nil {
				return err
			}
		}
		if created {
			fmt.Fprintf(stdout, "registered Open311 client %q\n", k.Client.Name)
		} else {
			fmt.Fprintf(stdout, "new key for Open311 client %q; its old key no longer works\n", k.Client.Name)
		}
		fmt.Fprintln(stdout, "API key (shown once; the client sends it as api_key):")
		fmt.Fprintln(stdout, k.Key)
	case "revoke":
		cl, err := svc.RevokeAPIClient(ctx, kit.System(), name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked Open311 client %q: its key no longer works\n", cl.Name)
	case "list":
		cs, err := svc.ListAPIClients(ctx, kit.System())
		if err != nil {
			return err
		}
		for _, cl := range cs {
			state := "active"
			if !cl.Active() {
				state = "revoked " + cl.RevokedAt.Format("2006-01-02")
			}
			rate := "default rate"
			if cl.RatePerMinute > 0 {
				rate = fmt.Sprintf("%d/min", cl.RatePerMinute)
			}
			used := "never used"
			if cl.LastUsedAt != nil {
				used = "last used " + cl.LastUsedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%s\t%s…\t%s\t%s\t%s\n", cl.Name, cl.KeyHint, rate, state, used)
		}
	default:
		return fmt.Errorf("open311: unknown subcommand %q; want key, revoke or list", sub)
	}
	return nil
}
