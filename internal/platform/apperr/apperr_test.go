package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestSentinelMatching(t *testing.T) {
	errDeptBusy := New(Conflict, "dept_has_posts", "部门下仍有岗位，不能删除")
	withDetails := errDeptBusy.WithDetails(map[string]any{"posts": 3})
	wrapped := fmt.Errorf("delete: %w", withDetails)
	cause := errors.New("pq: boom")

	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"copy with details matches sentinel", withDetails, errDeptBusy, true},
		{"wrapped copy matches sentinel", wrapped, errDeptBusy, true},
		{"different code does not match", withDetails, ErrConflict, false},
		{"cause reachable through Wrap", ErrInternal.Wrap(cause), cause, true},
		{"wrap keeps code", ErrInternal.Wrap(cause), ErrInternal, true},
	}
	for _, tt := range tests {
		if got := errors.Is(tt.err, tt.target); got != tt.want {
			t.Errorf("%s: errors.Is = %v, want %v", tt.name, got, tt.want)
		}
	}
	if errDeptBusy.Details != nil {
		t.Errorf("WithDetails modified the sentinel")
	}
	e, ok := As(wrapped)
	if !ok || e.Details["posts"] != 3 || e.Kind != Conflict {
		t.Errorf("As = %+v, %v", e, ok)
	}
	if m := errDeptBusy.WithMessage("部门“仓储部”下仍有岗位"); m.Message == errDeptBusy.Message || m.Code != errDeptBusy.Code {
		t.Errorf("WithMessage: %+v", m)
	}
}

func TestValidation(t *testing.T) {
	v := Validation(FieldError{"name", "企业名称为必填字段"})
	if !errors.Is(v, ErrValidation) || len(v.Details["fields"].([]FieldError)) != 1 {
		t.Fatalf("Validation = %+v", v)
	}
}
