package api

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/enterprise"
	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
)

func (s *Server) inspectionRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/my/inspections", Perm: rbac.InspectView, Handler: s.mySlots},
		{Method: http.MethodPost, Path: "/api/v1/my/checklists/:id/inspection", Perm: rbac.InspectView, Handler: s.startInspection},
		{Method: http.MethodGet, Path: "/api/v1/inspections", Perm: rbac.InspectHistory, Handler: s.listInspections},
		{Method: http.MethodGet, Path: "/api/v1/inspections/:id", Perm: rbac.InspectView, Handler: s.getInspection},
		{Method: http.MethodPut, Path: "/api/v1/inspections/:id/answers", Perm: rbac.InspectView, Handler: s.saveAnswers},
		{Method: http.MethodPost, Path: "/api/v1/inspections/:id/submit", Perm: rbac.InspectView, Handler: s.submitInspection},
		{Method: http.MethodGet, Path: "/api/v1/usage", Perm: rbac.UsageView, Handler: s.usage},
		{Method: http.MethodPost, Path: "/api/v1/files", Perm: loggedIn, Handler: s.uploadImage},
		{Method: http.MethodGet, Path: "/api/v1/files/:id", Perm: loggedIn, Handler: s.downloadFile},

		{Method: http.MethodGet, Path: "/api/v1/hazards", Perm: rbac.HazardLedger, Handler: s.listHazards},
		{Method: http.MethodPost, Path: "/api/v1/hazards", Perm: rbac.HazardRegister, Handler: s.reportHazard},
		{Method: http.MethodGet, Path: "/api/v1/hazards/:id", Perm: rbac.HazardLedger, Handler: s.getHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/assign", Perm: rbac.HazardAssign, Handler: s.assignHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/fix", Perm: rbac.HazardFix, Handler: s.fixHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/accept", Perm: rbac.HazardAccept, Handler: s.acceptHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/reject", Perm: rbac.HazardAccept, Handler: s.rejectHazard},
		{Method: http.MethodGet, Path: "/api/v1/hazard-export", Perm: rbac.HazardExport, Handler: s.exportHazards},

		{Method: http.MethodGet, Path: "/api/v1/regulator/hazards", Perm: rbac.RegHazardView, Handler: s.regulatorHazards},
		{Method: http.MethodGet, Path: "/api/v1/regulator/hazards/:id", Perm: rbac.RegHazardView, Handler: s.regulatorHazard},
	}
}

func hazardActor(c echo.Context) hazard.Actor {
	p := principal(c)
	return hazard.Actor{ID: p.UserID, Name: p.DisplayName, Actor: actor(c)}
}

// MySlots is what 隐患管理 → 隐患排查 shows a post user.
type MySlots struct {
	PostName       string            `json:"post_name"`
	DepartmentName string            `json:"department_name"`
	ServerTime     time.Time         `json:"server_time" format:"date-time"`
	Slots          []inspection.Slot `json:"slots"`
	Reason         string            `json:"reason"`
} // @name MyInspections

// mySlots godoc
//
//	@Summary		我的排查任务
//	@Description	岗位用户本岗位的每个在用清单在当前上报周期的状态：未开始（not_started）、草稿（draft）、已提交（submitted），以及周期、截止时间和剩余秒数（按服务器时间，Asia/Shanghai），上一周期是已提交还是错过（missed）。没有清单时 reason 说明原因（FAQ 9）。
//	@Tags			隐患排查
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	MySlots
//	@Router			/api/v1/my/inspections [get]
func (s *Server) mySlots(c echo.Context) error {
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
//	@Success		200	{object}	inspection.Detail
//	@Failure		404	{object}	ErrorBody	"checklist_not_found"
//	@Failure		409	{object}	ErrorBody	"checklist_empty"
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
//	@Param			from			query		string	false	"周期结束不早于 YYYY-MM-DD"
//	@Param			to				query		string	false	"周期结束不晚于 YYYY-MM-DD"
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
//	@Description	保存部分或全部项目的结果：合格（ok）；隐患（hazard，须填描述、选本企业的隐患等级，可填位置、上传照片、注明是否当场整改）；不涉及（na，须说明原因）。只能在周期进行中保存；周期结束后返回 410 period_closed（不可以补录）。
//	@Tags			隐患排查
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"排查ID"
//	@Param			body	body		AnswersRequest	true	"结果"
//	@Success		200		{object}	inspection.Detail
//	@Failure		400		{object}	ErrorBody	"answer_invalid | hazard_grade_unknown | photo_invalid"
//	@Failure		404		{object}	ErrorBody	"inspection_not_found"
//	@Failure		409		{object}	ErrorBody	"inspection_submitted"
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
//	@Description	保存随附的结果并提交；所有项目都须有结果。每个“隐患”项目登记为一条隐患（等级按本企业方案对应一般或重大；重大隐患判定条目一律为重大隐患，并立即报送属地监管部门）；当场整改的直接销号。已提交的再次提交返回原结果（幂等），两人同时提交也只产生一次提交。周期结束后返回 410 period_closed。
//	@Tags			隐患排查
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"排查ID"
//	@Param			body	body		AnswersRequest	false	"最后修改的结果"
//	@Success		200		{object}	inspection.Detail
//	@Failure		400		{object}	ErrorBody	"inspection_incomplete | answer_invalid"
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

// usage godoc
//
//	@Summary		系统使用率
//	@Description	本企业某半月的系统使用率（FAQ 4）：每月统计两次（1—15日、16日—月末），每半月从零开始；应报周期为该半月内结束的各清单周期，使用率 = 按时提交数 ÷ 应报数。清单在某周期中途建立时，该周期仅在已提交时计入；停用的清单和停用岗位的清单不计；进行中的半月只计已结束或已提交的周期。date 为该半月内任一天，默认今天。
//	@Tags			隐患排查
//	@Produce		json
//	@Security		BearerAuth
//	@Param			date	query		string	false	"日期 YYYY-MM-DD"
//	@Success		200		{object}	inspection.Usage
//	@Router			/api/v1/usage [get]
func (s *Server) usage(c echo.Context) error {
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
	u, err := s.inspections.Usage(c.Request().Context(), ent, at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// uploadImage godoc
//
//	@Summary		上传照片
//	@Description	上传一张照片（JPG、PNG、WebP，不超过 8 MB，按内容识别类型），返回的 id 用于排查结果、隐患登记、整改和验收的 photo_ids；3 天内未被任何记录使用的上传会被定时清理。
//	@Tags			文件
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file	formData	file	true	"图片"
//	@Success		201		{object}	files.File
//	@Failure		413		{object}	ErrorBody	"image_too_large"
//	@Failure		415		{object}	ErrorBody	"image_type_not_allowed"
//	@Failure		429		{object}	ErrorBody	"upload_quota_exceeded（本企业当天上传总量达到 YQYB_UPLOAD_DAILY_QUOTA）"
//	@Router			/api/v1/files [post]
func (s *Server) uploadImage(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	f, name, err := formFile(c)
	if err != nil {
		return err
	}
	defer f.Close()
	out, err := s.files.UploadImage(c.Request().Context(), principal(c).UserID, ent, "photo", name, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// downloadFile godoc
//
//	@Summary		查看照片
//	@Tags			文件
//	@Produce		image/jpeg
//	@Security		BearerAuth
//	@Param			id	path	int	true	"文件ID"
//	@Success		200	{file}	file
//	@Failure		404	{object}	ErrorBody	"file_not_found"
//	@Router			/api/v1/files/{id} [get]
func (s *Server) downloadFile(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	f, rc, err := s.files.Open(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	c.Response().Header().Set("Cache-Control", "private, max-age=86400")
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.Stream(http.StatusOK, f.ContentType, rc)
}

// hazardFilter reads the ledger's filters.
func hazardFilter(c echo.Context) (hazard.Filter, error) {
	f := hazard.Filter{GradeCode: c.QueryParam("grade_code"), PeriodKey: c.QueryParam("period_key"), Keyword: c.QueryParam("q")}
	var err error
	if f.LegalLevel, err = queryEnum(c, "legal_level", "管理级别", "general", "major"); err != nil {
		return f, err
	}
	if f.Status, err = queryEnum(c, "status", "状态", hazard.Registered, hazard.Rectifying, hazard.PendingAcceptance, hazard.Closed); err != nil {
		return f, err
	}
	if f.Source, err = queryEnum(c, "source", "来源", "inspection", "report"); err != nil {
		return f, err
	}
	if f.DepartmentID, err = queryID(c, "department_id", "部门"); err != nil {
		return f, err
	}
	if f.PostID, err = queryID(c, "post_id", "岗位"); err != nil {
		return f, err
	}
	if v, err := queryEnum(c, "overdue", "是否逾期", "true", "false"); err != nil {
		return f, err
	} else if v != "" {
		b := v == "true"
		f.Overdue = &b
	}
	if v, err := queryEnum(c, "open", "未销号", "true", "false"); err != nil {
		return f, err
	} else {
		f.Open = v == "true"
	}
	if f.From, err = queryDate(c, "from", "起始日期", false); err != nil {
		return f, err
	}
	f.To, err = queryDate(c, "to", "截止日期", true)
	return f, err
}

// listHazards godoc
//
//	@Summary		隐患台账
//	@Description	本企业的隐患台账，可按隐患等级、管理级别（一般/重大）、状态、部门、岗位、周期、是否逾期、来源、发现日期和关键字筛选。逾期：整改期限已过而未销号。
//	@Tags			隐患治理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			grade_code		query		string	false	"隐患等级"
//	@Param			legal_level		query		string	false	"管理级别"	Enums(general, major)
//	@Param			status			query		string	false	"状态"		Enums(registered, rectifying, pending_acceptance, closed)
//	@Param			open			query		bool	false	"只看未销号"
//	@Param			overdue			query		bool	false	"是否逾期"
//	@Param			source			query		string	false	"来源"	Enums(inspection, report)
//	@Param			department_id	query		int		false	"部门"
//	@Param			post_id			query		int		false	"岗位"
//	@Param			period_key		query		string	false	"排查周期"
//	@Param			from			query		string	false	"发现日期起 YYYY-MM-DD"
//	@Param			to				query		string	false	"发现日期止 YYYY-MM-DD"
//	@Param			q				query		string	false	"关键字"
//	@Param			page			query		int		false	"页码"
//	@Param			page_size		query		int		false	"每页条数"
//	@Param			sort			query		string	false	"排序：found_at、deadline、code、status、legal_level、id"
//	@Success		200				{object}	HazardPage
//	@Router			/api/v1/hazards [get]
func (s *Server) listHazards(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := hazard.Spec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f, err := hazardFilter(c)
	if err != nil {
		return err
	}
	page, err := s.hazards.List(c.Request().Context(), ent, f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// reportHazard godoc
//
//	@Summary		登记隐患
//	@Description	登记排查以外发现的隐患（如员工报告）。等级对应一般或重大隐患；重大隐患立即报送属地监管部门，企业不能隐藏或删除。fixed_on_spot=true 时登记并销号，须附整改情况和整改后照片。
//	@Tags			隐患治理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		hazard.ReportInput	true	"隐患"
//	@Success		201		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"hazard_grade_unknown | spot_fix_evidence_required | photo_invalid"
//	@Router			/api/v1/hazards [post]
func (s *Server) reportHazard(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in hazard.ReportInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.hazards.Report(c.Request().Context(), hazardActor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

// getHazard godoc
//
//	@Summary		隐患详情
//	@Description	隐患及其全过程记录（登记、整改安排、提交整改、验收或退回、销号：谁、何时、说明、照片）。
//	@Tags			隐患治理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"隐患ID"
//	@Success		200	{object}	hazard.Detail
//	@Failure		404	{object}	ErrorBody	"hazard_not_found"
//	@Router			/api/v1/hazards/{id} [get]
func (s *Server) getHazard(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	d, err := s.hazards.Get(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// assignHazard godoc
//
//	@Summary		安排整改
//	@Description	为待整改（或整改中）的隐患指定整改责任人、整改措施、资金和期限，状态变为整改中。重大隐患还须提交治理方案（目标和任务、方法和措施、经费和物资、负责治理的机构和人员、时限和要求、安全措施和应急预案）。
//	@Tags			隐患治理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int					true	"隐患ID"
//	@Param			body	body		hazard.AssignInput	true	"整改安排"
//	@Success		200		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"major_plan_required | deadline_in_past | responsible_invalid"
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed"
//	@Router			/api/v1/hazards/{id}/assign [post]
func (s *Server) assignHazard(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in hazard.AssignInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.hazards.Assign(c.Request().Context(), hazardActor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// fixHazard godoc
//
//	@Summary		提交整改
//	@Description	整改完成后提交整改情况和整改后照片，状态变为待验收。
//	@Tags			隐患治理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"隐患ID"
//	@Param			body	body		hazard.EvidenceInput	true	"整改情况"
//	@Success		200		{object}	hazard.Detail
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed"
//	@Router			/api/v1/hazards/{id}/fix [post]
func (s *Server) fixHazard(c echo.Context) error {
	return s.evidence(c, s.hazards.SubmitFix)
}

// acceptHazard godoc
//
//	@Summary		验收销号
//	@Description	验收通过即销号；验收人不能是整改人（acceptor_is_fixer）。
//	@Tags			隐患治理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"隐患ID"
//	@Param			body	body		hazard.EvidenceInput	true	"验收意见"
//	@Success		200		{object}	hazard.Detail
//	@Failure		403		{object}	ErrorBody	"acceptor_is_fixer"
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed"
//	@Router			/api/v1/hazards/{id}/accept [post]
func (s *Server) acceptHazard(c echo.Context) error {
	return s.evidence(c, s.hazards.Accept)
}

// rejectHazard godoc
//
//	@Summary		验收退回
//	@Description	验收不通过，退回继续整改；退回人不能是整改人。
//	@Tags			隐患治理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"隐患ID"
//	@Param			body	body		hazard.EvidenceInput	true	"退回原因"
//	@Success		200		{object}	hazard.Detail
//	@Failure		403		{object}	ErrorBody	"acceptor_is_fixer"
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed"
//	@Router			/api/v1/hazards/{id}/reject [post]
func (s *Server) rejectHazard(c echo.Context) error {
	return s.evidence(c, s.hazards.Reject)
}

func (s *Server) evidence(c echo.Context, step func(ctx context.Context, a hazard.Actor, ent, id int64, in hazard.EvidenceInput) (hazard.Detail, error)) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in hazard.EvidenceInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := step(c.Request().Context(), hazardActor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// exportHazards godoc
//
//	@Summary		导出隐患台账
//	@Description	按与台账相同的筛选条件导出 Excel（最多 50000 条）。
//	@Tags			隐患治理
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			legal_level	query	string	false	"管理级别"	Enums(general, major)
//	@Param			status		query	string	false	"状态"
//	@Param			overdue		query	bool	false	"是否逾期"
//	@Param			q			query	string	false	"关键字"
//	@Success		200			{file}	file
//	@Router			/api/v1/hazard-export [get]
func (s *Server) exportHazards(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	f, err := hazardFilter(c)
	if err != nil {
		return err
	}
	b, err := s.hazards.Export(c.Request().Context(), ent, f)
	if err != nil {
		return err
	}
	return attachment(c, enterprise.FileName("隐患台账", s.deps.Clock.Now().In(clock.Business)), xlsxType, bytes.NewReader(b))
}

// regulatorHazards godoc
//
//	@Summary		辖区隐患
//	@Description	辖区内企业的隐患；默认只列重大隐患（登记即报送），legal_level=general 可查一般隐患。enterprise_id 限定某企业。其他区域的企业不会出现。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			enterprise_id	query		int		false	"企业"
//	@Param			legal_level		query		string	false	"管理级别，默认 major"	Enums(general, major)
//	@Param			status			query		string	false	"状态"
//	@Param			open			query		bool	false	"只看未销号"
//	@Param			overdue			query		bool	false	"是否逾期"
//	@Param			q				query		string	false	"关键字"
//	@Param			page			query		int		false	"页码"
//	@Param			page_size		query		int		false	"每页条数"
//	@Success		200				{object}	HazardPage
//	@Router			/api/v1/regulator/hazards [get]
func (s *Server) regulatorHazards(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	q, err := hazard.Spec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f, err := hazardFilter(c)
	if err != nil {
		return err
	}
	if f.LegalLevel == "" {
		f.LegalLevel = "major"
	}
	ent, err := queryID(c, "enterprise_id", "企业")
	if err != nil {
		return err
	}
	page, err := s.hazards.ListInRegion(c.Request().Context(), path, ent, f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// regulatorHazard godoc
//
//	@Summary		辖区隐患详情
//	@Description	辖区内企业的一条隐患及其治理方案和全过程记录。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"隐患ID"
//	@Success		200	{object}	hazard.Detail
//	@Failure		404	{object}	ErrorBody	"hazard_not_found"
//	@Router			/api/v1/regulator/hazards/{id} [get]
func (s *Server) regulatorHazard(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	d, err := s.hazards.GetInRegion(c.Request().Context(), path, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
