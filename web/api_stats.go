package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng/org"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/stats"
)

// This file holds the figures behind the dashboards (DESIGN §4): the rates
// with their counts and the period before, the rankings, the daily series,
// the weekday × hour heat map, the map of needs, and the figures the
// district publishes. They are read from summaries kept in the same
// transaction as every ticket change, so they are current to the request.

// routesStats lists the routes of the figures.
func (s *Server) routesStats(mux router) {
	mux.Handle("GET /api/v1/stats/rates", s.handle(s.statsRates))
	mux.Handle("GET /api/v1/stats/rankings", s.handle(s.statsRankings))
	mux.Handle("GET /api/v1/stats/series", s.handle(s.statsSeries))
	mux.Handle("GET /api/v1/stats/heatmap", s.handle(s.statsHeatMap))
	mux.Handle("GET /api/v1/stats/map", s.handle(s.statsMap))
	mux.Handle("GET /api/v1/stats/public", s.handle(s.statsPublic))
}

// period reads from and to (YYYY-MM-DD, inclusive). Without them the
// period is the current month up to today, in China.
func (s *Server) period(q url.Values) (from, to calendar.Date, err error) {
	today := calendar.DateOf(s.svc.Clock().Now())
	to, from = today, calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	if v := q.Get("from"); v != "" {
		if from, err = calendar.ParseDate(v); err != nil {
			return from, to, minsheng.FieldError("from", "from must be a date (YYYY-MM-DD)")
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = calendar.ParseDate(v); err != nil {
			return from, to, minsheng.FieldError("to", "to must be a date (YYYY-MM-DD)")
		}
	}
	return from, to, nil
}

// weightsParam reads weights=response,resolution,satisfaction (e.g.
// 30,35,35); nil without it.
func weightsParam(q url.Values) (*stats.Weights, error) {
	v := q.Get("weights")
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 3 {
		return nil, minsheng.FieldError("weights", "weights must be three numbers: response,resolution,satisfaction")
	}
	var f [3]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, minsheng.FieldError("weights", "weights must be three numbers: response,resolution,satisfaction")
		}
		f[i] = x
	}
	return &stats.Weights{Response: f[0], Resolution: f[1], Satisfaction: f[2]}, nil
}

func (s *Server) statsRates(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "unit_id", "from", "to", "by", "weights"); err != nil {
		return err
	}
	rq := app.RatesQuery{By: q.Get("by")}
	if rq.UnitID, err = intParam(q, "unit_id"); err != nil {
		return err
	}
	if rq.From, rq.To, err = s.period(q); err != nil {
		return err
	}
	if rq.Weights, err = weightsParam(q); err != nil {
		return err
	}
	rep, err := s.svc.Rates(r.Context(), u, rq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) statsRankings(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "unit_id", "from", "to", "min_volume", "weights"); err != nil {
		return err
	}
	var rq app.RankQuery
	if rq.UnitID, err = intParam(q, "unit_id"); err != nil {
		return err
	}
	if rq.MinVolume, err = intParam(q, "min_volume"); err != nil {
		return err
	}
	if rq.From, rq.To, err = s.period(q); err != nil {
		return err
	}
	if rq.Weights, err = weightsParam(q); err != nil {
		return err
	}
	rows, err := s.svc.Rankings(r.Context(), u, rq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": rq.From.String(), "to": rq.To.String(), "min_volume": rq.MinVolume, "rows": orEmpty(rows)})
	return nil
}

func (s *Server) statsSeries(w http.ResponseWriter, r *http.Request) error {
	u, unitID, from, to, err := s.unitPeriod(r)
	if err != nil {
		return err
	}
	points, err := s.svc.Series(r.Context(), u, unitID, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from.String(), "to": to.String(), "points": orEmpty(points)})
	return nil
}

func (s *Server) statsHeatMap(w http.ResponseWriter, r *http.Request) error {
	u, unitID, from, to, err := s.unitPeriod(r)
	if err != nil {
		return err
	}
	cells, err := s.svc.HeatMap(r.Context(), u, unitID, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from.String(), "to": to.String(), "cells": cells})
	return nil
}

func (s *Server) statsMap(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := knownParams(q, "unit_id", "from", "to", "category_id", "zoom", "box"); err != nil {
		return err
	}
	var mq app.MapQuery
	if mq.UnitID, err = intParam(q, "unit_id"); err != nil {
		return err
	}
	if mq.CategoryID, err = intParam(q, "category_id"); err != nil {
		return err
	}
	zoom, err := intParam(q, "zoom")
	if err != nil {
		return err
	}
	mq.Zoom = int(min(zoom, 99))
	if mq.From, mq.To, err = s.period(q); err != nil {
		return err
	}
	if v := q.Get("box"); v != "" {
		b, err := app.ParseBox(v)
		if err != nil {
			return err
		}
		mq.Box = &b
	}
	data, err := s.svc.MapData(r.Context(), u, mq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, data)
	return nil
}

// statsPublic serves the figures the district publishes, to anyone: counts
// and rates by street and month, nothing about any person.
func (s *Server) statsPublic(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := knownParams(q, "month"); err != nil {
		return err
	}
	month := calendar.DateOf(s.svc.Clock().Now())
	if v := q.Get("month"); v != "" {
		var err error
		if month, err = app.ParseMonth(v); err != nil {
			return err
		}
	}
	ps, err := s.svc.PublicStats(r.Context(), month)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, ps)
	return nil
}

// unitPeriod reads the signed-in user and the query of the endpoints that
// take only unit_id, from and to.
func (s *Server) unitPeriod(r *http.Request) (u *org.User, unitID int64, from, to calendar.Date, err error) {
	if u, err = currentUser(r); err != nil {
		return
	}
	q := r.URL.Query()
	if err = knownParams(q, "unit_id", "from", "to"); err != nil {
		return
	}
	if unitID, err = intParam(q, "unit_id"); err != nil {
		return
	}
	from, to, err = s.period(q)
	return
}
