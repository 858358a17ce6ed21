// Package dberrcheck is a static check run by `make test` (through `go vet -vettool`): it reports database
// calls whose error nobody reads. A GORM chain reports its failure only in the returned *gorm.DB's Error
// field, so a chain used as a statement (`tx.Table("users").Where(...).Count(&n)`) silently turns a failed
// query into a zero; go vet's own checks and the compiler do not see it.
//
// Reported:
//   - a call returning *gorm.DB whose result is dropped (an expression statement, `defer`/`go`, or assigned
//     to the blank identifier);
//   - a call returning an error whose result is dropped, when the call is a method of *gorm.DB, *sql.DB,
//     *sql.Conn or *sql.Tx, or takes one of them as an argument (our own helpers that run queries).
//
// Close and Rollback are exempt: closing is best-effort by convention, and a rollback runs after the error
// that matters has already been returned. A deliberate `_ = helper(tx, ...)` of a
// plain error is allowed (it is written down); a blank *gorm.DB never is, since its Error is all it carries.
package dberrcheck

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// Analyzer is the check.
var Analyzer = &analysis.Analyzer{
	Name: "dberrcheck",
	Doc:  "reports database calls (GORM chains, database/sql, helpers taking a handle) whose error is not read",
	Run:  run,
}

func run(pass *analysis.Pass) (any, error) {
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.ExprStmt:
				check(pass, s.X, false)
			case *ast.DeferStmt:
				check(pass, s.Call, false)
			case *ast.GoStmt:
				check(pass, s.Call, false)
			case *ast.AssignStmt:
				if len(s.Rhs) == 1 && len(s.Lhs) >= 1 {
					if allBlank(s.Lhs) {
						check(pass, s.Rhs[0], true)
					}
				}
			}
			return true
		})
	}
	return nil, nil
}

func allBlank(lhs []ast.Expr) bool {
	for _, l := range lhs {
		if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return true
}

func check(pass *analysis.Pass, e ast.Expr, blank bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return
	}
	sig, ok := pass.TypesInfo.TypeOf(call.Fun).(*types.Signature)
	if !ok || sig.Results().Len() == 0 || isClose(call) {
		return
	}
	last := sig.Results().At(sig.Results().Len() - 1).Type()
	if sig.Results().Len() == 1 && isGormDB(last) {
		pass.Reportf(call.Pos(), "the error of this GORM call is not read: check its .Error")
		return
	}
	if blank || !isError(last) {
		return
	}
	if recvIsHandle(pass, call) || argIsHandle(pass, call) {
		pass.Reportf(call.Pos(), "the error of this database call is not read")
	}
}

func isClose(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && (sel.Sel.Name == "Close" || sel.Sel.Name == "Rollback")
}

func recvIsHandle(pass *analysis.Pass, call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s, ok := pass.TypesInfo.Selections[sel]
	return ok && s.Kind() == types.MethodVal && isHandle(s.Recv())
}

func argIsHandle(pass *analysis.Pass, call *ast.CallExpr) bool {
	for _, a := range call.Args {
		if isHandle(pass.TypesInfo.TypeOf(a)) {
			return true
		}
	}
	return false
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

func isGormDB(t types.Type) bool { return isPtrTo(t, "gorm.io/gorm", "DB") }

func isHandle(t types.Type) bool {
	return isGormDB(t) || isPtrTo(t, "database/sql", "DB") || isPtrTo(t, "database/sql", "Conn") || isPtrTo(t, "database/sql", "Tx")
}

func isPtrTo(t types.Type, pkg, name string) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}
