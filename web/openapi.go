package web

import (
	"encoding/json"
	"fmt"
	"slices"
)

// openAPIDoc is the served OpenAPI document: the core's (openapi.json)
// with the fragments of the mounted capabilities merged in.
type openAPIDoc struct {
	top        map[string]json.RawMessage
	paths      map[string]json.RawMessage
	components map[string]map[string]json.RawMessage
	tags       []json.RawMessage
	tagNames   []string
}

func parseOpenAPI(core []byte) (*openAPIDoc, error) {
	d := &openAPIDoc{paths: map[string]json.RawMessage{}, components: map[string]map[string]json.RawMessage{}}
	if err := json.Unmarshal(core, &d.top); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	if err := d.merge("openapi.json", core); err != nil {
		return nil, err
	}
	return d, nil
}

// merge adds a fragment's paths, components and tags. A path, component or
// tag defined twice is an error: two capabilities may not claim the same.
func (d *openAPIDoc) merge(name string, fragment []byte) error {
	var f struct {
		Paths      map[string]json.RawMessage            `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
		Tags       []json.RawMessage                     `json:"tags"`
	}
	if err := json.Unmarshal(fragment, &f); err != nil {
		return fmt.Errorf("openapi fragment %s: %w", name, err)
	}
	for p, v := range f.Paths {
		if _, ok := d.paths[p]; ok {
			return fmt.Errorf("openapi fragment %s: path %s is defined twice", name, p)
		}
		d.paths[p] = v
	}
	for kind, m := range f.Components {
		if d.components[kind] == nil {
			d.components[kind] = map[string]json.RawMessage{}
		}
		for k, v := range m {
			if _, ok := d.components[kind][k]; ok {
				return fmt.Errorf("openapi fragment %s: components.%s.%s is defined twice", name, kind, k)
			}
			d.components[kind][k] = v
		}
	}
	for _, t := range f.Tags {
		var tag struct{ Name string }
		if err := json.Unmarshal(t, &tag); err != nil {
			return fmt.Errorf("openapi fragment %s: tag: %w", name, err)
		}
		if slices.Contains(d.tagNames, tag.Name) {
			return fmt.Errorf("openapi fragment %s: tag %s is defined twice", name, tag.Name)
		}
		d.tagNames = append(d.tagNames, tag.Name)
		d.tags = append(d.tags, t)
	}
	return nil
}

// marshal returns the whole document.
func (d *openAPIDoc) marshal() ([]byte, error) {
	out := map[string]any{}
	for k, v := range d.top {
		out[k] = v
	}
	out["paths"], out["components"], out["tags"] = d.paths, d.components, d.tags
	return json.MarshalIndent(out, "", "  ")
}
