// Command vettool runs dberrcheck under `go vet -vettool` (see the Makefile's test-go target).
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"yqyb/internal/tools/dberrcheck"
)

func main() { unitchecker.Main(dberrcheck.Analyzer) }
