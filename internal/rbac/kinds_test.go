package rbac

import (
	"slices"
	"testing"
)

func TestKinds(t *testing.T) {
	for code, want := range map[string][]string{
		DeptCreate:        {KindEnterpriseAdmin, KindPostUser},
		RegEnterpriseView: {KindRegulator},
		ProfileEdit:       {KindEnterpriseUser},
	} {
		if got := Kinds(code); !slices.Equal(got, want) {
			t.Errorf("Kinds(%s) = %v, want %v", code, got, want)
		}
	}
	if got := Kinds("no:such:code"); got != nil {
		t.Errorf("an unknown code is held by %v", got)
	}
}
