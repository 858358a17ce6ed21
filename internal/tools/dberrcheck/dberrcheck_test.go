package dberrcheck_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"yqyb/internal/tools/dberrcheck"
)

// The cases in testdata/src/a say with `// want` what must be reported, and every other line must not be.
func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), dberrcheck.Analyzer, "a")
}
