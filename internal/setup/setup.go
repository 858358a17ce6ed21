// Package setup measures how far an enterprise has set itself up: the initialization steps an admin walks
// through on first login (departments, posts, post users, the enterprise standard, post checklists,
// responsibility documents) and the information completeness rate (信息完备率, FAQ 5) shown to the
// enterprise and its regulators.
//
// Completeness is the mean of four parts, each 0–100:
//   - 部门信息: 100 when the enterprise has at least one department, else 0;
//   - 个性化标准: 100 when its standard holds at least one item, else 0;
//   - 岗位清单: the share of its active posts that have at least one checklist;
//   - 岗位责任制: the share of its active posts whose responsibility document is uploaded.
//
// An enterprise without active posts scores 0 on the last two parts (there is nothing to measure yet, and
// counting that as complete would reward doing nothing). Disabled posts are left out of every share.
// Parts owned by other domains (the standard, checklists) are supplied as Sources; a part without a source
// counts nothing and reads 0.
package setup

import (
	"context"
	"fmt"
	"math"
	"strings"

	"gorm.io/gorm"
)

// Source counts, for each of the given enterprises, the rows a part measures: standard items, or active
// posts with at least one checklist.
type Source func(ctx context.Context, db *gorm.DB, enterpriseIDs []int64) (map[int64]int64, error)

// PostSource lists, for one enterprise, the active posts a part considers done (e.g. with a checklist).
type PostSource func(ctx context.Context, db *gorm.DB, enterpriseID int64) (map[int64]bool, error)

// Sources are the parts supplied by other domains.
type Sources struct {
	StandardItems      Source
	PostsWithChecklist Source
	ChecklistPosts     PostSource
}

// Service computes setup state.
type Service struct {
	db  *gorm.DB
	src Sources
}

// New returns the setup service with the given sources.
func New(db *gorm.DB, src Sources) *Service { return &Service{db: db, src: src} }

// Part is one part of the completeness rate.
type Part struct {
	Key   string `json:"key" enums:"departments,standard,checklists,documents"`
	Title string `json:"title" example:"岗位责任制"`
	// Rate 为百分比（0–100，保留一位小数）。
	Rate    float64 `json:"rate" example:"50" minimum:"0" maximum:"100"`
	Missing string  `json:"missing" example:"还有 2 个岗位未上传岗位责任制：叉车司机、库管员"`
} // @name CompletenessPart

// Step is one step of the initialization page.
type Step struct {
	Key     string `json:"key" enums:"departments,posts,post_users,standard,checklists,documents"`
	Title   string `json:"title" example:"建立岗位用户"`
	Done    bool   `json:"done"`
	Missing string `json:"missing"`
	Link    string `json:"link" example:"/system/users"`
} // @name SetupStep

// Status is an enterprise's setup state.
type Status struct {
	Complete bool `json:"complete"`
	// Completeness 为信息完备率，百分比（0–100，保留一位小数）。
	Completeness float64 `json:"completeness" example:"62.5" minimum:"0" maximum:"100"`
	Parts        []Part  `json:"parts"`
	Steps        []Step  `json:"steps"`
} // @name SetupStatus

// Summary is the setup state as lists show it.
type Summary struct {
	Complete bool `json:"complete"`
	// Completeness 为信息完备率，百分比（0–100，保留一位小数）。
	Completeness float64 `json:"completeness" minimum:"0" maximum:"100"`
} // @name SetupSummary

type counts struct {
	departments, posts, postsWithUsers, postsWithDocs, standardItems, postsWithChecklists int64
}

func (c counts) parts() []float64 {
	share := func(n int64) float64 {
		if c.posts == 0 {
			return 0
		}
		return 100 * float64(n) / float64(c.posts)
	}
	return []float64{
		b2f(c.departments > 0),
		b2f(c.standardItems > 0),
		share(c.postsWithChecklists),
		share(c.postsWithDocs),
	}
}

func (c counts) completeness() float64 {
	sum := 0.0
	for _, p := range c.parts() {
		sum += p
	}
	return math.Round(sum/4*10) / 10
}

func (c counts) complete() bool {
	return c.departments > 0 && c.posts > 0 && c.postsWithUsers == c.posts && c.standardItems > 0 &&
		c.postsWithChecklists == c.posts && c.postsWithDocs == c.posts
}

func b2f(b bool) float64 {
	if b {
		return 100
	}
	return 0
}

// Summaries computes the setup summary of many enterprises with a fixed number of grouped queries,
// whatever their number.
func (s *Service) Summaries(ctx context.Context, ids []int64) (map[int64]Summary, error) {
	cs, err := s.counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Summary, len(ids))
	for _, id := range ids {
		c := cs[id]
		out[id] = Summary{Complete: c.complete(), Completeness: c.completeness()}
	}
	return out, nil
}

func (s *Service) counts(ctx context.Context, ids []int64) (map[int64]counts, error) {
	out := make(map[int64]counts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	db := s.db.WithContext(ctx)
	var depts []struct{ EnterpriseID, N int64 }
	if err := db.Table("departments").Select("enterprise_id, COUNT(*) AS n").Where("enterprise_id IN ?", ids).
		Group("enterprise_id").Scan(&depts).Error; err != nil {
		return nil, err
	}
	var posts []struct{ EnterpriseID, Posts, WithUsers, WithDocs int64 }
	if err := db.Table("posts p").Select(`p.enterprise_id, COUNT(*) AS posts,
			SUM(CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.post_id = p.id AND u.deleted_at IS NULL AND u.status = 'active') THEN 1 ELSE 0 END) AS with_users,
			SUM(CASE WHEN EXISTS (SELECT 1 FROM post_documents d WHERE d.post_id = p.id) THEN 1 ELSE 0 END) AS with_docs`).
		Where("p.enterprise_id IN ? AND p.status = 'active'", ids).Group("p.enterprise_id").Scan(&posts).Error; err != nil {
		return nil, err
	}
	items, err := s.source(ctx, s.src.StandardItems, ids)
	if err != nil {
		return nil, err
	}
	checklists, err := s.source(ctx, s.src.PostsWithChecklist, ids)
	if err != nil {
		return nil, err
	}
	for _, d := range depts {
		c := out[d.EnterpriseID]
		c.departments = d.N
		out[d.EnterpriseID] = c
	}
	for _, p := range posts {
		c := out[p.EnterpriseID]
		c.posts, c.postsWithUsers, c.postsWithDocs = p.Posts, p.WithUsers, p.WithDocs
		out[p.EnterpriseID] = c
	}
	for id, n := range items {
		c := out[id]
		c.standardItems = n
		out[id] = c
	}
	for id, n := range checklists {
		c := out[id]
		c.postsWithChecklists = n
		out[id] = c
	}
	return out, nil
}

func (s *Service) source(ctx context.Context, src Source, ids []int64) (map[int64]int64, error) {
	if src == nil {
		return map[int64]int64{}, nil
	}
	return src(ctx, s.db, ids)
}

// postState is one active post and what it lacks.
type postState struct {
	ID        int64
	Name      string
	HasUser   bool
	HasDoc    bool
	Checklist bool
}

// Status computes one enterprise's setup state with what is missing, for its initialization page.
func (s *Service) Status(ctx context.Context, ent int64) (Status, error) {
	cs, err := s.counts(ctx, []int64{ent})
	if err != nil {
		return Status{}, err
	}
	c := cs[ent]
	var posts []postState
	if err := s.db.WithContext(ctx).Table("posts p").Select(`p.id, p.name,
			EXISTS (SELECT 1 FROM users u WHERE u.post_id = p.id AND u.deleted_at IS NULL AND u.status = 'active') AS has_user,
			EXISTS (SELECT 1 FROM post_documents d WHERE d.post_id = p.id) AS has_doc`).
		Where("p.enterprise_id = ? AND p.status = 'active'", ent).Order("p.sort_order, p.id").Scan(&posts).Error; err != nil {
		return Status{}, err
	}
	if s.src.ChecklistPosts != nil {
		with, err := s.src.ChecklistPosts(ctx, s.db, ent)
		if err != nil {
			return Status{}, err
		}
		for i := range posts {
			posts[i].Checklist = with[posts[i].ID]
		}
	}
	lacking := func(what string, has func(postState) bool) string {
		var names []string
		for _, p := range posts {
			if !has(p) {
				names = append(names, p.Name)
			}
		}
		if len(names) == 0 {
			return ""
		}
		shown := names
		if len(shown) > 5 {
			shown = shown[:5]
		}
		msg := fmt.Sprintf("还有 %d 个岗位%s：%s", len(names), what, strings.Join(shown, "、"))
		if len(names) > len(shown) {
			msg += " 等"
		}
		return msg
	}
	noPosts := "尚未建立岗位"
	missing := func(cond bool, msg string) string {
		if cond {
			return ""
		}
		return msg
	}
	postMissing := func(what string, has func(postState) bool) string {
		if c.posts == 0 {
			return noPosts
		}
		return lacking(what, has)
	}
	st := Status{Complete: c.complete(), Completeness: c.completeness()}
	rates := c.parts()
	st.Parts = []Part{
		{"departments", "部门信息", rates[0], missing(c.departments > 0, "尚未建立部门")},
		{"standard", "个性化标准", rates[1], missing(c.standardItems > 0, "尚未建立企业标准（个性化标准）")},
		{"checklists", "岗位清单", rates[2], postMissing("没有岗位清单", func(p postState) bool { return p.Checklist })},
		{"documents", "岗位责任制", rates[3], postMissing("未上传岗位责任制", func(p postState) bool { return p.HasDoc })},
	}
	st.Steps = []Step{
		{"departments", "建立部门", c.departments > 0, missing(c.departments > 0, "尚未建立部门"), "/system/departments"},
		{"posts", "建立岗位", c.posts > 0, missing(c.posts > 0, noPosts), "/system/posts"},
		{"post_users", "建立岗位用户并匹配岗位", c.posts > 0 && c.postsWithUsers == c.posts, postMissing("没有岗位用户", func(p postState) bool { return p.HasUser }), "/system/users"},
		{"standard", "建立企业标准", c.standardItems > 0, st.Parts[1].Missing, "/standard"},
		{"checklists", "分解岗位清单", c.posts > 0 && c.postsWithChecklists == c.posts, st.Parts[2].Missing, "/standard/checklists"},
		{"documents", "上传岗位责任制", c.posts > 0 && c.postsWithDocs == c.posts, st.Parts[3].Missing, "/system/posts"},
	}
	return st, nil
}
