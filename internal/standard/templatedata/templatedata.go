// Package templatedata is the content of the industry template standards the product ships: for each
// main business (主营业务), categories of inspection items, plus general categories every enterprise
// shares. It is plain data, loaded into the database by a versioned migration; once shipped, later
// changes are made through the template maintenance pages (or a new migration), never by editing a
// shipped version in place.
package templatedata

// Item is one inspection item of a template.
type Item struct {
	Subject   string // 排查项目: what is inspected, short
	Content   string // 排查内容: what to check
	Criterion string // 排查标准: the criterion that decides "fine" or "hazard"
	Basis     string // 依据: the law, regulation or standard it comes from, with article or clause
	Grade     string // default enterprise grade when a hazard is found: "A" (most severe) to "D"
	Major     bool   // the item is a major-hazard criterion (重大事故隐患判定标准): a hazard here is always 重大
}

// Category groups items.
type Category struct {
	Name  string
	Items []Item
}

// Template is the template standard of one main business, by its code in main_businesses.
type Template struct {
	MainBusiness string
	Categories   []Category
}
