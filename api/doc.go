// Package api is the HTTP face of the product: the Echo server, its middleware, the one error shape, request
// validation, and the handlers that turn requests into calls on the domain packages under internal/. A
// request flows one way, api → internal/<domain> → database; domains never import this package.
//
// Each area of the product has one file, api/<area>.go (departments.go, hazards.go, reports.go, …), holding
// its route table — every route with the permission code it needs — and its handlers; New registers the
// tables. A handler decodes the request, calls domain service methods and encodes the answer; it never
// touches the database: rules, transactions and audit entries live in the services.
//
// The swag annotations on the handlers are the source of openapi.yaml (run `make openapi`); a test fails when
// the committed document and the annotations or the registered routes disagree.
//
//	@title						北京市安全生产事故隐患排查信息系统 API
//	@version					1.0
//	@description				“一企一标准、一岗一清单”隐患排查系统的开放接口。所有错误都以统一结构返回：{"code": 稳定的机器码, "message": 中文说明, "details": {...}}。
//	@description				列表接口统一使用 page（从1开始）、page_size（默认20，最大100）与 sort（逗号分隔，字段前加“-”表示降序）参数，返回 {"items", "total", "page", "page_size"}。
//	@description				每个操作的 operationId 稳定不变；x-permission 为所需的权限码（public 表示无需登录，authenticated 表示任何已登录账号均可），x-account-kinds 为可能持有该权限的账号类型（platform_admin、regulator、enterprise_admin、enterprise_user、post_user）。每个错误状态都列出其可能的错误码及示例；百分比字段取值 0–100。
//	@description				时间均为 RFC 3339；业务日历（上报周期、截止时间）按 Asia/Shanghai 计算，以服务器时钟为准。
//	@BasePath					/
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				访问令牌：Authorization: Bearer <access_token>
package api
