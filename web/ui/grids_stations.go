package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// The pages of the grid micro-stations (网格微管站, docs/grids.md): the
// stations with their figures, a station's page where its staff take
// residents' requests (answered on the spot, or registered for a unit) and
// its managers change it, and the public list nearest an address.

// stationsData is the stations page.
type stationsData struct {
	Stations []*store.Station
	Figures  *store.StationFigures
	Manager  bool
}

func (u *gridPages) drawStations(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	ctx := r.Context()
	d := stationsData{Manager: me.HasAny(grid.StationManagers...)}
	var err error
	if d.Stations, err = u.g.ListStations(ctx, me); err != nil {
		return err
	}
	if d.Figures, err = u.g.StationFigures(ctx, me); err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/grid/stations", "station.title", form)
	if err != nil {
		return err
	}
	p.Data = d
	u.render(w, formStatus(form), p, "grids/stations")
	return nil
}

// staffTicked returns the staff a station form shows ticked: what was sent
// with a refused form, else the station's staff.
func staffTicked(form *formState, st *store.Station) map[int64]bool {
	out := map[int64]bool{}
	if form != nil && strings.HasPrefix(form.Action, "station") {
		for _, v := range form.Values["staff_ids"] {
			id, _ := strconv.ParseInt(v, 10, 64)
			out[id] = true
		}
		return out
	}
	if st != nil {
		for _, s := range st.Staff {
			out[s.UserID] = true
		}
	}
	return out
}

// stationInput reads a station's form.
func stationInput(vals url.Values) (grid.NewStation, error) {
	in := grid.NewStation{Name: vals.Get("name"), UnitID: formID(vals, "unit_id"), Address: vals.Get("address"), Hours: vals.Get("hours"),
		Services: strings.Split(vals.Get("services"), "\n")}
	for _, v := range vals["staff_ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.StaffIDs = append(in.StaffIDs, id)
		}
	}
	if _, ok := vals["active"]; ok || vals.Get("has_active") != "" {
		on := vals.Get("active") == "1"
		in.Active = &on
	}
	var err error
	if in.Lat, err = floatField(vals, "lat"); err != nil {
		return in, err
	}
	in.Lng, err = floatField(vals, "lng")
	return in, err
}

func (u *gridPages) createStation(r *http.Request, me *org.User, f *sentForm) (string, error) {
	in, err := stationInput(f.Vals)
	if err != nil {
		return "", err
	}
	st, err := u.g.SaveStation(r.Context(), me, 0, in)
	if err != nil {
		return "", err
	}
	return "/grid/stations/" + strconv.FormatInt(st.ID, 10) + "?ok=saved", nil
}

// drawNewStation draws the form of a new station.
func (u *gridPages) drawNewStation(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	d := stationData{New: true, Staff: staffTicked(form, nil)}
	var err error
	if d.Candidates, err = u.g.StaffCandidates(r.Context(), me); err != nil {
		return err
	}
	p, err := u.gridPage(w, r, me, "/grid/stations", "station.new", form)
	if err != nil {
		return err
	}
	p.Data = d
	u.render(w, formStatus(form), p, "grids/station")
	return nil
}

// stationData is a station's page, or the form of a new one (New).
type stationData struct {
	New bool
	*grids.StationView
	Candidates   []*org.User
	Staff        map[int64]bool
	ServiceLines string // the services one a line, for the form
}

func (u *gridPages) drawStation(w http.ResponseWriter, r *http.Request, me *org.User, form *formState) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	v, err := u.g.GetStation(r.Context(), me, id)
	if err != nil {
		return err
	}
	d := stationData{StationView: v, Staff: staffTicked(form, v.Station), ServiceLines: strings.Join(v.Services, "\n")}
	if v.MayEdit {
		if d.Candidates, err = u.g.StaffCandidates(r.Context(), me); err != nil {
			return err
		}
	}
	p, err := u.gridPage(w, r, me, "/grid/stations", "station.title", form)
	if err != nil {
		return err
	}
	p.Title = v.Name
	if form == nil && v.MayEdit {
		// The edit form starts from the station as it is.
		vals := url.Values{"name": {v.Name}, "unit_id": {strconv.FormatInt(v.UnitID, 10)}, "address": {v.Address}, "hours": {v.Hours},
			"services": {d.ServiceLines}}
		if v.Lat != nil {
			vals.Set("lat", strconv.FormatFloat(*v.Lat, 'f', -1, 64))
			vals.Set("lng", strconv.FormatFloat(*v.Lng, 'f', -1, 64))
		}
		p.Form = &formState{Action: "station_edit", Values: vals}
	}
	p.Data = d
	u.render(w, formStatus(form), p, "grids/station")
	return nil
}

func (u *gridPages) updateStation(r *http.Request, me *org.User, f *sentForm) (string, error) {
	id, err := pageID(r)
	if err != nil {
		return "", err
	}
	f.Action = "station_edit"
	in, err := stationInput(f.Vals)
	if err != nil {
		return "", err
	}
	_, err = u.g.SaveStation(r.Context(), me, id, in)
	return "/grid/stations/" + r.PathValue("id") + "?ok=saved", err
}

func (u *gridPages) takeRequest(r *http.Request, me *org.User, f *sentForm) (string, error) {
	id, err := pageID(r)
	if err != nil {
		return "", err
	}
	v := f.Vals
	q, err := u.g.TakeRequest(r.Context(), me, id, grids.StationRequestInput{NewStationRequest: grid.NewStationRequest{
		Service: v.Get("service"), Description: v.Get("description"), CallerName: v.Get("caller_name"), CallerPhone: v.Get("caller_phone"),
		Address: v.Get("address"), Answer: v.Get("answer")}})
	if err != nil {
		return "", err
	}
	ok := "station_referred"
	if q.Answered {
		ok = "station_answered"
	}
	return "/grid/stations/" + r.PathValue("id") + "?ok=" + ok + "&ticket=" + url.QueryEscape(q.Ticket), nil
}

func (u *gridPages) publicStations(w http.ResponseWriter, r *http.Request) error {
	near, err := u.g.PublicStations(r.Context(), r.URL.Query().Get("address"))
	if err != nil {
		return err
	}
	p := u.newPage(w, r, u.user(r), "")
	p.Title = p.T("station.public_title")
	p.Data = near
	u.render(w, http.StatusOK, p, "grids/public_stations")
	return nil
}

// stationsMessages are the texts of the micro-station pages; they join
// GridsMessages.
var stationsMessages = map[string][2]string{
	"nav.stations":                  {"网格微管站", "Micro-stations"},
	"station.title":                 {"网格微管站", "Grid micro-stations"},
	"station.help":                  {"居民在微管站反映的诉求：能当场解答的直接办结，不能的登记为工单转派承办单位。", "Residents' requests at a station: answered on the spot where possible, otherwise registered as a work order for the unit that must solve it."},
	"station.none":                  {"尚无微管站。", "No stations yet."},
	"station.name":                  {"站点名称", "Name"},
	"station.unit":                  {"服务网格/社区", "Grid or community served"},
	"station.address":               {"地址", "Address"},
	"station.hours":                 {"开放时间", "Opening hours"},
	"station.hours_ph":              {"如：周一至周五 9:00–17:00", "e.g. Mon–Fri 9:00–17:00"},
	"station.services":              {"服务事项（每行一项）", "Services (one a line)"},
	"station.staff":                 {"驻站人员", "Staff"},
	"station.active":                {"开放中", "Open"},
	"station.closed":                {"已停用", "Closed"},
	"station.new":                   {"新建微管站", "New station"},
	"station.save":                  {"保存", "Save"},
	"station.edit":                  {"修改站点信息", "Change the station"},
	"station.map_help":              {"在地图上点选站点位置（可选），居民可按地址查找最近的站点。", "Tap the map to place it (optional): residents find the nearest station by address."},
	"station.requests":              {"受理诉求", "Requests"},
	"station.answered":              {"现场办结", "Answered on the spot"},
	"station.referred":              {"转派工单", "Referred"},
	"station.closed_tickets":        {"转派已办结", "Referred and closed"},
	"station.figures":               {"微管站受理情况", "Requests at the stations"},
	"station.figures_line":          {"共受理 %d 件，现场办结 %d 件，转派工单 %d 件（已办结 %d 件）", "%d requests, %d answered on the spot, %d referred (%d closed)"},
	"station.take":                  {"受理居民诉求", "Take a resident's request"},
	"station.service":               {"服务事项", "Service"},
	"station.other":                 {"其他", "Other"},
	"station.description":           {"诉求内容", "Request"},
	"station.caller_name":           {"居民姓名", "Resident's name"},
	"station.caller_phone":          {"联系电话", "Phone"},
	"station.where":                 {"问题地点（不填为本站地址）", "Where (the station's address if empty)"},
	"station.answer":                {"现场答复", "Answer given"},
	"station.answer_help":           {"当场解答的写明答复内容即直接办结；留空则登记为工单转派。", "Write the answer given to close it on the spot; leave empty to register it for a unit."},
	"station.submit":                {"受理", "Take"},
	"station.recent":                {"最近受理", "Latest requests"},
	"station.taken_at":              {"受理时间", "Taken"},
	"station.taken_by":              {"受理人", "Taken by"},
	"station.outcome":               {"处理方式", "Outcome"},
	"station.none_recent":           {"尚无受理记录。", "No requests yet."},
	"station.public_title":          {"网格微管站查询", "Find a micro-station"},
	"station.public_help":           {"输入您的地址，查看离您最近的网格微管站、开放时间和服务事项。", "Enter your address to see the nearest micro-stations, their hours and services."},
	"station.find":                  {"查找", "Find"},
	"station.near":                  {"距离约 %.1f 公里", "About %.1f km away"},
	"station.placed":                {"已按“%s”定位。", "Placed at “%s”."},
	"station.not_placed":            {"未能定位该地址，以下按辖区列出全部站点。", "The address could not be placed; all stations are listed by unit."},
	"station.answered_n":            {"已现场办结 %d 件", "%d answered on the spot"},
	"station.public_link":           {"居民查询页", "Public page"},
	"station.all_units":             {"全部", "All"},
	"ok.station_answered":           {"已现场办结，工单已记录。", "Answered on the spot; the work order is recorded."},
	"ok.station_referred":           {"已登记为工单，等待派单。", "Registered as a work order for dispatch."},
	"auditobj.grid_station":         {"网格微管站", "Micro-station"},
	"auditobj.grid_station_request": {"微管站诉求", "Station request"},
	"auditact.take":                 {"受理", "Taken"},
}
