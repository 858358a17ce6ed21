package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/association"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

// TestAssociationEndpoints is the contract of the association endpoints: applications between
// enterprises, their decisions and ends, the candidates one may apply to, and the group's members.
func TestAssociationEndpoints(t *testing.T) {
	env, sc := seeded(t)
	as := signIn(env)
	// Two more enterprises, without accounts: the third has applied to the mall and to the factory; the
	// fourth is in the mall's district.
	newEnterprise := func(name, stem string, like int64) int64 {
		var id int64
		testdb.Must(t, env.db.Raw(`INSERT INTO enterprises (name, credit_code, region_id, region_path, created_at, updated_at)
			SELECT ?, ?, region_id, region_path, created_at, updated_at FROM enterprises WHERE id = ? RETURNING id`, name, code(t, stem), like).Scan(&id))
		return id
	}
	third, fourth := newEnterprise("第三方企业", "91110108MA01THRD0", sc.FactoryID), newEnterprise("第四方企业", "91110105MA01FWXY0", sc.MallID)
	pending := func(applicant, target int64) int64 {
		var id int64
		testdb.Must(t, env.db.Raw(`INSERT INTO associations (applicant_id, target_id, status, note, pair_low, pair_high, created_at)
			VALUES (?, ?, 'pending', '', ?, ?, CURRENT_TIMESTAMP) RETURNING id`, applicant, target, min(applicant, target), max(applicant, target)).Scan(&id))
		return id
	}
	thirdToMall, thirdToFactory := pending(third, sc.MallID), pending(third, sc.FactoryID)
	apply := func(token string, target int64) int64 {
		var v association.View
		r := env.as(token, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": target})
		r.decode(t, &v)
		if r.Code != 201 {
			t.Fatalf("apply = %d %s", r.Code, r.Body)
		}
		return v.ID
	}
	factoryToMall, mallToFourth := apply(as.factoryEnt, sc.MallID), apply(as.entUser, fourth)
	var mallToFactory int64 // made by a row of the 200 table

	path := func(id int64, action string) string { return fmt.Sprintf("/api/v1/associations/%d/%s", id, action) }
	view := func(status string, check func(association.View) bool) func(*testing.T, *response) {
		return func(t *testing.T, r *response) {
			if v := decodeInto[association.View](t, r); v.Status != status || !check(v) {
				t.Errorf("association = %+v", v)
			}
		}
	}

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "reject an application", token: as.entUser, method: http.MethodPost, path: path(factoryToMall, "reject"), body: map[string]any{"reply": " 暂不关联 "},
				status: 200, check: view("rejected", func(v association.View) bool {
					return v.Reply == "暂不关联" && v.DecidedAt != nil && v.Direction == "incoming" && v.OtherName == demo.FactoryName
				})},
			{name: "approve an application", token: as.entUser, method: http.MethodPost, path: path(thirdToMall, "approve"),
				status: 200, check: view("approved", func(v association.View) bool { return v.DecidedAt != nil && v.OtherID == third && v.EndedAt == nil })},
			{name: "the group's members", token: as.entUser, method: http.MethodGet, path: "/api/v1/group/members", status: 200,
				hide: []string{demo.FactoryName, "第四方企业"},
				check: func(t *testing.T, r *response) {
					ms := decodeInto[[]GroupMemberView](t, r)
					if len(ms) != 1 || ms[0].ID != third || ms[0].LinkedAt == nil || ms[0].RegionName != "海淀区" {
						t.Errorf("members = %+v", ms)
					}
				}},
			{name: "withdraw an application", token: as.entUser, method: http.MethodPost, path: path(mallToFourth, "withdraw"),
				status: 200, check: view("withdrawn", func(v association.View) bool { return v.EndedAt != nil && v.Direction == "outgoing" })},
			{name: "candidates by keyword", token: as.entUser, method: http.MethodGet, path: "/api/v1/associations/candidates?q=企业", status: 200,
				hide: []string{"第三方企业"}, // associated: no candidate
				check: func(t *testing.T, r *response) {
					p := decodeInto[CandidatePage](t, r)
					if p.Total != 1 || p.Items[0].ID != fourth || p.Items[0].RegionName != "朝阳区" {
						t.Errorf("candidates = %+v", p)
					}
				}},
			{name: "candidates include an enterprise whose application was rejected", token: as.entUser, method: http.MethodGet,
				path: "/api/v1/associations/candidates?sort=-id", status: 200, hide: []string{demo.MallName, "第三方企业"},
				check: func(t *testing.T, r *response) {
					p := decodeInto[CandidatePage](t, r)
					if p.Total != 2 || p.Items[0].ID != fourth || p.Items[1].ID != sc.FactoryID {
						t.Errorf("candidates = %+v", p)
					}
				}},
			{name: "apply", token: as.entUser, method: http.MethodPost, path: "/api/v1/associations", body: map[string]any{"target_id": sc.FactoryID, "note": "集团化管理"},
				status: 201, check: func(t *testing.T, r *response) {
					v := decodeInto[association.View](t, r)
					if v.Status != "pending" || v.Direction != "outgoing" || v.OtherID != sc.FactoryID || v.Note != "集团化管理" || v.DecidedAt != nil {
						t.Errorf("application = %+v", v)
					}
					mallToFactory = v.ID
				}},
			{name: "dissolve an association", token: as.entUser, method: http.MethodPost, path: path(thirdToMall, "dissolve"),
				status: 200, check: view("dissolved", func(v association.View) bool { return v.EndedAt != nil && v.DecidedAt != nil })},
			{name: "list every association of the enterprise", token: as.entUser, method: http.MethodGet, path: "/api/v1/associations", status: 200,
				check: func(t *testing.T, r *response) {
					var got []string
					for _, v := range decodeInto[[]association.View](t, r) {
						got = append(got, fmt.Sprintf("%d:%s:%s", v.ID, v.Direction, v.Status))
					}
					want := []string{fmt.Sprintf("%d:outgoing:pending", mallToFactory), fmt.Sprintf("%d:outgoing:withdrawn", mallToFourth),
						fmt.Sprintf("%d:incoming:rejected", factoryToMall), fmt.Sprintf("%d:incoming:dissolved", thirdToMall)}
					if strings.Join(got, ",") != strings.Join(want, ",") {
						t.Errorf("list = %v, want %v (newest first, never the third's application to the factory %d)", got, want, thirdToFactory)
					}
				}},
		})
	})

	t.Run("400", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "apply without a target", token: as.entUser, method: http.MethodPost, path: "/api/v1/associations", body: map[string]any{},
				status: 400, code: "validation_failed", field: "target_id"},
			{name: "apply to a negative id", token: as.entUser, method: http.MethodPost, path: "/api/v1/associations", body: map[string]any{"target_id": -5},
				status: 400, code: "validation_failed", field: "target_id"},
			{name: "apply with a target of the wrong type", token: as.entUser, method: http.MethodPost, path: "/api/v1/associations", body: map[string]any{"target_id": "第四方企业"},
				status: 400, code: "validation_failed", field: "target_id"},
			{name: "apply with a note too long", token: as.entUser, method: http.MethodPost, path: "/api/v1/associations",
				body: map[string]any{"target_id": fourth, "note": strings.Repeat("长", 201)}, status: 400, code: "validation_failed", field: "note"},
			{name: "approve with a reply too long", token: as.entUser, method: http.MethodPost, path: path(factoryToMall, "approve"),
				body: map[string]any{"reply": strings.Repeat("长", 201)}, status: 400, code: "validation_failed", field: "reply"},
			{name: "reject with a reply of the wrong type", token: as.entUser, method: http.MethodPost, path: path(factoryToMall, "reject"),
				body: map[string]any{"reply": 5}, status: 400, code: "validation_failed", field: "reply"},
			{name: "candidates with too large a page", token: as.entUser, method: http.MethodGet, path: "/api/v1/associations/candidates?page_size=1000",
				status: 400, code: "validation_failed", field: "page_size"},
			{name: "candidates sorted by a hidden column", token: as.entUser, method: http.MethodGet, path: "/api/v1/associations/candidates?sort=credit_code",
				status: 400, code: "validation_failed", field: "sort"},
		})
	})

	associations := func() string {
		return rowsOf(t, env, `SELECT CONCAT(id, status, reply, decided_at, ended_at) FROM associations ORDER BY id`)
	}

	t.Run("403", func(t *testing.T) {
		unchanged(t, env, associations, []call{
			{name: "the enterprise admin lists applications", token: as.admin, method: http.MethodGet, path: "/api/v1/associations", status: 403, code: "forbidden", perm: rbac.AssocView},
			{name: "the enterprise admin lists candidates", token: as.admin, method: http.MethodGet, path: "/api/v1/associations/candidates", status: 403, code: "forbidden", perm: rbac.AssocApply},
			{name: "the enterprise admin approves", token: as.admin, method: http.MethodPost, at: func() string { return path(mallToFactory, "approve") },
				status: 403, code: "forbidden", perm: rbac.AssocDecide},
			{name: "the enterprise admin rejects", token: as.admin, method: http.MethodPost, at: func() string { return path(mallToFactory, "reject") },
				status: 403, code: "forbidden", perm: rbac.AssocDecide},
			{name: "the enterprise admin withdraws", token: as.admin, method: http.MethodPost, at: func() string { return path(mallToFactory, "withdraw") },
				status: 403, code: "forbidden", perm: rbac.AssocApply},
			{name: "the enterprise admin dissolves", token: as.admin, method: http.MethodPost, path: path(thirdToMall, "dissolve"), status: 403, code: "forbidden", perm: rbac.AssocDissolve},
			{name: "a post user reads the group", token: as.post, method: http.MethodGet, path: "/api/v1/group/members", status: 403, code: "forbidden", perm: rbac.GroupView},
			{name: "a regulator lists applications", token: as.reg, method: http.MethodGet, path: "/api/v1/associations", status: 403, code: "forbidden", perm: rbac.AssocView},
			{name: "the applicant rejects its own application", token: as.entUser, method: http.MethodPost, at: func() string { return path(mallToFactory, "reject") },
				status: 403, code: "association_not_yours"},
		})
	})

	t.Run("404", func(t *testing.T) {
		theirs := []string{"第三方企业", demo.FactoryName, idText(thirdToFactory)}
		unchanged(t, env, associations, []call{
			{name: "approve another pair's application", token: as.entUser, method: http.MethodPost, path: path(thirdToFactory, "approve"),
				status: 404, code: "association_not_found", hide: theirs},
			{name: "reject another pair's application", token: as.entUser, method: http.MethodPost, path: path(thirdToFactory, "reject"), body: map[string]any{"reply": "篡改"},
				status: 404, code: "association_not_found", hide: theirs},
			{name: "withdraw another pair's application", token: as.entUser, method: http.MethodPost, path: path(thirdToFactory, "withdraw"),
				status: 404, code: "association_not_found", hide: theirs},
			{name: "dissolve another pair's association", token: as.entUser, method: http.MethodPost, path: path(thirdToFactory, "dissolve"),
				status: 404, code: "association_not_found", hide: theirs},
		})
	})

	t.Run("409", func(t *testing.T) {
		unchanged(t, env, associations, []call{
			{name: "approve a rejected application", token: as.entUser, method: http.MethodPost, path: path(factoryToMall, "approve"), status: 409, code: "association_not_pending"},
			{name: "reject a dissolved association", token: as.entUser, method: http.MethodPost, path: path(thirdToMall, "reject"), status: 409, code: "association_not_pending"},
			{name: "withdraw a withdrawn application", token: as.entUser, method: http.MethodPost, path: path(mallToFourth, "withdraw"), status: 409, code: "association_not_pending"},
			{name: "dissolve a rejected application", token: as.entUser, method: http.MethodPost, path: path(factoryToMall, "dissolve"), status: 409, code: "association_not_approved"},
		})
	})
}
