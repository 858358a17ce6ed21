package api

import (
	"yqyb/internal/account"
	"yqyb/internal/apikey"
	"yqyb/internal/association"
	"yqyb/internal/audit"
	"yqyb/internal/enterprise"
	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/org"
	"yqyb/internal/rbac"
	"yqyb/internal/standard"
)

// The paged lists answer listq.Page[T]: {"items": [...], "total": N, "page": P, "page_size": S}. swag cannot
// expand that generic type across packages, so each list names a concrete page type here for the contract;
// TestPageTypesMatchListq keeps their JSON shape identical to listq.Page.

// RolePage is a page of 角色.
type RolePage struct {
	Items    []rbac.RoleView `json:"items"`
	Total    int64           `json:"total"`
	Page     int             `json:"page"`
	PageSize int             `json:"page_size"`
} // @name RolePage

// EnterprisePage is a page of 辖区企业.
type EnterprisePage struct {
	Items    []enterprise.ListItem `json:"items"`
	Total    int64                 `json:"total"`
	Page     int                   `json:"page"`
	PageSize int                   `json:"page_size"`
} // @name EnterprisePage

// UserPage is a page of 岗位用户或监管账号.
type UserPage struct {
	Items    []account.UserView `json:"items"`
	Total    int64              `json:"total"`
	Page     int                `json:"page"`
	PageSize int                `json:"page_size"`
} // @name UserPage

// AuditPage is a page of 审计日志.
type AuditPage struct {
	Items    []audit.View `json:"items"`
	Total    int64        `json:"total"`
	Page     int          `json:"page"`
	PageSize int          `json:"page_size"`
} // @name AuditPage

// APIKeyPage is a page of API密钥 (never their secrets).
type APIKeyPage struct {
	Items    []apikey.View `json:"items"`
	Total    int64         `json:"total"`
	Page     int           `json:"page"`
	PageSize int           `json:"page_size"`
} // @name APIKeyPage

// ChecklistPage is a page of 岗位清单.
type ChecklistPage struct {
	Items    []standard.ChecklistView `json:"items"`
	Total    int64                    `json:"total"`
	Page     int                      `json:"page"`
	PageSize int                      `json:"page_size"`
} // @name ChecklistPage

// InspectionPage is a page of 排查记录.
type InspectionPage struct {
	Items    []inspection.Summary `json:"items"`
	Total    int64                `json:"total"`
	Page     int                  `json:"page"`
	PageSize int                  `json:"page_size"`
} // @name InspectionPage

// HazardPage is a page of 隐患.
type HazardPage struct {
	Items    []hazard.View `json:"items"`
	Total    int64         `json:"total"`
	Page     int           `json:"page"`
	PageSize int           `json:"page_size"`
} // @name HazardPage

// PostPage is a page of 岗位.
type PostPage struct {
	Items    []org.PostView `json:"items"`
	Total    int64          `json:"total"`
	Page     int            `json:"page"`
	PageSize int            `json:"page_size"`
} // @name PostPage

// CandidatePage is a page of 备选关联企业.
type CandidatePage struct {
	Items    []association.Candidate `json:"items"`
	Total    int64                   `json:"total"`
	Page     int                     `json:"page"`
	PageSize int                     `json:"page_size"`
} // @name CandidatePage
