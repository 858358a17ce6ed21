package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/enterprise"
	"yqyb/internal/hazard"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
)

func (s *Server) hazardRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/hazards", Perm: rbac.HazardLedger, Handler: s.listHazards},
		{Method: http.MethodPost, Path: "/api/v1/hazards", Perm: rbac.HazardRegister, Idempotent: true, Handler: s.reportHazard},
		{Method: http.MethodGet, Path: "/api/v1/hazards/:id", Perm: rbac.HazardLedger, Handler: s.getHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/assign", Perm: rbac.HazardAssign, Idempotent: true, Handler: s.assignHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/fix", Perm: rbac.HazardFix, Idempotent: true, Handler: s.fixHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/accept", Perm: rbac.HazardAccept, Idempotent: true, Handler: s.acceptHazard},
		{Method: http.MethodPost, Path: "/api/v1/hazards/:id/reject", Perm: rbac.HazardAccept, Idempotent: true, Handler: s.rejectHazard},
		{Method: http.MethodGet, Path: "/api/v1/hazard-export", Perm: rbac.HazardExport, Handler: s.exportHazards},
		{Method: http.MethodGet, Path: "/api/v1/regulator/hazards", Perm: rbac.RegHazardView, Handler: s.listRegulatorHazards},
		{Method: http.MethodGet, Path: "/api/v1/regulator/hazards/:id", Perm: rbac.RegHazardView, Handler: s.getRegulatorHazard},
		{Method: http.MethodPost, Path: "/api/v1/regulator/hazards/:id/supervise", Perm: rbac.RegSupervise, Handler: s.superviseHazard},
		{Method: http.MethodPost, Path: "/api/v1/regulator/hazards/:id/lift-supervision", Perm: rbac.RegSupervise, Handler: s.liftSupervision},
	}
}

func hazardActor(c echo.Context) hazard.Actor {
	p := principal(c)
	return hazard.Actor{ID: p.UserID, Name: p.DisplayName, Actor: actor(c)}
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
//	@Param			from			query		string	false	"发现日期起 YYYY-MM-DD"	format(date)
//	@Param			to				query		string	false	"发现日期止 YYYY-MM-DD"	format(date)
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
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		201		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"hazard_grade_unknown | spot_fix_evidence_required | photo_invalid | idempotency_key_invalid"
//	@Failure		409		{object}	ErrorBody	"idempotency_in_progress | idempotency_key_reused"
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
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		200		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"major_plan_required | deadline_in_past | responsible_invalid | idempotency_key_invalid"
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed | idempotency_in_progress | idempotency_key_reused"
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
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		200		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"idempotency_key_invalid"
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed | idempotency_in_progress | idempotency_key_reused"
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
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		200		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"idempotency_key_invalid"
//	@Failure		403		{object}	ErrorBody	"acceptor_is_fixer"
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed | idempotency_in_progress | idempotency_key_reused"
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
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		200		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"idempotency_key_invalid"
//	@Failure		403		{object}	ErrorBody	"acceptor_is_fixer"
//	@Failure		409		{object}	ErrorBody	"hazard_transition_not_allowed | idempotency_in_progress | idempotency_key_reused"
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

// listRegulatorHazards godoc
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
func (s *Server) listRegulatorHazards(c echo.Context) error {
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

// getRegulatorHazard godoc
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
func (s *Server) getRegulatorHazard(c echo.Context) error {
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

// superviseHazard godoc
//
//	@Summary		督办重大隐患
//	@Description	监管部门对辖区内未销号的重大隐患挂牌督办：督办期限和督办意见。企业在隐患详情和首页看到督办；隐患时间线和变更流记录此事。每条隐患同时只有一个有效督办。督办期限早于企业的整改期限时仍予督办，但在 warnings 中提示（supervision_before_rectification）。
//	@Tags			监管
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"隐患ID"
//	@Param			body	body		hazard.SuperviseInput	true	"督办"
//	@Success		200		{object}	hazard.Supervised
//	@Failure		400		{object}	ErrorBody	"validation_failed, deadline_in_past"
//	@Failure		404		{object}	ErrorBody	"hazard_not_found"
//	@Failure		409		{object}	ErrorBody	"supervision_major_only, already_supervised"
//	@Router			/api/v1/regulator/hazards/{id}/supervise [post]
func (s *Server) superviseHazard(c echo.Context) error {
	p := principal(c)
	if p.RegionPath == "" {
		return errNoRegion
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in hazard.SuperviseInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.hazards.Supervise(c.Request().Context(), hazardActor(c), p.RegionID, p.RegionPath, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// liftSupervision godoc
//
//	@Summary		解除督办
//	@Tags			监管
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int					true	"隐患ID"
//	@Param			body	body		hazard.LiftInput	true	"解除说明"
//	@Success		200		{object}	hazard.Detail
//	@Failure		404		{object}	ErrorBody	"hazard_not_found, supervision_not_found"
//	@Router			/api/v1/regulator/hazards/{id}/lift-supervision [post]
func (s *Server) liftSupervision(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in hazard.LiftInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.hazards.Lift(c.Request().Context(), hazardActor(c), path, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
