package org

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
)

// Errors of region maintenance.
var (
	ErrRegionNotFound  = apperr.New(apperr.NotFound, "region_not_found", "区域不存在")
	ErrRegionParent    = apperr.New(apperr.Invalid, "region_parent_not_district", "街道/属地只能建在区之下")
	ErrRegionCodeTaken = apperr.New(apperr.Conflict, "region_code_taken", "区域代码已存在")
	ErrRegionInUse     = apperr.New(apperr.Conflict, "region_in_use", "区域下还有企业、监管账号或下级区域，不能删除")
	ErrRegionFixed     = apperr.New(apperr.Conflict, "region_fixed", "市、区两级区域按国家行政区划代码内置，不能修改或删除")
)

// RegionInput is a street (属地) under a district.
type RegionInput struct {
	ParentID  int64  `json:"parent_id,omitempty" label:"所属区" validate:"omitempty,gt=0"`
	Code      string `json:"code,omitempty" label:"区域代码" validate:"omitempty,numeric,min=9,max=12"`
	Name      string `json:"name" label:"街道/属地名称" validate:"required,max=30"`
	SortOrder int    `json:"sort_order,omitempty" label:"排序" validate:"gte=0,lte=100000"`
}

var streetCode = regexp.MustCompile(`^(\d{9}|\d{12})$`)

// CreateStreet adds a street (街道/乡镇/属地) under a district; its code is the 9- or 12-digit statistical
// division code and must begin with the district's.
func (s *Service) CreateStreet(ctx context.Context, a audit.Actor, in RegionInput) (Region, error) {
	if in.ParentID == 0 {
		// Updates share RegionInput and leave the parent alone, so the tag cannot require it.
		return Region{}, apperr.Validation(apperr.FieldError{Field: "parent_id", Message: "所属区为必填字段"})
	}
	var r Region
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var parent Region
		if err := tx.Take(&parent, in.ParentID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrRegionNotFound
			}
			return err
		}
		if parent.Level != "district" {
			return ErrRegionParent
		}
		if !streetCode.MatchString(in.Code) || !strings.HasPrefix(in.Code, parent.Code) {
			return apperr.Validation(apperr.FieldError{Field: "code", Message: "区域代码应为以所属区代码 " + parent.Code + " 开头的9或12位数字"})
		}
		pid := parent.ID
		r = Region{ParentID: &pid, Level: "street", Code: in.Code, Name: strings.TrimSpace(in.Name), Path: parent.Path + in.Code + "/", SortOrder: in.SortOrder}
		if err := tx.Create(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrRegionCodeTaken
			}
			return err
		}
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.RegionCreate, RegionID: r.ID, TargetType: "region", TargetID: r.ID,
			TargetName: r.Name, After: map[string]any{"code": r.Code, "name": r.Name, "parent": parent.Name, "sort_order": r.SortOrder}})
	})
	return r, err
}

// UpdateStreet renames or re-orders a street; codes and places in the tree do not change.
func (s *Service) UpdateStreet(ctx context.Context, a audit.Actor, id int64, in RegionInput) (Region, error) {
	var r Region
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if r, err = RegionByID(ctx, tx, id); err != nil {
			return err
		}
		if r.Level != "street" {
			return ErrRegionFixed
		}
		before := map[string]any{"name": r.Name, "sort_order": r.SortOrder}
		r.Name, r.SortOrder = strings.TrimSpace(in.Name), in.SortOrder
		if err := tx.Model(&Region{}).Where("id = ?", id).Updates(map[string]any{"name": r.Name, "sort_order": r.SortOrder}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.RegionUpdate, RegionID: r.ID, TargetType: "region", TargetID: r.ID,
			TargetName: r.Name, Before: before, After: map[string]any{"name": r.Name, "sort_order": r.SortOrder}})
	})
	return r, err
}

// DeleteStreet removes a street nothing refers to.
func (s *Service) DeleteStreet(ctx context.Context, a audit.Actor, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := RegionByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Level != "street" {
			return ErrRegionFixed
		}
		var n int64
		if err := tx.Raw(`SELECT (SELECT COUNT(*) FROM enterprises WHERE region_id = ?) + (SELECT COUNT(*) FROM users WHERE region_id = ?)
			+ (SELECT COUNT(*) FROM regions WHERE parent_id = ?)`, id, id, id).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrRegionInUse
		}
		if err := tx.Delete(&Region{}, id).Error; err != nil {
			return err
		}
		// The entry names the parent district's region: the street's own id is gone.
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.RegionDelete, RegionID: deref(r.ParentID), TargetType: "region",
			TargetID: r.ID, TargetName: r.Name, Before: map[string]any{"code": r.Code, "name": r.Name}})
	})
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
