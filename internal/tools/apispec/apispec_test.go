package apispec

import (
	"testing"
)

// TestContractUpToDate fails when the committed openapi.yaml (or its embedded copy) differs from what the
// swag annotations produce.
func TestContractUpToDate(t *testing.T) {
	stale, err := Check("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("%v differ from the annotations: run `make openapi` and commit the result", stale)
	}
}
