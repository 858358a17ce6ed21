// Package audit keeps the audit log: who did what, when, to what, with the state before and after. Logins,
// failed logins, lockouts, password changes and resets, and every change of users, roles and grants are
// recorded in the same transaction as the change itself, so the log cannot miss an event that happened.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/listq"
)

// Actions recorded in the log, with the Chinese label the SPA shows.
const (
	Login          = "login"
	LoginFailed    = "login_failed"
	Lockout        = "lockout"
	Logout         = "logout"
	PasswordChange = "password_change"
	PasswordReset  = "password_reset"
	RefreshReuse   = "refresh_reuse"
	UserCreate     = "user_create"
	UserUpdate     = "user_update"
	UserDisable    = "user_disable"
	UserEnable     = "user_enable"
	UserDelete     = "user_delete"
	UserGrant      = "user_grant"
	UserRoles      = "user_roles"
	RoleCreate     = "role_create"
	RoleUpdate     = "role_update"
	RoleDelete     = "role_delete"
	RoleGrant      = "role_grant"
	RoleUsers      = "role_users"

	DeptCreate         = "dept_create"
	DeptUpdate         = "dept_update"
	DeptDelete         = "dept_delete"
	PostCreate         = "post_create"
	PostUpdate         = "post_update"
	PostDisable        = "post_disable"
	PostEnable         = "post_enable"
	PostDelete         = "post_delete"
	PostDocUpload      = "post_doc_upload"
	EnterpriseRegister = "enterprise_register"
	EnterpriseUpdate   = "enterprise_update"
	AssocApply         = "assoc_apply"
	AssocApprove       = "assoc_approve"
	AssocReject        = "assoc_reject"
	AssocWithdraw      = "assoc_withdraw"
	AssocDissolve      = "assoc_dissolve"
	StandardCreate     = "standard_create"
	StandardEdit       = "standard_edit"
	StandardImport     = "standard_import"
	GradeEdit          = "grade_edit"
	ChecklistCreate    = "checklist_create"
	ChecklistUpdate    = "checklist_update"
	ChecklistDelete    = "checklist_delete"
	ReportSign         = "report_sign"
	HazardSupervise    = "hazard_supervise"
	HazardLift         = "hazard_lift_supervision"

	TemplateEdit          = "template_edit"
	RegionCreate          = "region_create"
	RegionUpdate          = "region_update"
	RegionDelete          = "region_delete"
	InitialPasswordExport = "initial_password_export"

	APIKeyCreate     = "api_key_create"
	APIKeyRevoke     = "api_key_revoke"
	APIKeyUse        = "api_key_use"
	WebhookCreate    = "webhook_create"
	WebhookUpdate    = "webhook_update"
	WebhookDelete    = "webhook_delete"
	WebhookRedeliver = "webhook_redeliver"
)

// Labels names each action in Chinese.
var Labels = map[string]string{
	Login: "登录", LoginFailed: "登录失败", Lockout: "账号锁定", Logout: "退出登录",
	PasswordChange: "修改密码", PasswordReset: "重置密码", RefreshReuse: "刷新令牌被重复使用（会话已吊销）",
	UserCreate: "新建用户", UserUpdate: "修改用户", UserDisable: "停用用户", UserEnable: "启用用户", UserDelete: "删除用户",
	UserGrant: "用户授权", UserRoles: "设置用户角色",
	RoleCreate: "新建角色", RoleUpdate: "修改角色", RoleDelete: "删除角色", RoleGrant: "角色授权", RoleUsers: "角色分配用户",
	DeptCreate: "新建部门", DeptUpdate: "修改部门", DeptDelete: "删除部门",
	PostCreate: "新建岗位", PostUpdate: "修改岗位", PostDisable: "停用岗位", PostEnable: "启用岗位", PostDelete: "删除岗位",
	PostDocUpload: "上传岗位责任制", EnterpriseRegister: "登记企业", EnterpriseUpdate: "修改企业信息",
	AssocApply: "申请关联", AssocApprove: "同意关联", AssocReject: "拒绝关联", AssocWithdraw: "撤回关联申请", AssocDissolve: "解除关联",
	StandardCreate: "建立企业标准", StandardEdit: "修改企业标准", StandardImport: "导入标准与清单", GradeEdit: "修改隐患等级",
	ChecklistCreate: "新建岗位清单", ChecklistUpdate: "修改岗位清单", ChecklistDelete: "删除岗位清单",
	ReportSign: "隐患统计报表签字确认", HazardSupervise: "督办重大隐患", HazardLift: "解除督办",
	TemplateEdit: "修改行业模板", RegionCreate: "新建街道/属地", RegionUpdate: "修改街道/属地", RegionDelete: "删除街道/属地",
	InitialPasswordExport: "导出企业初始密码",
	APIKeyCreate:          "新建API密钥", APIKeyRevoke: "吊销API密钥", APIKeyUse: "使用API密钥访问",
	WebhookCreate: "登记推送地址", WebhookUpdate: "修改推送地址", WebhookDelete: "删除推送地址", WebhookRedeliver: "重新推送事件",
}

// Actor is who acts, and from where. A zero ID means nobody logged in (e.g. a failed login).
type Actor struct {
	ID           int64
	Name         string
	EnterpriseID int64
	RegionID     int64
	IP           string
	RequestID    string
	// APIKeyID and APIKey (its label, yqyb_<prefix>) name the API key the account acted through, if any;
	// the entry's detail records them as api_key.
	APIKeyID int64
	APIKey   string
}

// Entry is one event to record.
type Entry struct {
	Action       string
	EnterpriseID int64 // the tenant the event belongs to (0: none)
	RegionID     int64
	TargetType   string // user, role, enterprise
	TargetID     int64
	TargetName   string
	Before       any // state before the change, if any
	After        any // state after the change, if any
	Note         string
}

// record is the table row.
type record struct {
	ID           int64 `gorm:"primaryKey"`
	At           time.Time
	ActorID      *int64
	ActorName    string
	EnterpriseID *int64
	RegionID     *int64
	Action       string
	TargetType   string
	TargetID     *int64
	TargetName   string
	IP           string
	RequestID    string
	Detail       *string
}

func (record) TableName() string { return "audit_logs" }

func ptr(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// Record writes an entry using db, which should be the transaction that makes the change.
func Record(ctx context.Context, db *gorm.DB, now time.Time, a Actor, e Entry) error {
	var detail *string
	if e.Before != nil || e.After != nil || e.Note != "" || a.APIKeyID != 0 {
		m := map[string]any{}
		if a.APIKeyID != 0 {
			m["api_key"] = map[string]any{"id": a.APIKeyID, "prefix": a.APIKey}
		}
		if e.Before != nil {
			m["before"] = e.Before
		}
		if e.After != nil {
			m["after"] = e.After
		}
		if e.Note != "" {
			m["note"] = e.Note
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		s := string(b)
		detail = &s
	}
	ent := e.EnterpriseID
	if ent == 0 {
		ent = a.EnterpriseID
	}
	reg := e.RegionID
	if reg == 0 {
		reg = a.RegionID
	}
	return db.WithContext(ctx).Create(&record{
		At: now.UTC(), ActorID: ptr(a.ID), ActorName: a.Name, EnterpriseID: ptr(ent), RegionID: ptr(reg),
		Action: e.Action, TargetType: e.TargetType, TargetID: ptr(e.TargetID), TargetName: e.TargetName,
		IP: a.IP, RequestID: a.RequestID, Detail: detail,
	}).Error
}

// View is an entry as listed.
type View struct {
	ID          int64           `json:"id"`
	At          time.Time       `json:"at" format:"date-time"`
	ActorID     *int64          `json:"actor_id" extensions:"x-nullable"`
	ActorName   string          `json:"actor_name"`
	Action      string          `json:"action" example:"password_reset"`
	ActionLabel string          `json:"action_label" example:"重置密码"`
	TargetType  string          `json:"target_type" example:"user"`
	TargetID    *int64          `json:"target_id" extensions:"x-nullable"`
	TargetName  string          `json:"target_name"`
	IP          string          `json:"ip"`
	RequestID   string          `json:"request_id"`
	Detail      json.RawMessage `json:"detail,omitempty" swaggertype:"object"`
} // @name AuditLog

// Filter narrows a listing. EnterpriseID scopes it to one tenant; AllTenants (platform administrators)
// lifts the scope.
type Filter struct {
	EnterpriseID int64
	AllTenants   bool
	Action       string
	ActorID      int64
	TargetType   string
	TargetID     int64
	From, To     time.Time
	Keyword      string
}

// Spec is the sorting the audit list accepts.
var Spec = listq.Spec{
	Sorts:   map[string]string{"at": "at", "id": "id"},
	Default: []listq.Order{{Field: "id", Desc: true}},
}

// Service reads the log. Writing needs no service: every domain records its entries with Record inside
// the transaction that makes the change.
type Service struct {
	db *gorm.DB
}

// NewService returns the reader of the log.
func NewService(db *gorm.DB) *Service { return &Service{db: db} }

// List pages through the log within the filter's scope.
func (s *Service) List(ctx context.Context, f Filter, q listq.Query) (listq.Page[View], error) {
	tx := s.db.WithContext(ctx).Model(&record{})
	if !f.AllTenants {
		// Fail closed: without a tenant and without the platform flag, nothing is visible.
		tx = tx.Where("enterprise_id = ?", f.EnterpriseID)
	}
	if f.Action != "" {
		tx = tx.Where("action = ?", f.Action)
	}
	if f.ActorID != 0 {
		tx = tx.Where("actor_id = ?", f.ActorID)
	}
	if f.TargetType != "" {
		tx = tx.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != 0 {
		tx = tx.Where("target_id = ?", f.TargetID)
	}
	if !f.From.IsZero() {
		tx = tx.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		tx = tx.Where("at < ?", f.To.UTC())
	}
	tx = listq.Keyword(tx, f.Keyword, "actor_name", "target_name")
	page, err := listq.Fetch[record](tx, q)
	if err != nil {
		return listq.Page[View]{}, err
	}
	out := listq.Page[View]{Items: make([]View, 0, len(page.Items)), Total: page.Total, Page: page.Page, PageSize: page.PageSize}
	for _, r := range page.Items {
		v := View{ID: r.ID, At: r.At, ActorID: r.ActorID, ActorName: r.ActorName, Action: r.Action, ActionLabel: Labels[r.Action],
			TargetType: r.TargetType, TargetID: r.TargetID, TargetName: r.TargetName, IP: r.IP, RequestID: r.RequestID}
		if r.Detail != nil {
			v.Detail = json.RawMessage(*r.Detail)
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}
