package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"yqyb/internal/enterprise"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
)

func (s *Server) enterpriseRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises", Perm: rbac.RegEnterpriseView, Handler: s.listRegulatorEnterprises},
		{Method: http.MethodPost, Path: "/api/v1/regulator/enterprises", Perm: rbac.RegEnterpriseCreate, Handler: s.registerEnterprise},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises/:id", Perm: rbac.RegEnterpriseView, Handler: s.getRegulatorEnterprise},
		{Method: http.MethodPost, Path: "/api/v1/regulator/enterprises/:id/reset-password", Perm: rbac.RegEnterpriseReset, Handler: s.resetEnterprisePassword},
		{Method: http.MethodPost, Path: "/api/v1/regulator/enterprises/:id/reissue-initial-password", Perm: rbac.RegEnterpriseReset, Handler: s.reissueInitialPassword},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprise-import/template", Perm: rbac.RegEnterpriseImport, Handler: s.downloadEnterpriseImportTemplate},
		{Method: http.MethodPost, Path: "/api/v1/regulator/enterprise-import", Perm: rbac.RegEnterpriseImport, Handler: s.importEnterprises},
		// The passwords themselves: people only, never an API key (an enterprises:write key registers and imports).
		{Method: http.MethodGet, Path: "/api/v1/regulator/initial-passwords", Perm: rbac.RegEnterpriseCreate, PeopleOnly: true, Handler: s.listInitialPasswords},
	}
}

// listRegulatorEnterprises godoc
//
//	@Summary		辖区企业
//	@Description	监管账号所属区域及其下级区域内的企业，含各企业的初始化状态、信息完备率和初始密码状态（initial_password：unused 仍有未修改且未过期的初始密码，expired 初始密码未修改但已过期、须重新下发，changed 两个账号都已修改），可按关键字（企业名称、信用代码）、下级区域和初始密码状态筛选；其他区域的企业不会出现。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q					query		string	false	"关键字"
//	@Param			region_id			query		int		false	"下级区域"
//	@Param			initial_password	query		string	false	"初始密码状态"	Enums(unused, expired, changed)
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：name、credit_code、created_at、id"
//	@Success		200			{object}	EnterprisePage
//	@Router			/api/v1/regulator/enterprises [get]
func (s *Server) listRegulatorEnterprises(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	q, err := org.EnterpriseSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f := enterprise.ListFilter{Keyword: c.QueryParam("q")}
	if f.RegionID, err = queryID(c, "region_id", "区域"); err != nil {
		return err
	}
	if f.InitialPassword, err = queryEnum(c, "initial_password", "初始密码状态", enterprise.InitialStatuses...); err != nil {
		return err
	}
	page, err := s.enterprises.List(c.Request().Context(), path, f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// reissueInitialPassword godoc
//
//	@Summary		重新下发初始密码
//	@Description	企业账号的初始密码（FAQ 23 公式）自下发起 YQYB_INITIAL_PASSWORD_TTL（默认 30 天）内有效，过期未修改即失效。本接口为辖区内企业仍在使用初始密码的账号（未修改过密码的企业管理账号和/或企业用户账号，无论是否过期）重新下发初始密码：按企业当前信息重新计算，从现在起再有效一个周期，首次登录须修改；这些账号的登录会话结束、锁定解除。已修改过密码的账号不受影响；两个账号都已修改时返回 409 initial_password_changed（忘记密码请用重置密码）。其他区域的企业返回 404。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"企业ID"
//	@Success		200	{object}	enterprise.Reissued
//	@Failure		404	{object}	ErrorBody	"enterprise_not_found"
//	@Failure		409	{object}	ErrorBody	"initial_password_changed"
//	@Router			/api/v1/regulator/enterprises/{id}/reissue-initial-password [post]
func (s *Server) reissueInitialPassword(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := s.enterprises.ReissueInitialPassword(c.Request().Context(), actor(c), path, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// ResetEnterpriseRequest names which account of an enterprise to reset.
type ResetEnterpriseRequest struct {
	Account string `json:"account" label:"账号" validate:"required,oneof=enterprise_admin enterprise_user" enums:"enterprise_admin,enterprise_user"`
} // @name ResetEnterpriseRequest

// resetEnterprisePassword godoc
//
//	@Summary		重置企业账号密码
//	@Description	为辖区内企业的企业管理账号（enterprise_admin，个人用户登录）或企业用户账号（enterprise_user，企业用户登录）生成临时密码，只显示这一次；企业下次登录须修改。其他区域的企业返回 404。
//	@Tags			监管
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"企业ID"
//	@Param			body	body		ResetEnterpriseRequest	true	"账号"
//	@Success		200		{object}	TemporaryPassword
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found | user_not_found"
//	@Router			/api/v1/regulator/enterprises/{id}/reset-password [post]
func (s *Server) resetEnterprisePassword(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in ResetEnterpriseRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	login, pw, err := s.enterprises.ResetPassword(c.Request().Context(), actor(c), path, id, in.Account)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, TemporaryPassword{LoginName: login, TemporaryPassword: pw})
}

// registerEnterprise godoc
//
//	@Summary		登记企业
//	@Description	在本辖区登记企业：名称唯一且不能与任何岗位账号、监管账号同名；统一社会信用代码按 GB 32100-2015 校验且唯一；法定代表人手机号须为大陆手机号；区域须在本辖区内。同时创建企业管理账号（个人用户登录，用户名为企业名称）和企业用户账号（企业用户登录，企业名称或信用代码），初始密码为企业名称前五个字拼音首字母大写 + 信用代码后6位 + 法人手机后4位（FAQ 23），只在此返回一次（账号未改密前也可导出），首次登录必须修改。
//	@Tags			监管
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		enterprise.Input	true	"企业信息"
//	@Success		201		{object}	enterprise.Registered
//	@Failure		400		{object}	ErrorBody	"validation_failed | main_business_not_found"
//	@Failure		403		{object}	ErrorBody	"region_outside_jurisdiction"
//	@Failure		409		{object}	ErrorBody	"enterprise_name_taken | credit_code_taken"
//	@Router			/api/v1/regulator/enterprises [post]
func (s *Server) registerEnterprise(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	var in enterprise.Input
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := s.enterprises.Register(c.Request().Context(), actor(c), path, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// getRegulatorEnterprise godoc
//
//	@Summary		辖区企业详情
//	@Description	企业基础信息、初始化步骤与信息完备率、企业账号状态（是否已改初始密码、最后登录）。其他区域的企业返回 404。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"企业ID"
//	@Success		200	{object}	enterprise.Detail
//	@Failure		404	{object}	ErrorBody	"enterprise_not_found"
//	@Router			/api/v1/regulator/enterprises/{id} [get]
func (s *Server) getRegulatorEnterprise(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	d, err := s.enterprises.Get(c.Request().Context(), path, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// downloadEnterpriseImportTemplate godoc
//
//	@Summary		企业导入模板
//	@Description	下载企业批量登记的 Excel 模板，所属区域、行业门类、主营业务、企业规模列带下拉选项（区域限本辖区）。
//	@Tags			监管
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Success		200	{file}	file
//	@Router			/api/v1/regulator/enterprise-import/template [get]
func (s *Server) downloadEnterpriseImportTemplate(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	b, err := s.enterprises.Template(c.Request().Context(), path)
	if err != nil {
		return err
	}
	return attachment(c, "企业登记导入模板.xlsx", xlsxType, bytes.NewReader(b))
}

// importEnterprises godoc
//
//	@Summary		批量登记企业
//	@Description	上传按模板填写的 Excel（不超过 10 MB、2000 行，单元格不超过 200 字、全文不超过 100 万字，超出时分别返回 cell_too_long、sheet_too_much_text）。先逐行校验，任一行有错即整体不导入，返回 import_rejected，details.errors 逐条列出行号、列名和中文原因；全部无误时在一个事务内登记并返回各企业的初始账号和密码。公式单元格、非 xlsx 文件、解压后异常巨大的文件一律拒绝。每个实例同时最多进行两个导入，再有导入时等待至多 10 秒，仍无空位则返回 429 import_busy（带 Retry-After）。
//	@Tags			监管
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file	formData	file	true	"Excel 文件"
//	@Success		201		{object}	enterprise.ImportResult
//	@Failure		400		{object}	ErrorBody	"import_rejected | sheet_bad_header | sheet_empty | sheet_too_many_rows | cell_too_long | sheet_too_much_text"
//	@Failure		413		{object}	ErrorBody	"sheet_too_large"
//	@Failure		415		{object}	ErrorBody	"not_xlsx"
//	@Failure		429		{object}	ErrorBody	"import_busy"
//	@Router			/api/v1/regulator/enterprise-import [post]
func (s *Server) importEnterprises(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	f, _, err := formFile(c)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.enterprises.Import(c.Request().Context(), actor(c), path, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// listInitialPasswords godoc
//
//	@Summary		导出初始密码
//	@Description	导出本辖区内仍在使用初始密码（尚未首次修改）的企业账号及其初始密码（按公式重新计算，系统不保存明文）；ids 可限定企业（逗号分隔）。
//	@Tags			监管
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			ids	query	string	false	"企业ID，逗号分隔"
//	@Success		200	{file}	file
//	@Router			/api/v1/regulator/initial-passwords [get]
func (s *Server) listInitialPasswords(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	var ids []int64
	if raw := c.QueryParam("ids"); raw != "" {
		for _, p := range strings.Split(raw, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
			if err != nil || id <= 0 {
				return apperr.Validation(apperr.FieldError{Field: "ids", Message: "企业ID应为逗号分隔的正整数"})
			}
			ids = append(ids, id)
		}
	}
	b, err := s.enterprises.InitialPasswords(c.Request().Context(), actor(c), path, ids)
	if err != nil {
		return err
	}
	return attachment(c, enterprise.FileName("企业初始密码", s.deps.Clock.Now().In(clock.Business)), xlsxType, bytes.NewReader(b))
}

func (s *Server) enterpriseInRegion(c echo.Context) (org.Enterprise, error) {
	path, err := regionPathOf(c)
	if err != nil {
		return org.Enterprise{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return org.Enterprise{}, err
	}
	return s.org.EnterpriseInRegion(c.Request().Context(), path, id)
}
