package apispec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"yqyb/internal/feed"
	"yqyb/internal/hazard"
)

// feedActions are the change feed's actions, each with the Go type its writers put in data. The contract's
// FeedEntry becomes one schema per action (its action a one-value enum, its data that type's schema), joined
// by a discriminator on action, so a generated client knows each action's data.
var feedActions = []struct {
	action, title string
	data          any
}{
	{"inspection.submitted", "排查提交", feed.InspectionSubmitted{}},
	{"hazard.register", "隐患登记", feed.HazardStep[feed.NoDetails]{}},
	{"hazard.spot_fix", "当场整改（登记即销号）", feed.HazardStep[feed.NoDetails]{}},
	{"hazard.assign", "安排整改", feed.HazardStep[hazard.AssignDetails]{}},
	{"hazard.fix", "提交整改", feed.HazardStep[feed.NoDetails]{}},
	{"hazard.accept", "验收通过", feed.HazardStep[feed.NoDetails]{}},
	{"hazard.reject", "验收退回", feed.HazardStep[feed.NoDetails]{}},
	{"hazard.supervise", "监管督办", feed.HazardStep[hazard.SuperviseDetails]{}},
	{"hazard.lift_supervision", "解除督办", feed.HazardStep[feed.NoDetails]{}},
}

// schemaSuffix turns an action into the part of a schema name: hazard.lift_supervision → HazardLiftSupervision.
func schemaSuffix(action string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(action, func(r rune) bool { return r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// typeFeedActions replaces the FeedEntry schema swag wrote (data: any object) by a discriminated union of one
// entry schema per action. The action enum on the Go type (feed.Entry) must list exactly feedActions.
func typeFeedActions(doc map[string]any) error {
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	base, _ := schemas["FeedEntry"].(map[string]any)
	props, _ := base["properties"].(map[string]any)
	action, _ := props["action"].(map[string]any)
	if action == nil || props["data"] == nil {
		return fmt.Errorf("feed actions: no FeedEntry schema with action and data")
	}
	enum, _ := action["enum"].([]any)
	var listed []string
	for _, a := range enum {
		listed = append(listed, fmt.Sprint(a))
	}
	var want []string
	for _, a := range feedActions {
		want = append(want, a.action)
	}
	if !slices.Equal(listed, want) {
		return fmt.Errorf("feed actions: feed.Entry's action enum %v differs from apispec's feedActions %v", listed, want)
	}
	var oneOf []any
	mapping := map[string]any{}
	var lines []string
	for _, a := range feedActions {
		suffix := schemaSuffix(a.action)
		dataName, entryName := "FeedData"+suffix, "FeedEntry"+suffix
		data := schemaOf(reflect.TypeOf(a.data))
		data["description"] = a.title + "（" + a.action + "）的 data"
		schemas[dataName] = data
		entry := deepCopy(base).(map[string]any)
		entry["description"] = "变更流条目：" + a.title
		ep := entry["properties"].(map[string]any)
		act := deepCopy(action).(map[string]any)
		act["enum"] = []any{a.action}
		act["example"] = a.action
		ep["action"] = act
		ep["data"] = map[string]any{"$ref": "#/components/schemas/" + dataName}
		schemas[entryName] = entry
		ref := "#/components/schemas/" + entryName
		oneOf = append(oneOf, map[string]any{"$ref": ref})
		mapping[a.action] = ref
		lines = append(lines, fmt.Sprintf("- %s：%s，data 见 %s", a.action, a.title, dataName))
	}
	schemas["FeedEntry"] = map[string]any{
		"description": "变更流中的一条变更；action 决定 data 的结构：\n" + strings.Join(lines, "\n"),
		"oneOf":       oneOf,
		"discriminator": map[string]any{
			"propertyName": "action",
			"mapping":      mapping,
		},
	}
	return nil
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

var timeType = reflect.TypeOf(time.Time{})

// schemaOf is the OpenAPI schema of the JSON encoding/json writes for t: structs by their json tags (every
// field required, as in the rest of the contract's responses), pointers nullable, and the tags doc (or
// label), enums and example. It covers the types the feed's data uses, and panics on others.
func schemaOf(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem().NumField() == 0:
		return map[string]any{"type": "object", "nullable": true, "maxProperties": 0, "description": "本步骤没有明细，恒为 null"}
	case t.Kind() == reflect.Pointer:
		s := schemaOf(t.Elem())
		s["nullable"] = true
		return s
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		required := []any{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := schemaOf(f.Type)
			if _, ok := p["description"]; ok {
			} else if d := f.Tag.Get("doc"); d != "" {
				p["description"] = d
			} else if l := f.Tag.Get("label"); l != "" {
				p["description"] = l
			}
			if e, ok := f.Tag.Lookup("enums"); ok {
				var vals []any
				for _, v := range strings.Split(e, ",") {
					vals = append(vals, v)
				}
				p["enum"] = vals
			}
			if ex := f.Tag.Get("example"); ex != "" {
				p["example"] = ex
			}
			props[name] = p
			required = append(required, name)
		}
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	panic(fmt.Sprintf("apispec: no schema for %s", t))
}
