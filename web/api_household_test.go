package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/store"
)

// newHousehold is a registration of an elderly person living alone in the
// grid, told apart by seq (4 digits).
func newHousehold(gridID int64, seq string) map[string]any {
	id := household.CompleteIDNumber("6301041948031" + seq)
	since := apptest.Start.AddDate(0, -1, 0).UTC().Format(time.RFC3339)
	recheck := apptest.Start.AddDate(1, 0, 0).UTC().Format(time.RFC3339)
	return map[string]any{"grid_id": gridID, "address": "海湖佳苑 3 号楼 " + seq, "consent": true,
		"members": []map[string]any{{"name": "马秀英", "id_number": id, "phone": "13897001234", "relation": "head"}},
		"tags":    []map[string]any{{"tag": "alone_elderly", "id_number": id, "source": "入户核实", "since": since, "recheck_by": recheck}}}
}

// householdIDs are the objects the administrative walks act on: a
// household in the fixture's street and one in another street, a member
// of each, and a change request of each made by someone else.
type householdIDs struct {
	in, inPerson, inChange, out, outPerson, outChange int64
}

// setUpHouseholds registers the walks' households as the district admin,
// with a grid in the other street, a change request of each by someone
// else than the caller of the walk, and the outside household paired with
// the department's handler.
func setUpHouseholds(t *testing.T, e *env) householdIDs {
	t.Helper()
	f := e.f
	community := idOf(mustOK(t, e.do(t, "POST", "/api/v1/units", "admin",
		map[string]any{"parent_id": f.OtherStreet.ID, "kind": "community", "code": "hutai-c", "name": "虎台社区"})))
	grid := idOf(mustOK(t, e.do(t, "POST", "/api/v1/units", "admin",
		map[string]any{"parent_id": community, "kind": "grid", "code": "hutai-g1", "name": "虎台第一网格"})))
	var ids householdIDs
	register := func(grid int64, seq string) (int64, int64) {
		var h struct {
			ID      int64 `json:"id"`
			Members []struct {
				ID int64 `json:"id"`
			} `json:"members"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/households", "admin", newHousehold(grid, seq))), &h)
		return h.ID, h.Members[0].ID
	}
	ids.in, ids.inPerson = register(f.Grid.ID, "0901")
	ids.out, ids.outPerson = register(grid, "0902")
	change := map[string]any{"kind": "add_member", "reason": "新生儿落户",
		"member": map[string]any{"name": "韩小军", "id_number": household.CompleteIDNumber("63010420260101009"), "relation": "grandchild"}}
	ids.inChange = idOf(mustOK(t, e.do(t, "POST", "/api/v1/households/"+itoa(ids.in)+"/changes", "grid_worker", change)))
	change["member"] = map[string]any{"name": "韩小红", "id_number": household.CompleteIDNumber("63010420260101017"), "relation": "grandchild"}
	ids.outChange = idOf(mustOK(t, e.do(t, "POST", "/api/v1/households/"+itoa(ids.out)+"/changes", "admin", change)))
	mustStatus(t, e.do(t, "POST", "/api/v1/households/"+itoa(ids.out)+"/pairing", "admin", map[string]any{"cadre_id": f.Users["dept_handler"].ID}),
		http.StatusNoContent)
	return ids
}

func hhPath(id int64, rest string) func() string {
	return func() string { return "/api/v1/households/" + itoa(id) + rest }
}

// householdStreetCalls are the households routes in the street admin's
// walk: the street's households are theirs, the other street's are out of
// sight.
func householdStreetCalls(e *env, ids householdIDs) []streetCall {
	f := e.f
	visit := map[string]any{"at": apptest.Start.Add(-time.Hour).Format(time.RFC3339), "met": "本人",
		"concerns": []map[string]any{{"description": "楼道灯坏了"}}}
	missed := map[string]any{"at": apptest.Start.Format(time.RFC3339), "reason": "家中无人",
		"rescheduled_to": apptest.Start.AddDate(0, 0, 2).Format(time.RFC3339)}
	change := map[string]any{"kind": "change_head", "person_id": ids.inPerson, "reason": "x"}
	return []streetCall{
		{name: "household in the street", pattern: "POST /api/v1/households", path: func() string { return "/api/v1/households" },
			status: http.StatusCreated, body: newHousehold(f.Grid.ID, "0903")},
		{name: "household in another street", pattern: "POST /api/v1/households", path: func() string { return "/api/v1/households" },
			status: http.StatusBadRequest, body: newHousehold(f.District.ID, "0904")},
		{name: "visit in the street", pattern: "POST /api/v1/households/{id}/visits", path: hhPath(ids.in, "/visits"),
			status: http.StatusCreated, body: visit},
		{name: "visit in another street", pattern: "POST /api/v1/households/{id}/visits", path: hhPath(ids.out, "/visits"),
			status: http.StatusNotFound, body: visit},
		{name: "missed visit in the street", pattern: "POST /api/v1/households/{id}/missed-visits", path: hhPath(ids.in, "/missed-visits"),
			status: http.StatusCreated, body: missed},
		{name: "missed visit in another street", pattern: "POST /api/v1/households/{id}/missed-visits", path: hhPath(ids.out, "/missed-visits"),
			status: http.StatusNotFound, body: missed},
		{name: "pairing in the street", pattern: "POST /api/v1/households/{id}/pairing", path: hhPath(ids.in, "/pairing"),
			status: http.StatusNoContent, body: map[string]any{"cadre_id": f.Users["grid_worker"].ID}},
		{name: "pairing in another street", pattern: "POST /api/v1/households/{id}/pairing", path: hhPath(ids.out, "/pairing"),
			status: http.StatusNotFound, body: map[string]any{"cadre_id": f.Users["grid_worker"].ID}},
		{name: "change request in the street", pattern: "POST /api/v1/households/{id}/changes", path: hhPath(ids.in, "/changes"),
			status: http.StatusBadRequest, body: change}, // the head is the head already
		{name: "change request in another street", pattern: "POST /api/v1/households/{id}/changes", path: hhPath(ids.out, "/changes"),
			status: http.StatusNotFound, body: map[string]any{"kind": "merge", "other_id": ids.in, "reason": "x"}},
		{name: "decision in the street", pattern: "POST /api/v1/household-changes/{id}/decision",
			path: func() string { return "/api/v1/household-changes/" + itoa(ids.inChange) + "/decision" }, status: http.StatusOK,
			body: map[string]any{"action": "approve"}},
		{name: "decision in another street", pattern: "POST /api/v1/household-changes/{id}/decision",
			path: func() string { return "/api/v1/household-changes/" + itoa(ids.outChange) + "/decision" }, status: http.StatusNotFound,
			body: map[string]any{"action": "approve"}},
		{name: "reassign a cadre with a household in another street", pattern: "POST /api/v1/household-pairings/reassign",
			path: func() string { return "/api/v1/household-pairings/reassign" }, status: http.StatusForbidden,
			body: map[string]any{"from_cadre_id": f.Users["dept_handler"].ID, "to_cadre_id": f.Users["handler"].ID}},
		{name: "reassign the street's cadre", pattern: "POST /api/v1/household-pairings/reassign",
			path: func() string { return "/api/v1/household-pairings/reassign" }, status: http.StatusOK,
			body: map[string]any{"from_cadre_id": f.Users["grid_worker"].ID, "to_cadre_id": f.Users["handler"].ID}},
		{name: "reveal in the street", pattern: "POST /api/v1/household-people/{id}/reveal",
			path: func() string { return "/api/v1/household-people/" + itoa(ids.inPerson) + "/reveal" }, status: http.StatusOK,
			body: map[string]any{"reason": "电话联系"}},
		{name: "reveal in another street", pattern: "POST /api/v1/household-people/{id}/reveal",
			path: func() string { return "/api/v1/household-people/" + itoa(ids.outPerson) + "/reveal" }, status: http.StatusNotFound,
			body: map[string]any{"reason": "电话联系"}},
	}
}

// householdAdminWrites are the households routes in the walk of audited
// administrative writes, as the district's admin.
func householdAdminWrites(e *env, ids householdIDs) []adminWrite {
	f := e.f
	var hid, pid int64
	onHH := func([]byte) int64 { return hid }
	fixed := func(p string) func() string { return func() string { return p } }
	at := apptest.Start.Add(-time.Hour).Format(time.RFC3339)
	return []adminWrite{
		{pattern: "POST /api/v1/households", path: fixed("/api/v1/households"), status: http.StatusCreated,
			body: newHousehold(f.Grid.ID, "0801"), object: "household", action: "register", detail: []string{"tags=alone_elderly"},
			id: func(b []byte) int64 {
				var h struct {
					ID      int64 `json:"id"`
					Members []struct {
						ID int64 `json:"id"`
					} `json:"members"`
				}
				json.Unmarshal(b, &h)
				hid, pid = h.ID, h.Members[0].ID
				return hid
			}, refused: newHousehold(f.Grid.ID, "08x1")},
		{pattern: "POST /api/v1/households/{id}/visits", path: func() string { return "/api/v1/households/" + itoa(hid) + "/visits" },
			status: http.StatusCreated, body: map[string]any{"at": at, "met": "本人", "concerns": []map[string]any{{"description": "暖气不热"}}},
			object: "household", id: onHH, action: "visit", detail: []string{"concerns=1"},
			refused: map[string]any{"at": apptest.Start.Add(time.Hour).Format(time.RFC3339), "met": "本人"}},
		{pattern: "POST /api/v1/households/{id}/missed-visits", path: func() string { return "/api/v1/households/" + itoa(hid) + "/missed-visits" },
			status: http.StatusCreated, object: "household", id: onHH, action: "visit_missed",
			body:    map[string]any{"at": at, "reason": "家中无人", "rescheduled_to": apptest.Start.AddDate(0, 0, 1).Format(time.RFC3339)},
			refused: map[string]any{"at": at, "reason": "", "rescheduled_to": apptest.Start.AddDate(0, 0, 1).Format(time.RFC3339)}},
		{pattern: "POST /api/v1/households/{id}/pairing", path: func() string { return "/api/v1/households/" + itoa(hid) + "/pairing" },
			status: http.StatusNoContent, body: map[string]any{"cadre_id": f.Users["grid_worker"].ID}, object: "household", id: onHH,
			action: "pair", detail: []string{"cadre=" + itoa(f.Users["grid_worker"].ID)}, refused: map[string]any{"cadre_id": 0}},
		{pattern: "POST /api/v1/households/{id}/changes", path: func() string { return "/api/v1/households/" + itoa(hid) + "/changes" },
			status: http.StatusCreated, body: map[string]any{"kind": "merge", "other_id": ids.in, "reason": "合户"}, object: "household",
			id: onHH, action: "change_requested", detail: []string{"kind=merge"}, refused: map[string]any{"kind": "adopt", "reason": "x"}},
		{pattern: "POST /api/v1/household-changes/{id}/decision", path: fixed("/api/v1/household-changes/" + itoa(ids.inChange) + "/decision"),
			status: http.StatusOK, body: map[string]any{"action": "approve"}, object: "household", id: func([]byte) int64 { return ids.in },
			action: "change_approved", detail: []string{"kind=add_member"},
			refusedPath: "/api/v1/household-changes/999999/decision", refused: map[string]any{"action": "approve"}, refusedStatus: http.StatusNotFound},
		{pattern: "POST /api/v1/household-pairings/reassign", path: fixed("/api/v1/household-pairings/reassign"), status: http.StatusOK,
			body:   map[string]any{"from_cadre_id": f.Users["grid_worker"].ID, "to_cadre_id": f.Users["handler"].ID, "note": "人员调整"},
			object: "household", id: onHH, action: "pair", detail: []string{"previous_cadre=" + itoa(f.Users["grid_worker"].ID)},
			refused: map[string]any{"from_cadre_id": f.Users["grid_worker"].ID, "to_cadre_id": f.Users["grid_worker"].ID}},
		{pattern: "POST /api/v1/household-people/{id}/reveal", path: func() string { return "/api/v1/household-people/" + itoa(pid) + "/reveal" },
			status: http.StatusOK, body: map[string]any{"reason": "电话联系老人"}, object: "household_person", id: func([]byte) int64 { return pid },
			action: "reveal_personal", detail: []string{"reason=电话联系老人"}, refused: map[string]any{"reason": ""}},
	}
}

// The cadre's day over the API: the due list, a visit whose concern
// becomes a ticket linked to the visit, masked members, refusals that
// name their field and write nothing.
func TestHouseholdAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.f
		var h struct {
			ID      int64 `json:"id"`
			Members []struct {
				ID       int64  `json:"id"`
				Name     string `json:"name"`
				IDNumber string `json:"id_number"`
				Phone    string `json:"phone"`
			} `json:"members"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/households", "handler", newHousehold(f.Grid.ID, "0001"))), &h)
		if m := h.Members[0]; m.Name != "马**" || !strings.HasPrefix(m.IDNumber, "630104****") || m.Phone != "138****1234" {
			t.Errorf("member %+v: want masked", m)
		}
		// The same person again, a wrong check digit: refused on the field.
		r := e.do(t, "POST", "/api/v1/households", "handler", newHousehold(f.Grid.ID, "0001"))
		mustStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(string(r.body), `"field":"members[0].id_number"`) {
			t.Errorf("a person in two households: %s", r.body)
		}
		bad := newHousehold(f.Grid.ID, "0002")
		m := bad["members"].([]map[string]any)[0]
		id := m["id_number"].(string)
		m["id_number"] = id[:17] + map[bool]string{true: "0", false: "1"}[id[17] != '0']
		mustStatus(t, e.do(t, "POST", "/api/v1/households", "handler", bad), http.StatusBadRequest)

		mustStatus(t, e.do(t, "POST", "/api/v1/households/"+itoa(h.ID)+"/pairing", "handler", map[string]any{"cadre_id": f.Users["grid_worker"].ID}),
			http.StatusNoContent)
		f.Clock.Advance(7 * 24 * time.Hour)
		var due struct {
			Due []struct {
				State     string `json:"state"`
				Household struct {
					ID int64 `json:"id"`
				} `json:"household"`
			} `json:"due"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/households/due", "grid_worker", nil)), &due)
		if len(due.Due) != 1 || due.Due[0].Household.ID != h.ID || due.Due[0].State != "due" {
			t.Fatalf("due list %+v", due)
		}
		now := f.Clock.Now()
		r = e.do(t, "POST", "/api/v1/households/"+itoa(h.ID)+"/visits", "grid_worker",
			map[string]any{"at": now.Add(time.Hour).Format(time.RFC3339), "met": "本人", "concerns": []map[string]any{{"description": "水管漏水"}}})
		mustStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(string(r.body), `"field":"at"`) {
			t.Errorf("future visit: %s", r.body)
		}
		var rec struct {
			Visit struct {
				ID int64 `json:"id"`
			} `json:"visit"`
			Tickets []struct {
				ID     int64  `json:"id"`
				Number string `json:"number"`
			} `json:"tickets"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/households/"+itoa(h.ID)+"/visits", "grid_worker",
			map[string]any{"at": now.Add(-time.Hour).Format(time.RFC3339), "met": "本人", "concerns": []map[string]any{{"description": "卫生间水管漏水"}}})), &rec)
		if len(rec.Tickets) != 1 {
			t.Fatalf("tickets %+v", rec.Tickets)
		}
		mustOK(t, e.do(t, "GET", "/api/v1/tickets/"+rec.Tickets[0].Number, "dispatcher", nil))
		err := f.DB.Read(t.Context(), func(tx *store.Tx) error {
			ls, err := store.ListLinks(t.Context(), tx, "ticket", rec.Tickets[0].ID)
			if len(ls) != 1 || ls[0].FromID != rec.Visit.ID {
				t.Errorf("links %+v", ls)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var cov struct {
			Grids []struct {
				Households, Visited int
			} `json:"grids"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/households/coverage", "leader", nil)), &cov)
		if len(cov.Grids) != 1 || cov.Grids[0].Households != 1 || cov.Grids[0].Visited != 1 {
			t.Errorf("coverage %+v", cov)
		}
		var view struct {
			Cadres []struct {
				ID int64 `json:"id"`
			} `json:"cadres"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/households/"+itoa(h.ID), "handler", nil)), &view)
		if len(view.Cadres) == 0 {
			t.Errorf("community staff see no cadre to pair")
		}
		// Another street's handler sees nothing of it.
		mustStatus(t, e.do(t, "GET", "/api/v1/households/"+itoa(h.ID), "other_handler", nil), http.StatusNotFound)
		mustStatus(t, e.do(t, "POST", "/api/v1/household-people/"+itoa(h.Members[0].ID)+"/reveal", "leader", map[string]any{"reason": "看看"}),
			http.StatusForbidden)
	})
}

func init() {
	registerWalk("households", capabilityWalk{
		audit: func(t *testing.T, e *env) []adminWrite {
			ids := setUpHouseholds(t, e)
			return slices.Concat(householdAdminWrites(e, ids), householdImportAdminWrites(t, e, ids), householdTriggerAdminWrites())
		},
		street: func(t *testing.T, e *env) []streetCall {
			ids := setUpHouseholds(t, e)
			return slices.Concat(householdStreetCalls(e, ids), householdImportStreetCalls(t, e, ids), householdTriggerStreetCalls())
		},
	})
}
