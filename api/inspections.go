package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
)

func (s *Server) inspectionRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/my/inspections", Perm: rbac.InspectView, Handler: s.listMySlots},
		{Method: http.MethodPost, Path: "/api/v1/my/checklists/:id/inspection", Perm: rbac.InspectView, Idempotent: true, Handler: s.startInspection},
		{Method: http.MethodGet, Path: "/api/v1/inspections", Perm: rbac.InspectHistory, Handler: s.listInspections},
		{Method: http.MethodGet, Path: "/api/v1/inspections/:id", Perm: rbac.InspectView, Handler: s.getInspection},
		{Method: http.MethodPut, Path: "/api/v1/inspections/:id/answers", Perm: rbac.InspectView, Idempotent: true, Handler: s.saveAnswers},
		{Method: http.MethodPost, Path: "/api/v1/inspections/:id/submit", Perm: rbac.InspectView, Idempotent: true, Handler: s.submitInspection},
		{Method: http.MethodGet, Path: "/api/v1/usage", Perm: rbac.UsageView, Handler: s.getUsage},
	}
}

// MySlots is what 隐患管理 → 隐患排查 shows a post user.
type MySlots struct {
	PostName       string            `json:"post_name"`
	DepartmentName string            `json:"department_name"`
	ServerTime     time.Time         `json:"server_time" format:"date-time"`
	Slots          []inspection.Slot `json:"slots"`
	Reason         string            `json:"reason"`
} // @name MyInspections

// listMySlots godoc
//
//	@Summary		我的排查任务
//	@Description	岗位用户本岗位的每个在用清单在当前上报周期的状态：未开始（not_started）、草稿（draft）、已提交（submitted），以及周期、截止时间和剩余秒数（按服务器时间，Asia/Shanghai），上一周期是已提交还是错过（missed）。没有清单时 reason 说明原因（FAQ 9）。
//	@Tags			隐患排查
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	MySlots
//	@Router			/api/v1/my/inspections [get]
func (s *Server) listMySlots(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	mine, err := s.standards.ForPost(ctx, ent, principal(c).PostID)
	if err != nil {
		return err
	}
	slots, err := s.inspections.Slots(ctx, ent, mine)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, MySlots{PostName: mine.PostName, DepartmentName: mine.DepartmentName, ServerTime: s.deps.Clock.Now().In(clock.Business),
		Slots: slots, Reason: mine.Reason})
}

// startInspection godoc
//
//	@Summary		开始排查
//	@Description	打开（或继续）某清单当前周期的排查：每个清单每个周期只有一份，本岗位的用户共用（started_by 表示谁开始的）。开始时按清单当前的条目复制排查项目，之后修改企业标准不影响本次排查。
//	@Tags			隐患排查
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"清单ID"
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		200	{object}	inspection.Detail
//	@Failure		400		{object}	ErrorBody	"idempotency_key_invalid"
//	@Failure		404	{object}	ErrorBody	"checklist_not_found"
//	@Failure		409	{object}	ErrorBody	"checklist_empty | idempotency_in_progress | idempotency_key_reused"
//	@Router			/api/v1/my/checklists/{id}/inspection [post]
func (s *Server) startInspection(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	p := principal(c)
	d, err := s.inspections.Start(c.Request().Context(), p.UserID, ent, p.PostID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// listInspections godoc
//
//	@Summary		排查记录
//	@Description	本企业的排查记录，可按岗位、清单、周期、状态和日期筛选。
//	@Tags			隐患排查
//	@Produce		json
//	@Security		BearerAuth
//	@Param			post_id			query		int		false	"岗位"
//	@Param			checklist_id	query		int		false	"清单"
//	@Param			period_key		query		string	false	"周期，如 2026-11-28、2026-W48、2026-11-H2、2026-11、2026-Q4"
//	@Param			status			query		string	false	"状态"	Enums(draft, submitted)
//	@Param			from			query		string	false	"周期结束不早于 YYYY-MM-DD"	format(date)
//	@Param			to				query		string	false	"周期结束不晚于 YYYY-MM-DD"	format(date)
//	@Param			page			query		int		false	"页码"
//	@Param			page_size		query		int		false	"每页条数"
//	@Param			sort			query		string	false	"排序：period_end、submitted_at、id"
//	@Success		200				{object}	InspectionPage
//	@Router			/api/v1/inspections [get]
func (s *Server) listInspections(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := inspection.Spec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f := inspection.Filter{PeriodKey: c.QueryParam("period_key")}
	if f.PostID, err = queryID(c, "post_id", "岗位"); err != nil {
		return err
	}
	if f.ChecklistID, err = queryID(c, "checklist_id", "清单"); err != nil {
		return err
	}
	if f.Status, err = queryEnum(c, "status", "状态", "draft", "submitted"); err != nil {
		return err
	}
	if f.From, err = queryDate(c, "from", "起始日期", false); err != nil {
		return err
	}
	if f.To, err = queryDate(c, "to", "截止日期", true); err != nil {
		return err
	}
	page, err := s.inspections.List(c.Request().Context(), ent, f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// postScope limits a post user to its own post's inspections; holders of the history code see all.
func (s *Server) postScope(c echo.Context) (int64, error) {
	p := principal(c)
	ok, err := s.authz.Allowed(c.Request().Context(), p.Subject(), rbac.InspectHistory)
	if err != nil || ok {
		return 0, err
	}
	if p.PostID == 0 {
		return -1, nil
	}
	return p.PostID, nil
}

// getInspection godoc
//
//	@Summary		排查详情
//	@Description	一次排查及其各项结果。岗位用户只能看本岗位的排查。open 表示所属周期是否仍在进行中。
//	@Tags			隐患排查
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"排查ID"
//	@Success		200	{object}	inspection.Detail
//	@Failure		404	{object}	ErrorBody	"inspection_not_found"
//	@Router			/api/v1/inspections/{id} [get]
func (s *Server) getInspection(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	post, err := s.postScope(c)
	if err != nil {
		return err
	}
	d, err := s.inspections.Get(c.Request().Context(), ent, id, post)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// AnswersRequest carries answers.
type AnswersRequest struct {
	Answers []inspection.AnswerInput `json:"answers" label:"排查结果" validate:"max=2000,dive"`
} // @name AnswersRequest

// saveAnswers godoc
//
//	@Summary		保存排查草稿
//	@Description	保存部分或全部项目的结果：合格（ok）；隐患（hazard，提交前须填描述、选本企业的隐患等级，可填位置、上传照片、注明是否当场整改——当场整改须有照片）；不涉及（na，提交前须说明原因）。草稿保存已填写的一切，尚不完整的项目（如已标为隐患但还没有等级、描述或照片）也保存，完整性在提交时检查；只拒绝错误的内容（本企业没有的等级、不属于本企业的照片、不在本次排查中的项目）。只能在周期进行中保存；周期结束后返回 410 period_closed（不可以补录）。
//	@Tags			隐患排查
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"排查ID"
//	@Param			body	body		AnswersRequest	true	"结果"
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		200		{object}	inspection.Detail
//	@Failure		400		{object}	ErrorBody	"answer_invalid | hazard_grade_unknown | photo_invalid | idempotency_key_invalid"
//	@Failure		404		{object}	ErrorBody	"inspection_not_found"
//	@Failure		409		{object}	ErrorBody	"inspection_submitted | idempotency_in_progress | idempotency_key_reused"
//	@Failure		410		{object}	ErrorBody	"period_closed"
//	@Router			/api/v1/inspections/{id}/answers [put]
func (s *Server) saveAnswers(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in AnswersRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	post, err := s.postScope(c)
	if err != nil {
		return err
	}
	d, err := s.inspections.Save(c.Request().Context(), principal(c).UserID, ent, post, id, in.Answers)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// submitInspection godoc
//
//	@Summary		提交排查
//	@Description	保存随附的结果并提交；所有项目都须有结果且填写完整，否则返回 400 inspection_incomplete，message 列出缺什么，details.items 逐项给出 item_id、序号 index、subject 和 missing（result 未作答、description 隐患描述、grade 隐患等级、photo 当场整改的照片、na_reason 不涉及原因），details.unanswered 为未作答项目数。每个“隐患”项目登记为一条隐患（等级按本企业方案对应一般或重大；重大隐患判定条目一律为重大隐患，并立即报送属地监管部门）；当场整改的直接销号。已提交的再次提交返回原结果（幂等），两人同时提交也只产生一次提交。周期结束后返回 410 period_closed。
//	@Tags			隐患排查
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"排查ID"
//	@Param			body	body		AnswersRequest	false	"最后修改的结果"
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		200		{object}	inspection.Detail
//	@Failure		400		{object}	ErrorBody	"inspection_incomplete | answer_invalid | hazard_grade_unknown | photo_invalid | idempotency_key_invalid"
//	@Failure		409		{object}	ErrorBody	"idempotency_in_progress | idempotency_key_reused"
//	@Failure		410		{object}	ErrorBody	"period_closed"
//	@Router			/api/v1/inspections/{id}/submit [post]
func (s *Server) submitInspection(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in AnswersRequest
	if c.Request().ContentLength != 0 {
		if err := bind(c, &in); err != nil {
			return err
		}
	}
	post, err := s.postScope(c)
	if err != nil {
		return err
	}
	d, err := s.inspections.Submit(c.Request().Context(), hazardActor(c), ent, post, id, in.Answers)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// getUsage godoc
//
//	@Summary		系统使用率
//	@Description	本企业某半月的系统使用率（FAQ 4）：每月统计两次（1—15日、16日—月末），每半月从零开始；应报周期为该半月内结束的各清单周期，使用率 = 按时提交数 ÷ 应报数；没有应报周期时 rate 为 null、nothing_due 为 true（无应排查，不是 0%）。清单在某周期中途建立时，该周期仅在已提交时计入；停用的清单和停用岗位的清单不计；进行中的半月只计已结束或已提交的周期，live 为 true；已结束的半月取其结束时冻结的快照（与监管部门看到的相同），之后修改岗位、清单或排查记录都不再改变它，live 为 false。date 为该半月内任一天，默认今天。
//	@Tags			隐患排查
//	@Produce		json
//	@Security		BearerAuth
//	@Param			date	query		string	false	"日期 YYYY-MM-DD"	format(date)
//	@Success		200		{object}	inspection.Usage
//	@Router			/api/v1/usage [get]
func (s *Server) getUsage(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	at := s.deps.Clock.Now()
	if d, err := queryDate(c, "date", "日期", false); err != nil {
		return err
	} else if !d.IsZero() {
		at = d
	}
	u, err := s.stats.Usage(c.Request().Context(), ent, at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}
