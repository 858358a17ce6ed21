// Package rbac owns who may do what: the catalogue of permission codes arranged as the menu tree, the codes
// each kind of account holds by itself, and the grants an enterprise makes — role grants, role assignments
// and user grants — stored as Casbin policies (RBAC with domains, domain = the enterprise) and checked per
// domain, loading only the domain a request concerns.
package rbac

import (
	"slices"
	"sort"
)

// Scope says whose codes a node belongs to.
type Scope string

// Scopes of the catalogue.
const (
	ScopeEnterprise Scope = "enterprise" // enterprise admins, post users, enterprise-user accounts
	ScopeRegion     Scope = "region"     // regulators, over their region and everything below it
	ScopePlatform   Scope = "platform"   // platform administrators
	ScopeOversight  Scope = "oversight"  // regulators and platform administrators alike (industry templates)
)

// NodeType distinguishes menu groups, pages and the buttons on them.
type NodeType string

// Node types.
const (
	Group  NodeType = "group"
	Menu   NodeType = "menu"
	Button NodeType = "button"
)

// Node is one entry of the catalogue: a permission code with its place in the menu tree. The same code is
// used by the SPA's menu, its buttons (v-permission) and the route table.
type Node struct {
	Code     string   `json:"code" example:"sys:user:create"`
	Title    string   `json:"title" example:"新建用户"`
	Type     NodeType `json:"type" enums:"group,menu,button"`
	Path     string   `json:"path,omitempty" example:"/system/users"`
	Icon     string   `json:"icon,omitempty"`
	Children []*Node  `json:"children,omitempty"`

	scope Scope
	// forEnterpriseUser marks codes the enterprise-user account (企业用户登录) holds by itself.
	forEnterpriseUser bool
	// postDefault marks codes given to the default post-user role of a new enterprise.
	postDefault bool
	// entityOnly marks codes only the enterprise-user account holds (the legal entity's own business, such
	// as editing the enterprise's registered data): the enterprise admin does not hold them and they
	// cannot be granted.
	entityOnly bool
	// cityWide marks codes a regulator holds only when its region is the whole city: the industry templates
	// are city-wide reference data every enterprise's standard starts from, so district and street
	// regulators read them and the city's regulator (and the platform) maintain them.
	cityWide bool
}

// Permission codes used by routes. Keep in step with the catalogue below.
const (
	UserList          = "sys:user"
	UserCreate        = "sys:user:create"
	UserUpdate        = "sys:user:update"
	UserDisable       = "sys:user:disable"
	UserDelete        = "sys:user:delete"
	UserResetPassword = "sys:user:reset-password"
	UserGrant         = "sys:user:grant"
	RoleList          = "sys:role"
	RoleCreate        = "sys:role:create"
	RoleUpdate        = "sys:role:update"
	RoleDelete        = "sys:role:delete"
	RoleGrant         = "sys:role:grant"
	RoleAssign        = "sys:role:assign"
	AuditView         = "sys:audit"
	APIKeyManage      = "sys:apikey"
	WebhookManage     = "sys:webhook"
	DeptList          = "org:dept"
	DeptCreate        = "org:dept:create"
	DeptUpdate        = "org:dept:update"
	DeptDelete        = "org:dept:delete"
	PostList          = "org:post"
	PostCreate        = "org:post:create"
	PostUpdate        = "org:post:update"
	PostDisable       = "org:post:disable"
	PostDelete        = "org:post:delete"
	PostDocUpload     = "org:post:doc"
	SetupView         = "setup"
	ProfileView       = "ent:profile"
	ProfileEdit       = "ent:profile:edit"
	AssocView         = "ent:assoc"
	AssocApply        = "ent:assoc:apply"
	AssocDecide       = "ent:assoc:decide"
	AssocDissolve     = "ent:assoc:dissolve"
	GroupView         = "ent:group"
	StandardView      = "std:standard"
	StandardEdit      = "std:standard:edit"
	GradeView         = "std:grade"
	GradeEdit         = "std:grade:edit"
	ChecklistView     = "std:checklist"
	ChecklistEdit     = "std:checklist:edit"
	ChecklistImport   = "std:checklist:import"
	ChecklistExport   = "std:checklist:export"
	InspectView       = "hz:inspect"
	InspectHistory    = "hz:history"
	HazardLedger      = "hz:ledger"
	HazardRegister    = "hz:register"
	HazardAssign      = "hz:assign"
	HazardFix         = "hz:fix"
	HazardAccept      = "hz:accept"
	HazardExport      = "hz:export"
	UsageView         = "hz:usage"
	StatsView         = "hz:stats"
	ReportSign        = "hz:stats:sign"
	FeedRead          = "hz:feed"

	RegEnterpriseView   = "reg:enterprise"
	RegEnterpriseCreate = "reg:enterprise:create"
	RegEnterpriseImport = "reg:enterprise:import"
	RegEnterpriseReset  = "reg:enterprise:reset-password"
	RegHazardView       = "reg:hazard"
	RegSupervise        = "reg:hazard:supervise"
	RegDashboard        = "reg:dashboard"
	RegFeed             = "reg:feed"
	RegAPIKeyManage     = "reg:apikey"
	RegWebhookManage    = "reg:webhook"

	PlatRegulatorView    = "plat:regulator"
	PlatRegulatorCreate  = "plat:regulator:create"
	PlatRegulatorUpdate  = "plat:regulator:update"
	PlatRegulatorDisable = "plat:regulator:disable"
	PlatRegulatorReset   = "plat:regulator:reset-password"
	PlatAuditView        = "plat:audit"
	PlatRegionView       = "plat:region"
	PlatRegionEdit       = "plat:region:edit"
	TemplateView         = "tpl:template"
	TemplateEdit         = "tpl:template:edit"
)

func group(scope Scope, code, title, icon string, children ...*Node) *Node {
	n := &Node{Code: code, Title: title, Type: Group, Icon: icon, Children: children, scope: scope}
	return n
}

func menu(code, title, path, icon string, buttons ...*Node) *Node {
	return &Node{Code: code, Title: title, Type: Menu, Path: path, Icon: icon, Children: buttons}
}

func button(code, title string) *Node { return &Node{Code: code, Title: title, Type: Button} }

// forCity marks a node held by regulators of the whole city only.
func forCity(n *Node) *Node {
	n.cityWide = true
	return n
}

// defaultForPosts marks a node as given to the default post-user role.
func defaultForPosts(n *Node) *Node {
	n.postDefault = true
	return n
}

// entity marks a node (and, through the index, its children) as held by the enterprise-user account;
// only makes it exclusive to that account.
func entity(n *Node, only bool) *Node {
	n.forEnterpriseUser = true
	n.entityOnly = only
	return n
}

// catalog is the whole tree. The home page needs no code: every account has one.
var catalog = []*Node{
	group(ScopeEnterprise, "ent", "企业信息", "OfficeBuilding",
		menu(SetupView, "初始化", "/setup", "Guide"),
		entity(menu(ProfileView, "企业基础信息", "/enterprise/profile", "Postcard",
			entity(button(ProfileEdit, "修改企业信息"), true),
		), false),
		entity(menu(AssocView, "申请关联", "/enterprise/associations", "Connection",
			button(AssocApply, "申请关联"),
			button(AssocDecide, "审批关联申请"),
			button(AssocDissolve, "解除关联"),
		), true),
		entity(menu(GroupView, "关联企业", "/enterprise/members", "OfficeBuilding"), false),
	),
	group(ScopeEnterprise, "sys", "系统管理", "Setting",
		menu(UserList, "用户管理", "/system/users", "User",
			button(UserCreate, "新建用户"),
			button(UserUpdate, "修改用户/匹配岗位"),
			button(UserDisable, "停用/启用"),
			button(UserDelete, "删除用户"),
			button(UserResetPassword, "重置密码"),
			button(UserGrant, "用户授权"),
		),
		menu(RoleList, "角色管理", "/system/roles", "UserFilled",
			button(RoleCreate, "新建角色"),
			button(RoleUpdate, "修改角色"),
			button(RoleDelete, "删除角色"),
			button(RoleGrant, "角色授权"),
			button(RoleAssign, "分配用户"),
		),
		menu(DeptList, "部门管理", "/system/departments", "Share",
			button(DeptCreate, "新建部门"),
			button(DeptUpdate, "修改/移动部门"),
			button(DeptDelete, "删除部门"),
		),
		menu(PostList, "岗位管理", "/system/posts", "Briefcase",
			button(PostCreate, "新建岗位"),
			button(PostUpdate, "修改岗位"),
			button(PostDisable, "停用/启用岗位"),
			button(PostDelete, "删除岗位"),
			button(PostDocUpload, "上传岗位责任制"),
		),
		menu(AuditView, "审计日志", "/system/audit", "Document"),
		menu(APIKeyManage, "API密钥", "/system/api-keys", "Key"),
		menu(WebhookManage, "事件推送", "/system/webhooks", "Bell"),
	),
	group(ScopeEnterprise, "std", "标准管理", "Notebook",
		menu(StandardView, "企业标准", "/standard", "Notebook",
			button(StandardEdit, "编辑企业标准"),
		),
		menu(GradeView, "隐患等级", "/standard/grades", "Histogram",
			button(GradeEdit, "设置隐患等级"),
		),
		menu(ChecklistView, "岗位清单", "/standard/checklists", "List",
			button(ChecklistEdit, "编辑岗位清单"),
			button(ChecklistImport, "导入清单"),
			button(ChecklistExport, "导出清单"),
		),
	),
	group(ScopeEnterprise, "hz", "隐患管理", "Warning",
		defaultForPosts(menu(InspectView, "隐患排查", "/inspections", "Checked")),
		menu(InspectHistory, "排查记录", "/inspections/history", "Tickets",
			button(UsageView, "查看系统使用率"),
		),
		defaultForPosts(menu(HazardLedger, "隐患台账", "/hazards", "Warning",
			defaultForPosts(button(HazardRegister, "登记隐患")),
			button(HazardAssign, "安排整改"),
			defaultForPosts(button(HazardFix, "提交整改")),
			button(HazardAccept, "验收销号"),
			button(HazardExport, "导出台账"),
			button(FeedRead, "数据同步接口（变更流）"),
		)),
		entity(menu(StatsView, "统计报表", "/reports/hazards", "DataAnalysis",
			button(ReportSign, "报表签字确认"),
		), false),
	),
	group(ScopeRegion, "reg", "监管", "OfficeBuilding",
		menu(RegDashboard, "监管看板", "/regulator/dashboard", "DataAnalysis",
			button(RegFeed, "数据同步接口（变更流）"),
		),
		menu(RegEnterpriseView, "企业登记", "/regulator/enterprises", "OfficeBuilding",
			button(RegEnterpriseCreate, "登记企业"),
			button(RegEnterpriseImport, "批量导入企业"),
			button(RegEnterpriseReset, "重置企业密码"),
		),
		menu(RegHazardView, "重大隐患", "/regulator/hazards", "Warning",
			button(RegSupervise, "督办"),
		),
		menu(RegAPIKeyManage, "API密钥", "/regulator/api-keys", "Key"),
		menu(RegWebhookManage, "事件推送", "/regulator/webhooks", "Bell"),
	),
	group(ScopeOversight, "tpl", "行业模板", "Collection",
		menu(TemplateView, "模板标准", "/templates", "Collection",
			forCity(button(TemplateEdit, "维护模板标准（市级）")),
		),
	),
	group(ScopePlatform, "plat", "平台管理", "Management",
		menu(PlatRegulatorView, "监管账号", "/platform/regulators", "Avatar",
			button(PlatRegulatorCreate, "新建监管账号"),
			button(PlatRegulatorUpdate, "修改监管账号"),
			button(PlatRegulatorDisable, "停用/启用"),
			button(PlatRegulatorReset, "重置密码"),
		),
		menu(PlatRegionView, "区域管理", "/platform/regions", "Location",
			button(PlatRegionEdit, "维护街道/属地"),
		),
		menu(PlatAuditView, "审计日志", "/platform/audit", "Document"),
	),
}

// byCode and parentOf index the catalogue. They are built by a variable initializer, not init(), so that
// Go's initialization order computes them before the implicit code sets that depend on them.
var byCode, parentOf = index()

// index maps every code to its node and its parent, and gives every node its group's scope.
func index() (map[string]*Node, map[string]string) {
	nodes, parents := map[string]*Node{}, map[string]string{}
	var walk func(n *Node, parent *Node)
	walk = func(n *Node, parent *Node) {
		if parent != nil {
			n.scope = parent.scope
			n.forEnterpriseUser = n.forEnterpriseUser || parent.forEnterpriseUser
			// A default menu does not make all its buttons defaults: buttons are marked one by one.
			n.postDefault = n.postDefault || parent.postDefault && n.Type != Button
			n.entityOnly = n.entityOnly || parent.entityOnly
			parents[n.Code] = parent.Code
		}
		if _, dup := nodes[n.Code]; dup {
			panic("rbac: duplicate permission code " + n.Code)
		}
		nodes[n.Code] = n
		for _, c := range n.Children {
			walk(c, n)
		}
	}
	for _, n := range catalog {
		walk(n, nil)
	}
	return nodes, parents
}

// Known reports whether code is in the catalogue.
func Known(code string) bool { _, ok := byCode[code]; return ok }

// Grantable reports whether an enterprise may grant code to its post users.
func Grantable(code string) bool {
	n, ok := byCode[code]
	return ok && n.scope == ScopeEnterprise && !n.entityOnly
}

// ScopeOf returns the scope of a code.
func ScopeOf(code string) Scope { return byCode[code].scope }

// GrantableTree returns the enterprise catalogue without the codes no grant can give (those only the
// enterprise-user account holds), for grant dialogs.
func GrantableTree() []*Node {
	var prune func(ns []*Node) []*Node
	prune = func(ns []*Node) []*Node {
		var out []*Node
		for _, n := range ns {
			if n.entityOnly {
				continue
			}
			c := *n
			c.Children = prune(n.Children)
			if c.Type == Group && len(c.Children) == 0 {
				continue
			}
			out = append(out, &c)
		}
		return out
	}
	return prune(Tree(ScopeEnterprise))
}

// Tree returns the catalogue nodes of the given scopes.
func Tree(scopes ...Scope) []*Node {
	var out []*Node
	for _, n := range catalog {
		if slices.Contains(scopes, n.scope) {
			out = append(out, n)
		}
	}
	return out
}

// codesWhere lists the codes of nodes that satisfy keep, sorted.
func codesWhere(keep func(*Node) bool) []string {
	var out []string
	for code, n := range byCode {
		if keep(n) {
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return out
}

// WithAncestors adds to codes the codes of their parents (a button implies its page, a page its group),
// drops duplicates and sorts.
func WithAncestors(codes []string) []string {
	set := map[string]bool{}
	for _, c := range codes {
		for ; c != ""; c = parentOf[c] {
			set[c] = true
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Account kinds, as stored in users.kind.
const (
	KindPlatformAdmin   = "platform_admin"
	KindRegulator       = "regulator"
	KindEnterpriseAdmin = "enterprise_admin"
	KindEnterpriseUser  = "enterprise_user"
	KindPostUser        = "post_user"
)

// implicit holds the codes each kind of account has by itself, without any grant: the enterprise admin holds
// every enterprise code (so it can never be locked out), regulators every region code, platform
// administrators every platform code. Post users hold only what roles and user grants give them.
var implicit = map[string]map[string]bool{
	KindEnterpriseAdmin: setOf(codesWhere(func(n *Node) bool { return n.scope == ScopeEnterprise && !n.entityOnly })),
	KindEnterpriseUser:  setOf(codesWhere(func(n *Node) bool { return n.forEnterpriseUser })),
	KindRegulator:       setOf(codesWhere(func(n *Node) bool { return n.scope == ScopeRegion || n.scope == ScopeOversight })),
	KindPlatformAdmin:   setOf(codesWhere(func(n *Node) bool { return n.scope == ScopePlatform || n.scope == ScopeOversight })),
	KindPostUser:        {},
}

// holdsImplicitly reports whether the subject's kind (and, for regulators, the reach of its region) gives
// it code without any grant.
func holdsImplicitly(s Subject, code string) bool {
	if !implicit[s.Kind][code] {
		return false
	}
	return s.Kind != KindRegulator || s.CityWide || !byCode[code].cityWide
}

// Codes lists every code of the catalogue, sorted.
func Codes() []string { return codesWhere(func(*Node) bool { return true }) }

// PostDefaultCodes are the codes of the default post-user role a new enterprise starts with.
func PostDefaultCodes() []string {
	return codesWhere(func(n *Node) bool { return n.postDefault })
}

func setOf(codes []string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// MenuNode is a menu entry as the SPA renders it.
type MenuNode struct {
	Code     string      `json:"code" example:"sys:user"`
	Title    string      `json:"title" example:"用户管理"`
	Path     string      `json:"path,omitempty" example:"/system/users"`
	Icon     string      `json:"icon,omitempty" example:"User"`
	Children []*MenuNode `json:"children,omitempty"`
} // @name MenuNode

// Menus returns the menu tree visible with the given codes: pages whose code is held, inside the groups
// that hold at least one visible page. Buttons are not menu entries.
func Menus(codes []string) []*MenuNode {
	held := setOf(codes)
	var build func(n *Node) *MenuNode
	build = func(n *Node) *MenuNode {
		switch n.Type {
		case Button:
			return nil
		case Menu:
			if !held[n.Code] {
				return nil
			}
			return &MenuNode{Code: n.Code, Title: n.Title, Path: n.Path, Icon: n.Icon}
		}
		m := &MenuNode{Code: n.Code, Title: n.Title, Icon: n.Icon}
		for _, c := range n.Children {
			if cm := build(c); cm != nil {
				m.Children = append(m.Children, cm)
			}
		}
		if len(m.Children) == 0 {
			return nil
		}
		return m
	}
	out := []*MenuNode{}
	for _, n := range catalog {
		if m := build(n); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// Implicit returns the codes a kind of account holds by itself.
func Implicit(kind string) []string {
	out := make([]string, 0, len(implicit[kind]))
	for c := range implicit[kind] {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Kinds lists the account kinds that can hold code: those holding it by themselves (regulators only when
// their region reaches far enough for a city-wide code), and post users when an enterprise may grant it.
func Kinds(code string) []string {
	var out []string
	for _, k := range AllKinds() {
		if implicit[k][code] || (k == KindPostUser && Grantable(code)) {
			out = append(out, k)
		}
	}
	return out
}

// AllKinds lists every account kind.
func AllKinds() []string {
	return []string{KindPlatformAdmin, KindRegulator, KindEnterpriseAdmin, KindEnterpriseUser, KindPostUser}
}
