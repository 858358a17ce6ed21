package api

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yqyb/internal/association"
	"yqyb/internal/org"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/setup"
	"yqyb/internal/tools/demo"
)

var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func docx(t *testing.T, withBody bool) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	files := map[string]string{"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`}
	if withBody {
		files["word/document.xml"] = `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`
	} else {
		files["xl/workbook.xml"] = `<?xml version="1.0"?><workbook/>`
	}
	for name, content := range files {
		w, _ := z.Create(name)
		w.Write([]byte(content))
	}
	z.Close()
	return b.Bytes()
}

func TestResponsibilityDocuments(t *testing.T) {
	// The production body limit, so the document's own limit is what answers.
	env, sc := seeded(t, func(d *Deps) { d.Config.BodyLimit = "20M" })
	admin := env.login("personal", demo.MallName, pw)
	post := sc.Posts["仓储部/叉车司机"]
	path := fmt.Sprintf("/api/v1/posts/%d/documents", post)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	tests := []struct {
		name, file string
		data       []byte
		status     int
		code       string
	}{
		{"pdf", "叉车司机岗位责任制.pdf", pdf, 201, ""},
		{"docx", "责任制.docx", docx(t, true), 201, ""},
		{"png", "扫描件.PNG", png, 201, ""},
		{"an xlsx named docx", "责任制.docx", docx(t, false), 415, "document_type_not_allowed"},
		{"a pdf named docx", "责任制.docx", pdf, 415, "document_type_not_allowed"},
		{"an executable named pdf", "责任制.pdf", append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{1}, 200)...), 415, "document_type_not_allowed"},
		{"plain text", "责任制.txt", []byte("岗位责任制"), 415, "document_type_not_allowed"},
		{"empty", "空.pdf", nil, 400, "document_empty"},
		{"too large", "大.pdf", append(append([]byte{}, pdf...), bytes.Repeat([]byte(" "), org.MaxDocumentSize)...), 413, "document_too_large"},
	}
	for _, tt := range tests {
		r := env.upload(admin.AccessToken, path, tt.file, tt.data)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %.200s", tt.name, r.Code, r.Body)
		}
	}
	// Every upload is a version; the newest is current and listed first.
	var docs []org.DocumentView
	env.as(admin.AccessToken, http.MethodGet, path, nil).decode(t, &docs)
	if len(docs) != 3 || docs[0].Version != 3 || docs[0].ContentType != "image/png" || docs[2].FileName != "叉车司机岗位责任制.pdf" || docs[2].UploadedBy == "" {
		t.Fatalf("versions = %+v", docs)
	}
	var p org.PostView
	env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/posts/%d", post), nil).decode(t, &p)
	if p.Document == nil || p.Document.Version != 3 {
		t.Fatalf("current document = %+v", p.Document)
	}
	// The old version still downloads, byte for byte, under its own name.
	r := env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("%s/%d/file", path, docs[2].ID), nil)
	if r.Code != 200 || !bytes.Equal(r.Body, pdf) || r.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "%E8%B4%A3%E4%BB%BB%E5%88%B6") {
		t.Fatalf("download = %d %v", r.Code, r.Header)
	}
	// A hostile name never reaches the filesystem: files are stored under generated keys.
	r = env.upload(admin.AccessToken, path, "../../../../etc/passwd.pdf", pdf)
	var d org.DocumentView
	r.decode(t, &d)
	if d.FileName != "passwd.pdf" {
		t.Errorf("stored name = %q", d.FileName)
	}
	var keys []string
	testdb.Must(t, env.db.Table("post_documents").Pluck("storage_key", &keys))
	for _, k := range keys {
		if strings.Contains(k, "passwd") || strings.Contains(k, "..") || !strings.HasPrefix(k, "docs/") {
			t.Errorf("storage key %q", k)
		}
	}
	root := env.deps.Files.(interface{ Root() string }).Root()
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(info.Name(), "passwd") {
			t.Errorf("a user's file name reached the disk: %s", p)
		}
		return nil
	})
	// Another enterprise neither lists nor downloads it, nor uploads to it.
	factory := env.login("personal", demo.FactoryName, pw)
	for _, r := range []*response{
		env.as(factory.AccessToken, http.MethodGet, path, nil),
		env.as(factory.AccessToken, http.MethodGet, fmt.Sprintf("%s/%d/file", path, docs[0].ID), nil),
		env.upload(factory.AccessToken, path, "x.pdf", pdf),
	} {
		if r.Code != 404 {
			t.Errorf("another enterprise = %d %s", r.Code, r.Body)
		}
	}
}

func TestAssociations(t *testing.T) {
	env, sc := seeded(t)
	mall := env.login("enterprise", demo.MallCode, pw)
	factory := env.login("enterprise", demo.FactoryCode, pw)
	candidates := func(tok string) []string {
		var page CandidatePage
		env.as(tok, http.MethodGet, "/api/v1/associations/candidates?page_size=100", nil).decode(t, &page)
		var names []string
		for _, c := range page.Items {
			names = append(names, c.Name)
		}
		return names
	}
	// FAQ 21: the candidate list never shows the enterprise itself.
	if got := candidates(mall.AccessToken); strings.Join(got, ",") != demo.FactoryName {
		t.Fatalf("mall's candidates = %v", got)
	}
	var a association.View
	r := env.as(factory.AccessToken, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": sc.MallID, "note": "集团下属单位"})
	r.decode(t, &a)
	if r.Code != 201 || a.Status != "pending" || a.Direction != "outgoing" || a.OtherName != demo.MallName {
		t.Fatalf("apply = %d %s", r.Code, r.Body)
	}
	// Pending, the pair is off both candidate lists, and cannot be applied for again either way.
	if got := candidates(mall.AccessToken); len(got) != 0 {
		t.Errorf("mall's candidates while pending = %v", got)
	}
	tests := []struct {
		name         string
		token        string
		method, path string
		body         any
		status       int
		code         string
	}{
		{"apply to itself", factory.AccessToken, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": sc.FactoryID}, 400, "association_self"},
		{"apply again", factory.AccessToken, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": sc.MallID}, 409, "association_exists"},
		{"apply the other way", mall.AccessToken, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": sc.FactoryID}, 409, "association_exists"},
		{"apply to nobody", mall.AccessToken, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": 999999}, 404, "enterprise_not_found"},
		{"the applicant approves", factory.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/associations/%d/approve", a.ID), nil, 403, "association_not_yours"},
		{"the target withdraws", mall.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/associations/%d/withdraw", a.ID), nil, 403, "association_not_yours"},
		{"dissolve while pending", mall.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/associations/%d/dissolve", a.ID), nil, 409, "association_not_approved"},
		{"the target approves", mall.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/associations/%d/approve", a.ID), map[string]any{"reply": "同意"}, 200, ""},
		{"approve twice", mall.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/associations/%d/approve", a.ID), nil, 409, "association_not_pending"},
	}
	for _, tt := range tests {
		r := env.as(tt.token, tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	// The group sees its member's summary; the admin account sees it too.
	admin := env.login("personal", demo.MallName, pw)
	var members []association.Member
	env.as(admin.AccessToken, http.MethodGet, "/api/v1/group/members", nil).decode(t, &members)
	if len(members) != 1 || members[0].Name != demo.FactoryName || members[0].LinkedAt == nil {
		t.Fatalf("members = %+v", members)
	}
	// Either side may dissolve; then the pair is a candidate again.
	if r := env.as(factory.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/associations/%d/dissolve", a.ID), nil); r.Code != 200 {
		t.Fatalf("dissolve = %d %s", r.Code, r.Body)
	}
	if got := candidates(mall.AccessToken); len(got) != 1 {
		t.Errorf("candidates after dissolving = %v", got)
	}
	env.as(admin.AccessToken, http.MethodGet, "/api/v1/group/members", nil).decode(t, &members)
	if len(members) != 0 {
		t.Errorf("members after dissolving = %+v", members)
	}
	// Reject and withdraw end applications too; the admin account cannot apply (it is the legal entity's
	// business).
	var b association.View
	env.as(mall.AccessToken, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": sc.FactoryID}).decode(t, &b)
	if r := env.as(mall.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/associations/%d/withdraw", b.ID), nil); r.Code != 200 {
		t.Errorf("withdraw = %d %s", r.Code, r.Body)
	}
	if r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/associations", map[string]any{"target_id": sc.FactoryID}); r.Code != 403 {
		t.Errorf("admin applying = %d", r.Code)
	}
	var list []association.View
	env.as(mall.AccessToken, http.MethodGet, "/api/v1/associations", nil).decode(t, &list)
	if len(list) != 2 || list[0].Status != "withdrawn" || list[1].Status != "dissolved" || list[1].Direction != "incoming" {
		t.Errorf("history = %+v", list)
	}
}

func TestSetupAndCompleteness(t *testing.T) {
	env, _ := seeded(t)
	reg := env.login("personal", demo.ChaoyangReg, pw)
	in := map[string]any{"name": "北京朝阳新开超市有限公司", "credit_code": code(t, "91110105MA0NEW001"), "legal_rep": "吴新", "legal_phone": "13511112222",
		"region_id": regionID(t, env, "110105"), "address": "朝阳路1号", "industry": "F", "main_business_id": mainBusiness(t, env, "retail"), "scale": "micro"}
	var created struct {
		Enterprise struct{ ID int64 }
		Accounts   []struct {
			InitialPassword string `json:"initial_password"`
		}
	}
	env.as(reg.AccessToken, http.MethodPost, "/api/v1/regulator/enterprises", in).decode(t, &created)
	first := env.login("personal", in["name"].(string), created.Accounts[0].InitialPassword)
	var fresh map[string]any
	env.as(first.AccessToken, http.MethodPost, "/api/v1/me/password", map[string]string{"old_password": created.Accounts[0].InitialPassword, "new_password": "Xinkai#2026"}).decode(t, &fresh)
	tok := fresh["access_token"].(string)
	status := func() setup.Status {
		var st setup.Status
		env.as(tok, http.MethodGet, "/api/v1/setup", nil).decode(t, &st)
		return st
	}
	steps := func(st setup.Status) string {
		var s []string
		for _, x := range st.Steps {
			if x.Done {
				s = append(s, x.Key)
			}
		}
		return strings.Join(s, ",")
	}
	var me MeResponse
	env.as(tok, http.MethodGet, "/api/v1/me", nil).decode(t, &me)
	if me.SetupComplete == nil || *me.SetupComplete {
		t.Fatalf("a new enterprise's admin must land on the initialization page: %v", me.SetupComplete)
	}
	if me.InUse == nil || *me.InUse {
		t.Fatalf("a new enterprise is not in use yet: in_use %v", me.InUse)
	}
	st := status()
	if st.Completeness != 0 || steps(st) != "" || st.Parts[0].Missing != "尚未建立部门" {
		t.Fatalf("new = %+v", st)
	}
	var dept org.Department
	env.as(tok, http.MethodPost, "/api/v1/departments", map[string]any{"name": "营业部"}).decode(t, &dept)
	if st = status(); st.Completeness != 25 || steps(st) != "departments" {
		t.Fatalf("with a department = %v %s", st.Completeness, steps(st))
	}
	var p1, p2 org.PostView
	env.as(tok, http.MethodPost, "/api/v1/posts", map[string]any{"department_id": dept.ID, "name": "收银员", "responsibility_level": "low", "default_frequency": "monthly"}).decode(t, &p1)
	env.as(tok, http.MethodPost, "/api/v1/posts", map[string]any{"department_id": dept.ID, "name": "理货员", "responsibility_level": "low", "default_frequency": "monthly"}).decode(t, &p2)
	env.upload(tok, fmt.Sprintf("/api/v1/posts/%d/documents", p1.ID), "收银员.pdf", pdf)
	st = status()
	// departments 100, standard 0, checklists 0, documents 1 of 2 posts = 50 → (100+0+0+50)/4
	if st.Completeness != 37.5 || st.Parts[3].Rate != 50 || !strings.Contains(st.Parts[3].Missing, "理货员") || steps(st) != "departments,posts" {
		t.Fatalf("with posts and one document = %+v", st)
	}
	// A disabled post leaves the shares.
	env.as(tok, http.MethodPost, fmt.Sprintf("/api/v1/posts/%d/disable", p2.ID), nil)
	if st = status(); st.Completeness != 50 || st.Parts[3].Rate != 100 {
		t.Fatalf("after disabling the post without a document = %+v", st.Parts)
	}
	env.as(tok, http.MethodPost, "/api/v1/users", map[string]any{"login_name": "新开超市-收银员", "display_name": "郑收", "post_id": p1.ID})
	if st = status(); steps(st) != "departments,posts,post_users,documents" || st.Complete {
		t.Fatalf("steps = %s", steps(st))
	}
	// The regulator's list shows the same rate.
	var page EnterprisePage
	env.as(reg.AccessToken, http.MethodGet, "/api/v1/regulator/enterprises?q=新开", nil).decode(t, &page)
	if page.Items[0].Setup.Completeness != 50 {
		t.Errorf("regulator sees %v", page.Items[0].Setup.Completeness)
	}
}
