// Package demo builds the demo district: the units of Chengxi District
// (the streets named in the reference article and more), their communities
// and grids, the departments, a user for every role, a three-level category
// tree, and a year of tickets in every state. Every text is written here.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Password is the password of every demo user.
const Password = "minsheng-demo"

// Options controls the seeding.
type Options struct {
	Tickets int       // how many tickets, spread over the 12 months before Now
	Now     time.Time // the present of the demo
	Seed    int64     // random seed; the same seed gives the same district
	Logger  *slog.Logger
}

// Result tells what was seeded.
type Result struct {
	Units      int
	Categories int
	Tickets    int
	Usernames  []string
	Password   string
}

// Seed fills an empty database with the demo district.
func Seed(ctx context.Context, db *store.DB, o Options) (*Result, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	clock := minsheng.NewFakeClock(o.Now.AddDate(-1, 0, -1))
	svc := app.New(app.Config{DB: db, Clock: clock, Logger: o.Logger})
	res := &Result{Password: Password}
	district, err := svc.CreateUnit(ctx, nil, app.NewUnit{Kind: org.KindDistrict, Code: "chengxi", Name: "城西区"})
	if err != nil {
		return nil, fmt.Errorf("district: %w", err)
	}
	res.Units++
	hash, err := org.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	for _, role := range org.Roles {
		if _, err := svc.CreateUserWithHash(ctx, app.NewUser{Username: string(role), Name: string(role), Role: role, UnitID: district.ID}, hash); err != nil {
			return nil, err
		}
		res.Usernames = append(res.Usernames, string(role))
	}
	return res, nil
}
