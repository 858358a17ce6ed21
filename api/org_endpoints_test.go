package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/enterprise"
	"yqyb/internal/org"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

// TestOrgEndpoints is the contract of the organization endpoints: departments, posts and their
// responsibility documents, the enterprise profile, the code catalogues and the region tree with its
// streets.
func TestOrgEndpoints(t *testing.T) {
	env, sc := seeded(t)
	as := signIn(env)
	must := func(r *response, status int, v any) {
		t.Helper()
		if r.Code != status {
			t.Fatalf("fixture: %d %s", r.Code, r.Body)
		}
		if v != nil {
			r.decode(t, v)
		}
	}
	// The mall's own rows the tables work on.
	var qc, lab, spareDept org.Department
	must(env.as(as.admin, http.MethodPost, "/api/v1/departments", map[string]any{"name": "质检部"}), 201, &qc)
	must(env.as(as.admin, http.MethodPost, "/api/v1/departments", map[string]any{"name": "化验室", "parent_id": qc.ID}), 201, &lab)
	must(env.as(as.admin, http.MethodPost, "/api/v1/departments", map[string]any{"name": "临时部"}), 201, &spareDept)
	newPost := func(dept int64, name string) org.PostView {
		var p org.PostView
		must(env.as(as.admin, http.MethodPost, "/api/v1/posts", map[string]any{"department_id": dept, "name": name,
			"responsibility_level": "medium", "default_frequency": "weekly"}), 201, &p)
		return p
	}
	inspector, sampler, clerk, sparePost := newPost(qc.ID, "质检员"), newPost(qc.ID, "抽样员"), newPost(qc.ID, "资料员"), newPost(spareDept.ID, "临时岗")
	forklift, keeper := sc.Posts["仓储部/叉车司机"], sc.Posts["仓储部/库管员"]
	var forkDoc, keeperDoc, factoryDoc org.DocumentView
	must(env.upload(as.admin, fmt.Sprintf("/api/v1/posts/%d/documents", forklift), "叉车司机岗位责任制.pdf", pdf), 201, &forkDoc)
	must(env.upload(as.admin, fmt.Sprintf("/api/v1/posts/%d/documents", keeper), "库管员岗位责任制.pdf", pdf), 201, &keeperDoc)
	must(env.upload(as.admin, fmt.Sprintf("/api/v1/posts/%d/documents", clerk.ID), "资料员岗位责任制.pdf", pdf), 201, nil)
	// The factory's: another tenant.
	factoryPost := sc.Posts["生产部/焊工"]
	factoryDept := deptOf(t, env, factoryPost)
	must(env.upload(as.factory, fmt.Sprintf("/api/v1/posts/%d/documents", factoryPost), "焊工岗位责任制.pdf", pdf), 201, &factoryDoc)
	// Streets of Dongcheng: one to rename, one to delete, one a regulator works in.
	city, dongcheng := regionID(t, env, "110000"), regionID(t, env, "110101")
	newStreet := func(code, name string) org.Region {
		var r org.Region
		must(env.as(as.plat, http.MethodPost, "/api/v1/platform/regions", map[string]any{"parent_id": dongcheng, "code": code, "name": name}), 201, &r)
		return r
	}
	donghuamen, jingshan, jiaodaokou := newStreet("110101001", "东华门街道"), newStreet("110101002", "景山街道"), newStreet("110101003", "交道口街道")
	must(env.as(as.plat, http.MethodPost, "/api/v1/platform/regulators", map[string]any{"login_name": "交道口街道安监站", "display_name": "交道口街道安监站",
		"region_id": jiaodaokou.ID}), 201, nil)

	dept := func(id int64) string { return fmt.Sprintf("/api/v1/departments/%d", id) }
	post := func(id int64, rest ...string) string {
		return fmt.Sprintf("/api/v1/posts/%d", id) + strings.Join(rest, "")
	}
	docFile := func(postID, doc int64) string { return fmt.Sprintf("/api/v1/posts/%d/documents/%d/file", postID, doc) }
	street := func(id int64) string { return fmt.Sprintf("/api/v1/platform/regions/%d", id) }
	postBody := func(deptID int64, name string) map[string]any {
		return map[string]any{"department_id": deptID, "name": name, "responsibility_level": "high", "default_frequency": "daily"}
	}
	profile := func(k string, v any) map[string]any {
		m := map[string]any{"name": demo.MallName, "credit_code": demo.MallCode, "legal_rep": "王建国", "legal_phone": demo.MallLegalPhone,
			"address": "北京市朝阳区建国路88号", "industry": "F", "main_business_id": mainBusiness(t, env, "retail"), "scale": "medium"}
		if k != "" {
			m[k] = v
		}
		return m
	}
	long := func(n int) string { return strings.Repeat("长", n) }
	gone := func(path, name string) func(*testing.T, *response) {
		return func(t *testing.T, _ *response) {
			if r := env.as(as.admin, http.MethodGet, path, nil); strings.Contains(string(r.Body), name) {
				t.Errorf("%s still shows %s", path, name)
			}
		}
	}

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "list departments with their counts", token: as.admin, method: http.MethodGet, path: "/api/v1/departments", status: 200,
				check: func(t *testing.T, r *response) {
					byName := map[string]org.DeptView{}
					for _, d := range decodeInto[[]org.DeptView](t, r) {
						byName[d.Name] = d
					}
					if d := byName["质检部"]; d.PostCount != 3 || d.ParentID != nil {
						t.Errorf("质检部 = %+v", d)
					}
					if d := byName["化验室"]; d.ParentID == nil || *d.ParentID != qc.ID {
						t.Errorf("化验室 = %+v", d)
					}
					if d := byName["仓储部"]; d.PostCount != 2 || d.UserCount != 2 {
						t.Errorf("仓储部 = %+v", d)
					}
				}},
			{name: "create a department under another", token: as.admin, method: http.MethodPost, path: "/api/v1/departments",
				body: map[string]any{"name": " 留样室 ", "parent_id": qc.ID, "description": "留样管理", "sort_order": 3}, status: 201,
				check: func(t *testing.T, r *response) {
					d := decodeInto[org.Department](t, r)
					if d.ID == 0 || d.Name != "留样室" || d.ParentID == nil || *d.ParentID != qc.ID || d.Description != "留样管理" || d.SortOrder != 3 {
						t.Errorf("created = %+v", d)
					}
				}},
			{name: "rename a department and move it to the top", token: as.admin, method: http.MethodPut, path: dept(lab.ID),
				body: map[string]any{"name": "化验中心"}, status: 200,
				check: func(t *testing.T, r *response) {
					if d := decodeInto[org.Department](t, r); d.ID != lab.ID || d.Name != "化验中心" || d.ParentID != nil {
						t.Errorf("updated = %+v", d)
					}
				}},
			{name: "list the posts of a department and its sub-departments", token: as.admin, method: http.MethodGet,
				path: fmt.Sprintf("/api/v1/posts?department_id=%d&sort=name", qc.ID), status: 200,
				check: func(t *testing.T, r *response) {
					p := decodeInto[PostPage](t, r)
					if p.Total != 3 || len(p.Items) != 3 || p.Items[0].DepartmentName != "质检部" {
						t.Errorf("page = %+v", p)
					}
				}},
			{name: "list the posts with a document", token: as.admin, method: http.MethodGet, path: "/api/v1/posts?has_document=true&page_size=100", status: 200,
				has: []string{"叉车司机岗位责任制.pdf", "资料员"}, hide: []string{"收银员", "焊工"},
				check: func(t *testing.T, r *response) {
					if p := decodeInto[PostPage](t, r); p.Total != 3 {
						t.Errorf("total = %d", p.Total)
					}
				}},
			{name: "create a post", token: as.admin, method: http.MethodPost, path: "/api/v1/posts", body: postBody(qc.ID, "检验员"), status: 201,
				check: func(t *testing.T, r *response) {
					p := decodeInto[org.PostView](t, r)
					if p.ID == 0 || p.DepartmentName != "质检部" || p.Status != "active" || p.ResponsibilityLevel != "high" || p.UserCount != 0 || p.Document != nil {
						t.Errorf("created = %+v", p)
					}
				}},
			{name: "get a post with its current document", token: as.admin, method: http.MethodGet, path: post(forklift), status: 200,
				check: func(t *testing.T, r *response) {
					p := decodeInto[org.PostView](t, r)
					if p.Name != "叉车司机" || p.UserCount != 1 || p.Document == nil || p.Document.ID != forkDoc.ID || p.Document.Version != 1 {
						t.Errorf("post = %+v", p)
					}
				}},
			{name: "update a post", token: as.admin, method: http.MethodPut, path: post(inspector.ID),
				body:   map[string]any{"department_id": qc.ID, "name": "质检员", "responsibility_level": "low", "default_frequency": "monthly", "description": "成品抽检"},
				status: 200, check: func(t *testing.T, r *response) {
					p := decodeInto[org.PostView](t, r)
					if p.ResponsibilityLevel != "low" || p.DefaultFrequency != "monthly" || p.Description != "成品抽检" {
						t.Errorf("updated = %+v", p)
					}
				}},
			{name: "disable a post", token: as.admin, method: http.MethodPost, path: post(inspector.ID, "/disable"), status: 200,
				check: func(t *testing.T, r *response) {
					if p := decodeInto[org.PostView](t, r); p.Status != "disabled" {
						t.Errorf("status = %s", p.Status)
					}
				}},
			{name: "enable a post", token: as.admin, method: http.MethodPost, path: post(inspector.ID, "/enable"), status: 200,
				check: func(t *testing.T, r *response) {
					if p := decodeInto[org.PostView](t, r); p.Status != "active" {
						t.Errorf("status = %s", p.Status)
					}
				}},
			{name: "delete an unused post", token: as.admin, method: http.MethodDelete, path: post(sparePost.ID), status: 204,
				check: func(t *testing.T, _ *response) {
					if r := env.as(as.admin, http.MethodGet, post(sparePost.ID), nil); r.Code != 404 {
						t.Errorf("deleted post = %d", r.Code)
					}
				}},
			{name: "delete an empty department", token: as.admin, method: http.MethodDelete, path: dept(spareDept.ID), status: 204,
				check: gone("/api/v1/departments", "临时部")},
			{name: "list the versions of a document", token: as.admin, method: http.MethodGet, path: post(forklift, "/documents"), status: 200,
				check: func(t *testing.T, r *response) {
					docs := decodeInto[[]org.DocumentView](t, r)
					if len(docs) != 1 || docs[0].ID != forkDoc.ID || docs[0].ContentType != "application/pdf" || docs[0].UploadedBy == "" {
						t.Errorf("versions = %+v", docs)
					}
				}},
			{name: "upload a new version", token: as.admin, method: http.MethodPost, path: post(forklift, "/documents"),
				body: upload{name: "叉车司机岗位责任制（修订）.docx", data: docx(t, true)}, status: 201,
				check: func(t *testing.T, r *response) {
					d := decodeInto[org.DocumentView](t, r)
					if d.Version != 2 || d.PostID != forklift || !strings.Contains(d.ContentType, "wordprocessingml") {
						t.Errorf("new version = %+v", d)
					}
				}},
			{name: "download an old version", token: as.admin, method: http.MethodGet, path: docFile(forklift, forkDoc.ID), status: 200,
				check: func(t *testing.T, r *response) {
					if !bytes.Equal(r.Body, pdf) || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
						t.Errorf("download: %v %q", r.Header, r.Body)
					}
				}},
			{name: "read the enterprise profile", token: as.admin, method: http.MethodGet, path: "/api/v1/enterprise", status: 200,
				check: func(t *testing.T, r *response) {
					p := decodeInto[enterprise.Profile](t, r)
					if p.ID != sc.MallID || p.CreditCode != demo.MallCode || p.RegionName != "朝阳区" || p.ScaleName == "" {
						t.Errorf("profile = %+v", p)
					}
				}},
			{name: "edit the enterprise profile", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise",
				body: profile("address", "北京市朝阳区建国路99号"), status: 200,
				check: func(t *testing.T, r *response) {
					p := decodeInto[enterprise.Profile](t, r)
					if p.Address != "北京市朝阳区建国路99号" || p.Name != demo.MallName || p.RegionName != "朝阳区" {
						t.Errorf("profile = %+v", p)
					}
				}},
			{name: "the code catalogues", token: as.post, method: http.MethodGet, path: "/api/v1/catalogs", status: 200,
				check: func(t *testing.T, r *response) {
					c := decodeInto[Catalogs](t, r)
					if len(c.MainBusinesses) == 0 || len(c.Industries) == 0 || len(c.Scales) != 4 || len(c.ResponsibilityLevels) != 3 || len(c.Frequencies) != 6 {
						t.Errorf("catalogs = %+v", c)
					}
				}},
			{name: "the region tree with its streets", token: as.post, method: http.MethodGet, path: "/api/v1/regions", status: 200,
				check: func(t *testing.T, r *response) {
					levels := map[string]string{}
					for _, x := range decodeInto[[]org.Region](t, r) {
						levels[x.Code] = x.Level
					}
					if levels["110000"] != "city" || levels["110105"] != "district" || levels["110101001"] != "street" {
						t.Errorf("levels = %v", levels)
					}
				}},
			{name: "create a street", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "110101004", "name": "安定门街道", "sort_order": 4}, status: 201,
				check: func(t *testing.T, r *response) {
					s := decodeInto[org.Region](t, r)
					if s.Level != "street" || s.Path != "/110000/110101/110101004/" || s.ParentID == nil || *s.ParentID != dongcheng || s.SortOrder != 4 {
						t.Errorf("street = %+v", s)
					}
				}},
			{name: "rename a street", token: as.plat, method: http.MethodPut, path: street(donghuamen.ID),
				body: map[string]any{"name": "东华门街道办事处", "sort_order": 2, "code": "110101999"}, status: 200,
				check: func(t *testing.T, r *response) {
					if s := decodeInto[org.Region](t, r); s.Name != "东华门街道办事处" || s.Code != "110101001" || s.SortOrder != 2 {
						t.Errorf("street = %+v (the code never changes)", s)
					}
				}},
			{name: "delete a street nobody uses", token: as.plat, method: http.MethodDelete, path: street(jingshan.ID), status: 204,
				check: gone("/api/v1/regions", "景山街道")},
		})
	})

	t.Run("400", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "department without a name", token: as.admin, method: http.MethodPost, path: "/api/v1/departments", body: map[string]any{},
				status: 400, code: "validation_failed", field: "name"},
			{name: "department name too long", token: as.admin, method: http.MethodPost, path: "/api/v1/departments", body: map[string]any{"name": long(51)},
				status: 400, code: "validation_failed", field: "name"},
			{name: "department parent not positive", token: as.admin, method: http.MethodPost, path: "/api/v1/departments",
				body: map[string]any{"name": "x", "parent_id": -1}, status: 400, code: "validation_failed", field: "parent_id"},
			{name: "department sort order too large", token: as.admin, method: http.MethodPost, path: "/api/v1/departments",
				body: map[string]any{"name": "x", "sort_order": 100001}, status: 400, code: "validation_failed", field: "sort_order"},
			{name: "department description too long", token: as.admin, method: http.MethodPut, path: dept(qc.ID),
				body: map[string]any{"name": "质检部", "description": long(201)}, status: 400, code: "validation_failed", field: "description"},
			{name: "department name of the wrong type", token: as.admin, method: http.MethodPut, path: dept(qc.ID),
				body: map[string]any{"name": 5}, status: 400, code: "validation_failed", field: "name"},
			// A required name of blanks is no name: the services trim it to "" and store it.
			{name: "department name of blanks", token: as.admin, method: http.MethodPost, path: "/api/v1/departments", body: map[string]any{"name": "   "},
				status: 400, code: "validation_failed", field: "name"},
			{name: "department renamed to blanks", token: as.admin, method: http.MethodPut, path: dept(lab.ID), body: map[string]any{"name": "　 "},
				status: 400, code: "validation_failed", field: "name"},
			{name: "post without a department", token: as.admin, method: http.MethodPost, path: "/api/v1/posts",
				body: map[string]any{"name": "x", "responsibility_level": "low", "default_frequency": "daily"}, status: 400, code: "validation_failed", field: "department_id"},
			{name: "post with an unknown level", token: as.admin, method: http.MethodPost, path: "/api/v1/posts",
				body: map[string]any{"department_id": qc.ID, "name": "x", "responsibility_level": "huge", "default_frequency": "daily"}, status: 400, code: "validation_failed", field: "responsibility_level"},
			{name: "post with an unknown frequency", token: as.admin, method: http.MethodPost, path: "/api/v1/posts",
				body: map[string]any{"department_id": qc.ID, "name": "x", "responsibility_level": "low", "default_frequency": "hourly"}, status: 400, code: "validation_failed", field: "default_frequency"},
			{name: "post renamed to nothing", token: as.admin, method: http.MethodPut, path: post(inspector.ID), body: postBody(qc.ID, ""),
				status: 400, code: "validation_failed", field: "name"},
			{name: "post name of blanks", token: as.admin, method: http.MethodPost, path: "/api/v1/posts", body: postBody(qc.ID, "   "),
				status: 400, code: "validation_failed", field: "name"},
			{name: "post renamed to blanks", token: as.admin, method: http.MethodPut, path: post(sampler.ID), body: postBody(qc.ID, "  "),
				status: 400, code: "validation_failed", field: "name"},
			{name: "post list by an unknown status", token: as.admin, method: http.MethodGet, path: "/api/v1/posts?status=gone", status: 400, code: "validation_failed", field: "status"},
			{name: "post list by a non-boolean document flag", token: as.admin, method: http.MethodGet, path: "/api/v1/posts?has_document=yes", status: 400, code: "validation_failed", field: "has_document"},
			{name: "post list by a non-numeric department", token: as.admin, method: http.MethodGet, path: "/api/v1/posts?department_id=abc", status: 400, code: "validation_failed", field: "department_id"},
			{name: "post list sorted by a hidden column", token: as.admin, method: http.MethodGet, path: "/api/v1/posts?sort=enterprise_id", status: 400, code: "validation_failed", field: "sort"},
			{name: "post list with an empty page", token: as.admin, method: http.MethodGet, path: "/api/v1/posts?page_size=0", status: 400, code: "validation_failed", field: "page_size"},
			{name: "document upload without a file", token: as.admin, method: http.MethodPost, path: post(forklift, "/documents"),
				body: upload{name: "x", noFile: true}, status: 400, code: "file_missing"},
			{name: "document upload under another form field", token: as.admin, method: http.MethodPost, path: post(forklift, "/documents"),
				body: upload{name: "责任制.pdf", data: pdf, field: "document"}, status: 400, code: "file_missing"},
			{name: "profile with a bad phone", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("legal_phone", "1234"),
				status: 400, code: "validation_failed", field: "legal_phone"},
			{name: "profile with an unknown scale", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("scale", "huge"),
				status: 400, code: "validation_failed", field: "scale"},
			{name: "profile with a two-letter industry", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("industry", "FF"),
				status: 400, code: "validation_failed", field: "industry"},
			{name: "profile without a credit code", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("credit_code", ""),
				status: 400, code: "validation_failed", field: "credit_code"},
			{name: "profile with a legal representative of blanks", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("legal_rep", "  "),
				status: 400, code: "validation_failed", field: "legal_rep"},
			{name: "profile with an address of blanks", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("address", "  "),
				status: 400, code: "validation_failed", field: "address"},
			{name: "profile with an unknown main business", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("main_business_id", 999999),
				status: 400, code: "main_business_not_found"},
			{name: "street without a name", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "110101005"}, status: 400, code: "validation_failed", field: "name"},
			{name: "street name of blanks", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "110101008", "name": "   "}, status: 400, code: "validation_failed", field: "name"},
			{name: "street code with a letter", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "11010100A", "name": "x"}, status: 400, code: "validation_failed", field: "code"},
			{name: "street code of another district", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "110105001", "name": "x"}, status: 400, code: "validation_failed", field: "code"},
			// Statistical division codes of streets have 9 or 12 digits (the endpoint's own description); 10 or 11 are neither.
			{name: "street code of ten digits", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "1101010051", "name": "x"}, status: 400, code: "validation_failed", field: "code"},
			{name: "street code of eleven digits", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "11010100511", "name": "x"}, status: 400, code: "validation_failed", field: "code"},
			{name: "street under the city", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": city, "code": "110000001", "name": "x"}, status: 400, code: "region_parent_not_district"},
			{name: "street renamed to nothing", token: as.plat, method: http.MethodPut, path: street(donghuamen.ID), body: map[string]any{"name": ""},
				status: 400, code: "validation_failed", field: "name"},
			{name: "street renamed to blanks", token: as.plat, method: http.MethodPut, path: street(donghuamen.ID), body: map[string]any{"name": "  "},
				status: 400, code: "validation_failed", field: "name"},
			// A street needs its district: leaving it out is an invalid request (400), not a reference to an unknown region (404).
			{name: "street without a district", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"code": "110101006", "name": "x"}, status: 400, code: "validation_failed", field: "parent_id"},
		})
	})

	t.Run("403", func(t *testing.T) {
		mall := func() string {
			return rowsOf(t, env, `SELECT CONCAT('d', id, name, parent_id) FROM departments WHERE enterprise_id = ?
				UNION ALL SELECT CONCAT('p', id, name, status, responsibility_level) FROM posts WHERE enterprise_id = ?
				UNION ALL SELECT CONCAT('doc', id, post_id) FROM post_documents WHERE enterprise_id = ?
				UNION ALL SELECT CONCAT('e', name, address) FROM enterprises WHERE id = ?
				UNION ALL SELECT CONCAT('r', id, name) FROM regions ORDER BY 1`, sc.MallID, sc.MallID, sc.MallID, sc.MallID)
		}
		unchanged(t, env, mall, []call{
			{name: "a post user lists departments", token: as.post, method: http.MethodGet, path: "/api/v1/departments", status: 403, code: "forbidden", perm: rbac.DeptList},
			{name: "the enterprise-user account lists departments", token: as.entUser, method: http.MethodGet, path: "/api/v1/departments", status: 403, code: "forbidden", perm: rbac.DeptList},
			{name: "a post user creates a department", token: as.post, method: http.MethodPost, path: "/api/v1/departments", body: map[string]any{"name": "越权部"},
				status: 403, code: "forbidden", perm: rbac.DeptCreate},
			{name: "the safety officer renames a department", token: as.safety, method: http.MethodPut, path: dept(qc.ID), body: map[string]any{"name": "越权部"},
				status: 403, code: "forbidden", perm: rbac.DeptUpdate},
			{name: "a post user deletes a department", token: as.post, method: http.MethodDelete, path: dept(lab.ID), status: 403, code: "forbidden", perm: rbac.DeptDelete},
			{name: "a regulator lists an enterprise's posts", token: as.reg, method: http.MethodGet, path: "/api/v1/posts", status: 403, code: "forbidden", perm: rbac.PostList},
			{name: "a post user creates a post", token: as.post, method: http.MethodPost, path: "/api/v1/posts", body: postBody(qc.ID, "越权岗"),
				status: 403, code: "forbidden", perm: rbac.PostCreate},
			{name: "a post user reads a post", token: as.post, method: http.MethodGet, path: post(forklift), status: 403, code: "forbidden", perm: rbac.PostList},
			{name: "the safety officer edits a post", token: as.safety, method: http.MethodPut, path: post(inspector.ID), body: postBody(qc.ID, "越权岗"),
				status: 403, code: "forbidden", perm: rbac.PostUpdate},
			{name: "a post user deletes a post", token: as.post, method: http.MethodDelete, path: post(sampler.ID), status: 403, code: "forbidden", perm: rbac.PostDelete},
			{name: "a post user disables a post", token: as.post, method: http.MethodPost, path: post(sampler.ID, "/disable"), status: 403, code: "forbidden", perm: rbac.PostDisable},
			{name: "a post user enables a post", token: as.post, method: http.MethodPost, path: post(sampler.ID, "/enable"), status: 403, code: "forbidden", perm: rbac.PostDisable},
			{name: "a post user lists documents", token: as.post, method: http.MethodGet, path: post(forklift, "/documents"), status: 403, code: "forbidden", perm: rbac.PostList},
			{name: "the safety officer uploads a document", token: as.safety, method: http.MethodPost, path: post(forklift, "/documents"),
				body: upload{name: "越权.pdf", data: pdf}, status: 403, code: "forbidden", perm: rbac.PostDocUpload},
			{name: "a post user downloads a document", token: as.post, method: http.MethodGet, path: docFile(forklift, forkDoc.ID), status: 403, code: "forbidden", perm: rbac.PostList},
			{name: "a post user reads the profile", token: as.post, method: http.MethodGet, path: "/api/v1/enterprise", status: 403, code: "forbidden", perm: rbac.ProfileView},
			{name: "a post user edits the profile", token: as.post, method: http.MethodPut, path: "/api/v1/enterprise", body: profile("address", "越权"),
				status: 403, code: "forbidden", perm: rbac.ProfileEdit},
			{name: "a regulator reads an enterprise profile", token: as.reg, method: http.MethodGet, path: "/api/v1/enterprise", status: 403, code: "forbidden", perm: rbac.ProfileView},
			{name: "an enterprise admin creates a street", token: as.admin, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "110101007", "name": "越权街道"}, status: 403, code: "forbidden", perm: rbac.PlatRegionEdit},
			{name: "a regulator renames a street", token: as.reg, method: http.MethodPut, path: street(donghuamen.ID), body: map[string]any{"name": "越权街道"},
				status: 403, code: "forbidden", perm: rbac.PlatRegionEdit},
			{name: "an enterprise admin deletes a street", token: as.admin, method: http.MethodDelete, path: street(donghuamen.ID), status: 403, code: "forbidden", perm: rbac.PlatRegionEdit},
		})
	})

	t.Run("404", func(t *testing.T) {
		factory := func() string {
			return rowsOf(t, env, `SELECT CONCAT('d', id, name, parent_id) FROM departments WHERE enterprise_id = ?
				UNION ALL SELECT CONCAT('p', id, name, status, department_id, responsibility_level) FROM posts WHERE enterprise_id = ?
				UNION ALL SELECT CONCAT('doc', id, post_id) FROM post_documents WHERE enterprise_id = ? ORDER BY 1`, sc.FactoryID, sc.FactoryID, sc.FactoryID)
		}
		theirs := func(extra ...string) []string {
			return append([]string{"生产部", "焊工", demo.FactoryName}, extra...)
		}
		unchanged(t, env, factory, []call{
			{name: "rename another enterprise's department", token: as.admin, method: http.MethodPut, path: dept(factoryDept), body: map[string]any{"name": "篡改"},
				status: 404, code: "department_not_found", hide: theirs(idText(factoryDept))},
			{name: "delete another enterprise's department", token: as.admin, method: http.MethodDelete, path: dept(factoryDept),
				status: 404, code: "department_not_found", hide: theirs(idText(factoryDept))},
			{name: "create under another enterprise's department", token: as.admin, method: http.MethodPost, path: "/api/v1/departments",
				body: map[string]any{"name": "寄生部", "parent_id": factoryDept}, status: 404, code: "department_not_found", hide: theirs(idText(factoryDept))},
			{name: "move a department under another enterprise's", token: as.admin, method: http.MethodPut, path: dept(qc.ID),
				body: map[string]any{"name": "质检部", "parent_id": factoryDept}, status: 404, code: "department_not_found", hide: theirs(idText(factoryDept))},
			{name: "list the posts of another enterprise's department", token: as.admin, method: http.MethodGet,
				path: fmt.Sprintf("/api/v1/posts?department_id=%d", factoryDept), status: 404, code: "department_not_found", hide: theirs("车工", idText(factoryDept))},
			{name: "read another enterprise's post", token: as.admin, method: http.MethodGet, path: post(factoryPost),
				status: 404, code: "post_not_found", hide: theirs(idText(factoryPost))},
			{name: "edit another enterprise's post", token: as.admin, method: http.MethodPut, path: post(factoryPost), body: postBody(qc.ID, "篡改"),
				status: 404, code: "post_not_found", hide: theirs(idText(factoryPost))},
			{name: "delete another enterprise's post", token: as.admin, method: http.MethodDelete, path: post(factoryPost),
				status: 404, code: "post_not_found", hide: theirs(idText(factoryPost))},
			{name: "disable another enterprise's post", token: as.admin, method: http.MethodPost, path: post(factoryPost, "/disable"),
				status: 404, code: "post_not_found", hide: theirs(idText(factoryPost))},
			{name: "enable another enterprise's post", token: as.admin, method: http.MethodPost, path: post(factoryPost, "/enable"),
				status: 404, code: "post_not_found", hide: theirs(idText(factoryPost))},
			{name: "move a post into another enterprise's department", token: as.admin, method: http.MethodPut, path: post(inspector.ID), body: postBody(factoryDept, "质检员"),
				status: 404, code: "department_not_found", hide: theirs(idText(factoryDept))},
			{name: "list another enterprise's documents", token: as.admin, method: http.MethodGet, path: post(factoryPost, "/documents"),
				status: 404, code: "post_not_found", hide: theirs("焊工岗位责任制", idText(factoryPost))},
			{name: "download another enterprise's document through an own post", token: as.admin, method: http.MethodGet, path: docFile(forklift, factoryDoc.ID),
				status: 404, code: "document_not_found", hide: theirs("焊工岗位责任制", "%PDF", idText(factoryDoc.ID))},
			{name: "download another post's document", token: as.admin, method: http.MethodGet, path: docFile(forklift, keeperDoc.ID),
				status: 404, code: "document_not_found", hide: []string{"库管员岗位责任制", "%PDF", idText(keeperDoc.ID)}},
			{name: "rename an unknown region", token: as.plat, method: http.MethodPut, path: street(999999), body: map[string]any{"name": "x"},
				status: 404, code: "region_not_found", hide: []string{"999999"}},
			{name: "delete an unknown region", token: as.plat, method: http.MethodDelete, path: street(999999),
				status: 404, code: "region_not_found", hide: []string{"999999"}},
		})
	})

	t.Run("409", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "rename a department to a sibling's name", token: as.admin, method: http.MethodPut, path: dept(qc.ID), body: map[string]any{"name": "仓储部"},
				status: 409, code: "department_name_taken"},
			{name: "rename a post to a name its department has", token: as.admin, method: http.MethodPut, path: post(sampler.ID), body: postBody(qc.ID, "质检员"),
				status: 409, code: "post_name_taken"},
			{name: "delete a post that has a document", token: as.admin, method: http.MethodDelete, path: post(clerk.ID),
				status: 409, code: "post_has_history"},
			{name: "rename the enterprise to a regulator's login name", token: as.entUser, method: http.MethodPut, path: "/api/v1/enterprise",
				body: profile("name", demo.ChaoyangReg), status: 409, code: "enterprise_name_taken"},
			{name: "create a street with a taken code", token: as.plat, method: http.MethodPost, path: "/api/v1/platform/regions",
				body: map[string]any{"parent_id": dongcheng, "code": "110101001", "name": "重复街道"}, status: 409, code: "region_code_taken"},
			{name: "rename a district", token: as.plat, method: http.MethodPut, path: street(dongcheng), body: map[string]any{"name": "东城"},
				status: 409, code: "region_fixed"},
			{name: "delete a district", token: as.plat, method: http.MethodDelete, path: street(dongcheng), status: 409, code: "region_fixed"},
			{name: "delete a street a regulator works in", token: as.plat, method: http.MethodDelete, path: street(jiaodaokou.ID), status: 409, code: "region_in_use"},
		})
		// Nothing of the refused changes happened.
		var p org.PostView
		env.as(as.admin, http.MethodGet, post(clerk.ID), nil).decode(t, &p)
		var prof enterprise.Profile
		env.as(as.admin, http.MethodGet, "/api/v1/enterprise", nil).decode(t, &prof)
		if p.Name != "资料员" || prof.Name != demo.MallName {
			t.Errorf("after the conflicts: post %q, enterprise %q", p.Name, prof.Name)
		}
	})
}
