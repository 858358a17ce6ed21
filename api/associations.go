package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/association"
	"yqyb/internal/rbac"
	"yqyb/internal/stats"
)

func (s *Server) associationRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/associations", Perm: rbac.AssocView, Handler: s.listAssociations},
		{Method: http.MethodGet, Path: "/api/v1/associations/candidates", Perm: rbac.AssocApply, Handler: s.listAssociationCandidates},
		{Method: http.MethodPost, Path: "/api/v1/associations", Perm: rbac.AssocApply, Handler: s.applyAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/approve", Perm: rbac.AssocDecide, Handler: s.approveAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/reject", Perm: rbac.AssocDecide, Handler: s.rejectAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/withdraw", Perm: rbac.AssocApply, Handler: s.withdrawAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/dissolve", Perm: rbac.AssocDissolve, Handler: s.dissolveAssociation},
		{Method: http.MethodGet, Path: "/api/v1/group/members", Perm: rbac.GroupView, Handler: s.listGroupMembers},
	}
}

// listAssociations godoc
//
//	@Summary		关联申请
//	@Description	本企业发出（outgoing）和收到（incoming）的全部关联申请及其状态。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	association.View
//	@Router			/api/v1/associations [get]
func (s *Server) listAssociations(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.associations.List(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// listAssociationCandidates godoc
//
//	@Summary		备选关联企业
//	@Description	可申请关联的企业名单（FAQ 21）：不含本企业，也不含已与本企业关联或申请待审批的企业。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q			query		string	false	"企业名称关键字"
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Success		200			{object}	CandidatePage
//	@Router			/api/v1/associations/candidates [get]
func (s *Server) listAssociationCandidates(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := association.CandidateSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	page, err := s.associations.Candidates(c.Request().Context(), ent, c.QueryParam("q"), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// ApplyRequest applies for an association.
type ApplyRequest struct {
	TargetID int64  `json:"target_id" label:"关联企业" validate:"required,gt=0"`
	Note     string `json:"note,omitempty" label:"申请说明" validate:"max=200"`
} // @name ApplyAssociationRequest

// applyAssociation godoc
//
//	@Summary		申请关联
//	@Tags			申请关联
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		ApplyRequest	true	"申请"
//	@Success		201		{object}	association.View
//	@Failure		400		{object}	ErrorBody	"association_self"
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found"
//	@Failure		409		{object}	ErrorBody	"association_exists"
//	@Router			/api/v1/associations [post]
func (s *Server) applyAssociation(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in ApplyRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	v, err := s.associations.Apply(c.Request().Context(), actor(c), ent, in.TargetID, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// DecisionRequest carries an optional reply.
type DecisionRequest struct {
	Reply string `json:"reply,omitempty" label:"回复" validate:"max=200"`
} // @name AssociationDecision

// approveAssociation godoc
//
//	@Summary		同意关联申请
//	@Tags			申请关联
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"申请ID"
//	@Param			body	body		DecisionRequest	false	"回复"
//	@Success		200		{object}	association.View
//	@Failure		403		{object}	ErrorBody	"association_not_yours"
//	@Failure		409		{object}	ErrorBody	"association_not_pending"
//	@Router			/api/v1/associations/{id}/approve [post]
func (s *Server) approveAssociation(c echo.Context) error { return s.decideAssociation(c, true) }

// rejectAssociation godoc
//
//	@Summary		拒绝关联申请
//	@Tags			申请关联
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"申请ID"
//	@Param			body	body		DecisionRequest	false	"回复"
//	@Success		200		{object}	association.View
//	@Failure		403		{object}	ErrorBody	"association_not_yours"
//	@Failure		409		{object}	ErrorBody	"association_not_pending"
//	@Router			/api/v1/associations/{id}/reject [post]
func (s *Server) rejectAssociation(c echo.Context) error { return s.decideAssociation(c, false) }

func (s *Server) decideAssociation(c echo.Context, approve bool) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in DecisionRequest
	if c.Request().ContentLength > 0 {
		if err := bind(c, &in); err != nil {
			return err
		}
	}
	v, err := s.associations.Decide(c.Request().Context(), actor(c), ent, id, approve, in.Reply)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// withdrawAssociation godoc
//
//	@Summary		撤回关联申请
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"申请ID"
//	@Success		200	{object}	association.View
//	@Failure		403	{object}	ErrorBody	"association_not_yours"
//	@Failure		409	{object}	ErrorBody	"association_not_pending"
//	@Router			/api/v1/associations/{id}/withdraw [post]
func (s *Server) withdrawAssociation(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	v, err := s.associations.Withdraw(c.Request().Context(), actor(c), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// dissolveAssociation godoc
//
//	@Summary		解除关联
//	@Description	已生效的关联，任何一方都可以解除。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"申请ID"
//	@Success		200	{object}	association.View
//	@Failure		409	{object}	ErrorBody	"association_not_approved"
//	@Router			/api/v1/associations/{id}/dissolve [post]
func (s *Server) dissolveAssociation(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	v, err := s.associations.Dissolve(c.Request().Context(), actor(c), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// listGroupMembers godoc
//
//	@Summary		关联企业（集团视图）
//	@Description	已同意关联到本企业的成员企业及其只读概况：初始化情况、信息完备率，以及最近一次统计刷新（每 5 分钟）时的当前半月系统使用率、未关闭隐患和逾期隐患（stats 为 null 表示尚未统计）。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	GroupMemberView
//	@Router			/api/v1/group/members [get]
func (s *Server) listGroupMembers(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	members, err := s.associations.Members(ctx, ent)
	if err != nil {
		return err
	}
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	cur, err := s.stats.CurrentOf(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]GroupMemberView, len(members))
	for i, m := range members {
		out[i].Member = m
		if v, ok := cur[m.ID]; ok {
			out[i].Stats = &v
		}
	}
	return c.JSON(http.StatusOK, out)
}

// GroupMemberView is a member enterprise with its current figures.
type GroupMemberView struct {
	association.Member
	Stats *stats.Current `json:"stats" extensions:"x-nullable"`
} // @name GroupMemberView
